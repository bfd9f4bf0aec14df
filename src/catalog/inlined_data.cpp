#include "mallard/catalog/inlined_data.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/value_text.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/common/vector_operations/vector_operations.hpp"

#include <algorithm>

namespace duckdb {

namespace {

idx_t ToId(const Value &value) {
	return NumericCast<idx_t>(value.GetValue<int64_t>());
}

string ValueColumns(MetadataConnection &conn, const vector<string> &names) {
	string result;
	for (auto &name : names) {
		result += ", " + MetadataConnection::Identifier(name);
	}
	return result;
}

bool IsFloat(const LogicalType &type) {
	return type.id() == LogicalTypeId::FLOAT || type.id() == LogicalTypeId::DOUBLE;
}

} // namespace

string InlinedData::TableName(idx_t table_id, idx_t schema_version) {
	return "ducklake_inlined_data_" + std::to_string(table_id) + "_" + std::to_string(schema_version);
}

string InlinedData::DeleteTableName(idx_t table_id) {
	return "ducklake_inlined_delete_" + std::to_string(table_id);
}

LogicalType InlinedData::StoredType(const LogicalType &type) {
	if (FitsBigint(type)) {
		return LogicalType::BIGINT;
	}
	if (type.id() == LogicalTypeId::BOOLEAN) {
		return LogicalType::BOOLEAN;
	}
	// Text is the one representation every backend holds exactly (unsigned 64-bit, 128-bit,
	// decimals, floats, temporal and nested values): DuckDB casts it back losslessly.
	return LogicalType::VARCHAR;
}

Value InlinedData::StoredParameter(const Value &value) {
	// Integers that fit and booleans as themselves, NULL as NULL, everything else as its text (a
	// commit writes every field of its rows this way: no cast is looked up per value).
	auto &type = value.type();
	if (value.IsNull()) {
		return Value();
	}
	if (FitsBigint(type)) {
		return Value::BIGINT(value.GetValue<int64_t>());
	}
	if (type.id() == LogicalTypeId::BOOLEAN) {
		return value;
	}
	return Value(ValueText(value));
}

//! The rows of ducklake_inlined_data_tables (those of one table when `table_id` is given), by
//! table_id and schema_version.
static vector<InlinedDataTableInfo> ScanInlinedTables(MetadataConnection &conn, optional_idx table_id) {
	CatalogScan scan("ducklake_inlined_data_tables", {"table_id", "table_name", "schema_version"});
	if (table_id.IsValid()) {
		scan.Where("table_id", NumericCast<int64_t>(table_id.GetIndex()));
	}
	vector<InlinedDataTableInfo> result;
	auto rows = conn.Scan(scan);
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			InlinedDataTableInfo info;
			info.table_id = chunk.GetId(0, row);
			info.table_name = chunk.GetString(1, row);
			info.schema_version = chunk.GetId(2, row);
			result.push_back(std::move(info));
		}
	}
	std::sort(result.begin(), result.end(), [](const InlinedDataTableInfo &a, const InlinedDataTableInfo &b) {
		return a.table_id != b.table_id ? a.table_id < b.table_id : a.schema_version < b.schema_version;
	});
	return result;
}

vector<InlinedDataTableInfo> InlinedData::ListTables(MetadataConnection &conn, idx_t table_id) {
	return ScanInlinedTables(conn, table_id);
}

vector<InlinedDataTableInfo> InlinedData::ListAllTables(MetadataConnection &conn) {
	return ScanInlinedTables(conn, optional_idx());
}

string InlinedData::ColumnRowsCondition(MetadataConnection &conn, const InlinedDataTableInfo &table) {
	// Rows are inlined into the table made for the columns the table had then: the columns visible at
	// the snapshot of its first row are its columns.
	auto first_row = "(SELECT min(begin_snapshot) FROM " + conn.Table(table.table_name) + ")";
	return "table_id = " + std::to_string(table.table_id) + " AND begin_snapshot <= " + first_row +
	       " AND (end_snapshot IS NULL OR end_snapshot > " + first_row + ")";
}

//! An InlinedColumn of a ducklake_column row (its written type known for primitive types only).
static InlinedColumn MakeColumn(string name, idx_t column_id, const string &column_type) {
	InlinedColumn column;
	column.name = std::move(name);
	column.column_id = column_id;
	if (!column_type.empty() && !IsNestedDuckLakeType(column_type)) {
		try {
			column.written_type = FromDuckLakeTypeName(column_type);
		} catch (std::exception &) {
			// A type this build does not know (a newer format's): read as before, by the type now.
		}
	}
	return column;
}

//! ReadColumns from a DuckDB file's storage: the statement's subquery costs a plan of several ms
//! there (most of a new process's first query of a table with inlined rows), the scans microseconds.
static vector<InlinedColumn> ScanColumns(MetadataConnection &conn, const InlinedDataTableInfo &table) {
	auto results = conn.Scan({CatalogScan(table.table_name, {"begin_snapshot"}),
	                          CatalogScan("ducklake_column", {"column_name", "column_id", "column_order",
	                                                          "begin_snapshot", "end_snapshot", "parent_column",
	                                                          "column_type"})
	                              .Where("table_id", NumericCast<int64_t>(table.table_id))});
	optional_idx first_row;
	for (auto &data : results[0]->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto begin = chunk.GetOptionalId(0, row);
			if (begin.IsValid() && (!first_row.IsValid() || begin.GetIndex() < first_row.GetIndex())) {
				first_row = begin;
			}
		}
	}
	if (!first_row.IsValid()) {
		return {};
	}
	auto snapshot = first_row.GetIndex();
	vector<pair<idx_t, InlinedColumn>> ordered;
	for (auto &data : results[1]->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto begin = chunk.GetOptionalId(3, row);
			auto end = chunk.GetOptionalId(4, row);
			if (!chunk.IsNull(5, row) || !begin.IsValid() || begin.GetIndex() > snapshot ||
			    (end.IsValid() && end.GetIndex() <= snapshot)) {
				continue;
			}
			// A top-level column always has its order (NULLs would sort last, as in the statement).
			auto order = chunk.GetOptionalId(2, row);
			ordered.emplace_back(order.IsValid() ? order.GetIndex() : NumericLimits<idx_t>::Maximum(),
			                     MakeColumn(chunk.GetString(0, row), chunk.GetId(1, row), chunk.GetString(6, row)));
		}
	}
	std::stable_sort(ordered.begin(), ordered.end(),
	                 [](const pair<idx_t, InlinedColumn> &a, const pair<idx_t, InlinedColumn> &b) {
		                 return a.first < b.first;
	                 });
	vector<InlinedColumn> result;
	for (auto &entry : ordered) {
		result.push_back(std::move(entry.second));
	}
	return result;
}

vector<InlinedColumn> InlinedData::ReadColumns(MetadataConnection &conn, const InlinedDataTableInfo &table) {
	if (conn.ScansStorage()) {
		return ScanColumns(conn, table);
	}
	auto rows = conn.Query("SELECT column_name, column_id, column_type FROM " + conn.Table("ducklake_column") +
	                       " WHERE " + ColumnRowsCondition(conn, table) +
	                       " AND parent_column IS NULL ORDER BY column_order");
	vector<InlinedColumn> result;
	for (auto &row : rows.rows) {
		result.push_back(MakeColumn(row[0].ToString(), ToId(row[1]), row[2].IsNull() ? string() : row[2].ToString()));
	}
	return result;
}

void InlinedData::CastStored(Vector &stored, const LogicalType &written_type, Vector &result, idx_t count,
                             optional_ptr<ClientContext> context) {
	auto &type = result.GetType();
	if (written_type.id() == LogicalTypeId::INVALID || written_type == type || written_type == stored.GetType()) {
		ReferenceOrCast(stored, result, count);
		return;
	}
	Vector written(written_type, count);
	VectorOperations::DefaultCast(stored, written, count);
	if (context) {
		VectorOperations::Cast(*context, written, result, count);
	} else {
		VectorOperations::DefaultCast(written, result, count);
	}
}

string InlinedData::StoredValueSQL(const Value &stored, const LogicalType &written_type, const LogicalType &type) {
	if (stored.IsNull()) {
		return "NULL::" + type.ToString();
	}
	auto value = stored.ToSQLString();
	if (written_type.id() != LogicalTypeId::INVALID && written_type != type) {
		value = "CAST(" + value + " AS " + written_type.ToString() + ")";
	}
	return "CAST(" + value + " AS " + type.ToString() + ")";
}

vector<InlinedRows> InlinedData::ReadRows(MetadataConnection &conn, idx_t table_id, const string &condition) {
	vector<InlinedRows> result;
	for (auto &table : ListTables(conn, table_id)) {
		auto columns = ReadColumns(conn, table);
		vector<string> names;
		InlinedRows rows;
		rows.table_name = table.table_name;
		for (auto &column : columns) {
			names.push_back(column.name);
			rows.column_ids.push_back(column.column_id);
			rows.written_types.push_back(column.written_type);
		}
		auto data = conn.Query("SELECT row_id, begin_snapshot, end_snapshot" + ValueColumns(conn, names) + " FROM " +
		                       conn.Table(table.table_name) + " WHERE " + condition);
		for (auto &row : data.rows) {
			rows.row_ids.push_back(row[0].GetValue<int64_t>());
			rows.begin_snapshots.push_back(ToId(row[1]));
			rows.end_snapshots.push_back(row[2].IsNull() ? optional_idx() : optional_idx(ToId(row[2])));
			rows.rows.emplace_back(std::make_move_iterator(row.begin() + 3), std::make_move_iterator(row.end()));
		}
		if (rows.Count() > 0) {
			result.push_back(std::move(rows));
		}
	}
	return result;
}

vector<InlinedRows> InlinedData::ReadVisible(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id) {
	return ReadRows(conn, table_id, VisibleCondition(snapshot_id));
}

string InlinedData::VisibleCondition(idx_t snapshot_id) {
	auto snapshot = std::to_string(snapshot_id);
	return "begin_snapshot <= " + snapshot + " AND (end_snapshot IS NULL OR end_snapshot > " + snapshot + ")";
}

idx_t InlinedData::CountRows(MetadataConnection &conn, const vector<InlinedDataTableInfo> &tables,
                             const string &condition) {
	idx_t count = 0;
	for (auto &table : tables) {
		if (!conn.TableExists(table.table_name)) {
			continue;
		}
		auto rows = conn.Query("SELECT count(*) FROM " + conn.Table(table.table_name) + " WHERE " + condition);
		count += NumericCast<idx_t>(rows.rows[0][0].GetValue<int64_t>());
	}
	return count;
}

bool InlinedData::CatalogHolds(MetadataConnection &conn, const vector<LakeColumnInfo> &columns) {
	// The columns PrepareTable makes: its own three, then the table's. A table column named like one
	// of the three would collide with it (the catalog refuses the table).
	vector<string> names {"row_id", "begin_snapshot", "end_snapshot"};
	for (auto &column : columns) {
		for (idx_t i = 0; i < 3; i++) {
			if (StringUtil::CIEquals(column.name, names[i])) {
				return false;
			}
		}
		names.push_back(column.name);
	}
	return conn.HoldsColumns(names);
}

//! PrepareTable's statement from a DuckDB file's storage (planning it there took 7-8 ms of a new
//! process's first inlined insert): the schema version of the first snapshot since the table's
//! columns last changed, and whether an inlined-data table is registered for it. Leaves both as
//! they are when the table has no column rows.
static void ScanSchemaVersion(MetadataConnection &conn, idx_t table_id, idx_t &version, bool &registered) {
	auto table = NumericCast<int64_t>(table_id);
	auto results =
	    conn.Scan({CatalogScan("ducklake_column", {"begin_snapshot", "end_snapshot"}).Where("table_id", table),
	               CatalogScan("ducklake_snapshot", {"snapshot_id", "schema_version"}),
	               CatalogScan("ducklake_inlined_data_tables", {"schema_version"}).Where("table_id", table)});
	optional_idx last_change;
	auto later = [](optional_idx current, optional_idx candidate) {
		return candidate.IsValid() && (!current.IsValid() || candidate.GetIndex() > current.GetIndex()) ? candidate
		                                                                                                : current;
	};
	for (auto &data : results[0]->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			last_change = later(later(last_change, chunk.GetOptionalId(0, row)), chunk.GetOptionalId(1, row));
		}
	}
	if (!last_change.IsValid()) {
		return;
	}
	optional_idx first_snapshot, first_version;
	for (auto &data : results[1]->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto snapshot_id = chunk.GetId(0, row);
			if (snapshot_id >= last_change.GetIndex() &&
			    (!first_snapshot.IsValid() || snapshot_id < first_snapshot.GetIndex())) {
				first_snapshot = snapshot_id;
				first_version = chunk.GetOptionalId(1, row);
			}
		}
	}
	if (!first_snapshot.IsValid() || !first_version.IsValid()) {
		return;
	}
	version = first_version.GetIndex();
	for (auto &data : results[2]->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			registered = registered || chunk.GetOptionalId(0, row) == first_version;
		}
	}
}

string InlinedData::PrepareTable(MetadataConnection &conn, idx_t table_id, idx_t schema_version,
                                 const vector<LakeColumnInfo> &columns, bool columns_changed_here) {
	auto table = std::to_string(table_id);
	idx_t version = schema_version;
	bool registered = false;
	if (!columns_changed_here && conn.ScansStorage()) {
		ScanSchemaVersion(conn, table_id, version, registered);
	} else if (!columns_changed_here) {
		// The table's schema version: that of the first snapshot after its columns last changed, so
		// DDL on other tables does not start a new inlined-data table.
		auto column = conn.Table("ducklake_column");
		auto last_change = "(SELECT max(x) FROM (SELECT max(begin_snapshot) AS x FROM " + column + " WHERE table_id = " +
		                   table + " UNION ALL SELECT max(end_snapshot) AS x FROM " + column + " WHERE table_id = " +
		                   table + ") changes)";
		auto rows = conn.Query("SELECT s.schema_version, (SELECT count(*) FROM " +
		                       conn.Table("ducklake_inlined_data_tables") + " i WHERE i.table_id = " + table +
		                       " AND i.schema_version = s.schema_version) FROM " + conn.Table("ducklake_snapshot") +
		                       " s WHERE s.snapshot_id >= " + last_change + " ORDER BY s.snapshot_id LIMIT 1");
		if (rows.RowCount() > 0) {
			version = ToId(rows.rows[0][0]);
			registered = rows.rows[0][1].GetValue<int64_t>() > 0;
		}
	}
	auto name = TableName(table_id, version);
	if (registered) {
		return name;
	}
	string sql = "CREATE TABLE IF NOT EXISTS " + conn.Table(name) + " (row_id " + conn.ColumnType("BIGINT") +
	             ", begin_snapshot " + conn.ColumnType("BIGINT") + ", end_snapshot " + conn.ColumnType("BIGINT");
	for (auto &column : columns) {
		sql += ", " + MetadataConnection::Identifier(column.name) + " " +
		       conn.ColumnType(StoredType(column.type).ToString());
	}
	conn.Execute(sql + ")");
	auto exists = conn.Query("SELECT count(*) FROM " + conn.Table("ducklake_inlined_data_tables") +
	                         " WHERE table_id = " + table + " AND schema_version = " + std::to_string(version));
	if (exists.rows[0][0].GetValue<int64_t>() == 0) {
		conn.Execute("INSERT INTO " + conn.Table("ducklake_inlined_data_tables") +
		             " (table_id, table_name, schema_version) VALUES (" + table + ", " + MetadataConnection::Literal(name) +
		             ", " + std::to_string(version) + ")");
	}
	return name;
}

vector<MetadataStatement> InlinedData::InsertStatements(MetadataConnection &conn, const string &table_name,
                                                       const vector<LakeColumnInfo> &columns,
                                                       const vector<int64_t> &row_ids, idx_t snapshot_id,
                                                       const vector<vector<Value>> &rows) {
	vector<string> names;
	for (auto &column : columns) {
		names.push_back(column.name);
	}
	auto insert = "INSERT INTO " + conn.Table(table_name) + " (row_id, begin_snapshot, end_snapshot" +
	              ValueColumns(conn, names) + ") VALUES ";
	string placeholders = "(?, ?, NULL";
	for (idx_t col = 0; col < columns.size(); col++) {
		placeholders += ", ?";
	}
	placeholders += ")";
	auto per_row = columns.size() + 2;
	auto rows_per_statement = MaxValue<idx_t>(conn.MaxParameters() / per_row, 1);
	vector<MetadataStatement> result;
	for (idx_t first = 0; first < rows.size(); first += rows_per_statement) {
		auto end = MinValue<idx_t>(first + rows_per_statement, rows.size());
		auto sql = insert;
		vector<Value> parameters;
		parameters.reserve((end - first) * per_row);
		for (idx_t i = first; i < end; i++) {
			sql += i == first ? placeholders : ", " + placeholders;
			parameters.push_back(Value::BIGINT(row_ids[i]));
			parameters.push_back(Value::BIGINT(int64_t(snapshot_id)));
			// (A transaction's rows may carry partition key values after the columns.)
			for (idx_t col = 0; col < columns.size(); col++) {
				parameters.push_back(StoredParameter(rows[i][col]));
			}
		}
		result.emplace_back(std::move(sql), std::move(parameters));
	}
	return result;
}

namespace {

//! Statistics of one column's values; struct fields recursively (as CollectStatsColumns lists them).
void CollectStats(const LakeColumnInfo &column, const vector<Value> &values, vector<ColumnStatsInfo> &result) {
	if (!column.children.empty()) {
		if (column.type.id() != LogicalTypeId::STRUCT) {
			return; // lists and maps carry no statistics
		}
		for (idx_t i = 0; i < column.children.size(); i++) {
			vector<Value> child_values;
			child_values.reserve(values.size());
			for (auto &value : values) {
				if (value.IsNull()) {
					child_values.push_back(Value());
					continue;
				}
				auto &children = StructValue::GetChildren(value);
				child_values.push_back(i < children.size() ? children[i] : Value());
			}
			CollectStats(column.children[i], child_values, result);
		}
		return;
	}
	ColumnStatsInfo stats;
	stats.column_id = column.column_id;
	idx_t nulls = 0;
	bool nan = false;
	Value min, max;
	for (auto &value : values) {
		if (value.IsNull()) {
			nulls++;
			continue;
		}
		if (IsFloat(column.type) && Value::IsNan(value.GetValue<double>())) {
			nan = true;
			continue;
		}
		if (min.IsNull() || value < min) {
			min = value;
		}
		if (max.IsNull() || value > max) {
			max = value;
		}
	}
	stats.null_count = nulls;
	stats.value_count = values.size() - nulls;
	if (!min.IsNull()) {
		stats.SetBounds(ValueText(min), ValueText(max));
	}
	if (IsFloat(column.type)) {
		stats.contains_nan = Value::BOOLEAN(nan);
	}
	result.push_back(std::move(stats));
}

} // namespace

vector<ColumnStatsInfo> InlinedData::ComputeStats(const vector<LakeColumnInfo> &columns,
                                                  const vector<vector<Value>> &rows) {
	vector<ColumnStatsInfo> result;
	for (idx_t col = 0; col < columns.size(); col++) {
		vector<Value> values;
		values.reserve(rows.size());
		for (auto &row : rows) {
			values.push_back(row[col]);
		}
		CollectStats(columns[col], values, result);
	}
	return result;
}

vector<vector<Value>> InlinedData::ToColumns(const vector<LakeColumnInfo> &from, const vector<LakeColumnInfo> &to,
                                             const vector<vector<Value>> &rows) {
	vector<vector<Value>> result;
	result.reserve(rows.size());
	for (auto &row : rows) {
		vector<Value> values;
		for (auto &column : to) {
			Value value(column.type);
			bool found = false;
			for (idx_t i = 0; i < from.size(); i++) {
				if (from[i].column_id == column.column_id) {
					value = row[i].DefaultCastAs(column.type);
					found = true;
				}
			}
			if (!found && !column.initial_default.IsNull()) {
				value = column.initial_default.DefaultCastAs(column.type);
			}
			values.push_back(std::move(value));
		}
		result.push_back(std::move(values));
	}
	return result;
}

} // namespace duckdb
