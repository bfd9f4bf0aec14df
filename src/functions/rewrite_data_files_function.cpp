// ducklake_rewrite_data_files (DuckLake docs: "Rewrite Heavily Deleted Files"): a data file whose
// visible delete file removes at least `delete_threshold` of its rows is rewritten without them.
// How time travel and row ids stay exact:
// - every surviving row keeps its row id, written as _ducklake_internal_row_id (as UPDATE does),
//   so the scan and table_changes read the same row ids from the new file;
// - the new file begins, and the old data file and its delete file end, at a snapshot of their
//   own (changes_made rewrite_delete:ID), which table_changes skips as it changes no row; earlier
//   snapshots still read the old files, which expiry schedules for deletion like merged sources.
// - the commit checks that the data file and the delete file read are still the visible ones: a
//   DELETE that committed meanwhile makes the rewrite skip the file (nothing lost), and a DELETE
//   committing after the rewrite conflicts with it (LakeCommit::CheckDeleteConflicts).
#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/maintenance_parameters.hpp"
#include "mallard/functions/maintenance_progress.hpp"

#include "mallard/catalog/lake_options.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_writer.hpp"
#include "mallard/functions/table_changes_function.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/ducklake_insert.hpp"
#include "mallard/lake/ducklake_sort.hpp"
#include "mallard/lake/maintenance_commit.hpp"
#include "mallard/scan/data_file_reader.hpp"
#include "mallard/storage/file_encryption.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"

namespace duckdb {

namespace {

//! One rewritten file: the source, and the new file (none when every row was deleted).
struct RewrittenFile {
	DataFileInfo source;
	bool has_new_file = false;
	DataFileInfo new_file;
};

//! The new file's statistics: the source's bounds still hold for a subset of its rows; counts are
//! unknown except a null count of zero, which stays zero.
vector<ColumnStatsInfo> SubsetStats(const vector<ColumnStatsInfo> &source) {
	vector<ColumnStatsInfo> result;
	for (auto &stats : source) {
		ColumnStatsInfo subset;
		subset.column_id = stats.column_id;
		subset.min_value = stats.min_value;
		subset.max_value = stats.max_value;
		subset.contains_nan = stats.contains_nan;
		if (stats.null_count.IsValid() && stats.null_count.GetIndex() == 0) {
			subset.null_count = 0;
		}
		result.push_back(std::move(subset));
	}
	return result;
}

//! Writes the rows of `file` its delete file keeps into a new file of `folder`, with their row ids,
//! encrypted with `encryption_key` unless it is empty.
DataFileInfo WriteRewrittenFile(ClientContext &context, const LakeSortScope &scope, const LakeTableInfo &table,
                                const string &folder, const DataFileInfo &file, const DataFileWriteOptions &options,
                                const string &encryption_key) {
	auto source_path = LakePaths::Resolve(folder, file.path, file.path_is_relative);
	auto delete_path = LakePaths::Resolve(folder, file.delete_file.path, file.delete_file.path_is_relative);
	NameMappedFiles mapped;
	if (file.name_mapping) {
		mapped[source_path] = file.name_mapping;
	}
	EncryptedFiles encrypted;
	if (!file.encryption_key.empty()) {
		encrypted[source_path] = file.encryption_key;
	}
	// The columns are read as c0, c1, ... and file_row_number is read_parquet's virtual column,
	// qualified: no column name of the table can hide or capture it.
	auto select = StorageSelectList(table.columns, "f.c");
	select += "coalesce(f._ducklake_internal_row_id, " + std::to_string(file.row_id_start) +
	          " + f.file_row_number) AS _ducklake_internal_row_id, coalesce(f._ducklake_internal_snapshot_id, " +
	          std::to_string(file.begin_snapshot.GetIndex()) + ") AS _ducklake_internal_snapshot_id";
	string query = "SELECT " + select + " FROM " +
	               DataFileRead(MetadataConnection::Literal(source_path), table.columns, "c", mapped, encrypted) +
	               " f WHERE f.file_row_number NOT IN (SELECT pos FROM " +
	               ReadParquetSQL(delete_path, file.delete_file.encryption_key) + ")";
	// Rows keep their ids in a column, so a sorted table's file is written in its sort order.
	query = HasSortOrder(table) ? SortedQuery(context, scope, table, query, "_ducklake_internal_row_id")
	                            : query + " ORDER BY f.file_row_number";
	// The table's field ids plus those of the columns keeping each row's id and snapshot.
	auto copy_options = ParquetCopyOptions(FieldIdsWithInternal(table.columns, true, true), options);
	auto file_name = LakePaths::NewDataFileName();
	if (file.partition_id.IsValid()) {
		// Partitioned files live in their Hive folder: the new one goes beside its source.
		auto slash = file.path.rfind('/');
		if (file.path_is_relative && slash != string::npos) {
			file_name = file.path.substr(0, slash + 1) + file_name;
		}
	}
	auto rewritten = CopyToDataFile(context, query, copy_options, encryption_key, folder, file_name,
	                                file.record_count - file.delete_file.delete_count, "Rewriting a data file",
	                                table.name, table.columns);
	rewritten.row_id_start = file.row_id_start;
	rewritten.partition_id = file.partition_id;
	rewritten.partition_values = file.partition_values;
	rewritten.column_stats = SubsetStats(file.column_stats);
	return rewritten;
}

//! The catalog change of one table's rewrites, a new snapshot. Files whose data or delete file changed
//! since they were read (a concurrent delete, merge or rewrite) are left out, and their sources keep
//! has_delete_file false in `files` (read by the caller after a commit made at once).
MaintenanceCommit RewriteCommit(idx_t table_id, shared_ptr<vector<RewrittenFile>> files, const string &folder,
                                vector<string> written) {
	MaintenanceCommit step;
	step.written_files = written;
	step.makes_snapshot = true;
	step.write = [table_id, files, folder, written](MetadataConnection &conn, const SnapshotMessage &message) {
		// Read before checking what changed: a commit landing after this read takes the snapshot id this
		// one wants and fails it, while the checks (which see whatever committed before them on
		// PostgreSQL's read-committed transactions) cover every commit up to it.
		auto latest = MetadataReader::LatestSnapshot(conn);
		for (auto &file : *files) {
			file.source.has_delete_file = true;
		}
		auto live = conn.Query(
		    "SELECT (SELECT count(*) FROM " + conn.Table("ducklake_table") + " WHERE table_id = " +
		    std::to_string(table_id) + " AND end_snapshot IS NULL)");
		if (live.rows[0][0].GetValue<int64_t>() == 0) {
			return written;
		}
		vector<RewrittenFile *> still_valid;
		for (auto &file : *files) {
			auto check = conn.Query(
			    "SELECT (SELECT count(*) FROM " + conn.Table("ducklake_data_file") + " WHERE data_file_id = " +
			    std::to_string(file.source.data_file_id) + " AND end_snapshot IS NULL), (SELECT count(*) FROM " +
			    conn.Table("ducklake_delete_file") + " WHERE data_file_id = " +
			    std::to_string(file.source.data_file_id) + " AND end_snapshot IS NULL AND delete_file_id <> " +
			    std::to_string(file.source.delete_file.delete_file_id) + "), (SELECT count(*) FROM " +
			    conn.Table("ducklake_delete_file") + " WHERE delete_file_id = " +
			    std::to_string(file.source.delete_file.delete_file_id) + " AND end_snapshot IS NULL)");
			auto &row = check.rows[0];
			if (row[0].GetValue<int64_t>() == 1 && row[1].GetValue<int64_t>() == 0 && row[2].GetValue<int64_t>() == 1) {
				still_valid.push_back(&file);
			}
		}
		if (still_valid.empty()) {
			return written;
		}
		SnapshotInfo next = latest;
		next.snapshot_id = latest.snapshot_id + 1;
		next.snapshot_time = Timestamp::ToString(Timestamp::GetCurrentTimestamp()) + "+00";
		vector<DataFileInfo> new_files;
		idx_t old_bytes = 0, new_bytes = 0;
		for (auto file : still_valid) {
			// The table's file_size_bytes counts data files only (a DELETE adds none), as DuckLake's.
			old_bytes += file->source.file_size_bytes;
			if (file->has_new_file) {
				auto new_file = file->new_file;
				new_file.data_file_id = next.next_file_id++;
				new_bytes += new_file.file_size_bytes;
				new_files.push_back(std::move(new_file));
			}
		}
		SnapshotWriter writer(conn, next.snapshot_id);
		writer.AddDataFiles(table_id, new_files);
		for (auto file : still_valid) {
			// Ends the data file and its delete file.
			writer.EndDataFile(file->source.data_file_id);
		}
		TableStatsInfo stats;
		bool exists = MetadataReader::TryReadTableStats(conn, table_id, stats);
		stats.file_size_bytes = stats.file_size_bytes + new_bytes - MinValue(stats.file_size_bytes, old_bytes);
		writer.WriteTableStats(table_id, stats, exists);
		writer.AddSnapshot(next, "rewrite_delete:" + std::to_string(table_id), message.author, message.commit_message,
		                   Value());
		writer.Execute();
		// Only the files committed count as rewritten.
		for (auto &file : *files) {
			file.source.has_delete_file = false;
		}
		for (auto file : still_valid) {
			file->source.has_delete_file = true;
		}
		vector<string> left_out;
		for (auto &file : *files) {
			if (!file.source.has_delete_file && file.has_new_file) {
				left_out.push_back(folder + file.new_file.path);
			}
		}
		return left_out;
	};
	return step;
}

double ReadThreshold(const case_insensitive_map_t<string> &options, const RewriteFilesRequest &request) {
	if (!request.delete_threshold.IsNull()) {
		return request.delete_threshold.GetValue<double>();
	}
	auto entry = options.find("rewrite_delete_threshold");
	if (entry != options.end()) {
		return Value(entry->second).DefaultCastAs(LogicalType::DOUBLE).GetValue<double>();
	}
	return 0.95;
}

} // namespace

vector<RewriteFilesResult> RewriteDataFiles(ClientContext &context, DuckLakeCatalog &catalog,
                                            const RewriteFilesRequest &request) {
	if (catalog.IsReadOnly()) {
		throw InvalidInputException("Cannot rewrite files of lake \"%s\": it is attached read-only", catalog.GetName());
	}
	if (!request.delete_threshold.IsNull()) {
		auto threshold = request.delete_threshold.GetValue<double>();
		if (!(threshold >= 0 && threshold <= 1)) {
			throw InvalidInputException("delete_threshold must be between 0 and 1, not %s",
			                            request.delete_threshold.ToString());
		}
	}
	auto targets = SelectMaintenanceTables(context, catalog, request.schema_name, request.table_name);
	auto &snapshot = targets.snapshot;
	// Options set earlier in this transaction count (LakeOptions::ReadEffective).
	auto pending_options = DuckLakeTransaction::Get(context, catalog).GetPendingOptions();
	vector<RewriteFilesResult> results;
	auto &fs = FileSystem::GetFileSystem(context);
	MaintenanceProgress progress(context);
	for (auto &target : targets.tables) {
		auto &schema = *target.first;
		auto &table = *target.second;
		case_insensitive_map_t<string> options;
		vector<DataFileInfo> data_files;
		idx_t inexact_until = 0;
		catalog.WithMetadata([&](MetadataConnection &conn) {
			options = LakeOptions::ReadEffective(conn, schema.schema_id, table.table_id, {}, pending_options);
			data_files = MetadataReader::ReadDataFiles(conn, table.table_id, snapshot.snapshot_id);
			inexact_until = MetadataReader::ReadInexactPromotionEnd(conn, table);
		});
		auto threshold = ReadThreshold(options, request);
		auto files_ptr = make_shared_ptr<vector<RewrittenFile>>();
		auto &files = *files_ptr;
		for (auto &file : data_files) {
			// A file with deletes DuckLake kept in the catalog (DataFileInfo::inlined_deletes) is left
			// alone: the rewrite reads its delete file only.
			if (!file.has_delete_file || file.record_count == 0 || file.inlined_deletes) {
				continue;
			}
			// Written again in the column types now, its values would change (ReadInexactPromotionEnd).
			if (file.begin_snapshot.IsValid() && file.begin_snapshot.GetIndex() < inexact_until) {
				continue;
			}
			if (double(file.delete_file.delete_count) / double(file.record_count) < threshold) {
				continue;
			}
			RewrittenFile rewrite;
			rewrite.source = file;
			files.push_back(std::move(rewrite));
		}
		if (files.empty()) {
			continue;
		}
		auto write_options = DataFileWriteOptions::FromOptions(options);
		auto schema_folder = LakePaths::Resolve(catalog.DataPath(), schema.path, schema.path_is_relative);
		auto folder = LakePaths::Resolve(schema_folder, table.path, table.path_is_relative);
		vector<string> written;
		for (auto &file : files) {
			progress.AddTotal(file.source.file_size_bytes + 1);
		}
		auto encryption_key = catalog.NewFileKey();
		try {
			for (auto &file : files) {
				if (file.source.delete_file.delete_count < file.source.record_count) {
					file.new_file = WriteRewrittenFile(context, LakeSortScope {catalog.GetName(), schema.name}, table,
					                                   folder, file.source, write_options, encryption_key);
					file.has_new_file = true;
					written.push_back(folder + file.new_file.path);
				}
				progress.Advance(file.source.file_size_bytes + 1);
			}
		} catch (...) {
			// Nothing in the catalog points at these files.
			MaintenanceCommit::RemoveFiles(fs, written);
			throw;
		}
		auto step = RewriteCommit(table.table_id, files_ptr, folder, std::move(written));
		MaintenanceCommit::Run(context, catalog, std::move(step));
		RewriteFilesResult result;
		result.schema_name = schema.name;
		result.table_name = table.name;
		for (auto &file : files) {
			if (!file.source.has_delete_file) {
				// Changed concurrently: not rewritten (its new file is removed).
				continue;
			}
			result.files_processed++;
			result.rows_removed += file.source.delete_file.delete_count;
			if (file.has_new_file) {
				result.files_created++;
				result.bytes_written += file.new_file.file_size_bytes;
			}
		}
		if (result.files_processed > 0) {
			results.push_back(std::move(result));
		}
	}
	return results;
}

MetadataFunctionResult RewriteDataFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                TableFunctionBindInput &input, idx_t first_argument) {
	RewriteFilesRequest request;
	BindMaintenanceTableArguments(input, first_argument, "rewrite_data_files", request.schema_name, request.table_name);
	MaintenanceParameters parameters(input, "rewrite_data_files");
	request.delete_threshold = parameters.GetFraction("delete_threshold");
	MetadataFunctionResult result;
	result.names = {"schema_name", "table_name", "files_processed", "files_created", "rows_removed",
	                "bytes_written"};
	result.types = {LogicalType::VARCHAR, LogicalType::VARCHAR, LogicalType::BIGINT,
	                LogicalType::BIGINT,  LogicalType::BIGINT,  LogicalType::BIGINT};
	auto lake = &catalog;
	result.run = [lake, request](ClientContext &context) {
		vector<vector<Value>> rows;
		for (auto &rewritten : RewriteDataFiles(context, *lake, request)) {
			rows.push_back({Value(rewritten.schema_name), Value(rewritten.table_name),
			                Value::BIGINT(NumericCast<int64_t>(rewritten.files_processed)),
			                Value::BIGINT(NumericCast<int64_t>(rewritten.files_created)),
			                Value::BIGINT(NumericCast<int64_t>(rewritten.rows_removed)),
			                Value::BIGINT(NumericCast<int64_t>(rewritten.bytes_written))});
		}
		return rows;
	};
	return result;
}

} // namespace duckdb
