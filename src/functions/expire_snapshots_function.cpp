#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/maintenance_parameters.hpp"

#include "mallard/catalog/inlined_data.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/maintenance_commit.hpp"
#include "mallard/storage/lake_paths.hpp"
#include "mallard/storage/lake_table_folders.hpp"

#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/main/client_context.hpp"

namespace duckdb {

string InvisibleCondition(MetadataConnection &conn, const string &alias) {
	return alias + ".end_snapshot IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + conn.Table("ducklake_snapshot") +
	       " s WHERE s.snapshot_id >= " + alias + ".begin_snapshot AND s.snapshot_id < " + alias + ".end_snapshot)";
}

namespace {

string IdList(const vector<idx_t> &ids) {
	string result;
	for (auto id : ids) {
		result += string(result.empty() ? "" : ", ") + std::to_string(id);
	}
	return result;
}

idx_t RowId(const Value &value) {
	return NumericCast<idx_t>(value.GetValue<int64_t>());
}

//! The column rows that inlined rows still stored need: an inlined-data table names its columns as
//! the table had them when its rows were inserted (InlinedData::ReadColumns), which may be an
//! older name than any remaining snapshot knows. Empty when no inlined-data table is left.
string ColumnsOfInlinedRows(MetadataConnection &conn) {
	string result;
	for (auto &inlined : InlinedData::ListAllTables(conn)) {
		if (conn.TableExists(inlined.table_name)) {
			result += string(result.empty() ? "" : " OR ") + "(" + InlinedData::ColumnRowsCondition(conn, inlined) + ")";
		}
	}
	return result;
}

//! Removes the rows of data and delete files no remaining snapshot sees, scheduling their files for
//! deletion (spec: ducklake_files_scheduled_for_deletion), and the other versioned rows that became
//! invisible (dropped tables, columns, views, schemas, tags, partitionings).
void RemoveInvisibleRows(MetadataConnection &conn, const string &data_path) {
	auto folders = LakeTableFolders::Read(conn, data_path);
	auto now = conn.CurrentTimestamp();
	vector<string> statements;
	auto schedule = [&](const string &file_table, const string &id_column) {
		auto rows = conn.Query("SELECT f." + id_column + ", f.table_id, f.path, f.path_is_relative FROM " +
		                       conn.Table(file_table) + " f WHERE " + InvisibleCondition(conn, "f"));
		vector<idx_t> ids;
		for (auto &row : rows.rows) {
			auto id = RowId(row[0]);
			auto folder = folders.find(RowId(row[1]));
			bool relative = row[3].IsNull() || StringUtil::Lower(row[3].ToString()) == "true" || row[3].ToString() == "1";
			auto full = LakePaths::Resolve(folder == folders.end() ? data_path : folder->second, row[2].ToString(),
			                               relative);
			auto stored = LakeTableFolders::RelativeToDataPath(full, data_path);
			statements.push_back("INSERT INTO " + conn.Table("ducklake_files_scheduled_for_deletion") +
			                     " (data_file_id, path, path_is_relative, schedule_start) VALUES (" +
			                     std::to_string(id) + ", " + MetadataConnection::Literal(stored.first) + ", " +
			                     (stored.second ? "true" : "false") + ", " + now + ")");
			ids.push_back(id);
		}
		return ids;
	};
	auto data_files = schedule("ducklake_data_file", "data_file_id");
	auto delete_files = schedule("ducklake_delete_file", "delete_file_id");
	if (!data_files.empty()) {
		auto list = IdList(data_files);
		statements.push_back("DELETE FROM " + conn.Table("ducklake_file_column_stats") + " WHERE data_file_id IN (" +
		                     list + ")");
		statements.push_back("DELETE FROM " + conn.Table("ducklake_file_partition_value") +
		                     " WHERE data_file_id IN (" + list + ")");
		statements.push_back("DELETE FROM " + conn.Table("ducklake_data_file") + " WHERE data_file_id IN (" + list +
		                     ")");
	}
	if (!delete_files.empty()) {
		statements.push_back("DELETE FROM " + conn.Table("ducklake_delete_file") + " WHERE delete_file_id IN (" +
		                     IdList(delete_files) + ")");
	}
	static const char *VERSIONED_TABLES[] = {"ducklake_column", "ducklake_table",     "ducklake_view",
	                                         "ducklake_schema", "ducklake_tag",       "ducklake_column_tag",
	                                         "ducklake_partition_info"};
	auto inlined_columns = ColumnsOfInlinedRows(conn);
	if (conn.TableExists("ducklake_macro")) {
		// A macro's overloads and parameters are not versioned: they go with its row, before it.
		auto gone = "SELECT macro_id FROM " + conn.Table("ducklake_macro") + " x WHERE " + InvisibleCondition(conn, "x");
		for (auto table : {"ducklake_macro_parameters", "ducklake_macro_impl", "ducklake_macro"}) {
			statements.push_back("DELETE FROM " + conn.Table(table) + " WHERE macro_id IN (" + gone + ")");
		}
	}
	// A sort order's keys are not versioned either: they go with its ducklake_sort_info row.
	auto gone_sorts =
	    "SELECT sort_id FROM " + conn.Table("ducklake_sort_info") + " x WHERE " + InvisibleCondition(conn, "x");
	for (auto table : {"ducklake_sort_expression", "ducklake_sort_info"}) {
		statements.push_back("DELETE FROM " + conn.Table(table) + " WHERE sort_id IN (" + gone_sorts + ")");
	}
	for (auto table : VERSIONED_TABLES) {
		if (!conn.TableExists(table)) {
			continue;
		}
		auto condition = InvisibleCondition(conn, conn.Table(table));
		if (string(table) == "ducklake_column" && !inlined_columns.empty()) {
			// (NULL for an empty inlined-data table: that keeps nothing.)
			condition += " AND NOT COALESCE(" + inlined_columns + ", false)";
		}
		statements.push_back("DELETE FROM " + conn.Table(table) + " WHERE " + condition);
	}
	// A table no remaining snapshot has: its statistics and schema versions go with its last row.
	auto remaining_tables = "SELECT table_id FROM " + conn.Table("ducklake_table");
	for (auto table : {"ducklake_table_stats", "ducklake_table_column_stats", "ducklake_schema_versions"}) {
		statements.push_back("DELETE FROM " + conn.Table(table) + " WHERE table_id IS NOT NULL AND table_id NOT IN (" +
		                     remaining_tables + ")");
	}
	for (auto &statement : statements) {
		conn.Execute(statement);
	}
}

//! The snapshots a request expires, as the catalog is now; refuses the latest and missing versions.
vector<idx_t> SelectExpiredSnapshots(MetadataConnection &conn, DuckLakeCatalog &catalog,
                                     const ExpireSnapshotsRequest &request) {
	auto rows =
	    conn.Query("SELECT snapshot_id, snapshot_time FROM " + conn.Table("ducklake_snapshot") + " ORDER BY snapshot_id");
	if (rows.rows.empty()) {
		return {};
	}
	auto latest = RowId(rows.rows.back()[0]);
	set<idx_t> existing;
	for (auto &row : rows.rows) {
		existing.insert(RowId(row[0]));
	}
	set<idx_t> selected;
	for (auto version : request.versions) {
		if (version == latest) {
			throw InvalidInputException("Cannot expire snapshot %llu of lake \"%s\": it is the current snapshot",
			                            version, catalog.GetName());
		}
		if (!existing.count(version)) {
			throw InvalidInputException("Cannot expire snapshot %llu of lake \"%s\": no such snapshot (it may "
			                            "have been expired already)",
			                            version, catalog.GetName());
		}
		selected.insert(version);
	}
	if (request.has_older_than) {
		for (auto &row : rows.rows) {
			auto id = RowId(row[0]);
			if (id == latest || row[1].IsNull()) {
				continue;
			}
			auto time = Value(row[1].ToString()).DefaultCastAs(LogicalType::TIMESTAMP_TZ).GetValue<timestamp_tz_t>();
			if (time < request.older_than) {
				selected.insert(id);
			}
		}
	}
	return vector<idx_t>(selected.begin(), selected.end());
}

} // namespace

vector<idx_t> ExpireSnapshots(ClientContext &context, DuckLakeCatalog &catalog,
                              const ExpireSnapshotsRequest &request) {
	if (catalog.IsReadOnly() && !request.dry_run) {
		throw InvalidInputException("Cannot expire snapshots of lake \"%s\": it is attached read-only",
		                            catalog.GetName());
	}
	// Chosen now (the call returns them), expired when the transaction commits (its statement's, in
	// autocommit): a ROLLBACK or a statement that fails afterwards expires nothing, as in DuckLake.
	vector<idx_t> expired;
	LakeCommit::RunCatalogTransaction(context, catalog, [&](MetadataConnection &conn) {
		expired = SelectExpiredSnapshots(conn, catalog, request);
	});
	if (expired.empty() || request.dry_run) {
		return expired;
	}
	MaintenanceCommit step;
	auto data_path = catalog.DataPath();
	step.write = [expired, data_path](MetadataConnection &conn, const SnapshotMessage &) {
		// Those still there (another process may have expired some since; the latest never is).
		auto list = IdList(expired);
		conn.Execute("DELETE FROM " + conn.Table("ducklake_snapshot_changes") + " WHERE snapshot_id IN (" + list +
		             "); DELETE FROM " + conn.Table("ducklake_snapshot") + " WHERE snapshot_id IN (" + list + ")");
		// Inlined rows first: the column rows kept for them are those of the rows that remain.
		DropInvisibleInlinedData(conn);
		RemoveInvisibleRows(conn, data_path);
		return vector<string>();
	};
	MaintenanceCommit::Run(context, catalog, std::move(step));
	return expired;
}

MetadataFunctionResult ExpireSnapshotsFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                               TableFunctionBindInput &input, idx_t first_argument) {
	ExpireSnapshotsRequest request;
	MaintenanceParameters parameters(input, "expire_snapshots");
	request.versions = parameters.GetIds("versions");
	request.has_older_than = parameters.GetTimestamp("older_than", request.older_than);
	request.dry_run = parameters.GetBool("dry_run", false);
	if (request.versions.empty() && !request.has_older_than) {
		// As DuckLake: the lake's expire_older_than option ('1 week') stands in for older_than.
		request.has_older_than = OptionCutoff(context, catalog, "expire_older_than", request.older_than);
		if (!request.has_older_than) {
			throw InvalidInputException("ducklake_expire_snapshots needs versions => [...] or older_than => timestamp "
			                            "(or the lake's expire_older_than option)");
		}
	}
	MetadataFunctionResult result;
	result.names = {"snapshot_id"};
	result.types = {LogicalType::BIGINT};
	auto lake = &catalog;
	result.run = [lake, request](ClientContext &context) {
		vector<vector<Value>> rows;
		for (auto id : ExpireSnapshots(context, *lake, request)) {
			rows.push_back({Value::BIGINT(NumericCast<int64_t>(id))});
		}
		return rows;
	};
	return result;
}

} // namespace duckdb
