#include "mallard/catalog/file_bounds_cache.hpp"

#include "duckdb/common/unordered_set.hpp"

namespace duckdb {

idx_t ColumnFileBounds::Bytes() const {
	return file_ids.capacity() * sizeof(idx_t) + (min.capacity() + max.capacity()) * sizeof(StatsBoundKey) +
	       known.capacity();
}

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
	while (entries.size() > MAX_ENTRIES || (entries.size() > 1 && KeptBytesLocked() > max_bytes)) {
		entries.pop_front();
	}
}

idx_t FileBoundsCache::KeptBytes() {
	lock_guard<mutex> guard(lock);
	return KeptBytesLocked();
}

idx_t FileBoundsCache::KeptBytesLocked() const {
	unordered_set<const ColumnFileBounds *> counted;
	idx_t bytes = 0;
	for (auto &entry : entries) {
		bytes += entry.second->visible.capacity() * sizeof(idx_t);
		for (auto &column : entry.second->columns) {
			for (auto &part : column.second) {
				if (counted.insert(part.get()).second) {
					bytes += part->Bytes();
				}
			}
		}
	}
	return bytes;
}

} // namespace duckdb
