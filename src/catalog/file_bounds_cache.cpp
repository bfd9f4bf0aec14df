#include "mallard/catalog/file_bounds_cache.hpp"

namespace duckdb {

shared_ptr<const SnapshotFileBounds> FileBoundsCache::Get(idx_t table_id, idx_t snapshot_id) {
	lock_guard<mutex> guard(lock);
	for (auto &entry : entries) {
		if (entry.first == make_pair(table_id, snapshot_id)) {
			return entry.second;
		}
	}
	return nullptr;
}

shared_ptr<const SnapshotFileBounds> FileBoundsCache::GetOlder(idx_t table_id, idx_t snapshot_id) {
	lock_guard<mutex> guard(lock);
	shared_ptr<const SnapshotFileBounds> result;
	idx_t result_snapshot = 0;
	for (auto &entry : entries) {
		auto older = entry.first.first == table_id && entry.first.second < snapshot_id;
		if (older && (!result || entry.first.second > result_snapshot)) {
			result = entry.second;
			result_snapshot = entry.first.second;
		}
	}
	return result;
}

void FileBoundsCache::Put(idx_t table_id, idx_t snapshot_id, shared_ptr<const SnapshotFileBounds> bounds) {
	lock_guard<mutex> guard(lock);
	auto key = make_pair(table_id, snapshot_id);
	for (auto it = entries.begin(); it != entries.end(); ++it) {
		if (it->first == key) {
			entries.erase(it);
			break;
		}
	}
	entries.emplace_back(key, std::move(bounds));
	if (entries.size() > MAX_ENTRIES) {
		entries.pop_front();
	}
}

} // namespace duckdb
