//===----------------------------------------------------------------------===//
// mallard/catalog/file_bounds_cache.hpp
//
// What MetadataReader::ReadCandidateFiles reads from the catalog to decide a condition in memory:
// the ids of a table's files visible at a snapshot and, per column, the files' bounds parsed once
// (FileStatsCondition::ParseBound). What a snapshot sees never changes, and a file's statistics rows
// never change after its commit, so they are kept per (table, snapshot): another constant on the
// same column then costs no statistics read (on 100,000 files, scanning and parsing them was 10-15
// ms of every query on a DuckDB file, measured). Entries are immutable; adding a column replaces
// one whole.
//
// A newer snapshot of the same table starts from the newest kept older one and reads only what
// changed in between (MetadataReader::ReadFileListChanges): the visible ids lose the ended files and
// gain the added ones, and each column gains one part holding the added files' bounds while sharing
// the older parts. A table fed by frequent commits then pays per query for its new files, not for
// all of them.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/file_stats_condition.hpp"
#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/common/map.hpp"
#include "duckdb/common/mutex.hpp"

#include <deque>

namespace duckdb {

//! One column's parsed bounds in every file of a table that has a statistics row for it.
struct ColumnFileBounds {
	static constexpr uint8_t MIN_KNOWN = 1;
	static constexpr uint8_t MAX_KNOWN = 2;

	vector<idx_t> file_ids;
	vector<StatsBoundKey> min;
	vector<StatsBoundKey> max;
	//! MIN_KNOWN | MAX_KNOWN where the bound parsed (see ParseBound).
	vector<uint8_t> known;

	//! The memory the vectors hold.
	idx_t Bytes() const;
};

struct SnapshotFileBounds {
	//! A newer snapshot reads its changes from here (next_file_id tells later files apart).
	SnapshotInfo snapshot;
	//! The ids of the table's files visible at the snapshot, sorted.
	vector<idx_t> visible;
	//! Per (column, kind), the bounds in parts: every file with a statistics row for the column is in
	//! one part at least (in two when a file read with the older parts is added again: harmless, its
	//! rows never change). Files not visible at the snapshot may be in them too: only `visible` counts.
	map<pair<idx_t, StatsBoundKind>, vector<shared_ptr<const ColumnFileBounds>>> columns;
};

class FileBoundsCache {
public:
	//! 256 MiB: a column of some 6 million files, or several snapshots of a large table.
	static constexpr idx_t DEFAULT_MAX_BYTES = idx_t(256) << 20;

	explicit FileBoundsCache(idx_t max_bytes = DEFAULT_MAX_BYTES) : max_bytes(max_bytes) {
	}

	//! Null when none is kept.
	shared_ptr<const SnapshotFileBounds> Get(idx_t table_id, idx_t snapshot_id);
	//! The kept bounds of the table at the newest snapshot before `snapshot_id`; null when none.
	shared_ptr<const SnapshotFileBounds> GetOlder(idx_t table_id, idx_t snapshot_id);
	//! Keeps `bounds`; the oldest entries go while there are more than four or they hold more than
	//! the byte budget (the newest always stays: its query holds it anyway).
	void Put(idx_t table_id, idx_t snapshot_id, shared_ptr<const SnapshotFileBounds> bounds);
	//! The memory the kept entries hold, each part counted once however many entries share it.
	idx_t KeptBytes();

private:
	//! A few snapshots' worth: 100,000 files take some 4 MB a column (shared by snapshots derived
	//! from one another).
	static constexpr idx_t MAX_ENTRIES = 4;

	idx_t KeptBytesLocked() const;

	const idx_t max_bytes;
	mutex lock;
	//! The most recently put last.
	std::deque<pair<pair<idx_t, idx_t>, shared_ptr<const SnapshotFileBounds>>> entries;
};

} // namespace duckdb
