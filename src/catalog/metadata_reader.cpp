#include "mallard/catalog/metadata_reader.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_rows.hpp"
#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/name_mapping.hpp"
#include "mallard/storage/file_encryption.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/unordered_set.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"

#include <algorithm>

namespace duckdb {

namespace {

//! A condition's files are listed by id up to this many (beyond, the condition itself is repeated).
constexpr idx_t MAX_LISTED_FILE_IDS = 2000;

idx_t GetId(const Value &value) {
	return NumericCast<idx_t>(value.GetValue<int64_t>());
}

string GetString(const Value &value) {
	if (value.IsNull()) {
		return string();
	}
	// ToString copies a VARCHAR value (through a cast to its own type) before taking its text.
	return value.type().id() == LogicalTypeId::VARCHAR ? StringValue::Get(value) : value.ToString();
}


SnapshotInfo SnapshotFromRow(const vector<Value> &row) {
	SnapshotInfo info;
	info.snapshot_id = GetId(row[0]);
	info.snapshot_time = GetString(row[1]);
	info.schema_version = GetId(row[2]);
	info.next_catalog_id = GetId(row[3]);
	info.next_file_id = GetId(row[4]);
	return info;
}

const char *SNAPSHOT_COLUMNS = "snapshot_id, snapshot_time, schema_version, next_catalog_id, next_file_id";

struct ColumnRow {
	LakeColumnInfo info;
	string type_name;
	optional_idx parent;
};

//! Builds a column's full type from its children: DuckLake stores nested types as one row per
//! field (spec: ducklake_column.parent_column), depth first.
void ResolveNestedType(LakeColumnInfo &column, const string &type_name) {
	auto kind = StringUtil::Lower(type_name);
	if (kind == "struct") {
		child_list_t<LogicalType> fields;
		for (auto &child : column.children) {
			fields.emplace_back(child.name, child.type);
		}
		column.type = LogicalType::STRUCT(std::move(fields));
	} else if (kind == "list") {
		if (column.children.size() != 1) {
			throw InvalidInputException("DuckLake list column \"%s\" must have one child column", column.name);
		}
		column.type = LogicalType::LIST(column.children[0].type);
	} else if (kind == "map") {
		if (column.children.size() != 2) {
			throw InvalidInputException("DuckLake map column \"%s\" must have key and value columns", column.name);
		}
		column.type = LogicalType::MAP(column.children[0].type, column.children[1].type);
	}
}

void AttachChildren(LakeColumnInfo &column, const string &type_name, vector<ColumnRow> &rows) {
	for (auto &row : rows) {
		if (row.parent.IsValid() && row.parent.GetIndex() == column.column_id) {
			AttachChildren(row.info, row.type_name, rows);
			column.children.push_back(row.info);
		}
	}
	if (IsNestedDuckLakeType(type_name)) {
		ResolveNestedType(column, type_name);
	}
}

//! initial_default is stored as text; scans need it as a value of the column's type (nested
//! fields too: an added struct field reads as its initial default in older files).
void CastInitialDefaults(LakeColumnInfo &column) {
	if (!column.initial_default.IsNull()) {
		column.initial_default = column.initial_default.DefaultCastAs(column.type);
	}
	for (auto &child : column.children) {
		CastInitialDefaults(child);
	}
}

void SetCreatedSnapshots(vector<LakeColumnInfo> &columns, const unordered_map<idx_t, idx_t> &created,
                         const unordered_set<idx_t> &promoted) {
	for (auto &column : columns) {
		auto entry = created.find(column.column_id);
		if (entry != created.end()) {
			column.created_snapshot = entry->second;
		}
		column.promoted = promoted.count(column.column_id) > 0;
		SetCreatedSnapshots(column.children, created, promoted);
	}
}

//! The partition spec each table writes new data with, and the largest column id each table has
//! ever used (ALTER ... ADD never reuses the id of a dropped column).
void ReadPartitionSpecs(CatalogRows &catalog_rows, vector<LakeTableInfo> &tables,
                        const unordered_map<idx_t, idx_t> &table_index) {
	auto &column_ids = catalog_rows.column_ids;
	unordered_map<idx_t, unordered_map<idx_t, idx_t>> created;
	unordered_map<idx_t, unordered_set<idx_t>> promoted;
	for (auto &row : column_ids.rows) {
		auto it = table_index.find(GetId(row[0]));
		if (it == table_index.end()) {
			continue;
		}
		auto &table = tables[it->second];
		table.max_column_id = MaxValue(table.max_column_id, GetId(row[1]));
		if (!row[2].IsNull()) {
			created[table.table_id][GetId(row[1])] = GetId(row[2]);
		}
		if (!row[3].IsNull() && row[3].GetValue<int64_t>() != 0) {
			promoted[table.table_id].insert(GetId(row[1]));
		}
	}
	for (auto &table : tables) {
		SetCreatedSnapshots(table.columns, created[table.table_id], promoted[table.table_id]);
	}
	auto &specs = catalog_rows.partition_specs;
	for (auto &row : specs.rows) {
		auto it = table_index.find(GetId(row[0]));
		if (it == table_index.end()) {
			continue;
		}
		auto &table = tables[it->second];
		table.partition_id = GetId(row[1]);
		if (row[2].IsNull()) {
			continue;
		}
		LakePartitionField field;
		field.partition_key_index = GetId(row[2]);
		field.column_id = GetId(row[3]);
		field.transform = StringUtil::Lower(GetString(row[4]));
		table.partition_fields.push_back(std::move(field));
	}
}

//! The sort order each table writes new data in. Direction and null order are read as DuckLake reads
//! them: DESC is descending and NULLS_FIRST puts NULLs first, anything else is the default.
void ReadSortSpecs(CatalogRows &catalog_rows, vector<LakeTableInfo> &tables,
                   const unordered_map<idx_t, idx_t> &table_index) {
	for (auto &row : catalog_rows.sort_specs.rows) {
		auto it = table_index.find(GetId(row[0]));
		if (it == table_index.end()) {
			continue;
		}
		auto &table = tables[it->second];
		table.sort_id = GetId(row[1]);
		LakeSortKey key;
		key.expression = GetString(row[3]);
		key.dialect = GetString(row[4]);
		key.descending = StringUtil::CIEquals(GetString(row[5]), "DESC");
		key.nulls_first = StringUtil::CIEquals(GetString(row[6]), "NULLS_FIRST");
		table.sort_keys.push_back(std::move(key));
	}
}

} // namespace

bool MetadataReader::ReadBool(const Value &value, bool if_null) {
	if (value.IsNull()) {
		return if_null;
	}
	if (value.type().id() == LogicalTypeId::BOOLEAN) {
		return value.GetValue<bool>();
	}
	// SQLite stores booleans as integers, or as text when written by other tools.
	auto text = StringUtil::Lower(value.ToString());
	return text == "1" || text == "true" || text == "t";
}

string MetadataReader::VisibleAt(idx_t snapshot_id, const string &alias) {
	auto prefix = alias.empty() ? string() : alias + ".";
	auto s = std::to_string(snapshot_id);
	return "(" + prefix + "begin_snapshot <= " + s + " AND (" + prefix + "end_snapshot IS NULL OR " + prefix +
	       "end_snapshot > " + s + "))";
}

SnapshotInfo MetadataReader::LatestSnapshot(MetadataConnection &conn) {
	SnapshotInfo snapshot;
	if (conn.ScansStorage()) {
		// The newest snapshot id, found here (a statement costs more than a scan of the ids), then its row.
		optional_idx newest;
		auto ids = conn.Scan(CatalogScan("ducklake_snapshot", {"snapshot_id"}));
		for (auto &data : ids->Chunks()) {
			CatalogChunk chunk(data);
			for (idx_t row = 0; row < chunk.size(); row++) {
				auto id = chunk.GetId(0, row);
				if (!newest.IsValid() || id > newest.GetIndex()) {
					newest = id;
				}
			}
		}
		if (newest.IsValid() && TryGetSnapshot(conn, newest.GetIndex(), snapshot)) {
			return snapshot;
		}
	} else {
		auto result = conn.Query(StringUtil::Format("SELECT %s FROM %s ORDER BY snapshot_id DESC LIMIT 1",
		                                            SNAPSHOT_COLUMNS, conn.Table("ducklake_snapshot")));
		if (result.RowCount() == 1) {
			return SnapshotFromRow(result.rows[0]);
		}
	}
	throw IOException("DuckLake catalog %s has no snapshots", conn.GetLocation().DisplayName());
}

bool MetadataReader::TryGetSnapshot(MetadataConnection &conn, idx_t snapshot_id, SnapshotInfo &result) {
	auto rows = conn.Scan(CatalogScan("ducklake_snapshot", StringUtil::Split(SNAPSHOT_COLUMNS, ", "))
	                          .Where("snapshot_id", NumericCast<int64_t>(snapshot_id)));
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		if (chunk.size() > 0) {
			result.snapshot_id = chunk.GetId(0, 0);
			result.snapshot_time = chunk.GetString(1, 0);
			result.schema_version = chunk.GetId(2, 0);
			result.next_catalog_id = chunk.GetId(3, 0);
			result.next_file_id = chunk.GetId(4, 0);
			return true;
		}
	}
	return false;
}

bool MetadataReader::TryGetSnapshotAtTime(MetadataConnection &conn, const string &timestamp, SnapshotInfo &result) {
	auto rows = conn.Query(StringUtil::Format(
	    "SELECT %s FROM %s WHERE snapshot_time <= %s ORDER BY snapshot_id DESC LIMIT 1", SNAPSHOT_COLUMNS,
	    conn.Table("ducklake_snapshot"), MetadataConnection::Literal(timestamp)));
	if (rows.RowCount() == 0) {
		return false;
	}
	result = SnapshotFromRow(rows.rows[0]);
	return true;
}

namespace {

//! The catalog the rows describe.
LakeCatalogInfo BuildCatalog(CatalogRows &catalog_rows) {
	LakeCatalogInfo catalog;

	auto &schemas = catalog_rows.schemas;
	for (auto &row : schemas.rows) {
		LakeSchemaInfo schema;
		schema.schema_id = GetId(row[0]);
		schema.schema_uuid = GetString(row[1]);
		schema.name = GetString(row[2]);
		schema.path = GetString(row[3]);
		schema.path_is_relative = MetadataReader::ReadBool(row[4], true);
		catalog.schemas.push_back(std::move(schema));
	}

	// Comments are tags with key 'comment' (spec: ducklake_tag).
	unordered_map<idx_t, Value> comments;
	auto &tags = catalog_rows.tags;
	for (auto &row : tags.rows) {
		comments[GetId(row[0])] = row[1].IsNull() ? Value() : Value(row[1].ToString());
	}

	auto &tables = catalog_rows.tables;
	unordered_map<idx_t, idx_t> table_index;
	for (auto &row : tables.rows) {
		LakeTableInfo table;
		table.table_id = GetId(row[0]);
		table.table_uuid = GetString(row[1]);
		table.schema_id = GetId(row[2]);
		table.name = GetString(row[3]);
		table.path = GetString(row[4]);
		table.path_is_relative = MetadataReader::ReadBool(row[5], true);
		auto comment = comments.find(table.table_id);
		if (comment != comments.end()) {
			table.comment = comment->second;
		}
		table_index[table.table_id] = catalog.tables.size();
		catalog.tables.push_back(std::move(table));
	}

	auto &columns = catalog_rows.columns;
	unordered_map<idx_t, vector<ColumnRow>> rows_by_table;
	for (auto &row : columns) {
		ColumnRow column;
		column.info.column_id = row.column_id;
		column.info.name = std::move(row.column_name);
		column.type_name = std::move(row.column_type);
		if (!IsNestedDuckLakeType(column.type_name)) {
			column.info.type = FromDuckLakeTypeName(column.type_name);
		}
		column.info.initial_default = std::move(row.initial_default);
		column.info.default_value = std::move(row.default_value);
		column.info.nulls_allowed = row.nulls_allowed;
		column.parent = row.parent_column;
		column.info.column_order = row.column_order;
		rows_by_table[row.table_id].push_back(std::move(column));
	}
	// Column comments are column tags with key 'comment' (spec: ducklake_column_tag).
	map<pair<idx_t, idx_t>, Value> column_comments;
	auto &column_tags = catalog_rows.column_tags;
	for (auto &row : column_tags.rows) {
		column_comments[make_pair(GetId(row[0]), GetId(row[1]))] =
		    row[2].IsNull() ? Value() : Value(row[2].ToString());
	}
	for (auto &entry : rows_by_table) {
		auto it = table_index.find(entry.first);
		if (it == table_index.end()) {
			continue;
		}
		auto &table = catalog.tables[it->second];
		for (auto &row : entry.second) {
			if (row.parent.IsValid()) {
				continue;
			}
			AttachChildren(row.info, row.type_name, entry.second);
			CastInitialDefaults(row.info);
			auto comment = column_comments.find(make_pair(entry.first, row.info.column_id));
			if (comment != column_comments.end()) {
				row.info.comment = comment->second;
			}
			// A top-level column is no other column's child: nothing reads its row again.
			table.columns.push_back(std::move(row.info));
		}
	}

	ReadPartitionSpecs(catalog_rows, catalog.tables, table_index);
	ReadSortSpecs(catalog_rows, catalog.tables, table_index);

	auto &views = catalog_rows.views;
	for (auto &row : views.rows) {
		LakeViewInfo view;
		view.view_id = GetId(row[0]);
		view.view_uuid = GetString(row[1]);
		view.schema_id = GetId(row[2]);
		view.name = GetString(row[3]);
		view.dialect = GetString(row[4]);
		view.sql = GetString(row[5]);
		view.column_aliases = GetString(row[6]);
		auto comment = comments.find(view.view_id);
		if (comment != comments.end()) {
			view.comment = comment->second;
		}
		catalog.views.push_back(std::move(view));
	}
	return catalog;
}

} // namespace

LakeCatalogInfo MetadataReader::ReadCatalog(MetadataConnection &conn, idx_t snapshot_id) {
	auto catalog_rows = ReadCatalogRows(conn, snapshot_id);
	return BuildCatalog(catalog_rows);
}

vector<LakeMacroInfo> MetadataReader::ReadMacros(MetadataConnection &conn, idx_t snapshot_id) {
	// One row per parameter (or per overload without any), in order. The overloads and parameters
	// belong to their macro's row, which alone is versioned (spec: ducklake_macro_impl).
	auto rows = conn.Query(StringUtil::Format(
	    "SELECT m.macro_id, m.schema_id, m.macro_name, i.impl_id, i.dialect, i.sql, i.type, p.column_id, "
	    "p.parameter_name, p.parameter_type, p.default_value, p.default_value_type FROM %s m JOIN %s i ON i.macro_id = "
	    "m.macro_id LEFT JOIN %s p ON p.macro_id = i.macro_id AND p.impl_id = i.impl_id WHERE %s "
	    "ORDER BY m.macro_id, i.impl_id, p.column_id",
	    conn.Table("ducklake_macro"), conn.Table("ducklake_macro_impl"), conn.Table("ducklake_macro_parameters"),
	    VisibleAt(snapshot_id, "m")));
	vector<LakeMacroInfo> result;
	optional_idx last_impl;
	for (auto &row : rows.rows) {
		auto macro_id = GetId(row[0]);
		if (result.empty() || result.back().macro_id != macro_id) {
			LakeMacroInfo macro;
			macro.macro_id = macro_id;
			macro.schema_id = GetId(row[1]);
			macro.name = GetString(row[2]);
			result.push_back(std::move(macro));
			last_impl = optional_idx();
		}
		auto &macro = result.back();
		auto impl_id = GetId(row[3]);
		if (!last_impl.IsValid() || last_impl.GetIndex() != impl_id) {
			LakeMacroImpl impl;
			impl.dialect = GetString(row[4]);
			impl.sql = GetString(row[5]);
			impl.type = GetString(row[6]);
			macro.impls.push_back(std::move(impl));
			last_impl = impl_id;
		}
		if (row[7].IsNull()) {
			continue; // no parameters
		}
		LakeMacroParameter parameter;
		parameter.name = GetString(row[8]);
		parameter.type = row[9].IsNull() ? "unknown" : GetString(row[9]);
		parameter.default_value = row[10];
		parameter.default_type = row[11].IsNull() ? "unknown" : GetString(row[11]);
		macro.impls.back().parameters.push_back(std::move(parameter));
	}
	return result;
}

bool MetadataReader::ReadCatalogSince(MetadataConnection &conn, idx_t snapshot_id, idx_t base_snapshot,
                                      vector<LakeTableInfo> base_tables, LakeCatalogInfo &result) {
	// A table's DDL is its ducklake_table row, its columns, their comments, its tags, its partition
	// spec and its sort order: any of them begun or ended after the base snapshot makes it a changed table.
	// Rows are only ever deleted by expiry, once no kept snapshot can see them: while the base
	// snapshot is kept (asked in the same statement), what it saw is all still there.
	auto since = [&](const string &id, const string &table) {
		return StringUtil::Format("SELECT CAST(0 AS BIGINT), CAST(%s AS BIGINT) FROM %s WHERE begin_snapshot > %llu OR "
		                          "end_snapshot > %llu",
		                          id, conn.Table(table), base_snapshot, base_snapshot);
	};
	vector<string> parts {since("table_id", "ducklake_table"), since("table_id", "ducklake_column"),
	                      since("table_id", "ducklake_column_tag"), since("object_id", "ducklake_tag"),
	                      since("table_id", "ducklake_partition_info"), since("table_id", "ducklake_sort_info")};
	parts.push_back(StringUtil::Format("SELECT CAST(1 AS BIGINT), CAST(snapshot_id AS BIGINT) FROM %s WHERE "
	                                   "snapshot_id = %llu",
	                                   conn.Table("ducklake_snapshot"), base_snapshot));
	auto rows = conn.QueryColumns(StringUtil::Join(parts, " UNION ALL "));
	bool base_kept = false;
	unordered_set<idx_t> changed;
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			if (chunk.GetId(0, row) == 1) {
				base_kept = true;
			} else {
				changed.insert(chunk.GetId(1, row));
			}
		}
	}
	// Each changed table is named in the statement that reads it: past a few hundred, read them all.
	static constexpr idx_t MAX_CHANGED_TABLES = 500;
	if (!base_kept || changed.size() > MAX_CHANGED_TABLES) {
		return false;
	}
	vector<idx_t> changed_ids(changed.begin(), changed.end());
	std::sort(changed_ids.begin(), changed_ids.end());
	auto catalog_rows = ReadCatalogRows(conn, snapshot_id, &changed_ids);
	result = BuildCatalog(catalog_rows);
	// The unchanged tables are as the base saw them; a table whose schema is gone is left out by
	// whoever builds entries from this, as in a full read.
	for (auto &table : base_tables) {
		if (changed.find(table.table_id) == changed.end()) {
			result.tables.push_back(std::move(table));
		}
	}
	std::sort(result.tables.begin(), result.tables.end(),
	          [](const LakeTableInfo &a, const LakeTableInfo &b) { return a.table_id < b.table_id; });
	return true;
}

void MetadataReader::ReadFileNameMappings(MetadataConnection &conn, vector<DataFileInfo> &files) {
	vector<idx_t> ids;
	for (auto &file : files) {
		if (file.mapping_id.IsValid() &&
		    std::find(ids.begin(), ids.end(), file.mapping_id.GetIndex()) == ids.end()) {
			ids.push_back(file.mapping_id.GetIndex());
		}
	}
	if (ids.empty()) {
		return;
	}
	auto mappings = NameMappings::Read(conn, ids);
	for (auto &file : files) {
		if (file.mapping_id.IsValid()) {
			file.name_mapping = mappings[file.mapping_id.GetIndex()];
		}
	}
}

namespace {

//! Where ReadDataFiles finds each field of a data file row, and of its delete file's, in a result.
struct DataFileColumns {
	idx_t data_file_id, path, path_is_relative, record_count, file_size_bytes, footer_size, row_id_start,
	    partition_id, begin_snapshot, mapping_id, encryption_key, partial_max;
};
struct DeleteFileColumns {
	idx_t delete_file_id, path, path_is_relative, delete_count, file_size_bytes, footer_size, begin_snapshot,
	    encryption_key, partial_max;
};

//! The ducklake_data_file columns in DataFileColumns order, then file_order (the list's order).
const vector<string> DATA_FILE_FIELDS = {"data_file_id",   "path",           "path_is_relative", "record_count",
                                         "file_size_bytes", "footer_size",    "row_id_start",     "partition_id",
                                         "begin_snapshot",  "mapping_id",     "encryption_key",   "partial_max",
                                         "file_order"};
//! The ducklake_delete_file columns in DeleteFileColumns order, after the data file's id.
const vector<string> DELETE_FILE_FIELDS = {"data_file_id",    "delete_file_id", "path",           "path_is_relative",
                                           "delete_count",    "file_size_bytes", "footer_size",   "begin_snapshot",
                                           "encryption_key",  "partial_max"};

DataFileInfo ReadDataFileRow(const CatalogChunk &chunk, idx_t row, const DataFileColumns &c) {
	DataFileInfo file;
	file.mapping_id = chunk.GetOptionalId(c.mapping_id, row);
	file.data_file_id = chunk.GetId(c.data_file_id, row);
	file.path = chunk.GetString(c.path, row);
	file.path_is_relative = chunk.GetBool(c.path_is_relative, row, true);
	file.record_count = chunk.GetId(c.record_count, row);
	file.file_size_bytes = chunk.IsNull(c.file_size_bytes, row) ? 0 : chunk.GetId(c.file_size_bytes, row);
	file.footer_size = chunk.GetOptionalId(c.footer_size, row);
	file.row_id_start = chunk.IsNull(c.row_id_start, row) ? 0 : chunk.GetId(c.row_id_start, row);
	file.partition_id = chunk.GetOptionalId(c.partition_id, row);
	file.begin_snapshot = chunk.GetOptionalId(c.begin_snapshot, row);
	if (!chunk.IsNull(c.encryption_key, row)) {
		file.encryption_key = FileEncryption::FromCatalog(chunk.GetString(c.encryption_key, row));
	}
	file.partial_max = chunk.GetOptionalId(c.partial_max, row);
	return file;
}

void ReadDeleteFileRow(const CatalogChunk &chunk, idx_t row, const DeleteFileColumns &c, DataFileInfo &file) {
	file.has_delete_file = true;
	auto &info = file.delete_file;
	info.delete_file_id = chunk.GetId(c.delete_file_id, row);
	info.path = chunk.GetString(c.path, row);
	info.path_is_relative = chunk.GetBool(c.path_is_relative, row, true);
	info.delete_count = chunk.IsNull(c.delete_count, row) ? 0 : chunk.GetId(c.delete_count, row);
	info.file_size_bytes = chunk.IsNull(c.file_size_bytes, row) ? 0 : chunk.GetId(c.file_size_bytes, row);
	info.footer_size = chunk.GetOptionalId(c.footer_size, row);
	info.begin_snapshot = chunk.GetId(c.begin_snapshot, row);
	if (!chunk.IsNull(c.encryption_key, row)) {
		info.encryption_key = FileEncryption::FromCatalog(chunk.GetString(c.encryption_key, row));
	}
	info.partial_max = chunk.GetOptionalId(c.partial_max, row);
}

//! The visible data files of a table with their delete files, from one statement joining them.
void QueryDataFiles(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id, const string &visible,
                    vector<DataFileInfo> &files, unordered_map<idx_t, idx_t> &file_index) {
	// Each catalog statement costs a round trip (PostgreSQL) or a parse and plan (SQLite): one
	// statement reads both.
	auto rows = conn.QueryColumns(StringUtil::Format(
	    "SELECT f.data_file_id, f.path, f.path_is_relative, f.record_count, f.file_size_bytes, f.footer_size, "
	    "f.row_id_start, f.partition_id, f.begin_snapshot, d.delete_file_id, d.path, d.path_is_relative, "
	    "d.delete_count, d.file_size_bytes, d.footer_size, d.begin_snapshot, f.mapping_id, f.encryption_key, "
	    "d.encryption_key, d.partial_max, f.partial_max FROM %s f LEFT JOIN %s d ON "
	    "d.data_file_id = f.data_file_id AND d.table_id = f.table_id AND %s WHERE f.table_id = %llu AND %s "
	    "ORDER BY f.file_order, f.data_file_id",
	    conn.Table("ducklake_data_file"), conn.Table("ducklake_delete_file"),
	    MetadataReader::VisibleAt(snapshot_id, "d"), table_id, visible));
	const DataFileColumns data_columns {0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 20};
	const DeleteFileColumns delete_columns {9, 10, 11, 12, 13, 14, 15, 18, 19};
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto known = file_index.find(chunk.GetId(0, row));
			if (known == file_index.end()) {
				known = file_index.emplace(chunk.GetId(0, row), files.size()).first;
				files.push_back(ReadDataFileRow(chunk, row, data_columns));
			}
			if (!chunk.IsNull(9, row)) {
				ReadDeleteFileRow(chunk, row, delete_columns, files[known->second]);
			}
		}
	}
}

//! The same as QueryDataFiles, a scan of each table joined here (ScansStorage); only the files in
//! `file_ids` when given. The table's statistics rows (of those files) come in the same read, into
//! `stats`.
void ScanDataFiles(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
                   optional_ptr<const vector<idx_t>> file_ids, vector<DataFileInfo> &files,
                   unordered_map<idx_t, idx_t> &file_index, unique_ptr<ColumnDataCollection> &stats) {
	auto table = NumericCast<int64_t>(table_id);
	auto of_files = [&](CatalogScan scan) {
		if (file_ids) {
			vector<int64_t> ids;
			for (auto id : *file_ids) {
				ids.push_back(NumericCast<int64_t>(id));
			}
			scan.WhereIn("data_file_id", std::move(ids));
		}
		return scan.Where("table_id", table);
	};
	// One read: the three scans see one state of the catalog, as one statement would.
	auto results = conn.Scan(
	    {of_files(CatalogScan("ducklake_data_file", DATA_FILE_FIELDS).VisibleAt(snapshot_id)),
	     of_files(CatalogScan("ducklake_delete_file", DELETE_FILE_FIELDS).VisibleAt(snapshot_id)),
	     // This table's rows; those of files not listed are skipped where they are read.
	     of_files(CatalogScan("ducklake_file_column_stats", {"data_file_id", "column_id", "column_size_bytes",
	                                                         "value_count", "null_count", "min_value", "max_value",
	                                                         "contains_nan"}))});
	stats = std::move(results[2]);
	const DataFileColumns data_columns {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	vector<DataFileInfo> scanned;
	vector<optional_idx> file_order;
	for (auto &data : results[0]->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			scanned.push_back(ReadDataFileRow(chunk, row, data_columns));
			file_order.push_back(chunk.GetOptionalId(12, row));
		}
	}
	// ORDER BY file_order, data_file_id, NULLs last as DuckDB has them.
	vector<idx_t> order(scanned.size());
	for (idx_t i = 0; i < order.size(); i++) {
		order[i] = i;
	}
	std::sort(order.begin(), order.end(), [&](idx_t a, idx_t b) {
		if (file_order[a] != file_order[b]) {
			return file_order[a].IsValid() &&
			       (!file_order[b].IsValid() || file_order[a].GetIndex() < file_order[b].GetIndex());
		}
		return scanned[a].data_file_id < scanned[b].data_file_id;
	});
	files.reserve(files.size() + order.size());
	for (auto i : order) {
		file_index.emplace(scanned[i].data_file_id, files.size());
		files.push_back(std::move(scanned[i]));
	}
	const DeleteFileColumns delete_columns {1, 2, 3, 4, 5, 6, 7, 8, 9};
	for (auto &data : results[1]->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto known = file_index.find(chunk.GetId(0, row));
			if (known != file_index.end()) {
				ReadDeleteFileRow(chunk, row, delete_columns, files[known->second]);
			}
		}
	}
}

//! MetadataReader::ReadDataFiles, where `file_condition`, when `file_ids` is given, is the SQL for
//! "one of them".
vector<DataFileInfo> ReadFiles(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
                               const string &file_condition, optional_ptr<const vector<idx_t>> file_ids) {
	using Reader = MetadataReader;
	vector<DataFileInfo> files;
	unordered_map<idx_t, idx_t> file_index;
	// `file_condition` (on data file alias f) narrows every query below to the same files.
	auto visible = Reader::VisibleAt(snapshot_id, "f") + (file_condition.empty() ? "" : " AND (" + file_condition + ")");
	// A condition other than a list of ids is SQL, which a scan cannot apply.
	bool scan = conn.ScansStorage() && (file_condition.empty() || file_ids);
	unique_ptr<ColumnDataCollection> stats;
	if (scan) {
		ScanDataFiles(conn, table_id, snapshot_id, file_ids, files, file_index, stats);
	} else {
		QueryDataFiles(conn, table_id, snapshot_id, visible, files, file_index);
	}
	if (files.empty()) {
		return files;
	}
	Reader::ReadFileNameMappings(conn, files);
	auto of_files = file_condition;
	// (Scans read the statistics with the files.)
	if (!scan && !file_condition.empty() && files.size() <= MAX_LISTED_FILE_IDS) {
		// The few files the condition kept, by id: the condition may cost a pass over the table.
		string ids;
		for (idx_t i = 0; i < files.size(); i++) {
			ids += (i == 0 ? "" : ", ") + std::to_string(files[i].data_file_id);
		}
		of_files = "f.data_file_id IN (" + ids + ")";
		stats = conn.QueryColumns(StringUtil::Format(
		    "SELECT s.data_file_id, s.column_id, s.column_size_bytes, s.value_count, s.null_count, s.min_value, "
		    "s.max_value, s.contains_nan FROM %s s WHERE s.table_id = %llu AND s.data_file_id IN (%s)",
		    conn.Table("ducklake_file_column_stats"), table_id, ids));
	} else if (!scan) {
		// Only the statistics of this table's visible files: planning cost follows the table, not the lake.
		stats = conn.QueryColumns(StringUtil::Format(
		    "SELECT s.data_file_id, s.column_id, s.column_size_bytes, s.value_count, s.null_count, s.min_value, "
		    "s.max_value, s.contains_nan FROM %s s JOIN %s f ON s.data_file_id = f.data_file_id "
		    "WHERE s.table_id = %llu AND f.table_id = %llu AND %s",
		    conn.Table("ducklake_file_column_stats"), conn.Table("ducklake_data_file"), table_id, table_id, visible));
	}
	for (auto &data : stats->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto it = file_index.find(chunk.GetId(0, row));
			if (it == file_index.end()) {
				continue;
			}
			ColumnStatsInfo column;
			column.column_id = chunk.GetId(1, row);
			column.column_size_bytes = chunk.GetOptionalId(2, row);
			column.value_count = chunk.GetOptionalId(3, row);
			column.null_count = chunk.GetOptionalId(4, row);
			column.min_value = chunk.GetText(5, row);
			column.max_value = chunk.GetText(6, row);
			column.contains_nan = chunk.IsNull(7, row) ? Value() : Value::BOOLEAN(chunk.GetBool(7, row, false));
			files[it->second].column_stats.push_back(std::move(column));
		}
	}
	for (auto &file : files) {
		if (file.partition_id.IsValid()) {
			// Unpartitioned tables skip this query.
			Reader::ReadFilePartitionValues(conn, table_id, snapshot_id, files, file_index, of_files);
			break;
		}
	}
	Reader::ReadInlinedFileDeletes(conn, table_id, snapshot_id, files, file_index);
	return files;
}

} // namespace

vector<DataFileInfo> MetadataReader::ReadDataFiles(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
                                                   const string &file_condition) {
	return ReadFiles(conn, table_id, snapshot_id, file_condition, nullptr);
}

vector<DataFileInfo> MetadataReader::ReadDataFilesById(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
                                                       const vector<idx_t> &file_ids) {
	string ids;
	for (auto id : file_ids) {
		ids += (ids.empty() ? "" : ", ") + std::to_string(id);
	}
	return ReadFiles(conn, table_id, snapshot_id, ids.empty() ? "1 = 0" : "f.data_file_id IN (" + ids + ")",
	                 &file_ids);
}

namespace {

//! Sorts ids that mostly come sorted already (catalog rows are mostly stored in file order).
void SortIds(vector<idx_t> &ids) {
	if (!std::is_sorted(ids.begin(), ids.end())) {
		std::sort(ids.begin(), ids.end());
	}
}

//! The sorted ids of a scan of data_file_id.
vector<idx_t> ReadIds(ColumnDataCollection &rows) {
	vector<idx_t> ids;
	ids.reserve(rows.Count());
	for (auto &data : rows.Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			ids.push_back(chunk.GetId(0, row));
		}
	}
	SortIds(ids);
	return ids;
}

//! The bounds of a scan of (data_file_id, min_value, max_value), parsed as `kind`.
shared_ptr<const ColumnFileBounds> ParseBounds(ColumnDataCollection &rows, StatsBoundKind kind) {
	auto result = make_shared_ptr<ColumnFileBounds>();
	auto count = rows.Count();
	result->file_ids.reserve(count);
	result->min.resize(count);
	result->max.resize(count);
	result->known.resize(count);
	idx_t i = 0;
	for (auto &data : rows.Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++, i++) {
			result->file_ids.push_back(chunk.GetId(0, row));
			string_t text;
			uint8_t known = 0;
			if (chunk.GetStringRef(1, row, text) && FileStatsCondition::ParseBound(kind, text, result->min[i])) {
				known |= ColumnFileBounds::MIN_KNOWN;
			}
			if (chunk.GetStringRef(2, row, text) && FileStatsCondition::ParseBound(kind, text, result->max[i])) {
				known |= ColumnFileBounds::MAX_KNOWN;
			}
			result->known[i] = known;
		}
	}
	return std::move(result);
}

//! Bounds with more parts than this are joined into one: each snapshot read from an older one adds a
//! part, and deciding a condition walks them all.
constexpr idx_t MAX_BOUNDS_PARTS = 16;

CatalogScan StatsBoundsScan(int64_t table, idx_t column_id) {
	return CatalogScan("ducklake_file_column_stats", {"data_file_id", "min_value", "max_value"})
	    .Where("table_id", table)
	    .Where("column_id", NumericCast<int64_t>(column_id));
}

//! `parts` and `part`, joined into one part when they are too many.
vector<shared_ptr<const ColumnFileBounds>> AddPart(vector<shared_ptr<const ColumnFileBounds>> parts,
                                                   shared_ptr<const ColumnFileBounds> part) {
	parts.push_back(std::move(part));
	if (parts.size() <= MAX_BOUNDS_PARTS) {
		return parts;
	}
	auto joined = make_shared_ptr<ColumnFileBounds>();
	for (auto &each : parts) {
		joined->file_ids.insert(joined->file_ids.end(), each->file_ids.begin(), each->file_ids.end());
		joined->min.insert(joined->min.end(), each->min.begin(), each->min.end());
		joined->max.insert(joined->max.end(), each->max.begin(), each->max.end());
		joined->known.insert(joined->known.end(), each->known.begin(), each->known.end());
	}
	return {std::move(joined)};
}

//! The bounds at `snapshot` from those kept at an older snapshot of the table, reading only the
//! files added in between; null when the catalog cannot tell what changed (the older snapshot was
//! expired, or DuckLake's merge removed files).
shared_ptr<const SnapshotFileBounds> AdvanceFileBounds(MetadataConnection &conn, idx_t table_id,
                                                       const SnapshotFileBounds &older, const SnapshotInfo &snapshot) {
	auto changes = MetadataReader::ReadFileListChanges(conn, table_id, older.snapshot, snapshot.snapshot_id);
	if (!changes.from_exists || changes.files_removed) {
		return nullptr;
	}
	auto result = make_shared_ptr<SnapshotFileBounds>();
	result->snapshot = snapshot;
	result->columns = older.columns;
	vector<idx_t> remaining;
	std::set_difference(older.visible.begin(), older.visible.end(), changes.ended_files.begin(),
	                    changes.ended_files.end(), std::back_inserter(remaining));
	std::set_union(remaining.begin(), remaining.end(), changes.added_files.begin(), changes.added_files.end(),
	               std::back_inserter(result->visible));
	if (changes.added_files.empty() || older.columns.empty()) {
		return std::move(result);
	}
	vector<int64_t> added;
	for (auto id : changes.added_files) {
		added.push_back(NumericCast<int64_t>(id));
	}
	vector<CatalogScan> scans;
	for (auto &column : older.columns) {
		auto scan = StatsBoundsScan(NumericCast<int64_t>(table_id), column.first.first);
		scans.push_back(scan.WhereIn("data_file_id", added));
	}
	auto rows = conn.Scan(scans);
	idx_t next = 0;
	for (auto &column : result->columns) {
		column.second = AddPart(std::move(column.second), ParseBounds(*rows[next++], column.first.second));
	}
	return std::move(result);
}

//! The visible files of the table and the parsed bounds of the condition's columns at the snapshot:
//! kept ones from `cache` (or those of an older snapshot brought forward), the rest scanned together
//! and added to it.
shared_ptr<const SnapshotFileBounds> ReadFileBounds(MetadataConnection &conn, idx_t table_id,
                                                    const SnapshotInfo &snapshot, const FileStatsCondition &condition,
                                                    optional_ptr<FileBoundsCache> cache) {
	auto snapshot_id = snapshot.snapshot_id;
	auto kept = cache ? cache->Get(table_id, snapshot_id) : nullptr;
	if (!kept && cache) {
		auto older = cache->GetOlder(table_id, snapshot_id);
		kept = older ? AdvanceFileBounds(conn, table_id, *older, snapshot) : nullptr;
		if (kept) {
			cache->Put(table_id, snapshot_id, kept);
		}
	}
	auto table = NumericCast<int64_t>(table_id);
	vector<CatalogScan> scans;
	if (!kept) {
		scans.push_back(
		    CatalogScan("ducklake_data_file", {"data_file_id"}).VisibleAt(snapshot_id).Where("table_id", table));
	}
	vector<pair<idx_t, StatsBoundKind>> missing;
	for (auto &column : condition.columns) {
		auto key = make_pair(column.column_id, column.kind);
		if ((kept && kept->columns.count(key) != 0) || std::count(missing.begin(), missing.end(), key) != 0) {
			continue;
		}
		missing.push_back(key);
		scans.push_back(StatsBoundsScan(table, column.column_id));
	}
	if (scans.empty()) {
		return kept;
	}
	auto results = conn.Scan(scans);
	auto bounds = kept ? make_shared_ptr<SnapshotFileBounds>(*kept) : make_shared_ptr<SnapshotFileBounds>();
	bounds->snapshot = snapshot;
	idx_t next = 0;
	if (!kept) {
		bounds->visible = ReadIds(*results[next++]);
	}
	for (auto &key : missing) {
		bounds->columns[key] = {ParseBounds(*results[next++], key.second)};
	}
	if (cache) {
		cache->Put(table_id, snapshot_id, bounds);
	}
	return std::move(bounds);
}

} // namespace

bool MetadataReader::ReadCandidateFiles(MetadataConnection &conn, idx_t table_id, const SnapshotInfo &snapshot,
                                        const FileStatsCondition &condition, idx_t max_files,
                                        vector<DataFileInfo> &files, optional_ptr<FileBoundsCache> cache) {
	auto snapshot_id = snapshot.snapshot_id;
	// Decided in memory on the parsed bounds, then the kept files read by id.
	auto bounds = ReadFileBounds(conn, table_id, snapshot, condition, cache);
	vector<idx_t> excluded;
	for (auto &column : condition.columns) {
		for (auto &part : bounds->columns.at(make_pair(column.column_id, column.kind))) {
			auto &parsed = *part;
			for (idx_t i = 0; i < parsed.file_ids.size(); i++) {
				auto known = parsed.known[i];
				if (column.Excludes(known & ColumnFileBounds::MIN_KNOWN ? &parsed.min[i] : nullptr,
				                    known & ColumnFileBounds::MAX_KNOWN ? &parsed.max[i] : nullptr)) {
					excluded.push_back(parsed.file_ids[i]);
				}
			}
		}
	}
	SortIds(excluded);
	vector<idx_t> kept;
	std::set_difference(bounds->visible.begin(), bounds->visible.end(), excluded.begin(), excluded.end(),
	                    std::back_inserter(kept));
	if (kept.size() > max_files) {
		return false;
	}
	files = kept.empty() ? vector<DataFileInfo>() : ReadDataFilesById(conn, table_id, snapshot_id, kept);
	return true;
}

void MetadataReader::ReadFilePartitionValues(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
                                             vector<DataFileInfo> &files, const unordered_map<idx_t, idx_t> &file_index,
                                             const string &file_condition) {
	// Each value with the key's column and transform from the spec the file was written with.
	auto rows = conn.QueryColumns(StringUtil::Format(
	    "SELECT v.data_file_id, v.partition_key_index, c.column_id, c.transform, v.partition_value FROM %s v "
	    "JOIN %s f ON v.data_file_id = f.data_file_id JOIN %s c ON c.partition_id = f.partition_id AND "
	    "c.table_id = f.table_id AND c.partition_key_index = v.partition_key_index "
	    "WHERE v.table_id = %llu AND f.table_id = %llu AND %s",
	    conn.Table("ducklake_file_partition_value"), conn.Table("ducklake_data_file"),
	    conn.Table("ducklake_partition_column"), table_id, table_id,
	    VisibleAt(snapshot_id, "f") + (file_condition.empty() ? "" : " AND (" + file_condition + ")")));
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto it = file_index.find(chunk.GetId(0, row));
			if (it == file_index.end()) {
				continue;
			}
			FilePartitionValue value;
			value.partition_key_index = chunk.GetId(1, row);
			value.column_id = chunk.GetId(2, row);
			value.transform = StringUtil::Lower(chunk.GetString(3, row));
			value.is_null = chunk.IsNull(4, row);
			if (!value.is_null) {
				value.value = chunk.GetString(4, row);
			}
			files[it->second].partition_values.push_back(std::move(value));
		}
	}
}

idx_t MetadataReader::CountDataFiles(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id) {
	if (conn.ScansStorage()) {
		return conn.Scan(CatalogScan("ducklake_data_file", {"data_file_id"})
		                     .VisibleAt(snapshot_id)
		                     .Where("table_id", NumericCast<int64_t>(table_id)))
		    ->Count();
	}
	auto rows = conn.Query(StringUtil::Format("SELECT count(*) FROM %s WHERE table_id = %llu AND %s",
	                                          conn.Table("ducklake_data_file"), table_id, VisibleAt(snapshot_id)));
	return rows.RowCount() == 0 ? 0 : GetId(rows.rows[0][0]);
}

idx_t MetadataReader::ReadInexactPromotionEnd(MetadataConnection &conn, const LakeTableInfo &table) {
	unordered_map<idx_t, const LakeColumnInfo *> current;
	for (auto &column : table.columns) {
		current[column.column_id] = &column;
	}
	// Earlier versions of the top-level columns (struct fields are never promoted).
	auto rows = conn.Query(StringUtil::Format("SELECT column_id, column_type, end_snapshot FROM %s WHERE table_id = "
	                                          "%llu AND parent_column IS NULL AND end_snapshot IS NOT NULL",
	                                          conn.Table("ducklake_column"), table.table_id));
	idx_t result = 0;
	for (auto &row : rows.rows) {
		auto column = current.find(GetId(row[0]));
		auto type_name = row[1].ToString();
		if (column == current.end() || IsNestedDuckLakeType(type_name)) {
			continue;
		}
		if (!IsExactPromotion(FromDuckLakeTypeName(type_name), column->second->type)) {
			result = MaxValue(result, GetId(row[2]));
		}
	}
	return result;
}

void MetadataReader::ReadInlinedFileDeletes(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
                                            vector<DataFileInfo> &files,
                                            const unordered_map<idx_t, idx_t> &file_index) {
	auto name = InlinedData::DeleteTableName(table_id);
	if (!conn.TableExists(name)) {
		return; // the usual case: only DuckLake makes the table, on its first small delete of file rows
	}
	// Few rows: DuckLake puts a delete here only while it is small, and its flush moves them into
	// delete files. A row has no end: its delete holds from its snapshot on.
	auto rows = conn.QueryColumns(StringUtil::Format("SELECT file_id, row_id FROM %s WHERE begin_snapshot <= %llu",
	                                                 conn.Table(name), snapshot_id));
	unordered_map<idx_t, vector<idx_t>> positions;
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto file = file_index.find(chunk.GetId(0, row));
			if (file != file_index.end()) {
				positions[file->second].push_back(chunk.GetId(1, row));
			}
		}
	}
	for (auto &entry : positions) {
		auto &list = entry.second;
		std::sort(list.begin(), list.end());
		list.erase(std::unique(list.begin(), list.end()), list.end());
		files[entry.first].inlined_deletes = make_shared_ptr<const vector<idx_t>>(std::move(list));
	}
}

FileListChanges MetadataReader::ReadFileListChanges(MetadataConnection &conn, idx_t table_id, const SnapshotInfo &from,
                                                    idx_t to_snapshot_id) {
	// One statement, so the answer is consistent: an expire committed between two queries could
	// otherwise delete rows of files ended after `from` that the second query then misses.
	auto table = std::to_string(table_id);
	auto old_id = std::to_string(from.snapshot_id);
	auto new_id = std::to_string(to_snapshot_id);
	// Files committed after `from` have ids from its next_file_id on (spec: ids come from next_file_id,
	// which only grows), even when a writer gave them an older begin_snapshot (DuckLake's merge keeps
	// its inputs' history): the id test finds them all, through the primary key's index.
	auto added = [&](const string &id_column) {
		return id_column + " >= " + std::to_string(from.next_file_id) + " AND begin_snapshot <= " + new_id;
	};
	// Through the partial indexes of ended files where the catalog has them (metadata_indexes.hpp).
	auto ended = "(end_snapshot > " + old_id + " AND end_snapshot <= " + new_id + ")";
	string inlined_deletes;
	auto inlined_delete_table = InlinedData::DeleteTableName(table_id);
	if (conn.TableExists(inlined_delete_table)) {
		// DuckLake's small deletes of file rows (ReadInlinedFileDeletes) change a file's deletes too.
		inlined_deletes = " UNION ALL SELECT 3, file_id FROM " + conn.Table(inlined_delete_table) +
		                  " WHERE begin_snapshot > " + old_id + " AND begin_snapshot <= " + new_id;
	}
	// DuckLake's merge writes merge_adjacent:<table id> (Mallard's own merge ends the files it replaces
	// and writes compacted_table); a longer id with the same digits first only costs a full read.
	auto merged = " UNION ALL SELECT 4, snapshot_id FROM " + conn.Table("ducklake_snapshot_changes") +
	              " WHERE snapshot_id > " + old_id + " AND snapshot_id <= " + new_id +
	              " AND changes_made LIKE '%merge_adjacent:" + table + "%'";
	auto rows = conn.Query(
	    "SELECT 0, snapshot_id FROM " + conn.Table("ducklake_snapshot") + " WHERE snapshot_id = " + old_id +
	    " UNION ALL SELECT 1, data_file_id FROM " + conn.Table("ducklake_data_file") + " WHERE table_id = " + table +
	    " AND " + ended + " UNION ALL SELECT 2, data_file_id FROM " + conn.Table("ducklake_data_file") +
	    " WHERE table_id = " + table + " AND " + added("data_file_id") + " AND (end_snapshot IS NULL OR end_snapshot > " +
	    new_id + ") UNION ALL SELECT 3, data_file_id FROM " + conn.Table("ducklake_delete_file") +
	    " WHERE table_id = " + table + " AND ((" + added("delete_file_id") + ") OR " + ended + ")" + inlined_deletes +
	    merged);
	FileListChanges changes;
	for (auto &row : rows.rows) {
		auto id = GetId(row[1]);
		switch (row[0].GetValue<int64_t>()) {
		case 0:
			changes.from_exists = true;
			break;
		case 1:
			changes.ended_files.insert(id);
			break;
		case 2:
			changes.added_files.insert(id);
			break;
		case 4:
			changes.files_removed = true;
			break;
		default:
			changes.delete_changed_files.insert(id);
			break;
		}
	}
	return changes;
}

bool MetadataReader::TryReadTableStats(MetadataConnection &conn, idx_t table_id, TableStatsInfo &stats) {
	stats = TableStatsInfo();
	auto rows = conn.Scan(CatalogScan("ducklake_table_stats", {"record_count", "next_row_id", "file_size_bytes"})
	                          .Where("table_id", NumericCast<int64_t>(table_id)));
	for (auto &data : rows->Chunks()) {
		if (data.size() == 0) {
			continue;
		}
		CatalogChunk chunk(data);
		stats.record_count = chunk.IsNull(0, 0) ? 0 : chunk.GetId(0, 0);
		stats.next_row_id = chunk.IsNull(1, 0) ? 0 : chunk.GetId(1, 0);
		stats.file_size_bytes = chunk.IsNull(2, 0) ? 0 : chunk.GetId(2, 0);
		return true;
	}
	return false;
}

unordered_map<string, string> MetadataReader::ReadMetadataValues(MetadataConnection &conn,
                                                               const vector<string> &keys) {
	// The whole table (a few rows per scoped option), filtered here: a scan has no IS NULL condition.
	unordered_set<string> wanted(keys.begin(), keys.end());
	unordered_map<string, string> result;
	auto rows = conn.Scan(CatalogScan("ducklake_metadata", {"key", "value", "scope"}));
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			auto key = chunk.GetString(0, row);
			if (chunk.IsNull(1, row) || !chunk.IsNull(2, row) || wanted.count(key) == 0) {
				continue;
			}
			result[key] = chunk.GetString(1, row);
		}
	}
	return result;
}

} // namespace duckdb
