#include "mallard/lake/ducklake_insert.hpp"

#include "mallard/catalog/lake_options.hpp"

#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_inline_insert.hpp"
#include "mallard/lake/ducklake_not_null_check.hpp"
#include "mallard/lake/ducklake_partitioning.hpp"
#include "mallard/lake/ducklake_sort.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/lake/lake_file_writers.hpp"
#include "mallard/lake/lake_settings.hpp"
#include "mallard/storage/file_encryption.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/catalog/catalog_entry/copy_function_catalog_entry.hpp"
#include "duckdb/common/file_system.hpp"
#include "duckdb/parser/keyword_helper.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/common/operator/cast_operators.hpp"
#include "duckdb/common/types/decimal.hpp"
#include "duckdb/common/types/hugeint.hpp"
#include "duckdb/common/types/interval.hpp"
#include "duckdb/common/types/value.hpp"
#include "duckdb/common/vector_operations/unary_executor.hpp"
#include "duckdb/execution/operator/order/physical_order.hpp"
#include "duckdb/execution/operator/persistent/physical_copy_to_file.hpp"
#include "duckdb/execution/operator/projection/physical_projection.hpp"
#include "duckdb/execution/physical_plan_generator.hpp"
#include "duckdb/catalog/catalog_search_path.hpp"
#include "duckdb/main/client_config.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/client_data.hpp"
#include "duckdb/parser/parsed_data/copy_info.hpp"
#include "duckdb/planner/expression/bound_cast_expression.hpp"
#include "duckdb/planner/expression/bound_function_expression.hpp"
#include "duckdb/planner/expression/bound_reference_expression.hpp"
#include "duckdb/planner/operator/logical_create_table.hpp"
#include "duckdb/planner/operator/logical_insert.hpp"
#include "duckdb/planner/parsed_data/bound_create_table_info.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/main/materialized_query_result.hpp"

namespace duckdb {

//! The type a column is written to Parquet as. Parquet has no 128-bit integer and DuckDB's writer
//! would store HUGEINT/UHUGEINT as DOUBLE, losing every digit past the 53rd bit (and failing to read
//! the extremes back): they are written as DECIMAL(38,0), exact for every value of up to 38 digits.
//! Readers map the file column back to the catalog type by field id and cast.
LogicalType ParquetStorageType(const LogicalType &type) {
	switch (type.id()) {
	case LogicalTypeId::HUGEINT:
	case LogicalTypeId::UHUGEINT:
		return LogicalType::DECIMAL(Decimal::MAX_WIDTH_INT128, 0);
	case LogicalTypeId::STRUCT: {
		child_list_t<LogicalType> children;
		for (auto &child : StructType::GetChildTypes(type)) {
			children.emplace_back(child.first, ParquetStorageType(child.second));
		}
		return LogicalType::STRUCT(std::move(children));
	}
	case LogicalTypeId::LIST:
		return LogicalType::LIST(ParquetStorageType(ListType::GetChildType(type)));
	case LogicalTypeId::MAP:
		return LogicalType::MAP(ParquetStorageType(MapType::KeyType(type)), ParquetStorageType(MapType::ValueType(type)));
	default:
		return type;
	}
}

namespace {

//! TIMETZ to the UTC time of day it denotes, offset +00. Parquet's TIME(isAdjustedToUTC) holds the
//! UTC time; DuckDB's writer would store the local time and drop the offset, changing the instant.
void NormalizeTimeTZ(DataChunk &args, ExpressionState &state, Vector &result) {
	UnaryExecutor::Execute<dtime_tz_t, dtime_tz_t>(args.data[0], result, args.size(), [](dtime_tz_t input) {
		auto micros = input.time().micros - int64_t(input.offset()) * Interval::MICROS_PER_SEC;
		micros %= Interval::MICROS_PER_DAY;
		if (micros < 0) {
			micros += Interval::MICROS_PER_DAY;
		}
		return dtime_tz_t(dtime_t(micros), 0);
	});
}

//! Parquet's INTERVAL is three unsigned counts: months, days and milliseconds. Refuses what it
//! cannot hold rather than letting the writer fail halfway or drop the microseconds.
void CheckIntervalStorage(DataChunk &args, ExpressionState &state, Vector &result) {
	UnaryExecutor::Execute<interval_t, interval_t>(args.data[0], result, args.size(), [](interval_t input) {
		if (input.months < 0 || input.days < 0 || input.micros < 0 || input.micros % Interval::MICROS_PER_MSEC != 0) {
			throw InvalidInputException("INTERVAL value %s cannot be stored in a DuckLake table: Parquet intervals "
			                            "hold only non-negative months, days and milliseconds",
			                            Interval::ToString(input));
		}
		return input;
	});
}

//! HUGEINT/UHUGEINT to their DECIMAL(38,0) storage, refusing what has more than 38 digits with a
//! message that says why.
template <class T>
void Int128ToStorage(DataChunk &args, ExpressionState &state, Vector &result) {
	static const hugeint_t LIMIT = Hugeint::POWERS_OF_TEN[Decimal::MAX_WIDTH_INT128];
	UnaryExecutor::Execute<T, hugeint_t>(args.data[0], result, args.size(), [](T input) {
		hugeint_t value;
		if (!TryCast::Operation<T, hugeint_t>(input, value) || value >= LIMIT || value <= -LIMIT) {
			throw InvalidInputException("%s value %s is out of range for a DuckLake table: 128-bit integers are "
			                            "stored in Parquet as DECIMAL(38,0), at most 38 digits",
			                            TypeIdToString(GetTypeId<T>()), Value::CreateValue<T>(input).ToString());
		}
		return value;
	});
}

unique_ptr<Expression> CallStorageFunction(const string &name, unique_ptr<Expression> input,
                                           const LogicalType &result_type, scalar_function_t function) {
	ScalarFunction bound(name, {input->return_type}, result_type, std::move(function));
	vector<unique_ptr<Expression>> children;
	children.push_back(std::move(input));
	return make_uniq<BoundFunctionExpression>(result_type, std::move(bound), std::move(children), nullptr);
}

//! The expression that turns input column `index` of `type` into what is written to Parquet, or
//! nullptr when the column is written as it is.
unique_ptr<Expression> StorageExpression(ClientContext &context, idx_t index, const LogicalType &type) {
	auto input = make_uniq<BoundReferenceExpression>(type, index);
	auto storage_type = ParquetStorageType(type);
	switch (type.id()) {
	case LogicalTypeId::TIME_TZ:
		return CallStorageFunction("ducklake_timetz_to_utc", std::move(input), type, NormalizeTimeTZ);
	case LogicalTypeId::INTERVAL:
		return CallStorageFunction("ducklake_check_interval", std::move(input), type, CheckIntervalStorage);
	case LogicalTypeId::HUGEINT:
		return CallStorageFunction("ducklake_int128_to_decimal", std::move(input), storage_type,
		                           Int128ToStorage<hugeint_t>);
	case LogicalTypeId::UHUGEINT:
		return CallStorageFunction("ducklake_int128_to_decimal", std::move(input), storage_type,
		                           Int128ToStorage<uhugeint_t>);
	default:
		break;
	}
	if (storage_type == type) {
		return nullptr;
	}
	// Nested types holding 128-bit integers: the plain cast (its error names the value and type).
	return BoundCastExpression::AddCastToType(context, std::move(input), storage_type);
}

} // namespace

//! FIELD_IDS for the Parquet writer: {col: id} or {col: {__duckdb_field_id: id, child: ...}}.
Value FieldIds(const vector<LakeColumnInfo> &columns) {
	child_list_t<Value> fields;
	for (auto &column : columns) {
		if (column.children.empty()) {
			fields.emplace_back(column.name, Value::INTEGER(NumericCast<int32_t>(column.column_id)));
			continue;
		}
		child_list_t<Value> nested;
		nested.emplace_back("__duckdb_field_id", Value::INTEGER(NumericCast<int32_t>(column.column_id)));
		auto child_ids = FieldIds(column.children);
		auto &children = StructValue::GetChildren(child_ids);
		auto &child_types = StructType::GetChildTypes(child_ids.type());
		for (idx_t i = 0; i < children.size(); i++) {
			nested.emplace_back(child_types[i].first, children[i]);
		}
		fields.emplace_back(column.name, Value::STRUCT(std::move(nested)));
	}
	return Value::STRUCT(std::move(fields));
}

Value FieldIdsWithInternal(const vector<LakeColumnInfo> &columns, bool row_ids, bool snapshots) {
	auto field_ids = FieldIds(columns);
	auto &fields = StructValue::GetChildren(field_ids);
	auto &field_types = StructType::GetChildTypes(field_ids.type());
	child_list_t<Value> result;
	for (idx_t i = 0; i < fields.size(); i++) {
		result.emplace_back(field_types[i].first, fields[i]);
	}
	if (row_ids) {
		result.emplace_back("_ducklake_internal_row_id", Value::INTEGER(MultiFileReader::ROW_ID_FIELD_ID));
	}
	if (snapshots) {
		result.emplace_back("_ducklake_internal_snapshot_id",
		                    Value::INTEGER(MultiFileReader::LAST_UPDATED_SEQUENCE_NUMBER_ID));
	}
	return Value::STRUCT(std::move(result));
}

string StorageSelectList(const vector<LakeColumnInfo> &columns, const string &read_prefix) {
	string result;
	for (idx_t i = 0; i < columns.size(); i++) {
		auto &column = columns[i];
		auto storage = ParquetStorageType(column.type);
		auto read = read_prefix + std::to_string(i);
		result += (storage == column.type ? read : "CAST(" + read + " AS " + storage.ToString() + ")") + " AS " +
		          KeywordHelper::WriteQuoted(column.name, '"') + ", ";
	}
	return result;
}

string ParquetCopyOptions(const Value &field_ids, const DataFileWriteOptions &options) {
	string result = "FORMAT parquet, FIELD_IDS " + field_ids.ToSQLString() + ", COMPRESSION '" + options.compression +
	                "', ROW_GROUP_SIZE " + std::to_string(options.row_group_size);
	if (options.compression_level.IsValid() && options.compression == "zstd") {
		result += ", COMPRESSION_LEVEL " + std::to_string(options.compression_level.GetIndex());
	}
	if (options.parquet_version == 2) {
		result += ", PARQUET_VERSION 'V2'";
	}
	return result;
}

namespace {

//! The statistics key the Parquet writer uses for a column path: "a", "s"."x".
string StatsKey(const vector<string> &path) {
	string key;
	for (auto &part : path) {
		if (!key.empty()) {
			key += ".";
		}
		key += "\"" + StringUtil::Replace(part, "\"", "\"\"") + "\"";
	}
	return key;
}

void CollectStatsKeys(const vector<LakeColumnInfo> &columns, vector<string> &path,
                      case_insensitive_map_t<idx_t> &result) {
	for (auto &column : columns) {
		path.push_back(column.name);
		if (column.children.empty()) {
			result[StatsKey(path)] = column.column_id;
		} else if (column.type.id() == LogicalTypeId::STRUCT) {
			CollectStatsKeys(column.children, path, result);
		}
		path.pop_back();
	}
}

optional_idx OptionalCount(const case_insensitive_map_t<Value> &stats, const string &key) {
	auto entry = stats.find(key);
	if (entry == stats.end() || entry->second.IsNull()) {
		return optional_idx();
	}
	return optional_idx(entry->second.GetValue<uint64_t>());
}

//! A written file's column statistics, from the writer's column_statistics map (RETURN_STATS),
//! for the columns `stats_keys` maps (CollectStatsKeys).
vector<ColumnStatsInfo> WrittenFileStats(const case_insensitive_map_t<idx_t> &stats_keys,
                                         const Value &column_statistics, idx_t record_count) {
	vector<ColumnStatsInfo> result;
	for (auto &entry : MapValue::GetChildren(column_statistics)) {
		auto &key_value = StructValue::GetChildren(entry);
		auto column = stats_keys.find(key_value[0].ToString());
		if (column == stats_keys.end()) {
			continue;
		}
		case_insensitive_map_t<Value> stats;
		for (auto &stat : MapValue::GetChildren(key_value[1])) {
			auto &stat_kv = StructValue::GetChildren(stat);
			stats[stat_kv[0].ToString()] = stat_kv[1];
		}
		ColumnStatsInfo column_stats;
		column_stats.column_id = column->second;
		column_stats.column_size_bytes = OptionalCount(stats, "column_size_bytes");
		if (!column_stats.column_size_bytes.IsValid() || column_stats.column_size_bytes.GetIndex() == 0) {
			// The writer kept no statistics for this column (INTERVAL, for one) yet reports a null
			// count of 0: nothing about it is known.
			column_stats.column_size_bytes = optional_idx();
			result.push_back(std::move(column_stats));
			continue;
		}
		column_stats.null_count = OptionalCount(stats, "null_count");
		if (column_stats.null_count.IsValid()) {
			column_stats.value_count = record_count - column_stats.null_count.GetIndex();
		}
		auto min = stats.find("min");
		auto max = stats.find("max");
		if (min != stats.end() && max != stats.end() && !min->second.IsNull() && !max->second.IsNull()) {
			column_stats.SetBounds(min->second.ToString(), max->second.ToString());
		}
		auto nan = stats.find("has_nan");
		if (nan != stats.end() && !nan->second.IsNull()) {
			column_stats.contains_nan = nan->second.DefaultCastAs(LogicalType::BOOLEAN);
		}
		result.push_back(std::move(column_stats));
	}
	return result;
}

} // namespace

void RecordPartitionValue(const LakePartitionField &field, const Value &value, DataFileInfo &file) {
	FilePartitionValue partition_value;
	partition_value.partition_key_index = field.partition_key_index;
	partition_value.column_id = field.column_id;
	partition_value.transform = field.transform;
	partition_value.is_null = value.IsNull();
	if (!value.IsNull()) {
		partition_value.value = value.ToString();
	}
	file.partition_values.push_back(std::move(partition_value));
}

void RecordPartitionValues(const LakeTableInfo &table, const vector<Value> &values, DataFileInfo &file) {
	file.partition_id = table.partition_id;
	for (idx_t i = 0; i < values.size() && i < table.partition_fields.size(); i++) {
		RecordPartitionValue(table.partition_fields[i], values[i], file);
	}
}

namespace {

//! The partition values of a written file, from the writer's partition_keys map (in key order).
void RecordWrittenPartitionValues(const LakeTableInfo &table, const Value &partition_keys, DataFileInfo &file) {
	if (!table.partition_id.IsValid() || partition_keys.IsNull()) {
		return;
	}
	vector<Value> values;
	for (auto &entry : MapValue::GetChildren(partition_keys)) {
		values.push_back(StructValue::GetChildren(entry)[1]);
	}
	RecordPartitionValues(table, values, file);
}

DataFileWriteOptions ReadDataFileWriteOptions(ClientContext &context, DuckLakeTableEntry &table) {
	auto &info = table.GetTableInfo();
	optional_idx schema_id, table_id;
	if (!DuckLakeTransaction::IsLocalId(info.schema_id)) {
		schema_id = info.schema_id;
	}
	if (!DuckLakeTransaction::IsLocalId(info.table_id)) {
		table_id = info.table_id;
	}
	auto &catalog = table.GetLakeCatalog();
	auto &pending = DuckLakeTransaction::Get(context, catalog).GetPendingOptions();
	auto options = catalog.WithMetadata([&](MetadataConnection &conn) {
		return catalog.GetWriteCache().ReadOptions(conn, schema_id, table_id, pending);
	});
	return DataFileWriteOptions::FromOptions(options);
}

struct InsertGlobalState : public GlobalSinkState {
	vector<DataFileInfo> files;
	idx_t row_count = 0;
};

} // namespace

void FollowSession(ClientContext &context, Connection &connection) {
	// The session's schemas: a sort key's macro calling another by its bare name binds as in the
	// session's own inserts.
	vector<CatalogSearchEntry> search_path;
	for (auto &entry : ClientData::Get(context).catalog_search_path->GetSetPaths()) {
		if (!entry.catalog.empty() && !entry.schema.empty()) {
			search_path.push_back(entry);
		}
	}
	if (!search_path.empty()) {
		ClientData::Get(*connection.context)
		    .catalog_search_path->Set(std::move(search_path), CatalogSetPathType::SET_DIRECTLY);
	}
	// The session's TimeZone and Calendar (ICU's settings): a DATE or TIMESTAMP read as TIMESTAMPTZ
	// is a time there, as the session reads it.
	auto &session = ClientConfig::GetConfig(context).set_variables;
	auto &copy = ClientConfig::GetConfig(*connection.context).set_variables;
	for (auto name : {"TimeZone", "Calendar"}) {
		auto entry = session.find(name);
		if (entry != session.end()) {
			copy[name] = entry->second;
		}
	}
}

DataFileInfo CopyToDataFile(ClientContext &context, const string &query, const string &copy_options,
                            const string &encryption_key, const string &folder, const string &file_name,
                            idx_t expected_rows, const string &action, const string &table_name,
                            const vector<LakeColumnInfo> &columns) {
	auto path = folder + file_name;
	auto &fs = FileSystem::GetFileSystem(context);
	// The file's folder: the table's (maybe not made yet), or a partition's below it.
	LakePaths::CreateFolder(fs, path.substr(0, path.rfind('/') + 1));
	auto sql = "COPY (" + query + ") TO " + MetadataConnection::Literal(path) + " (" + copy_options +
	           FileEncryption::CopyOption(encryption_key) + ", RETURN_STATS)";
	// A separate connection: the COPY is a query of its own.
	Connection connection(DatabaseInstance::GetDatabase(context));
	FollowSession(context, connection);
	auto result = connection.Query(sql);
	if (result->HasError()) {
		fs.TryRemoveFile(path);
		result->ThrowError(action + " of table " + table_name + ": ");
	}
	auto written = result->Fetch();
	// One row per file: filename, count, file_size_bytes, footer_size_bytes, column_statistics, ...
	idx_t written_rows = written && written->size() > 0 ? written->GetValue(1, 0).GetValue<uint64_t>() : 0;
	if (written_rows != expected_rows) {
		fs.TryRemoveFile(path);
		throw IOException("%s of table %s: wrote %llu rows where %llu were expected", action, table_name,
		                  written_rows, expected_rows);
	}
	DataFileInfo file;
	file.path = file_name;
	file.path_is_relative = true;
	file.record_count = written_rows;
	file.encryption_key = encryption_key;
	if (written_rows > 0) {
		// As the insert takes them from its writer: no need to open the file again.
		file.file_size_bytes = written->GetValue(2, 0).GetValue<uint64_t>();
		auto footer = written->GetValue(3, 0);
		if (!footer.IsNull()) {
			file.footer_size = footer.GetValue<uint64_t>();
		}
		case_insensitive_map_t<idx_t> stats_keys;
		vector<string> key_path;
		CollectStatsKeys(columns, key_path, stats_keys);
		file.column_stats = WrittenFileStats(stats_keys, written->GetValue(4, 0), written_rows);
	} else {
		auto handle = fs.OpenFile(path, FileFlags::FILE_FLAGS_READ);
		file.file_size_bytes = NumericCast<idx_t>(fs.GetFileSize(*handle));
	}
	return file;
}

DuckLakeInsert::DuckLakeInsert(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, string data_folder_p,
                               idx_t estimated_cardinality)
    : PhysicalOperator(physical_plan, PhysicalOperatorType::EXTENSION, {LogicalType::BIGINT}, estimated_cardinality),
      table(table), data_folder(std::move(data_folder_p)) {
}

DuckLakeInsert::~DuckLakeInsert() {
}

PhysicalOperator &DuckLakeInsert::Plan(ClientContext &context, PhysicalPlanGenerator &planner,
                                       DuckLakeTableEntry &table, PhysicalOperator &child, bool with_row_ids,
                                       bool may_inline, bool may_sort) {
	auto &columns = table.GetTableInfo().columns;
	auto folder = table.GetDataFolder();
	// Before any writer thread needs it.
	LakePaths::CreateFolder(FileSystem::GetFileSystem(context), folder);

	vector<string> names;
	vector<LogicalType> types;
	vector<unique_ptr<Expression>> storage_expressions;
	bool needs_conversion = false;
	for (idx_t i = 0; i < columns.size(); i++) {
		names.push_back(columns[i].name);
		auto expression = StorageExpression(context, i, columns[i].type);
		if (!expression) {
			expression = make_uniq<BoundReferenceExpression>(columns[i].type, i);
		} else {
			needs_conversion = true;
		}
		types.push_back(expression->return_type);
		storage_expressions.push_back(std::move(expression));
	}
	auto field_ids = FieldIds(columns);
	if (with_row_ids) {
		// Rows rewritten by an UPDATE keep their row ids in a column of their own (spec: row ids).
		names.push_back("_ducklake_internal_row_id");
		types.push_back(LogicalType::BIGINT);
		storage_expressions.push_back(make_uniq<BoundReferenceExpression>(LogicalType::BIGINT, columns.size()));
		field_ids = FieldIdsWithInternal(columns, true, false);
	}
	// A partitioned table: the key values are extra columns the writer splits rows by (into Hive
	// folders key=value) and does not write into the files.
	auto partition_keys = PlanPartitionKeys(context, table.GetTableInfo());
	auto copy_names = names;
	auto copy_types = types;
	vector<idx_t> partition_columns;
	for (auto &key : partition_keys) {
		partition_columns.push_back(copy_names.size());
		copy_names.push_back(key.name);
		copy_types.push_back(key.expression->return_type);
		storage_expressions.push_back(std::move(key.expression));
		needs_conversion = true;
	}
	auto &copy_entry =
	    Catalog::GetEntry<CopyFunctionCatalogEntry>(context, SYSTEM_CATALOG, DEFAULT_SCHEMA, "parquet");
	// Files go to the transaction as they are created, so a statement failing half-way leaves none.
	auto function = LakeFileWriters::TrackingCopyFunction(copy_entry.function);
	CopyInfo info;
	info.file_path = folder;
	info.format = "parquet";
	info.is_from = false;
	info.options["field_ids"] = {field_ids};
	// The lake's options for this table (table beats schema beats global, see lake_options.hpp).
	auto write_options = ReadDataFileWriteOptions(context, table);
	info.options["compression"] = {Value(write_options.compression)};
	if (write_options.compression_level.IsValid() && write_options.compression == "zstd") {
		info.options["compression_level"] = {Value::BIGINT(NumericCast<int64_t>(write_options.compression_level.GetIndex()))};
	}
	info.options["row_group_size"] = {Value::UBIGINT(write_options.row_group_size)};
	if (write_options.parquet_version == 2) {
		info.options["parquet_version"] = {Value("V2")};
	}
	// In an encrypted lake, one new key for all files of this insert (file_encryption.hpp).
	auto encryption_key = table.GetLakeCatalog().NewFileKey();
	if (!encryption_key.empty()) {
		info.options["encryption_config"] = {FileEncryption::Config(encryption_key)};
	}
	CopyFunctionBindInput bind_input(info);
	auto bind_data = function.copy_to_bind(context, bind_input, names, types);

	auto &copy = planner.Make<PhysicalCopyToFile>(
	    GetCopyFunctionReturnLogicalTypes(CopyFunctionReturnType::WRITTEN_FILE_STATISTICS), function,
	    std::move(bind_data), child.estimated_cardinality);
	auto &copy_op = copy.Cast<PhysicalCopyToFile>();
	// The constructor leaves these unset: every one is decided here.
	copy_op.file_path = folder.substr(0, folder.size() - 1); // the writer adds the separator
	copy_op.use_tmp_file = false;
	copy_op.filename_pattern.SetFilenamePattern("ducklake-{uuid}");
	copy_op.file_extension = "parquet";
	copy_op.overwrite_mode = CopyOverwriteMode::COPY_OVERWRITE_OR_IGNORE;
	copy_op.parallel = true;
	copy_op.per_thread_output = write_options.per_thread_output;
	copy_op.file_size_bytes = write_options.target_file_size;
	copy_op.rotate = function.rotate_files ? function.rotate_files(*copy_op.bind_data, copy_op.file_size_bytes) : false;
	copy_op.return_type = CopyFunctionReturnType::WRITTEN_FILE_STATISTICS;
	copy_op.partition_output = false;
	copy_op.write_partition_columns = false;
	copy_op.write_empty_file = true;
	copy_op.hive_file_pattern = false;
	copy_op.names = names;
	copy_op.expected_types = types;
	if (!partition_columns.empty()) {
		// DuckDB's partitioned COPY: one file per partition and thread, no rotation.
		copy_op.partition_output = true;
		copy_op.partition_columns = partition_columns;
		// Folders named key=value would show an encrypted lake's partition values to anyone.
		copy_op.hive_file_pattern = encryption_key.empty() && write_options.hive_file_pattern;
		copy_op.per_thread_output = false;
		copy_op.rotate = false;
		copy_op.file_size_bytes = optional_idx();
		copy_op.names = copy_names;
		copy_op.expected_types = copy_types;
		types = copy_types;
	}

	auto *input = &child;
	if (NeedsNotNullCheck(table)) {
		auto &check = planner.Make<DuckLakeNotNullCheck>(table, child.types, child.estimated_cardinality);
		check.children.push_back(child);
		input = &check;
	}
	if (may_sort && write_options.sort_on_insert && HasSortOrder(table.GetTableInfo())) {
		// A sorted table (SET SORTED BY): rows reach the writer in its order, over the table's own
		// column types (before the storage conversions). One writer thread keeps the order across the
		// files it rotates through; a partitioned write keeps it within each thread's files.
		LakeSortScope scope {table.GetLakeCatalog().GetName(), table.ParentSchema().name};
		vector<idx_t> projections;
		for (idx_t i = 0; i < input->types.size(); i++) {
			projections.push_back(i);
		}
		auto &order = planner.Make<PhysicalOrder>(input->types, BindSortOrders(context, scope, table.GetTableInfo()),
		                                         std::move(projections), child.estimated_cardinality);
		order.children.push_back(*input);
		input = &order;
		copy_op.per_thread_output = false;
		copy_op.parallel = copy_op.partition_output;
	}
	if (needs_conversion) {
		auto &projection =
		    planner.Make<PhysicalProjection>(types, std::move(storage_expressions), child.estimated_cardinality);
		projection.children.push_back(*input);
		input = &projection;
	}
	optional_ptr<DuckLakeInlineInsert> inline_insert;
	auto row_limit = write_options.data_inlining_row_limit;
	if (!write_options.data_inlining_row_limit_given) {
		auto setting = LakeSettings::Get(context, LakeSettings::DEFAULT_INLINING_ROW_LIMIT);
		if (!setting.IsNull()) {
			row_limit = setting.GetValue<uint64_t>();
		}
	}
	auto inlining_limit = !may_inline ? 0
	                                  : DuckLakeInlineInsert::InliningLimit(context, table, child.estimated_cardinality,
	                                                                        row_limit, with_row_ids);
	if (inlining_limit > 0) {
		// Small inserts and updates go to the catalog's inlined-data table (spec: data inlining). After
		// the storage conversions, so inlined rows hold exactly what a data file could (and flush can
		// write them).
		auto row_id_column = with_row_ids ? optional_idx(columns.size()) : optional_idx();
		inline_insert = &planner.Make<DuckLakeInlineInsert>(table, input->types, inlining_limit, row_id_column,
		                                                     child.estimated_cardinality)
		                     .Cast<DuckLakeInlineInsert>();
		inline_insert->children.push_back(*input);
		input = inline_insert.get();
		if (!copy_op.partition_output) {
			// A file only when rows reach it: with one file per thread, DuckDB writes an empty file
			// for no rows, which each inlined insert would create and delete again. A small insert
			// gains nothing from parallel writers.
			copy_op.per_thread_output = false;
			copy_op.write_empty_file = false;
		}
	}
	copy.children.push_back(*input);

	auto &insert = planner.Make<DuckLakeInsert>(table, folder, child.estimated_cardinality);
	insert.children.push_back(copy);
	auto &lake_insert = insert.Cast<DuckLakeInsert>();
	lake_insert.inline_insert = inline_insert;
	lake_insert.encryption_key = std::move(encryption_key);
	lake_insert.file_writer = LakeFileWriters::Register(context, *copy_op.bind_data, table.catalog.GetName());
	return insert;
}

unique_ptr<GlobalSinkState> DuckLakeInsert::GetGlobalSinkState(ClientContext &context) const {
	return make_uniq<InsertGlobalState>();
}

SinkResultType DuckLakeInsert::Sink(ExecutionContext &context, DataChunk &chunk, OperatorSinkInput &input) const {
	auto &gstate = input.global_state.Cast<InsertGlobalState>();
	case_insensitive_map_t<idx_t> stats_keys;
	vector<string> path;
	CollectStatsKeys(table.GetTableInfo().columns, path, stats_keys);

	// One row per written file: filename, count, file_size_bytes, footer_size_bytes, column_statistics, ...
	// Each file is already the transaction's, since its creation (LakeFileWriters).
	for (idx_t row = 0; row < chunk.size(); row++) {
		auto filename = chunk.GetValue(0, row).ToString();
		DataFileInfo file;
		file.record_count = chunk.GetValue(1, row).GetValue<uint64_t>();
		if (file.record_count == 0) {
			// An idle writer thread's empty file: not data, not in the catalog.
			FileSystem::GetFileSystem(context.client).TryRemoveFile(filename);
			continue;
		}
		// Stored relative to the table's folder (spec: path_is_relative); the writer joins folder and
		// name with its own separator, so drop any left between them.
		file.path_is_relative = StringUtil::StartsWith(filename, data_folder);
		file.path = file.path_is_relative ? filename.substr(data_folder.size()) : filename;
		while (file.path_is_relative && StringUtil::StartsWith(file.path, "/")) {
			file.path = file.path.substr(1);
		}
		file.file_size_bytes = chunk.GetValue(2, row).GetValue<uint64_t>();
		file.encryption_key = encryption_key;
		auto footer = chunk.GetValue(3, row);
		if (!footer.IsNull()) {
			file.footer_size = footer.GetValue<uint64_t>();
		}
		RecordWrittenPartitionValues(table.GetTableInfo(), chunk.GetValue(5, row), file);
		file.column_stats = WrittenFileStats(stats_keys, chunk.GetValue(4, row), file.record_count);
		gstate.row_count += file.record_count;
		gstate.files.push_back(std::move(file));
	}
	return SinkResultType::NEED_MORE_INPUT;
}

SinkFinalizeType DuckLakeInsert::Finalize(Pipeline &pipeline, Event &event, ClientContext &context,
                                          OperatorSinkFinalizeInput &input) const {
	auto &gstate = input.global_state.Cast<InsertGlobalState>();
	if (inline_insert) {
		// Rows kept for inlining count; earlier inlined rows moved into this insert's files do not.
		gstate.row_count = NumericCast<idx_t>(NumericCast<int64_t>(gstate.row_count) + inline_insert->Finish(context));
	}
	if (!gstate.files.empty()) {
		auto &transaction = DuckLakeTransaction::Get(context, table.catalog);
		transaction.AddDataFiles(table, std::move(gstate.files));
	}
	return SinkFinalizeType::READY;
}

SourceResultType DuckLakeInsert::GetData(ExecutionContext &context, DataChunk &chunk,
                                         OperatorSourceInput &input) const {
	auto &gstate = sink_state->Cast<InsertGlobalState>();
	auto row_count = gstate.row_count;
	chunk.SetCardinality(1);
	chunk.SetValue(0, 0, Value::BIGINT(NumericCast<int64_t>(row_count)));
	return SourceResultType::FINISHED;
}

InsertionOrderPreservingMap<string> DuckLakeInsert::ParamsToString() const {
	InsertionOrderPreservingMap<string> result;
	result["Table"] = table.name;
	return result;
}

//===--------------------------------------------------------------------===//
// Planning entry points of the catalog
//===--------------------------------------------------------------------===//
PhysicalOperator &DuckLakeCatalog::PlanInsert(ClientContext &context, PhysicalPlanGenerator &planner,
                                              LogicalInsert &op, optional_ptr<PhysicalOperator> plan) {
	if (op.return_chunk) {
		throw NotImplementedException("INSERT ... RETURNING is not supported on lake tables");
	}
	if (op.on_conflict_info.action_type != OnConflictAction::THROW) {
		throw BinderException("ON CONFLICT and INSERT OR REPLACE need a primary key or unique constraint, and lake "
		                      "table \"%s\" has none",
		                      op.table.name);
	}
	if (!plan) {
		throw NotImplementedException("INSERT without a source query is not supported on lake tables");
	}
	if (!op.column_index_map.empty()) {
		plan = planner.ResolveDefaultsProjection(op, *plan);
	}
	return DuckLakeInsert::Plan(context, planner, op.table.Cast<DuckLakeTableEntry>(), *plan);
}

PhysicalOperator &DuckLakeCatalog::PlanCreateTableAs(ClientContext &context, PhysicalPlanGenerator &planner,
                                                     LogicalCreateTable &op, PhysicalOperator &plan) {
	auto entry = op.schema.CreateTable(GetCatalogTransaction(context), *op.info);
	if (!entry) {
		throw CatalogException("Table \"%s\" already exists", op.info->Base().table);
	}
	return DuckLakeInsert::Plan(context, planner, entry->Cast<DuckLakeTableEntry>(), plan);
}

} // namespace duckdb
