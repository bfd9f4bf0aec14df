#include "mallard/lake/ducklake_secret.hpp"

#include "mallard/catalog/config_secrets.hpp"

#include "duckdb/common/exception.hpp"
#include "duckdb/common/string_util.hpp"

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

bool IsPostgres(const string &path) {
	for (auto prefix : {"postgres:", "postgresql://", "postgres://"}) {
		if (StringUtil::StartsWith(path, prefix)) {
			return true;
		}
	}
	return false;
}

bool HasKindPrefix(const string &path) {
	return IsPostgres(path) || StringUtil::StartsWith(path, "duckdb:") || StringUtil::StartsWith(path, "sqlite:");
}

//! The DuckLake secret an ATTACH path of letters, digits and underscores names (empty: the unnamed
//! one); an error when there is none.
unique_ptr<SecretEntry> FindSecret(ClientContext &context, const string &name) {
	auto entry = ConfigSecrets::Find(context, name.empty() ? string(DEFAULT_SECRET) : name, SECRET_TYPE);
	if (!entry) {
		if (name.empty()) {
			throw InvalidInputException("ATTACH 'ducklake:' reads the unnamed DuckLake secret, and there is none: CREATE "
			                            "SECRET (TYPE ducklake, METADATA_PATH '...', DATA_PATH '...') first, or name "
			                            "the catalog database");
		}
		throw InvalidInputException("ATTACH 'ducklake:%s': a bare name is a DuckLake secret's, and there is no secret "
		                            "named \"%s\"; for a DuckDB catalog file of that name write 'ducklake:duckdb:%s'",
		                            name, name, name);
	}
	return entry;
}

void SetParameter(const string &key, const string &value, vector<pair<string, string>> &parameters) {
	for (auto &parameter : parameters) {
		if (parameter.first == key) {
			parameter.second = value;
			return;
		}
	}
	parameters.emplace_back(key, value);
}

void AddParameters(const Value &map, vector<pair<string, string>> &parameters) {
	if (map.IsNull()) {
		return;
	}
	if (map.type().id() != LogicalTypeId::MAP) {
		throw InvalidInputException("METADATA_PARAMETERS must be a MAP such as MAP {'TYPE': 'postgres'}, not %s",
		                            map.ToString());
	}
	for (auto &item : MapValue::GetChildren(map)) {
		auto &key_value = StructValue::GetChildren(item);
		SetParameter(StringUtil::Lower(key_value[0].ToString()), key_value[1].IsNull() ? "" : key_value[1].ToString(),
		             parameters);
	}
}

//! TYPE picks the catalog database's kind; the rest must make sense for that kind.
void ApplyParameters(const vector<pair<string, string>> &parameters, LakeAttachTarget &target) {
	for (auto &parameter : parameters) {
		if (parameter.first != "type") {
			continue;
		}
		auto kind = StringUtil::Lower(parameter.second);
		if (kind != "duckdb" && kind != "sqlite" && kind != "postgres") {
			throw InvalidInputException("METADATA_PARAMETERS TYPE '%s' is not a catalog database Mallard supports "
			                            "(duckdb, sqlite or postgres)",
			                            parameter.second);
		}
		if (!HasKindPrefix(target.path)) {
			target.path = kind + ":" + target.path;
		}
	}
	bool postgres = IsPostgres(target.path);
	bool sqlite = StringUtil::StartsWith(target.path, "sqlite:");
	for (auto &parameter : parameters) {
		auto &key = parameter.first;
		if (key == "type") {
			continue;
		}
		if (postgres) {
			if (key == "secret") {
				target.postgres_secret = parameter.second;
			} else {
				target.postgres_parameters.push_back(parameter);
			}
		} else if (sqlite && key == "journal_mode" && StringUtil::CIEquals(parameter.second, "wal")) {
			// What Mallard uses anyway.
		} else if (sqlite && key == "busy_timeout") {
			// Mallard retries a locked SQLite catalog itself (commit_retry.hpp).
		} else {
			throw InvalidInputException("Catalog database parameter %s '%s' does not apply to %s: PostgreSQL "
			                            "catalogs take SECRET and connection keywords, SQLite ones JOURNAL_MODE 'WAL' "
			                            "and BUSY_TIMEOUT",
			                            StringUtil::Upper(key), parameter.second, target.path);
		}
	}
}

} // namespace

bool NamesLakeSecret(const string &path) {
	// DuckLake's rule: a path of letters, digits and underscores only names a secret.
	auto rest = StringUtil::StartsWith(path, "ducklake:") ? path.substr(9) : path;
	for (auto c : rest) {
		if (!StringUtil::CharacterIsAlphaNumeric(c) && c != '_') {
			return false;
		}
	}
	return true;
}

void RegisterDuckLakeSecret(ExtensionLoader &loader) {
	named_parameter_type_map_t parameters;
	parameters["metadata_path"] = LogicalType::VARCHAR;
	parameters["metadata_parameters"] = LogicalType::MAP(LogicalType::VARCHAR, LogicalType::VARCHAR);
	parameters["data_path"] = LogicalType::VARCHAR;
	parameters["metadata_schema"] = LogicalType::VARCHAR;
	parameters["encrypted"] = LogicalType::BOOLEAN;
	ConfigSecrets::Register(loader, SECRET_TYPE, CreateDuckLakeSecret, parameters);
}

LakeAttachTarget ResolveLakeAttach(ClientContext &context, const string &path, unordered_map<string, Value> &options) {
	LakeAttachTarget target;
	auto rest = StringUtil::StartsWith(path, "ducklake:") ? path.substr(9) : path;
	auto entry = NamesLakeSecret(rest) ? FindSecret(context, rest) : nullptr;
	auto secret = entry ? &ConfigSecrets::Settings(*entry) : nullptr;
	target.path = secret ? secret->TryGetValue("metadata_path").ToString() : rest;
	// The catalog database's parameters: the secret's, then ATTACH's, which win.
	vector<pair<string, string>> parameters;
	if (secret) {
		AddParameters(secret->TryGetValue("metadata_parameters"), parameters);
	}
	for (auto option = options.begin(); option != options.end();) {
		auto key = StringUtil::Lower(option->first);
		if (key == "metadata_parameters") {
			AddParameters(option->second, parameters);
		} else if (StringUtil::StartsWith(key, "meta_")) {
			SetParameter(key.substr(5), option->second.ToString(), parameters);
		} else {
			option++;
			continue;
		}
		option = options.erase(option);
	}
	ApplyParameters(parameters, target);
	if (secret) {
		for (auto parameter : ATTACH_PARAMETERS) {
			auto value = secret->TryGetValue(parameter);
			bool given = false;
			for (auto &option : options) {
				given = given || StringUtil::CIEquals(option.first, parameter);
			}
			if (!value.IsNull() && !given) {
				options[parameter] = value;
			}
		}
	}
	return target;
}

} // namespace duckdb
