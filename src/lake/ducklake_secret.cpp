#include "mallard/lake/ducklake_secret.hpp"

#include "duckdb/catalog/catalog_transaction.hpp"
#include "duckdb/common/exception.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/main/secret/secret.hpp"
#include "duckdb/main/secret/secret_manager.hpp"

namespace duckdb {

namespace {

const char *SECRET_TYPE = "ducklake";
const char *DEFAULT_SECRET = "__default_ducklake";
//! Secret parameters that are ATTACH options of the same name.
const char *ATTACH_PARAMETERS[] = {"data_path", "metadata_schema", "encrypted"};

unique_ptr<BaseSecret> CreateDuckLakeSecret(ClientContext &context, CreateSecretInput &input) {
	if (input.options.find("metadata_path") == input.options.end()) {
		throw InvalidInputException("A DuckLake secret needs METADATA_PATH: the catalog database, as ATTACH "
		                            "'ducklake:<path>' takes it ('' for a PostgreSQL catalog given by METADATA_PARAMETERS)");
	}
	auto secret = make_uniq<KeyValueSecret>(input.scope, input.type, input.provider, input.name);
	secret->TrySetValue("metadata_path", input);
	secret->TrySetValue("metadata_parameters", input);
	for (auto parameter : ATTACH_PARAMETERS) {
		secret->TrySetValue(parameter, input);
	}
	return std::move(secret);
}

//! DuckLake's rule: a path of letters, digits and underscores only names a secret.
bool NamesSecret(const string &path) {
	for (auto c : path) {
		if (!StringUtil::CharacterIsAlphaNumeric(c) && c != '_') {
			return false;
		}
	}
	return true;
}

bool HasKindPrefix(const string &path) {
	for (auto prefix : {"duckdb:", "sqlite:", "postgres:", "postgresql://", "postgres://"}) {
		if (StringUtil::StartsWith(path, prefix)) {
			return true;
		}
	}
	return false;
}

} // namespace

void RegisterDuckLakeSecret(ExtensionLoader &loader) {
	SecretType type;
	type.name = SECRET_TYPE;
	type.deserializer = KeyValueSecret::Deserialize<KeyValueSecret>;
	type.default_provider = "config";
	loader.RegisterSecretType(type);

	CreateSecretFunction function;
	function.secret_type = SECRET_TYPE;
	function.provider = "config";
	function.function = CreateDuckLakeSecret;
	function.named_parameters["metadata_path"] = LogicalType::VARCHAR;
	function.named_parameters["metadata_parameters"] = LogicalType::MAP(LogicalType::VARCHAR, LogicalType::VARCHAR);
	function.named_parameters["data_path"] = LogicalType::VARCHAR;
	function.named_parameters["metadata_schema"] = LogicalType::VARCHAR;
	function.named_parameters["encrypted"] = LogicalType::BOOLEAN;
	loader.RegisterFunction(function);
}

LakeAttachTarget ResolveLakeAttach(ClientContext &context, const string &path, unordered_map<string, Value> &options) {
	LakeAttachTarget target;
	auto rest = StringUtil::StartsWith(path, "ducklake:") ? path.substr(9) : path;
	if (!NamesSecret(rest)) {
		target.path = rest;
		return target;
	}
	auto name = rest.empty() ? string(DEFAULT_SECRET) : rest;
	auto &secret_manager = SecretManager::Get(context);
	auto transaction = CatalogTransaction::GetSystemCatalogTransaction(context);
	auto entry = secret_manager.GetSecretByName(transaction, name);
	if (!entry) {
		if (rest.empty()) {
			throw InvalidInputException("ATTACH 'ducklake:' reads the unnamed DuckLake secret, and there is none: CREATE "
			                            "SECRET (TYPE ducklake, METADATA_PATH '...', DATA_PATH '...') first, or name "
			                            "the catalog database");
		}
		throw InvalidInputException("ATTACH 'ducklake:%s': a bare name is a DuckLake secret's, and there is no secret "
		                            "named \"%s\"; for a DuckDB catalog file of that name write 'ducklake:duckdb:%s'",
		                            rest, rest, rest);
	}
	if (entry->secret->GetType() != SECRET_TYPE) {
		throw InvalidInputException("ATTACH 'ducklake:%s': secret \"%s\" is of type %s, not ducklake", rest,
		                            entry->secret->GetName(), entry->secret->GetType());
	}
	auto &secret = dynamic_cast<const KeyValueSecret &>(*entry->secret);
	target.path = secret.TryGetValue("metadata_path").ToString();
	string kind;
	auto parameters = secret.TryGetValue("metadata_parameters");
	if (!parameters.IsNull()) {
		for (auto &item : MapValue::GetChildren(parameters)) {
			auto &key_value = StructValue::GetChildren(item);
			auto key = StringUtil::Lower(key_value[0].ToString());
			auto value = key_value[1].IsNull() ? string() : key_value[1].ToString();
			if (key == "type") {
				kind = StringUtil::Lower(value);
			} else if (key == "secret") {
				target.postgres_secret = value;
			} else {
				target.postgres_parameters.emplace_back(key, value);
			}
		}
	}
	if (!kind.empty()) {
		if (kind != "duckdb" && kind != "sqlite" && kind != "postgres") {
			throw InvalidInputException("DuckLake secret \"%s\": METADATA_PARAMETERS TYPE '%s' is not a catalog "
			                            "database Mallard supports (duckdb, sqlite or postgres)",
			                            entry->secret->GetName(), kind);
		}
		if (!HasKindPrefix(target.path)) {
			target.path = kind + ":" + target.path;
		}
	}
	bool postgres = StringUtil::StartsWith(target.path, "postgres");
	if (!postgres && (!target.postgres_secret.empty() || !target.postgres_parameters.empty())) {
		throw InvalidInputException("DuckLake secret \"%s\": METADATA_PARAMETERS other than TYPE apply to PostgreSQL "
		                            "catalogs only",
		                            entry->secret->GetName());
	}
	for (auto parameter : ATTACH_PARAMETERS) {
		auto value = secret.TryGetValue(parameter);
		bool given = false;
		for (auto &option : options) {
			given = given || StringUtil::CIEquals(option.first, parameter);
		}
		if (!value.IsNull() && !given) {
			options[parameter] = value;
		}
	}
	return target;
}

} // namespace duckdb
