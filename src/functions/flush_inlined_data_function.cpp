// ducklake_flush_inlined_data (spec: data inlining): writes the live inlined rows of each table into
// Parquet files that keep their row ids and snapshots (_ducklake_internal_row_id and
// _ducklake_internal_snapshot_id), one per partition of a partitioned table as an insert writes
// them (else one), and in the same new snapshot ends those rows, so time travel to older snapshots
// still reads them inlined and table_changes sees no change (the snapshot is marked inline_flush, a
// rewrite). All tables a call flushes share that one snapshot, as in DuckLake. Inlined-data tables
// that no remaining snapshot can see are dropped by expiry (DropInvisibleInlinedData).
#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/lake_options.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_writer.hpp"
#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/ducklake_insert.hpp"
#include "mallard/lake/ducklake_partitioning.hpp"
#include "mallard/lake/ducklake_sort.hpp"
#include "mallard/lake/maintenance_commit.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/common/hive_partitioning.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/parser/keyword_helper.hpp"

namespace duckdb {

namespace {

string Ident(const string &name) {
	return KeywordHelper::WriteQuoted(name, '"');
}

//! The inlined rows committed at or before `snapshot_id` that no commit has ended yet (deleted or
//! flushed), whatever the snapshot.
string LiveCondition(idx_t snapshot_id) {
	return "begin_snapshot <= " + std::to_string(snapshot_id) + " AND end_snapshot IS NULL";
}

//! The rows of one flushed file: all of a table's, or, in a partitioned table, those of one partition.
struct FlushedGroup {
	//! SQL condition on the table's columns picking the group's rows (empty: all).
	string condition;
	//! The Hive folder below the table's ("year=2025/month=1/"), as an insert names it.
	string folder;
	//! The partition key values of the group, in key order (none: unpartitioned).
	vector<Value> key_values;
	idx_t rows = 0;
	idx_t first_row_id = 0;
};

string InlinedRowsQuery(DuckLakeCatalog &catalog, const LakeSchemaInfo &schema, const LakeTableInfo &table,
                        idx_t snapshot_id, const string &select) {
	// The scan's "file" name of inlined rows starts with ducklake-inlined:// (inlined_data_reader.hpp);
	// read by its internal name, which a table column named filename does not hide.
	return "SELECT " + select + " FROM " + Ident(catalog.GetName()) + "." + Ident(schema.name) + "." +
	       Ident(table.name) + " AT (VERSION => " + std::to_string(snapshot_id) +
	       ") WHERE starts_with(_ducklake_internal_filename, 'ducklake-inlined://')";
}

//! The files a flush writes: one per partition of the rows, as an insert would write them, or one
//! for all rows of an unpartitioned table.
vector<FlushedGroup> PlanFlushGroups(ClientContext &context, DuckLakeCatalog &catalog, const LakeSchemaInfo &schema,
                                     const LakeTableInfo &table, idx_t snapshot_id, bool folders) {
	vector<string> keys;
	vector<PartitionKeyExpression> key_names;
	if (table.partition_id.IsValid()) {
		key_names = PlanPartitionKeys(context, table);
		for (auto &field : table.partition_fields) {
			for (auto &column : table.columns) {
				if (column.column_id == field.column_id) {
					keys.push_back(PartitionKeySQL(field, Ident(column.name)));
				}
			}
		}
	}
	string select;
	for (idx_t i = 0; i < keys.size(); i++) {
		select += keys[i] + " AS k" + std::to_string(i) + ", ";
	}
	auto query = "SELECT " + select + "count(*), min(_ducklake_internal_row_id) FROM (" +
	             InlinedRowsQuery(catalog, schema, table, snapshot_id, "*, _ducklake_internal_row_id") +
	             ") GROUP BY ALL";
	Connection connection(DatabaseInstance::GetDatabase(context));
	FollowSession(context, connection);
	auto result = connection.Query(query);
	if (result->HasError()) {
		result->ThrowError("Flushing inlined data of table " + table.name + ": ");
	}
	vector<FlushedGroup> groups;
	for (auto &row : *result) {
		FlushedGroup group;
		for (idx_t i = 0; i < keys.size(); i++) {
			auto value = row.GetValue<Value>(i);
			group.condition += string(group.condition.empty() ? "" : " AND ") + "(" + keys[i] +
			                   ") IS NOT DISTINCT FROM " + value.ToSQLString();
			if (folders) {
				group.folder += HivePartitioning::Escape(key_names[i].name) + "=" +
				                HivePartitioning::Escape(value.ToString()) + "/";
			}
			group.key_values.push_back(std::move(value));
		}
		group.rows = NumericCast<idx_t>(row.GetValue<int64_t>(keys.size()));
		group.first_row_id = NumericCast<idx_t>(row.GetValue<int64_t>(keys.size() + 1));
		groups.push_back(std::move(group));
	}
	return groups;
}

//! Writes one group of the inlined rows visible at the snapshot through the lake's own scan (which
//! maps older inlined tables to the current columns) into a Parquet file with their row ids.
DataFileInfo WriteFlushedFile(ClientContext &context, DuckLakeCatalog &catalog, const LakeSchemaInfo &schema,
                              const LakeTableInfo &table, idx_t snapshot_id, const string &folder,
                              const DataFileWriteOptions &options, const string &encryption_key,
                              const FlushedGroup &group) {
	string select;
	for (auto &column : table.columns) {
		auto storage = ParquetStorageType(column.type);
		auto name = Ident(column.name);
		select += (storage == column.type ? name : "CAST(" + name + " AS " + storage.ToString() + ") AS " + name) + ", ";
	}
	// Each row keeps its id and the snapshot that inserted it (the scan's virtual columns by these
	// names), as the rows of a merged file do.
	select += "_ducklake_internal_row_id, _ducklake_internal_snapshot_id";
	auto copy_options = ParquetCopyOptions(FieldIdsWithInternal(table.columns, true, true), options);
	auto file_name = group.folder + LakePaths::NewDataFileName();
	string query = InlinedRowsQuery(catalog, schema, table, snapshot_id, select);
	if (!group.condition.empty()) {
		query += " AND " + group.condition;
	}
	// Rows keep their ids in a column, so a sorted table's file is written in its sort order.
	query = HasSortOrder(table) ? SortedQuery(context, LakeSortScope {catalog.GetName(), schema.name}, table, query,
	                                          "_ducklake_internal_row_id")
	                            : query + " ORDER BY _ducklake_internal_row_id";
	auto file = CopyToDataFile(context, query, copy_options, encryption_key, folder, file_name, group.rows,
	                           "Flushing inlined data", table.name, table.columns);
	file.row_id_start = group.first_row_id;
	if (!group.key_values.empty()) {
		RecordPartitionValues(table, group.key_values, file);
	}
	return file;
}

} // namespace

namespace {

//! One table's part of a flush: the files written for its live inlined rows.
struct FlushedTable {
	FlushInlinedResult result;
	idx_t table_id = 0;
	vector<InlinedDataTableInfo> inlined_tables;
	vector<DataFileInfo> files;
	//! The files' full paths.
	vector<string> paths;
};

//! Commits the flushed tables in one new snapshot, as DuckLake does: their files are added and the
//! rows written to them ended. A table that a commit since the flush's snapshot dropped, or whose
//! live rows it deleted or flushed, is left out (its paths returned).
vector<string> CommitFlushedTables(MetadataConnection &conn, const vector<FlushedTable> &tables, idx_t snapshot_id,
                                   const SnapshotMessage &message) {
	// Read before checking what changed: a commit landing after this read takes the snapshot id this
	// one wants and fails it, while the checks (which see whatever committed before them on
	// PostgreSQL's read-committed transactions) cover every commit up to it.
	auto latest = MetadataReader::LatestSnapshot(conn);
	vector<string> left_out;
	vector<const FlushedTable *> included;
	for (auto &table : tables) {
		auto exists = conn.Query("SELECT count(*) FROM " + conn.Table("ducklake_table") + " WHERE table_id = " +
		                         std::to_string(table.table_id) + " AND end_snapshot IS NULL");
		if (exists.rows[0][0].GetValue<int64_t>() == 0 ||
		    InlinedData::CountRows(conn, table.inlined_tables, LiveCondition(snapshot_id)) !=
		        table.result.rows_flushed) {
			left_out.insert(left_out.end(), table.paths.begin(), table.paths.end());
			continue;
		}
		included.push_back(&table);
	}
	if (included.empty()) {
		return left_out;
	}
	SnapshotInfo next = latest;
	next.snapshot_id = latest.snapshot_id + 1;
	next.snapshot_time = MetadataConnection::NowText();
	SnapshotWriter writer(conn, next.snapshot_id);
	string changes;
	for (auto table : included) {
		auto flushed = table->files;
		TableStatsInfo stats;
		bool stats_exist = MetadataReader::TryReadTableStats(conn, table->table_id, stats);
		for (auto &file : flushed) {
			file.data_file_id = next.next_file_id++;
			stats.file_size_bytes += file.file_size_bytes;
		}
		writer.AddDataFiles(table->table_id, flushed);
		writer.WriteTableStats(table->table_id, stats, stats_exist);
		changes += string(changes.empty() ? "" : ",") + "inline_flush:" + std::to_string(table->table_id);
	}
	writer.AddSnapshot(next, changes, message.author, message.commit_message, Value());
	writer.Execute();
	auto next_id = std::to_string(next.snapshot_id);
	for (auto table : included) {
		idx_t ended = 0;
		for (auto &inlined : table->inlined_tables) {
			auto table_name = conn.Table(inlined.table_name);
			conn.Execute("UPDATE " + table_name + " SET end_snapshot = " + next_id + " WHERE " +
			             LiveCondition(snapshot_id));
			auto rows = conn.Query("SELECT count(*) FROM " + table_name + " WHERE end_snapshot = " + next_id);
			ended += NumericCast<idx_t>(rows.rows[0][0].GetValue<int64_t>());
		}
		if (ended != table->result.rows_flushed) {
			// A file holds rows another commit ended meanwhile: try again, and the check above then
			// finds the change and leaves that table out.
			throw MetadataConflictException("inlined rows changed during the flush");
		}
	}
	return left_out;
}

} // namespace

vector<FlushInlinedResult> FlushInlinedData(ClientContext &context, DuckLakeCatalog &catalog, const string &schema_name,
                                            const string &table_name) {
	if (catalog.IsReadOnly()) {
		throw InvalidInputException("Cannot flush inlined data of lake \"%s\": it is attached read-only",
		                            catalog.GetName());
	}
	auto targets = SelectMaintenanceTables(context, catalog, schema_name, table_name);
	auto snapshot_id = targets.snapshot.snapshot_id;
	// Options set earlier in this transaction count (LakeOptions::ReadEffective).
	auto pending_options = DuckLakeTransaction::Get(context, catalog).GetPendingOptions();
	vector<FlushedTable> tables;
	MaintenanceCommit step;
	try {
		for (auto &target : targets.tables) {
			auto &schema = *target.first;
			auto &table = *target.second;
			FlushedTable flushed;
			flushed.table_id = table.table_id;
			flushed.result.schema_name = schema.name;
			flushed.result.table_name = table.name;
			case_insensitive_map_t<string> options;
			catalog.WithMetadata([&](MetadataConnection &conn) {
				flushed.inlined_tables = InlinedData::ListTables(conn, table.table_id);
				flushed.result.rows_flushed =
				    InlinedData::CountRows(conn, flushed.inlined_tables, InlinedData::VisibleCondition(snapshot_id));
				if (flushed.result.rows_flushed > 0) {
					options = LakeOptions::ReadEffective(conn, schema.schema_id, table.table_id, {}, pending_options);
				}
			});
			if (flushed.result.rows_flushed == 0 || options["auto_compact"] == "false") {
				continue;
			}
			auto schema_folder = LakePaths::Resolve(catalog.DataPath(), schema.path, schema.path_is_relative);
			auto folder = LakePaths::Resolve(schema_folder, table.path, table.path_is_relative);
			auto write_options = DataFileWriteOptions::FromOptions(options);
			auto encryption_key = catalog.NewFileKey();
			// Folders named key=value would show an encrypted lake's partition values to anyone.
			auto groups = PlanFlushGroups(context, catalog, schema, table, snapshot_id,
			                              encryption_key.empty() && write_options.hive_file_pattern);
			tables.push_back(std::move(flushed));
			auto &current = tables.back();
			for (auto &group : groups) {
				current.files.push_back(WriteFlushedFile(context, catalog, schema, table, snapshot_id, folder,
				                                         write_options, encryption_key, group));
				current.paths.push_back(folder + current.files.back().path);
				step.written_files.push_back(current.paths.back());
			}
			current.result.files_created = current.files.size();
		}
	} catch (...) {
		MaintenanceCommit::RemoveFiles(FileSystem::GetFileSystem(context), step.written_files);
		throw;
	}
	if (tables.empty()) {
		return {};
	}
	step.makes_snapshot = true;
	step.write = [tables, snapshot_id](MetadataConnection &conn, const SnapshotMessage &message) {
		return CommitFlushedTables(conn, tables, snapshot_id, message);
	};
	auto left_out = MaintenanceCommit::Run(context, catalog, std::move(step));
	unordered_set<string> left_out_paths(left_out.begin(), left_out.end());
	vector<FlushInlinedResult> results;
	for (auto &table : tables) {
		if (!left_out_paths.count(table.paths[0])) {
			results.push_back(table.result);
		}
	}
	return results;
}

void DropInvisibleInlinedData(MetadataConnection &conn) {
	// A row is visible at snapshot S when begin_snapshot <= S < end_snapshot: rows whose range holds
	// no remaining snapshot are seen by none (also between remaining ones, after expiring chosen
	// versions), and neither are any rows of a lake table that no remaining snapshot has. An
	// inlined-data table left without rows any snapshot sees is dropped (inserts make a new one when
	// they need it).
	for (auto &inlined : InlinedData::ListAllTables(conn)) {
		if (!conn.TableExists(inlined.table_name)) {
			continue;
		}
		auto table = conn.Table(inlined.table_name);
		auto lake_table = conn.Query("SELECT count(*) FROM " + conn.Table("ducklake_table") + " x WHERE table_id = " +
		                             std::to_string(inlined.table_id) + " AND NOT (" + InvisibleCondition(conn, "x") +
		                             ")");
		if (lake_table.rows[0][0].GetValue<int64_t>() == 0) {
			conn.Execute("DELETE FROM " + table);
		} else {
			conn.Execute("DELETE FROM " + table + " WHERE " + InvisibleCondition(conn, table));
		}
		auto rows = conn.Query("SELECT count(*) FROM " + table);
		if (rows.rows[0][0].GetValue<int64_t>() > 0) {
			continue;
		}
		conn.Execute("DROP TABLE " + table);
		conn.Execute("DELETE FROM " + conn.Table("ducklake_inlined_data_tables") + " WHERE table_name = " +
		             MetadataConnection::Literal(inlined.table_name));
	}
}

MetadataFunctionResult FlushInlinedDataFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                                TableFunctionBindInput &input, idx_t first_argument) {
	string schema_name;
	string table_name;
	for (auto &parameter : input.named_parameters) {
		auto name = StringUtil::Lower(parameter.first);
		if (parameter.second.IsNull()) {
			continue;
		}
		if (name == "schema_name") {
			schema_name = parameter.second.ToString();
		} else if (name == "table_name") {
			table_name = parameter.second.ToString();
		}
	}
	MetadataFunctionResult result;
	result.names = {"schema_name", "table_name", "rows_flushed", "files_created"};
	result.types = {LogicalType::VARCHAR, LogicalType::VARCHAR, LogicalType::BIGINT, LogicalType::BIGINT};
	auto lake = &catalog;
	result.run = [lake, schema_name, table_name](ClientContext &context) {
		vector<vector<Value>> rows;
		for (auto &flushed : FlushInlinedData(context, *lake, schema_name, table_name)) {
			rows.push_back({Value(flushed.schema_name), Value(flushed.table_name),
			                Value::BIGINT(NumericCast<int64_t>(flushed.rows_flushed)),
			                Value::BIGINT(NumericCast<int64_t>(flushed.files_created))});
		}
		return rows;
	};
	return result;
}

} // namespace duckdb
