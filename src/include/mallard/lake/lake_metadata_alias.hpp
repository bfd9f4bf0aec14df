//===----------------------------------------------------------------------===//
// mallard/lake/lake_metadata_alias.hpp
//
// DuckLake attaches a lake's catalog database beside it as __ducklake_metadata_<lake>, and its
// documentation reads the catalog tables there (`FROM __ducklake_metadata_lake.ducklake_snapshot`).
// Mallard talks to the catalog database directly, so it attaches a small catalog under that name
// (or the name ATTACH's METADATA_CATALOG gives) instead: its schema main resolves each catalog
// table to a read-only view over ducklake_catalog_table, the same rows `lake.ducklake_snapshot`
// shows, on every backend.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"

namespace duckdb {

class ClientContext;
class DuckLakeCatalog;

//! The alias's name: METADATA_CATALOG as ATTACH gave it, else __ducklake_metadata_<lake name>.
string LakeMetadataAliasName(const DuckLakeCatalog &lake);
//! Attaches the alias of `lake` unless a database of that name is attached already.
void AttachLakeMetadataAlias(ClientContext &context, DuckLakeCatalog &lake);
//! Detaches the alias of `lake` when `lake` is detached (not when an ATTACH OR REPLACE of the same
//! name replaced it: the alias then serves the new lake, which resolves by name).
void DetachLakeMetadataAlias(ClientContext &context, DuckLakeCatalog &lake);

} // namespace duckdb
