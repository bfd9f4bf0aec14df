//===----------------------------------------------------------------------===//
// ducklake_add_data_files('lake', 'table', 'glob' [, schema, allow_missing, ignore_extra_columns,
// hive_partitioning]): registers existing Parquet files in a table without copying them. Such
// files have no field ids, so each gets a column name mapping (catalog/name_mapping.hpp) saying
// which field of the file, by name, holds which column; scans read them through it
// (scan/name_mapped_columns.hpp). The files are checked against the table first (missing and
// extra columns, types that cannot be read as the column's), and their record counts, sizes and
// per-column statistics come from the Parquet footers. They commit with the transaction, like an
// INSERT: one snapshot, row ids from next_row_id.
//===----------------------------------------------------------------------===//
#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/metadata_store.hpp"
#include "mallard/catalog/name_mapping.hpp"
#include "mallard/functions/metadata_function.hpp"
#include "mallard/lake/ducklake_alter.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_insert.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/scan/scan_file_list.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/catalog/catalog_entry/table_catalog_entry.hpp"
#include "duckdb/common/file_system.hpp"
#include "duckdb/common/hive_partitioning.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/main/materialized_query_result.hpp"
#include "duckdb/parser/keyword_helper.hpp"
#include "duckdb/transaction/meta_transaction.hpp"

namespace duckdb {

namespace {

struct AddFilesOptions {
	string schema;
	bool allow_missing = false;
	bool ignore_extra_columns = false;
	bool hive_partitioning = true;
};

bool IsOneOf(LogicalTypeId id, std::initializer_list<LogicalTypeId> ids) {
	for (auto candidate : ids) {
		if (candidate == id) {
			return true;
		}
	}
	return false;
}

//! Whether values stored as `source` read as `target`: the same type, one of the widenings DuckLake
//! allows for a column (spec: schema evolution, type promotion; the rule ALTER uses), a narrower form
//! of the same kind (HUGEINT, decimals), or a timestamp of another unit (as DuckLake accepts them).
bool CanReadAs(const LogicalType &source, const LogicalType &target) {
	using T = LogicalTypeId;
	auto s = source.id();
	// Timestamps without zone of any unit read as each other, as in DuckLake: DuckDB's Parquet reader
	// gives a file's milli- and second timestamps as TIMESTAMP, so a TIMESTAMP_MS column's own file
	// reads as TIMESTAMP. A TIMESTAMPTZ is an instant, not one of them.
	bool timestamp_target = IsOneOf(target.id(), {T::TIMESTAMP_SEC, T::TIMESTAMP_MS, T::TIMESTAMP, T::TIMESTAMP_NS});
	if (timestamp_target && s == T::TIMESTAMP_TZ) {
		return false;
	}
	if (IsAllowedTypePromotion(source, target)) {
		return true;
	}
	if (timestamp_target) {
		// DuckDB casts nanoseconds to microseconds only.
		return IsOneOf(s, {T::TIMESTAMP_SEC, T::TIMESTAMP_MS, T::TIMESTAMP}) ||
		       (s == T::TIMESTAMP_NS && IsOneOf(target.id(), {T::TIMESTAMP, T::TIMESTAMP_NS}));
	}
	switch (target.id()) {
	case T::HUGEINT:
		return IsOneOf(s, {T::TINYINT, T::SMALLINT, T::INTEGER, T::BIGINT, T::HUGEINT, T::UTINYINT, T::USMALLINT,
		                   T::UINTEGER, T::UBIGINT});
	case T::DECIMAL: {
		if (s != T::DECIMAL) {
			return false;
		}
		auto source_scale = DecimalType::GetScale(source);
		auto target_scale = DecimalType::GetScale(target);
		return source_scale <= target_scale &&
		       DecimalType::GetWidth(source) - source_scale <= DecimalType::GetWidth(target) - target_scale;
	}
	default:
		return s == target.id();
	}
}

//! What a file's statistics of one Parquet leaf column (path_in_schema) say about a lake column.
struct StatsTarget {
	idx_t column_id;
	LogicalType file_type;
	LogicalType column_type;
};

//! Builds one file's name mapping against the table's columns, checking that it fits.
class FileMapper {
public:
	FileMapper(const string &path, const string &table_name, const AddFilesOptions &options)
	    : path(path), table_name(table_name), options(options) {
		if (options.hive_partitioning) {
			hive_values = HivePartitioning::Parse(path);
		}
	}

	ClientContext *context = nullptr;
	//! Lower-cased path_in_schema ("s, x") -> the column its statistics describe.
	unordered_map<string, StatsTarget> stats_targets;
	//! Columns read from the Hive path: their column id and value.
	vector<pair<idx_t, Value>> partition_values;

	vector<NameMapEntry> MapLevel(const vector<LakeColumnInfo> &columns, const child_list_t<LogicalType> &fields,
	                              const string &prefix, const string &stats_prefix, bool top_level) {
		vector<NameMapEntry> result;
		vector<bool> used(fields.size(), false);
		for (auto &column : columns) {
			optional_idx found;
			for (idx_t i = 0; i < fields.size(); i++) {
				if (!used[i] && StringUtil::CIEquals(fields[i].first, column.name)) {
					found = i;
					break;
				}
			}
			if (found.IsValid()) {
				used[found.GetIndex()] = true;
				auto &field = fields[found.GetIndex()];
				result.push_back(MapColumn(column, field.first, field.second, prefix,
				                           stats_prefix.empty() && !top_level ? string()
				                                                              : stats_prefix + field.first));
				continue;
			}
			auto hive = top_level ? HiveValue(column.name) : nullptr;
			if (hive) {
				result.push_back(MapPartitionColumn(column, *hive));
				continue;
			}
			if (!options.allow_missing) {
				throw InvalidInputException("Column \"%s%s\" of table \"%s\" is not in file \"%s\" (allow_missing => "
				                            "true adds the file anyway; the column then reads as its default)",
				                            prefix, column.name, table_name, path);
			}
		}
		for (idx_t i = 0; i < fields.size(); i++) {
			if (!used[i] && !options.ignore_extra_columns) {
				throw InvalidInputException("Column \"%s%s\" of file \"%s\" is not in table \"%s\" "
				                            "(ignore_extra_columns => true adds the file without it)",
				                            prefix, fields[i].first, path, table_name);
			}
		}
		return result;
	}

private:
	const string &path;
	const string &table_name;
	const AddFilesOptions &options;
	std::map<string, string> hive_values;
	idx_t next_entry_id = 0;

	const pair<const string, string> *HiveValue(const string &name) const {
		for (auto &item : hive_values) {
			if (StringUtil::CIEquals(item.first, name)) {
				return &item;
			}
		}
		return nullptr;
	}

	[[noreturn]] void TypeMismatch(const LogicalType &field_type, const LakeColumnInfo &column, const string &prefix) {
		throw InvalidInputException("Column \"%s%s\" of file \"%s\" has type %s, which cannot be read as column "
		                            "\"%s%s\" of table \"%s\" (type %s)",
		                            prefix, column.name, path, field_type.ToString(), prefix, column.name, table_name,
		                            column.type.ToString());
	}

	NameMapEntry MapPartitionColumn(const LakeColumnInfo &column, const pair<const string, string> &hive) {
		if (column.type.IsNested()) {
			throw InvalidInputException("Column \"%s\" of table \"%s\" is nested and cannot come from the Hive "
			                            "partition key \"%s\" of file \"%s\"",
			                            column.name, table_name, hive.first, path);
		}
		Value value;
		try {
			value = HivePartitioning::GetValue(*context, hive.first, hive.second, column.type);
		} catch (std::exception &ex) {
			throw InvalidInputException("Hive partition value \"%s\" of file \"%s\" cannot be read as column \"%s\" "
			                            "of table \"%s\" (type %s)",
			                            hive.second, path, column.name, table_name, column.type.ToString());
		}
		partition_values.emplace_back(column.column_id, value);
		NameMapEntry entry;
		entry.entry_id = next_entry_id++;
		entry.source_name = hive.first;
		entry.target_field_id = column.column_id;
		entry.is_partition = true;
		return entry;
	}

	//! `stats_path`: the field's path_in_schema when its statistics describe the column (not inside
	//! a list or map), else empty.
	NameMapEntry MapColumn(const LakeColumnInfo &column, const string &field_name, const LogicalType &field_type,
	                       const string &prefix, const string &stats_path) {
		NameMapEntry entry;
		entry.entry_id = next_entry_id++;
		entry.source_name = field_name;
		entry.target_field_id = column.column_id;
		auto nested_prefix = prefix + column.name + ".";
		switch (column.type.id()) {
		case LogicalTypeId::STRUCT:
			if (field_type.id() != LogicalTypeId::STRUCT) {
				TypeMismatch(field_type, column, prefix);
			}
			entry.children = MapLevel(column.children, StructType::GetChildTypes(field_type), nested_prefix,
			                          stats_path.empty() ? string() : stats_path + ", ", false);
			break;
		case LogicalTypeId::LIST:
			if (field_type.id() != LogicalTypeId::LIST || column.children.size() != 1) {
				TypeMismatch(field_type, column, prefix);
			}
			// The element's name is a Parquet convention; "list" is what DuckLake writers store.
			entry.children.push_back(
			    MapColumn(column.children[0], "list", ListType::GetChildType(field_type), nested_prefix, string()));
			break;
		case LogicalTypeId::MAP:
			if (field_type.id() != LogicalTypeId::MAP || column.children.size() != 2) {
				TypeMismatch(field_type, column, prefix);
			}
			entry.children.push_back(
			    MapColumn(column.children[0], "key", MapType::KeyType(field_type), nested_prefix, string()));
			entry.children.push_back(
			    MapColumn(column.children[1], "value", MapType::ValueType(field_type), nested_prefix, string()));
			break;
		default:
			if (field_type.IsNested() || column.type.IsNested() || !CanReadAs(field_type, column.type)) {
				TypeMismatch(field_type, column, prefix);
			}
			if (!stats_path.empty()) {
				stats_targets[StringUtil::Lower(stats_path)] = StatsTarget {column.column_id, field_type, column.type};
			}
			break;
		}
		return entry;
	}
};

unique_ptr<MaterializedQueryResult> RunQuery(Connection &connection, const string &sql, const string &path) {
	auto result = connection.Query(sql);
	if (result->HasError()) {
		throw InvalidInputException("Cannot add data file \"%s\": %s", path, result->GetError());
	}
	return result;
}

//! The bound as the catalog stores it (the value in the column's type, as text), or NULL when the
//! file's text does not read as one.
Value ParseBound(const Value &text, const StatsTarget &target) {
	if (text.IsNull()) {
		return Value();
	}
	Value in_file;
	Value in_column;
	if (!TryCastValue(Value(text.ToString()), target.file_type, in_file) ||
	    !TryCastValue(in_file, target.column_type, in_column)) {
		return Value();
	}
	return in_column;
}

//! The file's per-column statistics, combined over its row groups as the writer records them.
vector<ColumnStatsInfo> ReadColumnStats(Connection &connection, const string &path, FileMapper &mapper,
                                        idx_t record_count) {
	struct Combined {
		ColumnStatsInfo stats;
		Value min, max;
		bool min_known = true, max_known = true, nulls_known = true;
		idx_t nulls = 0, values = 0, size = 0;
	};
	map<idx_t, Combined> combined;
	auto rows = RunQuery(connection,
	                     "SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count, num_values, "
	                     "total_compressed_size FROM parquet_metadata(" +
	                         MetadataConnection::Literal(path) + ")",
	                     path);
	for (idx_t r = 0; r < rows->RowCount(); r++) {
		auto column = [&](idx_t c) {
			return rows->GetValue(c, r);
		};
		auto target = mapper.stats_targets.find(StringUtil::Lower(column(0).ToString()));
		if (target == mapper.stats_targets.end()) {
			continue;
		}
		auto &info = target->second;
		auto &entry = combined[info.column_id];
		entry.stats.column_id = info.column_id;
		// Float bounds leave out NaN, which Parquet does not order: they would prune wrongly.
		bool orderable = info.column_type.id() != LogicalTypeId::FLOAT &&
		                 info.column_type.id() != LogicalTypeId::DOUBLE && info.column_type.id() != LogicalTypeId::BLOB;
		auto min = orderable ? ParseBound(column(1), info) : Value();
		auto max = orderable ? ParseBound(column(2), info) : Value();
		if (min.IsNull()) {
			entry.min_known = false;
		} else if (entry.min.IsNull() || min < entry.min) {
			entry.min = min;
		}
		if (max.IsNull()) {
			entry.max_known = false;
		} else if (entry.max.IsNull() || max > entry.max) {
			entry.max = max;
		}
		auto nulls = column(3);
		if (nulls.IsNull() || nulls.GetValue<int64_t>() < 0) {
			entry.nulls_known = false;
		} else {
			entry.nulls += NumericCast<idx_t>(nulls.GetValue<int64_t>());
		}
		auto values = column(4);
		entry.values += values.IsNull() ? 0 : NumericCast<idx_t>(MaxValue<int64_t>(values.GetValue<int64_t>(), 0));
		auto size = column(5);
		entry.size += size.IsNull() ? 0 : NumericCast<idx_t>(MaxValue<int64_t>(size.GetValue<int64_t>(), 0));
	}
	vector<ColumnStatsInfo> result;
	for (auto &item : combined) {
		auto &entry = item.second;
		auto stats = entry.stats;
		stats.column_size_bytes = entry.size;
		stats.value_count = entry.values;
		if (entry.nulls_known) {
			stats.null_count = entry.nulls;
		}
		if (entry.min_known && !entry.min.IsNull() && entry.max_known && !entry.max.IsNull()) {
			stats.SetBounds(entry.min.ToString(), entry.max.ToString());
		}
		result.push_back(std::move(stats));
	}
	for (auto &partition : mapper.partition_values) {
		ColumnStatsInfo stats;
		stats.column_id = partition.first;
		stats.value_count = record_count;
		if (partition.second.IsNull()) {
			stats.null_count = record_count;
		} else {
			stats.null_count = 0;
			stats.min_value = Value(partition.second.ToString());
			stats.max_value = Value(partition.second.ToString());
		}
		result.push_back(std::move(stats));
	}
	return result;
}

//! The file's values of the table's identity partition keys whose columns come from its Hive path
//! (region=eu/...), as an insert records them: they hold for every row, which reads the path's
//! value. Keys the path does not give (and transforms of columns the file holds) stay unknown to
//! pruning by partition; the columns' statistics still prune.
void RecordHivePartitionValues(const LakeTableInfo &table, const vector<pair<idx_t, Value>> &hive_values,
                               DataFileInfo &file) {
	for (auto &field : table.partition_fields) {
		if (field.transform != "identity") {
			continue;
		}
		for (auto &hive : hive_values) {
			if (hive.first == field.column_id) {
				file.partition_id = table.partition_id;
				RecordPartitionValue(field, hive.second, file);
			}
		}
	}
}

//! A NOT NULL column of the table must have no NULL in the file, as an insert checks (by the file's
//! null counts, or by reading the column where the file keeps none); a column the file lacks reads as
//! its default, so it needs one.
void CheckNotNullColumns(Connection &connection, const string &path, DuckLakeTableEntry &table,
                         const child_list_t<LogicalType> &fields, const vector<pair<idx_t, Value>> &hive_values,
                         const DataFileInfo &file) {
	for (auto &column : table.GetTableInfo().columns) {
		if (column.nulls_allowed) {
			continue;
		}
		const Value *hive_value = nullptr;
		for (auto &hive : hive_values) {
			if (hive.first == column.column_id) {
				hive_value = &hive.second;
			}
		}
		if (hive_value) {
			// The column comes from the file's Hive path: one value for all its rows.
			if (hive_value->IsNull()) {
				throw InvalidInputException("Cannot add data file \"%s\" to table \"%s\": column \"%s\" is NOT "
				                            "NULL, and the file's Hive path gives it NULL",
				                            path, table.name, column.name);
			}
			continue;
		}
		optional_idx field;
		for (idx_t i = 0; i < fields.size(); i++) {
			if (StringUtil::CIEquals(fields[i].first, column.name)) {
				field = i;
			}
		}
		if (!field.IsValid()) {
			if (column.initial_default.IsNull()) {
				throw InvalidInputException("Cannot add data file \"%s\" to table \"%s\": column \"%s\" is NOT NULL "
				                            "and has no default, and the file does not have it",
				                            path, table.name, column.name);
			}
			continue;
		}
		optional_idx nulls;
		for (auto &stats : file.column_stats) {
			if (stats.column_id == column.column_id) {
				nulls = stats.null_count;
			}
		}
		if (!nulls.IsValid()) {
			auto name = KeywordHelper::WriteOptionallyQuoted(fields[field.GetIndex()].first);
			auto counted = RunQuery(connection,
			                        "SELECT count(*) FROM read_parquet(" + MetadataConnection::Literal(path) +
			                            ", hive_partitioning = false) WHERE " + name + " IS NULL",
			                        path);
			nulls = NumericCast<idx_t>(counted->GetValue(0, 0).GetValue<int64_t>());
		}
		if (nulls.GetIndex() > 0) {
			throw InvalidInputException("Cannot add data file \"%s\" to table \"%s\": column \"%s\" is NOT NULL, "
			                            "and the file has %llu NULL values in it",
			                            path, table.name, column.name, nulls.GetIndex());
		}
	}
}

//! One file, checked against the table and described for the catalog; its mapping_id is given at
//! commit.
DataFileInfo DescribeFile(ClientContext &context, Connection &connection, const string &path,
                          DuckLakeTableEntry &table, const AddFilesOptions &options) {
	// Hive keys in the path are not file columns: the mapping decides what they are.
	auto schema = RunQuery(connection, "SELECT * FROM read_parquet(" + MetadataConnection::Literal(path) + ", hive_partitioning = false) LIMIT 0",
	                       path);
	child_list_t<LogicalType> fields;
	for (idx_t i = 0; i < schema->names.size(); i++) {
		fields.emplace_back(schema->names[i], schema->types[i]);
	}
	auto metadata = RunQuery(
	    connection, "SELECT num_rows, file_size_bytes, footer_size FROM parquet_file_metadata(" + MetadataConnection::Literal(path) + ")", path);
	if (metadata->RowCount() != 1) {
		throw InvalidInputException("Cannot add data file \"%s\": it has no Parquet footer", path);
	}
	DataFileInfo file;
	file.path = path;
	file.path_is_relative = false;
	file.record_count = NumericCast<idx_t>(metadata->GetValue(0, 0).GetValue<int64_t>());
	file.file_size_bytes = metadata->GetValue(1, 0).GetValue<idx_t>();
	auto footer = metadata->GetValue(2, 0);
	if (!footer.IsNull()) {
		file.footer_size = footer.GetValue<idx_t>();
	}
	FileMapper mapper(path, table.name, options);
	mapper.context = &context;
	auto mapping = make_shared_ptr<NameMapping>();
	mapping->table_id = table.GetTableId();
	mapping->columns = mapper.MapLevel(table.GetTableInfo().columns, fields, string(), string(), true);
	file.name_mapping = std::move(mapping);
	file.column_stats = ReadColumnStats(connection, path, mapper, file.record_count);
	CheckNotNullColumns(connection, path, table, fields, mapper.partition_values, file);
	RecordHivePartitionValues(table.GetTableInfo(), mapper.partition_values, file);
	return file;
}

vector<string> ExpandGlobs(Connection &connection, ClientContext &context, const vector<string> &globs) {
	auto &fs = FileSystem::GetFileSystem(context);
	vector<string> result;
	unordered_set<string> seen;
	for (auto &glob : globs) {
		auto rows = RunQuery(connection, "SELECT file FROM glob(" + MetadataConnection::Literal(glob) + ") ORDER BY file", glob);
		if (rows->RowCount() == 0) {
			throw InvalidInputException("Cannot add data files: no file matches \"%s\"", glob);
		}
		for (auto &row : *rows) {
			auto path = row.GetValue<string>(0);
			// Stored as an absolute path: the lake is read from other working directories.
			if (!fs.IsPathAbsolute(path)) {
				path = fs.JoinPath(FileSystem::GetWorkingDirectory(), path);
			}
			if (seen.insert(path).second) {
				result.push_back(path);
			}
		}
	}
	return result;
}

//! The full paths of the table's data files: committed and visible to the transaction, and added
//! by it.
unordered_set<string> RegisteredFiles(ClientContext &context, DuckLakeCatalog &lake, DuckLakeTableEntry &table) {
	unordered_set<string> result;
	auto &transaction = DuckLakeTransaction::Get(context, lake);
	if (!DuckLakeTransaction::IsLocalId(table.GetTableId())) {
		for (auto &file : lake.GetDataFiles(table, transaction.GetSnapshot())->files) {
			result.insert(file->path);
		}
	}
	auto local = transaction.GetLocalDataFiles(table.GetTableId());
	if (local) {
		for (auto &file : *local) {
			result.insert(LakePaths::Resolve(table.GetDataFolder(), file.path, file.path_is_relative));
		}
	}
	return result;
}

} // namespace

MetadataFunctionResult AddDataFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                            TableFunctionBindInput &input, idx_t first_argument) {
	if (input.inputs.size() < first_argument + 2 || input.inputs[first_argument].IsNull()) {
		throw InvalidInputException("add_data_files needs a table name and a file path or glob");
	}
	auto table_name = input.inputs[first_argument].ToString();
	auto &files_argument = input.inputs[first_argument + 1];
	vector<string> globs;
	if (files_argument.IsNull()) {
		throw InvalidInputException("add_data_files: the file path or glob cannot be NULL");
	}
	if (files_argument.type().id() == LogicalTypeId::LIST) {
		for (auto &item : ListValue::GetChildren(files_argument)) {
			globs.push_back(item.ToString());
		}
	} else {
		globs.push_back(files_argument.ToString());
	}
	AddFilesOptions options;
	for (auto &parameter : input.named_parameters) {
		auto key = StringUtil::Lower(parameter.first);
		if (key == "schema") {
			options.schema = parameter.second.ToString();
		} else if (key == "allow_missing") {
			options.allow_missing = BooleanValue::Get(parameter.second);
		} else if (key == "ignore_extra_columns") {
			options.ignore_extra_columns = BooleanValue::Get(parameter.second);
		} else if (key == "hive_partitioning") {
			options.hive_partitioning = BooleanValue::Get(parameter.second);
		}
	}
	MetadataFunctionResult result;
	result.names = {"filename"};
	result.types = {LogicalType::VARCHAR};
	auto lake = &catalog;
	result.run = [lake, table_name, globs, options](ClientContext &context) {
		if (lake->IsReadOnly()) {
			throw InvalidInputException("Cannot add data files to lake \"%s\": it is attached read-only",
			                            lake->GetName());
		}
		auto &entry = lake->GetEntry<TableCatalogEntry>(context, options.schema, table_name);
		auto &table = entry.Cast<DuckLakeTableEntry>();
		Connection connection(DatabaseInstance::GetDatabase(context));
		auto registered = RegisteredFiles(context, *lake, table);
		vector<DataFileInfo> files;
		vector<vector<Value>> rows;
		for (auto &path : ExpandGlobs(connection, context, globs)) {
			if (registered.count(path)) {
				// Its rows would be counted twice.
				throw InvalidInputException("Cannot add data file \"%s\" to table \"%s\": it is one of the table's "
				                            "data files already",
				                            path, table.name);
			}
			auto file = DescribeFile(context, connection, path, table, options);
			rows.push_back({Value(path)});
			if (file.record_count > 0) {
				files.push_back(std::move(file));
			}
		}
		if (!files.empty()) {
			// A write like INSERT: one lake per transaction, checked by DuckDB.
			MetaTransaction::Get(context).ModifyDatabase(lake->GetAttached());
			// Not AddWrittenFile: a rollback must leave the user's files where they are.
			DuckLakeTransaction::Get(context, *lake).AddDataFiles(table, std::move(files));
		}
		return rows;
	};
	return result;
}

} // namespace duckdb
