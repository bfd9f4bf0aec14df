#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/commit_retry.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_writer.hpp"
#include "mallard/catalog/name_mapping.hpp"
#include "mallard/catalog/snapshot_changes.hpp"
#include "mallard/catalog/value_text.hpp"
#include "mallard/lake/ducklake_alter.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_catalog_set.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/lake/ducklake_macro.hpp"
#include "mallard/lake/ducklake_view.hpp"

#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/common/types/timestamp.hpp"

namespace duckdb {

vector<ColumnStatsInfo> MergeTableColumnStats(const vector<LakeColumnInfo> &columns,
                                              const vector<ColumnStatsInfo> &existing, bool had_data,
                                              const vector<DataFileInfo> &files) {
	vector<ColumnStatsInfo> result;
	vector<const LakeColumnInfo *> stats_columns;
	CollectStatsColumns(columns, stats_columns);
	for (auto column_ptr : stats_columns) {
		auto &column = *column_ptr;
		ColumnStatsInfo merged;
		merged.column_id = column.column_id;
		bool first = true;
		bool known = true;
		idx_t nulls = 0;
		bool nulls_known = true;
		bool nan = false;
		bool nan_known = true;
		Value min, max;
		auto absorb = [&](const ColumnStatsInfo *stats) {
			if (!stats || stats->min_value.IsNull() || stats->max_value.IsNull()) {
				known = false;
			} else {
				Value file_min, file_max;
				if (!TryCastValue(stats->min_value, column.type, file_min) ||
				    !TryCastValue(stats->max_value, column.type, file_max)) {
					known = false;
				} else if (!known) {
					// Bounds are unknown already (e.g. a column added after older files were written).
				} else if (first) {
					min = file_min;
					max = file_max;
				} else if (known) {
					// (Once a bound is unknown, min/max stay unset: comparing with them would throw.)
					if (file_min < min) {
						min = file_min;
					}
					if (file_max > max) {
						max = file_max;
					}
				}
			}
			if (!stats || !stats->null_count.IsValid()) {
				nulls_known = false;
			} else {
				nulls += stats->null_count.GetIndex();
			}
			if (!stats || stats->contains_nan.IsNull()) {
				nan_known = false;
			} else {
				nan = nan || stats->contains_nan.GetValue<bool>();
			}
			first = false;
		};
		if (had_data) {
			const ColumnStatsInfo *previous = nullptr;
			for (auto &stats : existing) {
				if (stats.column_id == column.column_id) {
					previous = &stats;
				}
			}
			absorb(previous);
		}
		for (auto &file : files) {
			const ColumnStatsInfo *stats = nullptr;
			for (auto &file_stats : file.column_stats) {
				if (file_stats.column_id == column.column_id) {
					stats = &file_stats;
				}
			}
			absorb(stats);
		}
		if (known && !first) {
			merged.min_value = Value(ValueText(min));
			merged.max_value = Value(ValueText(max));
		}
		if (nulls_known) {
			merged.null_count = nulls;
		}
		if (nan_known && (column.type.id() == LogicalTypeId::FLOAT || column.type.id() == LogicalTypeId::DOUBLE)) {
			merged.contains_nan = Value::BOOLEAN(nan);
		}
		result.push_back(std::move(merged));
	}
	return result;
}

vector<ColumnStatsInfo> ReadTableColumnStats(MetadataConnection &conn, idx_t table_id) {
	vector<ColumnStatsInfo> result;
	// A scan: a statement costs a DuckDB-file catalog milliseconds of planning on a process's first commit.
	auto rows = conn.Scan(CatalogScan("ducklake_table_column_stats",
	                                  {"column_id", "contains_null", "contains_nan", "min_value", "max_value"})
	                          .Where("table_id", NumericCast<int64_t>(table_id)));
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			ColumnStatsInfo stats;
			stats.column_id = chunk.GetId(0, row);
			if (!chunk.IsNull(1, row)) {
				stats.null_count = chunk.GetBool(1, row, false) ? 1 : 0;
			}
			if (!chunk.IsNull(2, row)) {
				stats.contains_nan = Value::BOOLEAN(chunk.GetBool(2, row, false));
			}
			stats.min_value = chunk.GetText(3, row);
			stats.max_value = chunk.GetText(4, row);
			result.push_back(std::move(stats));
		}
	}
	return result;
}

LakeCommit::LakeCommit(DuckLakeTransaction &transaction) : transaction(transaction) {
}

idx_t LakeCommit::RealId(idx_t id) const {
	if (!DuckLakeTransaction::IsLocalId(id)) {
		return id;
	}
	auto entry = local_to_real.find(id);
	if (entry == local_to_real.end()) {
		throw InternalException("Lake commit: no id assigned for local object %llu", id);
	}
	return entry->second;
}

void LakeCommit::Run() {
	PrepareDeletes();
	auto context = transaction.context.lock();
	if (!context) {
		throw InternalException("Lake commit without a client context");
	}
	RunCatalogTransaction(*context, transaction.GetCatalog(), [&](MetadataConnection &conn) { Attempt(conn); });
	if (!committed_snapshot.IsValid()) {
		return;
	}
	auto &catalog = transaction.GetCatalog();
	auto &cache = catalog.GetWriteCache();
	cache.NoteLatestSnapshotId(committed_snapshot.GetIndex());
	for (auto &entry : written_stats) {
		cache.PutTableStats(entry.first, committed_snapshot.GetIndex(), std::move(entry.second));
	}
	for (auto &entry : written_inlined_tables) {
		cache.PutInlinedTable(entry.first, committed_info.schema_version, entry.second);
	}
	if (version_before.IsValid()) {
		catalog.WithMetadata([&](MetadataConnection &conn) {
			auto version = conn.CommitVersion();
			if (version.IsValid() && version.GetIndex() == version_before.GetIndex() + 1) {
				cache.PutLatestSnapshot(version.GetIndex(), committed_info);
			}
		});
	}
}

void LakeCommit::RunCatalogTransaction(ClientContext &context, DuckLakeCatalog &catalog,
                                       const std::function<void(MetadataConnection &)> &attempt_function) {
	CommitRetryPolicy::FromSettings(context).Run(catalog.GetName(), [&]() {
		catalog.WithMetadata([&](MetadataConnection &conn) {
			conn.BeginTransaction();
			try {
				attempt_function(conn);
				// (The attempt may have committed with its last statements: LakeCommit::ExecuteBatch.)
				if (conn.InTransaction()) {
					conn.Commit();
				}
			} catch (...) {
				if (conn.InTransaction()) {
					conn.Rollback();
				}
				throw;
			}
		});
	});
}

void LakeCommit::CheckConflicts(MetadataConnection &conn, idx_t since_snapshot) {
	auto rows = conn.Query("SELECT snapshot_id, changes_made FROM " + conn.Table("ducklake_snapshot_changes") +
	                       " WHERE snapshot_id > " + std::to_string(since_snapshot) + " ORDER BY snapshot_id");
	auto &catalog_name = transaction.GetCatalog().GetName();
	auto conflict = [&](const string &what, const Value &snapshot_id) {
		throw TransactionException("Transaction conflict on lake \"%s\": %s (committed in snapshot %s after this "
		                           "transaction started at snapshot %llu)",
		                           catalog_name, what, snapshot_id.ToString(), since_snapshot);
	};
	// What this transaction touches, keyed the way changes_made names it.
	unordered_set<string> created_names;
	for (auto &schema : transaction.new_schemas) {
		created_names.insert("created_schema:" + StringUtil::Lower(SnapshotChanges::QuoteName(schema.first)));
	}
	unordered_set<idx_t> altered_ids;
	for (auto &schema : transaction.new_entries) {
		for (auto &entry : schema.second) {
			auto id = LakeEntryId(*entry.second);
			auto key = StringUtil::Lower(SnapshotChanges::QuoteName(schema.first) + "." + SnapshotChanges::QuoteName(entry.first));
			if (!DuckLakeTransaction::IsLocalId(id)) {
				altered_ids.insert(id);
				// A table renamed here collides with one another transaction created under the new name.
				created_names.insert("created_table:" + key);
				created_names.insert("created_view:" + key);
				continue;
			}
			created_names.insert("created_table:" + key);
			created_names.insert("created_view:" + key);
		}
	}
	for (auto &schema : transaction.new_macros) {
		for (auto &entry : schema.second) {
			auto &macro = *entry.second;
			auto key = StringUtil::Lower(SnapshotChanges::QuoteName(schema.first) + "." +
			                             SnapshotChanges::QuoteName(macro.name));
			created_names.insert(MacroChangeKind(macro.type, true) + ":" + key);
		}
	}
	for (auto &row : rows.rows) {
		if (row[1].IsNull()) {
			continue;
		}
		for (auto &change : SnapshotChanges::Parse(row[1].ToString())) {
			auto &kind = change.kind;
			auto &value = change.value;
			if (StringUtil::StartsWith(kind, "created_")) {
				auto name = StringUtil::Lower(value);
				if (created_names.count(kind + ":" + name)) {
					conflict("another transaction also created " + value, row[0]);
				}
				// An object created in a schema this transaction drops would be left in no schema.
				for (auto &schema : transaction.dropped_schemas) {
					if (StringUtil::StartsWith(name, StringUtil::Lower(SnapshotChanges::QuoteName(schema.second)) + ".")) {
						conflict("this transaction drops schema " + schema.second + ", in which another transaction created " +
						             SnapshotChanges::DisplayName(value),
						         row[0]);
					}
				}
				continue;
			}
			idx_t object_id;
			try {
				object_id = std::stoull(value);
			} catch (...) {
				continue;
			}
			if (kind == MacroChangeKind(CatalogType::MACRO_ENTRY, false) ||
			    kind == MacroChangeKind(CatalogType::TABLE_MACRO_ENTRY, false)) {
				auto macro = transaction.dropped_macros.find(object_id);
				if (macro != transaction.dropped_macros.end()) {
					conflict("this transaction drops macro " + macro->second.schema_name + "." + macro->second.name +
					             ", which another transaction dropped",
					         row[0]);
				}
				continue;
			}
			bool other_drops = kind == "dropped_table" || kind == "dropped_view";
			bool other_alters = kind == "altered_table" || kind == "altered_view";
			auto dropped = transaction.dropped_entries.find(object_id);
			if (dropped != transaction.dropped_entries.end() &&
			    (other_drops || other_alters || kind == "inserted_into_table" || kind == "deleted_from_table" ||
			     kind == "compacted_table" || kind == "inlined_insert" || kind == "inlined_delete")) {
				conflict("this transaction drops " + dropped->second.schema_name + "." + dropped->second.name +
				             ", which another transaction changed (" + kind + ")",
				         row[0]);
			}
			if (altered_ids.count(object_id) && (other_drops || other_alters)) {
				conflict("this transaction alters object " + value + ", which another transaction " +
				             (other_drops ? "dropped" : "also altered"),
				         row[0]);
			}
			auto written = transaction.new_data.find(object_id);
			if (written != transaction.new_data.end() && (other_drops || other_alters)) {
				conflict("this transaction inserts into table " + written->second.table->name +
				             ", which another transaction " + (other_drops ? "dropped" : "altered"),
				         row[0]);
			}
			if (transaction.inlined_deletes.count(object_id) && other_drops) {
				conflict("this transaction deletes from table " + transaction.inlined_deletes[object_id].table->name +
				             ", which another transaction dropped",
				         row[0]);
			}
			auto inlined = transaction.new_inlined.find(object_id);
			if (inlined != transaction.new_inlined.end() && (other_drops || other_alters)) {
				conflict("this transaction inserts into table " + inlined->second.table->name +
				             ", which another transaction " + (other_drops ? "dropped" : "altered"),
				         row[0]);
			}
			if (kind == "dropped_schema") {
				auto schema = transaction.dropped_schemas.find(object_id);
				if (schema != transaction.dropped_schemas.end()) {
					conflict("another transaction also dropped schema " + schema->second, row[0]);
				}
				for (auto &entries : transaction.new_entries) {
					auto parent = transaction.GetCatalogSet().GetSchema(entries.first);
					if (!entries.second.empty() && parent && parent->GetSchemaInfo().schema_id == object_id) {
						conflict("this transaction creates objects in schema " + entries.first +
						             ", which another transaction dropped",
						         row[0]);
					}
				}
			}
		}
	}
}

optional_ptr<DuckLakeTableEntry> LakeCommit::AlteredTable(idx_t table_id) {
	for (auto &schema : transaction.new_entries) {
		for (auto &entry : schema.second) {
			if (entry.second->type == CatalogType::TABLE_ENTRY && LakeEntryId(*entry.second) == table_id) {
				return &entry.second->Cast<DuckLakeTableEntry>();
			}
		}
	}
	return nullptr;
}

const vector<LakeColumnInfo> &LakeCommit::CurrentColumns(idx_t table_id, DuckLakeTableEntry &written_to) {
	// An ALTER after the insert in this transaction: the table's stats follow its final columns.
	auto altered = AlteredTable(table_id);
	return altered ? altered->GetTableInfo().columns : written_to.GetTableInfo().columns;
}

CachedTableStats LakeCommit::ReadStatsForCommit(MetadataConnection &conn, idx_t table_id, idx_t latest_snapshot) {
	// Written earlier in this commit (inlined rows before data files): the catalog has them too,
	// but the write cache still holds those of the latest snapshot.
	auto own = written_stats.find(table_id);
	if (own != written_stats.end()) {
		return own->second;
	}
	CachedTableStats result;
	if (transaction.GetCatalog().GetWriteCache().TryGetTableStats(table_id, latest_snapshot, result)) {
		// This process wrote them in the latest snapshot: nobody changed them since.
		return result;
	}
	result.exists = MetadataReader::TryReadTableStats(conn, table_id, result.stats);
	result.column_stats = ReadTableColumnStats(conn, table_id);
	return result;
}

void LakeCommit::WriteData(MetadataConnection &conn, SnapshotWriter &writer, SnapshotInfo &next) {
	for (auto &entry : transaction.new_data) {
		auto &data = entry.second;
		if (data.files.empty()) {
			continue;
		}
		auto table_id = RealId(entry.first);
		bool new_table = DuckLakeTransaction::IsLocalId(entry.first);
		CachedTableStats current;
		if (!new_table) {
			current = ReadStatsForCommit(conn, table_id, next.snapshot_id - 1);
		}
		auto &stats = current.stats;
		bool stats_exist = current.exists;
		auto &column_stats = current.column_stats;
		bool had_data = stats.record_count > 0;
		vector<DataFileInfo> files;
		for (auto &local_file : data.files) {
			// Rows deleted from the transaction's own files (ducklake_local_deletes.cpp).
			auto deleted = FindLocalFileDeletes(entry.first, local_file.path);
			if (deleted && local_file.row_id_start != stats.next_row_id) {
				// An UPDATE here may have carried the provisional row ids into new rows.
				throw TransactionException("Transaction conflict on lake \"%s\": another transaction inserted into "
				                           "table \"%s\" while this one changed rows it inserted itself",
				                           transaction.GetCatalog().GetName(), data.table->name);
			}
			if (deleted && deleted->ends_file) {
				// Not committed; its row ids stay unused so those carried by UPDATE remain right.
				stats.next_row_id += local_file.record_count;
				continue;
			}
			files.push_back(local_file);
			auto &file = files.back();
			file.data_file_id = next.next_file_id++;
			if (deleted) {
				deleted->table_id = table_id;
				deleted->data_file_id = file.data_file_id;
			}
			if (file.partition_id.IsValid() && DuckLakeTransaction::IsLocalId(file.partition_id.GetIndex())) {
				auto real = local_to_real.find(file.partition_id.GetIndex());
				if (real == local_to_real.end()) {
					// Written with a spec this transaction replaced again: the spec is never committed.
					file.partition_id = optional_idx();
					file.partition_values.clear();
				} else {
					file.partition_id = real->second;
				}
			}
			if (file.name_mapping) {
				// A file registered without field ids (add_data_files): its mapping gets a catalog id now.
				auto mapping = *file.name_mapping;
				mapping.mapping_id = next.next_catalog_id++;
				mapping.table_id = table_id;
				file.mapping_id = mapping.mapping_id;
				for (auto &statement : NameMappings::InsertStatements(conn, mapping)) {
					writer.AddStatement(std::move(statement));
				}
			}
			file.row_id_start = stats.next_row_id;
			stats.next_row_id += file.record_count;
			stats.record_count += file.record_count;
			stats.file_size_bytes += file.file_size_bytes;
		}
		if (files.empty()) {
			// Every row this transaction inserted was deleted again: only next_row_id moves.
			writer.WriteTableStats(table_id, stats, stats_exist);
			written_stats[table_id] = CachedTableStats {stats, true, std::move(column_stats)};
			continue;
		}
		writer.AddDataFiles(table_id, files);
		writer.WriteTableStats(table_id, stats, stats_exist);
		auto merged = MergeTableColumnStats(CurrentColumns(entry.first, *data.table), column_stats, had_data, files);
		writer.WriteTableColumnStats(table_id, merged, column_stats);
		written_stats[table_id] = CachedTableStats {stats, true, std::move(merged)};
		changes.push_back("inserted_into_table:" + std::to_string(table_id));
	}
}

void LakeCommit::WritePartitionSpec(const LakeTableInfo &table, optional_idx committed_id, SnapshotWriter &writer,
                                    SnapshotInfo &next) {
	if (table.partition_id == committed_id) {
		return;
	}
	optional_idx partition_id;
	if (table.partition_id.IsValid()) {
		// SET PARTITIONED BY gave the spec a local id; files written with it are mapped in WriteData.
		local_to_real[table.partition_id.GetIndex()] = next.next_catalog_id++;
		partition_id = RealId(table.partition_id.GetIndex());
	}
	writer.SetPartitionSpec(RealId(table.table_id), partition_id, table.partition_fields);
}

void LakeCommit::WriteSortSpec(const LakeTableInfo &table, optional_idx committed_id, SnapshotWriter &writer,
                               SnapshotInfo &next) {
	if (table.sort_id == committed_id) {
		return;
	}
	// Nothing refers to a sort order by its id: the local one is simply replaced.
	optional_idx sort_id;
	if (table.sort_id.IsValid()) {
		sort_id = next.next_catalog_id++;
	}
	writer.SetSortSpec(RealId(table.table_id), sort_id, table.sort_keys);
}

void LakeCommit::WriteAlteredEntry(const string &schema_name, CatalogEntry &entry, SnapshotWriter &writer,
                                   SnapshotInfo &next) {
	// Write what differs from the committed object (found by id: a rename changes the name).
	auto schema = transaction.GetCatalogSet().GetSchema(schema_name);
	auto committed = schema ? schema->GetCommittedEntryById(LakeEntryId(entry)) : nullptr;
	if (!committed || committed->type != entry.type || LakeEntryId(*committed) != LakeEntryId(entry)) {
		throw InternalException("Lake commit: altered object \"%s\" has no committed original", entry.name);
	}
	auto id = LakeEntryId(entry);
	if (entry.type == CatalogType::VIEW_ENTRY) {
		auto &view = entry.Cast<DuckLakeViewEntry>().view_info;
		auto &original = committed->Cast<DuckLakeViewEntry>().view_info;
		if (view.name != original.name) {
			writer.RenameView(view);
		}
		if (!Value::NotDistinctFrom(view.comment, original.comment)) {
			writer.SetComment(id, view.comment);
		}
		changes.push_back("altered_view:" + std::to_string(id));
		return;
	}
	auto &table = entry.Cast<DuckLakeTableEntry>().GetTableInfo();
	auto &original = committed->Cast<DuckLakeTableEntry>().GetTableInfo();
	if (table.name != original.name) {
		writer.RenameTable(table);
	}
	WriteColumnChanges(original, table, writer);
	WritePartitionSpec(table, original.partition_id, writer, next);
	WriteSortSpec(table, original.sort_id, writer, next);
	if (!Value::NotDistinctFrom(table.comment, original.comment)) {
		writer.SetComment(id, table.comment);
	}
	for (auto &column : table.columns) {
		for (auto &original_column : original.columns) {
			if (original_column.column_id == column.column_id &&
			    !Value::NotDistinctFrom(column.comment, original_column.comment)) {
				writer.SetColumnComment(id, column.column_id, column.comment);
			}
		}
	}
	changes.push_back("altered_table:" + std::to_string(id));
}

void LakeCommit::CheckCommitMessage(MetadataConnection &conn, DuckLakeCatalog &catalog, const Value &commit_message) {
	if (commit_message.IsNull() &&
	    catalog.GetWriteCache().ReadOptions(conn, optional_idx(), optional_idx())["require_commit_message"] == "true") {
		throw TransactionException("Lake \"%s\" requires a commit message (option require_commit_message): call "
		                           "CALL %s.set_commit_message('author', 'message') in the transaction before "
		                           "committing",
		                           catalog.GetName(), catalog.GetName());
	}
}

void LakeCommit::Attempt(MetadataConnection &conn) {
	auto &base = transaction.GetSnapshot();
	auto &cache = transaction.GetCatalog().GetWriteCache();
	CheckCommitMessage(conn, transaction.GetCatalog(), transaction.commit_message);
	// Read first thing: when the commit ends at the next version, nobody wrote in between.
	version_before = conn.CommitVersion();
	// Where other processes may write, reading the latest snapshot costs a round trip: the first
	// attempt guesses it is still the one the transaction started from (ducklake_commit_optimistic.cpp).
	bool optimistic = TryOptimisticAttempt();
	auto latest = optimistic ? base : cache.LatestSnapshot(conn);
	if (latest.snapshot_id != base.snapshot_id) {
		CheckConflicts(conn, base.snapshot_id);
		CheckDeleteConflicts(conn, base.snapshot_id);
	}
	local_to_real.clear();
	changes.clear();
	committed_snapshot = optional_idx();
	written_stats.clear();
	written_inlined_tables.clear();
	used_cached_inlined_table = false;

	SnapshotInfo next = latest;
	next.snapshot_id = latest.snapshot_id + 1;
	SnapshotWriter writer(conn, next.snapshot_id);
	if (optimistic) {
		writer.RequireLatest(latest.snapshot_id);
	}
	bool schema_changed = false;
	// The tables whose schema this commit changes: DuckLake 1.0 keeps schema versions per table.
	vector<idx_t> changed_tables;

	for (auto &dropped : transaction.dropped_entries) {
		if (dropped.second.type == CatalogType::VIEW_ENTRY) {
			writer.DropView(dropped.first);
			changes.push_back("dropped_view:" + std::to_string(dropped.first));
		} else {
			writer.DropTable(dropped.first);
			changes.push_back("dropped_table:" + std::to_string(dropped.first));
			changed_tables.push_back(dropped.first);
		}
		schema_changed = true;
	}
	for (auto &dropped : transaction.dropped_macros) {
		writer.DropMacro(dropped.first);
		changes.push_back(MacroChangeKind(dropped.second.type, false) + ":" + std::to_string(dropped.first));
		schema_changed = true;
	}
	for (auto &dropped : transaction.dropped_schemas) {
		writer.DropSchema(dropped.first);
		changes.push_back("dropped_schema:" + std::to_string(dropped.first));
		schema_changed = true;
	}
	for (auto &entry : transaction.new_schemas) {
		auto schema = entry.second->GetSchemaInfo();
		local_to_real[schema.schema_id] = next.next_catalog_id++;
		schema.schema_id = RealId(schema.schema_id);
		writer.CreateSchema(schema);
		changes.push_back("created_schema:" + SnapshotChanges::QuoteName(schema.name));
		schema_changed = true;
	}
	for (auto &schema_entries : transaction.new_entries) {
		for (auto &entry : schema_entries.second) {
			auto &catalog_entry = *entry.second;
			if (!DuckLakeTransaction::IsLocalId(LakeEntryId(catalog_entry))) {
				WriteAlteredEntry(schema_entries.first, catalog_entry, writer, next);
				if (catalog_entry.type == CatalogType::TABLE_ENTRY) {
					changed_tables.push_back(LakeEntryId(catalog_entry));
				}
				schema_changed = true;
				continue;
			}
			auto qualified = SnapshotChanges::QuoteName(schema_entries.first) + "." + SnapshotChanges::QuoteName(catalog_entry.name);
			if (catalog_entry.type == CatalogType::VIEW_ENTRY) {
				auto view = catalog_entry.Cast<DuckLakeViewEntry>().view_info;
				local_to_real[view.view_id] = next.next_catalog_id++;
				view.view_id = RealId(view.view_id);
				view.schema_id = RealId(view.schema_id);
				writer.CreateView(view);
				changes.push_back("created_view:" + qualified);
			} else {
				auto table = catalog_entry.Cast<DuckLakeTableEntry>().GetTableInfo();
				local_to_real[table.table_id] = next.next_catalog_id++;
				table.table_id = RealId(table.table_id);
				table.schema_id = RealId(table.schema_id);
				writer.CreateTable(table);
				WritePartitionSpec(table, optional_idx(), writer, next);
				WriteSortSpec(table, optional_idx(), writer, next);
				changes.push_back("created_table:" + qualified);
				changed_tables.push_back(table.table_id);
			}
			schema_changed = true;
		}
	}
	for (auto &schema_macros : transaction.new_macros) {
		for (auto &entry : schema_macros.second) {
			auto macro = GetLakeMacroInfo(*entry.second);
			macro.macro_id = next.next_catalog_id++;
			macro.schema_id = RealId(macro.schema_id);
			writer.CreateMacro(macro);
			auto qualified =
			    SnapshotChanges::QuoteName(schema_macros.first) + "." + SnapshotChanges::QuoteName(macro.name);
			changes.push_back(MacroChangeKind(entry.second->type, true) + ":" + qualified);
			schema_changed = true;
		}
	}
	// Inlined rows first: WriteData adds any data files of the same table to their statistics.
	WriteInlinedInserts(conn, writer, next.snapshot_id,
	                    schema_changed ? latest.schema_version + 1 : latest.schema_version, latest.schema_version);
	WriteData(conn, writer, next);
	WriteDeletes(writer, next);
	WriteInlinedDeletes(conn, writer, next.snapshot_id);

	if (changes.empty()) {
		// Everything written was deleted again in the transaction (its files are dropped after the
		// commit): nothing to commit, and nothing of the batch is run.
		return;
	}
	if (schema_changed) {
		next.schema_version = latest.schema_version + 1;
		// A row per changed table (as the 0.3 migration writes them); one without a table when the
		// change is to schemas, views or macros only.
		if (changed_tables.empty()) {
			writer.AddSchemaVersion(next.schema_version, optional_idx());
		}
		for (auto table_id : changed_tables) {
			writer.AddSchemaVersion(next.schema_version, table_id);
		}
	}
	next.snapshot_time = MetadataConnection::NowText();
	writer.AddSnapshot(next, StringUtil::Join(changes, ","), transaction.author, transaction.commit_message,
	                   transaction.commit_extra_info);
	if (optimistic && !TryOptimisticBatch(conn, writer)) {
		return; // lost the race; Attempt ran again on the latest snapshot
	}
	if (!optimistic) {
		ExecuteBatch(writer);
	}
	committed_snapshot = next.snapshot_id;
	committed_info = next;
}

} // namespace duckdb
