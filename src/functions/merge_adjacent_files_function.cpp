#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/maintenance_parameters.hpp"
#include "mallard/functions/maintenance_progress.hpp"

#include "mallard/catalog/ducklake_types.hpp"
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

// How merging keeps time travel and row ids exact (DuckLake docs: "Merge Adjacent Files"):
// - small files are merged per partition (same partition spec and values, into the partition's
//   folder), in row id order. When the group's row ids are contiguous, no source has deletes and
//   none carries explicit row ids, the merged file's rowid is row_id_start + position as before.
//   Otherwise the merged file holds only the live rows and keeps every row's id in a
//   _ducklake_internal_row_id column (as UPDATE and rewrite_data_files write it);
// - the merged file begins at a new snapshot in which the source files and their delete files
//   end. Every earlier snapshot still reads the sources with their deletes, which stay until
//   snapshot expiry no longer needs them and cleanup deletes them; table_changes skips the merge
//   snapshot (compacted_table), which changes no row;
// - the commit checks that every source and its delete file are still the visible ones: a DELETE
//   that committed meanwhile makes the merge skip the table (nothing lost), and a DELETE of a
//   source committing after the merge conflicts with it (LakeCommit::CheckDeleteConflicts).

namespace {

struct MergeSourceFile {
	DataFileInfo info;
	idx_t begin_snapshot = 0;
	//! The file keeps its row ids in a _ducklake_internal_row_id column.
	bool has_row_id_column = false;
	//! The file keeps the snapshot that inserted each row in a _ducklake_internal_snapshot_id column.
	bool has_snapshot_column = false;

	idx_t LiveRows() const {
		return info.record_count - info.DeletedCount();
	}
};

//! Marks the files that carry their row ids in a _ducklake_internal_row_id column (written by
//! UPDATE, MERGE or rewrite_data_files): their positions no longer give their row ids; and those
//! that carry each row's snapshot (written by merges, flushes and rewrites). The columns show in the
//! file's Parquet schema.
void MarkInternalColumns(ClientContext &context, const string &folder, vector<MergeSourceFile> &files) {
	if (files.empty()) {
		return;
	}
	Connection connection(DatabaseInstance::GetDatabase(context));
	string paths;
	unordered_set<string> with_row_ids, with_snapshots;
	for (auto &file : files) {
		auto path = LakePaths::Resolve(folder, file.info.path, file.info.path_is_relative);
		if (file.info.encryption_key.empty()) {
			paths += string(paths.empty() ? "" : ", ") + MetadataConnection::Literal(path);
			continue;
		}
		// parquet_schema cannot read an encrypted footer: the reader's columns show the row id
		// column by the name every writer gives it.
		auto columns = connection.Query("SELECT * FROM " + ReadParquetSQL(path, file.info.encryption_key) + " LIMIT 0");
		if (columns->HasError()) {
			columns->ThrowError("Merging files: reading the schema of \"" + path + "\": ");
		}
		auto &names = columns->names;
		if (std::find(names.begin(), names.end(), "_ducklake_internal_row_id") != names.end()) {
			with_row_ids.insert(path);
		}
		if (std::find(names.begin(), names.end(), "_ducklake_internal_snapshot_id") != names.end()) {
			with_snapshots.insert(path);
		}
	}
	if (!paths.empty()) {
		auto result = connection.Query(StringUtil::Format(
		    "SELECT DISTINCT file_name, field_id FROM parquet_schema([%s]) WHERE field_id IN (%d, %d)", paths,
		    MultiFileReader::ROW_ID_FIELD_ID, MultiFileReader::LAST_UPDATED_SEQUENCE_NUMBER_ID));
		if (result->HasError()) {
			result->ThrowError("Merging files: reading their Parquet schemas: ");
		}
		for (auto &row : *result) {
			auto &marked = row.GetValue<int32_t>(1) == MultiFileReader::ROW_ID_FIELD_ID ? with_row_ids : with_snapshots;
			marked.insert(row.GetValue<string>(0));
		}
	}
	for (auto &file : files) {
		auto path = LakePaths::Resolve(folder, file.info.path, file.info.path_is_relative);
		file.has_row_id_column = with_row_ids.count(path) > 0;
		file.has_snapshot_column = with_snapshots.count(path) > 0;
	}
}

//! Files are merged only with files of the same partition: same spec and same values.
string PartitionKey(const DataFileInfo &file) {
	if (!file.partition_id.IsValid()) {
		return string();
	}
	auto values = file.partition_values;
	std::sort(values.begin(), values.end(), [](const FilePartitionValue &a, const FilePartitionValue &b) {
		return a.partition_key_index < b.partition_key_index;
	});
	string key = std::to_string(file.partition_id.GetIndex());
	for (auto &value : values) {
		key += "/" + std::to_string(value.partition_key_index) + "=" +
		       (value.is_null ? string("NULL") : std::to_string(value.value.size()) + ":" + value.value);
	}
	return key;
}

//! The merged file's column statistics, combined from its sources': bounds and counts stay known
//! only where every source's are.
vector<ColumnStatsInfo> CombineFileStats(const vector<LakeColumnInfo> &columns, const vector<MergeSourceFile> &files) {
	// Deleted rows leave bounds valid for the rest, but their counts unknown (a null count of zero stays zero).
	bool has_deletes = false;
	for (auto &file : files) {
		has_deletes = has_deletes || file.info.has_delete_file;
	}
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
		if (nulls_known && (!has_deletes || nulls == 0)) {
			merged.null_count = nulls;
		}
		if (values_known && !has_deletes) {
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
			size = 0;
			break;
		}
		size += stats.column_size_bytes.GetIndex();
	}
	if (size == 0) {
		size = file.info.file_size_bytes;
	}
	// Deleted rows are not copied.
	return file.info.record_count == 0 ? size : size * file.LiveRows() / file.info.record_count;
}

//! Splits the live files into groups worth merging: the small files of each partition in row id
//! order, cut near the target size (estimated from column sizes and live rows).
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
	// One run per partition, in the order the partitions first appear.
	vector<vector<MergeSourceFile>> runs;
	unordered_map<string, idx_t> run_of_partition;
	for (auto &file : files) {
		if (!candidate(file)) {
			continue;
		}
		auto key = PartitionKey(file.info);
		auto entry = run_of_partition.find(key);
		if (entry == run_of_partition.end()) {
			entry = run_of_partition.emplace(key, runs.size()).first;
			runs.emplace_back();
		}
		runs[entry->second].push_back(std::move(file));
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

//! True when the group's rows can be copied as they are: row ids contiguous in file order, no
//! deletes and no explicit row ids, so rowid stays row_id_start + position in the merged file.
bool KeepsPositionalRowIds(const vector<MergeSourceFile> &group) {
	for (idx_t i = 0; i < group.size(); i++) {
		auto &file = group[i];
		if (file.info.has_delete_file || file.has_row_id_column) {
			return false;
		}
		if (i > 0 && group[i - 1].info.row_id_start + group[i - 1].info.record_count != file.info.row_id_start) {
			return false;
		}
	}
	return true;
}

//! The live rows of the group's files, mapped to the table's current columns by field id (named
//! c0, c1, ... whatever the table calls them), with each row's id as row_id: its
//! _ducklake_internal_row_id, else row_id_start + position; and the snapshot that inserted it as
//! snapshot: its _ducklake_internal_snapshot_id, else the file's begin_snapshot. filename and
//! file_row_number are read_parquet's virtual columns, which no column of the file can hide.
string LiveRowsQuery(const LakeTableInfo &table, const string &folder, const vector<MergeSourceFile> &group) {
	string select;
	for (idx_t i = 0; i < table.columns.size(); i++) {
		select += "f.c" + std::to_string(i) + ", ";
	}
	string files, starts, delete_of;
	vector<pair<string, string>> deletes;
	NameMappedFiles mapped;
	EncryptedFiles encrypted;
	for (auto &file : group) {
		auto full_path = LakePaths::Resolve(folder, file.info.path, file.info.path_is_relative);
		if (file.info.name_mapping) {
			mapped[full_path] = file.info.name_mapping;
		}
		if (!file.info.encryption_key.empty()) {
			encrypted[full_path] = file.info.encryption_key;
		}
		auto path = MetadataConnection::Literal(full_path);
		files += string(files.empty() ? "" : ", ") + path;
		starts += StringUtil::Format("%s(%s, %llu, %llu)", starts.empty() ? "" : ", ", path, file.info.row_id_start,
		                             file.begin_snapshot);
		if (file.info.has_delete_file) {
			auto delete_path =
			    LakePaths::Resolve(folder, file.info.delete_file.path, file.info.delete_file.path_is_relative);
			deletes.emplace_back(delete_path, file.info.delete_file.encryption_key);
			delete_of += string(delete_of.empty() ? "" : ", ") + "(" + MetadataConnection::Literal(delete_path) +
			             ", " + path + ")";
		}
	}
	auto query = "SELECT " + select +
	             "coalesce(f._ducklake_internal_row_id, s.row_id_start + f.file_row_number) AS row_id, "
	             "coalesce(f._ducklake_internal_snapshot_id, s.begin_snapshot) AS snapshot FROM " +
	             DataFileRead("[" + files + "]", table.columns, "c", mapped, encrypted) + " f JOIN (VALUES " + starts +
	             ") s(file_name, row_id_start, begin_snapshot) ON f.filename = s.file_name";
	if (!deletes.empty()) {
		query += " ANTI JOIN (SELECT m.file_name, d.pos FROM (" + ReadParquetFilesSQL("filename, pos", deletes) +
		         ") d JOIN (VALUES " + delete_of +
		         ") m(delete_name, file_name) ON d.filename = m.delete_name) x ON x.file_name = f.filename AND x.pos = "
		         "f.file_row_number";
	}
	return query;
}

//! Writes one group's live rows, in row id order, into a new file through DuckDB's Parquet COPY
//! (the same writer inserts use, with the table's options), encrypted with `encryption_key` unless it
//! is empty. Returns the new file's description.
DataFileInfo WriteMergedFile(ClientContext &context, const LakeSortScope &scope, const LakeTableInfo &table,
                             const string &folder, const vector<MergeSourceFile> &group,
                             const DataFileWriteOptions &options, idx_t last_schema_change,
                             const string &encryption_key) {
	idx_t record_count = 0;
	for (auto &file : group) {
		record_count += file.LiveRows();
	}
	auto file_name = LakePaths::NewDataFileName();
	auto &first = group.front().info;
	if (first.partition_id.IsValid()) {
		// Partitioned files live in their Hive folder: the merged one goes there too.
		auto slash = first.path.rfind('/');
		if (first.path_is_relative && slash != string::npos) {
			file_name = first.path.substr(0, slash + 1) + file_name;
		}
	}
	// A sorted table's rows are written in its sort order: each keeps its row id in a column.
	bool sorted = HasSortOrder(table);
	bool positional = !sorted && KeepsPositionalRowIds(group);
	bool same_schema = true;
	bool any_encrypted = false;
	// Every row keeps the snapshot that inserted it (as in DuckLake's merged files); read_parquet
	// copies that column only when all sources have it, or adds it when none has.
	idx_t with_snapshots = 0;
	for (auto &file : group) {
		// A name-mapped file's columns are not the table's: it is read through its mapping.
		same_schema = same_schema && file.begin_snapshot >= last_schema_change && !file.info.name_mapping;
		any_encrypted = any_encrypted || !file.info.encryption_key.empty();
		with_snapshots += file.has_snapshot_column;
	}
	bool same_internal_columns = with_snapshots == 0 || with_snapshots == group.size();
	for (auto &column : table.columns) {
		// A column of this name would hide read_parquet's virtual file_index.
		same_internal_columns = same_internal_columns && !StringUtil::CIEquals(column.name, "file_index");
	}
	string query;
	// read_parquet takes one key per call: encrypted files go through the lake's reader below.
	if (positional && same_schema && !any_encrypted && same_internal_columns) {
		// Every source was written with the table's current columns: copy the stored values as they
		// are, file after file (each file's rows in order, the files in row id order).
		string files, snapshots;
		for (auto &file : group) {
			files += string(files.empty() ? "" : ", ") +
			         MetadataConnection::Literal(LakePaths::Resolve(folder, file.info.path, file.info.path_is_relative));
			snapshots += string(snapshots.empty() ? "" : ", ") + std::to_string(file.begin_snapshot);
		}
		auto snapshot = with_snapshots ? string() : ", [" + snapshots + "][(file_index + 1)::BIGINT] AS "
		                                                               "_ducklake_internal_snapshot_id";
		query = "SELECT *" + snapshot + " FROM read_parquet([" + files + "])";
	} else {
		// Qualified, so a table column named row_id (an output alias here) cannot capture it.
		query = "SELECT " + StorageSelectList(table.columns, "live.c") +
		        (positional ? "" : "live.row_id AS _ducklake_internal_row_id, ") +
		        "live.snapshot AS _ducklake_internal_snapshot_id FROM (" + LiveRowsQuery(table, folder, group) +
		        ") live";
		query = sorted ? SortedQuery(context, scope, table, query, "_ducklake_internal_row_id")
		               : query + " ORDER BY live.row_id";
	}
	auto copy_options = ParquetCopyOptions(FieldIdsWithInternal(table.columns, !positional, true), options);
	auto merged = CopyToDataFile(context, query, copy_options, encryption_key, folder, file_name, record_count,
	                             "Merging files", table.name, table.columns);
	merged.row_id_start = first.row_id_start;
	merged.partition_id = first.partition_id;
	merged.partition_values = first.partition_values;
	merged.column_stats = CombineFileStats(table.columns, group);
	return merged;
}

//! The catalog change of one table's merged files, a new snapshot; it leaves them out (changes
//! nothing) when a commit since the merge read the catalog ended a source file, changed its deletes or
//! dropped the table.
MaintenanceCommit MergeCommit(idx_t table_id, vector<vector<MergeSourceFile>> groups, vector<DataFileInfo> merged,
                              vector<string> written) {
	MaintenanceCommit step;
	step.written_files = written;
	step.makes_snapshot = true;
	step.write = [table_id, groups, merged, written](MetadataConnection &conn, const SnapshotMessage &message) {
		// Read before checking what changed: a commit landing after this read takes the snapshot id this
		// one wants and fails it, while the checks (which see whatever committed before them on
		// PostgreSQL's read-committed transactions) cover every commit up to it.
		auto latest = MetadataReader::LatestSnapshot(conn);
		string sources;
		idx_t source_count = 0;
		// The table's file_size_bytes counts data files only (a DELETE adds none), as DuckLake's.
		idx_t source_bytes = 0;
		// The delete file each source was read with (none: absent from the map).
		unordered_map<idx_t, idx_t> delete_file_read;
		for (auto &group : groups) {
			for (auto &file : group) {
				sources += string(sources.empty() ? "" : ", ") + std::to_string(file.info.data_file_id);
				source_count++;
				source_bytes += file.info.file_size_bytes;
				if (file.info.has_delete_file) {
					delete_file_read[file.info.data_file_id] = file.info.delete_file.delete_file_id;
				}
			}
		}
		auto check = conn.Query(
		    "SELECT (SELECT count(*) FROM " + conn.Table("ducklake_table") + " WHERE table_id = " +
		    std::to_string(table_id) + " AND end_snapshot IS NULL), (SELECT count(*) FROM " +
		    conn.Table("ducklake_data_file") + " WHERE data_file_id IN (" + sources + ") AND end_snapshot IS NULL)");
		auto &row = check.rows[0];
		if (row[0].GetValue<int64_t>() == 0 || idx_t(row[1].GetValue<int64_t>()) != source_count) {
			return written;
		}
		auto deletes = conn.Query("SELECT data_file_id, delete_file_id FROM " + conn.Table("ducklake_delete_file") +
		                          " WHERE data_file_id IN (" + sources + ") AND end_snapshot IS NULL");
		if (deletes.RowCount() != delete_file_read.size()) {
			return written;
		}
		for (auto &delete_row : deletes.rows) {
			auto entry = delete_file_read.find(NumericCast<idx_t>(delete_row[0].GetValue<int64_t>()));
			if (entry == delete_file_read.end() ||
			    entry->second != NumericCast<idx_t>(delete_row[1].GetValue<int64_t>())) {
				return written;
			}
		}
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
		writer.AddSnapshot(next, "compacted_table:" + std::to_string(table_id), message.author, message.commit_message,
		                   Value());
		writer.Execute();
		conn.Execute("UPDATE " + conn.Table("ducklake_data_file") + " SET end_snapshot = " +
		             std::to_string(next.snapshot_id) + " WHERE data_file_id IN (" + sources + ")");
		if (!delete_file_read.empty()) {
			conn.Execute("UPDATE " + conn.Table("ducklake_delete_file") + " SET end_snapshot = " +
			             std::to_string(next.snapshot_id) + " WHERE data_file_id IN (" + sources +
			             ") AND end_snapshot IS NULL");
		}
		return vector<string>();
	};
	return step;
}

//! What merging one table does: its groups, planned before any file is written.
struct TableMergePlan {
	TableMergePlan(const LakeSchemaInfo &schema, const LakeTableInfo &table) : schema(schema), table(table) {
	}
	const LakeSchemaInfo &schema;
	const LakeTableInfo &table;
	string folder;
	DataFileWriteOptions write_options;
	idx_t last_schema_change = 0;
	vector<vector<MergeSourceFile>> groups;
};

idx_t GroupSizeEstimate(const vector<MergeSourceFile> &group) {
	idx_t size = 0;
	for (auto &file : group) {
		size += MergedSizeEstimate(file);
	}
	return MaxValue<idx_t>(size, 1);
}

} // namespace

vector<MergeFilesResult> MergeAdjacentFiles(ClientContext &context, DuckLakeCatalog &catalog,
                                            const MergeFilesRequest &request) {
	if (catalog.IsReadOnly()) {
		throw InvalidInputException("Cannot merge files of lake \"%s\": it is attached read-only", catalog.GetName());
	}
	auto targets = SelectMaintenanceTables(context, catalog, request.schema_name, request.table_name);
	auto &snapshot = targets.snapshot;
	// Options set earlier in this transaction count (LakeOptions::ReadEffective).
	auto pending_options = DuckLakeTransaction::Get(context, catalog).GetPendingOptions();
	idx_t budget = request.max_compacted_files.IsValid() ? request.max_compacted_files.GetIndex() : NumericLimits<idx_t>::Maximum();
	// Every table is planned first, so the progress shown covers the whole call.
	vector<TableMergePlan> plans;
	MaintenanceProgress progress(context);
	for (auto &target : targets.tables) {
		auto &schema = *target.first;
		auto &table = *target.second;
		TableMergePlan plan(schema, table);
		case_insensitive_map_t<string> options;
		vector<MergeSourceFile> files;
		bool excluded = false;
		catalog.WithMetadata([&](MetadataConnection &conn) {
			options = LakeOptions::ReadEffective(conn, schema.schema_id, table.table_id, {}, pending_options);
			excluded = options["auto_compact"] == "false";
			if (excluded) {
				return;
			}
			auto inexact_until = MetadataReader::ReadInexactPromotionEnd(conn, table);
			for (auto &info : MetadataReader::ReadDataFiles(conn, table.table_id, snapshot.snapshot_id)) {
				if (info.inlined_deletes) {
					// DuckLake's small deletes kept in the catalog (DataFileInfo::inlined_deletes): merged,
					// the rows would come back. Left as they are, as DuckLake leaves them.
					continue;
				}
				if (info.begin_snapshot.IsValid() && info.begin_snapshot.GetIndex() < inexact_until) {
					// Written again in the column types now, its values would change: left as it is
					// (ReadInexactPromotionEnd), as DuckLake keeps such files' own types.
					continue;
				}
				MergeSourceFile file;
				file.info = std::move(info);
				file.begin_snapshot = file.info.begin_snapshot.IsValid() ? file.info.begin_snapshot.GetIndex() : 0;
				files.push_back(std::move(file));
			}
			auto rows = conn.Query("SELECT max(begin_snapshot), max(end_snapshot) FROM " +
			                       conn.Table("ducklake_column") + " WHERE table_id = " + std::to_string(table.table_id));
			for (auto &value : rows.rows[0]) {
				if (!value.IsNull()) {
					plan.last_schema_change =
					    MaxValue<idx_t>(plan.last_schema_change, NumericCast<idx_t>(value.GetValue<int64_t>()));
				}
			}
		});
		if (excluded) {
			continue; // set_option('auto_compact', false)
		}
		plan.write_options = DataFileWriteOptions::FromOptions(options);
		auto schema_folder = LakePaths::Resolve(catalog.DataPath(), schema.path, schema.path_is_relative);
		plan.folder = LakePaths::Resolve(schema_folder, table.path, table.path_is_relative);
		plan.groups = PlanMergeGroups(std::move(files), plan.write_options.target_file_size, request, budget);
		if (plan.groups.empty()) {
			continue;
		}
		for (auto &group : plan.groups) {
			MarkInternalColumns(context, plan.folder, group);
			progress.AddTotal(GroupSizeEstimate(group));
		}
		plans.push_back(std::move(plan));
	}
	vector<MergeFilesResult> results;
	auto &fs = FileSystem::GetFileSystem(context);
	for (auto &plan : plans) {
		auto &table = plan.table;
		vector<DataFileInfo> merged;
		vector<string> written;
		MergeFilesResult result;
		result.schema_name = plan.schema.name;
		result.table_name = table.name;
		auto encryption_key = catalog.NewFileKey();
		LakeSortScope scope {catalog.GetName(), plan.schema.name};
		try {
			for (auto &group : plan.groups) {
				merged.push_back(WriteMergedFile(context, scope, table, plan.folder, group, plan.write_options,
				                                 plan.last_schema_change, encryption_key));
				written.push_back(plan.folder + merged.back().path);
				result.files_processed += group.size();
				result.bytes_written += merged.back().file_size_bytes;
				progress.Advance(GroupSizeEstimate(group));
			}
			result.files_created = merged.size();
		} catch (...) {
			// Nothing in the catalog points at these files.
			MaintenanceCommit::RemoveFiles(fs, written);
			throw;
		}
		auto step = MergeCommit(table.table_id, plan.groups, std::move(merged), std::move(written));
		if (!MaintenanceCommit::Run(context, catalog, std::move(step)).empty()) {
			continue;
		}
		results.push_back(std::move(result));
	}
	return results;
}

MetadataFunctionResult MergeAdjacentFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                  TableFunctionBindInput &input, idx_t first_argument) {
	MergeFilesRequest request;
	BindMaintenanceTableArguments(input, first_argument, "merge_adjacent_files", request.schema_name, request.table_name);
	MaintenanceParameters parameters(input, "merge_adjacent_files");
	request.max_compacted_files = parameters.GetCount("max_compacted_files");
	auto min_file_size = parameters.GetCount("min_file_size");
	request.min_file_size = min_file_size.IsValid() ? min_file_size.GetIndex() : 0;
	request.max_file_size = parameters.GetCount("max_file_size");
	if (request.max_file_size.IsValid()) {
		// No file could be picked: an error, as in DuckLake, rather than a call that merges nothing.
		auto max_file_size = request.max_file_size.GetIndex();
		if (max_file_size == 0) {
			throw InvalidInputException("merge_adjacent_files: max_file_size must be greater than 0");
		}
		if (request.min_file_size >= max_file_size) {
			throw InvalidInputException("merge_adjacent_files: min_file_size (%llu) must be less than max_file_size "
			                            "(%llu)",
			                            request.min_file_size, max_file_size);
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
