#include "mallard/catalog/metadata_writer.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/value_text.hpp"
#include "mallard/storage/file_encryption.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

namespace {

string Lit(const string &text) {
	return MetadataConnection::Literal(text);
}

string Lit(const Value &value) {
	return MetadataConnection::Literal(value);
}

string Num(idx_t value) {
	return std::to_string(value);
}

string Num(const optional_idx &value) {
	return value.IsValid() ? std::to_string(value.GetIndex()) : "NULL";
}

//! A file's encryption_key column: NULL for a plain file.
string Key(const string &key) {
	return key.empty() ? string("NULL") : Lit(FileEncryption::ToCatalog(key));
}

string Bool(bool value) {
	return value ? "true" : "false";
}

//! An id or count as a statement parameter.
Value Id(idx_t value) {
	return Value::BIGINT(int64_t(value));
}

} // namespace

SnapshotWriter::SnapshotWriter(MetadataConnection &conn, idx_t snapshot_id)
    : conn(conn), snapshot_id(snapshot_id), snapshot(std::to_string(snapshot_id)) {
}

void SnapshotWriter::Add(MetadataStatement statement) {
	statements.push_back(std::move(statement));
}

void SnapshotWriter::CreateSchema(const LakeSchemaInfo &schema) {
	Add("INSERT INTO " + conn.Table("ducklake_schema") +
	    " (schema_id, schema_uuid, begin_snapshot, end_snapshot, schema_name, path, path_is_relative) VALUES (" +
	    Num(schema.schema_id) + ", " + Lit(schema.schema_uuid) + ", " + snapshot + ", NULL, " + Lit(schema.name) +
	    ", " + Lit(schema.path) + ", " + Bool(schema.path_is_relative) + ")");
}

void SnapshotWriter::DropSchema(idx_t schema_id) {
	Add("UPDATE " + conn.Table("ducklake_schema") + " SET end_snapshot = " + snapshot +
	    " WHERE schema_id = " + Num(schema_id) + " AND end_snapshot IS NULL");
	DropScopedOptions("schema", schema_id);
}

void SnapshotWriter::DropScopedOptions(const string &scope, idx_t scope_id) {
	// Options are not versioned: a dropped object's go with it, as in DuckLake, and a new object of
	// the same name starts without them.
	Add("DELETE FROM " + conn.Table("ducklake_metadata") + " WHERE scope = " + Lit(scope) +
	    " AND scope_id = " + Num(scope_id));
}

string SnapshotWriter::ColumnRowValues(idx_t table_id, const LakeColumnInfo &column, optional_idx parent,
                                      idx_t order) const {
	auto has_default = !column.default_value.empty();
	return "(" + Num(column.column_id) + ", " + snapshot + ", NULL, " + Num(table_id) + ", " + Num(order) + ", " +
	       Lit(column.name) + ", " + Lit(ToDuckLakeTypeName(column.type)) + ", " +
	       (column.initial_default.IsNull() ? "NULL" : Lit(column.initial_default.ToString())) + ", " +
	       (has_default ? Lit(column.default_value) : "NULL") + ", " + Bool(column.nulls_allowed) + ", " +
	       Num(parent) + ", " + (has_default ? "'expression'" : "NULL") + ", " +
	       (has_default ? "'duckdb'" : "NULL") + ")";
}

void SnapshotWriter::AddColumnRows(const vector<string> &rows) {
	// One statement for many rows: each statement costs a parse, plan and execution of its own on a
	// DuckDB-file catalog (0.7 ms a column row of a CREATE TABLE) and a round trip on PostgreSQL.
	static constexpr idx_t ROWS_PER_STATEMENT = 500;
	for (idx_t start = 0; start < rows.size(); start += ROWS_PER_STATEMENT) {
		auto end = MinValue<idx_t>(rows.size(), start + ROWS_PER_STATEMENT);
		vector<string> part(rows.begin() + int64_t(start), rows.begin() + int64_t(end));
		Add("INSERT INTO " + conn.Table("ducklake_column") +
		    " (column_id, begin_snapshot, end_snapshot, table_id, column_order, column_name, column_type, "
		    "initial_default, default_value, nulls_allowed, parent_column, default_value_type, "
		    "default_value_dialect) VALUES " +
		    StringUtil::Join(part, ", "));
	}
}

void SnapshotWriter::AddColumnRow(idx_t table_id, const LakeColumnInfo &column, optional_idx parent, idx_t order) {
	AddColumnRows({ColumnRowValues(table_id, column, parent, order)});
}

void SnapshotWriter::EndColumn(idx_t table_id, idx_t column_id) {
	Add("UPDATE " + conn.Table("ducklake_column") + " SET end_snapshot = " + snapshot + " WHERE table_id = " +
	    Num(table_id) + " AND column_id = " + Num(column_id) + " AND end_snapshot IS NULL");
}

void SnapshotWriter::DropColumnStats(idx_t table_id, idx_t column_id) {
	Add("DELETE FROM " + conn.Table("ducklake_table_column_stats") + " WHERE table_id = " + Num(table_id) +
	    " AND column_id = " + Num(column_id));
}

namespace {

//! The DOUBLE text of a FLOAT bound's text (a value a FLOAT file holds); with `cover_text`, of the
//! lower (or upper) of that and the text read as a DOUBLE (a value an older, wider file holds).
//! False when it is no number (left as it is).
bool FloatTextAsDouble(const Value &text, bool cover_text, bool lower, Value &result) {
	Value as_float, as_double;
	if (text.IsNull() || !TryCastValue(text, LogicalType::FLOAT, as_float) ||
	    !TryCastValue(text, LogicalType::DOUBLE, as_double)) {
		return false;
	}
	auto bound = double(as_float.GetValue<float>());
	if (cover_text) {
		auto exact = as_double.GetValue<double>();
		bound = lower ? MinValue(bound, exact) : MaxValue(bound, exact);
	}
	result = Value(Value::DOUBLE(bound).ToString());
	return true;
}

} // namespace

void SnapshotWriter::RecastFloatStats(idx_t table_id, idx_t column_id) {
	auto where = " WHERE table_id = " + Num(table_id) + " AND column_id = " + Num(column_id);
	// The snapshot from which the column was a FLOAT: the end of its last version of another type.
	auto before = conn.Query("SELECT max(end_snapshot) FROM " + conn.Table("ducklake_column") + where +
	                         " AND column_type <> 'float32'");
	auto float_since = before.rows.empty() || before.rows[0][0].IsNull() ? string()
	                                                                      : before.rows[0][0].ToString();
	// File statistics have a row per file (`file_column` names it); the table's, one row.
	auto recast = [&](const string &table, const string &file_column) {
		auto query = "SELECT " + (file_column.empty() ? string("NULL") : file_column) + ", min_value, max_value FROM " +
		             conn.Table(table) + where;
		if (!file_column.empty() && !float_since.empty()) {
			query += " AND data_file_id IN (SELECT data_file_id FROM " + conn.Table("ducklake_data_file") +
			         " WHERE table_id = " + Num(table_id) + " AND begin_snapshot >= " + float_since + ")";
		}
		auto rows = conn.Query(query);
		// The table's bounds also cover files of the column's earlier type.
		bool cover_text = file_column.empty() && !float_since.empty();
		for (auto &row : rows.rows) {
			Value min_value = row[1], max_value = row[2];
			bool changed = FloatTextAsDouble(row[1], cover_text, true, min_value);
			changed = FloatTextAsDouble(row[2], cover_text, false, max_value) || changed;
			if (!changed) {
				continue;
			}
			auto sql = "UPDATE " + conn.Table(table) + " SET min_value = ?, max_value = ?" + where;
			vector<Value> parameters {min_value, max_value};
			if (!file_column.empty()) {
				sql += " AND " + file_column + " = ?";
				parameters.push_back(Value::BIGINT(row[0].GetValue<int64_t>()));
			}
			AddStatement(MetadataStatement(sql, std::move(parameters)));
		}
	};
	recast("ducklake_file_column_stats", "data_file_id");
	recast("ducklake_table_column_stats", string());
}

void SnapshotWriter::ClearZonelessBounds(idx_t table_id, idx_t column_id) {
	auto where = " WHERE table_id = " + Num(table_id) + " AND column_id = " + Num(column_id);
	for (auto table : {"ducklake_file_column_stats", "ducklake_table_column_stats"}) {
		Add("UPDATE " + conn.Table(table) + " SET min_value = NULL, max_value = NULL" + where);
	}
}

void SnapshotWriter::CollectColumnRows(idx_t table_id, const vector<LakeColumnInfo> &columns, optional_idx parent,
                                       idx_t &order, vector<string> &rows) const {
	for (auto &column : columns) {
		rows.push_back(ColumnRowValues(table_id, column, parent, order++));
		CollectColumnRows(table_id, column.children, column.column_id, order, rows);
	}
}

void SnapshotWriter::CreateTable(const LakeTableInfo &table) {
	Add("INSERT INTO " + conn.Table("ducklake_table") +
	    " (table_id, table_uuid, begin_snapshot, end_snapshot, schema_id, table_name, path, path_is_relative) "
	    "VALUES (" +
	    Num(table.table_id) + ", " + Lit(table.table_uuid) + ", " + snapshot + ", NULL, " + Num(table.schema_id) +
	    ", " + Lit(table.name) + ", " + Lit(table.path) + ", " + Bool(table.path_is_relative) + ")");
	idx_t order = 1;
	vector<string> column_rows;
	CollectColumnRows(table.table_id, table.columns, optional_idx(), order, column_rows);
	AddColumnRows(column_rows);
	if (!table.comment.IsNull()) {
		SetComment(table.table_id, table.comment);
	}
	for (auto &column : table.columns) {
		if (!column.comment.IsNull()) {
			SetColumnComment(table.table_id, column.column_id, column.comment);
		}
	}
}

void SnapshotWriter::RenameTable(const LakeTableInfo &table) {
	// A rename is a new version of the table row with the same id (spec: ducklake_table).
	Add("UPDATE " + conn.Table("ducklake_table") + " SET end_snapshot = " + snapshot + " WHERE table_id = " +
	    Num(table.table_id) + " AND end_snapshot IS NULL");
	Add("INSERT INTO " + conn.Table("ducklake_table") +
	    " (table_id, table_uuid, begin_snapshot, end_snapshot, schema_id, table_name, path, path_is_relative) "
	    "VALUES (" +
	    Num(table.table_id) + ", " + Lit(table.table_uuid) + ", " + snapshot + ", NULL, " + Num(table.schema_id) +
	    ", " + Lit(table.name) + ", " + Lit(table.path) + ", " + Bool(table.path_is_relative) + ")");
}

void SnapshotWriter::SetPartitionSpec(idx_t table_id, optional_idx partition_id,
                                      const vector<LakePartitionField> &fields) {
	Add("UPDATE " + conn.Table("ducklake_partition_info") + " SET end_snapshot = " + snapshot +
	    " WHERE table_id = " + Num(table_id) + " AND end_snapshot IS NULL");
	if (!partition_id.IsValid()) {
		return;
	}
	Add("INSERT INTO " + conn.Table("ducklake_partition_info") +
	    " (partition_id, table_id, begin_snapshot, end_snapshot) VALUES (" + Num(partition_id) + ", " +
	    Num(table_id) + ", " + snapshot + ", NULL)");
	for (auto &field : fields) {
		Add("INSERT INTO " + conn.Table("ducklake_partition_column") +
		    " (partition_id, table_id, partition_key_index, column_id, transform) VALUES (" + Num(partition_id) +
		    ", " + Num(table_id) + ", " + Num(field.partition_key_index) + ", " + Num(field.column_id) + ", " +
		    Lit(field.transform) + ")");
	}
}

void SnapshotWriter::SetSortSpec(idx_t table_id, optional_idx sort_id, const vector<LakeSortKey> &keys) {
	Add("UPDATE " + conn.Table("ducklake_sort_info") + " SET end_snapshot = " + snapshot + " WHERE table_id = " +
	    Num(table_id) + " AND end_snapshot IS NULL");
	if (!sort_id.IsValid()) {
		return;
	}
	Add("INSERT INTO " + conn.Table("ducklake_sort_info") +
	    " (sort_id, table_id, begin_snapshot, end_snapshot) VALUES (" + Num(sort_id) + ", " + Num(table_id) + ", " +
	    snapshot + ", NULL)");
	for (idx_t i = 0; i < keys.size(); i++) {
		auto &key = keys[i];
		// The spellings DuckLake writes: ASC/DESC, NULLS_FIRST/NULLS_LAST.
		Add("INSERT INTO " + conn.Table("ducklake_sort_expression") +
		    " (sort_id, table_id, sort_key_index, expression, dialect, sort_direction, null_order) VALUES (" +
		    Num(sort_id) + ", " + Num(table_id) + ", " + Num(i) + ", " + Lit(key.expression) + ", " + Lit(key.dialect) +
		    ", " + Lit(string(key.descending ? "DESC" : "ASC")) + ", " +
		    Lit(string(key.nulls_first ? "NULLS_FIRST" : "NULLS_LAST")) +
		    ")");
	}
}

void SnapshotWriter::DropTable(idx_t table_id) {
	// Ending the table ends everything that hangs off it at the same snapshot.
	for (auto name : {"ducklake_table", "ducklake_column", "ducklake_data_file", "ducklake_delete_file",
	                  "ducklake_partition_info", "ducklake_sort_info"}) {
		Add("UPDATE " + conn.Table(name) + " SET end_snapshot = " + snapshot + " WHERE table_id = " +
		    Num(table_id) + " AND end_snapshot IS NULL");
	}
	Add("UPDATE " + conn.Table("ducklake_tag") + " SET end_snapshot = " + snapshot +
	    " WHERE object_id = " + Num(table_id) + " AND end_snapshot IS NULL");
	Add("UPDATE " + conn.Table("ducklake_column_tag") + " SET end_snapshot = " + snapshot +
	    " WHERE table_id = " + Num(table_id) + " AND end_snapshot IS NULL");
	DropScopedOptions("table", table_id);
}

void SnapshotWriter::AddViewRow(const LakeViewInfo &view) {
	Add("INSERT INTO " + conn.Table("ducklake_view") +
	    " (view_id, view_uuid, begin_snapshot, end_snapshot, schema_id, view_name, dialect, sql, column_aliases) "
	    "VALUES (" +
	    Num(view.view_id) + ", " + Lit(view.view_uuid) + ", " + snapshot + ", NULL, " + Num(view.schema_id) + ", " +
	    Lit(view.name) + ", " + Lit(view.dialect) + ", " + Lit(view.sql) + ", " + Lit(view.column_aliases) + ")");
}

void SnapshotWriter::CreateView(const LakeViewInfo &view) {
	AddViewRow(view);
	if (!view.comment.IsNull()) {
		SetComment(view.view_id, view.comment);
	}
}

void SnapshotWriter::RenameView(const LakeViewInfo &view) {
	// As RenameTable (spec: ducklake_view); the tags are the view id's and stay.
	Add("UPDATE " + conn.Table("ducklake_view") + " SET end_snapshot = " + snapshot + " WHERE view_id = " +
	    Num(view.view_id) + " AND end_snapshot IS NULL");
	AddViewRow(view);
}

void SnapshotWriter::DropView(idx_t view_id) {
	Add("UPDATE " + conn.Table("ducklake_view") + " SET end_snapshot = " + snapshot + " WHERE view_id = " +
	    Num(view_id) + " AND end_snapshot IS NULL");
	Add("UPDATE " + conn.Table("ducklake_tag") + " SET end_snapshot = " + snapshot +
	    " WHERE object_id = " + Num(view_id) + " AND end_snapshot IS NULL");
}

void SnapshotWriter::CreateMacro(const LakeMacroInfo &macro) {
	Add("INSERT INTO " + conn.Table("ducklake_macro") +
	    " (schema_id, macro_id, macro_name, begin_snapshot, end_snapshot) VALUES (" + Num(macro.schema_id) + ", " +
	    Num(macro.macro_id) + ", " + Lit(macro.name) + ", " + snapshot + ", NULL)");
	for (idx_t impl_id = 0; impl_id < macro.impls.size(); impl_id++) {
		auto &impl = macro.impls[impl_id];
		Add("INSERT INTO " + conn.Table("ducklake_macro_impl") + " (macro_id, impl_id, dialect, sql, type) VALUES (" +
		    Num(macro.macro_id) + ", " + Num(impl_id) + ", " + Lit(impl.dialect) + ", " + Lit(impl.sql) + ", " +
		    Lit(impl.type) + ")");
		for (idx_t column_id = 0; column_id < impl.parameters.size(); column_id++) {
			auto &parameter = impl.parameters[column_id];
			Add("INSERT INTO " + conn.Table("ducklake_macro_parameters") +
			    " (macro_id, impl_id, column_id, parameter_name, parameter_type, default_value, default_value_type) "
			    "VALUES (" +
			    Num(macro.macro_id) + ", " + Num(impl_id) + ", " + Num(column_id) + ", " + Lit(parameter.name) + ", " +
			    Lit(parameter.type) + ", " + Lit(parameter.default_value) + ", " + Lit(parameter.default_type) + ")");
		}
	}
}

void SnapshotWriter::DropMacro(idx_t macro_id) {
	Add("UPDATE " + conn.Table("ducklake_macro") + " SET end_snapshot = " + snapshot + " WHERE macro_id = " +
	    Num(macro_id) + " AND end_snapshot IS NULL");
}

void SnapshotWriter::SetComment(idx_t object_id, const Value &comment) {
	Add("UPDATE " + conn.Table("ducklake_tag") + " SET end_snapshot = " + snapshot + " WHERE object_id = " +
	    Num(object_id) + " AND key = 'comment' AND end_snapshot IS NULL");
	if (!comment.IsNull()) {
		Add("INSERT INTO " + conn.Table("ducklake_tag") +
		    " (object_id, begin_snapshot, end_snapshot, key, value) VALUES (" + Num(object_id) + ", " + snapshot +
		    ", NULL, 'comment', " + Lit(comment) + ")");
	}
}

void SnapshotWriter::SetColumnComment(idx_t table_id, idx_t column_id, const Value &comment) {
	auto column = " WHERE table_id = " + Num(table_id) + " AND column_id = " + Num(column_id);
	Add("UPDATE " + conn.Table("ducklake_column_tag") + " SET end_snapshot = " + snapshot + column +
	    " AND key = 'comment' AND end_snapshot IS NULL");
	if (!comment.IsNull()) {
		Add("INSERT INTO " + conn.Table("ducklake_column_tag") +
		    " (table_id, column_id, begin_snapshot, end_snapshot, key, value) VALUES (" + Num(table_id) + ", " +
		    Num(column_id) + ", " + snapshot + ", NULL, 'comment', " + Lit(comment) + ")");
	}
}

void SnapshotWriter::AddDataFiles(idx_t table_id, const vector<DataFileInfo> &files) {
	for (auto &file : files) {
		Add("INSERT INTO " + conn.Table("ducklake_data_file") +
		    " (data_file_id, table_id, begin_snapshot, end_snapshot, file_order, path, path_is_relative, "
		    "file_format, record_count, file_size_bytes, footer_size, row_id_start, partition_id, encryption_key, mapping_id) "
		    "VALUES (" +
		    Num(file.data_file_id) + ", " + Num(table_id) + ", " + snapshot + ", NULL, NULL, " + Lit(file.path) +
		    ", " + Bool(file.path_is_relative) + ", 'parquet', " + Num(file.record_count) + ", " +
		    Num(file.file_size_bytes) + ", " + Num(file.footer_size) + ", " + Num(file.row_id_start) + ", " +
		    Num(file.partition_id) + ", " + Key(file.encryption_key) + ", " + Num(file.mapping_id) + ")");
		for (auto &value : file.partition_values) {
			Add("INSERT INTO " + conn.Table("ducklake_file_partition_value") +
			    " (data_file_id, table_id, partition_key_index, partition_value) VALUES (" + Num(file.data_file_id) +
			    ", " + Num(table_id) + ", " + Num(value.partition_key_index) + ", " +
			    (value.is_null ? string("NULL") : Lit(value.value)) + ")");
		}
		if (file.column_stats.empty()) {
			continue;
		}
		string values;
		for (auto &stats : file.column_stats) {
			if (!values.empty()) {
				values += ", ";
			}
			values += "(" + Num(file.data_file_id) + ", " + Num(table_id) + ", " + Num(stats.column_id) + ", " +
			          Num(stats.column_size_bytes) + ", " + Num(stats.value_count) + ", " + Num(stats.null_count) +
			          ", " + Lit(stats.min_value) + ", " + Lit(stats.max_value) + ", " +
			          (stats.contains_nan.IsNull() ? "NULL" : Bool(stats.contains_nan.GetValue<bool>())) + ")";
		}
		Add("INSERT INTO " + conn.Table("ducklake_file_column_stats") +
		    " (data_file_id, table_id, column_id, column_size_bytes, value_count, null_count, min_value, "
		    "max_value, contains_nan) VALUES " +
		    values);
	}
}

void SnapshotWriter::AddDeleteFile(idx_t table_id, idx_t data_file_id, const DeleteFileInfo &file) {
	Add("INSERT INTO " + conn.Table("ducklake_delete_file") +
	    " (delete_file_id, table_id, begin_snapshot, end_snapshot, data_file_id, path, path_is_relative, format, "
	    "delete_count, file_size_bytes, footer_size, encryption_key) VALUES (" +
	    Num(file.delete_file_id) + ", " + Num(table_id) + ", " + snapshot + ", NULL, " + Num(data_file_id) + ", " +
	    Lit(file.path) + ", " + Bool(file.path_is_relative) + ", 'parquet', " + Num(file.delete_count) + ", " +
	    Num(file.file_size_bytes) + ", " + Num(file.footer_size) + ", " + Key(file.encryption_key) + ")");
}

void SnapshotWriter::EndDeleteFiles(idx_t data_file_id) {
	Add("UPDATE " + conn.Table("ducklake_delete_file") + " SET end_snapshot = " + snapshot +
	    " WHERE data_file_id = " + Num(data_file_id) + " AND end_snapshot IS NULL");
}

void SnapshotWriter::EndDataFile(idx_t data_file_id) {
	Add("UPDATE " + conn.Table("ducklake_data_file") + " SET end_snapshot = " + snapshot +
	    " WHERE data_file_id = " + Num(data_file_id) + " AND end_snapshot IS NULL");
	EndDeleteFiles(data_file_id);
}

void SnapshotWriter::SubtractTableRecords(idx_t table_id, idx_t deleted, idx_t ended_bytes) {
	auto bytes = Num(ended_bytes);
	Add("UPDATE " + conn.Table("ducklake_table_stats") + " SET record_count = record_count - " + Num(deleted) +
	    ", file_size_bytes = CASE WHEN file_size_bytes > " + bytes + " THEN file_size_bytes - " + bytes +
	    " ELSE 0 END WHERE table_id = " + Num(table_id));
}

void SnapshotWriter::WriteTableStats(idx_t table_id, const TableStatsInfo &stats, bool exists) {
	// (Every commit writes these, so they take parameters: see MetadataStatement. Ids in WHERE
	// clauses stay literals: the text is still the same for every commit to the table, and DuckDB
	// leaves a parameter there untyped, which makes it bind the statement anew on every run.)
	if (exists) {
		Add({"UPDATE " + conn.Table("ducklake_table_stats") +
		         " SET record_count = ?, next_row_id = ?, file_size_bytes = ? WHERE table_id = " + Num(table_id),
		     {Id(stats.record_count), Id(stats.next_row_id), Id(stats.file_size_bytes)}});
	} else {
		Add({"INSERT INTO " + conn.Table("ducklake_table_stats") +
		         " (table_id, record_count, next_row_id, file_size_bytes) VALUES (?, ?, ?, ?)",
		     {Id(table_id), Id(stats.record_count), Id(stats.next_row_id), Id(stats.file_size_bytes)}});
	}
}

void SnapshotWriter::WriteTableColumnStats(idx_t table_id, const vector<ColumnStatsInfo> &stats,
                                           const vector<ColumnStatsInfo> &existing) {
	// Rewriting every row (DELETE + INSERT) on each commit leaves PostgreSQL a dead row per column
	// and commit, which every later statement on the table scans. Rows change in place instead.
	// Known flags are BOOLEAN values, unknown ones NULL (the statements write NULLs as typed SQL).
	auto contains_null = [](const ColumnStatsInfo &column) {
		return column.null_count.IsValid() ? Value::BOOLEAN(column.null_count.GetIndex() > 0)
		                                   : Value(LogicalType::BOOLEAN);
	};
	auto contains_nan = [](const ColumnStatsInfo &column) {
		return column.contains_nan.IsNull() ? Value(LogicalType::BOOLEAN)
		                                    : Value::BOOLEAN(column.contains_nan.GetValue<bool>());
	};
	auto same_text = [](const Value &left, const Value &right) {
		return left.IsNull() == right.IsNull() && (left.IsNull() || ValueText(left) == ValueText(right));
	};
	string table = conn.Table("ducklake_table_column_stats");
	// The UPDATE's CASE arms: ` WHEN id THEN CAST(? AS type)`, or CAST(NULL AS type) (ids as literals,
	// see WriteTableStats). Typed: a CASE whose branches are all NULL would be text on PostgreSQL,
	// and DuckDB cannot type a bare parameter there (it would bind the statement on every run).
	struct Cases {
		string type;
		string sql;
		vector<Value> parameters;
		void Add(idx_t column_id, const Value &value) {
			sql += " WHEN " + Num(column_id) + " THEN CAST(" + (value.IsNull() ? "NULL" : "?") + " AS " + type + ")";
			if (!value.IsNull()) {
				parameters.push_back(value);
			}
		}
	};
	Cases null_cases {"BOOLEAN"}, nan_cases {"BOOLEAN"}, min_cases {"VARCHAR"}, max_cases {"VARCHAR"};
	string ids, values, gone;
	vector<Value> value_parameters;
	for (auto &column : stats) {
		const ColumnStatsInfo *row = nullptr;
		for (auto &candidate : existing) {
			if (candidate.column_id == column.column_id) {
				row = &candidate;
			}
		}
		if (!row) {
			values += string(values.empty() ? "" : ", ") + "(?, ?, ?, ?, ?, ?)";
			value_parameters.insert(value_parameters.end(),
			                        {Id(table_id), Id(column.column_id), contains_null(column), contains_nan(column),
			                         column.min_value, column.max_value});
			continue;
		}
		if (same_text(contains_null(*row), contains_null(column)) &&
		    same_text(contains_nan(*row), contains_nan(column)) && same_text(row->min_value, column.min_value) &&
		    same_text(row->max_value, column.max_value)) {
			continue;
		}
		ids += string(ids.empty() ? "" : ", ") + Num(column.column_id);
		null_cases.Add(column.column_id, contains_null(column));
		nan_cases.Add(column.column_id, contains_nan(column));
		min_cases.Add(column.column_id, column.min_value);
		max_cases.Add(column.column_id, column.max_value);
	}
	for (auto &row : existing) {
		bool kept = false;
		for (auto &column : stats) {
			kept = kept || column.column_id == row.column_id;
		}
		if (!kept) {
			gone += string(gone.empty() ? "" : ", ") + Num(row.column_id);
		}
	}
	auto where = " WHERE table_id = " + Num(table_id) + " AND column_id IN (";
	if (!gone.empty()) {
		Add("DELETE FROM " + table + where + gone + ")");
	}
	if (!ids.empty()) {
		vector<Value> parameters;
		for (auto cases : {&null_cases, &nan_cases, &min_cases, &max_cases}) {
			parameters.insert(parameters.end(), cases->parameters.begin(), cases->parameters.end());
		}
		Add({"UPDATE " + table + " SET contains_null = CASE column_id" + null_cases.sql +
		         " END, contains_nan = CASE column_id" + nan_cases.sql + " END, min_value = CASE column_id" +
		         min_cases.sql + " END, max_value = CASE column_id" + max_cases.sql +
		         " END, extra_stats = NULL WHERE table_id = " + Num(table_id) + " AND column_id IN (" + ids + ")",
		     std::move(parameters)});
	}
	if (!values.empty()) {
		Add({"INSERT INTO " + table +
		         " (table_id, column_id, contains_null, contains_nan, min_value, max_value) VALUES " + values,
		     std::move(value_parameters)});
	}
}

void SnapshotWriter::RequireLatest(idx_t latest) {
	required_latest = latest;
}

void SnapshotWriter::AddSchemaVersion(idx_t schema_version, optional_idx table_id) {
	Add("INSERT INTO " + conn.Table("ducklake_schema_versions") + " (begin_snapshot, schema_version, table_id) VALUES (" +
	    snapshot + ", " + Num(schema_version) + ", " + Num(table_id) + ")");
}

void SnapshotWriter::AddSnapshot(const SnapshotInfo &info, const string &changes_made, const Value &author,
                                 const Value &commit_message, const Value &commit_extra_info) {
	// The snapshot row goes first: its primary key is where two racing writers collide.
	string id_sql = "?";
	vector<Value> parameters;
	if (required_latest.IsValid()) {
		// The new id while `required_latest` is the latest, otherwise the latest's own id: either
		// way a second writer fails on the key (PostgreSQL makes it wait for the first to finish).
		id_sql = "(SELECT CASE WHEN max(snapshot_id) = ? THEN ? ELSE max(snapshot_id) END FROM " +
		              conn.Table("ducklake_snapshot") + ")";
		parameters.push_back(Id(required_latest.GetIndex()));
	}
	parameters.insert(parameters.end(), {Id(info.snapshot_id), Value(info.snapshot_time), Id(info.schema_version),
	                                     Id(info.next_catalog_id), Id(info.next_file_id)});
	statements.insert(statements.begin(),
	                  MetadataStatement("INSERT INTO " + conn.Table("ducklake_snapshot") +
	                                        " (snapshot_id, snapshot_time, schema_version, next_catalog_id, "
	                                        "next_file_id) VALUES (" +
	                                        id_sql + ", ?, ?, ?, ?)",
	                                    std::move(parameters)));
	Add({"INSERT INTO " + conn.Table("ducklake_snapshot_changes") +
	         " (snapshot_id, changes_made, author, commit_message, commit_extra_info) VALUES (?, ?, ?, ?, ?)",
	     {Id(snapshot_id), Value(changes_made), author, commit_message, commit_extra_info}});
}

void SnapshotWriter::AddStatement(MetadataStatement statement) {
	Add(std::move(statement));
}

void SnapshotWriter::Execute() {
	if (statements.empty()) {
		return;
	}
	conn.ExecuteBatch(statements, false);
	statements.clear();
}

void SnapshotWriter::ExecuteAndCommit() {
	if (statements.empty()) {
		conn.Commit();
		return;
	}
	conn.ExecuteBatch(statements, true);
	statements.clear();
}

} // namespace duckdb
