#include "mallard/catalog/catalog_rows.hpp"

#include "mallard/catalog/metadata_reader.hpp"

#include "duckdb/common/string_util.hpp"

#include <algorithm>

namespace duckdb {

namespace {

//! The union's columns: the kind of row, 4 integers, 5 texts. Every part names all of them, with
//! typed NULLs for those it lacks (PostgreSQL cannot type a bare NULL across a UNION).
constexpr idx_t INTEGER_COLUMNS = 4;
constexpr idx_t TEXT_COLUMNS = 5;

enum class CatalogRowKind : int64_t {
	SCHEMA = 0,
	TAG = 1,
	TABLE = 2,
	COLUMN = 3,
	COLUMN_TAG = 4,
	COLUMN_ID = 5,
	PARTITION_SPEC = 6,
	VIEW = 7
};

string Part(CatalogRowKind kind, const vector<string> &integers, const vector<string> &texts, const string &rest) {
	string sql = "SELECT CAST(" + std::to_string(int64_t(kind)) + " AS BIGINT)";
	for (idx_t i = 0; i < INTEGER_COLUMNS; i++) {
		sql += ", CAST(" + (i < integers.size() ? integers[i] : string("NULL")) + " AS BIGINT)";
	}
	for (idx_t i = 0; i < TEXT_COLUMNS; i++) {
		sql += ", CAST(" + (i < texts.size() ? texts[i] : string("NULL")) + " AS VARCHAR)";
	}
	return sql + " " + rest;
}

//! Picks the union's columns back into a statement's own layout: "i<n>" an integer, "t<n>" a text.
vector<Value> Pick(const vector<Value> &row, const vector<const char *> &layout) {
	vector<Value> result;
	result.reserve(layout.size());
	for (auto column : layout) {
		auto index = idx_t(column[1] - '0');
		result.push_back(row[1 + (column[0] == 'i' ? index : INTEGER_COLUMNS + index)]);
	}
	return result;
}

//! ORDER BY on integer columns of `result` (NULLs last), as the separate statements had it.
void SortBy(MetadataResult &result, const vector<idx_t> &keys) {
	std::stable_sort(result.rows.begin(), result.rows.end(), [&](const vector<Value> &a, const vector<Value> &b) {
		for (auto key : keys) {
			auto &x = a[key];
			auto &y = b[key];
			if (x.IsNull() || y.IsNull()) {
				if (x.IsNull() != y.IsNull()) {
					return y.IsNull();
				}
				continue;
			}
			auto xv = x.GetValue<int64_t>();
			auto yv = y.GetValue<int64_t>();
			if (xv != yv) {
				return xv < yv;
			}
		}
		return false;
	});
}

} // namespace

CatalogRows ReadCatalogRows(MetadataConnection &conn, idx_t snapshot_id) {
	auto visible = MetadataReader::VisibleAt(snapshot_id);
	vector<string> parts;
	parts.push_back(Part(CatalogRowKind::SCHEMA, {"schema_id"}, {"schema_uuid", "schema_name", "path", "path_is_relative"},
	                     "FROM " + conn.Table("ducklake_schema") + " WHERE " + visible));
	// Comments are tags with key 'comment' (spec: ducklake_tag, ducklake_column_tag).
	parts.push_back(Part(CatalogRowKind::TAG, {"object_id"}, {"value"},
	                     "FROM " + conn.Table("ducklake_tag") + " WHERE key = 'comment' AND " + visible));
	parts.push_back(Part(CatalogRowKind::TABLE, {"table_id", "schema_id"},
	                     {"table_uuid", "table_name", "path", "path_is_relative"},
	                     "FROM " + conn.Table("ducklake_table") + " WHERE " + visible));
	parts.push_back(Part(CatalogRowKind::COLUMN, {"table_id", "column_id", "parent_column", "column_order"},
	                     {"column_name", "column_type", "initial_default", "default_value", "nulls_allowed"},
	                     "FROM " + conn.Table("ducklake_column") + " WHERE " + visible));
	parts.push_back(Part(CatalogRowKind::COLUMN_TAG, {"table_id", "column_id"}, {"value"},
	                     "FROM " + conn.Table("ducklake_column_tag") + " WHERE key = 'comment' AND " + visible));
	// Every column id a table ever used, with the snapshot that created it (not only the visible ones).
	parts.push_back(Part(CatalogRowKind::COLUMN_ID, {"table_id", "column_id", "min(begin_snapshot)"}, {},
	                     "FROM " + conn.Table("ducklake_column") + " GROUP BY table_id, column_id"));
	parts.push_back(Part(CatalogRowKind::PARTITION_SPEC,
	                     {"p.table_id", "p.partition_id", "c.partition_key_index", "c.column_id"}, {"c.transform"},
	                     "FROM " + conn.Table("ducklake_partition_info") + " p LEFT JOIN " +
	                         conn.Table("ducklake_partition_column") +
	                         " c ON c.partition_id = p.partition_id AND c.table_id = p.table_id WHERE " +
	                         MetadataReader::VisibleAt(snapshot_id, "p")));
	parts.push_back(Part(CatalogRowKind::VIEW, {"view_id", "schema_id"},
	                     {"view_uuid", "view_name", "dialect", "sql", "column_aliases"},
	                     "FROM " + conn.Table("ducklake_view") + " WHERE " + visible));
	auto all = conn.Query(StringUtil::Join(parts, " UNION ALL "));

	CatalogRows rows;
	for (auto &row : all.rows) {
		switch (CatalogRowKind(row[0].GetValue<int64_t>())) {
		case CatalogRowKind::SCHEMA:
			rows.schemas.rows.push_back(Pick(row, {"i0", "t0", "t1", "t2", "t3"}));
			break;
		case CatalogRowKind::TAG:
			rows.tags.rows.push_back(Pick(row, {"i0", "t0"}));
			break;
		case CatalogRowKind::TABLE:
			rows.tables.rows.push_back(Pick(row, {"i0", "t0", "i1", "t1", "t2", "t3"}));
			break;
		case CatalogRowKind::COLUMN:
			rows.columns.rows.push_back(Pick(row, {"i0", "i1", "t0", "t1", "t2", "t3", "t4", "i2", "i3"}));
			break;
		case CatalogRowKind::COLUMN_TAG:
			rows.column_tags.rows.push_back(Pick(row, {"i0", "i1", "t0"}));
			break;
		case CatalogRowKind::COLUMN_ID:
			rows.column_ids.rows.push_back(Pick(row, {"i0", "i1", "i2"}));
			break;
		case CatalogRowKind::PARTITION_SPEC:
			rows.partition_specs.rows.push_back(Pick(row, {"i0", "i1", "i2", "i3", "t0"}));
			break;
		case CatalogRowKind::VIEW:
			rows.views.rows.push_back(Pick(row, {"i0", "t0", "i1", "t1", "t2", "t3", "t4"}));
			break;
		default:
			throw IOException("DuckLake catalog %s: unexpected row kind in the catalog read",
			                  conn.GetLocation().DisplayName());
		}
	}
	SortBy(rows.schemas, {0});
	SortBy(rows.tables, {0});
	SortBy(rows.columns, {0, 8, 1});
	SortBy(rows.partition_specs, {0, 2});
	SortBy(rows.views, {0});
	return rows;
}

} // namespace duckdb
