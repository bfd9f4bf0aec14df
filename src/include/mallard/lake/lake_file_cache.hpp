//===----------------------------------------------------------------------===//
// mallard/lake/lake_file_cache.hpp
//
// The committed data file lists of an attached lake's tables, per (table, snapshot), kept for the
// process. What a snapshot sees never changes, so a list is built once and shared. A newer
// snapshot starts from the newest older list of the table: when the catalog shows no file of the
// table added or ended in between, it shares that list; otherwise it reads only the files that
// changed (spec: begin_snapshot / end_snapshot) and keeps every other entry as it was.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"
#include "mallard/scan/scan_file_list.hpp"

#include "duckdb/common/map.hpp"
#include "duckdb/common/mutex.hpp"
#include "duckdb/common/set.hpp"

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeTableEntry;

class LakeFileCache {
public:
	//! The table's committed files at `snapshot` (the table entry gives its folder and column types).
	shared_ptr<const ScanFileList> Get(DuckLakeCatalog &catalog, DuckLakeTableEntry &table, const SnapshotInfo &snapshot);
	//! The same when it costs no read of the whole list (cached, or refreshed from an older list);
	//! null the first time a table would need the whole list read, so that its first scan can read
	//! only the files its filters keep (LakeScanInfo::Narrow). Its next scan reads the whole list.
	shared_ptr<const ScanFileList> GetIfCheap(DuckLakeCatalog &catalog, DuckLakeTableEntry &table,
	                                          const SnapshotInfo &snapshot);
	//! The files visible at `snapshot` that meet `condition` (on data file alias f); not cached.
	static shared_ptr<const ScanFileList> ReadCandidates(MetadataConnection &conn, DuckLakeTableEntry &table,
	                                                     const SnapshotInfo &snapshot, const string &condition);

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
};

} // namespace duckdb
