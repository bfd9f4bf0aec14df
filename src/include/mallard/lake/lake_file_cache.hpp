//===----------------------------------------------------------------------===//
// mallard/lake/lake_file_cache.hpp
//
// The committed data file lists of an attached lake's tables, per (table, snapshot), kept for the
// process. What a snapshot sees never changes, so a list is built once and shared. A newer
// snapshot starts from the newest older list of the table: when the catalog shows no file of the
// table added or ended in between, it shares that list; otherwise it reads only the files that
// changed (spec: begin_snapshot / end_snapshot) and keeps every other entry as it was.
//
// A table with no list cached yet is not read whole by its first scan when the scan's filters can
// be decided by the catalog (catalog_pruning.hpp): it asks for the files those filters may match.
// The next scan that could narrow counts the table's files (once per table): a table of up to 1,000
// files is then read whole and cached; a bigger one keeps narrowing, each narrowed list cached per
// (table, snapshot, condition). Building the whole list costs some 8 us a file (a DuckDB file,
// measured): for 1,000 files a few narrowed reads, paid once, after which every scan is warm
// (narrowing would pay a catalog read for each new filter); for 100,000 files most of a second,
// which no second query should wait for. A
// scan the catalog cannot narrow (no usable filter, or more than 2,000 candidates) reads and caches
// the whole list; then every scan uses it, and newer snapshots refresh it incrementally.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/file_bounds_cache.hpp"
#include "mallard/catalog/metadata_store.hpp"
#include "mallard/scan/scan_file_list.hpp"

#include "duckdb/common/map.hpp"
#include "duckdb/common/mutex.hpp"
#include "duckdb/common/set.hpp"

#include <deque>
#include <tuple>

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeTableEntry;

class LakeFileCache {
public:
	//! The table's committed files at `snapshot` (the table entry gives its folder and column types).
	shared_ptr<const ScanFileList> Get(DuckLakeCatalog &catalog, DuckLakeTableEntry &table, const SnapshotInfo &snapshot);
	//! The same when it costs no read of the whole list (cached, or refreshed from an older list) or
	//! the table is small; null otherwise, so that a scan can read only the files its filters keep
	//! (LakeScanInfo::Narrow) and read the whole list only when it cannot.
	shared_ptr<const ScanFileList> GetIfCheap(DuckLakeCatalog &catalog, DuckLakeTableEntry &table,
	                                          const SnapshotInfo &snapshot);
	//! The files visible at `snapshot` that `condition` keeps, cached; null when too many do (then
	//! the whole list is the better read).
	shared_ptr<const ScanFileList> GetCandidates(DuckLakeCatalog &catalog, DuckLakeTableEntry &table,
	                                             const SnapshotInfo &snapshot, const FileStatsCondition &condition);
	//! The same, read from the catalog (deciding the condition on bounds kept in `bounds`).
	static shared_ptr<const ScanFileList> ReadCandidates(MetadataConnection &conn, DuckLakeTableEntry &table,
	                                                     const SnapshotInfo &snapshot,
	                                                     const FileStatsCondition &condition,
	                                                     optional_ptr<FileBoundsCache> bounds = nullptr);

	//! Reads the list from scratch.
	static shared_ptr<const ScanFileList> ReadFull(MetadataConnection &conn, idx_t table_id, const SnapshotInfo &snapshot,
	                                               const string &folder, StatsColumnTypes types);
	//! The list at `snapshot` from an older one of the same table, reading only what changed; null
	//! when it cannot tell (the older snapshot was expired) or too much changed to be worth it.
	static shared_ptr<const ScanFileList> ReadChanges(MetadataConnection &conn, const shared_ptr<const ScanFileList> &base,
	                                                  const SnapshotInfo &snapshot);

private:
	shared_ptr<const ScanFileList> Get(DuckLakeCatalog &catalog, DuckLakeTableEntry &table, const SnapshotInfo &snapshot,
	                                   bool allow_full_read);

	mutex lock;
	map<pair<idx_t, idx_t>, shared_ptr<const ScanFileList>> lists;
	//! Tables whose first scan went without the whole list.
	set<idx_t> narrowed_tables;
	//! Tables counted too big to read whole for a scan that can be narrowed.
	set<idx_t> large_tables;
	using CandidateKey = std::tuple<idx_t, idx_t, string>;
	map<CandidateKey, shared_ptr<const ScanFileList>> candidate_lists;
	//! Keys of candidate_lists, oldest first.
	std::deque<CandidateKey> candidate_order;
	//! The parsed statistics bounds narrowing decides on, on every catalog backend.
	FileBoundsCache file_bounds;
};

} // namespace duckdb
