#include "mallard/scan/ducklake_scan.hpp"

#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/scan/delete_filter.hpp"
#include "mallard/scan/file_pruning.hpp"
#include "mallard/scan/inlined_data_reader.hpp"

#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/common/multi_file/multi_file_data.hpp"
#include "duckdb/common/multi_file/multi_file_list.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/common/multi_file/multi_file_states.hpp"
#include "duckdb/common/multi_file/multi_file_function.hpp"
#include "duckdb/function/partition_stats.hpp"
#include "duckdb/function/scalar/operators.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/expression/bound_function_expression.hpp"
#include "duckdb/planner/expression/bound_reference_expression.hpp"
#include "duckdb/planner/table_filter.hpp"

namespace duckdb {

namespace {

//! What every copy of the reader and file list of one scan shares.
struct LakeScanInfo : public TableFunctionInfo {
	LakeScanInfo(DuckLakeTableEntry &table, vector<LakeScanFile> files_p) : table(table), files(std::move(files_p)) {
		for (idx_t i = 0; i < files.size(); i++) {
			file_index[files[i].path] = i;
		}
	}

	DuckLakeTableEntry &table;
	vector<LakeScanFile> files;
	unordered_map<string, idx_t> file_index;
};

//! The files of one scan, after pruning: indexes into LakeScanInfo::files.
class LakeFileList : public MultiFileList {
public:
	LakeFileList(shared_ptr<LakeScanInfo> info_p, vector<idx_t> selected_p, idx_t pruned_by_partition = 0)
	    : MultiFileList(ToOpenFiles(*info_p, selected_p), FileGlobOptions::ALLOW_EMPTY), info(std::move(info_p)),
	      selected(std::move(selected_p)), pruned_by_partition(pruned_by_partition) {
	}

	static vector<OpenFileInfo> ToOpenFiles(const LakeScanInfo &info, const vector<idx_t> &selected) {
		vector<OpenFileInfo> result;
		for (auto idx : selected) {
			result.emplace_back(info.files[idx].path);
		}
		return result;
	}

	vector<OpenFileInfo> GetAllFiles() override {
		return ToOpenFiles(*info, selected);
	}
	FileExpandResult GetExpandResult() override {
		if (selected.empty()) {
			return FileExpandResult::NO_FILES;
		}
		return selected.size() == 1 ? FileExpandResult::SINGLE_FILE : FileExpandResult::MULTIPLE_FILES;
	}
	idx_t GetTotalFileCount() override {
		return selected.size();
	}
	unique_ptr<NodeStatistics> GetCardinality(ClientContext &context) override {
		idx_t rows = 0;
		for (auto idx : selected) {
			rows += info->files[idx].record_count - info->files[idx].delete_count;
		}
		return make_uniq<NodeStatistics>(rows, rows);
	}
	unique_ptr<MultiFileList> Copy() override {
		return make_uniq<LakeFileList>(info, selected, pruned_by_partition);
	}
	//! Files skipped because their partition values exclude the filter.
	idx_t GetPrunedByPartition() const {
		return pruned_by_partition;
	}
	//! Every file of the table visible to the scan, before pruning.
	idx_t GetTableFileCount() const {
		return info->files.size();
	}

	//! Skips files whose catalog min/max statistics prove that no row passes the filters: a pruned
	//! file is never opened.
	unique_ptr<MultiFileList> DynamicFilterPushdown(ClientContext &context, const MultiFileOptions &options,
	                                                const vector<string> &names, const vector<LogicalType> &types,
	                                                const vector<column_t> &column_ids,
	                                                TableFilterSet &filters) const override {
		vector<idx_t> kept;
		idx_t by_partition_count = pruned_by_partition;
		for (auto idx : selected) {
			bool by_partition = false;
			if (!FileCanBeSkipped(info->table, info->files[idx], column_ids, filters, &by_partition)) {
				kept.push_back(idx);
			} else if (by_partition) {
				by_partition_count++;
			}
		}
		if (kept.size() == selected.size()) {
			return nullptr;
		}
		return make_uniq<LakeFileList>(info, std::move(kept), by_partition_count);
	}

protected:
	OpenFileInfo GetFile(idx_t i) override {
		if (i >= selected.size()) {
			return OpenFileInfo("");
		}
		return OpenFileInfo(info->files[selected[i]].path);
	}

private:
	shared_ptr<LakeScanInfo> info;
	vector<idx_t> selected;
	idx_t pruned_by_partition;
};

MultiFileColumnDefinition ColumnDefinition(const LakeColumnInfo &column) {
	MultiFileColumnDefinition result(column.name, column.type);
	result.identifier = Value::INTEGER(NumericCast<int32_t>(column.column_id));
	// Rows written before the column existed read as its initial default (spec: schema evolution).
	auto fill = column.initial_default.IsNull() ? Value(column.type) : column.initial_default;
	result.default_expression = make_uniq<ConstantExpression>(std::move(fill));
	for (auto &child : column.children) {
		result.children.push_back(ColumnDefinition(child));
	}
	return result;
}

class LakeMultiFileReader : public MultiFileReader {
public:
	explicit LakeMultiFileReader(shared_ptr<LakeScanInfo> info_p) : info(std::move(info_p)) {
	}

	static unique_ptr<MultiFileReader> Create(const TableFunction &function) {
		auto info = shared_ptr_cast<TableFunctionInfo, LakeScanInfo>(function.function_info);
		return make_uniq<LakeMultiFileReader>(std::move(info));
	}

	DuckLakeTableEntry &GetTable() {
		return info->table;
	}
	const LakeScanInfo &GetScanInfo() const {
		return *info;
	}

	shared_ptr<MultiFileList> CreateFileList(ClientContext &context, const vector<string> &paths,
	                                         const FileGlobInput &glob_input) override {
		vector<idx_t> all;
		for (idx_t i = 0; i < info->files.size(); i++) {
			all.push_back(i);
		}
		return make_shared_ptr<LakeFileList>(info, std::move(all));
	}

	//! The schema comes from the catalog, not from the files: columns map by field id.
	bool Bind(MultiFileOptions &options, MultiFileList &files, vector<LogicalType> &return_types,
	          vector<string> &names, MultiFileReaderBindData &bind_data) override {
		auto &columns = info->table.GetTableInfo().columns;
		bind_data.schema.clear();
		names.clear();
		return_types.clear();
		for (auto &column : columns) {
			bind_data.schema.push_back(ColumnDefinition(column));
			names.push_back(column.name);
			return_types.push_back(column.type);
		}
		bind_data.mapping = MultiFileColumnMappingMode::BY_FIELD_ID;
		return true;
	}

	void BindOptions(MultiFileOptions &options, MultiFileList &files, vector<LogicalType> &return_types,
	                 vector<string> &names, MultiFileReaderBindData &bind_data) override {
		// No hive partitions or filename columns: a lake table's columns are exactly its catalog columns.
	}

	//! rowid = the file's row_id_start + the row's position in the file (spec: row ids).
	unique_ptr<Expression> GetVirtualColumnExpression(ClientContext &context, MultiFileReaderData &reader_data,
	                                                  const vector<MultiFileColumnDefinition> &local_columns,
	                                                  idx_t &column_id, const LogicalType &type,
	                                                  MultiFileLocalIndex local_index,
	                                                  optional_ptr<MultiFileColumnDefinition> &global_reference) override {
		if (column_id != COLUMN_IDENTIFIER_ROW_ID) {
			return MultiFileReader::GetVirtualColumnExpression(context, reader_data, local_columns, column_id, type,
			                                                   local_index, global_reference);
		}
		auto entry = info->file_index.find(reader_data.reader->GetFileName());
		if (entry == info->file_index.end()) {
			throw InternalException("Lake scan opened a file it does not know: %s", reader_data.reader->GetFileName());
		}
		for (auto &local : local_columns) {
			if (!local.identifier.IsNull() && local.identifier.type().id() == LogicalTypeId::INTEGER &&
			    local.identifier.GetValue<int32_t>() == MultiFileReader::ROW_ID_FIELD_ID) {
				// Rows rewritten by an UPDATE keep their row ids in the file (spec: row ids).
				global_reference = &row_id_column;
				return make_uniq<BoundReferenceExpression>(type, local_index.GetIndex());
			}
		}
		column_id = COLUMN_IDENTIFIER_FILE_ROW_NUMBER;
		auto row_number = make_uniq<BoundReferenceExpression>(LogicalType::BIGINT, local_index.GetIndex());
		auto start = info->files[entry->second].row_id_start;
		if (start == 0) {
			return std::move(row_number);
		}
		vector<unique_ptr<Expression>> children;
		children.push_back(std::move(row_number));
		children.push_back(make_uniq<BoundConstantExpression>(Value::BIGINT(NumericCast<int64_t>(start))));
		auto add = AddFunction::GetFunction(LogicalType::BIGINT, LogicalType::BIGINT);
		return make_uniq<BoundFunctionExpression>(LogicalType::BIGINT, std::move(add), std::move(children), nullptr);
	}

	//! A missing or damaged data file fails the query naming the file and the table; other tables
	//! are unaffected.
	shared_ptr<BaseFileReader> CreateReader(ClientContext &context, GlobalTableFunctionState &gstate,
	                                        const OpenFileInfo &file, idx_t file_idx,
	                                        const MultiFileBindData &bind_data) override {
		auto inlined = info->file_index.find(file.path);
		if (inlined != info->file_index.end() && info->files[inlined->second].inlined) {
			// Inlined rows (inlined_data_reader.hpp): the columns they hold, by column id, and their row ids.
			auto &scan_file = info->files[inlined->second];
			vector<MultiFileColumnDefinition> columns;
			for (auto &column : info->table.GetTableInfo().columns) {
				auto &ids = scan_file.inlined->column_ids;
				if (std::find(ids.begin(), ids.end(), column.column_id) != ids.end()) {
					columns.push_back(ColumnDefinition(column));
				}
			}
			columns.push_back(RowIdColumn());
			return CreateInlinedDataReader(file, scan_file, std::move(columns));
		}
		try {
			auto reader = MultiFileReader::CreateReader(context, gstate, file, file_idx, bind_data);
			auto entry = info->file_index.find(file.path);
			if (entry != info->file_index.end()) {
				auto &scan_file = info->files[entry->second];
				shared_ptr<const DeletePositions> committed;
				if (!scan_file.delete_file_path.empty()) {
					committed = DeleteFiles::Read(*context.db, scan_file.delete_file_path);
				}
				if (committed || scan_file.local_deletes) {
					reader->deletion_filter = make_uniq<LakeDeleteFilter>(committed, scan_file.local_deletes);
				}
			}
			return reader;
		} catch (std::exception &ex) {
			ErrorData error(ex);
			throw IOException("Cannot read data file \"%s\" of lake table \"%s\": %s", file.path, info->table.name,
			                  error.RawMessage());
		}
	}

	unique_ptr<MultiFileReader> Copy() const override {
		return make_uniq<LakeMultiFileReader>(info);
	}

private:
	shared_ptr<LakeScanInfo> info;
	//! The column of explicit row ids, mapped by its field id when a file has it.
	MultiFileColumnDefinition row_id_column {RowIdColumn()};

	static MultiFileColumnDefinition RowIdColumn() {
		MultiFileColumnDefinition result("_ducklake_internal_row_id", LogicalType::BIGINT);
		result.identifier = Value::INTEGER(MultiFileReader::ROW_ID_FIELD_ID);
		result.default_expression = make_uniq<ConstantExpression>(Value(LogicalType::BIGINT));
		return result;
	}
};

InsertionOrderPreservingMap<string> LakeScanDynamicToString(TableFunctionDynamicToStringInput &input) {
	InsertionOrderPreservingMap<string> result;
	auto &gstate = input.global_state->Cast<MultiFileGlobalState>();
	auto &files = gstate.file_list.Cast<LakeFileList>();
	auto pruned = files.GetTableFileCount() - files.GetTotalFileCount();
	if (files.GetPrunedByPartition() > 0) {
		result["Data Files"] = StringUtil::Format(
		    "%llu of %llu read (%llu pruned: %llu by partition values, %llu by column statistics)",
		    files.GetTotalFileCount(), files.GetTableFileCount(), pruned, files.GetPrunedByPartition(),
		    pruned - files.GetPrunedByPartition());
	} else {
		result["Data Files"] = StringUtil::Format("%llu of %llu read (%llu pruned by column statistics)",
		                                          files.GetTotalFileCount(), files.GetTableFileCount(), pruned);
	}
	return result;
}

//! Exact row counts per data file from the catalog, so count(*) without filters is answered
//! from metadata without opening a file.
vector<PartitionStatistics> LakeScanPartitionStats(ClientContext &context, GetPartitionStatsInput &input) {
	vector<PartitionStatistics> result;
	auto &multi_file_data = input.bind_data->Cast<MultiFileBindData>();
	auto &reader = multi_file_data.multi_file_reader->Cast<LakeMultiFileReader>();
	for (auto &file : reader.GetScanInfo().files) {
		PartitionStatistics stats;
		stats.row_start = file.row_id_start;
		stats.count = file.record_count - file.delete_count;
		stats.count_type = CountType::COUNT_EXACT;
		result.push_back(stats);
	}
	return result;
}

BindInfo LakeScanBindInfo(const optional_ptr<FunctionData> bind_data) {
	auto &multi_file_data = bind_data->Cast<MultiFileBindData>();
	auto &reader = multi_file_data.multi_file_reader->Cast<LakeMultiFileReader>();
	return BindInfo(reader.GetTable());
}

virtual_column_map_t LakeScanVirtualColumns(ClientContext &context, optional_ptr<FunctionData> bind_data) {
	virtual_column_map_t result;
	auto &multi_file_data = bind_data->Cast<MultiFileBindData>();
	MultiFileReader::GetVirtualColumns(context, multi_file_data.reader_bind, result);
	// file_row_number: DELETE and UPDATE address rows by data file and position.
	multi_file_data.interface->GetVirtualColumns(context, multi_file_data, result);
	result.insert(make_pair(COLUMN_IDENTIFIER_ROW_ID, TableColumn("rowid", LogicalType::BIGINT)));
	// The scan's column mapping looks virtual columns up here.
	multi_file_data.virtual_columns = result;
	return result;
}

} // namespace

TableFunction MakeLakeScan(ClientContext &context, DuckLakeTableEntry &table, vector<LakeScanFile> files,
                           unique_ptr<FunctionData> &bind_data) {
	auto &entry = Catalog::GetEntry<TableFunctionCatalogEntry>(context, SYSTEM_CATALOG, DEFAULT_SCHEMA, "parquet_scan");
	auto function = entry.functions.GetFunctionByArguments(context, {LogicalType::VARCHAR});
	function.function_info = make_shared_ptr<LakeScanInfo>(table, std::move(files));
	function.get_multi_file_reader = LakeMultiFileReader::Create;
	function.get_bind_info = LakeScanBindInfo;
	function.get_virtual_columns = LakeScanVirtualColumns;
	function.dynamic_to_string = LakeScanDynamicToString;
	function.get_partition_stats = LakeScanPartitionStats;
	// Late materialization re-scans the table joined on (file_index, file_row_number); file_index is
	// a position in a file list each scan prunes by its own filters, so the two scans could disagree.
	function.late_materialization = false;

	vector<Value> inputs {Value(table.name)};
	named_parameter_map_t named_parameters;
	vector<LogicalType> input_types;
	vector<string> input_names;
	TableFunctionRef ref;
	TableFunctionBindInput input(inputs, named_parameters, input_types, input_names, function.function_info.get(),
	                             nullptr, function, ref);
	vector<LogicalType> return_types;
	vector<string> names;
	bind_data = function.bind(context, input, return_types, names);
	return function;
}

} // namespace duckdb
