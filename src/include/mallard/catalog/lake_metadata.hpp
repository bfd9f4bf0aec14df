//===----------------------------------------------------------------------===//
// mallard/catalog/lake_metadata.hpp
//
// Plain descriptions of what the catalog tables hold (spec 1.0): snapshots, schemas, tables,
// columns, views and data files. Read by metadata_reader, written by metadata_writer.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/types/value.hpp"
#include "duckdb/common/optional_idx.hpp"

namespace duckdb {

//! A row of ducklake_snapshot.
struct SnapshotInfo {
	idx_t snapshot_id = 0;
	//! As the catalog database prints it: 'YYYY-MM-DD HH:MM:SS.ffffff+00'.
	string snapshot_time;
	idx_t schema_version = 0;
	idx_t next_catalog_id = 0;
	idx_t next_file_id = 0;
};

//! A row of ducklake_column with its nested children (parent_column) attached.
struct LakeColumnInfo {
	//! Unique within the table; the Parquet field_id of the column.
	idx_t column_id = 0;
	string name;
	LogicalType type;
	//! The value rows written before the column existed read as (NULL when none).
	Value initial_default;
	//! The DEFAULT expression as SQL text, empty when none.
	string default_value;
	bool nulls_allowed = true;
	//! COMMENT ON COLUMN, from ducklake_column_tag (key 'comment'); top-level columns only.
	Value comment;
	vector<LakeColumnInfo> children;
};

struct LakeSchemaInfo {
	idx_t schema_id = 0;
	string schema_uuid;
	string name;
	string path;
	bool path_is_relative = true;
};

struct LakeTableInfo {
	idx_t table_id = 0;
	string table_uuid;
	idx_t schema_id = 0;
	string name;
	string path;
	bool path_is_relative = true;
	vector<LakeColumnInfo> columns;
	//! COMMENT ON TABLE, from ducklake_tag (key 'comment').
	Value comment;
};

struct LakeViewInfo {
	idx_t view_id = 0;
	string view_uuid;
	idx_t schema_id = 0;
	string name;
	string dialect = "duckdb";
	string sql;
	string column_aliases;
	Value comment;
};

//! Everything DDL defines, as seen at one snapshot (determined by its schema_version).
struct LakeCatalogInfo {
	vector<LakeSchemaInfo> schemas;
	vector<LakeTableInfo> tables;
	vector<LakeViewInfo> views;
};

//! A row of ducklake_file_column_stats. Missing bounds are unknown, never "no values".
struct ColumnStatsInfo {
	idx_t column_id = 0;
	optional_idx column_size_bytes;
	optional_idx value_count;
	optional_idx null_count;
	//! min/max as the value cast to VARCHAR; NULL Value when unknown.
	Value min_value;
	Value max_value;
	//! NULL Value when unknown (non-float columns).
	Value contains_nan;
};

//! A row of ducklake_delete_file: the positions deleted from one data file (spec: positional
//! deletes). At most one is visible per data file at a snapshot; it holds every deleted position.
struct DeleteFileInfo {
	idx_t delete_file_id = 0;
	string path;
	bool path_is_relative = true;
	idx_t delete_count = 0;
	idx_t file_size_bytes = 0;
	optional_idx footer_size;
	idx_t begin_snapshot = 0;
};

//! A row of ducklake_data_file with its column statistics.
struct DataFileInfo {
	idx_t data_file_id = 0;
	string path;
	bool path_is_relative = true;
	idx_t record_count = 0;
	idx_t file_size_bytes = 0;
	optional_idx footer_size;
	idx_t row_id_start = 0;
	vector<ColumnStatsInfo> column_stats;
	//! The delete file visible at the snapshot the file list was read at, if any.
	bool has_delete_file = false;
	DeleteFileInfo delete_file;
};

//! A row of ducklake_table_stats.
struct TableStatsInfo {
	idx_t record_count = 0;
	idx_t next_row_id = 0;
	idx_t file_size_bytes = 0;
};

} // namespace duckdb
