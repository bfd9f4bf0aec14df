#include "mallard/catalog/catalog_rows.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/metadata_reader.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/map.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"

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
	VIEW = 7,
	SORT_SPEC = 8
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

//! Where the union's n-th integer and n-th text are (column 0 is the kind of row).
idx_t IntegerColumn(idx_t n) {
	return 1 + n;
}
idx_t TextColumn(idx_t n) {
	return 1 + INTEGER_COLUMNS + n;
}

//! A row of `chunk` in a result's layout: "i<n>" an integer (as BIGINT), "t<n>" a text, where n
//! counts the union's integers or texts, or with `scanned` the columns of a scan. Read from the
//! columns, so only the fields the layout names become Values.
vector<Value> Pick(const CatalogChunk &chunk, idx_t row, const vector<const char *> &layout, bool scanned = false) {
	vector<Value> result;
	result.reserve(layout.size());
	for (auto column : layout) {
		auto n = idx_t(column[1] - '0');
		if (column[0] == 'i') {
			auto integer = chunk.GetOptionalId(scanned ? n : IntegerColumn(n), row);
			result.push_back(integer.IsValid() ? Value::BIGINT(NumericCast<int64_t>(integer.GetIndex())) : Value());
		} else {
			result.push_back(chunk.GetText(scanned ? n : TextColumn(n), row));
		}
	}
	return result;
}

//! Where a column row's fields are in a result: the union's COLUMN part, or a scan of ducklake_column.
struct ColumnRowFields {
	idx_t table_id, column_id, parent_column, column_order, column_name, column_type, initial_default, default_value,
	    nulls_allowed;
};

CatalogColumnRow ReadColumnRow(const CatalogChunk &chunk, idx_t row, const ColumnRowFields &c) {
	CatalogColumnRow result;
	result.table_id = chunk.GetId(c.table_id, row);
	result.column_id = chunk.GetId(c.column_id, row);
	result.parent_column = chunk.GetOptionalId(c.parent_column, row);
	result.column_order = chunk.GetOptionalId(c.column_order, row);
	result.column_name = chunk.GetString(c.column_name, row);
	result.column_type = chunk.GetString(c.column_type, row);
	result.initial_default = chunk.GetText(c.initial_default, row);
	result.default_value = chunk.GetString(c.default_value, row);
	result.nulls_allowed = chunk.GetBool(c.nulls_allowed, row, true);
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
			// Pick makes every integer a BIGINT.
			auto xv = x.GetValueUnsafe<int64_t>();
			auto yv = y.GetValueUnsafe<int64_t>();
			if (xv != yv) {
				return xv < yv;
			}
		}
		return false;
	});
}

//! The catalog rows from one statement, a UNION ALL of a part per kind of row.
CatalogRows QueryCatalogRows(MetadataConnection &conn, idx_t snapshot_id,
                             optional_ptr<const vector<idx_t>> only_tables) {
	auto visible = MetadataReader::VisibleAt(snapshot_id);
	// The parts about tables, narrowed to `only_tables` when given (an empty list: none of them).
	string table_filter;
	if (only_tables) {
		vector<string> ids;
		for (auto id : *only_tables) {
			ids.push_back(std::to_string(id));
		}
		table_filter = "table_id IN (" + StringUtil::Join(ids, ", ") + ")";
	}
	bool read_tables = !only_tables || !only_tables->empty();
	auto and_tables = [&](const string &alias) {
		return table_filter.empty() ? string() : " AND " + alias + table_filter;
	};
	vector<string> parts;
	parts.push_back(Part(CatalogRowKind::SCHEMA, {"schema_id"}, {"schema_uuid", "schema_name", "path", "path_is_relative"},
	                     "FROM " + conn.Table("ducklake_schema") + " WHERE " + visible));
	// Comments are tags with key 'comment' (spec: ducklake_tag, ducklake_column_tag).
	parts.push_back(Part(CatalogRowKind::TAG, {"object_id"}, {"value"},
	                     "FROM " + conn.Table("ducklake_tag") + " WHERE key = 'comment' AND " + visible));
	if (read_tables) {
		parts.push_back(Part(CatalogRowKind::TABLE, {"table_id", "schema_id"},
		                     {"table_uuid", "table_name", "path", "path_is_relative"},
		                     "FROM " + conn.Table("ducklake_table") + " WHERE " + visible + and_tables("")));
		parts.push_back(Part(CatalogRowKind::COLUMN, {"table_id", "column_id", "parent_column", "column_order"},
		                     {"column_name", "column_type", "initial_default", "default_value", "nulls_allowed"},
		                     "FROM " + conn.Table("ducklake_column") + " WHERE " + visible + and_tables("")));
		parts.push_back(Part(CatalogRowKind::COLUMN_TAG, {"table_id", "column_id"}, {"value"},
		                     "FROM " + conn.Table("ducklake_column_tag") + " WHERE key = 'comment' AND " + visible +
		                         and_tables("")));
		// Every column id a table ever used, with the snapshot that created it (not only the visible ones).
		parts.push_back(Part(CatalogRowKind::COLUMN_ID,
		                     {"table_id", "column_id", "min(begin_snapshot)",
		                      "CASE WHEN count(DISTINCT column_type) > 1 THEN 1 ELSE 0 END"},
		                     {},
		                     "FROM " + conn.Table("ducklake_column") +
		                         (table_filter.empty() ? "" : " WHERE " + table_filter) +
		                         " GROUP BY table_id, column_id"));
		parts.push_back(Part(CatalogRowKind::PARTITION_SPEC,
		                     {"p.table_id", "p.partition_id", "c.partition_key_index", "c.column_id"}, {"c.transform"},
		                     "FROM " + conn.Table("ducklake_partition_info") + " p LEFT JOIN " +
		                         conn.Table("ducklake_partition_column") +
		                         " c ON c.partition_id = p.partition_id AND c.table_id = p.table_id WHERE " +
		                         MetadataReader::VisibleAt(snapshot_id, "p") + and_tables("p.")));
		// Joined on sort_id alone, as DuckLake reads it.
		parts.push_back(Part(CatalogRowKind::SORT_SPEC, {"s.table_id", "s.sort_id", "e.sort_key_index"},
		                     {"e.expression", "e.dialect", "e.sort_direction", "e.null_order"},
		                     "FROM " + conn.Table("ducklake_sort_info") + " s JOIN " +
		                         conn.Table("ducklake_sort_expression") + " e ON e.sort_id = s.sort_id WHERE " +
		                         MetadataReader::VisibleAt(snapshot_id, "s") + and_tables("s.")));
	}
	parts.push_back(Part(CatalogRowKind::VIEW, {"view_id", "schema_id"},
	                     {"view_uuid", "view_name", "dialect", "sql", "column_aliases"},
	                     "FROM " + conn.Table("ducklake_view") + " WHERE " + visible));
	auto all = conn.QueryColumns(StringUtil::Join(parts, " UNION ALL "));
	const ColumnRowFields union_column_row {IntegerColumn(0), IntegerColumn(1), IntegerColumn(2), IntegerColumn(3),
	                                        TextColumn(0), TextColumn(1), TextColumn(2), TextColumn(3), TextColumn(4)};

	CatalogRows rows;
	for (auto &data : all->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			switch (CatalogRowKind(chunk.GetId(0, row))) {
			case CatalogRowKind::SCHEMA:
				rows.schemas.rows.push_back(Pick(chunk, row, {"i0", "t0", "t1", "t2", "t3"}));
				break;
			case CatalogRowKind::TAG:
				rows.tags.rows.push_back(Pick(chunk, row, {"i0", "t0"}));
				break;
			case CatalogRowKind::TABLE:
				rows.tables.rows.push_back(Pick(chunk, row, {"i0", "t0", "i1", "t1", "t2", "t3"}));
				break;
			case CatalogRowKind::COLUMN:
				rows.columns.push_back(ReadColumnRow(chunk, row, union_column_row));
				break;
			case CatalogRowKind::COLUMN_TAG:
				rows.column_tags.rows.push_back(Pick(chunk, row, {"i0", "i1", "t0"}));
				break;
			case CatalogRowKind::COLUMN_ID:
				rows.column_ids.rows.push_back(Pick(chunk, row, {"i0", "i1", "i2", "i3"}));
				break;
			case CatalogRowKind::PARTITION_SPEC:
				rows.partition_specs.rows.push_back(Pick(chunk, row, {"i0", "i1", "i2", "i3", "t0"}));
				break;
			case CatalogRowKind::VIEW:
				rows.views.rows.push_back(Pick(chunk, row, {"i0", "t0", "i1", "t1", "t2", "t3", "t4"}));
				break;
			case CatalogRowKind::SORT_SPEC:
				rows.sort_specs.rows.push_back(Pick(chunk, row, {"i0", "i1", "i2", "t0", "t1", "t2", "t3"}));
				break;
			default:
				throw IOException("DuckLake catalog %s: unexpected row kind in the catalog read",
				                  conn.GetLocation().DisplayName());
			}
		}
	}
	return rows;
}

//! Scans read together (MetadataConnection::Scan), each result's rows handed to its function in order.
class ScanBatch {
public:
	using RowFunction = std::function<void(const CatalogChunk &chunk, idx_t row)>;

	void Add(CatalogScan scan, RowFunction row_function) {
		scans.push_back(std::move(scan));
		functions.push_back(std::move(row_function));
	}
	void Run(MetadataConnection &conn) {
		auto results = conn.Scan(scans);
		for (idx_t i = 0; i < results.size(); i++) {
			for (auto &data : results[i]->Chunks()) {
				CatalogChunk chunk(data);
				for (idx_t row = 0; row < chunk.size(); row++) {
					functions[i](chunk, row);
				}
			}
		}
	}

private:
	vector<CatalogScan> scans;
	vector<RowFunction> functions;
};

//! The same rows as QueryCatalogRows, a scan per catalog table, joined here (ScansStorage).
CatalogRows ScanCatalogRows(MetadataConnection &conn, idx_t snapshot_id,
                            optional_ptr<const vector<idx_t>> only_tables) {
	CatalogRows rows;
	ScanBatch batch;
	// Filled by some scans, read by later ones (the batch hands results over in order) or after.
	map<pair<idx_t, idx_t>, idx_t> created;
	set<pair<idx_t, idx_t>> promoted;
	map<pair<idx_t, idx_t>, string> first_types;
	map<pair<idx_t, idx_t>, vector<vector<Value>>> partition_columns;
	map<idx_t, vector<vector<Value>>> sort_expressions;
	vector<int64_t> table_ids;
	if (only_tables) {
		for (auto id : *only_tables) {
			table_ids.push_back(NumericCast<int64_t>(id));
		}
	}
	// A scan of table rows, narrowed to `only_tables` when given.
	auto of_tables = [&](CatalogScan scan) {
		if (only_tables) {
			scan.WhereIn("table_id", table_ids);
		}
		return scan;
	};
	auto add = [](MetadataResult &result, const vector<const char *> &layout) {
		return [&result, layout](const CatalogChunk &chunk, idx_t row) {
			result.rows.push_back(Pick(chunk, row, layout, true));
		};
	};
	batch.Add(CatalogScan("ducklake_schema", {"schema_id", "schema_uuid", "schema_name", "path", "path_is_relative"})
	              .VisibleAt(snapshot_id),
	          add(rows.schemas, {"i0", "t1", "t2", "t3", "t4"}));
	batch.Add(CatalogScan("ducklake_tag", {"object_id", "value"}).VisibleAt(snapshot_id).Where("key", "comment"),
	          add(rows.tags, {"i0", "t1"}));
	if (!only_tables || !only_tables->empty()) {
		batch.Add(of_tables(CatalogScan("ducklake_table", {"table_id", "table_uuid", "schema_id", "table_name", "path",
		                                                   "path_is_relative"})
		                        .VisibleAt(snapshot_id)),
		          add(rows.tables, {"i0", "t1", "i2", "t3", "t4", "t5"}));
		// Every row of a column, for the snapshot that created each column id; the visible ones are
		// the columns.
		batch.Add(of_tables(CatalogScan("ducklake_column",
		                                {"table_id", "column_id", "parent_column", "column_order", "column_name",
		                                 "column_type", "initial_default", "default_value", "nulls_allowed",
		                                 "begin_snapshot", "end_snapshot"})),
		          [&](const CatalogChunk &chunk, idx_t row) {
			          auto key = make_pair(chunk.GetId(0, row), chunk.GetId(1, row));
			          auto begin = chunk.GetOptionalId(9, row);
			          if (!begin.IsValid()) {
				          return;
			          }
			          auto entry = created.find(key);
			          if (entry == created.end() || begin.GetIndex() < entry->second) {
				          created[key] = begin.GetIndex();
			          }
			          auto type = chunk.GetString(5, row);
			          auto first_type = first_types.emplace(key, type).first;
			          if (first_type->second != type) {
				          promoted.insert(key);
			          }
			          auto end = chunk.GetOptionalId(10, row);
			          if (begin.GetIndex() > snapshot_id || (end.IsValid() && end.GetIndex() <= snapshot_id)) {
				          return;
			          }
			          rows.columns.push_back(ReadColumnRow(chunk, row, {0, 1, 2, 3, 4, 5, 6, 7, 8}));
		          });
		batch.Add(of_tables(CatalogScan("ducklake_column_tag", {"table_id", "column_id", "value"})
		                        .VisibleAt(snapshot_id)
		                        .Where("key", "comment")),
		          add(rows.column_tags, {"i0", "i1", "t2"}));
		// Partition specs with their columns (a spec without columns keeps one row of NULLs: a LEFT JOIN).
		batch.Add(CatalogScan("ducklake_partition_column",
		                      {"partition_id", "table_id", "partition_key_index", "column_id", "transform"}),
		          [&](const CatalogChunk &chunk, idx_t row) {
			          auto key = make_pair(chunk.GetId(0, row), chunk.GetId(1, row));
			          partition_columns[key].push_back(Pick(chunk, row, {"i2", "i3", "t4"}, true));
		          });
		batch.Add(of_tables(CatalogScan("ducklake_partition_info", {"table_id", "partition_id"}).VisibleAt(snapshot_id)),
		          [&](const CatalogChunk &chunk, idx_t row) {
			          auto spec = Pick(chunk, row, {"i0", "i1"}, true);
			          auto entry = partition_columns.find(make_pair(chunk.GetId(1, row), chunk.GetId(0, row)));
			          if (entry == partition_columns.end()) {
				          rows.partition_specs.rows.push_back({spec[0], spec[1], Value(), Value(), Value()});
				          return;
			          }
			          for (auto &column : entry->second) {
				          rows.partition_specs.rows.push_back({spec[0], spec[1], column[0], column[1], column[2]});
			          }
		          });
		// Sort orders with their expressions, joined on sort_id alone, as DuckLake reads them.
		batch.Add(CatalogScan("ducklake_sort_expression",
		                      {"sort_id", "sort_key_index", "expression", "dialect", "sort_direction", "null_order"}),
		          [&](const CatalogChunk &chunk, idx_t row) {
			          sort_expressions[chunk.GetId(0, row)].push_back(
			              Pick(chunk, row, {"i1", "t2", "t3", "t4", "t5"}, true));
		          });
		batch.Add(of_tables(CatalogScan("ducklake_sort_info", {"table_id", "sort_id"}).VisibleAt(snapshot_id)),
		          [&](const CatalogChunk &chunk, idx_t row) {
			          auto entry = sort_expressions.find(chunk.GetId(1, row));
			          if (entry == sort_expressions.end()) {
				          return;
			          }
			          auto sort = Pick(chunk, row, {"i0", "i1"}, true);
			          for (auto &expression : entry->second) {
				          auto result = sort;
				          result.insert(result.end(), expression.begin(), expression.end());
				          rows.sort_specs.rows.push_back(std::move(result));
			          }
		          });
	}
	batch.Add(CatalogScan("ducklake_view",
	                      {"view_id", "view_uuid", "schema_id", "view_name", "dialect", "sql", "column_aliases"})
	              .VisibleAt(snapshot_id),
	          add(rows.views, {"i0", "t1", "i2", "t3", "t4", "t5", "t6"}));
	batch.Run(conn);
	for (auto &entry : created) {
		rows.column_ids.rows.push_back({Value::BIGINT(NumericCast<int64_t>(entry.first.first)),
		                               Value::BIGINT(NumericCast<int64_t>(entry.first.second)),
		                               Value::BIGINT(NumericCast<int64_t>(entry.second)),
		                               Value::BIGINT(promoted.count(entry.first) ? 1 : 0)});
	}
	return rows;
}

} // namespace

CatalogRows ReadCatalogRows(MetadataConnection &conn, idx_t snapshot_id,
                            optional_ptr<const vector<idx_t>> only_tables) {
	auto rows = conn.ScansStorage() ? ScanCatalogRows(conn, snapshot_id, only_tables)
	                                : QueryCatalogRows(conn, snapshot_id, only_tables);
	SortBy(rows.schemas, {0});
	SortBy(rows.tables, {0});
	auto column_order = [](const CatalogColumnRow &a, const CatalogColumnRow &b) {
		if (a.table_id != b.table_id) {
			return a.table_id < b.table_id;
		}
		if (a.column_order != b.column_order) {
			// NULLs last, as the separate statement's ORDER BY had them.
			return a.column_order.IsValid() &&
			       (!b.column_order.IsValid() || a.column_order.GetIndex() < b.column_order.GetIndex());
		}
		return a.column_id < b.column_id;
	};
	std::stable_sort(rows.columns.begin(), rows.columns.end(), column_order);
	SortBy(rows.partition_specs, {0, 2});
	SortBy(rows.sort_specs, {0, 2});
	SortBy(rows.views, {0});
	return rows;
}

} // namespace duckdb
