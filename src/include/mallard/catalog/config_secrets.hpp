//===----------------------------------------------------------------------===//
// mallard/catalog/config_secrets.hpp
//
// Secrets that hold connection settings as key=value pairs, made with CREATE SECRET (TYPE <type>,
// KEY value, ...) through the one provider "config": the shape of the ducklake secret
// (ducklake_secret.hpp) and of the postgres secret (postgres_secret.hpp), stored and persisted
// by DuckDB's secret manager.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/main/secret/secret.hpp"
#include "duckdb/main/secret/secret_manager.hpp"

namespace duckdb {

class ExtensionLoader;

struct ConfigSecrets {
	//! Registers secret type `type`, made by `create` from `parameters`.
	static void Register(ExtensionLoader &loader, const string &type, create_secret_function_t create,
	                     const named_parameter_type_map_t &parameters);
	//! The secret named `name`; null when there is none, an error when it is not of `type`.
	static unique_ptr<SecretEntry> Find(ClientContext &context, const string &name, const string &type);
	//! Its settings.
	static const KeyValueSecret &Settings(const SecretEntry &entry);
};

} // namespace duckdb
