#include "mallard/scan/delete_filter.hpp"

#include <algorithm>

namespace duckdb {

LakeDeleteFilter::LakeDeleteFilter(shared_ptr<const DeletePositions> committed_p,
                                   shared_ptr<const DeletePositions> local_p)
    : committed(std::move(committed_p)), local(std::move(local_p)) {
}

namespace {

//! The positions of `deleted` (sorted) within [start, end), as [first, last).
pair<DeletePositions::const_iterator, DeletePositions::const_iterator> PositionsIn(const DeletePositions *deleted,
                                                                                  idx_t start, idx_t end) {
	if (!deleted) {
		static const DeletePositions NONE;
		return {NONE.end(), NONE.end()};
	}
	auto first = std::lower_bound(deleted->begin(), deleted->end(), start);
	return {first, std::lower_bound(first, deleted->end(), end)};
}

} // namespace

idx_t LakeDeleteFilter::Filter(row_t start_row_index, idx_t count, SelectionVector &result_sel) {
	auto start = NumericCast<idx_t>(start_row_index);
	auto end = start + count;
	auto committed_range = PositionsIn(committed.get(), start, end);
	auto local_range = PositionsIn(local.get(), start, end);
	auto c = committed_range.first;
	auto l = local_range.first;
	if (c == committed_range.second && l == local_range.second) {
		// Nothing deleted here: the reader's selection is already the identity.
		return count;
	}
	// The reader hands in an unallocated (identity) selection. The rows between one deleted position
	// and the next (of either sorted list) are kept: a walk over the deletes, not over every row.
	result_sel.Initialize(STANDARD_VECTOR_SIZE);
	idx_t kept = 0;
	idx_t row = start;
	while (true) {
		auto deleted = end;
		if (c != committed_range.second) {
			deleted = *c;
		}
		if (l != local_range.second) {
			deleted = MinValue(deleted, *l);
		}
		for (; row < deleted; row++) {
			result_sel.set_index(kept++, row - start);
		}
		if (deleted == end) {
			return kept;
		}
		row = deleted + 1;
		// A position in both lists is one deleted row.
		if (c != committed_range.second && *c == deleted) {
			++c;
		}
		if (l != local_range.second && *l == deleted) {
			++l;
		}
	}
}

} // namespace duckdb
