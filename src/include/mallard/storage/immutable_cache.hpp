//===----------------------------------------------------------------------===//
// mallard/storage/immutable_cache.hpp
//
// What a process read that never changes for its key: a delete file's positions or a partial data
// file's row snapshots (by path: lake files never change once written), a table's inlined rows at
// a snapshot. Each is read once. Bounded by a total weight (e.g. positions held): past it the
// cache starts over, which costs rereads, never wrong answers.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/unordered_map.hpp"

#include <mutex>

namespace duckdb {

template <class T>
class ImmutableCache {
public:
	explicit ImmutableCache(idx_t max_weight) : max_weight(max_weight) {
	}

	//! Null when `key` is not cached.
	shared_ptr<const T> Get(const string &key) {
		std::lock_guard<std::mutex> guard(lock);
		auto entry = entries.find(key);
		return entry == entries.end() ? nullptr : entry->second;
	}

	void Put(const string &key, shared_ptr<const T> value, idx_t weight) {
		std::lock_guard<std::mutex> guard(lock);
		if (total_weight + weight > max_weight) {
			entries.clear();
			total_weight = 0;
		}
		entries[key] = std::move(value);
		total_weight += weight;
	}

private:
	std::mutex lock;
	unordered_map<string, shared_ptr<const T>> entries;
	idx_t total_weight = 0;
	const idx_t max_weight;
};

} // namespace duckdb
