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

struct NameMapping;

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
	//! ducklake_column.column_order as stored; unset for columns not written yet (ALTER keeps it
	//! so an unchanged column's row is never rewritten).
	optional_idx column_order;
	//! The snapshot that added the column (its first version); files older than it do not hold it
	//! and read its initial default. Unset for columns added by the current transaction.
	optional_idx created_snapshot;
	//! Some version of the column had another type (a promotion): files written before store it, and
	//! DuckDB 1.4.4 would cast a filter's constant to it (rounding: 1.5 becomes the INTEGER 2).
	bool promoted = false;
};

//! One key of a table's partition spec (spec: ducklake_partition_column).
struct LakePartitionField {
	idx_t partition_key_index = 0;
	idx_t column_id = 0;
	//! identity, year, month, day, hour or bucket(N).
	string transform;
};

//! One key of a table's sort order (spec: ducklake_sort_expression), as SET SORTED BY gave it.
struct LakeSortKey {
	//! The key as SQL over the table's columns: a column name or an expression.
	string expression;
	//! Only "duckdb" keys are applied; a sort with a key of another dialect is kept but not used.
	string dialect = "duckdb";
	bool descending = false;
	bool nulls_first = false;
};

struct LakeSchemaInfo {
	idx_t schema_id = 0;
	string schema_uuid;
	string name;
	string path;
	bool path_is_relative = true;
};

//! The columns that carry file statistics: primitive columns, also inside structs (lists and maps
//! have none), depth-first.
inline void CollectStatsColumns(const vector<LakeColumnInfo> &columns, vector<const LakeColumnInfo *> &result) {
	for (auto &column : columns) {
		if (column.children.empty()) {
			result.push_back(&column);
		} else if (column.type.id() == LogicalTypeId::STRUCT) {
			CollectStatsColumns(column.children, result);
		}
	}
}

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
	//! The partition spec new data is written with (ducklake_partition_info); unset when none.
	optional_idx partition_id;
	vector<LakePartitionField> partition_fields;
	//! The sort order new data files are written in (ducklake_sort_info); unset when none.
	optional_idx sort_id;
	vector<LakeSortKey> sort_keys;
	//! The largest column id the table ever used, dropped columns included (ids are never reused).
	idx_t max_column_id = 0;
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

//! A macro parameter as ducklake_macro_parameters stores it. type is a DuckLake type name, "unknown"
//! when the parameter has none; default_type is "unknown" when it has no default, else the type of
//! its constant, written as text in default_value.
struct LakeMacroParameter {
	string name;
	string type = "unknown";
	Value default_value;
	string default_type = "unknown";
};

//! One overload of a macro (ducklake_macro_impl): its body as SQL, type "scalar" or "table".
struct LakeMacroImpl {
	string dialect = "duckdb";
	string sql;
	string type;
	vector<LakeMacroParameter> parameters;
};

struct LakeMacroInfo {
	idx_t macro_id = 0;
	idx_t schema_id = 0;
	string name;
	vector<LakeMacroImpl> impls;

	bool IsTableMacro() const {
		return !impls.empty() && impls[0].type == "table";
	}
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

	//! Sets the bounds from their text; leaves both unknown when either holds a NUL character, which
	//! no catalog database keeps in text (PostgreSQL refuses it), as a string value may.
	void SetBounds(const string &min, const string &max) {
		if (min.find('\0') != string::npos || max.find('\0') != string::npos) {
			min_value = max_value = Value();
			return;
		}
		min_value = Value(min);
		max_value = Value(max);
	}
};

//! A file's value for one partition key, with the key's column and transform (from its spec).
struct FilePartitionValue {
	idx_t partition_key_index = 0;
	idx_t column_id = 0;
	string transform;
	string value;
	//! The key is NULL for every row of the file (stored as SQL NULL, `value` empty).
	bool is_null = false;
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
	//! The raw key the file is encrypted with (file_encryption.hpp); empty for a plain file.
	string encryption_key;
	//! Set when the file holds deletes of several snapshots, up to this one, each row with its own
	//! (DuckLake's repeated deletes: the file starts at the earliest). A reader at an older snapshot
	//! applies only the rows deleted by then (DeleteFiles::Read), so delete_count is exact only from
	//! this snapshot on.
	optional_idx partial_max;
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
	//! The raw key the file is encrypted with (file_encryption.hpp); empty for a plain file.
	string encryption_key;
	vector<ColumnStatsInfo> column_stats;
	//! The snapshot that added the file; unset while uncommitted.
	optional_idx begin_snapshot;
	//! The partition spec the file was written with, and its values (ducklake_file_partition_value).
	optional_idx partition_id;
	vector<FilePartitionValue> partition_values;
	//! The delete file visible at the snapshot the file list was read at, if any.
	bool has_delete_file = false;
	DeleteFileInfo delete_file;
	//! Positions (in this file) of rows deleted through the catalog instead of a delete file, as of
	//! the snapshot the list was read at, sorted; null when none. DuckLake 1.0 writes small deletes
	//! of file rows this way (ducklake_inlined_delete_<table_id>, inlined_data.hpp); they come on top
	//! of the delete file, which does not hold them.
	shared_ptr<const vector<idx_t>> inlined_deletes;
	//! Rows deleted as of the snapshot: the delete file's and the inlined ones (disjoint: DuckLake
	//! never writes a position in both, its flush moves them into a delete file). Exact unless
	//! VisibleCountIsExact says otherwise.
	idx_t DeletedCount() const {
		return MinValue<idx_t>((has_delete_file ? delete_file.delete_count : 0) +
		                           (inlined_deletes ? inlined_deletes->size() : 0),
		                       record_count);
	}
	//! Set when the file holds rows inserted in several snapshots, up to this one, each row with its
	//! own (`_ducklake_internal_snapshot_id`): DuckLake's merge and flush write such files, with
	//! begin_snapshot the earliest, and drop the files they replace. A reader at an older snapshot
	//! sees only the rows inserted by then (PartialFileRows).
	optional_idx partial_max;
	//! Whether the file holds rows inserted after `snapshot_id` (see partial_max).
	bool HasRowsAfter(idx_t snapshot_id) const {
		return partial_max.IsValid() && partial_max.GetIndex() > snapshot_id;
	}
	//! Whether record_count - DeletedCount is the file's row count at `snapshot_id`: not before the
	//! last snapshot of a partial data file or of a partial delete file (DeleteFileInfo::partial_max).
	bool VisibleCountIsExact(idx_t snapshot_id) const {
		return !HasRowsAfter(snapshot_id) && (!has_delete_file || !delete_file.partial_max.IsValid() ||
		                                      delete_file.partial_max.GetIndex() <= snapshot_id);
	}
	//! Set for a file without field ids registered with a column name mapping (name_mapping.hpp).
	optional_idx mapping_id;
	shared_ptr<const NameMapping> name_mapping;
};

//! A row of ducklake_table_stats.
struct TableStatsInfo {
	idx_t record_count = 0;
	idx_t next_row_id = 0;
	idx_t file_size_bytes = 0;
};

} // namespace duckdb
