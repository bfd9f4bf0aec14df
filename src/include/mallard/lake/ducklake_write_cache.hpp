//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_write_cache.hpp
//
// What a writer would otherwise read from the catalog on every small commit:
// the table stats it wrote itself, and the lake's options. A single writer
// committing every few milliseconds then pays for its own writes only, not for
// re-reading them.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/lake_options.hpp"

#include "duckdb/common/case_insensitive_map.hpp"
#include "duckdb/common/mutex.hpp"
#include "duckdb/common/optional_idx.hpp"

#include <chrono>

namespace duckdb {

class MetadataConnection;

//! A table's ducklake_table_stats row and its ducklake_table_column_stats rows.
struct CachedTableStats {
	TableStatsInfo stats;
	//! Whether the table has a ducklake_table_stats row at all.
	bool exists = false;
	vector<ColumnStatsInfo> column_stats;
};

class LakeWriteCache {
public:
	//! The stats of `table_id` while `snapshot_id` is the lake's latest snapshot.
	//! Table stats are not versioned, but every writer changes them in the
	//! catalog transaction that adds a new snapshot, so stats recorded at
	//! snapshot N are exact as long as N is the latest.
	bool TryGetTableStats(idx_t table_id, idx_t snapshot_id, CachedTableStats &result);
	//! Records the stats a commit wrote, in the snapshot it made.
	void PutTableStats(idx_t table_id, idx_t snapshot_id, CachedTableStats stats);

	//! The lake's latest snapshot, read through the cache while the catalog's
	//! CommitVersion stays what it was when the snapshot was read or written
	//! (catalogs only this process writes).
	SnapshotInfo LatestSnapshot(MetadataConnection &conn);
	//! Records `snapshot`, just committed, as the latest at `commit_version`.
	void PutLatestSnapshot(idx_t commit_version, const SnapshotInfo &snapshot);
	//! The newest snapshot this attachment has seen as the lake's latest (read by LatestSnapshot,
	//! or committed here). A commit whose transaction started from it may guess that it is still
	//! the latest and write without reading it again (LakeCommit's optimistic attempt): only a
	//! guess, which the snapshot row's primary key checks, as other processes may have committed.
	void NoteLatestSnapshotId(idx_t snapshot_id);
	bool IsNewestSeenSnapshot(idx_t snapshot_id);

	//! LakeOptions::ReadEffective through a short-lived cache. Options are not
	//! versioned by snapshots (set_option writes them directly), so a change from
	//! another process shows here within OPTIONS_LIFETIME; one from this process
	//! at once (InvalidateOptions).
	//! (With `pending` options of a transaction, read uncached: they are that transaction's alone.)
	case_insensitive_map_t<string> ReadOptions(MetadataConnection &conn, optional_idx schema_id, optional_idx table_id,
	                                           const vector<LakeOptionSetting> &pending = {});
	void InvalidateOptions();
	//! Settings given in this attachment's ATTACH (see LakeOptions::ReadEffective).
	void SetAttachSettings(vector<pair<string, string>> settings);

	//! The inlined-data table that takes new rows of `table_id` while the lake's latest snapshot has
	//! `schema_version`. A table's columns change only in a snapshot with a new schema version (in
	//! any process), so an entry recorded at that version names the right table until the version
	//! moves on. Expiry may drop an emptied inlined-data table without a new version: a commit
	//! that fails writing into a remembered table forgets them all and retries (LakeCommit).
	bool TryGetInlinedTable(idx_t table_id, idx_t schema_version, string &table_name);
	//! Records the table a commit wrote rows of `table_id` into, in a snapshot with `schema_version`.
	void PutInlinedTable(idx_t table_id, idx_t schema_version, const string &table_name);
	void ForgetInlinedTables();

	static constexpr std::chrono::milliseconds OPTIONS_LIFETIME {1000};

private:
	struct StatsEntry {
		idx_t snapshot_id;
		CachedTableStats stats;
	};
	struct OptionsEntry {
		std::chrono::steady_clock::time_point read_at;
		case_insensitive_map_t<string> options;
	};

	mutex lock;
	optional_idx latest_version;
	SnapshotInfo latest;
	optional_idx newest_seen_snapshot;
	unordered_map<idx_t, StatsEntry> table_stats;
	map<pair<idx_t, idx_t>, OptionsEntry> options;
	vector<pair<string, string>> attach_settings;
	//! table id -> (schema version, inlined-data table name)
	unordered_map<idx_t, pair<idx_t, string>> inlined_tables;
};

} // namespace duckdb
