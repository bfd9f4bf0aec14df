//===----------------------------------------------------------------------===//
// mallard/catalog/inlined_data.hpp
//
// Data inlining (spec: ducklake_inlined_data_tables): small inserts live in catalog tables
// ducklake_inlined_data_<table_id>_<schema_version> instead of Parquet files. Each holds row_id,
// begin_snapshot, end_snapshot, then the table's top-level columns (by name) as they were at that
// schema version; a row is visible at snapshot S when begin_snapshot <= S AND (end_snapshot IS NULL
// OR S < end_snapshot). Integers and booleans are stored in the catalog's own types, every other
// type as VARCHAR (the value's text, cast back on reading), so all three backends hold any type.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/metadata_store.hpp"

namespace duckdb {

class ColumnDataCollection;

//! A row of ducklake_inlined_data_tables.
struct InlinedDataTableInfo {
	idx_t table_id = 0;
	string table_name;
	idx_t schema_version = 0;
};

//! A user column of an inlined-data table.
struct InlinedColumn {
	//! The column's name in the catalog table (the lake column's name when the table was made).
	string name;
	idx_t column_id = 0;
	//! The column's type when the rows were written (INVALID for a nested column). The stored text
	//! is that type's: after a promotion (FLOAT -> DOUBLE) it is cast to it first, so the rows read
	//! as a data file written then does (0.1::FLOAT::DOUBLE, not 0.1::DOUBLE).
	LogicalType written_type;
};

//! Rows of one inlined-data table (or of a transaction's uncommitted inserts).
struct InlinedRows {
	//! The catalog table they come from; empty for a transaction's own rows.
	string table_name;
	//! The top-level column ids of the value columns, in order.
	vector<idx_t> column_ids;
	//! Catalog rows only: per value column, its type when the rows were written (InlinedColumn).
	vector<LogicalType> written_types;
	vector<int64_t> row_ids;
	//! Per row: the values of column_ids, as stored (BIGINT, BOOLEAN or VARCHAR) or, for a
	//! transaction's own rows, as the table's types.
	vector<vector<Value>> rows;
	//! Per row (catalog rows only): the snapshots that inserted and ended it.
	vector<idx_t> begin_snapshots;
	vector<optional_idx> end_snapshots;
	//! For scans, the values as columns (ReadVisibleColumns: in the table's types) instead of `rows`:
	//! a cached read is scanned by many queries (see inlined_data_reader.cpp).
	shared_ptr<ColumnDataCollection> stored;

	idx_t Count() const {
		return row_ids.size();
	}
};

struct InlinedData {
	static string TableName(idx_t table_id, idx_t schema_version);
	//! DuckLake's table of a table's small deletes of data file rows: ducklake_inlined_delete_<id>
	//! (file_id = data_file_id, row_id = the row's position in that file, begin_snapshot; no
	//! end_snapshot). Made by the DuckLake extension on its first such delete and found by name;
	//! Mallard reads it (DataFileInfo::inlined_deletes) and does not write it.
	static string DeleteTableName(idx_t table_id);
	//! How a column of `type` is stored: BIGINT (integers that fit), BOOLEAN, or VARCHAR.
	static LogicalType StoredType(const LogicalType &type);
	//! `value` in its stored form, as a statement parameter (whose Literal is the stored SQL).
	static Value StoredParameter(const Value &value);

	//! The inlined-data tables of a table, oldest schema version first.
	static vector<InlinedDataTableInfo> ListTables(MetadataConnection &conn, idx_t table_id);
	//! Every registered inlined-data table of the lake.
	static vector<InlinedDataTableInfo> ListAllTables(MetadataConnection &conn);
	//! The user columns of an inlined-data table, read from ducklake_column as it was at the table's
	//! schema version (from a DuckDB file's storage, the scans standing for the statement).
	static vector<InlinedColumn> ReadColumns(MetadataConnection &conn, const InlinedDataTableInfo &table);
	//! Stored values (`count` of them) of a column written as `written_type` (INVALID: unknown) into
	//! `result`, in the column's type now; the last step with the session's casts when `context` is
	//! given (see CastNeedsSession in ducklake_types.hpp).
	static void CastStored(Vector &stored, const LogicalType &written_type, Vector &result, idx_t count,
	                       optional_ptr<ClientContext> context = nullptr);
	//! The SQL of one stored value in `type`, as CastStored gives it.
	static string StoredValueSQL(const Value &stored, const LogicalType &written_type, const LogicalType &type);
	//! SQL condition on ducklake_column rows: those that describe `table`'s columns (the table's
	//! columns at the snapshot of its first row). Never true (NULL) while the table has no rows.
	static string ColumnRowsCondition(MetadataConnection &conn, const InlinedDataTableInfo &table);
	//! The rows of a table's inlined-data tables matching `condition` (SQL over begin_snapshot and
	//! end_snapshot), one InlinedRows per inlined-data table that has any.
	static vector<InlinedRows> ReadRows(MetadataConnection &conn, idx_t table_id, const string &condition);
	//! The rows visible at a snapshot.
	static vector<InlinedRows> ReadVisible(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id);
	//! SQL condition on begin_snapshot and end_snapshot: the rows visible at a snapshot.
	static string VisibleCondition(idx_t snapshot_id);
	//! How many rows of these inlined-data tables meet `condition` (missing tables count none).
	static idx_t CountRows(MetadataConnection &conn, const vector<InlinedDataTableInfo> &tables,
	                       const string &condition);
	//! The rows visible at a snapshot as columns (InlinedRows::stored, `rows` and the begin and end
	//! snapshots left empty), read column-wise from the catalog (MetadataConnection::QueryColumns, or
	//! a DuckDB file's storage, as ReadColumns reads it there);
	//! a column whose id is in `column_types` is cast to that type a vector at a time, the others
	//! keep the type the catalog returned (BIGINT, BOOLEAN, BLOB or VARCHAR). For scans of many rows.
	static vector<InlinedRows> ReadVisibleColumns(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
	                                              const unordered_map<idx_t, LogicalType> &column_types);

	//! Whether the catalog database can make an inlined-data table for a table of `columns`
	//! (MetadataConnection::HoldsColumns, and no column named row_id, begin_snapshot or
	//! end_snapshot): a table it cannot hold is not inlined.
	static bool CatalogHolds(MetadataConnection &conn, const vector<LakeColumnInfo> &columns);
	//! The name of the inlined-data table that holds new rows for `columns` (the table's columns as
	//! of this commit), creating and registering it when the table's columns changed since the
	//! newest one was made. `schema_version` is the version of the snapshot being committed;
	//! `columns_changed_here` says the committing transaction altered the table itself.
	static string PrepareTable(MetadataConnection &conn, idx_t table_id, idx_t schema_version,
	                           const vector<LakeColumnInfo> &columns, bool columns_changed_here);
	//! The INSERT statements for rows (values in column order) with their row ids: one, or as many as
	//! keep each under the catalog database's parameter limit (MetadataConnection::MaxParameters).
	static vector<MetadataStatement> InsertStatements(MetadataConnection &conn, const string &table_name,
	                                                  const vector<LakeColumnInfo> &columns,
	                                                  const vector<int64_t> &row_ids, idx_t snapshot_id,
	                                                  const vector<vector<Value>> &rows);
	//! Column statistics of inlined rows, as a data file's (top-level primitive columns only; other
	//! columns stay unknown).
	static vector<ColumnStatsInfo> ComputeStats(const vector<LakeColumnInfo> &columns,
	                                            const vector<vector<Value>> &rows);
	//! Rows kept with the columns `from` as the columns `to` of an ALTER in the same transaction: by
	//! column id, cast to the new type; an added column takes its initial default.
	static vector<vector<Value>> ToColumns(const vector<LakeColumnInfo> &from, const vector<LakeColumnInfo> &to,
	                                       const vector<vector<Value>> &rows);
};

} // namespace duckdb
