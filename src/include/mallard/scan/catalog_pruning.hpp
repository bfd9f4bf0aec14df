//===----------------------------------------------------------------------===//
// mallard/scan/catalog_pruning.hpp
//
// File pruning done by the catalog: a scan's filters turned into a condition on the statistics of
// the data files (file_stats_condition.hpp), so the first scan of a big table reads only the files
// those statistics cannot exclude instead of every file's entry. Integer columns are compared as
// integers, DATE and TIMESTAMP columns as text, which orders like time only for 4-digit AD years:
// a constant outside them is not used. When in doubt, the file is read. The files that come back
// are pruned again in memory (file_pruning.hpp), so the answer is the same.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/file_stats_condition.hpp"
#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/planner/table_filter.hpp"

namespace duckdb {

struct CatalogPruning {
	//! The condition on the catalog's statistics that keeps every file the filters may match; empty
	//! when no filter can be decided from the catalog's bounds.
	static FileStatsCondition CandidateFiles(const vector<LakeColumnInfo> &columns, const vector<column_t> &column_ids,
	                                         const TableFilterSet &filters);
};

} // namespace duckdb
