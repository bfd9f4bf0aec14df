//===----------------------------------------------------------------------===//
// mallard/catalog/catalog_rows.hpp
//
// The rows MetadataReader::ReadCatalog builds a snapshot's catalog from (schemas, tables,
// columns, views, their comments, partition specs and sort orders). The SQL backends read them in
// ONE statement: each catalog statement costs a round trip (PostgreSQL) or a parse and plan, and
// eight of them were most of a new process's first query. A DuckDB-file catalog reads each table
// from its storage instead (MetadataConnection::ScansStorage), joined here, in the same layout.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/optional_ptr.hpp"

namespace duckdb {

//! A visible row of ducklake_column, its type not yet resolved (nested types span several rows).
struct CatalogColumnRow {
	idx_t table_id = 0;
	idx_t column_id = 0;
	string column_name;
	string column_type;
	//! NULL when the column has none.
	Value initial_default;
	//! Empty when NULL.
	string default_value;
	bool nulls_allowed = true;
	optional_idx parent_column;
	optional_idx column_order;
};

//! Each result has the columns and row order of the statement it replaces (see ReadCatalogRows).
struct CatalogRows {
	//! schema_id, schema_uuid, schema_name, path, path_is_relative; by schema_id.
	MetadataResult schemas;
	//! object_id, value of the visible 'comment' tags.
	MetadataResult tags;
	//! table_id, table_uuid, schema_id, table_name, path, path_is_relative; by table_id.
	MetadataResult tables;
	//! By table_id, column_order, column_id: typed, as a lake of many tables has many of them.
	vector<CatalogColumnRow> columns;
	//! table_id, column_id, value of the visible 'comment' column tags.
	MetadataResult column_tags;
	//! table_id, column_id, min(begin_snapshot) over every snapshot, 1 when the column's versions had
	//! several types (a promotion; else 0).
	MetadataResult column_ids;
	//! table_id, partition_id, partition_key_index, column_id, transform; by table_id, partition_key_index.
	MetadataResult partition_specs;
	//! table_id, sort_id, sort_key_index, expression, dialect, sort_direction, null_order; by table_id,
	//! sort_key_index.
	MetadataResult sort_specs;
	//! view_id, view_uuid, schema_id, view_name, dialect, sql, column_aliases; by view_id.
	MetadataResult views;
};

//! Reads the catalog rows visible at `snapshot_id`, column-wise (CatalogChunk).
//! Ids come back as BIGINT, the rest as VARCHAR (booleans too, which the reader's ReadBool accepts).
//! With `only_tables`, the rows of tables (and their columns, comments, partition specs and sort orders) are
//! those of the listed tables only; schemas, views and tags are always read whole.
CatalogRows ReadCatalogRows(MetadataConnection &conn, idx_t snapshot_id,
                            optional_ptr<const vector<idx_t>> only_tables = nullptr);

} // namespace duckdb
