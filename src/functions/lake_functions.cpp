#include "mallard/functions/lake_functions.hpp"

#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/snapshot_changes.hpp"
#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/metadata_function.hpp"
#include "mallard/functions/murmur3_function.hpp"
#include "mallard/functions/table_changes_function.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/mallard.hpp"
#include "mallard/scan/data_file_reader.hpp"

#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"

namespace duckdb {

// Defined in list_files_function.cpp.
MetadataFunctionResult ListFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                         TableFunctionBindInput &input, idx_t first_argument);
// Defined in add_data_files_function.cpp.
MetadataFunctionResult AddDataFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                            TableFunctionBindInput &input, idx_t first_argument);

namespace {

Value TimestampValue(const Value &text) {
	if (text.IsNull()) {
		return Value(LogicalType::TIMESTAMP_TZ);
	}
	return Value(text.ToString()).DefaultCastAs(LogicalType::TIMESTAMP_TZ);
}

//! The DuckLake names of change kinds in snapshots().changes.
string ChangeKey(const string &kind) {
	static const pair<const char *, const char *> KEYS[] = {
	    {"created_schema", "schemas_created"},       {"dropped_schema", "schemas_dropped"},
	    {"created_table", "tables_created"},         {"dropped_table", "tables_dropped"},
	    {"altered_table", "tables_altered"},         {"inserted_into_table", "tables_inserted_into"},
	    {"deleted_from_table", "tables_deleted_from"}, {"compacted_table", "tables_compacted"},
	    {"created_view", "views_created"},           {"dropped_view", "views_dropped"},
	    {"altered_view", "views_altered"},           {"inlined_insert", "inlined_insert"},
	    {"inlined_delete", "inlined_delete"},        {"merge_adjacent", "merge_adjacent"},
	    {"inline_flush", "flushed_inlined"},         {"flushed_inlined", "flushed_inlined"},
	    {"created_scalar_macro", "scalar_macros_created"}, {"dropped_scalar_macro", "scalar_macros_dropped"},
	    {"created_table_macro", "table_macros_created"},   {"dropped_table_macro", "table_macros_dropped"}};
	for (auto &entry : KEYS) {
		if (kind == entry.first) {
			return entry.second;
		}
	}
	return kind;
}

Value ChangesValue(const Value &changes_made) {
	auto map_type = LogicalType::MAP(LogicalType::VARCHAR, LogicalType::LIST(LogicalType::VARCHAR));
	if (changes_made.IsNull()) {
		return Value(map_type);
	}
	vector<string> keys;
	map<string, vector<Value>> grouped;
	for (auto &change : SnapshotChanges::Parse(changes_made.ToString())) {
		auto key = ChangeKey(change.kind);
		if (grouped.find(key) == grouped.end()) {
			keys.push_back(key);
		}
		grouped[key].emplace_back(SnapshotChanges::DisplayName(change.value));
	}
	vector<Value> map_keys;
	vector<Value> map_values;
	for (auto &key : keys) {
		map_keys.emplace_back(key);
		map_values.push_back(Value::LIST(LogicalType::VARCHAR, grouped[key]));
	}
	return Value::MAP(LogicalType::VARCHAR, LogicalType::LIST(LogicalType::VARCHAR), std::move(map_keys),
	                  std::move(map_values));
}

MetadataFunctionResult SnapshotsFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                         TableFunctionBindInput &input, idx_t first_argument) {
	MetadataFunctionResult result;
	result.names = {"snapshot_id", "snapshot_time", "schema_version", "changes", "author", "commit_message",
	                "commit_extra_info"};
	result.types = {LogicalType::BIGINT,
	                LogicalType::TIMESTAMP_TZ,
	                LogicalType::BIGINT,
	                LogicalType::MAP(LogicalType::VARCHAR, LogicalType::LIST(LogicalType::VARCHAR)),
	                LogicalType::VARCHAR,
	                LogicalType::VARCHAR,
	                LogicalType::VARCHAR};
	auto rows = catalog.WithMetadata([](MetadataConnection &conn) {
		return conn.Query("SELECT s.snapshot_id, s.snapshot_time, s.schema_version, c.changes_made, c.author, "
		                  "c.commit_message, c.commit_extra_info FROM " +
		                  conn.Table("ducklake_snapshot") + " s LEFT JOIN " + conn.Table("ducklake_snapshot_changes") +
		                  " c ON s.snapshot_id = c.snapshot_id ORDER BY s.snapshot_id");
	});
	for (auto &row : rows.rows) {
		auto text = [](const Value &v) { return v.IsNull() ? Value(LogicalType::VARCHAR) : Value(v.ToString()); };
		result.rows.push_back({Value::BIGINT(row[0].GetValue<int64_t>()), TimestampValue(row[1]),
		                       Value::BIGINT(row[2].GetValue<int64_t>()), ChangesValue(row[3]), text(row[4]),
		                       text(row[5]), text(row[6])});
	}
	return result;
}

MetadataFunctionResult CurrentSnapshotFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                               TableFunctionBindInput &input, idx_t first_argument) {
	MetadataFunctionResult result;
	result.names = {"id"};
	result.types = {LogicalType::BIGINT};
	auto &transaction = DuckLakeTransaction::Get(context, catalog);
	result.rows.push_back({Value::BIGINT(NumericCast<int64_t>(transaction.GetSnapshot().snapshot_id))});
	return result;
}

MetadataFunctionResult LastCommittedSnapshotFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                     TableFunctionBindInput &input, idx_t first_argument) {
	MetadataFunctionResult result;
	result.names = {"id"};
	result.types = {LogicalType::BIGINT};
	auto last = catalog.GetLastCommittedSnapshot(context.GetConnectionId());
	result.rows.push_back(
	    {last.IsValid() ? Value::BIGINT(NumericCast<int64_t>(last.GetIndex())) : Value(LogicalType::BIGINT)});
	return result;
}

//! As DuckLake's ducklake_settings: what kind of catalog database the lake is in, which
//! implementation and version reads it (here Mallard's), and where its data files go.
MetadataFunctionResult SettingsFunction(ClientContext &context, DuckLakeCatalog &catalog, TableFunctionBindInput &input,
                                        idx_t first_argument) {
	MetadataFunctionResult result;
	result.names = {"catalog_type", "extension_version", "data_path"};
	result.types = {LogicalType::VARCHAR, LogicalType::VARCHAR, LogicalType::VARCHAR};
	result.rows.push_back({Value(catalog.GetOptions().location.TypeName()), Value(MallardVersion()),
	                       Value(catalog.DataPath())});
	return result;
}

MetadataFunctionResult TableInfoFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                         TableFunctionBindInput &input, idx_t first_argument) {
	MetadataFunctionResult result;
	// The reference implementation's columns, then the live row count (rows in data files minus
	// deleted rows, plus inlined rows) so users see rows beside files and sizes.
	result.names = {"table_name", "schema_id", "table_id", "table_uuid", "file_count", "file_size_bytes",
	                "delete_file_count", "delete_file_size_bytes", "record_count"};
	result.types = {LogicalType::VARCHAR, LogicalType::BIGINT, LogicalType::BIGINT, LogicalType::UUID,
	                LogicalType::BIGINT,  LogicalType::BIGINT, LogicalType::BIGINT, LogicalType::BIGINT,
	                LogicalType::BIGINT};
	auto snapshot = DuckLakeTransaction::Get(context, catalog).GetSnapshot().snapshot_id;
	auto rows = catalog.WithMetadata([&](MetadataConnection &conn) {
		auto visible_t = MetadataReader::VisibleAt(snapshot, "t");
		auto visible_f = MetadataReader::VisibleAt(snapshot, "f");
		auto visible_d = MetadataReader::VisibleAt(snapshot, "d");
		return conn.Query(
		    "SELECT t.table_name, t.schema_id, t.table_id, t.table_uuid, "
		    "(SELECT count(*) FROM " + conn.Table("ducklake_data_file") + " f WHERE f.table_id = t.table_id AND " +
		    visible_f + "), (SELECT coalesce(sum(f.file_size_bytes), 0) FROM " + conn.Table("ducklake_data_file") +
		    " f WHERE f.table_id = t.table_id AND " + visible_f + "), (SELECT count(*) FROM " +
		    conn.Table("ducklake_delete_file") + " d WHERE d.table_id = t.table_id AND " + visible_d +
		    "), (SELECT coalesce(sum(d.file_size_bytes), 0) FROM " + conn.Table("ducklake_delete_file") +
		    " d WHERE d.table_id = t.table_id AND " + visible_d + "), (SELECT coalesce(sum(f.record_count), 0) FROM " +
		    conn.Table("ducklake_data_file") + " f WHERE f.table_id = t.table_id AND " + visible_f +
		    ") - (SELECT coalesce(sum(d.delete_count), 0) FROM " + conn.Table("ducklake_delete_file") +
		    " d WHERE d.table_id = t.table_id AND " + visible_d + ") FROM " + conn.Table("ducklake_table") +
		    " t WHERE " + visible_t + " ORDER BY t.table_id");
	});
	// Rows inlined into the catalog (spec: data inlining) are the table's rows too.
	unordered_map<int64_t, idx_t> inlined_rows;
	catalog.WithMetadata([&](MetadataConnection &conn) {
		auto condition = InlinedData::VisibleCondition(snapshot);
		for (auto &inlined : InlinedData::ListAllTables(conn)) {
			inlined_rows[NumericCast<int64_t>(inlined.table_id)] += InlinedData::CountRows(conn, {inlined}, condition);
		}
	});
	for (auto &row : rows.rows) {
		result.rows.push_back({Value(row[0].ToString()), Value::BIGINT(row[1].GetValue<int64_t>()),
		                       Value::BIGINT(row[2].GetValue<int64_t>()), Value(row[3].ToString()).DefaultCastAs(LogicalType::UUID),
		                       Value::BIGINT(row[4].GetValue<int64_t>()), Value::BIGINT(row[5].GetValue<int64_t>()),
		                       Value::BIGINT(row[6].GetValue<int64_t>()), Value::BIGINT(row[7].GetValue<int64_t>()),
		                       Value::BIGINT(row[8].GetValue<int64_t>() +
		                                     NumericCast<int64_t>(inlined_rows[row[2].GetValue<int64_t>()]))});
	}
	return result;
}

MetadataFunctionResult SetCommitMessageFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                TableFunctionBindInput &input, idx_t first_argument) {
	auto &transaction = DuckLakeTransaction::Get(context, catalog);
	auto argument = [&](idx_t i) {
		auto idx = first_argument + i;
		return idx < input.inputs.size() && !input.inputs[idx].IsNull() ? Value(input.inputs[idx].ToString())
		                                                               : Value(LogicalType::VARCHAR);
	};
	auto extra = input.named_parameters.find("extra_info");
	transaction.SetCommitMessage(argument(0), argument(1),
	                             extra == input.named_parameters.end() ? Value(LogicalType::VARCHAR)
	                                                                   : Value(extra->second.ToString()));
	MetadataFunctionResult result;
	result.names = {"Success"};
	result.types = {LogicalType::BOOLEAN};
	return result;
}

const vector<LakeFunctionDefinition> &CoreLakeFunctionDefinitions() {
	static const vector<LakeFunctionDefinition> DEFINITIONS = {
	    {"snapshots", {}, SnapshotsFunction},
	    {"current_snapshot", {}, CurrentSnapshotFunction},
	    {"last_committed_snapshot", {}, LastCommittedSnapshotFunction},
	    {"settings", {}, SettingsFunction},
	    {"table_info", {}, TableInfoFunction},
	    {"list_files",
	     {LogicalType::VARCHAR},
	     ListFilesFunction,
	     {{"schema", LogicalType::VARCHAR},
	      {"snapshot_version", LogicalType::UBIGINT},
	      {"snapshot_time", LogicalType::TIMESTAMP_TZ}}},
	    {"set_commit_message",
	     {LogicalType::VARCHAR, LogicalType::VARCHAR},
	     SetCommitMessageFunction,
	     {{"extra_info", LogicalType::VARCHAR}}},
	    {"add_data_files",
	     {LogicalType::VARCHAR, LogicalType::ANY},
	     AddDataFilesFunction,
	     {{"schema", LogicalType::VARCHAR},
	      {"allow_missing", LogicalType::BOOLEAN},
	      {"ignore_extra_columns", LogicalType::BOOLEAN},
	      {"hive_partitioning", LogicalType::BOOLEAN}}},
	};
	return DEFINITIONS;
}

//! Every lake function: the core ones and the maintenance ones (maintenance_functions.hpp).
vector<const LakeFunctionDefinition *> LakeFunctionDefinitions() {
	vector<const LakeFunctionDefinition *> result;
	for (auto &definition : CoreLakeFunctionDefinitions()) {
		result.push_back(&definition);
	}
	for (auto &definition : MaintenanceFunctionDefinitions()) {
		result.push_back(&definition);
	}
	return result;
}

TableFunction MakeLakeFunction(const LakeFunctionDefinition &definition, const string &name,
                               optional_ptr<DuckLakeCatalog> catalog) {
	auto function = MakeMetadataFunction(name, definition.arguments, definition.function, catalog);
	for (auto &parameter : definition.named_parameters) {
		function.named_parameters[parameter.first] = parameter.second;
	}
	if (definition.varargs.id() != LogicalTypeId::INVALID) {
		function.varargs = definition.varargs;
	}
	return function;
}

} // namespace

optional_ptr<CatalogEntry> LookupLakeFunction(DuckLakeCatalog &catalog, DuckLakeSchemaEntry &schema,
                                              const string &name) {
	auto lower = StringUtil::Lower(name);
	auto change_function = LookupChangeFunction(catalog, schema, lower);
	if (change_function) {
		return change_function;
	}
	for (auto definition_ptr : LakeFunctionDefinitions()) {
		auto &definition = *definition_ptr;
		if (lower != definition.name) {
			continue;
		}
		return &schema.GetFunctionEntry(lower, [&]() -> unique_ptr<CatalogEntry> {
			CreateTableFunctionInfo info(MakeLakeFunction(definition, definition.name, &catalog));
			info.schema = schema.name;
			info.internal = true;
			return make_uniq<TableFunctionCatalogEntry>(catalog, schema, info);
		});
	}
	return nullptr;
}

void RegisterLakeFunctions(ExtensionLoader &loader) {
	for (auto definition : LakeFunctionDefinitions()) {
		loader.RegisterFunction(MakeLakeFunction(*definition, string("ducklake_") + definition->name, nullptr));
	}
	loader.RegisterFunction(CatalogTableTableFunction());
	loader.RegisterFunction(Murmur3Function());
	RegisterChangeFunctions(loader);
	RegisterDataFileReader(loader);
}

} // namespace duckdb
