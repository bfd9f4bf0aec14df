// The rows of small inserts a transaction keeps in memory until its commit writes them into the
// catalog's inlined-data tables (spec: data inlining).
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_delete.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

#include "mallard/catalog/inlined_data.hpp"
#include "mallard/scan/inlined_data_reader.hpp"

namespace duckdb {

int64_t DuckLakeTransaction::LocalInlinedRows::RowId(idx_t position, idx_t first) const {
	if (kept_row_ids && (*kept_row_ids)[position] >= 0) {
		return (*kept_row_ids)[position];
	}
	return NumericCast<int64_t>(first + position);
}

void DuckLakeTransaction::AddInlinedRows(DuckLakeTableEntry &table, vector<vector<Value>> rows,
                                         vector<int64_t> kept_row_ids) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto &local = new_inlined[table.GetTableId()];
	idx_t earlier = local.rows ? local.rows->size() : 0;
	auto combined = make_shared_ptr<vector<vector<Value>>>();
	if (local.rows && local.table != &table) {
		// The table was altered here since the earlier rows: they take its new columns, so all rows
		// have the same ones (scans and the commit read them with the entry kept below).
		*combined = InlinedData::ToColumns(local.table->GetTableInfo().columns, table.GetTableInfo().columns,
		                                   *local.rows);
	} else if (local.rows) {
		*combined = *local.rows;
	}
	local.table = &table;
	for (auto &row : rows) {
		combined->push_back(std::move(row));
	}
	if (local.kept_row_ids || !kept_row_ids.empty()) {
		auto ids = make_shared_ptr<vector<int64_t>>();
		if (local.kept_row_ids) {
			*ids = *local.kept_row_ids;
		}
		ids->resize(earlier, -1);
		if (kept_row_ids.empty()) {
			kept_row_ids.resize(combined->size() - earlier, -1);
		}
		ids->insert(ids->end(), kept_row_ids.begin(), kept_row_ids.end());
		local.kept_row_ids = std::move(ids);
	}
	local.rows = std::move(combined);
}

DuckLakeTransaction::LocalInlinedRows DuckLakeTransaction::GetLocalInlinedRows(idx_t table_id) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto entry = new_inlined.find(table_id);
	if (entry == new_inlined.end()) {
		return LocalInlinedRows();
	}
	return entry->second;
}

vector<vector<Value>> DuckLakeTransaction::TakeLocalInlinedRows(idx_t table_id) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	vector<vector<Value>> result;
	auto entry = new_inlined.find(table_id);
	if (entry == new_inlined.end()) {
		return result;
	}
	auto &local = entry->second;
	if (local.kept_row_ids) {
		// Rows an UPDATE wrote keep their row ids, which may be provisional ids of rows here: moved
		// into a data file, the other rows would take new ids, and could take those. Everything stays.
		return result;
	}
	if (local.rows) {
		auto &rows = *local.rows;
		for (idx_t i = 0; i < rows.size(); i++) {
			if (!local.deleted || !local.deleted->count(i)) {
				result.push_back(rows[i]);
			}
		}
	}
	new_inlined.erase(entry);
	return result;
}

idx_t DuckLakeTransaction::DeleteLocalInlinedRows(idx_t table_id, const vector<idx_t> &row_ids) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto entry = new_inlined.find(table_id);
	if (entry == new_inlined.end() || !entry->second.rows) {
		return 0;
	}
	auto &local = entry->second;
	auto first = local.first_row_id.IsValid() ? local.first_row_id.GetIndex() : 0;
	// Row id to position, for the rows not deleted yet (an UPDATE's new row may keep the id of a
	// row of this transaction deleted before it).
	unordered_map<int64_t, idx_t> positions;
	for (idx_t i = 0; i < local.rows->size(); i++) {
		if (!local.deleted || !local.deleted->count(i)) {
			positions[local.RowId(i, first)] = i;
		}
	}
	auto deleted = make_shared_ptr<set<idx_t>>();
	if (local.deleted) {
		*deleted = *local.deleted;
	}
	idx_t repeated = 0;
	for (auto row_id : row_ids) {
		auto position = positions.find(NumericCast<int64_t>(row_id));
		if (position != positions.end() && !deleted->insert(position->second).second) {
			repeated++;
		}
	}
	local.deleted = std::move(deleted);
	return repeated;
}

idx_t DuckLakeTransaction::SetLocalInlinedFirstRowId(idx_t table_id, idx_t first_row_id) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto entry = new_inlined.find(table_id);
	if (entry == new_inlined.end()) {
		return first_row_id;
	}
	if (!entry->second.first_row_id.IsValid()) {
		entry->second.first_row_id = first_row_id;
	}
	return entry->second.first_row_id.GetIndex();
}

idx_t DuckLakeTransaction::AddInlinedDeletes(DuckLakeTableEntry &table, const string &inlined_table,
                                             const vector<idx_t> &row_ids) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto &deletes = inlined_deletes[table.GetTableId()];
	deletes.table = &table;
	auto &rows = deletes.row_ids[inlined_table];
	idx_t repeated = 0;
	for (auto row_id : row_ids) {
		repeated += rows.insert(row_id).second ? 0 : 1;
	}
	return repeated;
}

map<string, set<idx_t>> DuckLakeTransaction::GetInlinedDeletes(idx_t table_id) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto entry = inlined_deletes.find(table_id);
	if (entry == inlined_deletes.end()) {
		return map<string, set<idx_t>>();
	}
	return entry->second.row_ids;
}

idx_t StageInlinedDeletes(ClientContext &context, DuckLakeTableEntry &table, DeletedRowsByFile &rows) {
	auto &transaction = DuckLakeTransaction::Get(context, table.GetLakeCatalog());
	idx_t repeated = 0;
	for (auto entry = rows.begin(); entry != rows.end();) {
		auto inlined_table = InlinedDataTableOfPath(entry->first);
		if (!IsInlinedDataPath(entry->first)) {
			entry++;
			continue;
		}
		if (inlined_table.empty()) {
			// The transaction's own rows, by the row ids its scans gave them.
			repeated += transaction.DeleteLocalInlinedRows(table.GetTableId(), entry->second);
		} else {
			repeated += transaction.AddInlinedDeletes(table, inlined_table, entry->second);
		}
		entry = rows.erase(entry);
	}
	return repeated;
}

} // namespace duckdb
