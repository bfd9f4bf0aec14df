#include "mallard/catalog/metadata_tables.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"

#include "mallard/mallard.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/unordered_set.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/common/types/uuid.hpp"

namespace duckdb {

const char *const DUCKLAKE_FORMAT_VERSION = "1.0";
const char *const DUCKLAKE_PREVIOUS_FORMAT_VERSION = "0.3";

bool IsMigratableFormatVersion(const string &version) {
	return version == DUCKLAKE_PREVIOUS_FORMAT_VERSION || version == "0.4-dev1" || version == "0.4";
}

// Shorthands for the table list below.
static MetadataColumnDefinition Bigint(const char *name, const char *constraint = "") {
	return {name, "BIGINT", constraint};
}
static MetadataColumnDefinition Varchar(const char *name, const char *constraint = "") {
	return {name, "VARCHAR", constraint};
}
static MetadataColumnDefinition Boolean(const char *name) {
	return {name, "BOOLEAN", ""};
}
static MetadataColumnDefinition Timestamptz(const char *name) {
	return {name, "TIMESTAMPTZ", ""};
}
static MetadataColumnDefinition Uuid(const char *name) {
	return {name, "UUID", ""};
}

// DuckLake spec 1.0, "Tables": names, column order and types as the official extension creates
// them, so that either implementation reads the other's catalog.
static vector<MetadataTableDefinition> BuildDefinitions() {
	const char *PK = "PRIMARY KEY";
	return {
	    {"ducklake_metadata",
	     {Varchar("key", "NOT NULL"), Varchar("value", "NOT NULL"), Varchar("scope"), Bigint("scope_id")},
	     false},
	    {"ducklake_snapshot",
	     {Bigint("snapshot_id", PK), Timestamptz("snapshot_time"), Bigint("schema_version"), Bigint("next_catalog_id"),
	      Bigint("next_file_id")},
	     false},
	    {"ducklake_snapshot_changes",
	     {Bigint("snapshot_id", PK), Varchar("changes_made"), Varchar("author"), Varchar("commit_message"),
	      Varchar("commit_extra_info")},
	     false},
	    {"ducklake_schema",
	     {Bigint("schema_id", PK), Uuid("schema_uuid"), Bigint("begin_snapshot"), Bigint("end_snapshot"),
	      Varchar("schema_name"), Varchar("path"), Boolean("path_is_relative")},
	     false},
	    {"ducklake_table",
	     {Bigint("table_id"), Uuid("table_uuid"), Bigint("begin_snapshot"), Bigint("end_snapshot"), Bigint("schema_id"),
	      Varchar("table_name"), Varchar("path"), Boolean("path_is_relative")},
	     false},
	    {"ducklake_view",
	     {Bigint("view_id"), Uuid("view_uuid"), Bigint("begin_snapshot"), Bigint("end_snapshot"), Bigint("schema_id"),
	      Varchar("view_name"), Varchar("dialect"), Varchar("sql"), Varchar("column_aliases")},
	     false},
	    {"ducklake_tag",
	     {Bigint("object_id"), Bigint("begin_snapshot"), Bigint("end_snapshot"), Varchar("key"), Varchar("value")},
	     false},
	    {"ducklake_column_tag",
	     {Bigint("table_id"), Bigint("column_id"), Bigint("begin_snapshot"), Bigint("end_snapshot"), Varchar("key"),
	      Varchar("value")},
	     false},
	    {"ducklake_data_file",
	     {Bigint("data_file_id", PK), Bigint("table_id"), Bigint("begin_snapshot"), Bigint("end_snapshot"),
	      Bigint("file_order"), Varchar("path"), Boolean("path_is_relative"), Varchar("file_format"),
	      Bigint("record_count"), Bigint("file_size_bytes"), Bigint("footer_size"), Bigint("row_id_start"),
	      Bigint("partition_id"), Varchar("encryption_key"), Bigint("mapping_id"), Bigint("partial_max")},
	     false},
	    {"ducklake_file_column_stats",
	     {Bigint("data_file_id"), Bigint("table_id"), Bigint("column_id"), Bigint("column_size_bytes"),
	      Bigint("value_count"), Bigint("null_count"), Varchar("min_value"), Varchar("max_value"),
	      Boolean("contains_nan"), Varchar("extra_stats")},
	     false},
	    {"ducklake_file_variant_stats",
	     {Bigint("data_file_id"), Bigint("table_id"), Bigint("column_id"), Varchar("variant_path"),
	      Varchar("shredded_type"), Bigint("column_size_bytes"), Bigint("value_count"), Bigint("null_count"),
	      Varchar("min_value"), Varchar("max_value"), Boolean("contains_nan"), Varchar("extra_stats")},
	     true},
	    {"ducklake_delete_file",
	     {Bigint("delete_file_id", PK), Bigint("table_id"), Bigint("begin_snapshot"), Bigint("end_snapshot"),
	      Bigint("data_file_id"), Varchar("path"), Boolean("path_is_relative"), Varchar("format"),
	      Bigint("delete_count"), Bigint("file_size_bytes"), Bigint("footer_size"), Varchar("encryption_key"),
	      Bigint("partial_max")},
	     false},
	    {"ducklake_column",
	     {Bigint("column_id"), Bigint("begin_snapshot"), Bigint("end_snapshot"), Bigint("table_id"),
	      Bigint("column_order"), Varchar("column_name"), Varchar("column_type"), Varchar("initial_default"),
	      Varchar("default_value"), Boolean("nulls_allowed"), Bigint("parent_column"), Varchar("default_value_type"),
	      Varchar("default_value_dialect")},
	     false},
	    {"ducklake_table_stats",
	     {Bigint("table_id"), Bigint("record_count"), Bigint("next_row_id"), Bigint("file_size_bytes")},
	     false},
	    {"ducklake_table_column_stats",
	     {Bigint("table_id"), Bigint("column_id"), Boolean("contains_null"), Boolean("contains_nan"),
	      Varchar("min_value"), Varchar("max_value"), Varchar("extra_stats")},
	     false},
	    {"ducklake_partition_info",
	     {Bigint("partition_id"), Bigint("table_id"), Bigint("begin_snapshot"), Bigint("end_snapshot")},
	     false},
	    {"ducklake_partition_column",
	     {Bigint("partition_id"), Bigint("table_id"), Bigint("partition_key_index"), Bigint("column_id"),
	      Varchar("transform")},
	     false},
	    {"ducklake_file_partition_value",
	     {Bigint("data_file_id"), Bigint("table_id"), Bigint("partition_key_index"), Varchar("partition_value")},
	     false},
	    {"ducklake_files_scheduled_for_deletion",
	     {Bigint("data_file_id"), Varchar("path"), Boolean("path_is_relative"), Timestamptz("schedule_start")},
	     false},
	    {"ducklake_inlined_data_tables", {Bigint("table_id"), Varchar("table_name"), Bigint("schema_version")}, false},
	    {"ducklake_column_mapping", {Bigint("mapping_id"), Bigint("table_id"), Varchar("type")}, false},
	    {"ducklake_name_mapping",
	     {Bigint("mapping_id"), Bigint("column_id"), Varchar("source_name"), Bigint("target_field_id"),
	      Bigint("parent_column"), Boolean("is_partition")},
	     false},
	    {"ducklake_schema_versions", {Bigint("begin_snapshot"), Bigint("schema_version"), Bigint("table_id")}, false},
	    {"ducklake_macro",
	     {Bigint("schema_id"), Bigint("macro_id"), Varchar("macro_name"), Bigint("begin_snapshot"),
	      Bigint("end_snapshot")},
	     true},
	    {"ducklake_macro_impl",
	     {Bigint("macro_id"), Bigint("impl_id"), Varchar("dialect"), Varchar("sql"), Varchar("type")},
	     true},
	    {"ducklake_macro_parameters",
	     {Bigint("macro_id"), Bigint("impl_id"), Bigint("column_id"), Varchar("parameter_name"),
	      Varchar("parameter_type"), Varchar("default_value"), Varchar("default_value_type")},
	     true},
	    {"ducklake_sort_info",
	     {Bigint("sort_id"), Bigint("table_id"), Bigint("begin_snapshot"), Bigint("end_snapshot")},
	     true},
	    {"ducklake_sort_expression",
	     {Bigint("sort_id"), Bigint("table_id"), Bigint("sort_key_index"), Varchar("expression"), Varchar("dialect"),
	      Varchar("sort_direction"), Varchar("null_order")},
	     true},
	};
}

const vector<MetadataTableDefinition> &MetadataTableDefinitions() {
	static const vector<MetadataTableDefinition> definitions = BuildDefinitions();
	return definitions;
}

vector<string> MetadataTableNames() {
	vector<string> names;
	for (auto &table : MetadataTableDefinitions()) {
		names.emplace_back(table.name);
	}
	return names;
}

string CreateMetadataTableStatement(MetadataConnection &conn, const MetadataTableDefinition &table) {
	vector<string> columns;
	for (auto &column : table.columns) {
		string definition = MetadataConnection::Identifier(column.name) + " " + conn.ColumnType(column.kind);
		if (column.constraint[0]) {
			definition += " " + string(column.constraint);
		}
		columns.push_back(std::move(definition));
	}
	return "CREATE TABLE " + conn.Table(table.name) + " (" + StringUtil::Join(columns, ", ") + ")";
}

static string InsertRow(MetadataConnection &conn, const string &table, const string &columns,
                        const vector<string> &rows) {
	return "INSERT INTO " + conn.Table(table) + " (" + columns + ") VALUES " + StringUtil::Join(rows, ", ");
}

void InitializeMetadataTables(MetadataConnection &conn, const string &data_path,
                              const vector<pair<string, string>> &extra_metadata) {
	if (data_path.empty()) {
		throw InvalidInputException("A new DuckLake catalog %s needs a DATA_PATH", conn.GetLocation().DisplayName());
	}
	string path = data_path;
	if (path.back() != '/') {
		path += '/'; // spec: data_path always ends in '/'
	}
	string encrypted = "false";
	vector<string> extra_rows;
	for (auto &entry : extra_metadata) {
		if (entry.first == "encrypted") {
			encrypted = entry.second;
			continue;
		}
		if (entry.first == "version" || entry.first == "created_by" || entry.first == "data_path") {
			throw InternalException("ducklake_metadata key \"%s\" is written by InitializeMetadataTables", entry.first);
		}
		extra_rows.push_back("(" + MetadataConnection::Literal(entry.first) + ", " +
		                     MetadataConnection::Literal(entry.second) + ", NULL, NULL)");
	}
	vector<string> metadata_rows {
	    "('version', " + MetadataConnection::Literal(DUCKLAKE_FORMAT_VERSION) + ", NULL, NULL)",
	    "('created_by', " + MetadataConnection::Literal(string("Mallard ") + MallardVersion()) + ", NULL, NULL)",
	    "('data_path', " + MetadataConnection::Literal(path) + ", NULL, NULL)",
	    "('encrypted', " + MetadataConnection::Literal(encrypted) + ", NULL, NULL)"};
	metadata_rows.insert(metadata_rows.end(), extra_rows.begin(), extra_rows.end());

	vector<string> statements;
	for (auto &table : MetadataTableDefinitions()) {
		statements.push_back(CreateMetadataTableStatement(conn, table));
	}
	statements.push_back(InsertRow(conn, "ducklake_metadata", "key, value, scope, scope_id", metadata_rows));
	statements.push_back(InsertRow(conn, "ducklake_snapshot",
	                               "snapshot_id, snapshot_time, schema_version, next_catalog_id, next_file_id",
	                               {"(0, " + conn.CurrentTimestamp() + ", 0, 1, 0)"}));
	statements.push_back(InsertRow(
	    conn, "ducklake_snapshot_changes", "snapshot_id, changes_made, author, commit_message, commit_extra_info",
	    {"(0, " + MetadataConnection::Literal("created_schema:\"main\"") + ", NULL, NULL, NULL)"}));
	auto schema_uuid = UUID::ToString(UUID::GenerateRandomUUID());
	statements.push_back(
	    InsertRow(conn, "ducklake_schema",
	              "schema_id, schema_uuid, begin_snapshot, end_snapshot, schema_name, path, path_is_relative",
	              {"(0, " + MetadataConnection::Literal(schema_uuid) + ", 0, NULL, 'main', 'main/', TRUE)"}));

	conn.BeginTransaction();
	try {
		if (conn.TableExists("ducklake_metadata")) {
			conn.Rollback(); // another process initialized the catalog first
			return;
		}
		conn.Execute(StringUtil::Join(statements, ";\n"));
		conn.Commit();
	} catch (MetadataConflictException &) {
		// PostgreSQL: a concurrent initializer created the same tables first.
		conn.Rollback();
		if (!conn.TableExists("ducklake_metadata")) {
			throw;
		}
	} catch (...) {
		conn.Rollback();
		throw;
	}
}

string ReadMetadataVersion(MetadataConnection &conn) {
	if (!conn.TableExists("ducklake_metadata")) {
		return string();
	}
	auto rows = conn.Scan(CatalogScan("ducklake_metadata", {"value"}).Where("key", "version"));
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		if (chunk.size() > 0) {
			return chunk.GetString(0, 0);
		}
	}
	return string();
}

static void ThrowMissingTables(const string &display_name, const vector<string> &missing) {
	if (missing.size() == 1) {
		throw IOException("DuckLake catalog %s is damaged: table %s is missing", display_name, missing[0]);
	}
	throw IOException("DuckLake catalog %s is damaged: tables %s are missing", display_name,
	                  StringUtil::Join(missing, ", "));
}

//! The spec tables of `version` ("1.0" or "0.3") that `conn` lacks.
static vector<string> MissingTables(MetadataConnection &conn, bool version_1_0) {
	unordered_set<string> present;
	for (auto &name : conn.ListTables()) {
		present.insert(StringUtil::Lower(name));
	}
	vector<string> missing;
	for (auto &table : MetadataTableDefinitions()) {
		if (!version_1_0 && table.new_in_1_0) {
			continue;
		}
		if (present.find(table.name) == present.end()) {
			missing.emplace_back(table.name);
		}
	}
	return missing;
}

MetadataTablesState CheckMetadataTables(MetadataConnection &conn, const string &display_name, bool automatic_migration,
                                        bool read_only) {
	if (!conn.TableExists("ducklake_metadata")) {
		auto missing = MissingTables(conn, true);
		if (missing.size() == MetadataTableDefinitions().size()) {
			return MetadataTablesState::EMPTY;
		}
		// Some DuckLake tables but no ducklake_metadata: never mistake this for a new catalog.
		ThrowMissingTables(display_name, {"ducklake_metadata"});
	}
	auto version = ReadMetadataVersion(conn);
	if (version.empty()) {
		throw IOException("DuckLake catalog %s is damaged: ducklake_metadata has no 'version' row", display_name);
	}
	if (IsMigratableFormatVersion(version)) {
		// The tables of 0.3 at least: the migration creates those new in 1.0 that are missing.
		auto missing = MissingTables(conn, false);
		if (!missing.empty()) {
			ThrowMissingTables(display_name, missing);
		}
		if (!automatic_migration) {
			bool from_duckdb_1_4 = version == DUCKLAKE_PREVIOUS_FORMAT_VERSION;
			throw InvalidInputException(
			    "DuckLake catalog %s uses format version %s (written by the ducklake extension of %s); Mallard uses "
			    "version %s. ATTACH it with (AUTOMATIC_MIGRATION true) to migrate it in place; afterwards %s can no "
			    "longer open it",
			    display_name, version, from_duckdb_1_4 ? "DuckDB 1.4" : "a DuckDB version before DuckLake 1.0",
			    DUCKLAKE_FORMAT_VERSION, from_duckdb_1_4 ? "DuckDB 1.4" : "that version");
		}
		if (read_only) {
			throw InvalidInputException(
			    "DuckLake catalog %s uses format version %s and must be migrated to %s, which a "
			    "read-only ATTACH cannot do: attach it once read-write with "
			    "(AUTOMATIC_MIGRATION true)",
			    display_name, version, DUCKLAKE_FORMAT_VERSION);
		}
		// A concurrent migrator may collide with this one; after a conflict the catalog is either
		// migrated by the other or still at its old version, in which case try again.
		for (idx_t attempt = 0;; attempt++) {
			try {
				MigrateMetadataTablesTo10(conn, display_name);
				break;
			} catch (MetadataConflictException &) {
				if (ReadMetadataVersion(conn) == DUCKLAKE_FORMAT_VERSION) {
					break;
				}
				if (attempt >= 2) {
					throw;
				}
			}
		}
		version = ReadMetadataVersion(conn);
	}
	if (version != DUCKLAKE_FORMAT_VERSION) {
		throw InvalidInputException("DuckLake catalog %s has format version %s, which Mallard cannot open: it reads "
		                            "version %s and migrates versions %s and 0.4",
		                            display_name, version, DUCKLAKE_FORMAT_VERSION, DUCKLAKE_PREVIOUS_FORMAT_VERSION);
	}
	auto missing = MissingTables(conn, true);
	if (!missing.empty()) {
		ThrowMissingTables(display_name, missing);
	}
	return MetadataTablesState::READY;
}

} // namespace duckdb
