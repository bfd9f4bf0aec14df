//===----------------------------------------------------------------------===//
// mallard/scan/delete_filter.hpp
//
// Applies a data file's deleted positions while the Parquet reader scans it
// (BaseFileReader::deletion_filter): deleted rows never leave the reader.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/storage/delete_file.hpp"

#include "duckdb/common/multi_file/multi_file_data.hpp"

namespace duckdb {

class LakeDeleteFilter : public DeleteFilter {
public:
	//! `committed` and `local` are sorted and may be null; their union is deleted.
	LakeDeleteFilter(shared_ptr<const DeletePositions> committed, shared_ptr<const DeletePositions> local);

	idx_t Filter(row_t start_row_index, idx_t count, SelectionVector &result_sel) override;

private:
	shared_ptr<const DeletePositions> committed;
	shared_ptr<const DeletePositions> local;
};

} // namespace duckdb
