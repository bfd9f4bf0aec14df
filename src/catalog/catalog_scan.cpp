#include "mallard/catalog/catalog_scan.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

string CatalogScan::ToSQL(const MetadataConnection &conn) const {
	// Column names unquoted: they are the spec's plain names, and SQLite reads a double-quoted name
	// that matches no column as a string literal instead of failing.
	vector<string> conditions;
	if (visible_at.IsValid()) {
		conditions.push_back(MetadataReader::VisibleAt(visible_at.GetIndex()));
	}
	for (auto &condition : equals) {
		conditions.push_back(condition.first + " = " + std::to_string(condition.second));
	}
	for (auto &condition : text_equals) {
		conditions.push_back(condition.first + " = " + MetadataConnection::Literal(condition.second));
	}
	if (!in_column.empty()) {
		vector<string> values;
		for (auto value : in_values) {
			values.push_back(std::to_string(value));
		}
		// An empty list matches nothing (IN () is not SQL).
		conditions.push_back(values.empty() ? "1 = 0" : in_column + " IN (" + StringUtil::Join(values, ", ") + ")");
	}
	auto sql = "SELECT " + StringUtil::Join(columns, ", ") + " FROM " + conn.Table(table);
	if (!conditions.empty()) {
		sql += " WHERE " + StringUtil::Join(conditions, " AND ");
	}
	return sql;
}

} // namespace duckdb
