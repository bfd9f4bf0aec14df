// FileBoundsCache: which kept bounds a lake holds on to. At most four (table, snapshot) entries,
// and no more bytes than its budget (the newest entry always stays), parts shared by entries
// derived from one another counted once.
#include "mallard/catalog/file_bounds_cache.hpp"

#include <gtest/gtest.h>

namespace duckdb {
namespace {

//! `files` parsed bounds of one column, in one part.
shared_ptr<const ColumnFileBounds> Part(idx_t files) {
	auto part = make_shared_ptr<ColumnFileBounds>();
	part->file_ids.resize(files);
	part->min.resize(files);
	part->max.resize(files);
	part->known.resize(files);
	return std::move(part);
}

shared_ptr<const SnapshotFileBounds> Bounds(idx_t snapshot_id, idx_t visible,
                                            vector<shared_ptr<const ColumnFileBounds>> parts) {
	auto bounds = make_shared_ptr<SnapshotFileBounds>();
	bounds->snapshot.snapshot_id = snapshot_id;
	bounds->visible.resize(visible);
	bounds->columns[make_pair(idx_t(1), StatsBoundKind::INTEGER)] = std::move(parts);
	return std::move(bounds);
}

TEST(FileBoundsCache, KeepsTheNewestWithinItsBudget) {
	auto part_bytes = Part(1000)->Bytes();
	ASSERT_EQ(part_bytes, 1000 * (sizeof(idx_t) + 2 * sizeof(StatsBoundKey) + 1));
	auto entry_bytes = part_bytes + 1000 * sizeof(idx_t);
	// Room for two entries of 1,000 files, not three.
	FileBoundsCache cache(entry_bytes * 2 + entry_bytes / 2);
	cache.Put(1, 10, Bounds(10, 1000, {Part(1000)}));
	cache.Put(1, 11, Bounds(11, 1000, {Part(1000)}));
	EXPECT_EQ(cache.KeptBytes(), 2 * entry_bytes);
	cache.Put(1, 12, Bounds(12, 1000, {Part(1000)}));
	EXPECT_FALSE(cache.Get(1, 10));
	EXPECT_TRUE(cache.Get(1, 11));
	EXPECT_TRUE(cache.Get(1, 12));
	EXPECT_EQ(cache.KeptBytes(), 2 * entry_bytes);
	// An entry bigger than the whole budget stays alone: the query that read it holds it anyway.
	cache.Put(2, 5, Bounds(5, 10000, {Part(10000)}));
	EXPECT_TRUE(cache.Get(2, 5));
	EXPECT_FALSE(cache.Get(1, 11));
	EXPECT_FALSE(cache.Get(1, 12));
}

TEST(FileBoundsCache, SharedPartsCountOnce) {
	auto shared = Part(1000);
	auto small = Part(10);
	auto visible_bytes = 1000 * sizeof(idx_t);
	// Room for the shared part, two small ones and four visible lists; counting the shared part
	// once per entry would be four times it.
	FileBoundsCache cache(shared->Bytes() + 4 * small->Bytes() + 4 * visible_bytes);
	cache.Put(1, 10, Bounds(10, 1000, {shared}));
	cache.Put(1, 11, Bounds(11, 1000, {shared, small}));
	cache.Put(1, 12, Bounds(12, 1000, {shared, small, Part(10)}));
	cache.Put(1, 13, Bounds(13, 1000, {shared, small, Part(10)}));
	for (idx_t snapshot = 10; snapshot <= 13; snapshot++) {
		EXPECT_TRUE(cache.Get(1, snapshot)) << snapshot;
	}
	EXPECT_EQ(cache.KeptBytes(), shared->Bytes() + 3 * small->Bytes() + 4 * visible_bytes);
	// A fifth entry: four at most.
	cache.Put(1, 14, Bounds(14, 1000, {shared}));
	EXPECT_FALSE(cache.Get(1, 10));
	EXPECT_TRUE(cache.Get(1, 14));
}

TEST(FileBoundsCache, OlderIsTheNewestBeforeOfTheSameTable) {
	FileBoundsCache cache;
	cache.Put(1, 10, Bounds(10, 1, {Part(1)}));
	cache.Put(1, 30, Bounds(30, 1, {Part(1)}));
	cache.Put(1, 20, Bounds(20, 1, {Part(1)}));
	cache.Put(2, 25, Bounds(25, 1, {Part(1)}));
	EXPECT_EQ(cache.GetOlder(1, 26)->snapshot.snapshot_id, 20);
	EXPECT_EQ(cache.GetOlder(1, 31)->snapshot.snapshot_id, 30);
	EXPECT_EQ(cache.GetOlder(1, 30)->snapshot.snapshot_id, 20);
	EXPECT_FALSE(cache.GetOlder(1, 10));
	EXPECT_EQ(cache.GetOlder(2, 100)->snapshot.snapshot_id, 25);
	EXPECT_FALSE(cache.GetOlder(3, 100));
}

} // namespace
} // namespace duckdb
