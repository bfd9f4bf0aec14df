#include "mallard/catalog/config_secrets.hpp"

#include "duckdb/catalog/catalog_transaction.hpp"
#include "duckdb/common/exception.hpp"
#include "duckdb/main/extension/extension_loader.hpp"

namespace duckdb {

void ConfigSecrets::Register(ExtensionLoader &loader, const string &type, create_secret_function_t create,
                             const named_parameter_type_map_t &parameters) {
	SecretType secret_type;
	secret_type.name = type;
	secret_type.deserializer = KeyValueSecret::Deserialize<KeyValueSecret>;
	secret_type.default_provider = "config";
	loader.RegisterSecretType(secret_type);

	CreateSecretFunction function;
	function.secret_type = type;
	function.provider = "config";
	function.function = create;
	function.named_parameters = parameters;
	loader.RegisterFunction(function);
}

unique_ptr<SecretEntry> ConfigSecrets::Find(ClientContext &context, const string &name, const string &type) {
	auto &secret_manager = SecretManager::Get(context);
	auto entry = secret_manager.GetSecretByName(CatalogTransaction::GetSystemCatalogTransaction(context), name);
	if (entry && entry->secret->GetType() != type) {
		throw InvalidInputException("Secret \"%s\" is of type %s, not %s", entry->secret->GetName(),
		                            entry->secret->GetType(), type);
	}
	return entry;
}

const KeyValueSecret &ConfigSecrets::Settings(const SecretEntry &entry) {
	return dynamic_cast<const KeyValueSecret &>(*entry.secret);
}

} // namespace duckdb
