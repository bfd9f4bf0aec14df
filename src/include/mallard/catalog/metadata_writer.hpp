//===----------------------------------------------------------------------===//
// mallard/catalog/metadata_writer.hpp
//
// Builds the catalog writes of one commit (spec: "Queries", writing). All ids are final here:
// the committer assigns them from the latest snapshot inside the catalog transaction. The
// statements run as one batch, so a commit costs few round trips to the catalog database.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/metadata_store.hpp"

namespace duckdb {

class SnapshotWriter {
public:
	SnapshotWriter(MetadataConnection &conn, idx_t snapshot_id);

	void CreateSchema(const LakeSchemaInfo &schema);
	void DropSchema(idx_t schema_id);
	//! Deletes the lake options set for one schema or table ("schema" or "table" scope).
	void DropScopedOptions(const string &scope, idx_t scope_id);
	void CreateTable(const LakeTableInfo &table);
	void DropTable(idx_t table_id);
	//! A new version of the table's row (same id), e.g. for ALTER TABLE ... RENAME TO.
	void RenameTable(const LakeTableInfo &table);
	//! Ends a version of a column (ALTER TABLE) ...
	void EndColumn(idx_t table_id, idx_t column_id);
	//! Forgets a dropped column's table-level statistics (ducklake_table_column_stats is not versioned).
	void DropColumnStats(idx_t table_id, idx_t column_id);
	//! Rewrites the min/max text of a column promoted from FLOAT to DOUBLE, in the statistics of the
	//! files written while it was a FLOAT and the table's, as the DOUBLE text of the FLOAT ("0.1"
	//! becomes "0.10000000149011612"), as DuckLake does: a reader taking the old text for a DOUBLE
	//! bound would skip files that match (0.10000000149011612 > 0.1, but the bound says 0.1). Files
	//! written before, when the column was an INTEGER, keep theirs (16777217 is read as the DOUBLE
	//! 16777217, and time travel reads it as the INTEGER); the table's bounds then cover both
	//! readings. Reads the rows now, updates in the batch.
	void RecastFloatStats(idx_t table_id, idx_t column_id);
	//! Clears the min/max of a column promoted from a time without zone (DATE, TIMESTAMP) to
	//! TIMESTAMPTZ, in every file's and the table's statistics, as DuckLake does: the old values read
	//! as times in each session's TimeZone, which no stored bound can describe.
	void ClearZonelessBounds(idx_t table_id, idx_t column_id);
	//! ... and writes one column row (its children are separate rows).
	void AddColumnRow(idx_t table_id, const LakeColumnInfo &column, optional_idx parent, idx_t order);
	//! Ends the table's current partition spec and, when partition_id is set, starts a new one.
	void SetPartitionSpec(idx_t table_id, optional_idx partition_id, const vector<LakePartitionField> &fields);
	//! Ends the table's current sort order and, when sort_id is set, starts `keys` as the new one.
	void SetSortSpec(idx_t table_id, optional_idx sort_id, const vector<LakeSortKey> &keys);
	void CreateView(const LakeViewInfo &view);
	//! A new version of the view row under the view's (new) name, same id; its comment stays.
	void RenameView(const LakeViewInfo &view);
	void DropView(idx_t view_id);
	//! The macro's row, one ducklake_macro_impl row per overload (impl_id from 0) and one
	//! ducklake_macro_parameters row per parameter (column_id from 0).
	void CreateMacro(const LakeMacroInfo &macro);
	void DropMacro(idx_t macro_id);
	//! Sets (or clears, with a NULL value) the 'comment' tag of a table or view.
	void SetComment(idx_t object_id, const Value &comment);
	//! Sets (or clears, with a NULL value) the 'comment' tag of a table column.
	void SetColumnComment(idx_t table_id, idx_t column_id, const Value &comment);
	void AddDataFiles(idx_t table_id, const vector<DataFileInfo> &files);
	//! A new delete file for a data file (its id already assigned).
	void AddDeleteFile(idx_t table_id, idx_t data_file_id, const DeleteFileInfo &file);
	//! Ends the visible delete file of a data file, if any (a newer one replaces it).
	void EndDeleteFiles(idx_t data_file_id);
	//! Ends a data file whose rows are all deleted (spec: instead of a delete file).
	void EndDataFile(idx_t data_file_id);
	//! Lowers a table's record_count by rows deleted, and its file_size_bytes by the data files those
	//! deletes ended (relative, after any WriteTableStats).
	void SubtractTableRecords(idx_t table_id, idx_t deleted, idx_t ended_bytes = 0);
	//! Overwrites ducklake_table_stats for a table (inserting the row when new).
	void WriteTableStats(idx_t table_id, const TableStatsInfo &stats, bool exists);
	//! Replaces the table-level column statistics of a table, given its rows as they are (`existing`,
	//! exactly): updates changed rows in place, inserts missing ones and deletes those of columns
	//! gone, so a table written by every commit gathers no dead rows.
	void WriteTableColumnStats(idx_t table_id, const vector<ColumnStatsInfo> &stats,
	                           const vector<ColumnStatsInfo> &existing);
	void AddSchemaVersion(idx_t schema_version, optional_idx table_id);
	//! Makes AddSnapshot's row insert fail on the snapshot primary key (a MetadataConflictException)
	//! unless `latest` is still the lake's latest snapshot, even if snapshots after it were expired.
	void RequireLatest(idx_t latest);
	//! The ducklake_snapshot row and its ducklake_snapshot_changes row.
	void AddSnapshot(const SnapshotInfo &snapshot, const string &changes_made, const Value &author,
	                 const Value &commit_message, const Value &commit_extra_info);

	//! A statement of the caller's own (e.g. inlined rows) run in order with the others.
	void AddStatement(MetadataStatement statement);

	//! Runs every statement added so far.
	void Execute();
	//! Runs them and commits the catalog transaction, in one round trip where the backend can.
	void ExecuteAndCommit();

private:
	//! The ducklake_column row of a column, as a parenthesized VALUES row.
	string ColumnRowValues(idx_t table_id, const LakeColumnInfo &column, optional_idx parent, idx_t order) const;
	//! The rows of `columns` and their children, depth-first, numbering column_order from `order`.
	void CollectColumnRows(idx_t table_id, const vector<LakeColumnInfo> &columns, optional_idx parent, idx_t &order,
	                       vector<string> &rows) const;
	void AddColumnRows(const vector<string> &rows);
	//! The ducklake_view row of `view`, beginning at this snapshot.
	void AddViewRow(const LakeViewInfo &view);
	void Add(MetadataStatement statement);

	MetadataConnection &conn;
	idx_t snapshot_id;
	string snapshot;
	vector<MetadataStatement> statements;
	optional_idx required_latest;
};

} // namespace duckdb
