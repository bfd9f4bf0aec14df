//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_commit.hpp
//
// Turns a transaction's local changes into one new snapshot (spec: "Commits"). Inside one catalog
// transaction it reads the latest snapshot, checks what was committed since this transaction
// started for logical conflicts, hands out ids, and writes every row. Two writers racing for the
// same snapshot id collide on its primary key; the loser retries with fresh ids after a jittered
// backoff, without rewriting any data file.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/metadata_store.hpp"
#include "mallard/storage/delete_file.hpp"
#include "mallard/lake/ducklake_write_cache.hpp"

#include <functional>

namespace duckdb {

class CatalogEntry;
class ClientContext;
class DuckLakeCatalog;
class DuckLakeTableEntry;
class DuckLakeTransaction;
class SnapshotWriter;

//! Table-level column statistics after adding `files` to `existing` (both may be partial). Bounds
//! stay NULL (unknown) whenever any file's are.
vector<ColumnStatsInfo> MergeTableColumnStats(const vector<LakeColumnInfo> &columns,
                                              const vector<ColumnStatsInfo> &existing, bool had_data,
                                              const vector<DataFileInfo> &files);
//! A table's rows of ducklake_table_column_stats.
vector<ColumnStatsInfo> ReadTableColumnStats(MetadataConnection &conn, idx_t table_id);

class LakeCommit {
public:
	explicit LakeCommit(DuckLakeTransaction &transaction);

	//! Commits, retrying on write collisions; throws TransactionException on a logical conflict.
	void Run();
	//! Runs `attempt` inside one catalog transaction, retrying when it collides with another writer
	//! as the connection's settings say (commit_retry.hpp); used by commits and by the maintenance
	//! functions.
	static void RunCatalogTransaction(ClientContext &context, DuckLakeCatalog &catalog,
	                                  const std::function<void(MetadataConnection &)> &attempt);
	//! Refuses a snapshot without a commit message where the lake's require_commit_message says so:
	//! every snapshot, the transaction's own and a maintenance step's.
	static void CheckCommitMessage(MetadataConnection &conn, DuckLakeCatalog &catalog, const Value &commit_message);
	//! The id of the snapshot Run() wrote; invalid when the transaction's writes cancelled out (rows
	//! inserted and deleted again): no snapshot is made then, as DuckLake makes none.
	optional_idx CommittedSnapshot() const {
		return committed_snapshot;
	}

private:
	struct PreparedDelete;
	void Attempt(MetadataConnection &conn);
	void CheckConflicts(MetadataConnection &conn, idx_t since_snapshot);
	void WriteData(MetadataConnection &conn, SnapshotWriter &writer, SnapshotInfo &next);
	//! The table's stats as this commit builds on them: written earlier in it, cached, or read.
	CachedTableStats ReadStatsForCommit(MetadataConnection &conn, idx_t table_id, idx_t latest_snapshot);
	//! Writes what an ALTER changed on a committed table or view.
	void WriteAlteredEntry(const string &schema_name, CatalogEntry &entry, SnapshotWriter &writer, SnapshotInfo &next);
	//! The table's entry as an ALTER (or CREATE) in this transaction left it; null when it has none.
	optional_ptr<DuckLakeTableEntry> AlteredTable(idx_t table_id);
	//! The columns of the table as this transaction leaves it (after any ALTER).
	const vector<LakeColumnInfo> &CurrentColumns(idx_t table_id, DuckLakeTableEntry &written_to);
	//! Ends the committed partition spec and writes the table's new one, if it changed.
	void WritePartitionSpec(const LakeTableInfo &table, optional_idx committed_id, SnapshotWriter &writer,
	                        SnapshotInfo &next);
	//! The same for the table's sort order (SET SORTED BY).
	void WriteSortSpec(const LakeTableInfo &table, optional_idx committed_id, SnapshotWriter &writer,
	                   SnapshotInfo &next);

	//! Writes the delete files of this transaction's deletes, once, before the first attempt: a
	//! retry reuses them (see ducklake_commit_deletes.cpp).
	void PrepareDeletes();
	//! Deletes conflict with a delete of, or end of, the same data file committed since.
	void CheckDeleteConflicts(MetadataConnection &conn, idx_t since_snapshot);
	void WriteDeletes(SnapshotWriter &writer, SnapshotInfo &next);
	//! Writes the delete file of `prepared` with its new positions deleted in `snapshot_id`.
	void WriteDeleteFile(PreparedDelete &prepared, idx_t snapshot_id);

	//! Writes the transaction's inlined rows into the catalog's inlined-data tables (see
	//! ducklake_commit_inlined.cpp).
	//! The rows and their table statistics go into `writer`'s batch; `latest_schema_version` is that
	//! of the snapshot the commit builds on (for the write cache's inlined-data tables).
	void WriteInlinedInserts(MetadataConnection &conn, SnapshotWriter &writer, idx_t snapshot_id, idx_t schema_version,
	                         idx_t latest_schema_version);
	//! Runs the commit's batch and commits the catalog transaction with it (one round trip on
	//! PostgreSQL); a failure after writing into an inlined-data table named by the write
	//! cache (dropped by expiry in another process) forgets the cache's tables and retries.
	void ExecuteBatch(SnapshotWriter &writer);
	//! Ends the committed inlined rows this transaction deleted; a conflict when another one did first.
	void WriteInlinedDeletes(MetadataConnection &conn, SnapshotWriter &writer, idx_t snapshot_id);

	//! Whether this attempt builds on the transaction's start snapshot without reading the latest
	//! (only the first attempt, where other processes may write; see ducklake_commit_optimistic.cpp).
	bool TryOptimisticAttempt();
	//! ExecuteBatch for an optimistic attempt; false when it lost the race and a new (plain)
	//! attempt has committed in its place.
	bool TryOptimisticBatch(MetadataConnection &conn, SnapshotWriter &writer);
	bool attempted = false;

	//! A local id (of a schema, table or view created here) mapped to its real id.
	idx_t RealId(idx_t id) const;

	DuckLakeTransaction &transaction;
	unordered_map<idx_t, idx_t> local_to_real;
	vector<string> changes;
	optional_idx committed_snapshot;
	SnapshotInfo committed_info;
	//! The catalog's CommitVersion when the last attempt began (valid for DuckDB-file catalogs).
	optional_idx version_before;
	//! Table stats this commit wrote in full, for the catalog's write cache once committed.
	unordered_map<idx_t, CachedTableStats> written_stats;
	//! Inlined-data tables this commit wrote rows into (table id -> name), for the write cache.
	unordered_map<idx_t, string> written_inlined_tables;
	//! This attempt took an inlined-data table's name from the write cache.
	bool used_cached_inlined_table = false;
	//! One per data file this transaction deleted from.
	struct PreparedDelete {
		idx_t table_id;
		idx_t data_file_id;
		//! Every row of the data file is gone: end it instead of writing a delete file.
		bool ends_file;
		//! The ended data file's size, which leaves the table's file_size_bytes with it.
		idx_t file_size_bytes = 0;
		DeleteFileInfo delete_file;
		//! Rows this transaction deleted from the file (not counting earlier deletes).
		idx_t newly_deleted;
		//! To write the delete file again when the commit lands on another snapshot than expected.
		string folder;
		string data_file_path;
		vector<pair<idx_t, idx_t>> committed_rows;
		shared_ptr<const DeletePositions> new_positions;
		idx_t written_for_snapshot = 0;
		//! Deletes of a data file this transaction wrote (by its local table id and stored path):
		//! table_id and data_file_id are known once WriteData assigns them.
		bool local_file = false;
		idx_t local_table_id = 0;
		string local_path;
	};
	//! Adds the deletes of this transaction's own data files to prepared_deletes.
	void PrepareLocalFileDeletes(idx_t expected_snapshot);
	//! The prepared deletes of a local data file; nullptr when none of its rows were deleted.
	PreparedDelete *FindLocalFileDeletes(idx_t local_table_id, const string &path);
	vector<PreparedDelete> prepared_deletes;
};

} // namespace duckdb
