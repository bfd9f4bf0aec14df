// CatalogScan: each backend's Scan returns the rows of the SELECT it stands for, and a DuckDB-file
// catalog read from its storage (ScansStorage) gives the reader what the statements gave it.
#include "catalog_test_util.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/lake_options.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_tables.hpp"
#include "mallard/catalog/metadata_writer.hpp"

#include "duckdb/common/types/column/column_data_collection.hpp"

#include <algorithm>

namespace duckdb {
namespace {

class CatalogScanTest : public BackendTest {};

//! The rows of a result, one line each, sorted (a scan's rows come in no particular order).
vector<string> Lines(ColumnDataCollection &rows) {
	vector<string> lines;
	for (auto &data : rows.Chunks()) {
		for (idx_t row = 0; row < data.size(); row++) {
			string line;
			for (idx_t column = 0; column < data.ColumnCount(); column++) {
				auto value = data.GetValue(column, row);
				line += (column == 0 ? "" : "|") + (value.IsNull() ? string("NULL") : value.ToString());
			}
			lines.push_back(line);
		}
	}
	std::sort(lines.begin(), lines.end());
	return lines;
}

// (begin_snapshot is an INTEGER here: a condition on a column stored as another integer type.)
TEST_P(CatalogScanTest, ScanReturnsTheRowsOfItsSelect) {
	conn->Execute("CREATE TABLE " + conn->Table("scanned") + " (id BIGINT, begin_snapshot INTEGER, end_snapshot " +
	              "BIGINT, key VARCHAR, value VARCHAR, flag BOOLEAN)");
	conn->Execute("INSERT INTO " + conn->Table("scanned") +
	              " VALUES (1, 1, NULL, 'comment', 'a', TRUE), (2, 2, 5, 'comment', 'b', FALSE), "
	              "(3, 6, NULL, 'comment', 'c', NULL), (4, NULL, NULL, 'comment', 'd', TRUE), "
	              "(5, 1, 3, 'other', 'e', TRUE), (6, 3, NULL, NULL, NULL, FALSE), (7, 4, 4, 'comment', 'g', TRUE)");
	struct Case {
		CatalogScan scan;
		vector<string> expected;
	};
	vector<string> columns = {"id", "value", "flag"};
	vector<Case> cases = {
	    {CatalogScan("scanned", {"id"}), {"1", "2", "3", "4", "5", "6", "7"}},
	    // Visible at 4: begun by then, not ended by then (a NULL begin is never visible).
	    {CatalogScan("scanned", columns).VisibleAt(4), {"1|a|true", "2|b|false", "6|NULL|false"}},
	    {CatalogScan("scanned", columns).VisibleAt(4).Where("key", "comment"), {"1|a|true", "2|b|false"}},
	    {CatalogScan("scanned", {"value"}).Where("id", int64_t(5)), {"e"}},
	    // Equalities alone are left to DuckDB's storage filters on a DuckDB file: NULL never equals.
	    {CatalogScan("scanned", {"id"}).Where("key", "comment"), {"1", "2", "3", "4", "7"}},
	    // ... unless the constant does not fit the stored type (an INTEGER column here).
	    {CatalogScan("scanned", {"id"}).Where("begin_snapshot", int64_t(1) << 40), {}},
	    {CatalogScan("scanned", {"id"}).WhereIn("id", {7, 3, 9}), {"3", "7"}},
	    {CatalogScan("scanned", {"id"}).WhereIn("id", {}), {}},
	    {CatalogScan("scanned", {"id", "key"}).VisibleAt(1).Where("id", int64_t(5)).Where("key", "other"),
	     {"5|other"}},
	};
	for (auto &test : cases) {
		auto sql = test.scan.ToSQL(*conn);
		auto scanned = conn->Scan(test.scan);
		EXPECT_EQ(Lines(*scanned), test.expected) << sql;
		EXPECT_EQ(Lines(*conn->QueryColumns(sql)), test.expected) << sql;
	}
}

TEST_P(CatalogScanTest, AMissingColumnIsAnErrorNamingIt) {
	InitializeMetadataTables(*conn, "data/", {});
	try {
		conn->Scan(CatalogScan("ducklake_snapshot", {"no_such_column"}));
		FAIL() << "expected an error";
	} catch (std::exception &ex) {
		EXPECT_NE(ErrorMessage(ex).find("no_such_column"), string::npos) << ErrorMessage(ex);
	}
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogScanTest, testing::ValuesIn(TestBackends()), BackendName);

//! A connection that hides how its backend scans: every read through it is SQL. It counts the
//! statements it runs.
class StatementsOnly : public MetadataConnection {
public:
	explicit StatementsOnly(MetadataConnection &inner) : inner(inner) {
		location = inner.GetLocation();
	}
	MetadataBackendType GetType() const override {
		return inner.GetType();
	}
	void Execute(const string &sql) override {
		statements++;
		inner.Execute(sql);
	}
	MetadataResult Query(const string &sql) override {
		statements++;
		return inner.Query(sql);
	}
	unique_ptr<ColumnDataCollection> QueryColumns(const string &sql) override {
		statements++;
		return inner.QueryColumns(sql);
	}
	void BeginTransaction() override {
		inner.BeginTransaction();
	}
	void Commit() override {
		inner.Commit();
	}
	void Rollback() override {
		inner.Rollback();
	}
	bool InTransaction() const override {
		return inner.InTransaction();
	}
	bool TableExists(const string &name) override {
		return inner.TableExists(name);
	}
	string ColumnType(const string &kind) const override {
		return inner.ColumnType(kind);
	}
	vector<string> ListTables() override {
		return inner.ListTables();
	}
	bool HoldsColumns(const vector<string> &names) const override {
		return inner.HoldsColumns(names);
	}

	idx_t statements = 0;

protected:
	MetadataConnection &inner;
};

//! The backend as it is (scans from storage where it can), counting the statements run through it.
class CountedStatements : public StatementsOnly {
public:
	using StatementsOnly::StatementsOnly;
	vector<unique_ptr<ColumnDataCollection>> Scan(const vector<CatalogScan> &scans) override {
		return inner.Scan(scans);
	}
	bool ScansStorage() const override {
		return inner.ScansStorage();
	}
};

//! A snapshot of the test's lake (schema version 1, catalog ids up to 3), made now.
SnapshotInfo Snapshot(idx_t snapshot_id, idx_t next_file_id) {
	SnapshotInfo snapshot;
	snapshot.snapshot_id = snapshot_id;
	snapshot.snapshot_time = MetadataConnection::NowText();
	snapshot.schema_version = 1;
	snapshot.next_catalog_id = 4;
	snapshot.next_file_id = next_file_id;
	return snapshot;
}

string Describe(const LakeCatalogInfo &catalog) {
	string text;
	for (auto &schema : catalog.schemas) {
		text += "schema " + std::to_string(schema.schema_id) + " " + schema.name + " " + schema.path + "\n";
	}
	for (auto &table : catalog.tables) {
		text += "table " + std::to_string(table.table_id) + " " + table.name + " " + table.path + " comment " +
		        table.comment.ToString() + "\n";
		for (auto &column : table.columns) {
			text += "  column " + std::to_string(column.column_id) + " " + column.name + " " +
			        column.type.ToString() + " comment " + column.comment.ToString() + "\n";
		}
		for (auto &field : table.partition_fields) {
			text += "  partition " + std::to_string(field.column_id) + " " + field.transform + "\n";
		}
		for (auto &key : table.sort_keys) {
			text += "  sort " + key.expression + (key.descending ? " DESC" : "") + "\n";
		}
	}
	for (auto &view : catalog.views) {
		text += "view " + std::to_string(view.view_id) + " " + view.name + " " + view.sql + "\n";
	}
	return text;
}

string Describe(const vector<DataFileInfo> &files) {
	string text;
	for (auto &file : files) {
		text += "file " + std::to_string(file.data_file_id) + " " + file.path + " rows " +
		        std::to_string(file.record_count) + " from " + std::to_string(file.row_id_start) + " at " +
		        std::to_string(file.begin_snapshot.GetIndex()) + "\n";
		if (file.has_delete_file) {
			text += "  deletes " + std::to_string(file.delete_file.delete_file_id) + " " + file.delete_file.path +
			        " count " + std::to_string(file.delete_file.delete_count) + "\n";
		}
		for (auto &stats : file.column_stats) {
			text += "  stats " + std::to_string(stats.column_id) + " " + stats.min_value.ToString() + ".." +
			        stats.max_value.ToString() + "\n";
		}
	}
	return text;
}

// The reads a query makes (the latest snapshot, the catalog, a table's files with their delete
// files and statistics, their count, the table's stats), from a DuckDB file's storage and from
// statements, at the current snapshot and at an older one.
TEST(DuckDBCatalogScan, StorageScansReadWhatStatementsRead) {
	ScratchCatalog scratch(MetadataBackendType::DUCKDB);
	auto conn = scratch.Open();
	ASSERT_TRUE(conn->ScansStorage());
	InitializeMetadataTables(*conn, "data/", {});

	LakeTableInfo table;
	table.table_id = 1;
	table.table_uuid = "00000000-0000-0000-0000-000000000001";
	table.schema_id = 0;
	table.name = "events";
	table.path = "events/";
	for (idx_t i = 1; i <= 3; i++) {
		LakeColumnInfo column;
		column.column_id = i;
		column.name = "c" + std::to_string(i);
		column.type = i == 2 ? LogicalType::VARCHAR : LogicalType::BIGINT;
		table.columns.push_back(std::move(column));
	}
	{
		SnapshotWriter writer(*conn, 1);
		writer.CreateTable(table);
		writer.SetComment(1, Value("the events"));
		writer.SetColumnComment(1, 2, Value("a name"));
		writer.SetPartitionSpec(1, 2, {LakePartitionField {0, 1, "identity"}});
		LakeViewInfo view;
		view.view_id = 3;
		view.view_uuid = "00000000-0000-0000-0000-000000000003";
		view.schema_id = 0;
		view.name = "recent";
		view.sql = "SELECT 1";
		view.dialect = "duckdb";
		writer.CreateView(view);
		writer.AddSnapshot(Snapshot(1, 0), "created_table:events", Value(), Value(), Value());
		writer.Execute();
	}
	// Files 0..4 at snapshots 2..6 (inserted out of id order, so the list's order is checked); file 1
	// gets a delete file at snapshot 7, file 3 is ended there.
	for (idx_t snapshot_id = 2; snapshot_id <= 7; snapshot_id++) {
		SnapshotWriter writer(*conn, snapshot_id);
		if (snapshot_id <= 6) {
			DataFileInfo file;
			file.data_file_id = 6 - snapshot_id;
			file.path = "f" + std::to_string(file.data_file_id) + ".parquet";
			file.record_count = 10;
			file.file_size_bytes = 100;
			file.row_id_start = 10 * (snapshot_id - 2);
			file.begin_snapshot = snapshot_id;
			for (idx_t column_id = 1; column_id <= 3; column_id++) {
				ColumnStatsInfo stats;
				stats.column_id = column_id;
				stats.value_count = 10;
				stats.null_count = 0;
				stats.min_value = Value(std::to_string(file.row_id_start));
				stats.max_value = Value(std::to_string(file.row_id_start + 9));
				file.column_stats.push_back(stats);
			}
			writer.AddDataFiles(1, {file});
			writer.WriteTableStats(1, {10 * (snapshot_id - 1), 10 * (snapshot_id - 1), 100}, snapshot_id > 2);
		} else {
			DeleteFileInfo deletes;
			deletes.delete_file_id = 5;
			deletes.path = "d1.parquet";
			deletes.delete_count = 2;
			deletes.begin_snapshot = snapshot_id;
			writer.AddDeleteFile(1, 1, deletes);
			writer.EndDataFile(3);
		}
		writer.AddSnapshot(Snapshot(snapshot_id, 6), "inserted_into_table:1", Value(), Value(), Value());
		writer.Execute();
	}

	StatementsOnly statements(*conn);
	ASSERT_FALSE(statements.ScansStorage());
	auto latest = MetadataReader::LatestSnapshot(*conn);
	EXPECT_EQ(latest.snapshot_id, 7u);
	EXPECT_EQ(latest.snapshot_time, MetadataReader::LatestSnapshot(statements).snapshot_time);
	EXPECT_EQ(latest.next_file_id, 6u);

	auto catalog = Describe(MetadataReader::ReadCatalog(*conn, 7));
	EXPECT_EQ(catalog, Describe(MetadataReader::ReadCatalog(statements, 7)));
	EXPECT_NE(catalog.find("table 1 events events/ comment the events"), string::npos) << catalog;
	EXPECT_NE(catalog.find("column 2 c2 VARCHAR comment a name"), string::npos) << catalog;
	EXPECT_NE(catalog.find("partition 1 identity"), string::npos) << catalog;
	EXPECT_NE(catalog.find("view 3 recent"), string::npos) << catalog;

	for (idx_t snapshot_id : {idx_t(4), idx_t(7)}) {
		auto files = MetadataReader::ReadDataFiles(*conn, 1, snapshot_id);
		EXPECT_EQ(Describe(files), Describe(MetadataReader::ReadDataFiles(statements, 1, snapshot_id)));
		EXPECT_EQ(files.size(), snapshot_id == 4 ? 3u : 4u);
		EXPECT_EQ(MetadataReader::CountDataFiles(*conn, 1, snapshot_id), files.size());
		EXPECT_EQ(MetadataReader::CountDataFiles(statements, 1, snapshot_id), files.size());
		auto some = MetadataReader::ReadDataFilesById(*conn, 1, snapshot_id, {1, 3});
		EXPECT_EQ(Describe(some), Describe(MetadataReader::ReadDataFilesById(statements, 1, snapshot_id, {1, 3})));
	}
	auto files = MetadataReader::ReadDataFiles(*conn, 1, 7);
	ASSERT_EQ(files.size(), 4u);
	// Ordered by data_file_id (no file_order): 0, 1, 2, 4; file 1 with its delete file.
	EXPECT_EQ(files[0].data_file_id, 0u);
	EXPECT_EQ(files[3].data_file_id, 4u);
	EXPECT_TRUE(files[1].has_delete_file);
	EXPECT_EQ(files[1].column_stats.size(), 3u);

	TableStatsInfo stats, stats_by_statement;
	ASSERT_TRUE(MetadataReader::TryReadTableStats(*conn, 1, stats));
	ASSERT_TRUE(MetadataReader::TryReadTableStats(statements, 1, stats_by_statement));
	EXPECT_EQ(stats.record_count, 50u);
	EXPECT_EQ(stats.next_row_id, stats_by_statement.next_row_id);
	EXPECT_FALSE(MetadataReader::TryReadTableStats(*conn, 2, stats));
}

string Describe(const vector<InlinedRows> &tables) {
	string text;
	for (auto &rows : tables) {
		text += rows.table_name + ":";
		for (auto id : rows.column_ids) {
			text += " " + std::to_string(id);
		}
		text += "\n";
		idx_t row = 0;
		for (auto &data : rows.stored->Chunks()) {
			for (idx_t i = 0; i < data.size(); i++, row++) {
				text += "  " + std::to_string(rows.row_ids[row]);
				for (idx_t column = 0; column < data.ColumnCount(); column++) {
					text += " " + data.GetValue(column, i).ToString() + ":" + data.GetTypes()[column].ToString();
				}
				text += "\n";
			}
		}
	}
	return text;
}

// A scan's read of inlined rows (the inlined-data tables' columns at their schema versions, then
// the visible rows) from a DuckDB file's storage: what the statements read, without a statement.
// Column names that need quoting, a column renamed and one added between two inlined-data tables,
// and a registered table without rows.
TEST(DuckDBCatalogScan, InlinedRowsFromStorageAreThoseOfStatements) {
	ScratchCatalog scratch(MetadataBackendType::DUCKDB);
	auto conn = scratch.Open();
	InitializeMetadataTables(*conn, "data/", {});
	auto column = [&](idx_t id, idx_t begin, const string &end, idx_t order, const string &name, const string &type) {
		conn->Execute("INSERT INTO " + conn->Table("ducklake_column") +
		              " (column_id, begin_snapshot, end_snapshot, table_id, column_order, column_name, column_type, "
		              "nulls_allowed, parent_column) VALUES (" +
		              std::to_string(id) + ", " + std::to_string(begin) + ", " + end + ", 1, " + std::to_string(order) +
		              ", " + MetadataConnection::Literal(name) + ", " + MetadataConnection::Literal(type) +
		              ", true, NULL)");
	};
	column(1, 1, "NULL", 1, "Mixed Case", "int64");
	column(2, 1, "5", 2, "select", "varchar");
	column(2, 5, "NULL", 2, "chosen", "varchar");
	column(3, 5, "NULL", 3, "late", "int32");
	// A struct's field: never a column of an inlined-data table.
	conn->Execute("INSERT INTO " + conn->Table("ducklake_column") +
	              " (column_id, begin_snapshot, table_id, column_order, column_name, column_type, parent_column) "
	              "VALUES (4, 1, 1, 1, 'field', 'int64', 1)");
	auto inlined = [&](const string &name, idx_t version, const string &columns, const string &rows) {
		conn->Execute("CREATE TABLE " + conn->Table(name) + " (row_id BIGINT, begin_snapshot BIGINT, end_snapshot BIGINT" +
		              columns + ")");
		if (!rows.empty()) {
			conn->Execute("INSERT INTO " + conn->Table(name) + " VALUES " + rows);
		}
		conn->Execute("INSERT INTO " + conn->Table("ducklake_inlined_data_tables") + " VALUES (1, " +
		              MetadataConnection::Literal(name) + ", " + std::to_string(version) + ")");
	};
	inlined("ducklake_inlined_data_1_1", 1, ", \"Mixed Case\" BIGINT, \"select\" VARCHAR",
	        "(0, 2, NULL, 10, 'a'), (1, 2, 4, 11, 'b'), (2, 3, NULL, NULL, NULL)");
	inlined("ducklake_inlined_data_1_2", 2, ", \"Mixed Case\" BIGINT, chosen VARCHAR, late BIGINT",
	        "(3, 6, NULL, 12, 'c', 7), (4, 7, NULL, 13, NULL, NULL)");
	inlined("ducklake_inlined_data_1_3", 3, ", \"Mixed Case\" BIGINT, chosen VARCHAR, late BIGINT", "");

	StatementsOnly statements(*conn);
	CountedStatements storage(*conn);
	auto tables = InlinedData::ListTables(storage, 1);
	ASSERT_EQ(tables.size(), 3u);
	// Each column as name:id:type when written (the column's type at the table's schema version).
	auto read_columns = [](MetadataConnection &conn, const InlinedDataTableInfo &table) {
		vector<string> result;
		for (auto &column : InlinedData::ReadColumns(conn, table)) {
			result.push_back(column.name + ":" + std::to_string(column.column_id) + ":" +
			                 column.written_type.ToString());
		}
		return result;
	};
	using Columns = vector<string>;
	EXPECT_EQ(read_columns(storage, tables[0]), (Columns {"Mixed Case:1:BIGINT", "select:2:VARCHAR"}));
	EXPECT_EQ(read_columns(storage, tables[1]), (Columns {"Mixed Case:1:BIGINT", "chosen:2:VARCHAR", "late:3:INTEGER"}));
	EXPECT_EQ(read_columns(storage, tables[2]), Columns {});
	for (auto &table : tables) {
		EXPECT_EQ(read_columns(storage, table), read_columns(statements, table));
	}
	unordered_map<idx_t, LogicalType> types {{1, LogicalType::INTEGER}, {3, LogicalType::INTEGER}};
	for (idx_t snapshot_id : {idx_t(2), idx_t(3), idx_t(4), idx_t(7)}) {
		auto read = Describe(InlinedData::ReadVisibleColumns(storage, 1, snapshot_id, types));
		EXPECT_EQ(read, Describe(InlinedData::ReadVisibleColumns(statements, 1, snapshot_id, types)));
		if (snapshot_id == 7) {
			EXPECT_EQ(read, "ducklake_inlined_data_1_1: 1 2\n  0 10:INTEGER a:VARCHAR\n  2 NULL:INTEGER NULL:VARCHAR\n"
			                "ducklake_inlined_data_1_2: 1 2 3\n  3 12:INTEGER c:VARCHAR 7:INTEGER\n"
			                "  4 13:INTEGER NULL:VARCHAR NULL:INTEGER\n");
		}
	}
	EXPECT_EQ(storage.statements, 0u);
}

// The reads of a process's first write (the effective options, the inlined-data table to insert
// into) from a DuckDB file's storage: what the statements read, without a statement. Planning
// those statements was 12 ms of a new process's 25-29 ms first inlined INSERT.
TEST(DuckDBCatalogScan, FirstWriteReadsFromStorage) {
	ScratchCatalog scratch(MetadataBackendType::DUCKDB);
	auto conn = scratch.Open();
	InitializeMetadataTables(*conn, "data/", {});
	StatementsOnly statements(*conn);
	CountedStatements storage(*conn);

	LakeOptions::Write(*conn, "target_file_size", "1000", {});
	LakeOptions::Write(*conn, "target_file_size", "2000", {"schema", 0});
	LakeOptions::Write(*conn, "target_file_size", "3000", {"table", 1});
	LakeOptions::Write(*conn, "parquet_compression", "zstd", {"table", 2});
	LakeOptions::Write(*conn, "parquet_compression", "gzip", {"schema", 7});
	using Options = case_insensitive_map_t<string>;
	auto describe = [](const Options &options) {
		std::map<string, string> sorted(options.begin(), options.end());
		string text;
		for (auto &entry : sorted) {
			text += entry.first + "=" + entry.second + ";";
		}
		return text;
	};
	struct Case {
		optional_idx schema_id, table_id;
		string expected;
	};
	// Table beats schema beats the lake; other tables' and schemas' values and non-options stay out.
	for (auto &test : vector<Case> {{0, 1, "target_file_size=3000;"},
	                                {0, 2, "parquet_compression=zstd;target_file_size=2000;"},
	                                {3, 4, "target_file_size=1000;"},
	                                {optional_idx(), optional_idx(), "target_file_size=1000;"}}) {
		auto read = describe(LakeOptions::ReadEffective(storage, test.schema_id, test.table_id));
		EXPECT_EQ(read, test.expected);
		EXPECT_EQ(read, describe(LakeOptions::ReadEffective(statements, test.schema_id, test.table_id)));
	}
	EXPECT_EQ(describe(LakeOptions::ReadEffective(storage, 0, 1, {{"target_file_size", "5"}})),
	          "target_file_size=3000;");
	EXPECT_EQ(storage.statements, 0u);

	// Table 1's columns were made at snapshot 1 (schema version 1), and changed at 4 (version 3): new
	// rows go to the inlined-data table of version 3, the first snapshot since then, not to that of
	// snapshot 5's version 4 (DDL on another table).
	vector<LakeColumnInfo> columns(1);
	columns[0].column_id = 1;
	columns[0].name = "c";
	columns[0].type = LogicalType::BIGINT;
	auto snapshot = [&](idx_t id, idx_t version) {
		conn->Execute("INSERT INTO " + conn->Table("ducklake_snapshot") + " VALUES (" + std::to_string(id) +
		              ", '2026-11-27 00:00:00+00', " + std::to_string(version) + ", 9, 0)");
	};
	snapshot(1, 1);
	snapshot(2, 1);
	conn->Execute("INSERT INTO " + conn->Table("ducklake_column") +
	              " (column_id, begin_snapshot, end_snapshot, table_id, column_order, column_name, column_type) VALUES "
	              "(1, 1, NULL, 1, 1, 'c', 'int64')");
	storage.statements = 0;
	auto first = InlinedData::PrepareTable(storage, 1, 2, columns, false);
	EXPECT_EQ(first, "ducklake_inlined_data_1_1");
	EXPECT_EQ(InlinedData::PrepareTable(statements, 1, 2, columns, false), first);
	// Made and registered above (statements); found registered now, without one.
	storage.statements = 0;
	EXPECT_EQ(InlinedData::PrepareTable(storage, 1, 2, columns, false), first);
	EXPECT_EQ(storage.statements, 0u);

	snapshot(3, 2);
	snapshot(4, 3);
	snapshot(5, 4);
	conn->Execute("INSERT INTO " + conn->Table("ducklake_column") +
	              " (column_id, begin_snapshot, end_snapshot, table_id, column_order, column_name, column_type) VALUES "
	              "(2, 4, NULL, 1, 2, 'd', 'int64')");
	columns.push_back(columns[0]);
	columns[1].column_id = 2;
	columns[1].name = "d";
	auto second = InlinedData::PrepareTable(storage, 1, 4, columns, false);
	EXPECT_EQ(second, "ducklake_inlined_data_1_3");
	storage.statements = 0;
	EXPECT_EQ(InlinedData::PrepareTable(storage, 1, 4, columns, false), second);
	EXPECT_EQ(storage.statements, 0u);
	EXPECT_EQ(InlinedData::PrepareTable(statements, 1, 4, columns, false), second);
	EXPECT_EQ(InlinedData::ListTables(*conn, 1).size(), 2u);
}

} // namespace
} // namespace duckdb
