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

INSTANTIATE_TEST_SUITE_P(Backends, MetadataWriterTest, testing::ValuesIn(TestBackends()), BackendName);

} // namespace
} // namespace duckdb
