// SnapshotWriter: what it writes reads back through MetadataReader as written, on every backend.
#include "catalog_test_util.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_tables.hpp"
#include "mallard/catalog/metadata_writer.hpp"

namespace duckdb {
namespace {

class MetadataWriterTest : public BackendTest {};

//! The columns' ids, names, types and nesting, one line each, depth-first.
void Describe(const vector<LakeColumnInfo> &columns, const string &prefix, vector<string> &lines) {
	for (auto &column : columns) {
		lines.push_back(prefix + std::to_string(column.column_id) + " " + column.name + " " + column.type.ToString());
		Describe(column.children, prefix + "  ", lines);
	}
}

// A table's column rows go in statements of many rows each (a DuckDB-file catalog pays a parse and
// plan per statement): more rows than one statement takes, nested children among them, must all
// come back in their order.
TEST_P(MetadataWriterTest, ATableOfManyColumnsReadsBackAsWritten) {
	InitializeMetadataTables(*conn, "data/", {});
	LakeTableInfo table;
	table.table_id = 1;
	table.table_uuid = "00000000-0000-0000-0000-000000000001";
	table.schema_id = 0;
	table.name = "wide";
	table.path = "wide/";
	idx_t next_id = 1;
	for (idx_t i = 0; i < 1200; i++) {
		LakeColumnInfo column;
		column.column_id = next_id++;
		column.name = "c" + std::to_string(i);
		if (i % 400 == 7) {
			// A struct: its children are rows of their own, right after it.
			child_list_t<LogicalType> fields;
			for (idx_t f = 0; f < 3; f++) {
				LakeColumnInfo child;
				child.column_id = next_id++;
				child.name = "f" + std::to_string(f);
				child.type = f == 1 ? LogicalType::VARCHAR : LogicalType::BIGINT;
				fields.emplace_back(child.name, child.type);
				column.children.push_back(std::move(child));
			}
			column.type = LogicalType::STRUCT(std::move(fields));
		} else {
			column.type = i % 2 == 0 ? LogicalType::INTEGER : LogicalType::VARCHAR;
		}
		table.columns.push_back(std::move(column));
	}
	SnapshotWriter writer(*conn, 1);
	writer.CreateTable(table);
	writer.Execute();

	auto catalog = MetadataReader::ReadCatalog(*conn, 1);
	ASSERT_EQ(catalog.tables.size(), 1u);
	vector<string> expected, actual;
	Describe(table.columns, "", expected);
	Describe(catalog.tables[0].columns, "", actual);
	ASSERT_EQ(actual.size(), 1209u);
	EXPECT_EQ(actual, expected);
	// Not visible before the snapshot that created it.
	EXPECT_TRUE(MetadataReader::ReadCatalog(*conn, 0).tables.empty());
}

//! Table 1, "t", with the INTEGER column i (id 1).
LakeTableInfo TableOfOneColumn() {
	LakeTableInfo table;
	table.table_id = 1;
	table.table_uuid = "00000000-0000-0000-0000-000000000001";
	table.name = "t";
	table.path = "t/";
	LakeColumnInfo column;
	column.column_id = 1;
	column.name = "i";
	column.type = LogicalType::INTEGER;
	table.columns.push_back(column);
	return table;
}

//! Snapshot `id` with its ducklake_snapshot and ducklake_snapshot_changes rows only.
void AddEmptySnapshot(MetadataConnection &conn, idx_t id, const string &changes = "inlined_delete:1") {
	SnapshotWriter writer(conn, id);
	SnapshotInfo snapshot;
	snapshot.snapshot_id = id;
	snapshot.snapshot_time = MetadataConnection::NowText();
	snapshot.schema_version = 1;
	snapshot.next_catalog_id = 2;
	snapshot.next_file_id = 3;
	writer.AddSnapshot(snapshot, changes, Value(), Value(), Value());
	writer.Execute();
}

// DuckLake 1.0 keeps small deletes of file rows in ducklake_inlined_delete_<table_id> (file_id,
// row_id = position, begin_snapshot), a table it makes on the first one: the file list carries them
// from their snapshot on, and the changes between two snapshots name the files that got some.
TEST_P(MetadataWriterTest, InlinedFileDeletesComeWithTheirFiles) {
	InitializeMetadataTables(*conn, "data/", {});
	auto table = TableOfOneColumn();
	vector<DataFileInfo> files(2);
	for (idx_t i = 0; i < files.size(); i++) {
		files[i].data_file_id = i + 1;
		files[i].path = "f" + std::to_string(i) + ".parquet";
		files[i].record_count = 10;
		files[i].row_id_start = i * 10;
	}
	{
		SnapshotWriter writer(*conn, 1);
		writer.CreateTable(table);
		writer.AddDataFiles(1, files);
		writer.Execute();
	}
	AddEmptySnapshot(*conn, 1);
	// No table of inlined deletes (the usual case): no deletes.
	for (auto &file : MetadataReader::ReadDataFiles(*conn, 1, 1)) {
		EXPECT_FALSE(file.inlined_deletes);
		EXPECT_EQ(file.DeletedCount(), 0u);
	}

	auto name = conn->Table("ducklake_inlined_delete_1");
	auto bigint = conn->ColumnType("BIGINT");
	conn->Execute("CREATE TABLE " + name + " (file_id " + bigint + ", row_id " + bigint + ", begin_snapshot " + bigint +
	              ")");
	conn->Execute("INSERT INTO " + name + " VALUES (2, 4, 2), (2, 1, 2), (1, 3, 3)");
	AddEmptySnapshot(*conn, 2);
	AddEmptySnapshot(*conn, 3);

	auto at_2 = MetadataReader::ReadDataFiles(*conn, 1, 2);
	ASSERT_EQ(at_2.size(), 2u);
	EXPECT_FALSE(at_2[0].inlined_deletes);
	ASSERT_TRUE(at_2[1].inlined_deletes);
	EXPECT_EQ(*at_2[1].inlined_deletes, vector<idx_t>({1, 4}));
	EXPECT_EQ(at_2[1].DeletedCount(), 2u);
	auto at_3 = MetadataReader::ReadDataFiles(*conn, 1, 3);
	ASSERT_TRUE(at_3[0].inlined_deletes);
	EXPECT_EQ(*at_3[0].inlined_deletes, vector<idx_t>({3}));
	// A narrowed read (the catalog's pruning) gets them too.
	auto narrowed = MetadataReader::ReadDataFiles(*conn, 1, 3, "f.data_file_id = 2");
	ASSERT_EQ(narrowed.size(), 1u);
	ASSERT_TRUE(narrowed[0].inlined_deletes);
	EXPECT_EQ(narrowed[0].inlined_deletes->size(), 2u);

	SnapshotInfo from;
	from.snapshot_id = 1;
	from.next_file_id = 3;
	auto changes = MetadataReader::ReadFileListChanges(*conn, 1, from, 3);
	EXPECT_EQ(changes.delete_changed_files, set<idx_t>({1, 2}));
	from.snapshot_id = 2;
	changes = MetadataReader::ReadFileListChanges(*conn, 1, from, 3);
	EXPECT_EQ(changes.delete_changed_files, set<idx_t>({1}));
}

// DuckLake's merge writes one file for several, beginning at the earliest one's snapshot and with
// partial_max the latest (each row carries its own), and removes the files it replaced from the
// catalog: the file list reads partial_max, and the changes between two snapshots around such a
// merge say that files were removed, which only a full read can tell.
TEST_P(MetadataWriterTest, DuckLakeMergedFilesAreReadWithTheirSnapshots) {
	InitializeMetadataTables(*conn, "data/", {});
	auto table = TableOfOneColumn();
	vector<DataFileInfo> files(1);
	files[0].path = "merged.parquet";
	files[0].record_count = 10;
	{
		SnapshotWriter writer(*conn, 1);
		writer.CreateTable(table);
		writer.AddDataFiles(1, files);
		writer.Execute();
	}
	AddEmptySnapshot(*conn, 1);
	AddEmptySnapshot(*conn, 2, "inserted_into_table:1");
	AddEmptySnapshot(*conn, 3, "merge_adjacent:1");
	conn->Execute("UPDATE " + conn->Table("ducklake_data_file") + " SET partial_max = 2");

	auto at_1 = MetadataReader::ReadDataFiles(*conn, 1, 1);
	ASSERT_EQ(at_1.size(), 1u);
	ASSERT_TRUE(at_1[0].partial_max.IsValid());
	EXPECT_EQ(at_1[0].partial_max.GetIndex(), 2u);
	EXPECT_TRUE(at_1[0].HasRowsAfter(1));
	EXPECT_FALSE(at_1[0].VisibleCountIsExact(1));
	EXPECT_FALSE(at_1[0].HasRowsAfter(2));
	EXPECT_TRUE(at_1[0].VisibleCountIsExact(2));

	SnapshotInfo from;
	from.snapshot_id = 1;
	from.next_file_id = 3;
	EXPECT_FALSE(MetadataReader::ReadFileListChanges(*conn, 1, from, 2).files_removed);
	EXPECT_TRUE(MetadataReader::ReadFileListChanges(*conn, 1, from, 3).files_removed);
	// Another table's merge is not this one's.
	EXPECT_FALSE(MetadataReader::ReadFileListChanges(*conn, 2, from, 3).files_removed);
}

INSTANTIATE_TEST_SUITE_P(Backends, MetadataWriterTest, testing::ValuesIn(TestBackends()), BackendName);

} // namespace
} // namespace duckdb
