#include "mallard/scan/delete_filter.hpp"

#include <gtest/gtest.h>

using namespace duckdb;

namespace {

//! The rows of [start, start + count) the filter keeps, as positions in the file.
vector<idx_t> Kept(const vector<idx_t> &committed, const vector<idx_t> &local, idx_t start, idx_t count) {
	auto committed_positions = committed.empty() ? nullptr : make_shared_ptr<const DeletePositions>(committed);
	auto local_positions = local.empty() ? nullptr : make_shared_ptr<const DeletePositions>(local);
	LakeDeleteFilter filter(committed_positions, local_positions);
	SelectionVector sel;
	auto kept = filter.Filter(row_t(start), count, sel);
	vector<idx_t> result;
	for (idx_t i = 0; i < kept; i++) {
		result.push_back(start + sel.get_index(i));
	}
	return result;
}

vector<idx_t> Range(idx_t start, idx_t end) {
	vector<idx_t> result;
	for (idx_t i = start; i < end; i++) {
		result.push_back(i);
	}
	return result;
}

} // namespace

TEST(LakeDeleteFilter, KeepsEveryRowWithoutDeletesInTheRange) {
	EXPECT_EQ(Kept({}, {}, 0, 10), Range(0, 10));
	EXPECT_EQ(Kept({2, 50}, {70}, 10, 10), Range(10, 20));
}

TEST(LakeDeleteFilter, DropsCommittedAndLocalPositions) {
	EXPECT_EQ(Kept({3, 7}, {}, 0, 10), vector<idx_t>({0, 1, 2, 4, 5, 6, 8, 9}));
	EXPECT_EQ(Kept({}, {0, 9}, 0, 10), Range(1, 9));
	// Both lists, interleaved, a position in both, and positions outside the range.
	EXPECT_EQ(Kept({1, 4, 5, 30}, {0, 4, 8, 31}, 0, 10), vector<idx_t>({2, 3, 6, 7, 9}));
}

TEST(LakeDeleteFilter, WorksOnAVectorInTheMiddleOfAFile) {
	// Rows 2048..4095: the first and last rows of the range, and a run of deletes.
	vector<idx_t> committed {2047, 2048, 3000, 3001, 3002, 4095, 4096};
	auto expected = Range(2049, 3000);
	auto rest = Range(3003, 4095);
	expected.insert(expected.end(), rest.begin(), rest.end());
	EXPECT_EQ(Kept(committed, {}, 2048, 2048), expected);
	// Everything deleted.
	EXPECT_EQ(Kept(Range(100, 110), {}, 100, 10), vector<idx_t>());
}
