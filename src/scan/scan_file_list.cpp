#include "mallard/scan/scan_file_list.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/lake_file_cache.hpp"
#include "mallard/scan/catalog_pruning.hpp"
#include "mallard/scan/file_pruning.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/planner/filter/conjunction_filter.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"
#include "duckdb/storage/statistics/numeric_stats.hpp"

namespace duckdb {

StatsColumnTypes GetStatsColumnTypes(const vector<LakeColumnInfo> &columns) {
	vector<const LakeColumnInfo *> stats_columns;
	CollectStatsColumns(columns, stats_columns);
	StatsColumnTypes result;
	for (auto column : stats_columns) {
		result.emplace(column->column_id, column->type);
	}
	return result;
}

shared_ptr<const LakeFileEntry> LakeFileEntry::Create(DataFileInfo info, const string &folder,
                                                      const StatsColumnTypes &types) {
	auto entry = make_shared_ptr<LakeFileEntry>();
	entry->path = LakePaths::Resolve(folder, info.path, info.path_is_relative);
	if (info.has_delete_file) {
		entry->delete_file_path = LakePaths::Resolve(folder, info.delete_file.path, info.delete_file.path_is_relative);
	}
	// The text bounds are cast here once, not per query (a bound that does not cast stays unknown).
	entry->typed_stats.reserve(info.column_stats.size());
	for (auto &stats : info.column_stats) {
		auto type = types.find(stats.column_id);
		auto &column_type = type == types.end() ? LogicalType::SQLNULL : type->second;
		entry->typed_stats.push_back(StatisticsFromCatalog(column_type, &stats, info.record_count));
	}
	entry->partition_stats = BuildPartitionStatistics(info.partition_values, types);
	entry->info = std::move(info);
	return std::move(entry);
}

ScanFileList::ScanFileList(idx_t table_id, SnapshotInfo snapshot_p, string folder_p, StatsColumnTypes types_p,
                           vector<shared_ptr<const LakeFileEntry>> files_p)
    : table_id(table_id), snapshot(std::move(snapshot_p)), folder(std::move(folder_p)), types(std::move(types_p)),
      files(std::move(files_p)) {
	for (auto &file : files) {
		auto &info = file->info;
		visible_rows += info.record_count - info.DeletedCount();
		has_partition_values = has_partition_values || !info.partition_values.empty();
	}
}

namespace {

//! The value as a 64-bit integer when its type is stored as an integer of up to 64 bits.
bool IntegerBound(const Value &value, int64_t &result) {
	if (value.IsNull()) {
		return false;
	}
	switch (value.type().InternalType()) {
	case PhysicalType::INT8:
		result = value.GetValueUnsafe<int8_t>();
		return true;
	case PhysicalType::INT16:
		result = value.GetValueUnsafe<int16_t>();
		return true;
	case PhysicalType::INT32:
		result = value.GetValueUnsafe<int32_t>();
		return true;
	case PhysicalType::INT64:
		result = value.GetValueUnsafe<int64_t>();
		return true;
	case PhysicalType::UINT8:
		result = value.GetValueUnsafe<uint8_t>();
		return true;
	case PhysicalType::UINT16:
		result = value.GetValueUnsafe<uint16_t>();
		return true;
	case PhysicalType::UINT32:
		result = value.GetValueUnsafe<uint32_t>();
		return true;
	default:
		return false;
	}
}

bool HasIntegerBounds(const LogicalType &type) {
	if (type.id() == LogicalTypeId::ENUM || BaseStatistics::GetStatsType(type) != StatisticsType::NUMERIC_STATS) {
		return false;
	}
	switch (type.InternalType()) {
	case PhysicalType::INT8:
	case PhysicalType::INT16:
	case PhysicalType::INT32:
	case PhysicalType::INT64:
	case PhysicalType::UINT8:
	case PhysicalType::UINT16:
	case PhysicalType::UINT32:
		return true;
	default:
		return false;
	}
}

//! Clears alive[i] for the files whose bounds prove that no value passes the comparison.
void PruneComparison(const ColumnBounds &bounds, ExpressionType comparison, int64_t c, vector<bool> &alive) {
	auto count = bounds.known.size();
	for (idx_t i = 0; i < count; i++) {
		if (!alive[i] || !bounds.known[i]) {
			continue;
		}
		auto min = bounds.min[i];
		auto max = bounds.max[i];
		bool may_match;
		switch (comparison) {
		case ExpressionType::COMPARE_EQUAL:
			may_match = min <= c && c <= max;
			break;
		case ExpressionType::COMPARE_GREATERTHAN:
			may_match = max > c;
			break;
		case ExpressionType::COMPARE_GREATERTHANOREQUALTO:
			may_match = max >= c;
			break;
		case ExpressionType::COMPARE_LESSTHAN:
			may_match = min < c;
			break;
		case ExpressionType::COMPARE_LESSTHANOREQUALTO:
			may_match = min <= c;
			break;
		default:
			may_match = true;
			break;
		}
		alive[i] = may_match;
	}
}

//! Applies a column's filter (comparisons with constants, and ANDs of them); false when no part of
//! it is a comparison the bounds can decide.
bool PruneFilter(const ColumnBounds &bounds, const LogicalType &type, const TableFilter &filter, vector<bool> &alive) {
	switch (filter.filter_type) {
	case TableFilterType::CONSTANT_COMPARISON: {
		auto &comparison = filter.Cast<ConstantFilter>();
		int64_t c;
		if (comparison.constant.type() != type || !IntegerBound(comparison.constant, c)) {
			return false;
		}
		switch (comparison.comparison_type) {
		case ExpressionType::COMPARE_EQUAL:
		case ExpressionType::COMPARE_GREATERTHAN:
		case ExpressionType::COMPARE_GREATERTHANOREQUALTO:
		case ExpressionType::COMPARE_LESSTHAN:
		case ExpressionType::COMPARE_LESSTHANOREQUALTO:
			PruneComparison(bounds, comparison.comparison_type, c, alive);
			return true;
		default:
			return false;
		}
	}
	case TableFilterType::CONJUNCTION_AND: {
		bool used = false;
		for (auto &child : filter.Cast<ConjunctionAndFilter>().child_filters) {
			used = PruneFilter(bounds, type, *child, alive) || used;
		}
		return used;
	}
	default:
		return false;
	}
}

} // namespace

const ColumnBounds *ScanFileList::GetColumnBounds(idx_t column_id, const LogicalType &type) const {
	if (!HasIntegerBounds(type)) {
		return nullptr;
	}
	lock_guard<mutex> guard(bounds_lock);
	auto entry = bounds.find(column_id);
	if (entry != bounds.end()) {
		return entry->second.get();
	}
	auto result = make_uniq<ColumnBounds>();
	result->min.resize(files.size());
	result->max.resize(files.size());
	result->known.resize(files.size(), false);
	for (idx_t i = 0; i < files.size(); i++) {
		auto &file = *files[i];
		for (idx_t k = 0; k < file.info.column_stats.size(); k++) {
			if (file.info.column_stats[k].column_id != column_id) {
				continue;
			}
			auto &stats = file.typed_stats[k];
			if (stats.GetType() == type && NumericStats::HasMinMax(stats) &&
			    IntegerBound(NumericStats::Min(stats), result->min[i]) &&
			    IntegerBound(NumericStats::Max(stats), result->max[i])) {
				result->known[i] = true;
			}
			break;
		}
	}
	auto &stored = bounds[column_id];
	stored = std::move(result);
	return stored.get();
}

optional_idx ScanFileList::FindFile(const string &path) const {
	// Only scans that open files or need row ids ask; planning alone never builds the index.
	std::call_once(index_once, [&]() {
		path_index.reserve(files.size());
		for (idx_t i = 0; i < files.size(); i++) {
			path_index.emplace(files[i]->path, i);
		}
	});
	auto entry = path_index.find(path);
	return entry == path_index.end() ? optional_idx() : optional_idx(entry->second);
}

LakeScanInfo::LakeScanInfo(DuckLakeTableEntry &table, shared_ptr<const ScanFileList> committed_p,
                           vector<LakeScanFile> local_files_p)
    : table(table), ready(true), committed(std::move(committed_p)),
      committed_count(committed ? committed->files.size() : 0), local_files(std::move(local_files_p)) {
	for (idx_t i = 0; i < local_files.size(); i++) {
		local_index[local_files[i].path] = committed_count + i;
	}
}

LakeScanInfo::LakeScanInfo(DuckLakeTableEntry &table, DeferredFileList deferred_p)
    : table(table), ready(false), deferred(std::move(deferred_p)), committed_count(0) {
}

void LakeScanInfo::Load() const {
	lock_guard<mutex> guard(load_lock);
	if (ready.load()) {
		return;
	}
	// Deferred scans have no files of their own transaction (see DuckLakeTableEntry::GetScanFunction).
	committed = table.GetLakeCatalog().GetDataFiles(table, deferred.snapshot);
	committed_count = committed->files.size();
	ready.store(true);
}

shared_ptr<LakeScanInfo> LakeScanInfo::Narrow(const vector<column_t> &column_ids, const TableFilterSet &filters) const {
	if (!IsDeferred()) {
		return nullptr;
	}
	auto &catalog = table.GetLakeCatalog();
	auto condition = CatalogPruning::CandidateFiles(table.GetTableInfo().columns, column_ids, filters);
	if (condition.Empty()) {
		return nullptr;
	}
	// Null when the condition keeps too many files: the scan then reads (and caches) the whole list.
	auto candidates = catalog.GetCandidateFiles(table, deferred.snapshot, condition);
	if (!candidates) {
		return nullptr;
	}
	auto result = make_shared_ptr<LakeScanInfo>(table, std::move(candidates), vector<LakeScanFile>());
	result->deferred = deferred;
	result->narrowed = true;
	lock_guard<mutex> guard(load_lock);
	narrowed_copies.push_back(result);
	return result;
}

pair<const LakeScanInfo *, optional_idx> LakeScanInfo::Locate(const string &path) const {
	if (IsDeferred()) {
		lock_guard<mutex> guard(load_lock);
		for (auto &copy : narrowed_copies) {
			auto index = copy->FindFile(path);
			if (index.IsValid()) {
				return make_pair(copy.get(), index);
			}
		}
	}
	return make_pair(this, FindFile(path));
}

idx_t LakeScanInfo::TableFileCount() const {
	if (!narrowed) {
		return FileCount();
	}
	lock_guard<mutex> guard(load_lock);
	if (!table_file_count.IsValid()) {
		table_file_count = table.GetLakeCatalog().WithMetadata([&](MetadataConnection &conn) {
			return MetadataReader::CountDataFiles(conn, table.GetTableId(), deferred.snapshot.snapshot_id);
		});
	}
	return table_file_count.GetIndex();
}

void LakeScanInfo::AddLocalDeletes(idx_t file_index, shared_ptr<const DeletePositions> positions) {
	committed_local_deletes[file_index] = std::move(positions);
}

bool LakeScanInfo::PreFilter(const vector<column_t> &column_ids, const TableFilterSet &filters,
                             vector<idx_t> &result) const {
	EnsureLoaded();
	// Partition values prune first and are counted apart (EXPLAIN), so partitioned lists skip this.
	if (!committed || committed_count < 64 || committed->HasPartitionValues()) {
		return false;
	}
	auto &columns = table.GetTableInfo().columns;
	vector<bool> alive(committed_count, true);
	bool used = false;
	for (auto &entry : filters.filters) {
		auto column = FilteredColumn(columns, column_ids, entry.first);
		auto bounds = column ? committed->GetColumnBounds(column->column_id, column->type) : nullptr;
		if (bounds) {
			used = PruneFilter(*bounds, column->type, *entry.second, alive) || used;
		}
	}
	if (!used) {
		return false;
	}
	result.clear();
	for (idx_t i = 0; i < committed_count; i++) {
		if (alive[i]) {
			result.push_back(i);
		}
	}
	for (idx_t i = 0; i < local_files.size(); i++) {
		result.push_back(committed_count + i);
	}
	return true;
}

idx_t LakeScanInfo::TotalVisibleRowCount() const {
	EnsureLoaded();
	idx_t rows = committed ? committed->VisibleRowCount() : 0;
	for (auto &local : committed_local_deletes) {
		rows -= MinValue<idx_t>(local.second->size(), rows);
	}
	for (auto &file : local_files) {
		rows += file.record_count - file.delete_count;
	}
	return rows;
}

idx_t LakeScanInfo::VisibleRowCount(idx_t i) const {
	EnsureLoaded();
	if (i >= committed_count) {
		auto &file = local_files[i - committed_count];
		return file.record_count - file.delete_count;
	}
	auto &info = committed->files[i]->info;
	idx_t deleted = info.DeletedCount();
	if (!committed_local_deletes.empty()) {
		auto local = committed_local_deletes.find(i);
		if (local != committed_local_deletes.end()) {
			deleted += local->second->size();
		}
	}
	return info.record_count - MinValue(deleted, info.record_count);
}

shared_ptr<const DeletePositions> LakeScanInfo::LocalDeletes(idx_t i) const {
	EnsureLoaded();
	if (i >= committed_count) {
		return local_files[i - committed_count].local_deletes;
	}
	auto local = committed_local_deletes.find(i);
	return local == committed_local_deletes.end() ? nullptr : local->second;
}

optional_idx LakeScanInfo::FindFile(const string &path) const {
	EnsureLoaded();
	if (!local_index.empty()) {
		auto local = local_index.find(path);
		if (local != local_index.end()) {
			return local->second;
		}
	}
	return committed ? committed->FindFile(path) : optional_idx();
}

bool LakeScanInfo::CanBeSkipped(idx_t i, const vector<column_t> &column_ids, TableFilterSet &filters,
                                bool *by_partition) const {
	EnsureLoaded();
	if (i >= committed_count) {
		return FileCanBeSkipped(table, local_files[i - committed_count], column_ids, filters, by_partition);
	}
	auto &entry = *committed->files[i];
	FileStatsView view {entry.info.column_stats,    &entry.typed_stats,      entry.info.partition_values,
	                    entry.info.begin_snapshot, entry.info.record_count, &entry.partition_stats};
	return FileCanBeSkipped(table, view, column_ids, filters, by_partition);
}

} // namespace duckdb
