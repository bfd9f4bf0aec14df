//===----------------------------------------------------------------------===//
// mallard/scan/ducklake_scan.hpp
//
// Scanning a lake table: DuckDB's parquet_scan, fed the data files visible at a snapshot through
// our own MultiFileReader, which maps columns by field id (spec: column_id = Parquet field_id),
// fills columns a file lacks with their initial default, and turns file row numbers into row ids.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/storage/delete_file.hpp"

#include "duckdb/function/table_function.hpp"

namespace duckdb {

class DuckLakeTableEntry;

//! The `snapshot_id` virtual column, as in DuckLake: the snapshot that inserted the row (the
//! file's, or the row's own in a file that keeps one per row and in inlined rows); NULL for rows
//! the transaction has not committed. Past DuckDB's own virtual column ids.
static constexpr column_t COLUMN_IDENTIFIER_SNAPSHOT_ID = UINT64_C(9223372036854775908);
//! rowid, snapshot_id and filename again, under internal names (`_ducklake_internal_row_id` and
//! `_ducklake_internal_snapshot_id`, as the columns that keep them in files, and
//! `_ducklake_internal_filename`): maintenance reads them by these names, which a table column named
//! rowid, snapshot_id or filename does not hide.
static constexpr column_t COLUMN_IDENTIFIER_INTERNAL_ROW_ID = UINT64_C(9223372036854775909);
static constexpr column_t COLUMN_IDENTIFIER_INTERNAL_SNAPSHOT_ID = UINT64_C(9223372036854775910);
static constexpr column_t COLUMN_IDENTIFIER_INTERNAL_FILENAME = UINT64_C(9223372036854775911);

//! The virtual columns of a lake table: rowid, filename, file_row_number, snapshot_id and the
//! internal names above.
void AddLakeVirtualColumns(virtual_column_map_t &result);

//! One data file as the scan sees it.
struct LakeScanFile {
	//! Full path, resolved against the table's folder.
	string path;
	idx_t data_file_id = 0;
	idx_t row_id_start = 0;
	idx_t record_count = 0;
	idx_t file_size_bytes = 0;
	vector<ColumnStatsInfo> column_stats;
	//! The file's partition values (empty when written unpartitioned).
	vector<FilePartitionValue> partition_values;
	//! The snapshot that added the file (unset while uncommitted).
	optional_idx begin_snapshot;
	//! Full path of the committed delete file visible to the scan; empty when none.
	string delete_file_path;
	//! The raw key of an encrypted data file (file_encryption.hpp); empty for a plain one.
	string encryption_key;
	//! Rows deleted: by the delete file plus by the scanning transaction.
	idx_t delete_count = 0;
	//! Positions the scanning transaction deleted and has not committed yet (may be null).
	shared_ptr<const DeletePositions> local_deletes;
	//! Set for the rows of an inlined-data table (or the transaction's own inlined rows), which the
	//! scan reads as one more "file" (see inlined_data_reader.hpp).
	shared_ptr<const InlinedRows> inlined;
	//! The transaction's own inlined rows: their file_row_number is their position in its list.
	bool inlined_local = false;
	//! Set for a file without field ids, read through its column name mapping.
	shared_ptr<const NameMapping> name_mapping;
};

struct LakeScanInfo;
struct MultiFileColumnDefinition;
struct MultiFileReaderBindData;

//! How a scan reads a column from data files: by its field id (the column id), nested fields by
//! theirs, a file without it giving its initial default.
MultiFileColumnDefinition LakeColumnDefinition(const LakeColumnInfo &column);
//! A MultiFileReader's Bind for `columns`: the schema comes from the catalog, not from the files.
void BindLakeColumns(const vector<LakeColumnInfo> &columns, vector<LogicalType> &return_types, vector<string> &names,
                     MultiFileReaderBindData &bind_data);

//! Builds the table function that scans `table` over `files`, and binds it.
TableFunction MakeLakeScan(ClientContext &context, DuckLakeTableEntry &table, vector<LakeScanFile> files,
                           unique_ptr<FunctionData> &bind_data);
//! The same over a table's shared committed file list plus the transaction's own (scan_file_list.hpp).
TableFunction MakeLakeScan(ClientContext &context, shared_ptr<LakeScanInfo> info, unique_ptr<FunctionData> &bind_data);

} // namespace duckdb
