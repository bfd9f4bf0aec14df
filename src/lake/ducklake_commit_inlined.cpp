// The commit of inlined inserts (spec: data inlining): the rows a transaction kept for inlining go
// into the table's inlined-data table with the snapshot as begin_snapshot, taking row ids from
// next_row_id exactly as a data file would; the new rows of an UPDATE keep the row ids they had.
#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_writer.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_catalog_set.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

namespace duckdb {

void LakeCommit::WriteInlinedInserts(MetadataConnection &conn, SnapshotWriter &writer, idx_t snapshot_id,
                                     idx_t schema_version, idx_t latest_schema_version) {
	auto &cache = transaction.GetCatalog().GetWriteCache();
	for (auto &entry : transaction.new_inlined) {
		auto &local = entry.second;
		if (!local.rows || local.rows->empty()) {
			continue;
		}
		auto table_id = RealId(entry.first);
		bool new_table = DuckLakeTransaction::IsLocalId(entry.first);
		auto &inserted_with = local.table->GetTableInfo().columns;
		auto &columns = CurrentColumns(entry.first, *local.table);
		// Altered before or after the insert: the rows go to an inlined-data table of the new columns.
		bool altered_here = new_table || AlteredTable(entry.first);

		CachedTableStats current;
		if (!new_table) {
			current = ReadStatsForCommit(conn, table_id, snapshot_id - 1);
		}
		auto &stats = current.stats;
		bool stats_exist = current.exists;
		auto &column_stats = current.column_stats;
		if (local.deleted && local.first_row_id.IsValid() && local.first_row_id.GetIndex() != stats.next_row_id) {
			// An UPDATE here may have carried the provisional row ids into new rows.
			throw TransactionException("Transaction conflict on lake \"%s\": another transaction inserted into "
			                           "table \"%s\" while this one changed rows it inserted itself",
			                           transaction.GetCatalog().GetName(), local.table->name);
		}
		// Rows deleted again here keep their row ids unused, as for data files.
		vector<vector<Value>> rows;
		vector<int64_t> row_ids;
		for (idx_t i = 0; i < local.rows->size(); i++) {
			if (local.deleted && local.deleted->count(i)) {
				continue;
			}
			rows.push_back((*local.rows)[i]);
			row_ids.push_back(local.RowId(i, stats.next_row_id));
		}
		if (&columns != &inserted_with) {
			rows = InlinedData::ToColumns(inserted_with, columns, rows);
		}
		bool had_data = stats.record_count > 0;
		stats.next_row_id += local.rows->size();
		stats.record_count += rows.size();
		// Batched with the snapshot's rows (one round trip): data files of the same table in this
		// commit (an UPDATE) take these statistics from written_stats in WriteData and their
		// statements come later in the same batch.
		writer.WriteTableStats(table_id, stats, stats_exist);
		if (!rows.empty()) {
			string inlined_table;
			if (!altered_here && cache.TryGetInlinedTable(table_id, latest_schema_version, inlined_table)) {
				used_cached_inlined_table = true;
			} else {
				// Inserts check this when they are planned (InliningLimit); here only a change of the
				// table later in this transaction can have made it too wide for the catalog database.
				if (!InlinedData::CatalogHolds(conn, columns)) {
					throw TransactionException(
					    "Cannot commit to lake \"%s\": rows inserted into table \"%s\" in this transaction are kept "
					    "for inlining, and after this transaction's change to the table the %s catalog cannot hold "
					    "its columns in an inlined-data table (too many columns, or a name too long); commit the "
					    "inserts before changing the table, or set its data_inlining_row_limit option to 0",
					    transaction.GetCatalog().GetName(), local.table->name, conn.GetLocation().TypeName());
				}
				inlined_table = InlinedData::PrepareTable(conn, table_id, schema_version, columns, altered_here);
			}
			written_inlined_tables[table_id] = inlined_table;
			for (auto &statement :
			     InlinedData::InsertStatements(conn, inlined_table, columns, row_ids, snapshot_id, rows)) {
				writer.AddStatement(std::move(statement));
			}
			DataFileInfo inlined;
			inlined.record_count = rows.size();
			inlined.column_stats = InlinedData::ComputeStats(columns, rows);
			auto previous = std::move(column_stats);
			column_stats = MergeTableColumnStats(columns, previous, had_data, {inlined});
			writer.WriteTableColumnStats(table_id, column_stats, previous);
			changes.push_back("inlined_insert:" + std::to_string(table_id));
		}
		current.exists = true;
		written_stats[table_id] = std::move(current);
	}
}

void LakeCommit::ExecuteBatch(SnapshotWriter &writer) {
	try {
		// The commit's last round trip: RunCatalogTransaction finds the transaction committed.
		writer.ExecuteAndCommit();
	} catch (MetadataConflictException &) {
		throw;
	} catch (std::exception &ex) {
		if (!used_cached_inlined_table) {
			throw;
		}
		// Most likely a remembered inlined-data table that expiry dropped since: the retry finds (or
		// makes) the table from the catalog; any other error comes back from it uncached.
		transaction.GetCatalog().GetWriteCache().ForgetInlinedTables();
		throw MetadataConflictException(string("Lake commit: writing inlined rows failed (") + ex.what() + ")");
	}
}

void LakeCommit::WriteInlinedDeletes(MetadataConnection &conn, SnapshotWriter &writer, idx_t snapshot_id) {
	auto snapshot = std::to_string(snapshot_id);
	auto seen_snapshot = std::to_string(transaction.GetSnapshot().snapshot_id);
	for (auto &entry : transaction.inlined_deletes) {
		auto table_id = entry.first;
		idx_t deleted = 0;
		for (auto &inlined_table : entry.second.row_ids) {
			if (inlined_table.second.empty()) {
				continue;
			}
			vector<string> ids;
			for (auto row_id : inlined_table.second) {
				ids.push_back(std::to_string(row_id));
			}
			auto in_list = "row_id IN (" + StringUtil::Join(ids, ", ") + ")";
			auto table = conn.Table(inlined_table.first);
			// The versions this transaction saw: an UPDATE keeps row ids, so a row id alone also names
			// the new row of a later UPDATE (by another transaction, or in this snapshot). Ending that
			// one instead would lose the other update.
			conn.Execute("UPDATE " + table + " SET end_snapshot = " + snapshot + " WHERE " + in_list +
			             " AND end_snapshot IS NULL AND begin_snapshot <= " + seen_snapshot);
			auto ended = conn.Query("SELECT count(*) FROM " + table + " WHERE " + in_list + " AND end_snapshot = " +
			                        snapshot);
			if (NumericCast<idx_t>(ended.rows[0][0].GetValue<int64_t>()) != inlined_table.second.size()) {
				// Another transaction deleted (or flushed) one of these rows since this one started.
				throw TransactionException("Transaction conflict on lake \"%s\": rows this transaction deletes "
				                           "from table \"%s\" were deleted or moved by another transaction",
				                           transaction.GetCatalog().GetName(), entry.second.table->name);
			}
			deleted += inlined_table.second.size();
		}
		if (deleted > 0) {
			writer.SubtractTableRecords(table_id, deleted);
			written_stats.erase(table_id);
			changes.push_back("inlined_delete:" + std::to_string(table_id));
		}
	}
}

} // namespace duckdb
