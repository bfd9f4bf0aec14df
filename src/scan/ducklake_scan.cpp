#include "mallard/scan/ducklake_scan.hpp"

#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/scan/delete_filter.hpp"
#include "mallard/scan/partial_file_rows.hpp"
#include "mallard/scan/file_pruning.hpp"
#include "mallard/scan/inlined_data_reader.hpp"
#include "mallard/scan/name_mapped_columns.hpp"
#include "mallard/scan/scan_file_list.hpp"
#include "mallard/storage/file_encryption.hpp"

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
#include "duckdb/planner/filter/expression_filter.hpp"
#include "duckdb/planner/table_filter.hpp"

namespace duckdb {

namespace {

//! The files of one scan, after pruning: positions in its LakeScanInfo. Before pruning the list is
//! "every file", so that binding and planning never need the file list itself.
class LakeFileList : public MultiFileList {
public:
	LakeFileList(shared_ptr<LakeScanInfo> info_p, vector<idx_t> selected_p, idx_t pruned_by_partition = 0)
	    : MultiFileList(vector<OpenFileInfo>(), FileGlobOptions::ALLOW_EMPTY), info(std::move(info_p)),
	      selected(std::move(selected_p)), pruned_by_partition(pruned_by_partition) {
	}
	//! Every file of the scan.
	explicit LakeFileList(shared_ptr<LakeScanInfo> info_p)
	    : MultiFileList(vector<OpenFileInfo>(), FileGlobOptions::ALLOW_EMPTY), info(std::move(info_p)),
	      all_files(true), pruned_by_partition(0) {
	}

	vector<OpenFileInfo> GetAllFiles() override {
		vector<OpenFileInfo> result;
		for (idx_t i = 0; i < Count(); i++) {
			result.emplace_back(info->Path(At(i)));
		}
		return result;
	}
	FileExpandResult GetExpandResult() override {
		if (all_files && info->IsDeferred()) {
			// Only sizes the scan's threads; not worth reading the list for.
			return FileExpandResult::MULTIPLE_FILES;
		}
		if (Count() == 0) {
			return FileExpandResult::NO_FILES;
		}
		return Count() == 1 ? FileExpandResult::SINGLE_FILE : FileExpandResult::MULTIPLE_FILES;
	}
	idx_t GetTotalFileCount() override {
		return Count();
	}
	unique_ptr<NodeStatistics> GetCardinality(ClientContext &context) override {
		if (all_files && info->IsDeferred()) {
			auto rows = info->GetDeferred().estimated_rows;
			return make_uniq<NodeStatistics>(rows, rows);
		}
		if (all_files) {
			auto rows = info->TotalVisibleRowCount();
			return make_uniq<NodeStatistics>(rows, rows);
		}
		idx_t rows = 0;
		for (idx_t i = 0; i < Count(); i++) {
			rows += info->VisibleRowCount(At(i));
		}
		return make_uniq<NodeStatistics>(rows, rows);
	}
	unique_ptr<MultiFileList> Copy() override {
		if (all_files) {
			return make_uniq<LakeFileList>(info);
		}
		return make_uniq<LakeFileList>(info, selected, pruned_by_partition);
	}
	const shared_ptr<LakeScanInfo> &GetInfo() const {
		return info;
	}
	//! Files skipped because their partition values exclude the filter.
	idx_t GetPrunedByPartition() const {
		return pruned_by_partition;
	}
	//! Every file of the table visible to the scan, before pruning.
	idx_t GetTableFileCount() const {
		return info->TableFileCount();
	}

	//! Skips files whose catalog min/max statistics prove that no row passes the filters: a pruned
	//! file is never opened. A scan whose list is not read yet asks the catalog for the files the
	//! filters may match (catalog_pruning.hpp) instead of reading every file's entry.
	unique_ptr<MultiFileList> DynamicFilterPushdown(ClientContext &context, const MultiFileOptions &options,
	                                                const vector<string> &names, const vector<LogicalType> &types,
	                                                const vector<column_t> &column_ids,
	                                                TableFilterSet &filters) const override {
		if (all_files && info->IsDeferred()) {
			auto narrowed = info->Narrow(column_ids, filters);
			if (narrowed) {
				LakeFileList candidates(std::move(narrowed));
				auto result = candidates.DynamicFilterPushdown(context, options, names, types, column_ids, filters);
				return result ? std::move(result) : candidates.Copy();
			}
		}
		// A big list is first cut down by the integer bounds of its filtered columns, so only the
		// survivors are checked one by one.
		vector<idx_t> survivors;
		bool prefiltered = all_files && info->PreFilter(column_ids, filters, survivors);
		auto count = prefiltered ? survivors.size() : Count();
		vector<idx_t> kept;
		idx_t by_partition_count = pruned_by_partition;
		for (idx_t i = 0; i < count; i++) {
			auto idx = prefiltered ? survivors[i] : At(i);
			bool by_partition = false;
			if (!info->CanBeSkipped(idx, column_ids, filters, &by_partition)) {
				kept.push_back(idx);
			} else if (by_partition) {
				by_partition_count++;
			}
		}
		if (kept.size() == Count()) {
			return nullptr;
		}
		return make_uniq<LakeFileList>(info, std::move(kept), by_partition_count);
	}

protected:
	OpenFileInfo GetFile(idx_t i) override {
		if (i >= Count()) {
			return OpenFileInfo("");
		}
		OpenFileInfo file(info->Path(At(i)));
		FileEncryption::SetReaderKey(file, info->EncryptionKey(At(i)));
		return file;
	}

private:
	shared_ptr<LakeScanInfo> info;
	bool all_files = false;
	vector<idx_t> selected;
	idx_t pruned_by_partition;

	idx_t Count() const {
		return all_files ? info->FileCount() : selected.size();
	}
	idx_t At(idx_t i) const {
		return all_files ? i : selected[i];
	}
};

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
		return make_shared_ptr<LakeFileList>(info);
	}

	//! The schema comes from the catalog, not from the files: columns map by field id.
	bool Bind(MultiFileOptions &options, MultiFileList &files, vector<LogicalType> &return_types,
	          vector<string> &names, MultiFileReaderBindData &bind_data) override {
		BindLakeColumns(info->table.GetTableInfo().columns, return_types, names, bind_data);
		return true;
	}

	void BindOptions(MultiFileOptions &options, MultiFileList &files, vector<LogicalType> &return_types,
	                 vector<string> &names, MultiFileReaderBindData &bind_data) override {
		// No hive partitions or filename columns: a lake table's columns are exactly its catalog columns.
	}

	//! snapshot_id is the file's begin snapshot unless the file keeps one per row (DuckLake's
	//! merged files) or is inlined rows (their reader fills it).
	unique_ptr<Expression> GetConstantVirtualColumn(MultiFileReaderData &reader_data, idx_t column_id,
	                                                const LogicalType &type) override {
		column_id = ResolveInternalName(column_id);
		if (column_id == COLUMN_IDENTIFIER_INTERNAL_FILENAME) {
			// DuckDB fills its own filename column in FinalizeBind; this one is a constant here.
			return make_uniq<BoundConstantExpression>(Value(reader_data.reader->GetFileName()));
		}
		if (column_id != COLUMN_IDENTIFIER_SNAPSHOT_ID) {
			return MultiFileReader::GetConstantVirtualColumn(reader_data, column_id, type);
		}
		auto located = info->Locate(reader_data.reader->GetFileName());
		if (!located.second.IsValid()) {
			throw InternalException("Lake scan opened a file it does not know: %s", reader_data.reader->GetFileName());
		}
		auto local_file = located.first->LocalFile(located.second.GetIndex());
		auto &local_columns = reader_data.reader->GetColumns();
		if ((local_file && local_file->inlined) || FindLocalColumn(local_columns, SNAPSHOT_FIELD_ID)) {
			return nullptr;
		}
		auto begin = located.first->BeginSnapshot(located.second.GetIndex());
		auto value = begin.IsValid() ? Value::BIGINT(NumericCast<int64_t>(begin.GetIndex())) : Value(type);
		return make_uniq<BoundConstantExpression>(std::move(value));
	}

	//! rowid = the file's row_id_start + the row's position in the file (spec: row ids).
	unique_ptr<Expression> GetVirtualColumnExpression(ClientContext &context, MultiFileReaderData &reader_data,
	                                                  const vector<MultiFileColumnDefinition> &local_columns,
	                                                  idx_t &column_id, const LogicalType &type,
	                                                  MultiFileLocalIndex local_index,
	                                                  optional_ptr<MultiFileColumnDefinition> &global_reference) override {
		column_id = ResolveInternalName(column_id);
		if (column_id == COLUMN_IDENTIFIER_SNAPSHOT_ID && FindLocalColumn(local_columns, SNAPSHOT_FIELD_ID)) {
			global_reference = &snapshot_id_column;
			return make_uniq<BoundReferenceExpression>(type, local_index.GetIndex());
		}
		if (column_id != COLUMN_IDENTIFIER_ROW_ID) {
			return MultiFileReader::GetVirtualColumnExpression(context, reader_data, local_columns, column_id, type,
			                                                   local_index, global_reference);
		}
		auto located = info->Locate(reader_data.reader->GetFileName());
		auto entry = located.second;
		if (!entry.IsValid()) {
			throw InternalException("Lake scan opened a file it does not know: %s", reader_data.reader->GetFileName());
		}
		if (FindLocalColumn(local_columns, ROW_ID_FIELD_ID)) {
			// Rows rewritten by an UPDATE keep their row ids in the file (spec: row ids).
			global_reference = &row_id_column;
			return make_uniq<BoundReferenceExpression>(type, local_index.GetIndex());
		}
		column_id = COLUMN_IDENTIFIER_FILE_ROW_NUMBER;
		auto row_number = make_uniq<BoundReferenceExpression>(LogicalType::BIGINT, local_index.GetIndex());
		auto start = located.first->RowIdStart(entry.GetIndex());
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
		auto located = info->Locate(file.path);
		auto local_file = located.second.IsValid() ? located.first->LocalFile(located.second.GetIndex()) : nullptr;
		if (local_file && local_file->inlined) {
			// Inlined rows (inlined_data_reader.hpp): the columns they hold, by column id, and their row ids.
			auto &scan_file = *local_file;
			vector<MultiFileColumnDefinition> columns;
			for (auto &column : info->table.GetTableInfo().columns) {
				auto &ids = scan_file.inlined->column_ids;
				if (std::find(ids.begin(), ids.end(), column.column_id) != ids.end()) {
					columns.push_back(LakeColumnDefinition(column));
				}
			}
			columns.push_back(RowIdColumn());
			return CreateInlinedDataReader(file, scan_file, std::move(columns));
		}
		try {
			auto reader = MultiFileReader::CreateReader(context, gstate, file, file_idx, bind_data);
			auto entry = located.second;
			if (entry.IsValid()) {
				auto &delete_file_path = located.first->DeleteFilePath(entry.GetIndex());
				auto local_deletes = located.first->LocalDeletes(entry.GetIndex());
				shared_ptr<const DeletePositions> committed;
				if (!delete_file_path.empty()) {
					committed =
					    DeleteFiles::Read(*context.db, delete_file_path, located.first->DeleteFileKey(entry.GetIndex()),
					                      located.first->CommittedSnapshotId());
				}
				auto add = [&](shared_ptr<const DeletePositions> hidden) {
					committed = committed
					                ? make_shared_ptr<const DeletePositions>(DeleteFiles::Union(*committed, *hidden))
					                : std::move(hidden);
				};
				auto inlined = located.first->InlinedDeletes(entry.GetIndex());
				if (inlined) {
					add(std::move(inlined));
				}
				if (located.first->HasRowsAfterSnapshot(entry.GetIndex())) {
					// Rows not yet inserted at the snapshot are hidden like deleted ones.
					add(PartialFileRows::InsertedAfter(*context.db, file.path,
					                                   located.first->EncryptionKey(entry.GetIndex()),
					                                   located.first->CommittedSnapshotId()));
				}
				if (committed || local_deletes) {
					reader->deletion_filter = make_uniq<LakeDeleteFilter>(committed, local_deletes);
				}
			}
			return reader;
		} catch (std::exception &ex) {
			ErrorData error(ex);
			throw IOException("Cannot read data file \"%s\" of lake table \"%s\": %s", file.path, info->table.name,
			                  error.RawMessage());
		}
	}

	//! A file registered with a column name mapping has no field ids: its columns match by name.
	ReaderInitializeType CreateMapping(ClientContext &context, MultiFileReaderData &reader_data,
	                                   const vector<MultiFileColumnDefinition> &global_columns,
	                                   const vector<ColumnIndex> &global_column_ids,
	                                   optional_ptr<TableFilterSet> filters, MultiFileList &multi_file_list,
	                                   const MultiFileReaderBindData &bind_data,
	                                   const virtual_column_map_t &virtual_columns) override {
		auto located = info->Locate(reader_data.reader->GetFileName());
		auto mapping = located.second.IsValid() ? located.first->NameMappingOf(located.second.GetIndex()) : nullptr;
		auto exact_filters = FiltersAfterCast(global_columns, global_column_ids, filters);
		return CreateLakeFileMapping(*this, context, reader_data, global_columns, global_column_ids,
		                             exact_filters ? exact_filters.get() : filters.get(), multi_file_list, bind_data,
		                             virtual_columns, mapping);
	}

	//! DuckDB 1.4.4 pushes a filter on a column a file stores as another type into that file's reader
	//! as a filter on the stored type, with the constant cast to it: the DOUBLE constant 0.1 becomes
	//! the FLOAT 0.1, which a stored FLOAT 0.1 matches though its DOUBLE value is 0.10000000149011612,
	//! and the DOUBLE 1.5 becomes the INTEGER 2 for a column promoted from INTEGER. A promoted column
	//! has such files: its filters become expression filters, which DuckDB never casts (the reader
	//! casts the values, then filters). Null when none changes.
	unique_ptr<TableFilterSet> FiltersAfterCast(const vector<MultiFileColumnDefinition> &global_columns,
	                                            const vector<ColumnIndex> &global_column_ids,
	                                            optional_ptr<TableFilterSet> filters) const {
		if (!filters || filters->filters.empty()) {
			return nullptr;
		}
		unordered_set<idx_t> promoted;
		for (auto &column : info->table.GetTableInfo().columns) {
			if (column.promoted) {
				promoted.insert(column.column_id);
			}
		}
		if (promoted.empty()) {
			return nullptr;
		}
		unique_ptr<TableFilterSet> result;
		for (auto &entry : filters->filters) {
			auto global_id = global_column_ids[entry.first].GetPrimaryIndex();
			if (global_id >= global_columns.size() || entry.second->filter_type == TableFilterType::EXPRESSION_FILTER) {
				continue; // a virtual column, or a filter DuckDB evaluates after the cast already
			}
			auto &column = global_columns[global_id];
			if (column.identifier.IsNull() ||
			    promoted.count(NumericCast<idx_t>(column.identifier.GetValue<int32_t>())) == 0) {
				continue;
			}
			if (!result) {
				result = filters->Copy();
			}
			BoundReferenceExpression reference(column.type, 0);
			result->filters[entry.first] = make_uniq<ExpressionFilter>(entry.second->ToExpression(reference));
		}
		return result;
	}

	unique_ptr<MultiFileReader> Copy() const override {
		return make_uniq<LakeMultiFileReader>(info);
	}

private:
	shared_ptr<LakeScanInfo> info;
	static constexpr int32_t SNAPSHOT_FIELD_ID = MultiFileReader::LAST_UPDATED_SEQUENCE_NUMBER_ID;
	//! The columns of explicit row ids and of each row's snapshot, mapped by field id when a file has them.
	MultiFileColumnDefinition row_id_column {RowIdColumn()};
	MultiFileColumnDefinition snapshot_id_column {InternalColumn("_ducklake_internal_snapshot_id", SNAPSHOT_FIELD_ID)};

	static MultiFileColumnDefinition RowIdColumn() {
		return InternalColumn("_ducklake_internal_row_id", ROW_ID_FIELD_ID);
	}
	static MultiFileColumnDefinition InternalColumn(const string &name, int32_t field_id) {
		MultiFileColumnDefinition result(name, LogicalType::BIGINT);
		result.identifier = Value::INTEGER(field_id);
		result.default_expression = make_uniq<ConstantExpression>(Value(LogicalType::BIGINT));
		return result;
	}
	//! The virtual column an internal name stands for.
	static column_t ResolveInternalName(column_t column_id) {
		if (column_id == COLUMN_IDENTIFIER_INTERNAL_ROW_ID) {
			return COLUMN_IDENTIFIER_ROW_ID;
		}
		return column_id == COLUMN_IDENTIFIER_INTERNAL_SNAPSHOT_ID ? COLUMN_IDENTIFIER_SNAPSHOT_ID : column_id;
	}
	static bool FindLocalColumn(const vector<MultiFileColumnDefinition> &local_columns, int32_t field_id) {
		for (auto &local : local_columns) {
			if (!local.identifier.IsNull() && local.identifier.type().id() == LogicalTypeId::INTEGER &&
			    local.identifier.GetValue<int32_t>() == field_id) {
				return true;
			}
		}
		return false;
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
		result["Data Files"] = StringUtil::Format("%llu of %llu read (%llu pruned by column statistics%s)",
		                                          files.GetTotalFileCount(), files.GetTableFileCount(), pruned,
		                                          files.GetInfo()->IsNarrowed() ? ", in the catalog" : "");
	}
	return result;
}

//! Exact row counts per data file from the catalog, so count(*) without filters is answered
//! from metadata without opening a file.
vector<PartitionStatistics> LakeScanPartitionStats(ClientContext &context, GetPartitionStatsInput &input) {
	vector<PartitionStatistics> result;
	auto &multi_file_data = input.bind_data->Cast<MultiFileBindData>();
	auto &reader = multi_file_data.multi_file_reader->Cast<LakeMultiFileReader>();
	auto &info = reader.GetScanInfo();
	for (idx_t i = 0; i < info.FileCount(); i++) {
		PartitionStatistics stats;
		stats.row_start = info.RowIdStart(i);
		stats.count = info.VisibleRowCount(i);
		stats.count_type = info.VisibleRowCountIsExact(i) ? CountType::COUNT_EXACT : CountType::COUNT_APPROXIMATE;
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
	AddLakeVirtualColumns(result);
	// The scan's column mapping looks virtual columns up here.
	multi_file_data.virtual_columns = result;
	return result;
}

} // namespace

void AddLakeVirtualColumns(virtual_column_map_t &result) {
	result.insert(make_pair(COLUMN_IDENTIFIER_ROW_ID, TableColumn("rowid", LogicalType::BIGINT)));
	result.insert(make_pair(MultiFileReader::COLUMN_IDENTIFIER_FILENAME, TableColumn("filename", LogicalType::VARCHAR)));
	result.insert(make_pair(MultiFileReader::COLUMN_IDENTIFIER_FILE_ROW_NUMBER,
	                        TableColumn("file_row_number", LogicalType::BIGINT)));
	result.insert(
	    make_pair(MultiFileReader::COLUMN_IDENTIFIER_FILE_INDEX, TableColumn("file_index", LogicalType::UBIGINT)));
	result.insert(make_pair(COLUMN_IDENTIFIER_SNAPSHOT_ID, TableColumn("snapshot_id", LogicalType::BIGINT)));
	result.insert(
	    make_pair(COLUMN_IDENTIFIER_INTERNAL_ROW_ID, TableColumn("_ducklake_internal_row_id", LogicalType::BIGINT)));
	result.insert(make_pair(COLUMN_IDENTIFIER_INTERNAL_SNAPSHOT_ID,
	                        TableColumn("_ducklake_internal_snapshot_id", LogicalType::BIGINT)));
	result.insert(make_pair(COLUMN_IDENTIFIER_INTERNAL_FILENAME,
	                        TableColumn("_ducklake_internal_filename", LogicalType::VARCHAR)));
}

MultiFileColumnDefinition LakeColumnDefinition(const LakeColumnInfo &column) {
	MultiFileColumnDefinition result(column.name, column.type);
	result.identifier = Value::INTEGER(NumericCast<int32_t>(column.column_id));
	// Rows written before the column existed read as its initial default (spec: schema evolution).
	auto fill = column.initial_default.IsNull() ? Value(column.type) : column.initial_default;
	result.default_expression = make_uniq<ConstantExpression>(std::move(fill));
	for (auto &child : column.children) {
		result.children.push_back(LakeColumnDefinition(child));
	}
	return result;
}

void BindLakeColumns(const vector<LakeColumnInfo> &columns, vector<LogicalType> &return_types, vector<string> &names,
                     MultiFileReaderBindData &bind_data) {
	bind_data.schema.clear();
	names.clear();
	return_types.clear();
	for (auto &column : columns) {
		bind_data.schema.push_back(LakeColumnDefinition(column));
		names.push_back(column.name);
		return_types.push_back(column.type);
	}
	bind_data.mapping = MultiFileColumnMappingMode::BY_FIELD_ID;
}

TableFunction MakeLakeScan(ClientContext &context, DuckLakeTableEntry &table, vector<LakeScanFile> files,
                           unique_ptr<FunctionData> &bind_data) {
	return MakeLakeScan(context, make_shared_ptr<LakeScanInfo>(table, nullptr, std::move(files)), bind_data);
}

TableFunction MakeLakeScan(ClientContext &context, shared_ptr<LakeScanInfo> info, unique_ptr<FunctionData> &bind_data) {
	auto &table = info->table;
	auto &entry = Catalog::GetEntry<TableFunctionCatalogEntry>(context, SYSTEM_CATALOG, DEFAULT_SCHEMA, "parquet_scan");
	auto function = entry.functions.GetFunctionByArguments(context, {LogicalType::VARCHAR});
	function.function_info = std::move(info);
	function.get_multi_file_reader = LakeMultiFileReader::Create;
	function.get_bind_info = LakeScanBindInfo;
	function.get_virtual_columns = LakeScanVirtualColumns;
	function.dynamic_to_string = LakeScanDynamicToString;
	function.get_partition_stats = LakeScanPartitionStats;
	// Late materialization re-scans the table joined on (file_index, file_row_number); file_index is
	// a position in a file list each scan prunes by its own filters, so the two scans could disagree.
	function.late_materialization = false;
	// A copy of a plan goes through serialization (LogicalOperator::Copy, which CTE inlining uses),
	// and the Parquet scan's would come back reading the file paths as globs: the inlined rows'
	// ducklake-inlined:// "files" then fail ("No files found"). Refusing makes DuckDB keep the plan
	// uncopied (a materialized CTE).
	function.serialize = [](Serializer &, const optional_ptr<FunctionData>, const TableFunction &) {
		throw NotImplementedException("A lake table scan cannot be serialized");
	};

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
