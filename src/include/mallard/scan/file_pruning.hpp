//===----------------------------------------------------------------------===//
// mallard/scan/file_pruning.hpp
//
// File skipping from the catalog's per-file column statistics (spec: ducklake_file_column_stats).
// min/max are bounds stored as text; NULL means unknown, and unknown never prunes.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/planner/table_filter.hpp"
#include "duckdb/storage/statistics/base_statistics.hpp"

namespace duckdb {

class DuckLakeTableEntry;
struct LakeScanFile;

//! The DuckDB statistics a file's catalog entry proves for one column (unknown when none).
BaseStatistics StatisticsFromCatalog(const LogicalType &type, const ColumnStatsInfo *stats, idx_t record_count);

//! Statistics of a column every row of which holds `value` (NULL included); false when the type
//! has no usable statistics.
bool ConstantStatistics(const LogicalType &type, const Value &value, unique_ptr<BaseStatistics> &result);

//! The table column a scan's filter applies to (filters are keyed by position in the scan's
//! `column_ids`, which index the table's columns); null for virtual columns.
const LakeColumnInfo *FilteredColumn(const vector<LakeColumnInfo> &columns, const vector<column_t> &column_ids,
                                     idx_t filter_index);

//! Column id -> the column's type, for the columns a file's statistics are typed as.
using StatsColumnTypes = unordered_map<idx_t, LogicalType>;

//! What a file's partition values prove about one column (unknown statistics when nothing), of the
//! column's type when built.
struct PartitionColumnStatistics {
	idx_t column_id;
	BaseStatistics stats;
};

//! One entry per column that has partition values in `values` (types: column id -> type; a column
//! missing there gets none).
vector<PartitionColumnStatistics> BuildPartitionStatistics(const vector<FilePartitionValue> &values,
                                                           const StatsColumnTypes &types);

//! What pruning reads of one data file.
struct FileStatsView {
	const vector<ColumnStatsInfo> &column_stats;
	//! Parallel to column_stats, already cast (scan_file_list.hpp); null when not built.
	const vector<BaseStatistics> *typed_stats;
	const vector<FilePartitionValue> &partition_values;
	optional_idx begin_snapshot;
	idx_t record_count;
	//! partition_values as statistics, built once (BuildPartitionStatistics); null when not built.
	const vector<PartitionColumnStatistics> *partition_stats = nullptr;
};

//! True when the statistics prove no row of `file` passes `filters` (keyed by position in
//! `column_ids`, which index the table's columns). The file's partition values count as statistics;
//! `by_partition` is set when they were the proof.
bool FileCanBeSkipped(DuckLakeTableEntry &table, const FileStatsView &file, const vector<column_t> &column_ids,
                      TableFilterSet &filters, bool *by_partition = nullptr);
bool FileCanBeSkipped(DuckLakeTableEntry &table, const LakeScanFile &file, const vector<column_t> &column_ids,
                      TableFilterSet &filters, bool *by_partition = nullptr);

} // namespace duckdb
