//===----------------------------------------------------------------------===//
// mallard/catalog/metadata_indexes.hpp
//
// Indexes Mallard adds to a catalog database. The DuckLake spec defines tables, not indexes, so
// a catalog written by another implementation (or by an older Mallard) may lack them: a
// read-write ATTACH adds the missing ones.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

namespace duckdb {

//! The name of the index on ducklake_file_column_stats (data_file_id): a scan narrowed by
//! the catalog reads its few files' statistics by id, which without it is a pass over every
//! statistics row of the lake.
extern const char *const FILE_COLUMN_STATS_INDEX;

//! The indexes Mallard adds to a catalog of `type` (none on a DuckDB file).
vector<string> MetadataIndexNames(MetadataBackendType type);

//! Whether the catalog database holds index `name` (false on a DuckDB catalog, which gets none).
bool MetadataIndexExists(MetadataConnection &conn, const string &name);

//! Creates the missing indexes on a SQLite or PostgreSQL catalog. Nothing on a read-only connection
//! or a DuckDB-file catalog (its statements scan columns with zone maps; an ART index would only
//! add cost to every commit). An index is an optimization: when the catalog's user may not create
//! one (PostgreSQL: only the table's owner may), the catalog is used without it.
void EnsureMetadataIndexes(MetadataConnection &conn);

} // namespace duckdb
