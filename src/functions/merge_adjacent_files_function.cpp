#include "mallard/functions/maintenance_functions.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/lake_options.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_writer.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/ducklake_insert.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"

namespace duckdb {

// How merging keeps time travel and row ids exact (DuckLake docs: "Merge Adjacent Files"):
// - only files whose row ids are contiguous are merged, in row id order, so the merged file's
//   rowid is row_id_start + position exactly as before (no _ducklake_internal_row_id needed);
// - the merged file begins at a new snapshot in which the source files end. Every earlier
//   snapshot still reads the source files, which stay until snapshot expiry no longer needs them
//   and cleanup deletes them; the rows of every snapshot are unchanged.
// - files with deletes or partition values, and files rewritten without their deleted rows (which
//   carry explicit row ids), are left alone for now.

namespace {

struct MergeSourceFile {
	DataFileInfo info;
	idx_t begin_snapshot = 0;
};

//! Drops the files that carry their row ids in a _ducklake_internal_row_id column (written by
//! UPDATE, MERGE or rewrite_data_files): merging copies rows by position, which would renumber
//! them. The column shows in the file's Parquet schema, which the merge reads anyway.
vector<MergeSourceFile> WithoutRowIdColumn(ClientContext &context, const string &folder,
                                           vector<MergeSourceFile> files) {
	if (files.empty()) {
		return files;
	}
	string paths;
	for (auto &file : files) {
		paths += string(paths.empty() ? "" : ", ") +
		         MetadataConnection::Literal(LakePaths::Resolve(folder, file.info.path, file.info.path_is_relative));
	}
	Connection connection(DatabaseInstance::GetDatabase(context));
	auto result = connection.Query("SELECT DISTINCT file_name FROM parquet_schema([" + paths +
	                               "]) WHERE field_id = " + std::to_string(MultiFileReader::ROW_ID_FIELD_ID));
	if (result->HasError()) {
		result->ThrowError("Merging files: reading their Parquet schemas: ");
	}
	unordered_set<string> with_row_ids;
	for (auto &row : *result) {
		with_row_ids.insert(row.GetValue<string>(0));
	}
	vector<MergeSourceFile> kept;
	for (auto &file : files) {
		if (!with_row_ids.count(LakePaths::Resolve(folder, file.info.path, file.info.path_is_relative))) {
			kept.push_back(std::move(file));
		}
	}
	return kept;
}

//! The merged file's column statistics, combined from its sources': bounds and counts stay known
//! only where every source's are.
vector<ColumnStatsInfo> CombineFileStats(const vector<LakeColumnInfo> &columns, const vector<MergeSourceFile> &files) {
	vector<const LakeColumnInfo *> leaves;
	CollectStatsColumns(columns, leaves);
	vector<ColumnStatsInfo> result;
	for (auto leaf : leaves) {
		ColumnStatsInfo merged;
		merged.column_id = leaf->column_id;
		bool bounds_known = true, nulls_known = true, values_known = true, size_known = true, nan_known = true;
		idx_t nulls = 0, values = 0, size = 0;
		bool nan = false;
		Value min, max;
		for (auto &file : files) {
			const ColumnStatsInfo *stats = nullptr;
			for (auto &candidate : file.info.column_stats) {
				if (candidate.column_id == leaf->column_id) {
					stats = &candidate;
				}
			}
			if (!stats) {
				bounds_known = nulls_known = values_known = size_known = nan_known = false;
				break;
			}
			Value file_min, file_max;
			if (stats->min_value.IsNull() || stats->max_value.IsNull() ||
			    !TryCastValue(stats->min_value, leaf->type, file_min) ||
			    !TryCastValue(stats->max_value, leaf->type, file_max)) {
				bounds_known = false;
			} else if (bounds_known) {
				if (min.IsNull() || file_min < min) {
					min = file_min;
				}
				if (max.IsNull() || file_max > max) {
					max = file_max;
				}
			}
			nulls_known = nulls_known && stats->null_count.IsValid();
			nulls += stats->null_count.IsValid() ? stats->null_count.GetIndex() : 0;
			values_known = values_known && stats->value_count.IsValid();
			values += stats->value_count.IsValid() ? stats->value_count.GetIndex() : 0;
			size_known = size_known && stats->column_size_bytes.IsValid();
			size += stats->column_size_bytes.IsValid() ? stats->column_size_bytes.GetIndex() : 0;
			nan_known = nan_known && !stats->contains_nan.IsNull();
			nan = nan || (!stats->contains_nan.IsNull() && stats->contains_nan.GetValue<bool>());
		}
		if (!size_known) {
			// Like the writer's "no statistics" columns: nothing about it is known.
			result.push_back(std::move(merged));
			continue;
		}
		merged.column_size_bytes = size;
		if (bounds_known && !min.IsNull()) {
			merged.min_value = Value(min.ToString());
			merged.max_value = Value(max.ToString());
		}
		if (nulls_known) {
			merged.null_count = nulls;
		}
		if (values_known) {
			merged.value_count = values;
		}
		if (nan_known) {
			merged.contains_nan = Value::BOOLEAN(nan);
		}
		result.push_back(std::move(merged));
	}
	return result;
}

//! The bytes a file's rows take once merged: its columns' data without the per-file footer and
//! headers, which dominate tiny files (the file size when the statistics do not say).
idx_t MergedSizeEstimate(const MergeSourceFile &file) {
	idx_t size = 0;
	for (auto &stats : file.info.column_stats) {
		if (!stats.column_size_bytes.IsValid()) {
			return file.info.file_size_bytes;
		}
		size += stats.column_size_bytes.GetIndex();
	}
	return size == 0 ? file.info.file_size_bytes : size;
}

//! Splits the live files (sorted by row id) into groups worth merging: runs of small files with
//! contiguous row ids, cut near the target size (estimated from column sizes).
vector<vector<MergeSourceFile>> PlanMergeGroups(vector<MergeSourceFile> files, idx_t target_size,
                                                const MergeFilesRequest &request, idx_t &budget) {
	std::sort(files.begin(), files.end(), [](const MergeSourceFile &a, const MergeSourceFile &b) {
		return a.info.row_id_start < b.info.row_id_start;
	});
	auto candidate = [&](const MergeSourceFile &file) {
		auto size = file.info.file_size_bytes;
		return size < target_size && size >= request.min_file_size &&
		       (!request.max_file_size.IsValid() || size <= request.max_file_size.GetIndex());
	};
	vector<vector<MergeSourceFile>> runs;
	for (idx_t i = 0; i < files.size(); i++) {
		if (!candidate(files[i])) {
			continue;
		}
		bool extends = !runs.empty() && i > 0 && candidate(files[i - 1]) &&
		               files[i - 1].info.row_id_start + files[i - 1].info.record_count == files[i].info.row_id_start;
		if (!extends) {
			runs.emplace_back();
		}
		runs.back().push_back(files[i]);
	}
	vector<vector<MergeSourceFile>> groups;
	for (auto &run : runs) {
		if (run.size() < 2) {
			continue;
		}
		vector<vector<MergeSourceFile>> run_groups;
		idx_t size = 0;
		for (auto &file : run) {
			auto estimate = MergedSizeEstimate(file);
			if (run_groups.empty() || (size + estimate > target_size && run_groups.back().size() > 1)) {
				run_groups.emplace_back();
				size = 0;
			}
			run_groups.back().push_back(file);
			size += estimate;
		}
		// A remainder under half the target joins the group before it (at most 1.5x the target)
		// instead of becoming the next small file.
		if (run_groups.size() > 1 && (run_groups.back().size() == 1 || size < target_size / 2)) {
			auto &previous = run_groups[run_groups.size() - 2];
			previous.insert(previous.end(), run_groups.back().begin(), run_groups.back().end());
			run_groups.pop_back();
		}
		for (auto &group : run_groups) {
			if (budget < 2) {
				return groups;
			}
			if (group.size() > budget) {
				group.resize(budget);
			}
			budget -= group.size();
			groups.push_back(std::move(group));
		}
	}
	return groups;
}

string QuoteIdentifier(const string &name) {
	return "\"" + StringUtil::Replace(name, "\"", "\"\"") + "\"";
}

//! Writes one group's rows, in row id order, into a new file through DuckDB's Parquet COPY (the
//! same writer inserts use, with the table's options). Returns the new file's description.
DataFileInfo WriteMergedFile(ClientContext &context, DuckLakeCatalog &catalog, const LakeSchemaInfo &schema,
                             const LakeTableInfo &table, idx_t snapshot_id, const string &folder,
                             const vector<MergeSourceFile> &group, const DataFileWriteOptions &options,
                             idx_t last_schema_change) {
	auto first_row = group.front().info.row_id_start;
	idx_t record_count = 0;
	for (auto &file : group) {
		record_count += file.info.record_count;
	}
	auto last_row = first_row + record_count - 1;
	string select;
	for (auto &column : table.columns) {
		auto storage = ParquetStorageType(column.type);
		auto name = QuoteIdentifier(column.name);
		select += string(select.empty() ? "" : ", ") +
		          (storage == column.type ? name : "CAST(" + name + " AS " + storage.ToString() + ") AS " + name);
	}
	auto file_name = LakePaths::NewDataFileName();
	auto path = folder + file_name;
	string copy_options = "FORMAT parquet, FIELD_IDS " + FieldIds(table.columns).ToSQLString() + ", COMPRESSION '" +
	                      options.compression + "', ROW_GROUP_SIZE " + std::to_string(options.row_group_size);
	if (options.compression_level.IsValid() && options.compression == "zstd") {
		copy_options += ", COMPRESSION_LEVEL " + std::to_string(options.compression_level.GetIndex());
	}
	string query;
	bool same_schema = true;
	for (auto &file : group) {
		same_schema = same_schema && file.begin_snapshot >= last_schema_change;
	}
	if (same_schema) {
		// Every source was written with the table's current columns: copy the stored values as they
		// are, file after file (each file's rows in order, the files in row id order).
		string files;
		for (auto &file : group) {
			files += string(files.empty() ? "" : ", ") +
			         MetadataConnection::Literal(LakePaths::Resolve(folder, file.info.path, file.info.path_is_relative));
		}
		query = "SELECT * FROM read_parquet([" + files + "])";
	} else {
		// The schema changed since: read through the lake, which maps old files to the current columns.
		query = "SELECT " + select + " FROM " + QuoteIdentifier(catalog.GetName()) + "." +
		        QuoteIdentifier(schema.name) + "." + QuoteIdentifier(table.name) + " AT (VERSION => " +
		        std::to_string(snapshot_id) + ") WHERE rowid BETWEEN " + std::to_string(first_row) + " AND " +
		        std::to_string(last_row) + " ORDER BY rowid";
	}
	auto sql = "COPY (" + query + ") TO " + MetadataConnection::Literal(path) + " (" + copy_options + ")";
	// A separate connection: the COPY is a query of its own, reading the lake at that snapshot.
	Connection connection(DatabaseInstance::GetDatabase(context));
	auto result = connection.Query(sql);
	auto &fs = FileSystem::GetFileSystem(context);
	if (result->HasError()) {
		fs.TryRemoveFile(path);
		result->ThrowError("Merging files of table " + table.name + ": ");
	}
	auto written = result->Fetch();
	idx_t written_rows = written && written->size() > 0 ? written->GetValue(0, 0).GetValue<int64_t>() : 0;
	if (written_rows != record_count) {
		fs.TryRemoveFile(path);
		throw IOException("Merging files of table %s: wrote %llu rows where the files hold %llu", table.name,
		                  written_rows, record_count);
	}
	DataFileInfo merged;
	merged.path = file_name;
	merged.path_is_relative = true;
	merged.record_count = record_count;
	merged.row_id_start = first_row;
	auto handle = fs.OpenFile(path, FileFlags::FILE_FLAGS_READ);
	merged.file_size_bytes = NumericCast<idx_t>(fs.GetFileSize(*handle));
	merged.column_stats = CombineFileStats(table.columns, group);
	return merged;
}

//! Commits one table's merged files as a new snapshot; false (nothing changed) when a concurrent
//! commit ended a source file, added deletes to it or dropped the table.
bool CommitMerge(DuckLakeCatalog &catalog, idx_t table_id, const vector<vector<MergeSourceFile>> &groups,
                 vector<DataFileInfo> &merged) {
	bool committed = false;
	LakeCommit::RunCatalogTransaction(catalog, [&](MetadataConnection &conn) {
		committed = false;
		string sources;
		idx_t source_count = 0;
		idx_t source_bytes = 0;
		for (auto &group : groups) {
			for (auto &file : group) {
				sources += string(sources.empty() ? "" : ", ") + std::to_string(file.info.data_file_id);
				source_count++;
				source_bytes += file.info.file_size_bytes;
			}
		}
		auto check = conn.Query(
		    "SELECT (SELECT count(*) FROM " + conn.Table("ducklake_table") + " WHERE table_id = " +
		    std::to_string(table_id) + " AND end_snapshot IS NULL), (SELECT count(*) FROM " +
		    conn.Table("ducklake_data_file") + " WHERE data_file_id IN (" + sources +
		    ") AND end_snapshot IS NULL), (SELECT count(*) FROM " + conn.Table("ducklake_delete_file") +
		    " WHERE data_file_id IN (" + sources + ") AND end_snapshot IS NULL)");
		auto &row = check.rows[0];
		if (row[0].GetValue<int64_t>() == 0 || idx_t(row[1].GetValue<int64_t>()) != source_count ||
		    row[2].GetValue<int64_t>() != 0) {
			return;
		}
		auto latest = MetadataReader::LatestSnapshot(conn);
		SnapshotInfo next = latest;
		next.snapshot_id = latest.snapshot_id + 1;
		next.snapshot_time = Timestamp::ToString(Timestamp::GetCurrentTimestamp()) + "+00";
		vector<DataFileInfo> files = merged;
		idx_t merged_bytes = 0;
		for (auto &file : files) {
			file.data_file_id = next.next_file_id++;
			merged_bytes += file.file_size_bytes;
		}
		SnapshotWriter writer(conn, next.snapshot_id);
		writer.AddDataFiles(table_id, files);
		TableStatsInfo stats;
		bool exists = MetadataReader::TryReadTableStats(conn, table_id, stats);
		stats.file_size_bytes = stats.file_size_bytes + merged_bytes - MinValue(stats.file_size_bytes, source_bytes);
		writer.WriteTableStats(table_id, stats, exists);
		writer.AddSnapshot(next, "compacted_table:" + std::to_string(table_id), Value(), Value(), Value());
		writer.Execute();
		conn.Execute("UPDATE " + conn.Table("ducklake_data_file") + " SET end_snapshot = " +
		             std::to_string(next.snapshot_id) + " WHERE data_file_id IN (" + sources + ")");
		committed = true;
	});
	return committed;
}

} // namespace

vector<MergeFilesResult> MergeAdjacentFiles(ClientContext &context, DuckLakeCatalog &catalog,
                                            const MergeFilesRequest &request) {
	if (catalog.IsReadOnly()) {
		throw InvalidInputException("Cannot merge files of lake \"%s\": it is attached read-only", catalog.GetName());
	}
	auto targets = SelectMaintenanceTables(catalog, request.schema_name, request.table_name);
	auto &snapshot = targets.snapshot;
	idx_t budget = request.max_compacted_files.IsValid() ? request.max_compacted_files.GetIndex() : NumericLimits<idx_t>::Maximum();
	vector<MergeFilesResult> results;
	auto &fs = FileSystem::GetFileSystem(context);
	for (auto &target : targets.tables) {
		auto &schema = *target.first;
		auto &table = *target.second;
		case_insensitive_map_t<string> options;
		vector<MergeSourceFile> files;
		catalog.WithMetadata([&](MetadataConnection &conn) {
			options = LakeOptions::ReadEffective(conn, schema.schema_id, table.table_id);
			auto with_stats = MetadataReader::ReadDataFiles(conn, table.table_id, snapshot.snapshot_id);
			unordered_map<idx_t, DataFileInfo *> by_id;
			for (auto &file : with_stats) {
				by_id[file.data_file_id] = &file;
			}
			auto rows = conn.Query(
			    "SELECT f.data_file_id, f.begin_snapshot FROM " + conn.Table("ducklake_data_file") +
			    " f WHERE f.table_id = " + std::to_string(table.table_id) + " AND " +
			    MetadataReader::VisibleAt(snapshot.snapshot_id, "f") +
			    " AND f.partition_id IS NULL AND NOT EXISTS (SELECT 1 FROM " + conn.Table("ducklake_delete_file") +
			    " d WHERE d.data_file_id = f.data_file_id AND " + MetadataReader::VisibleAt(snapshot.snapshot_id, "d") +
			    ")"
			    // Files written by rewrite_data_files keep their row ids in a column: their positions
			    // no longer follow row_id_start (a LIKE that may also match longer ids only skips more).
			    " AND f.begin_snapshot NOT IN (SELECT snapshot_id FROM " + conn.Table("ducklake_snapshot_changes") +
			    " WHERE changes_made LIKE '%rewrite_delete:" + std::to_string(table.table_id) + "%')");
			for (auto &row : rows.rows) {
				auto entry = by_id.find(NumericCast<idx_t>(row[0].GetValue<int64_t>()));
				if (entry == by_id.end()) {
					continue;
				}
				MergeSourceFile file;
				file.info = *entry->second;
				file.begin_snapshot = NumericCast<idx_t>(row[1].GetValue<int64_t>());
				files.push_back(std::move(file));
			}
		});
		idx_t last_schema_change = 0;
		catalog.WithMetadata([&](MetadataConnection &conn) {
			auto rows = conn.Query("SELECT max(begin_snapshot), max(end_snapshot) FROM " +
			                       conn.Table("ducklake_column") + " WHERE table_id = " + std::to_string(table.table_id));
			for (auto &value : rows.rows[0]) {
				if (!value.IsNull()) {
					last_schema_change = MaxValue<idx_t>(last_schema_change, NumericCast<idx_t>(value.GetValue<int64_t>()));
				}
			}
		});
		auto write_options = DataFileWriteOptions::FromOptions(options);
		auto schema_folder = LakePaths::Resolve(catalog.DataPath(), schema.path, schema.path_is_relative);
		auto folder = LakePaths::Resolve(schema_folder, table.path, table.path_is_relative);
		files = WithoutRowIdColumn(context, folder, std::move(files));
		auto groups = PlanMergeGroups(std::move(files), write_options.target_file_size, request, budget);
		if (groups.empty()) {
			continue;
		}
		vector<DataFileInfo> merged;
		vector<string> written;
		MergeFilesResult result;
		result.schema_name = schema.name;
		result.table_name = table.name;
		try {
			for (auto &group : groups) {
				merged.push_back(
				    WriteMergedFile(context, catalog, schema, table, snapshot.snapshot_id, folder, group, write_options,
				                    last_schema_change));
				written.push_back(folder + merged.back().path);
				result.files_processed += group.size();
				result.bytes_written += merged.back().file_size_bytes;
			}
			result.files_created = merged.size();
			if (!CommitMerge(catalog, table.table_id, groups, merged)) {
				for (auto &path : written) {
					fs.TryRemoveFile(path);
				}
				continue;
			}
		} catch (...) {
			// Nothing in the catalog points at these files.
			for (auto &path : written) {
				fs.TryRemoveFile(path);
			}
			throw;
		}
		results.push_back(std::move(result));
	}
	return results;
}

MetadataFunctionResult MergeAdjacentFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                  TableFunctionBindInput &input, idx_t first_argument) {
	MergeFilesRequest request;
	BindMaintenanceTableArguments(input, first_argument, "merge_adjacent_files", request.schema_name, request.table_name);
	for (auto &parameter : input.named_parameters) {
		auto name = StringUtil::Lower(parameter.first);
		if (parameter.second.IsNull()) {
			continue;
		}
		if (name == "max_compacted_files") {
			request.max_compacted_files = parameter.second.GetValue<uint64_t>();
		} else if (name == "min_file_size") {
			request.min_file_size = parameter.second.GetValue<uint64_t>();
		} else if (name == "max_file_size") {
			request.max_file_size = parameter.second.GetValue<uint64_t>();
		}
	}
	MetadataFunctionResult result;
	result.names = {"schema_name", "table_name", "files_processed", "files_created", "bytes_written"};
	result.types = {LogicalType::VARCHAR, LogicalType::VARCHAR, LogicalType::BIGINT, LogicalType::BIGINT,
	                LogicalType::BIGINT};
	auto lake = &catalog;
	result.run = [lake, request](ClientContext &context) {
		vector<vector<Value>> rows;
		for (auto &merged : MergeAdjacentFiles(context, *lake, request)) {
			rows.push_back({Value(merged.schema_name), Value(merged.table_name),
			                Value::BIGINT(NumericCast<int64_t>(merged.files_processed)),
			                Value::BIGINT(NumericCast<int64_t>(merged.files_created)),
			                Value::BIGINT(NumericCast<int64_t>(merged.bytes_written))});
		}
		return rows;
	};
	return result;
}

} // namespace duckdb
