//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_transaction.hpp
//
// One DuckDB transaction on a lake: reads at the snapshot it started at (snapshot isolation),
// collects its DDL and written data files locally, and turns them into one new snapshot at
// commit (see ducklake_commit.cpp).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/lake_options.hpp"
#include "mallard/lake/maintenance_commit.hpp"
#include "mallard/storage/delete_file.hpp"

#include "duckdb/common/case_insensitive_map.hpp"
#include "duckdb/common/set.hpp"
#include "duckdb/common/unordered_set.hpp"
#include "duckdb/transaction/transaction.hpp"

#include <mutex>

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeSchemaEntry;
class DuckLakeTableEntry;
class DuckLakeViewEntry;
class LakeCatalogSet;

class DuckLakeTransaction : public Transaction {
public:
	DuckLakeTransaction(DuckLakeCatalog &catalog, TransactionManager &manager, ClientContext &context);
	~DuckLakeTransaction() override;

	static DuckLakeTransaction &Get(ClientContext &context, Catalog &catalog);

	DuckLakeCatalog &GetCatalog() {
		return catalog;
	}
	//! The snapshot this transaction reads.
	const SnapshotInfo &GetSnapshot() const {
		return snapshot;
	}
	//! The committed DDL state at that snapshot.
	LakeCatalogSet &GetCatalogSet();
	//! Keeps the catalog set of an AT clause (another snapshot's) while the transaction runs: the
	//! entries bound from it must outlive the statement, and the catalog frees sets nobody holds.
	void KeepCatalogSet(shared_ptr<LakeCatalogSet> set);

	//! Ids for objects created in this transaction; replaced by real ids at commit.
	static constexpr idx_t LOCAL_ID_START = idx_t(1) << 60;
	static bool IsLocalId(idx_t id) {
		return id >= LOCAL_ID_START;
	}
	idx_t NewLocalId() {
		return next_local_id++;
	}

	// Schemas created or dropped in this transaction.
	DuckLakeSchemaEntry &AddLocalSchema(unique_ptr<DuckLakeSchemaEntry> schema);
	optional_ptr<DuckLakeSchemaEntry> GetLocalSchema(const string &name);
	void DropSchema(DuckLakeSchemaEntry &schema);
	bool IsSchemaDropped(idx_t schema_id) const {
		return dropped_schemas.count(schema_id) > 0;
	}
	void ScanLocalSchemas(const std::function<void(DuckLakeSchemaEntry &)> &callback);

	// Tables and views created, altered or dropped in this transaction. An altered committed
	// object is a local entry that keeps its committed (non-local) id.
	CatalogEntry &AddLocalEntry(const string &schema_name, unique_ptr<CatalogEntry> entry);
	optional_ptr<CatalogEntry> GetLocalEntry(const string &schema_name, const string &name);
	//! Forgets the local entry under `name` (ALTER TABLE ... RENAME TO re-adds it under the new one).
	void RemoveLocalEntry(const string &schema_name, const string &name);
	void DropEntry(const string &schema_name, CatalogEntry &entry);
	bool IsEntryDropped(idx_t id) const {
		return dropped_entries.count(id) > 0;
	}
	void ScanLocalEntries(const string &schema_name, const std::function<void(CatalogEntry &)> &callback);

	// Macros created or dropped in this transaction: a namespace of their own, as in DuckDB.
	CatalogEntry &AddLocalMacro(const string &schema_name, unique_ptr<CatalogEntry> entry);
	//! `type`: the macro's, or the kind of function looked up (IsTableMacroType tells the namespace).
	optional_ptr<CatalogEntry> GetLocalMacro(const string &schema_name, CatalogType type, const string &name);
	void DropMacro(const string &schema_name, CatalogEntry &entry);
	bool IsMacroDropped(idx_t id) const {
		return dropped_macros.count(id) > 0;
	}
	void ScanLocalMacros(const string &schema_name, const std::function<void(CatalogEntry &)> &callback);

	//! The view as listings show it: with the columns its SQL binds to (see BindLakeViewColumns),
	//! bound once per transaction.
	CatalogEntry &GetListedView(ClientContext &context, DuckLakeViewEntry &view);

	// Data written by this transaction.
	void AddDataFiles(DuckLakeTableEntry &table, vector<DataFileInfo> files);
	//! The files this transaction wrote to a table (nullptr when none).
	const vector<DataFileInfo> *GetLocalDataFiles(idx_t table_id) const;
	//! Adds deleted positions of a data file this transaction wrote (by its stored path); see
	//! ducklake_local_deletes.cpp. Returns how many of them were deleted here already.
	idx_t AddLocalFileDeletes(idx_t table_id, const string &path, DeletePositions positions);
	//! The positions deleted from a data file this transaction wrote (nullptr when none).
	shared_ptr<const DeletePositions> GetLocalFileDeletes(idx_t table_id, const string &path);

	//! Rows this transaction deleted from one committed data file (spec: positional deletes).
	struct LocalFileDeletes {
		//! The data file as the transaction's snapshot sees it, with its committed delete file.
		DataFileInfo file;
		//! Positions deleted here, not counting the committed ones; replaced, never changed in place,
		//! because running scans hold the old list.
		shared_ptr<const DeletePositions> positions;
	};
	//! Adds deleted positions of a committed data file of `table`; returns how many of them were
	//! deleted here already.
	idx_t AddDeletes(DuckLakeTableEntry &table, const DataFileInfo &file, DeletePositions positions);
	//! The deletes this transaction made in a table, by data_file_id: a copy, since a delete may
	//! add more while a scan of the same statement runs.
	map<idx_t, LocalFileDeletes> GetLocalDeletes(idx_t table_id);

	//! Rows of small inserts kept for the catalog's inlined-data tables (spec: data inlining), in
	//! the table's column order; see ducklake_local_inlined.cpp.
	struct LocalInlinedRows {
		DuckLakeTableEntry *table = nullptr;
		//! Replaced, never changed in place: running scans hold the old list.
		shared_ptr<const vector<vector<Value>>> rows;
		//! Positions of rows deleted again here: kept as tombstones so positions and provisional row
		//! ids stay stable (null when none).
		shared_ptr<const set<idx_t>> deleted;
		//! Provisional row id of the first row (the table's next_row_id when a scan first needed it).
		optional_idx first_row_id;
		//! Row ids that rows keep (the new rows of an UPDATE), by position; -1 for a provisional one
		//! (first_row_id + position). Null when every row is provisional.
		shared_ptr<const vector<int64_t>> kept_row_ids;

		//! The row id of the row at `position`: kept, or provisional from `first`.
		int64_t RowId(idx_t position, idx_t first) const;
	};
	//! Adds rows; `kept_row_ids` (when not empty) holds the row id each row keeps (UPDATE).
	void AddInlinedRows(DuckLakeTableEntry &table, vector<vector<Value>> rows, vector<int64_t> kept_row_ids = {});
	//! The inlined rows inserted here into a table (rows is null when none).
	LocalInlinedRows GetLocalInlinedRows(idx_t table_id);
	//! Removes the rows (a larger insert writes them into a data file instead) and returns them;
	//! none when some keep their row ids (UPDATE): then all stay.
	vector<vector<Value>> TakeLocalInlinedRows(idx_t table_id);
	//! Marks the table's local inlined rows with these row ids as deleted again here; returns how
	//! many of them were deleted here already.
	idx_t DeleteLocalInlinedRows(idx_t table_id, const vector<idx_t> &row_ids);
	//! Records the provisional row id of the table's first local inlined row (once).
	idx_t SetLocalInlinedFirstRowId(idx_t table_id, idx_t first_row_id);
	//! Committed inlined rows deleted here (spec: inlined deletes), by their inlined-data table;
	//! returns how many of them were deleted here already.
	idx_t AddInlinedDeletes(DuckLakeTableEntry &table, const string &inlined_table, const vector<idx_t> &row_ids);
	//! The row ids this transaction deleted from a table's committed inlined rows, by inlined-data
	//! table (a copy).
	map<string, set<idx_t>> GetInlinedDeletes(idx_t table_id);

	void SetCommitMessage(Value author, Value message, Value extra_info);
	//! The author and message set_commit_message gave this transaction (NULL when not called).
	SnapshotMessage GetCommitMessage() const {
		return SnapshotMessage {author, commit_message};
	}

	//! A flush, merge or rewrite: committed with this transaction (its statement's, in autocommit),
	//! after the transaction's own changes; dropped on rollback (see maintenance_commit.hpp).
	void AddMaintenance(MaintenanceCommit step);
	//! An option set_option gave here: written at commit (a maintenance step), seen before by this
	//! transaction's own statements, as in DuckLake (LakeOptions::ReadEffective's `pending`).
	void AddPendingOption(LakeOptionSetting setting) {
		pending_options.push_back(std::move(setting));
	}
	const vector<LakeOptionSetting> &GetPendingOptions() const {
		return pending_options;
	}
	//! Whether maintenance steps commit at once here even inside BEGIN ... COMMIT: CHECKPOINT's do,
	//! since each of its steps works on what the one before committed.
	bool CommitsMaintenanceNow() const {
		return commits_maintenance_now;
	}
	void SetCommitsMaintenanceNow(bool now) {
		commits_maintenance_now = now;
	}

	bool HasChanges() const;
	//! Writes the new snapshot; retries transparently when another writer committed first.
	void Commit();
	//! Forgets the local changes and deletes the data files this transaction wrote.
	void Rollback();

	//! Tracks a file written for this transaction so rollback can delete it. Called by the writer
	//! threads of a COPY as they create files (lake_file_writers.hpp).
	void AddWrittenFile(const string &path);

private:
	struct LocalTableData {
		DuckLakeTableEntry *table;
		vector<DataFileInfo> files;
		//! Provisional row ids of the files written here (see ducklake_local_deletes.cpp).
		bool next_row_id_known = false;
		idx_t next_row_id = 0;
		//! Rows deleted from these files, by file path; guarded by deletes_lock.
		map<string, shared_ptr<const DeletePositions>> deletes;
	};
	//! Gives new local files the row ids they get at commit when no other insert commits first.
	void AssignProvisionalRowIds(idx_t table_id, LocalTableData &data, vector<DataFileInfo> &files);
	void RemoveDroppedLocalFiles();
	//! The data files this transaction wrote into a table it drops: never committed, so removed after
	//! the commit (with dropped_local_files). Files it registered (add_data_files) stay.
	void DropWrittenFiles(idx_t table_id);
	//! Commits the maintenance steps called here, each as a snapshot of its own, after the
	//! transaction's own changes (if any: `after_own_changes`); a step whose sources those changes
	//! touched leaves them alone.
	void CommitMaintenance(bool after_own_changes);

	//! Entries created here (tables and views, or macros), by schema name then key.
	using LocalEntries = case_insensitive_map_t<case_insensitive_map_t<unique_ptr<CatalogEntry>>>;
	CatalogEntry &AddLocal(LocalEntries &local, const string &schema_name, const string &key,
	                       unique_ptr<CatalogEntry> entry);
	static optional_ptr<CatalogEntry> FindLocal(LocalEntries &local, const string &schema_name, const string &key);
	//! Whether `entry` is the local entry under `key`; if so, it is removed (kept alive until the end).
	bool TakeLocal(LocalEntries &local, const string &schema_name, const string &key, CatalogEntry &entry);
	static void ScanLocal(LocalEntries &local, const string &schema_name,
	                      const std::function<void(CatalogEntry &)> &callback);

	DuckLakeCatalog &catalog;
	SnapshotInfo snapshot;
	shared_ptr<LakeCatalogSet> catalog_set;
	vector<shared_ptr<LakeCatalogSet>> time_travel_sets;
	idx_t next_local_id = LOCAL_ID_START;

	case_insensitive_map_t<unique_ptr<DuckLakeSchemaEntry>> new_schemas;
	//! Committed schemas dropped here, by id, with their names for conflict checks.
	unordered_map<idx_t, string> dropped_schemas;
	//! Tables and views created here, by schema name then object name.
	LocalEntries new_entries;
	struct DroppedEntry {
		string schema_name;
		string name;
		CatalogType type;
	};
	//! Committed tables and views dropped here, by id.
	unordered_map<idx_t, DroppedEntry> dropped_entries;
	//! Macros created here, by schema name then MacroKey, and committed ones dropped here, by id.
	LocalEntries new_macros;
	unordered_map<idx_t, DroppedEntry> dropped_macros;
	//! Maintenance steps called here, in call order.
	vector<MaintenanceCommit> maintenance;
	vector<LakeOptionSetting> pending_options;
	bool commits_maintenance_now = false;
	//! Data files written here, by (possibly local) table id.
	map<idx_t, LocalTableData> new_data;
	vector<string> written_files;
	std::mutex written_files_lock;
	//! Local data files whose rows were all deleted here: not committed, removed after the commit.
	vector<string> dropped_local_files;
	struct LocalTableDeletes {
		DuckLakeTableEntry *table;
		map<idx_t, LocalFileDeletes> files;
	};
	//! Rows deleted here, by committed table id; guarded by deletes_lock (sinks run in parallel).
	map<idx_t, LocalTableDeletes> new_deletes;
	std::mutex deletes_lock;
	//! Inlined rows inserted here, by (possibly local) table id; guarded by deletes_lock.
	map<idx_t, LocalInlinedRows> new_inlined;
	struct InlinedDeletes {
		DuckLakeTableEntry *table;
		map<string, set<idx_t>> row_ids;
	};
	//! Committed inlined rows deleted here, by table id; guarded by deletes_lock.
	map<idx_t, InlinedDeletes> inlined_deletes;
	//! Local entries replaced by a later ALTER; kept alive because plans and new_data may still
	//! point at them until the transaction ends.
	vector<unique_ptr<CatalogEntry>> replaced_entries;
	//! Views with their bound columns, by the entry they were bound from (GetListedView).
	unordered_map<const CatalogEntry *, unique_ptr<CatalogEntry>> listed_views;
	//! Views being bound right now: binding one may list the schema again (for a "did you
	//! mean" hint), which must not bind it recursively.
	unordered_set<const CatalogEntry *> views_being_listed;
	//! One query's table functions list schemas from several threads (SHOW ALL TABLES); the
	//! binding thread re-enters through the "did you mean" hint, hence recursive.
	std::recursive_mutex listed_views_lock;

	Value author;
	Value commit_message;
	Value commit_extra_info;

	friend class LakeCommit;
};

} // namespace duckdb
