// MetadataConnection::QueryColumns, the column-wise read of large results (inlined rows, file
// lists): on every backend it returns what Query returns, value for value, as vectors, and
// CatalogChunk reads its fields as the row readers read Query's.
#include "catalog_test_util.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/metadata_reader.hpp"

#include "duckdb/common/types/column/column_data_collection.hpp"

namespace duckdb {
namespace {

class MetadataColumnsTest : public BackendTest {};

//! Every field of `columns` equals the same field of `rows`, type included.
void ExpectSameResult(const MetadataResult &rows, ColumnDataCollection &columns) {
	ASSERT_EQ(columns.Count(), rows.RowCount());
	ASSERT_EQ(columns.ColumnCount(), rows.names.size());
	idx_t row = 0;
	for (auto &chunk : columns.Chunks()) {
		for (idx_t i = 0; i < chunk.size(); i++, row++) {
			for (idx_t col = 0; col < chunk.ColumnCount(); col++) {
				auto expected = rows.GetValue(row, col);
				auto actual = chunk.GetValue(col, i);
				if (expected.IsNull()) {
					EXPECT_TRUE(actual.IsNull()) << "row " << row << " column " << col << ": " << actual.ToString();
					continue;
				}
				EXPECT_EQ(actual.type(), expected.type()) << "row " << row << " column " << col;
				EXPECT_EQ(actual.ToString(), expected.ToString()) << "row " << row << " column " << col;
			}
		}
	}
}

TEST_P(MetadataColumnsTest, ColumnsMatchQueryAcrossChunksWithNulls) {
	conn->Execute("CREATE TABLE typed (k " + conn->ColumnType("BIGINT") + ", i " + conn->ColumnType("BIGINT") +
	              ", s " + conn->ColumnType("VARCHAR") + ", b " + conn->ColumnType("BOOLEAN") + ", t " +
	              conn->ColumnType("TIMESTAMPTZ") + ")");
	// More rows than one vector holds, NULLs in every column but k, the extreme integers, text with
	// quotes and non-ASCII characters, long and short strings.
	string sql = "INSERT INTO typed VALUES ";
	idx_t count = 5000;
	for (idx_t k = 0; k < count; k++) {
		sql += k == 0 ? "(" : ", (";
		sql += std::to_string(k) + ", ";
		sql += k % 7 == 0    ? "NULL"
		       : k == 1      ? "-9223372036854775808"
		       : k == 2      ? "9223372036854775807"
		                     : std::to_string(int64_t(k * 7919) - 20000);
		sql += ", ";
		sql += k % 5 == 0 ? "NULL"
		                  : MetadataConnection::Literal(k % 3 == 0 ? "it's ünïcødé 日本 " + std::to_string(k)
		                                                           : std::string(k % 40, 'x'));
		sql += ", ";
		sql += k % 11 == 0 ? "NULL" : k % 2 == 0 ? "TRUE" : "FALSE";
		sql += ", ";
		sql += k % 13 == 0 ? "NULL" : conn->CurrentTimestamp();
		sql += ")";
	}
	conn->Execute(sql);
	auto query = "SELECT k, i, s, b, t, k * 2 AS e FROM " + conn->Table("typed") + " ORDER BY k";
	auto rows = conn->Query(query);
	auto columns = conn->QueryColumns(query);
	ASSERT_EQ(rows.RowCount(), count);
	EXPECT_EQ(columns->Types(), (vector<LogicalType> {LogicalType::BIGINT, LogicalType::BIGINT, LogicalType::VARCHAR,
	                                                  LogicalType::BOOLEAN, LogicalType::VARCHAR,
	                                                  LogicalType::BIGINT}));
	ExpectSameResult(rows, *columns);

	// No rows: the columns' types all the same.
	auto empty = conn->QueryColumns("SELECT k, s, b FROM " + conn->Table("typed") + " WHERE k < 0");
	EXPECT_EQ(empty->Count(), 0u);
	EXPECT_EQ(empty->Types(),
	          (vector<LogicalType> {LogicalType::BIGINT, LogicalType::VARCHAR, LogicalType::BOOLEAN}));
}

TEST_P(MetadataColumnsTest, CatalogChunkReadsFieldsAsTheRowReaderDoes) {
	conn->Execute("CREATE TABLE files (id " + conn->ColumnType("BIGINT") + ", size " + conn->ColumnType("BIGINT") +
	              ", path " + conn->ColumnType("VARCHAR") + ", relative " + conn->ColumnType("BOOLEAN") + ")");
	string sql = "INSERT INTO files VALUES ";
	idx_t count = 3000;
	for (idx_t k = 0; k < count; k++) {
		sql += k == 0 ? "(" : ", (";
		sql += std::to_string(k) + ", " + (k % 7 == 0 ? "NULL" : std::to_string(k * 1000003)) + ", ";
		sql += k % 5 == 0 ? "NULL" : MetadataConnection::Literal("data/ü-" + std::to_string(k) + ".parquet");
		sql += ", ";
		sql += k % 11 == 0 ? "NULL" : k % 2 == 0 ? "TRUE" : "FALSE";
		sql += ")";
	}
	conn->Execute(sql);
	// The last two columns are read against their kind: the id as text, digits text as an id.
	auto query = "SELECT id, size, path, relative, id AS again, CAST(id AS " + conn->ColumnType("VARCHAR") +
	             ") AS id_text FROM " + conn->Table("files") + " ORDER BY id";
	auto rows = conn->Query(query);
	auto columns = conn->QueryColumns(query);
	ASSERT_EQ(rows.RowCount(), count);
	idx_t row = 0;
	for (auto &data : columns->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t i = 0; i < chunk.size(); i++, row++) {
			auto &expected = rows.rows[row];
			EXPECT_EQ(chunk.GetId(0, i), idx_t(expected[0].GetValue<int64_t>()));
			EXPECT_EQ(chunk.IsNull(1, i), expected[1].IsNull());
			auto size = chunk.GetOptionalId(1, i);
			EXPECT_EQ(size.IsValid(), !expected[1].IsNull());
			if (size.IsValid()) {
				EXPECT_EQ(size.GetIndex(), idx_t(expected[1].GetValue<int64_t>()));
			}
			EXPECT_EQ(chunk.GetString(2, i), expected[2].IsNull() ? string() : expected[2].ToString());
			EXPECT_EQ(chunk.GetText(2, i).IsNull(), expected[2].IsNull());
			EXPECT_EQ(chunk.GetBool(3, i, true), MetadataReader::ReadBool(expected[3], true)) << "row " << row;
			EXPECT_EQ(chunk.GetString(4, i), std::to_string(row));
			EXPECT_EQ(chunk.GetId(5, i), row);
		}
	}
	EXPECT_EQ(row, count);
}

INSTANTIATE_TEST_SUITE_P(Backends, MetadataColumnsTest, testing::ValuesIn(TestBackends()), BackendName);

TEST(SQLiteMetadataColumns, FieldsStoredOtherwiseThanTheirColumnAreCast) {
	// SQLite is dynamically typed: a BOOLEAN column may hold text ('true', cast), and a column without
	// a declared type (like an expression) takes its first value's storage class (a float: text).
	ScratchCatalog catalog(MetadataBackendType::SQLITE);
	auto conn = catalog.Open();
	conn->Execute("CREATE TABLE odd (i BIGINT, s VARCHAR, b BOOLEAN, x)");
	conn->Execute("INSERT INTO odd VALUES ('12', 'a', 1, 2.5), (3, 'b', 'true', 'text'), (NULL, NULL, 0, NULL)");
	auto columns = conn->QueryColumns("SELECT i, s, b, x, typeof(i) FROM odd ORDER BY rowid");
	ASSERT_EQ(columns->Count(), 3u);
	EXPECT_EQ(columns->Types(), (vector<LogicalType> {LogicalType::BIGINT, LogicalType::VARCHAR,
	                                                  LogicalType::BOOLEAN, LogicalType::VARCHAR,
	                                                  LogicalType::VARCHAR}));
	DataChunk chunk;
	columns->InitializeScanChunk(chunk);
	ColumnDataScanState state;
	columns->InitializeScan(state);
	columns->Scan(state, chunk);
	EXPECT_EQ(chunk.GetValue(0, 0), Value::BIGINT(12));
	EXPECT_EQ(chunk.GetValue(0, 1), Value::BIGINT(3));
	EXPECT_TRUE(chunk.GetValue(0, 2).IsNull());
	EXPECT_EQ(chunk.GetValue(2, 0), Value::BOOLEAN(true));
	EXPECT_EQ(chunk.GetValue(2, 1), Value::BOOLEAN(true));
	EXPECT_EQ(chunk.GetValue(2, 2), Value::BOOLEAN(false));
	EXPECT_EQ(chunk.GetValue(3, 0), Value("2.5"));
	EXPECT_EQ(chunk.GetValue(3, 1), Value("text"));
	EXPECT_EQ(chunk.GetValue(4, 0), Value("integer")); // '12' has integer affinity in a BIGINT column
}

} // namespace
} // namespace duckdb
