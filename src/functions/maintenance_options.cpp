#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/maintenance_parameters.hpp"

#include "mallard/catalog/lake_options.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_catalog_set.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/lake/maintenance_commit.hpp"

#include "duckdb/common/types/interval.hpp"
#include "duckdb/main/client_context.hpp"

namespace duckdb {

namespace {

//! set_option(name, value [, schema => , table_name =>]): checked when bound, stored when run, in
//! a catalog transaction of its own (options are not versioned by snapshots).
MetadataFunctionResult SetOptionFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                         TableFunctionBindInput &input, idx_t first_argument) {
	if (catalog.IsReadOnly()) {
		throw InvalidInputException("Cannot set options of lake \"%s\": it is attached read-only", catalog.GetName());
	}
	auto name_value = input.inputs[first_argument];
	if (name_value.IsNull()) {
		throw InvalidInputException("set_option needs an option name");
	}
	auto option = LakeOptions::Find(name_value.ToString());
	if (!option) {
		string names;
		for (auto &definition : LakeOptions::Definitions()) {
			names += string(names.empty() ? "" : ", ") + definition.name;
		}
		throw InvalidInputException("Unknown lake option \"%s\"; the options are: %s", name_value.ToString(), names);
	}
	auto value = LakeOptions::Normalize(*option, input.inputs[first_argument + 1]);
	MaintenanceParameters parameters(input, "set_option");
	auto schema_name = parameters.GetString("schema");
	auto table_name = parameters.GetString("table_name");

	LakeOptionScope scope;
	string scope_entry;
	if (!schema_name.empty() || !table_name.empty()) {
		if (!option->scoped) {
			throw InvalidInputException("Option \"%s\" applies to the whole lake: it cannot be set per schema or table",
			                            option->name);
		}
		auto &transaction = DuckLakeTransaction::Get(context, catalog);
		auto schema = transaction.GetCatalogSet().GetSchema(schema_name.empty() ? "main" : schema_name);
		if (!schema) {
			throw CatalogException("Schema \"%s\" does not exist in lake \"%s\"", schema_name, catalog.GetName());
		}
		if (table_name.empty()) {
			scope.scope = "schema";
			scope.scope_id = schema->GetSchemaInfo().schema_id;
			scope_entry = schema->name;
		} else {
			auto entry = schema->GetCommittedEntry(table_name);
			if (!entry || entry->type != CatalogType::TABLE_ENTRY) {
				throw CatalogException("Table \"%s\" does not exist in schema \"%s\" of lake \"%s\" (options are set "
				                       "on committed tables)",
				                       table_name, schema->name, catalog.GetName());
			}
			scope.scope = "table";
			scope.scope_id = entry->Cast<DuckLakeTableEntry>().GetTableInfo().table_id;
			scope_entry = schema->name + "." + entry->name;
		}
	}
	MetadataFunctionResult result;
	result.names = {"Success"};
	result.types = {LogicalType::BOOLEAN};
	auto lake = &catalog;
	string option_name = option->name;
	result.run = [lake, option_name, value, scope, scope_entry](ClientContext &context) {
		// Part of the transaction, as in DuckLake: written when it commits, so a ROLLBACK or a failed
		// statement leaves the option as it was (also in autocommit).
		MaintenanceCommit step;
		step.write = [option_name, value, scope](MetadataConnection &conn, const SnapshotMessage &) {
			LakeOptions::Write(conn, option_name, value, scope);
			return vector<string>();
		};
		step.after_commit = [lake]() {
			lake->GetWriteCache().InvalidateOptions();
		};
		auto &transaction = DuckLakeTransaction::Get(context, *lake);
		transaction.AddMaintenance(std::move(step));
		transaction.AddPendingOption(LakeOptionSetting {option_name, value, scope, scope_entry});
		return vector<vector<Value>>();
	};
	return result;
}

//! Keys of ducklake_metadata that describe the lake rather than tune it: listed by options(), not
//! settable with set_option().
const LakeOptionDefinition *FindLakeFact(const string &key) {
	static const LakeOptionDefinition FACTS[] = {
	    {"created_by", "The program that created the lake", "", false},
	    {"data_path", "Where the lake's data files are stored", "", false},
	    {"encrypted", "Whether the lake's data files are encrypted", "", false},
	    {"version", "The DuckLake format version of the catalog", "", false},
	};
	for (auto &fact : FACTS) {
		if (key == fact.name) {
			return &fact;
		}
	}
	return nullptr;
}

//! options(): every option value set in the lake, with its scope, and the lake's own facts.
MetadataFunctionResult OptionsFunction(ClientContext &context, DuckLakeCatalog &catalog, TableFunctionBindInput &input,
                                       idx_t first_argument) {
	MetadataFunctionResult result;
	result.names = {"option_name", "description", "value", "scope", "scope_entry"};
	result.types = {LogicalType::VARCHAR, LogicalType::VARCHAR, LogicalType::VARCHAR, LogicalType::VARCHAR,
	                LogicalType::VARCHAR};
	auto rows = catalog.WithMetadata([&](MetadataConnection &conn) {
		return conn.Query("SELECT m.key, m.value, m.scope, m.scope_id, "
		                  "(SELECT max(s.schema_name) FROM " + conn.Table("ducklake_schema") +
		                  " s WHERE m.scope = 'schema' AND s.schema_id = m.scope_id), "
		                  "(SELECT max(s.schema_name || '.' || t.table_name) FROM " + conn.Table("ducklake_table") +
		                  " t JOIN " + conn.Table("ducklake_schema") +
		                  " s ON s.schema_id = t.schema_id WHERE m.scope = 'table' AND t.table_id = m.scope_id AND "
		                  "t.end_snapshot IS NULL) FROM " + conn.Table("ducklake_metadata") +
		                  " m ORDER BY m.key, m.scope, m.scope_id");
	});
	for (auto &row : rows.rows) {
		auto option = LakeOptions::Find(row[0].ToString());
		if (!option && row[2].IsNull()) {
			option = FindLakeFact(row[0].ToString());
		}
		if (!option) {
			continue;
		}
		string scope = row[2].IsNull() ? "GLOBAL" : StringUtil::Upper(row[2].ToString());
		Value entry(LogicalType::VARCHAR);
		if (!row[4].IsNull()) {
			entry = Value(row[4].ToString());
		} else if (!row[5].IsNull()) {
			entry = Value(row[5].ToString());
		} else if (!row[3].IsNull()) {
			entry = Value(row[3].ToString());
		}
		result.rows.push_back({Value(option->name), Value(option->description), Value(row[1].ToString()),
		                       Value(scope), entry});
	}
	// This transaction's own set_option calls, over the values they replace when it commits.
	for (auto &setting : DuckLakeTransaction::Get(context, catalog).GetPendingOptions()) {
		auto option = LakeOptions::Find(setting.name);
		Value scope(setting.scope.scope.empty() ? "GLOBAL" : StringUtil::Upper(setting.scope.scope));
		Value entry = setting.scope_entry.empty() ? Value(LogicalType::VARCHAR) : Value(setting.scope_entry);
		vector<Value> row {Value(setting.name), Value(option ? option->description : ""), Value(setting.value), scope,
		                   entry};
		bool replaced = false;
		for (auto &existing : result.rows) {
			if (existing[0] == row[0] && existing[3] == scope && Value::NotDistinctFrom(existing[4], entry)) {
				existing = row;
				replaced = true;
			}
		}
		if (!replaced) {
			result.rows.push_back(std::move(row));
		}
	}
	return result;
}

} // namespace

// Defined in the files of each function.
MetadataFunctionResult ExpireSnapshotsFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                               TableFunctionBindInput &input, idx_t first_argument);
MetadataFunctionResult CleanupOldFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                               TableFunctionBindInput &input, idx_t first_argument);
MetadataFunctionResult DeleteOrphanedFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                   TableFunctionBindInput &input, idx_t first_argument);
MetadataFunctionResult MergeAdjacentFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                  TableFunctionBindInput &input, idx_t first_argument);
MetadataFunctionResult RewriteDataFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                TableFunctionBindInput &input, idx_t first_argument);
MetadataFunctionResult FlushInlinedDataFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                TableFunctionBindInput &input, idx_t first_argument);

const vector<LakeFunctionDefinition> &MaintenanceFunctionDefinitions() {
	static const vector<LakeFunctionDefinition> DEFINITIONS = {
	    {"set_option",
	     {LogicalType::VARCHAR, LogicalType::ANY},
	     SetOptionFunction,
	     {{"schema", LogicalType::VARCHAR}, {"table_name", LogicalType::VARCHAR}}},
	    {"options", {}, OptionsFunction, {}},
	    {"expire_snapshots",
	     {},
	     ExpireSnapshotsFunction,
	     {{"versions", LogicalType::LIST(LogicalType::UBIGINT)},
	      {"older_than", LogicalType::TIMESTAMP_TZ},
	      {"dry_run", LogicalType::BOOLEAN}}},
	    {"cleanup_old_files",
	     {},
	     CleanupOldFilesFunction,
	     {{"older_than", LogicalType::TIMESTAMP_TZ},
	      {"cleanup_all", LogicalType::BOOLEAN},
	      {"dry_run", LogicalType::BOOLEAN}}},
	    {"delete_orphaned_files",
	     {},
	     DeleteOrphanedFilesFunction,
	     {{"older_than", LogicalType::TIMESTAMP_TZ},
	      {"cleanup_all", LogicalType::BOOLEAN},
	      {"dry_run", LogicalType::BOOLEAN}}},
	    {"merge_adjacent_files",
	     {},
	     MergeAdjacentFilesFunction,
	     {{"schema", LogicalType::VARCHAR},
	      {"max_compacted_files", LogicalType::UBIGINT},
	      {"min_file_size", LogicalType::UBIGINT},
	      {"max_file_size", LogicalType::UBIGINT}},
	     LogicalType::VARCHAR},
	    {"rewrite_data_files",
	     {},
	     RewriteDataFilesFunction,
	     {{"schema", LogicalType::VARCHAR}, {"delete_threshold", LogicalType::DOUBLE}},
	     LogicalType::VARCHAR},
	    {"flush_inlined_data",
	     {},
	     FlushInlinedDataFunction,
	     {{"schema_name", LogicalType::VARCHAR}, {"table_name", LogicalType::VARCHAR}}},
	};
	return DEFINITIONS;
}

bool OptionCutoff(ClientContext &context, DuckLakeCatalog &catalog, const string &name, timestamp_tz_t &result) {
	auto &pending = DuckLakeTransaction::Get(context, catalog).GetPendingOptions();
	auto value = catalog.WithMetadata([&](MetadataConnection &conn) {
		return LakeOptions::ReadEffective(conn, optional_idx(), optional_idx(), {}, pending);
	});
	auto entry = value.find(name);
	if (entry == value.end()) {
		return false;
	}
	interval_t interval;
	string error;
	if (!Interval::FromCString(entry->second.c_str(), entry->second.size(), interval, &error, false)) {
		return false;
	}
	// Months count as 30 days here, as in Interval::GetMicro.
	result = timestamp_tz_t(Timestamp::GetCurrentTimestamp().value - Interval::GetMicro(interval));
	return true;
}

} // namespace duckdb
