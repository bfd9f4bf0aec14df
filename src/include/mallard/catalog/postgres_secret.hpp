//===----------------------------------------------------------------------===//
// mallard/catalog/postgres_secret.hpp
//
// PostgreSQL connection settings in a DuckDB secret, as DuckDB's postgres extension (which DuckLake
// uses for PostgreSQL catalogs) has them: CREATE SECRET (TYPE postgres, HOST ..., PORT ...,
// DATABASE ..., USER ..., PASSWORD ...). A PostgreSQL catalog's conninfo takes what it leaves out
// from the secret named by a DuckLake secret's METADATA_PARAMETERS, else from the unnamed one.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/pair.hpp"

namespace duckdb {

class ClientContext;
class ExtensionLoader;

void RegisterPostgresSecret(ExtensionLoader &loader);

//! `conninfo` (key=value pairs or a postgresql:// URI) completed with `extra` (conninfo keywords
//! given elsewhere, e.g. a DuckLake secret's METADATA_PARAMETERS) and then the postgres secret
//! `secret_name` (empty: the unnamed one, if any), for the keywords the conninfo does not set.
//! Unchanged when nothing is added. A named secret that does not exist is an error.
string CompletePostgresConninfo(ClientContext &context, const string &conninfo, const string &secret_name,
                                const vector<pair<string, string>> &extra);

} // namespace duckdb
