#include "mallard/catalog/metadata_tables.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

// DuckLake 0.3 (or 0.4, DuckLake's name for 1.0 before its release, which has some or all of these
// already) -> 1.0, in one transaction on any backend, with portable SQL only:
// - new tables: ducklake_file_variant_stats, ducklake_macro, ducklake_macro_impl,
//   ducklake_macro_parameters, ducklake_sort_info, ducklake_sort_expression
// - ducklake_column: + default_value_type ('literal' for existing rows), + default_value_dialect
// - ducklake_data_file: partial_file_info ('partial_max:<n>') becomes the BIGINT partial_max
// - ducklake_delete_file: + partial_max
// - ducklake_schema_versions: + table_id; each catalog-wide row becomes one row per table that
//   existed at that snapshot (1.0 tracks schema versions per table)
// Every step checks what exists first, so a catalog that a tolerant migrator left half-done still
// migrates. All DDL runs before any DML: DuckDB refuses to alter a table it already changed rows of
// in the same transaction.

static bool HasColumn(MetadataConnection &conn, const string &table, const string &column) {
	auto result = conn.Query("SELECT * FROM " + conn.Table(table) + " LIMIT 0");
	for (auto &name : result.names) {
		if (StringUtil::CIEquals(name, column)) {
			return true;
		}
	}
	return false;
}

static void AddColumn(MetadataConnection &conn, const string &table, const string &column, const string &kind) {
	if (HasColumn(conn, table, column)) {
		return;
	}
	conn.Execute("ALTER TABLE " + conn.Table(table) + " ADD COLUMN " + MetadataConnection::Identifier(column) + " " +
	             conn.ColumnType(kind));
}

//! The number after "partial_max:" in a 0.3 partial_file_info, or -1.
static int64_t ParsePartialMax(const string &info) {
	const string marker = "partial_max:";
	auto start = info.find(marker);
	if (start == string::npos) {
		return -1;
	}
	start += marker.size();
	auto end = start;
	while (end < info.size() && StringUtil::CharacterIsDigit(info[end])) {
		end++;
	}
	if (end == start || end - start > 18) {
		return -1;
	}
	return std::stoll(info.substr(start, end - start));
}

void MigrateMetadataTablesTo10(MetadataConnection &conn, const string &display_name) {
	conn.BeginTransaction();
	try {
		// Claim the migration first: a concurrent migrator waits on this row (PostgreSQL) or on the
		// write lock (SQLite), and then finds version 1.0 below.
		conn.Execute("UPDATE " + conn.Table("ducklake_metadata") + " SET value = value WHERE key = 'version'");
		auto version = ReadMetadataVersion(conn);
		if (version == DUCKLAKE_FORMAT_VERSION) {
			conn.Rollback();
			return;
		}
		if (!IsMigratableFormatVersion(version)) {
			throw InvalidInputException("DuckLake catalog %s has format version %s: it cannot be migrated",
			                            display_name, version);
		}

		// DDL
		for (auto &table : MetadataTableDefinitions()) {
			if (table.new_in_1_0 && !conn.TableExists(table.name)) {
				conn.Execute(CreateMetadataTableStatement(conn, table));
			}
		}
		AddColumn(conn, "ducklake_column", "default_value_type", "VARCHAR");
		AddColumn(conn, "ducklake_column", "default_value_dialect", "VARCHAR");
		AddColumn(conn, "ducklake_schema_versions", "table_id", "BIGINT");
		AddColumn(conn, "ducklake_delete_file", "partial_max", "BIGINT");
		AddColumn(conn, "ducklake_data_file", "partial_max", "BIGINT");
		vector<pair<int64_t, int64_t>> partial_max_values;
		if (HasColumn(conn, "ducklake_data_file", "partial_file_info")) {
			auto partial = conn.Query("SELECT data_file_id, partial_file_info FROM " +
			                          conn.Table("ducklake_data_file") + " WHERE partial_file_info IS NOT NULL");
			for (auto &row : partial.rows) {
				auto partial_max = ParsePartialMax(row[1].ToString());
				if (partial_max >= 0) {
					partial_max_values.emplace_back(row[0].GetValue<int64_t>(), partial_max);
				}
			}
			conn.Execute("ALTER TABLE " + conn.Table("ducklake_data_file") + " DROP COLUMN partial_file_info");
		}

		// DML
		for (auto &entry : partial_max_values) {
			conn.Execute("UPDATE " + conn.Table("ducklake_data_file") + " SET partial_max = " +
			             std::to_string(entry.second) + " WHERE data_file_id = " + std::to_string(entry.first));
		}
		conn.Execute("UPDATE " + conn.Table("ducklake_column") +
		             " SET default_value_type = 'literal' WHERE default_value_type IS NULL");
		{
			auto versions = conn.Table("ducklake_schema_versions");
			// A table that was renamed has several rows with one table_id: DISTINCT keeps one entry.
			conn.Execute("INSERT INTO " + versions +
			             " (begin_snapshot, schema_version, table_id) "
			             "SELECT DISTINCT v.begin_snapshot, v.schema_version, t.table_id FROM " +
			             versions + " v JOIN " + conn.Table("ducklake_table") +
			             " t ON v.begin_snapshot >= t.begin_snapshot AND (t.end_snapshot IS NULL OR "
			             "v.begin_snapshot <= t.end_snapshot) WHERE v.table_id IS NULL");
			conn.Execute("DELETE FROM " + versions + " WHERE table_id IS NULL");
		}
		conn.Execute("UPDATE " + conn.Table("ducklake_metadata") +
		             " SET value = " + MetadataConnection::Literal(DUCKLAKE_FORMAT_VERSION) + " WHERE key = 'version'");
		conn.Commit();
	} catch (...) {
		conn.Rollback();
		throw;
	}
}

} // namespace duckdb
