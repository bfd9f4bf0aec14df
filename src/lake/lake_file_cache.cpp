#include "mallard/lake/lake_file_cache.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"

namespace duckdb {

namespace {

//! Lists kept per lake: the current snapshot of each busy table and a few time-travel targets. Lists
//! of consecutive snapshots share their entries, so this bounds bookkeeping more than memory.
constexpr idx_t MAX_CACHED_LISTS = 64;
//! Re-reading this many changed files costs about as much as reading the table's list again.
constexpr idx_t MAX_CHANGED_FILES = 2000;
//! A table of up to this many files is read whole on its second narrowable scan (lake_file_cache.hpp).
constexpr idx_t SMALL_TABLE_FILES = 1000;
//! Narrowed lists kept per lake (small: a few files each).
constexpr idx_t MAX_CANDIDATE_LISTS = 64;

} // namespace

shared_ptr<const ScanFileList> LakeFileCache::Get(DuckLakeCatalog &catalog, DuckLakeTableEntry &table,
                                                  const SnapshotInfo &snapshot) {
	return Get(catalog, table, snapshot, true);
}

shared_ptr<const ScanFileList> LakeFileCache::GetIfCheap(DuckLakeCatalog &catalog, DuckLakeTableEntry &table,
                                                         const SnapshotInfo &snapshot) {
	return Get(catalog, table, snapshot, false);
}

shared_ptr<const ScanFileList> LakeFileCache::Get(DuckLakeCatalog &catalog, DuckLakeTableEntry &table,
                                                  const SnapshotInfo &snapshot, bool allow_full_read) {
	auto table_id = table.GetTableId();
	auto key = make_pair(table_id, snapshot.snapshot_id);
	auto folder = table.GetDataFolder();
	auto types = GetStatsColumnTypes(table.GetTableInfo().columns);
	shared_ptr<const ScanFileList> base;
	bool count_files = false;
	{
		lock_guard<mutex> guard(lock);
		auto entry = lists.find(key);
		if (entry != lists.end() && entry->second->folder == folder && entry->second->types == types) {
			return entry->second;
		}
		// The newest list of this table at an older snapshot, read with the same column types.
		auto older = lists.lower_bound(key);
		while (older != lists.begin()) {
			--older;
			if (older->first.first != table_id) {
				break;
			}
			if (older->second->folder == folder && older->second->types == types) {
				base = older->second;
				break;
			}
		}
		if (!base && !allow_full_read) {
			// The first scan of a table narrows; later ones too when the table is big (see the header).
			if (large_tables.count(table_id) != 0) {
				return nullptr;
			}
			if (narrowed_tables.insert(table_id).second) {
				return nullptr;
			}
			count_files = true;
		}
	}
	if (count_files) {
		auto count = catalog.WithMetadata([&](MetadataConnection &conn) {
			return MetadataReader::CountDataFiles(conn, table_id, snapshot.snapshot_id);
		});
		if (count > SMALL_TABLE_FILES) {
			lock_guard<mutex> guard(lock);
			large_tables.insert(table_id);
			return nullptr;
		}
	}
	auto list = catalog.WithMetadata([&](MetadataConnection &conn) {
		shared_ptr<const ScanFileList> result;
		if (base) {
			result = ReadChanges(conn, base, snapshot);
		}
		if (!result) {
			result = ReadFull(conn, table_id, snapshot, folder, types);
		}
		return result;
	});
	lock_guard<mutex> guard(lock);
	lists[key] = list;
	while (lists.size() > MAX_CACHED_LISTS) {
		// Drop the oldest snapshot's list: old snapshots are the least likely to be read again.
		auto oldest = lists.begin();
		for (auto it = lists.begin(); it != lists.end(); ++it) {
			if (it->first.second < oldest->first.second) {
				oldest = it;
			}
		}
		lists.erase(oldest);
	}
	return list;
}

shared_ptr<const ScanFileList> LakeFileCache::ReadFull(MetadataConnection &conn, idx_t table_id,
                                                       const SnapshotInfo &snapshot, const string &folder,
                                                       StatsColumnTypes types) {
	auto data_files = MetadataReader::ReadDataFiles(conn, table_id, snapshot.snapshot_id);
	vector<shared_ptr<const LakeFileEntry>> files;
	files.reserve(data_files.size());
	for (auto &file : data_files) {
		files.push_back(LakeFileEntry::Create(std::move(file), folder, types));
	}
	return make_shared_ptr<const ScanFileList>(table_id, snapshot, folder, std::move(types), std::move(files));
}

shared_ptr<const ScanFileList> LakeFileCache::GetCandidates(DuckLakeCatalog &catalog, DuckLakeTableEntry &table,
                                                            const SnapshotInfo &snapshot,
                                                            const FileStatsCondition &condition) {
	auto key = CandidateKey(table.GetTableId(), snapshot.snapshot_id, condition.ToString());
	auto folder = table.GetDataFolder();
	auto types = GetStatsColumnTypes(table.GetTableInfo().columns);
	{
		lock_guard<mutex> guard(lock);
		auto entry = candidate_lists.find(key);
		if (entry != candidate_lists.end() && entry->second->folder == folder && entry->second->types == types) {
			return entry->second;
		}
	}
	auto list = catalog.WithMetadata(
	    [&](MetadataConnection &conn) { return ReadCandidates(conn, table, snapshot, condition, file_bounds); });
	if (!list) {
		return nullptr;
	}
	lock_guard<mutex> guard(lock);
	candidate_lists[key] = list;
	candidate_order.push_back(key);
	while (candidate_order.size() > MAX_CANDIDATE_LISTS) {
		// Drop the oldest: a repeated query is most likely one of the last few.
		candidate_lists.erase(candidate_order.front());
		candidate_order.pop_front();
	}
	return list;
}

shared_ptr<const ScanFileList> LakeFileCache::ReadCandidates(MetadataConnection &conn, DuckLakeTableEntry &table,
                                                             const SnapshotInfo &snapshot,
                                                             const FileStatsCondition &condition,
                                                             optional_ptr<FileBoundsCache> bounds) {
	auto folder = table.GetDataFolder();
	auto types = GetStatsColumnTypes(table.GetTableInfo().columns);
	vector<DataFileInfo> data_files;
	// More files than this cost about as much as the whole list, which is then read once and kept.
	if (!MetadataReader::ReadCandidateFiles(conn, table.GetTableId(), snapshot, condition,
	                                        MAX_CHANGED_FILES, data_files, bounds)) {
		return nullptr;
	}
	vector<shared_ptr<const LakeFileEntry>> files;
	files.reserve(data_files.size());
	for (auto &file : data_files) {
		files.push_back(LakeFileEntry::Create(std::move(file), folder, types));
	}
	return make_shared_ptr<const ScanFileList>(table.GetTableId(), snapshot, folder, std::move(types),
	                                           std::move(files));
}

shared_ptr<const ScanFileList> LakeFileCache::ReadChanges(MetadataConnection &conn,
                                                          const shared_ptr<const ScanFileList> &base,
                                                          const SnapshotInfo &snapshot) {
	auto changes = MetadataReader::ReadFileListChanges(conn, base->table_id, base->snapshot, snapshot.snapshot_id);
	if (!changes.from_exists || changes.files_removed) {
		return nullptr;
	}
	if (changes.Empty()) {
		// Nothing of this table changed: the older list is this snapshot's list too.
		return base;
	}
	// Files to read again: new ones, and those whose delete file changed (entries are immutable).
	set<idx_t> reread = changes.added_files;
	reread.insert(changes.delete_changed_files.begin(), changes.delete_changed_files.end());
	if (reread.size() > MAX_CHANGED_FILES) {
		return nullptr;
	}
	unordered_map<idx_t, shared_ptr<const LakeFileEntry>> fresh;
	vector<idx_t> fresh_order;
	if (!reread.empty()) {
		vector<idx_t> ids(reread.begin(), reread.end());
		for (auto &file : MetadataReader::ReadDataFilesById(conn, base->table_id, snapshot.snapshot_id, ids)) {
			auto id = file.data_file_id;
			fresh_order.push_back(id);
			fresh[id] = LakeFileEntry::Create(std::move(file), base->folder, base->types);
		}
	}
	// Unchanged files keep their entries and their place; a re-read file takes its old place (so
	// scan order stays insertion order); new files follow in catalog order.
	vector<shared_ptr<const LakeFileEntry>> files;
	files.reserve(base->files.size() + fresh.size());
	for (auto &entry : base->files) {
		auto id = entry->info.data_file_id;
		if (changes.ended_files.count(id) == 0 && reread.count(id) == 0) {
			files.push_back(entry);
			continue;
		}
		auto replacement = fresh.find(id);
		if (replacement != fresh.end()) {
			files.push_back(replacement->second);
			fresh.erase(replacement);
		}
	}
	for (auto id : fresh_order) {
		auto entry = fresh.find(id);
		if (entry != fresh.end()) {
			files.push_back(entry->second);
		}
	}
	return make_shared_ptr<const ScanFileList>(base->table_id, snapshot, base->folder, base->types, std::move(files));
}

} // namespace duckdb
