#include "mallard/functions/inlined_changes.hpp"

#include "mallard/catalog/inlined_data.hpp"
#include "mallard/lake/ducklake_catalog.hpp"

namespace duckdb {

string InlinedChangeRows(DuckLakeCatalog &catalog, const LakeTableInfo &table, idx_t start, idx_t end,
                         const unordered_set<idx_t> &rewrite_snapshots) {
	auto from = std::to_string(start);
	auto to = std::to_string(end);
	auto condition = "(begin_snapshot >= " + from + " AND begin_snapshot <= " + to + ") OR (end_snapshot >= " + from +
	                 " AND end_snapshot <= " + to + ")";
	auto changed = catalog.WithMetadata(
	    [&](MetadataConnection &conn) { return InlinedData::ReadRows(conn, table.table_id, condition); });
	string rows;
	auto add_row = [&](const InlinedRows &inlined, idx_t row, idx_t snapshot, const char *type) {
		string values = "(" + std::to_string(snapshot) + "::BIGINT, " + std::to_string(inlined.row_ids[row]) +
		                "::BIGINT, '" + type + "'";
		for (auto &column : table.columns) {
			// Columns added after the row was inlined read as their initial default.
			Value stored = column.initial_default.IsNull() ? Value() : Value(column.initial_default.ToString());
			LogicalType written_type;
			for (idx_t i = 0; i < inlined.column_ids.size(); i++) {
				if (inlined.column_ids[i] == column.column_id) {
					stored = inlined.rows[row][i];
					written_type = inlined.written_types[i];
				}
			}
			values += ", " + InlinedData::StoredValueSQL(stored, written_type, column.type);
		}
		rows += string(rows.empty() ? "" : ", ") + values + ")";
	};
	for (auto &inlined : changed) {
		for (idx_t row = 0; row < inlined.Count(); row++) {
			auto begin = inlined.begin_snapshots[row];
			if (begin >= start && begin <= end) {
				add_row(inlined, row, begin, "insert");
			}
			auto &ended = inlined.end_snapshots[row];
			if (ended.IsValid() && ended.GetIndex() >= start && ended.GetIndex() <= end &&
			    !rewrite_snapshots.count(ended.GetIndex())) {
				add_row(inlined, row, ended.GetIndex(), "delete");
			}
		}
	}
	if (rows.empty()) {
		return string();
	}
	return " UNION ALL SELECT * FROM (VALUES " + rows + ")";
}

} // namespace duckdb
