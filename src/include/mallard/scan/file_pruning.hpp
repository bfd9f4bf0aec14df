//===----------------------------------------------------------------------===//
// mallard/scan/file_pruning.hpp
//
// File skipping from the catalog's per-file column statistics (spec: ducklake_file_column_stats).
// min/max are bounds stored as text; NULL means unknown, and unknown never prunes.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/planner/table_filter.hpp"

namespace duckdb {

class DuckLakeTableEntry;
struct LakeScanFile;

//! The DuckDB statistics a file's catalog entry proves for one column (unknown when none).
BaseStatistics StatisticsFromCatalog(const LogicalType &type, const ColumnStatsInfo *stats, idx_t record_count);

//! Statistics of a column every row of which holds `value` (NULL included); false when the type
//! has no usable statistics.
bool ConstantStatistics(const LogicalType &type, const Value &value, unique_ptr<BaseStatistics> &result);

//! True when the statistics prove no row of `file` passes `filters` (keyed by position in
//! `column_ids`, which index the table's columns). The file's partition values count as statistics;
//! `by_partition` is set when they were the proof.
bool FileCanBeSkipped(DuckLakeTableEntry &table, const LakeScanFile &file, const vector<column_t> &column_ids,
                      TableFilterSet &filters, bool *by_partition = nullptr);

} // namespace duckdb
