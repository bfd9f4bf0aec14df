#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/maintenance_parameters.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/maintenance_commit.hpp"
#include "mallard/storage/lake_paths.hpp"
#include "mallard/storage/lake_table_folders.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/common/unordered_set.hpp"
#include "duckdb/main/client_context.hpp"

namespace duckdb {

namespace {

timestamp_tz_t ParseCatalogTime(const Value &value) {
	return Value(value.ToString()).DefaultCastAs(LogicalType::TIMESTAMP_TZ).GetValue<timestamp_tz_t>();
}

//! A path's last component: data and delete file names carry a UUID, so they identify a file
//! however the folder part is spelled.
string FileName(const string &path) {
	auto slash = path.find_last_of("/\\");
	return slash == string::npos ? path : path.substr(slash + 1);
}

//! The call's older_than / cleanup_all / dry_run; without older_than or cleanup_all, files must be
//! older than the lake's delete_older_than option (1 day when unset).
FileCleanupRequest ParseCleanupRequest(ClientContext &context, DuckLakeCatalog &catalog, TableFunctionBindInput &input,
                                       const string &function_name) {
	FileCleanupRequest request;
	MaintenanceParameters parameters(input, function_name);
	bool has_older_than = parameters.GetTimestamp("older_than", request.older_than);
	request.cleanup_all = parameters.GetBool("cleanup_all", false);
	request.dry_run = parameters.GetBool("dry_run", false);
	if (has_older_than && request.cleanup_all) {
		throw InvalidInputException("Give either older_than or cleanup_all, not both");
	}
	if (!has_older_than && !request.cleanup_all &&
	    !OptionCutoff(context, catalog, "delete_older_than", request.older_than)) {
		request.older_than = timestamp_tz_t(Timestamp::GetCurrentTimestamp().value - Interval::MICROS_PER_DAY);
	}
	return request;
}

typedef vector<string> (*file_cleanup_t)(ClientContext &context, DuckLakeCatalog &catalog,
                                         const FileCleanupRequest &request);

//! One row per file path, computed when the query runs.
MetadataFunctionResult PathResult(DuckLakeCatalog &catalog, const FileCleanupRequest &request,
                                  file_cleanup_t cleanup) {
	MetadataFunctionResult result;
	result.names = {"path"};
	result.types = {LogicalType::VARCHAR};
	auto lake = &catalog;
	result.run = [lake, request, cleanup](ClientContext &context) {
		vector<vector<Value>> rows;
		for (auto &path : cleanup(context, *lake, request)) {
			rows.push_back({Value(path)});
		}
		return rows;
	};
	return result;
}

//! The full paths of every data and delete file the catalog still has a row for, in any table and
//! at any snapshot. A file added to two tables with ducklake_add_data_files has a row in each: when
//! one row is expired, the file is scheduled for deletion while the other still reads it.
unordered_set<string> ListedFilePaths(MetadataConnection &conn, const string &data_path) {
	auto folders = LakeTableFolders::Read(conn, data_path);
	unordered_set<string> result;
	for (auto table : {"ducklake_data_file", "ducklake_delete_file"}) {
		auto rows = conn.Query(string("SELECT table_id, path, path_is_relative FROM ") + conn.Table(table));
		for (auto &row : rows.rows) {
			if (row[1].IsNull()) {
				continue;
			}
			auto folder = row[0].IsNull() ? folders.end() : folders.find(NumericCast<idx_t>(row[0].GetValue<int64_t>()));
			result.insert(LakePaths::Resolve(folder == folders.end() ? data_path : folder->second, row[1].ToString(),
			                                 MetadataReader::ReadBool(row[2], true)));
		}
	}
	return result;
}

void CheckWritable(DuckLakeCatalog &catalog, const FileCleanupRequest &request) {
	if (catalog.IsReadOnly() && !request.dry_run) {
		throw InvalidInputException("Cannot delete files of lake \"%s\": it is attached read-only", catalog.GetName());
	}
}

} // namespace

vector<string> CleanupOldFiles(ClientContext &context, DuckLakeCatalog &catalog, const FileCleanupRequest &request) {
	CheckWritable(catalog, request);
	auto &data_path = catalog.DataPath();
	MetadataResult rows;
	unordered_set<string> listed;
	catalog.WithMetadata([&](MetadataConnection &conn) {
		rows = conn.Query("SELECT data_file_id, path, path_is_relative, schedule_start FROM " +
		                  conn.Table("ducklake_files_scheduled_for_deletion") + " ORDER BY schedule_start, data_file_id");
		if (!rows.rows.empty()) {
			listed = ListedFilePaths(conn, data_path);
		}
	});
	vector<string> paths;
	vector<pair<idx_t, string>> selected;
	for (auto &row : rows.rows) {
		if (!request.cleanup_all && !row[3].IsNull() && !(ParseCatalogTime(row[3]) < request.older_than)) {
			continue;
		}
		auto path = LakePaths::Resolve(data_path, row[1].ToString(), MetadataReader::ReadBool(row[2], true));
		// A file another row still lists stays; its schedule goes (that row schedules it when it ends).
		if (!listed.count(path)) {
			paths.push_back(path);
		}
		selected.emplace_back(NumericCast<idx_t>(row[0].GetValue<int64_t>()), row[1].ToString());
	}
	if (request.dry_run || selected.empty()) {
		return paths;
	}
	// Chosen now (the call returns them), deleted when the transaction commits (its statement's, in
	// autocommit): a ROLLBACK or a statement that fails afterwards deletes nothing.
	MaintenanceCommit step;
	auto &fs = FileSystem::GetFileSystem(context);
	step.write = [&fs, paths, selected](MetadataConnection &conn, const SnapshotMessage &) {
		// Files first, rows after: a process killed in between leaves rows whose files are gone, which
		// the next cleanup removes (deleting a missing file is no error).
		for (auto &path : paths) {
			fs.TryRemoveFile(path);
		}
		for (idx_t i = 0; i < selected.size(); i += 500) {
			string list;
			for (idx_t j = i; j < MinValue<idx_t>(selected.size(), i + 500); j++) {
				list += string(list.empty() ? "" : ", ") + std::to_string(selected[j].first);
			}
			conn.Execute("DELETE FROM " + conn.Table("ducklake_files_scheduled_for_deletion") +
			             " WHERE data_file_id IN (" + list + ")");
		}
		return vector<string>();
	};
	MaintenanceCommit::Run(context, catalog, std::move(step));
	return paths;
}

vector<string> DeleteOrphanedFiles(ClientContext &context, DuckLakeCatalog &catalog,
                                   const FileCleanupRequest &request) {
	CheckWritable(catalog, request);
	auto &fs = FileSystem::GetFileSystem(context);
	// List the files first: a file a writer adds after the catalog read below is younger than any
	// sensible older_than, and the known set can only grow.
	auto listed = fs.Glob(catalog.DataPath() + "**/*.parquet");
	unordered_set<string> known;
	catalog.WithMetadata([&](MetadataConnection &conn) {
		static const char *FILE_TABLES[] = {"ducklake_data_file", "ducklake_delete_file",
		                                    "ducklake_files_scheduled_for_deletion"};
		for (auto table : FILE_TABLES) {
			auto rows = conn.Query("SELECT path FROM " + conn.Table(table));
			for (auto &row : rows.rows) {
				if (!row[0].IsNull()) {
					known.insert(FileName(row[0].ToString()));
				}
			}
		}
	});
	vector<string> orphans;
	for (auto &file : listed) {
		if (known.count(FileName(file.path))) {
			continue;
		}
		if (!request.cleanup_all) {
			auto handle = fs.OpenFile(file.path, FileFlags::FILE_FLAGS_READ | FileFlags::FILE_FLAGS_NULL_IF_NOT_EXISTS);
			if (!handle) {
				continue;
			}
			auto modified = fs.GetLastModifiedTime(*handle);
			if (!(modified.value < request.older_than.value)) {
				continue;
			}
		}
		orphans.push_back(file.path);
	}
	if (!request.dry_run && !orphans.empty()) {
		// As CleanupOldFiles: deleted when the transaction commits.
		MaintenanceCommit step;
		step.write = [&fs, orphans](MetadataConnection &, const SnapshotMessage &) {
			for (auto &path : orphans) {
				fs.TryRemoveFile(path);
			}
			return vector<string>();
		};
		MaintenanceCommit::Run(context, catalog, std::move(step));
	}
	return orphans;
}

MetadataFunctionResult CleanupOldFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                               TableFunctionBindInput &input, idx_t first_argument) {
	return PathResult(catalog, ParseCleanupRequest(context, catalog, input, "cleanup_old_files"), CleanupOldFiles);
}

MetadataFunctionResult DeleteOrphanedFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                   TableFunctionBindInput &input, idx_t first_argument) {
	auto request = ParseCleanupRequest(context, catalog, input, "delete_orphaned_files");
	return PathResult(catalog, request, DeleteOrphanedFiles);
}

} // namespace duckdb
