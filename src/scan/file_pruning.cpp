#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/scan/file_pruning.hpp"

#include "mallard/lake/ducklake_partitioning.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/scan/ducklake_scan.hpp"

#include "duckdb/storage/statistics/base_statistics.hpp"
#include "duckdb/storage/statistics/numeric_stats.hpp"
#include "duckdb/storage/statistics/string_stats.hpp"
#include "duckdb/storage/statistics/struct_stats.hpp"

#include <algorithm>
#include <cmath>

namespace duckdb {

//! Moves the DOUBLE `bound` out to the value of `text` read as a FLOAT, when that lies beyond it. A
//! DOUBLE column may have been a FLOAT (the one float promotion): a file written then has the
//! FLOAT's shortest text as a bound ("0.1"), while the value it holds, as a DOUBLE, is the FLOAT's
//! (0.10000000149011612), beside the text read as a DOUBLE (0.1). Bounds cover both readings.
static void CoverFloatReading(const Value &text, bool lower, Value &bound) {
	Value as_float;
	if (!TryCastValue(text, LogicalType::FLOAT, as_float)) {
		return; // outside a FLOAT's range: no FLOAT file wrote it
	}
	auto value = double(as_float.GetValue<float>());
	auto current = bound.GetValue<double>();
	if (std::isfinite(value) && (lower ? value < current : value > current)) {
		bound = Value::DOUBLE(value);
	}
}

//! Whether `text`, a bound or partition value of a TIMESTAMPTZ column, has no zone offset: it was
//! written while the column was a DATE or TIMESTAMP, whose values read as times in the session's
//! TimeZone, so it proves nothing about the instants read (DuckLake: such bounds do not prune).
static bool IsZonelessTime(const LogicalType &type, const string &text) {
	if (type.id() != LogicalTypeId::TIMESTAMP_TZ) {
		return false;
	}
	// The offset follows the time of day: "2020-06-15 16:00:00+00"; a DATE has no time of day.
	auto time = text.find_first_of(" T");
	return time == string::npos || text.find_first_of("+-Z", time) == string::npos;
}

BaseStatistics StatisticsFromCatalog(const LogicalType &type, const ColumnStatsInfo *column, idx_t record_count) {
	if (column && column->null_count.IsValid() && record_count > 0 && column->null_count.GetIndex() == record_count) {
		// Every row is NULL (e.g. a NULL partition): no comparison can match.
		auto stats = BaseStatistics::CreateUnknown(type);
		stats.Set(StatsInfo::CANNOT_HAVE_VALID_VALUES);
		return stats;
	}
	if (!column || column->min_value.IsNull() || column->max_value.IsNull() ||
	    IsZonelessTime(type, column->min_value.ToString()) || IsZonelessTime(type, column->max_value.ToString())) {
		return BaseStatistics::CreateUnknown(type);
	}
	// A NaN sorts above every float, and the bounds may not show it: only trust bounds known NaN-free.
	if ((type.id() == LogicalTypeId::FLOAT || type.id() == LogicalTypeId::DOUBLE) &&
	    (column->contains_nan.IsNull() || column->contains_nan.GetValue<bool>())) {
		return BaseStatistics::CreateUnknown(type);
	}
	switch (BaseStatistics::GetStatsType(type)) {
	case StatisticsType::NUMERIC_STATS: {
		Value min, max;
		if (!TryCastValue(column->min_value, type, min) || !TryCastValue(column->max_value, type, max)) {
			return BaseStatistics::CreateUnknown(type);
		}
		if (type.id() == LogicalTypeId::DOUBLE) {
			CoverFloatReading(column->min_value, true, min);
			CoverFloatReading(column->max_value, false, max);
		}
		auto stats = NumericStats::CreateUnknown(type);
		NumericStats::SetMin(stats, min);
		NumericStats::SetMax(stats, max);
		if (column->null_count.IsValid() && column->null_count.GetIndex() == 0) {
			stats.Set(StatsInfo::CANNOT_HAVE_NULL_VALUES);
		}
		return stats;
	}
	case StatisticsType::STRING_STATS: {
		if (type.id() != LogicalTypeId::VARCHAR) {
			return BaseStatistics::CreateUnknown(type);
		}
		auto stats = StringStats::CreateUnknown(type);
		auto min = column->min_value.ToString();
		auto max = column->max_value.ToString();
		StringStats::SetMin(stats, string_t(min));
		StringStats::SetMax(stats, string_t(max));
		if (column->null_count.IsValid() && column->null_count.GetIndex() == 0) {
			stats.Set(StatsInfo::CANNOT_HAVE_NULL_VALUES);
		}
		return stats;
	}
	default:
		return BaseStatistics::CreateUnknown(type);
	}
}

bool ConstantStatistics(const LogicalType &type, const Value &value, unique_ptr<BaseStatistics> &result) {
	if (value.IsNull()) {
		auto stats = BaseStatistics::CreateUnknown(type);
		stats.Set(StatsInfo::CANNOT_HAVE_VALID_VALUES);
		result = stats.ToUnique();
		return true;
	}
	Value typed;
	if (IsZonelessTime(type, value.ToString()) || !TryCastValue(value, type, typed)) {
		return false;
	}
	switch (BaseStatistics::GetStatsType(type)) {
	case StatisticsType::NUMERIC_STATS: {
		auto stats = NumericStats::CreateUnknown(type);
		NumericStats::SetMin(stats, typed);
		NumericStats::SetMax(stats, typed);
		stats.Set(StatsInfo::CANNOT_HAVE_NULL_VALUES);
		result = stats.ToUnique();
		return true;
	}
	case StatisticsType::STRING_STATS: {
		if (type.id() != LogicalTypeId::VARCHAR && type.id() != LogicalTypeId::BLOB) {
			return false;
		}
		// A blob's bytes, not its escaped text.
		auto text = StringValue::Get(typed);
		auto stats = StringStats::CreateUnknown(type);
		StringStats::SetMin(stats, string_t(text));
		StringStats::SetMax(stats, string_t(text));
		stats.Set(StatsInfo::CANNOT_HAVE_NULL_VALUES);
		result = stats.ToUnique();
		return true;
	}
	default:
		return false;
	}
}

vector<PartitionColumnStatistics> BuildPartitionStatistics(const vector<FilePartitionValue> &values,
                                                           const StatsColumnTypes &types) {
	vector<PartitionColumnStatistics> result;
	for (auto &value : values) {
		auto type = types.find(value.column_id);
		auto same_column = [&](const PartitionColumnStatistics &entry) { return entry.column_id == value.column_id; };
		if (type == types.end() || std::any_of(result.begin(), result.end(), same_column)) {
			continue;
		}
		unique_ptr<BaseStatistics> stats;
		if (PartitionValueStatistics(value.column_id, type->second, values, stats)) {
			result.push_back({value.column_id, std::move(*stats)});
		} else {
			result.push_back({value.column_id, BaseStatistics::CreateUnknown(type->second)});
		}
	}
	return result;
}

namespace {

//! What the file's partition values prove about `column`: the statistics built with the file list
//! when they are of the column's current type, else computed into `computed`; null when the values
//! prove nothing. (Casting every file's values on every query cost a sixth of a warm query on a
//! table of 365 partitions.)
const BaseStatistics *FilePartitionStatistics(const LakeColumnInfo &column, const FileStatsView &file,
                                              unique_ptr<BaseStatistics> &computed) {
	if (file.partition_stats) {
		bool other_type = false;
		for (auto &entry : *file.partition_stats) {
			if (entry.column_id != column.column_id) {
				continue;
			}
			if (entry.stats.GetType() == column.type) {
				return &entry.stats;
			}
			other_type = true;
		}
		if (!other_type) {
			return nullptr; // the file has no partition value of this column
		}
	}
	if (PartitionValueStatistics(column.column_id, column.type, file.partition_values, computed)) {
		return computed.get();
	}
	return nullptr;
}

//! The position of a column's entry in the file's statistics, or -1.
int64_t FindColumnStats(const FileStatsView &file, idx_t column_id) {
	for (idx_t i = 0; i < file.column_stats.size(); i++) {
		if (file.column_stats[i].column_id == column_id) {
			return int64_t(i);
		}
	}
	return -1;
}

//! The file's prebuilt typed statistics of a column, when built for the column's current type.
const BaseStatistics *TypedColumnStatistics(const LakeColumnInfo &column, const FileStatsView &file, int64_t index) {
	if (index < 0 || !file.typed_stats || idx_t(index) >= file.typed_stats->size()) {
		return nullptr;
	}
	auto &typed = (*file.typed_stats)[idx_t(index)];
	return typed.GetType() == column.type ? &typed : nullptr;
}

//! A column's statistics in one file; a struct's are its fields' (so filters on s.a prune too).
BaseStatistics FileColumnStatistics(const LakeColumnInfo &column, const FileStatsView &file) {
	if (column.type.id() == LogicalTypeId::STRUCT && column.children.size() == StructType::GetChildCount(column.type)) {
		auto stats = StructStats::CreateUnknown(column.type);
		for (idx_t i = 0; i < column.children.size(); i++) {
			StructStats::SetChildStats(stats, i, FileColumnStatistics(column.children[i], file));
		}
		return stats;
	}
	auto index = FindColumnStats(file, column.column_id);
	auto typed = TypedColumnStatistics(column, file, index);
	if (typed) {
		return typed->Copy();
	}
	const ColumnStatsInfo *column_stats = index < 0 ? nullptr : &file.column_stats[idx_t(index)];
	if (!column_stats && column.children.empty() && file.begin_snapshot.IsValid() &&
	    column.created_snapshot.IsValid() && file.begin_snapshot.GetIndex() < column.created_snapshot.GetIndex()) {
		// The file was committed before the column was added: every row reads its initial default.
		unique_ptr<BaseStatistics> constant;
		if (ConstantStatistics(column.type, column.initial_default, constant)) {
			return constant->Copy();
		}
	}
	return StatisticsFromCatalog(column.type, column_stats, file.record_count);
}

FilterPropagateResult CheckFileColumn(const TableFilter &filter, const LakeColumnInfo &column,
                                      const FileStatsView &file) {
	if (column.children.empty()) {
		// The common case checks the shared prebuilt statistics in place, without a copy (checking
		// only reads them).
		auto typed = TypedColumnStatistics(column, file, FindColumnStats(file, column.column_id));
		if (typed) {
			return filter.CheckStatistics(const_cast<BaseStatistics &>(*typed));
		}
	}
	auto stats = FileColumnStatistics(column, file);
	return filter.CheckStatistics(stats);
}

} // namespace

const LakeColumnInfo *FilteredColumn(const vector<LakeColumnInfo> &columns, const vector<column_t> &column_ids,
                                     idx_t filter_index) {
	if (filter_index >= column_ids.size()) {
		return nullptr;
	}
	auto column_index = column_ids[filter_index];
	if (IsVirtualColumn(column_index) || column_index >= columns.size()) {
		return nullptr;
	}
	return &columns[column_index];
}

bool FileCanBeSkipped(DuckLakeTableEntry &table, const FileStatsView &file, const vector<column_t> &column_ids,
                      TableFilterSet &filters, bool *by_partition) {
	auto &columns = table.GetTableInfo().columns;
	for (auto &entry : filters.filters) {
		auto column = FilteredColumn(columns, column_ids, entry.first);
		if (!column) {
			continue;
		}
		// The partition values bound every row of the file, whatever its statistics say.
		unique_ptr<BaseStatistics> computed;
		auto partition_stats = file.partition_values.empty() ? nullptr : FilePartitionStatistics(*column, file, computed);
		if ((partition_stats && entry.second->CheckStatistics(const_cast<BaseStatistics &>(*partition_stats)) ==
		                            FilterPropagateResult::FILTER_ALWAYS_FALSE) ||
		    (!file.partition_values.empty() && BucketRulesOut(*entry.second, *column, file.partition_values))) {
			if (by_partition) {
				*by_partition = true;
			}
			return true;
		}
		if (CheckFileColumn(*entry.second, *column, file) == FilterPropagateResult::FILTER_ALWAYS_FALSE) {
			return true;
		}
	}
	return false;
}

bool FileCanBeSkipped(DuckLakeTableEntry &table, const LakeScanFile &file, const vector<column_t> &column_ids,
                      TableFilterSet &filters, bool *by_partition) {
	FileStatsView view {file.column_stats, nullptr, file.partition_values, file.begin_snapshot, file.record_count};
	return FileCanBeSkipped(table, view, column_ids, filters, by_partition);
}

} // namespace duckdb
