#include "mallard/catalog/postgres_secret.hpp"

#include "mallard/catalog/config_secrets.hpp"

#include "duckdb/common/exception.hpp"
#include "duckdb/common/string_util.hpp"

#include <libpq-fe.h>

namespace duckdb {

namespace {

const char *SECRET_TYPE = "postgres";
const char *DEFAULT_SECRET = "__default_postgres";

//! The secret's parameters and the libpq keywords they fill (DATABASE is libpq's dbname).
const pair<const char *, const char *> PARAMETERS[] = {
    {"host", "host"}, {"hostaddr", "hostaddr"}, {"port", "port"},         {"database", "dbname"},
    {"dbname", "dbname"}, {"user", "user"},     {"password", "password"}, {"sslmode", "sslmode"}};

unique_ptr<BaseSecret> CreatePostgresSecret(ClientContext &context, CreateSecretInput &input) {
	auto secret = make_uniq<KeyValueSecret>(input.scope, input.type, input.provider, input.name);
	for (auto &parameter : PARAMETERS) {
		secret->TrySetValue(parameter.first, input);
	}
	secret->redact_keys = {"password"};
	return std::move(secret);
}

//! The keywords the conninfo sets with their values, in libpq's order; an error naming the problem
//! if it does not parse (libpq's message never repeats the text, so no password is shown).
vector<pair<string, string>> ParseConninfo(const string &conninfo) {
	char *error = nullptr;
	auto options = PQconninfoParse(conninfo.c_str(), &error);
	if (!options) {
		string message = error ? error : "out of memory";
		PQfreemem(error);
		throw InvalidInputException("PostgreSQL catalog connection string does not parse: %s",
		                            StringUtil::Replace(message, "\n", " "));
	}
	vector<pair<string, string>> result;
	for (auto option = options; option->keyword; option++) {
		if (option->val && option->val[0] != '\0') {
			result.emplace_back(option->keyword, option->val);
		}
	}
	PQconninfoFree(options);
	return result;
}

string QuoteConninfoValue(const string &value) {
	string result = "'";
	for (auto c : value) {
		if (c == '\'' || c == '\\') {
			result += '\\';
		}
		result += c;
	}
	return result + "'";
}

} // namespace

void RegisterPostgresSecret(ExtensionLoader &loader) {
	named_parameter_type_map_t parameters;
	for (auto &parameter : PARAMETERS) {
		parameters[parameter.first] = LogicalType::VARCHAR;
	}
	ConfigSecrets::Register(loader, SECRET_TYPE, CreatePostgresSecret, parameters);
}

string CompletePostgresConninfo(ClientContext &context, const string &conninfo, const string &secret_name,
                                const vector<pair<string, string>> &extra) {
	// What may fill the conninfo's gaps, the first of each keyword winning: `extra`, then the secret.
	auto candidates = extra;
	auto entry = ConfigSecrets::Find(context, secret_name.empty() ? DEFAULT_SECRET : secret_name, SECRET_TYPE);
	if (!entry && !secret_name.empty()) {
		throw InvalidInputException("No PostgreSQL secret named \"%s\": create it with CREATE SECRET %s (TYPE postgres, "
		                            "HOST ..., USER ..., PASSWORD ...)",
		                            secret_name, secret_name);
	}
	if (entry) {
		auto &secret = ConfigSecrets::Settings(*entry);
		for (auto &parameter : PARAMETERS) {
			auto value = secret.TryGetValue(parameter.first);
			if (!value.IsNull()) {
				candidates.emplace_back(parameter.second, value.ToString());
			}
		}
	}
	if (candidates.empty()) {
		return conninfo;
	}
	auto set = ParseConninfo(conninfo);
	auto count = set.size();
	for (auto &candidate : candidates) {
		bool is_set = false;
		for (auto &existing : set) {
			is_set = is_set || StringUtil::CIEquals(existing.first, candidate.first);
		}
		if (!is_set) {
			set.push_back(candidate);
		}
	}
	if (set.size() == count) {
		return conninfo;
	}
	// Rebuilt as key=value pairs: a URI cannot take more keywords by appending them.
	string result;
	for (auto &keyword : set) {
		result += (result.empty() ? "" : " ") + keyword.first + "=" + QuoteConninfoValue(keyword.second);
	}
	return result;
}

} // namespace duckdb
