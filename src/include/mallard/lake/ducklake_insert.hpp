//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_insert.hpp
//
// INSERT and CREATE TABLE AS into a lake table: DuckDB's own Parquet COPY writes the data files
// (field ids = column ids, rotated at the target file size, in parallel), and DuckLakeInsert
// collects the files and their statistics into the transaction, which commits them.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/execution/physical_operator.hpp"

namespace duckdb {

class Connection;
class DuckLakeInlineInsert;
class DuckLakeTableEntry;
class LakeFileWriterRegistration;
struct DataFileWriteOptions;
class PhysicalPlanGenerator;

//! The type a column of `type` is stored as in a data file (128-bit integers as DECIMAL(38,0)).
LogicalType ParquetStorageType(const LogicalType &type);
//! The Parquet writer's FIELD_IDS value for columns: field id = column id.
Value FieldIds(const vector<LakeColumnInfo> &columns);
//! FieldIds plus those of the internal columns that keep each row's id (_ducklake_internal_row_id)
//! and the snapshot that inserted it (_ducklake_internal_snapshot_id), for the files that have them.
Value FieldIdsWithInternal(const vector<LakeColumnInfo> &columns, bool row_ids, bool snapshots);
//! "<read_prefix>0 AS name0, ..., " for maintenance rewrites: the columns read as prefix0, prefix1, ...
//! (DataFileRead with a name prefix) written back under their names, in storage types.
string StorageSelectList(const vector<LakeColumnInfo> &columns, const string &read_prefix);
//! The options of a Parquet COPY writing a data file with `field_ids` (maintenance rewrites).
string ParquetCopyOptions(const Value &field_ids, const DataFileWriteOptions &options);
//! Sets the file's partition (the table's current spec) and its values, one per key in key order
//! (a NULL value: the key is NULL for every row of the file, recorded as SQL NULL, as DuckLake does).
void RecordPartitionValues(const LakeTableInfo &table, const vector<Value> &values, DataFileInfo &file);
//! Adds the file's value of one key (the file's partition is set by the caller).
void RecordPartitionValue(const LakePartitionField &field, const Value &value, DataFileInfo &file);
//! Makes `connection` (one of maintenance's own) read as the session `context` does: with its
//! schema search path and its TimeZone and Calendar.
void FollowSession(ClientContext &context, Connection &connection);
//! Runs COPY (query) TO folder + file_name (copy_options) on a connection of its own and checks it
//! wrote `expected_rows`; on any failure the file is removed and the error names `action` and the
//! table. Returns the file's path (relative to `folder`), row count, size, key and the writer's
//! statistics of `columns` (the table's). The file is encrypted with `encryption_key` unless it is
//! empty (DuckLakeCatalog::NewFileKey).
DataFileInfo CopyToDataFile(ClientContext &context, const string &query, const string &copy_options,
                            const string &encryption_key, const string &folder, const string &file_name,
                            idx_t expected_rows, const string &action, const string &table_name,
                            const vector<LakeColumnInfo> &columns);

class DuckLakeInsert : public PhysicalOperator {
public:
	DuckLakeInsert(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, string data_folder,
	               idx_t estimated_cardinality);
	~DuckLakeInsert() override;

	//! Plans writing the rows of `child` into new data files of `table`. With `with_row_ids`, the
	//! child has one more BIGINT column, the rows' row ids, written as _ducklake_internal_row_id.
	//! `may_inline`: whether few rows may go to the catalog's inlined-data table instead.
	//! `may_sort`: whether a sorted table's rows are sorted first (a plan whose operators are driven
	//! by hand, as MERGE's, cannot hold the sort, which is a sink).
	static PhysicalOperator &Plan(ClientContext &context, PhysicalPlanGenerator &planner, DuckLakeTableEntry &table,
	                              PhysicalOperator &child, bool with_row_ids = false, bool may_inline = true,
	                              bool may_sort = true);

	DuckLakeTableEntry &table;
	//! Where the files go; stored paths are relative to it.
	string data_folder;
	//! Collects small inserts for data inlining (see ducklake_inline_insert.hpp); null when not planned.
	optional_ptr<DuckLakeInlineInsert> inline_insert;
	//! The key the files are written with; empty unless the lake is encrypted.
	string encryption_key;
	//! Hands the COPY's files to the transaction as they are created (lake_file_writers.hpp).
	unique_ptr<LakeFileWriterRegistration> file_writer;

public:
	unique_ptr<GlobalSinkState> GetGlobalSinkState(ClientContext &context) const override;
	SinkResultType Sink(ExecutionContext &context, DataChunk &chunk, OperatorSinkInput &input) const override;
	SinkFinalizeType Finalize(Pipeline &pipeline, Event &event, ClientContext &context,
	                          OperatorSinkFinalizeInput &input) const override;
	bool IsSink() const override {
		return true;
	}
	bool ParallelSink() const override {
		return false;
	}

	SourceResultType GetData(ExecutionContext &context, DataChunk &chunk, OperatorSourceInput &input) const override;
	bool IsSource() const override {
		return true;
	}

	string GetName() const override {
		return "DUCKLAKE_INSERT";
	}
	InsertionOrderPreservingMap<string> ParamsToString() const override;
};

} // namespace duckdb
