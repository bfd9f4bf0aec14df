//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_secret.hpp
//
// A lake's connection settings in a DuckDB secret, as DuckLake has them:
//   CREATE SECRET (TYPE ducklake, METADATA_PATH 'lake.ducklake', DATA_PATH 'files/');
//   ATTACH 'ducklake:' AS lake;           -- the unnamed secret
//   ATTACH 'ducklake:my_secret' AS lake;  -- a named one (a bare name is always a secret's;
//                                         -- 'ducklake:duckdb:name' is a catalog file)
// METADATA_PARAMETERS MAP {'TYPE': 'postgres', 'SECRET': 'pg'} picks the catalog database's kind
// and, for PostgreSQL, a postgres secret (postgres_secret.hpp); its other keys are conninfo
// keywords. ATTACH takes the same as METADATA_PARAMETERS or as META_<KEY> options (META_TYPE
// 'sqlite', as DuckLake tooling writes it). Options given in ATTACH beat the secret's.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/unordered_map.hpp"
#include "duckdb/common/common.hpp"
#include "duckdb/common/types/value.hpp"

namespace duckdb {

class ClientContext;
class ExtensionLoader;

void RegisterDuckLakeSecret(ExtensionLoader &loader);

//! Where ATTACH's catalog path leads once DuckLake secrets are applied.
struct LakeAttachTarget {
	//! The catalog path: ATTACH's, or the secret's METADATA_PATH with its kind's prefix.
	string path;
	//! For PostgreSQL catalogs: the postgres secret to complete the conninfo from (empty: the
	//! unnamed one) and conninfo keywords from METADATA_PARAMETERS.
	string postgres_secret;
	vector<pair<string, string>> postgres_parameters;
};

//! Whether ATTACH's path ('ducklake:' prefix optional) names a DuckLake secret rather than a
//! catalog database: empty (the unnamed secret) or letters, digits and underscores only.
bool NamesLakeSecret(const string &path);

//! Resolves ATTACH's path: an empty one or a bare name reads that DuckLake secret (an error when
//! there is none) and adds its DATA_PATH, METADATA_SCHEMA and ENCRYPTED to `options` unless given.
//! Takes the catalog database's parameters (METADATA_PARAMETERS, META_<KEY>) out of `options`.
LakeAttachTarget ResolveLakeAttach(ClientContext &context, const string &path, unordered_map<string, Value> &options);

} // namespace duckdb
