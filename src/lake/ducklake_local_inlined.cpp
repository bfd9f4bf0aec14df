// The rows of small inserts a transaction keeps in memory until its commit writes them into the
// catalog's inlined-data tables (spec: data inlining).
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_delete.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/scan/inlined_data_reader.hpp"

namespace duckdb {

void DuckLakeTransaction::AddInlinedRows(DuckLakeTableEntry &table, vector<vector<Value>> rows) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto &local = new_inlined[table.GetTableId()];
	local.table = &table;
	auto combined = make_shared_ptr<vector<vector<Value>>>();
	if (local.rows) {
		*combined = *local.rows;
	}
	for (auto &row : rows) {
		combined->push_back(std::move(row));
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
	if (entry->second.rows) {
		auto &rows = *entry->second.rows;
		for (idx_t i = 0; i < rows.size(); i++) {
			if (!entry->second.deleted || !entry->second.deleted->count(i)) {
				result.push_back(rows[i]);
			}
		}
	}
	new_inlined.erase(entry);
	return result;
}

void DuckLakeTransaction::DeleteLocalInlinedRows(idx_t table_id, const vector<idx_t> &positions) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto entry = new_inlined.find(table_id);
	if (entry == new_inlined.end() || !entry->second.rows) {
		return;
	}
	auto deleted = make_shared_ptr<set<idx_t>>();
	if (entry->second.deleted) {
		*deleted = *entry->second.deleted;
	}
	deleted->insert(positions.begin(), positions.end());
	entry->second.deleted = std::move(deleted);
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

void DuckLakeTransaction::AddInlinedDeletes(DuckLakeTableEntry &table, const string &inlined_table,
                                            const vector<idx_t> &row_ids) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto &deletes = inlined_deletes[table.GetTableId()];
	deletes.table = &table;
	auto &rows = deletes.row_ids[inlined_table];
	rows.insert(row_ids.begin(), row_ids.end());
}

map<string, set<idx_t>> DuckLakeTransaction::GetInlinedDeletes(idx_t table_id) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto entry = inlined_deletes.find(table_id);
	if (entry == inlined_deletes.end()) {
		return map<string, set<idx_t>>();
	}
	return entry->second.row_ids;
}

void StageInlinedDeletes(ClientContext &context, DuckLakeTableEntry &table, DeletedRowsByFile &rows) {
	auto &transaction = DuckLakeTransaction::Get(context, table.GetLakeCatalog());
	for (auto entry = rows.begin(); entry != rows.end();) {
		auto inlined_table = InlinedDataTableOfPath(entry->first);
		if (!IsInlinedDataPath(entry->first)) {
			entry++;
			continue;
		}
		if (inlined_table.empty()) {
			// The transaction's own rows: their provisional row id - the first one is their position.
			auto local = transaction.GetLocalInlinedRows(table.GetTableId());
			auto first = local.first_row_id.IsValid() ? local.first_row_id.GetIndex() : 0;
			vector<idx_t> positions;
			for (auto row_id : entry->second) {
				positions.push_back(row_id - first);
			}
			transaction.DeleteLocalInlinedRows(table.GetTableId(), positions);
		} else {
			transaction.AddInlinedDeletes(table, inlined_table, entry->second);
		}
		entry = rows.erase(entry);
	}
}

} // namespace duckdb
