#include "mallard/scan/delete_filter.hpp"

#include <algorithm>

namespace duckdb {

LakeDeleteFilter::LakeDeleteFilter(shared_ptr<const DeletePositions> committed_p,
                                   shared_ptr<const DeletePositions> local_p)
    : committed(std::move(committed_p)), local(std::move(local_p)) {
}

namespace {

//! Marks the positions of `deleted` within [start, start + count) in `is_deleted`.
void MarkDeleted(const DeletePositions *deleted, idx_t start, idx_t count, vector<bool> &is_deleted, bool &any) {
	if (!deleted || deleted->empty()) {
		return;
	}
	auto it = std::lower_bound(deleted->begin(), deleted->end(), start);
	for (; it != deleted->end() && *it < start + count; ++it) {
		is_deleted[*it - start] = true;
		any = true;
	}
}

} // namespace

idx_t LakeDeleteFilter::Filter(row_t start_row_index, idx_t count, SelectionVector &result_sel) {
	auto start = NumericCast<idx_t>(start_row_index);
	vector<bool> is_deleted(count, false);
	bool any = false;
	MarkDeleted(committed.get(), start, count, is_deleted, any);
	MarkDeleted(local.get(), start, count, is_deleted, any);
	if (!any) {
		// Nothing deleted here: the reader's selection is already the identity.
		return count;
	}
	// The reader hands in an unallocated (identity) selection.
	result_sel.Initialize(STANDARD_VECTOR_SIZE);
	idx_t kept = 0;
	for (idx_t i = 0; i < count; i++) {
		if (!is_deleted[i]) {
			result_sel.set_index(kept++, i);
		}
	}
	return kept;
}

} // namespace duckdb
