// The behaviour every backend shares, run on each of them.
#include "catalog_test_util.hpp"

#include <sys/stat.h>

namespace duckdb {
namespace {

class MetadataConnectionTest : public BackendTest {
protected:
	int64_t Count(const std::string &table) {
		auto result = conn->Query("SELECT COUNT(*) FROM " + conn->Table(table));
		return result.GetValue(0, 0).GetValue<int64_t>();
	}
};

TEST_P(MetadataConnectionTest, LiteralsRoundTrip) {
	std::vector<std::string> texts {
	    "it's",        "''",       "",         "ünïcødé ✓ 日本語 🦆", "back\\slash \\' \\n", "\"dq\"",
	    "line\nbreak", "%s %d %%", "tab\there"};
	for (auto &text : texts) {
		auto result = conn->Query("SELECT " + MetadataConnection::Literal(text) + " AS v");
		ASSERT_EQ(result.RowCount(), 1u);
		EXPECT_EQ(result.GetValue(0, 0).ToString(), text);
	}
	EXPECT_THROW(MetadataConnection::Literal(std::string("a\0b", 3)), InvalidInputException);
}

TEST_P(MetadataConnectionTest, ValueLiterals) {
	EXPECT_EQ(MetadataConnection::Literal(Value()), "NULL");
	EXPECT_EQ(MetadataConnection::Literal(Value::BIGINT(-42)), "-42");
	EXPECT_EQ(MetadataConnection::Literal(Value::BOOLEAN(true)), "TRUE");
	EXPECT_EQ(MetadataConnection::Literal(Value("it's")), "'it''s'");
	auto result = conn->Query("SELECT " + MetadataConnection::Literal(Value::BIGINT(7)) + " AS n, " +
	                          MetadataConnection::Literal(Value()) + " AS z");
	EXPECT_EQ(result.GetValue(0, 0).type().id(), LogicalTypeId::BIGINT);
	EXPECT_EQ(result.GetValue(0, 0).GetValue<int64_t>(), 7);
	EXPECT_TRUE(result.GetValue(0, 1).IsNull());
}

TEST_P(MetadataConnectionTest, RenderWritesParametersAsLiterals) {
	MetadataStatement statement("INSERT INTO t VALUES (?, 'why?', \"odd?\", ?, ?)",
	                            {Value::BIGINT(-1), Value("it's"), Value()});
	EXPECT_EQ(MetadataConnection::Render(statement), "INSERT INTO t VALUES (-1, 'why?', \"odd?\", 'it''s', NULL)");
	EXPECT_THROW(MetadataConnection::Render({"SELECT ?, ?", {Value::BIGINT(1)}}), InternalException);
	EXPECT_THROW(MetadataConnection::Render({"SELECT ?", {Value::BIGINT(1), Value::BIGINT(2)}}), InternalException);
}

// ExecuteBatch binds parameters where the backend can (SQLite): what it stores must be exactly what
// the same statement with literals stores, through repeated use of the kept statement and a change
// of the table under it.
TEST_P(MetadataConnectionTest, BatchParametersStoreWhatLiteralsStore) {
	conn->Execute("CREATE TABLE p (k " + conn->ColumnType("BIGINT") + ", i " + conn->ColumnType("BIGINT") + ", s " +
	              conn->ColumnType("VARCHAR") + ", b " + conn->ColumnType("BOOLEAN") + ", d " +
	              conn->ColumnType("VARCHAR") + ", u " + conn->ColumnType("BIGINT") + ", q " +
	              conn->ColumnType("VARCHAR") + ")");
	auto row = [](int64_t key, int64_t i) {
		return MetadataStatement("INSERT INTO p (k, i, s, b, d, u, q) VALUES (?, ?, ?, ?, ?, ?, 'lit?')",
		                         {Value::BIGINT(key), Value::BIGINT(i), Value("it's ? a 'quote'"),
		                          Value::BOOLEAN(i % 2 == 0), i % 3 == 0 ? Value() : Value(Value::DOUBLE(2.5).ToString()),
		                          Value::UBIGINT(uint64_t(i) * 1000)});
	};
	conn->Execute(MetadataConnection::Render(row(0, 0)));
	conn->BeginTransaction();
	for (int64_t k = 1; k <= 4; k++) {
		conn->ExecuteBatch({row(k, k)}, false);
	}
	conn->ExecuteBatch({row(5, 0), {"UPDATE p SET i = i + ? WHERE k = ?", {Value::BIGINT(10), Value::BIGINT(5)}}},
	                   true);
	EXPECT_FALSE(conn->InTransaction());
	string columns = "k, i, s, b, d, u, q";
	if (GetParam() == MetadataBackendType::SQLITE) {
		// SQLite stores any type in any column: the storage classes must match too.
		columns += ", typeof(i), typeof(s), typeof(b), typeof(d), typeof(u)";
	}
	auto result = conn->Query("SELECT " + columns + " FROM p ORDER BY k");
	ASSERT_EQ(result.RowCount(), 6u);
	for (idx_t r = 0; r < result.RowCount(); r++) {
		int64_t i = r == 5 ? 0 : int64_t(r);
		EXPECT_EQ(result.GetValue(r, 1).GetValue<int64_t>(), r == 5 ? 10 : i) << r;
		EXPECT_EQ(result.GetValue(r, 2).ToString(), "it's ? a 'quote'") << r;
		EXPECT_EQ(result.GetValue(r, 3).GetValue<bool>(), i % 2 == 0) << r;
		EXPECT_EQ(result.GetValue(r, 4).IsNull(), i % 3 == 0) << r;
		EXPECT_EQ(result.GetValue(r, 5).GetValue<int64_t>(), i * 1000) << r;
		EXPECT_EQ(result.GetValue(r, 6).ToString(), "lit?") << r;
		if (result.names.size() > 7) {
			// Row 0 was written with literals, the others bound: the same storage classes.
			vector<string> classes {"integer", "text", "integer", i % 3 == 0 ? "null" : "text", "integer"};
			for (idx_t c = 0; c < classes.size(); c++) {
				EXPECT_EQ(result.GetValue(r, 7 + c).ToString(), classes[c]) << "row " << r << " " << result.names[7 + c];
			}
		}
	}

	// The kept statement's table is replaced by one of other columns: the statement still runs.
	conn->Execute("DROP TABLE p");
	conn->Execute("CREATE TABLE p (k " + conn->ColumnType("BIGINT") + ", i " + conn->ColumnType("VARCHAR") +
	              ", s " + conn->ColumnType("VARCHAR") + ", b " + conn->ColumnType("BOOLEAN") + ", d " +
	              conn->ColumnType("VARCHAR") + ", u " + conn->ColumnType("BIGINT") + ", q " +
	              conn->ColumnType("VARCHAR") + ", extra " + conn->ColumnType("BIGINT") + ")");
	conn->BeginTransaction();
	conn->ExecuteBatch({row(7, 7)}, true);
	EXPECT_EQ(Count("p"), 1);
	// A statement whose placeholders do not match its parameters is refused, not run.
	conn->BeginTransaction();
	EXPECT_THROW(conn->ExecuteBatch({{"INSERT INTO p (k, i) VALUES (?, ?)", {Value::BIGINT(8)}}}, false),
	             InternalException);
	conn->Rollback();
	EXPECT_EQ(Count("p"), 1);
}

TEST_P(MetadataConnectionTest, IdentifiersAreQuoted) {
	EXPECT_EQ(MetadataConnection::Identifier("a\"b"), "\"a\"\"b\"");
	conn->Execute("CREATE TABLE " + MetadataConnection::Identifier("odd \"name\"") + " (" +
	              MetadataConnection::Identifier("select") + " BIGINT)");
	EXPECT_TRUE(conn->TableExists("odd \"name\""));
}

TEST_P(MetadataConnectionTest, QueryResultsAreTyped) {
	conn->Execute("CREATE TABLE typed (i " + conn->ColumnType("BIGINT") + ", s " + conn->ColumnType("VARCHAR") +
	              ", b " + conn->ColumnType("BOOLEAN") + ", t " + conn->ColumnType("TIMESTAMPTZ") + ", u " +
	              conn->ColumnType("UUID") + ")");
	conn->Execute(
	    "INSERT INTO typed VALUES (9007199254740993, 'x', TRUE, " + conn->CurrentTimestamp() +
	    ", '0b6e9d5c-3b8a-4b8e-9c59-3f7f3c2f9a11'); INSERT INTO typed VALUES (NULL, NULL, FALSE, NULL, NULL)");
	auto result = conn->Query("SELECT i, s, b, t, u FROM typed ORDER BY b DESC");
	ASSERT_EQ(result.RowCount(), 2u);
	EXPECT_EQ(result.names, (std::vector<std::string> {"i", "s", "b", "t", "u"}));

	EXPECT_EQ(result.GetValue(0, 0).type().id(), LogicalTypeId::BIGINT);
	EXPECT_EQ(result.GetValue(0, 0).GetValue<int64_t>(), 9007199254740993LL);
	EXPECT_EQ(result.GetValue(0, 1).type().id(), LogicalTypeId::VARCHAR);
	EXPECT_EQ(result.GetValue(0, 1).ToString(), "x");
	EXPECT_EQ(result.GetValue(0, 2).type().id(), LogicalTypeId::BOOLEAN);
	EXPECT_TRUE(result.GetValue(0, 2).GetValue<bool>());
	EXPECT_EQ(result.GetValue(0, 3).type().id(), LogicalTypeId::VARCHAR);
	// A timestamp DuckDB can read back: YYYY-MM-DD HH:MM:SS...
	auto timestamp = result.GetValue(0, 3).ToString();
	EXPECT_EQ(timestamp.size() >= 19 && timestamp[4] == '-' && timestamp[10] == ' ', true) << timestamp;
	EXPECT_EQ(result.GetValue(0, 4).ToString(), "0b6e9d5c-3b8a-4b8e-9c59-3f7f3c2f9a11");

	for (idx_t column : {0, 1, 3, 4}) {
		EXPECT_TRUE(result.GetValue(1, column).IsNull()) << column;
	}
	EXPECT_EQ(result.GetValue(1, 2).type().id(), LogicalTypeId::BOOLEAN);
	EXPECT_FALSE(result.GetValue(1, 2).GetValue<bool>());
}

TEST_P(MetadataConnectionTest, QueryReturnsColumnNamesOfEmptyResults) {
	conn->Execute("CREATE TABLE empty_table (a " + conn->ColumnType("BIGINT") + ", b " + conn->ColumnType("VARCHAR") +
	              ")");
	auto result = conn->Query("SELECT * FROM empty_table LIMIT 0");
	EXPECT_EQ(result.RowCount(), 0u);
	EXPECT_EQ(result.names, (std::vector<std::string> {"a", "b"}));
}

TEST_P(MetadataConnectionTest, ExecuteRunsSeveralStatements) {
	conn->Execute("CREATE TABLE t (i BIGINT);\nINSERT INTO t VALUES (1);\n INSERT INTO t VALUES (2); ");
	EXPECT_EQ(Count("t"), 2);
}

TEST_P(MetadataConnectionTest, TransactionsCommitAndRollBack) {
	conn->Execute("CREATE TABLE t (i BIGINT)");
	EXPECT_FALSE(conn->InTransaction());
	conn->BeginTransaction();
	EXPECT_TRUE(conn->InTransaction());
	conn->Execute("INSERT INTO t VALUES (1)");
	conn->Rollback();
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(Count("t"), 0);

	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)");
	// Another connection does not see uncommitted rows.
	auto other = scratch->Open();
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 0);
	conn->Commit();
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 2);

	EXPECT_THROW(conn->Commit(), TransactionException);
	conn->Rollback(); // without a transaction: nothing happens
	conn->BeginTransaction();
	EXPECT_THROW(conn->BeginTransaction(), TransactionException);
	conn->Rollback();
}

TEST_P(MetadataConnectionTest, DuplicatePrimaryKeyIsAConflict) {
	conn->Execute("CREATE TABLE snapshots (snapshot_id BIGINT PRIMARY KEY, note " + conn->ColumnType("VARCHAR") + ")");
	conn->Execute("INSERT INTO snapshots VALUES (1, 'first')");
	EXPECT_THROW(conn->Execute("INSERT INTO snapshots VALUES (1, 'again')"), MetadataConflictException);

	conn->BeginTransaction();
	conn->Execute("INSERT INTO snapshots VALUES (2, 'mine')");
	try {
		conn->Execute("INSERT INTO snapshots VALUES (1, 'collides')");
		FAIL() << "expected a conflict";
	} catch (MetadataConflictException &ex) {
		EXPECT_NE(ErrorMessage(ex).find(scratch->Location().DisplayName()), std::string::npos) << ErrorMessage(ex);
	}
	// The transaction was rolled back: the row of snapshot 2 is gone too, and the connection works.
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(Count("snapshots"), 1);
	conn->BeginTransaction();
	conn->Execute("INSERT INTO snapshots VALUES (2, 'retry')");
	conn->Commit();
	EXPECT_EQ(Count("snapshots"), 2);
}

TEST_P(MetadataConnectionTest, ConcurrentWritersOfOneKeyConflict) {
	conn->Execute("CREATE TABLE snapshots (snapshot_id BIGINT PRIMARY KEY)");
	auto other = scratch->Open();
	if (GetParam() == MetadataBackendType::SQLITE) {
		// SQLite serializes writers (BEGIN IMMEDIATE): the second one waits instead.
		GTEST_SKIP();
	}
	conn->BeginTransaction();
	other->BeginTransaction();
	conn->Execute("INSERT INTO snapshots VALUES (1)");
	other->Execute("INSERT INTO snapshots VALUES (2)"); // a different key: no conflict
	if (GetParam() == MetadataBackendType::DUCKDB) {
		// DuckDB reports the duplicate at the insert or at the commit
		bool conflicted = false;
		try {
			other->Execute("INSERT INTO snapshots VALUES (1)");
		} catch (MetadataConflictException &) {
			conflicted = true;
		}
		conn->Commit();
		if (!conflicted) {
			EXPECT_THROW(other->Commit(), MetadataConflictException);
		}
	} else {
		conn->Commit(); // PostgreSQL would make the other writer wait for this one
		EXPECT_THROW(other->Execute("INSERT INTO snapshots VALUES (1)"), MetadataConflictException);
	}
	EXPECT_FALSE(other->InTransaction());
	EXPECT_EQ(Count("snapshots"), 1);
}

TEST_P(MetadataConnectionTest, TableExistsAndListTables) {
	EXPECT_FALSE(conn->TableExists("ducklake_snapshot"));
	EXPECT_TRUE(conn->ListTables().empty());
	conn->Execute("CREATE TABLE ducklake_snapshot (snapshot_id BIGINT)");
	EXPECT_TRUE(conn->TableExists("ducklake_snapshot"));
	EXPECT_FALSE(conn->TableExists("ducklake_snapshot_changes"));
	EXPECT_EQ(conn->ListTables(), (std::vector<std::string> {"ducklake_snapshot"}));
}

TEST_P(MetadataConnectionTest, ErrorsNameTheCatalog) {
	try {
		conn->Execute("SELEC 1");
		FAIL() << "expected an error";
	} catch (MetadataConflictException &) {
		FAIL() << "a syntax error is no conflict";
	} catch (IOException &ex) {
		EXPECT_NE(ErrorMessage(ex).find(scratch->Location().DisplayName()), std::string::npos) << ErrorMessage(ex);
	}
	// The connection still works.
	EXPECT_EQ(conn->Query("SELECT 1 AS one").GetValue(0, 0).GetValue<int64_t>(), 1);
}

TEST_P(MetadataConnectionTest, ColumnTypesPerBackend) {
	for (auto kind : {"BIGINT", "VARCHAR", "BOOLEAN", "TIMESTAMPTZ", "UUID", "UBIGINT"}) {
		conn->Execute(std::string("CREATE TABLE kind_") + kind + " (c " + conn->ColumnType(kind) + ")");
	}
	EXPECT_THROW(conn->ColumnType("INTEGER"), InternalException);
	switch (GetParam()) {
	case MetadataBackendType::POSTGRES:
		EXPECT_EQ(conn->ColumnType("UBIGINT"), "NUMERIC(20,0)");
		EXPECT_EQ(conn->ColumnType("TIMESTAMPTZ"), "TIMESTAMPTZ");
		break;
	default:
		EXPECT_EQ(conn->ColumnType("UBIGINT"), "UBIGINT");
		EXPECT_EQ(conn->ColumnType("TIMESTAMPTZ"), "TIMESTAMP WITH TIME ZONE");
		break;
	}
	conn->Execute("INSERT INTO kind_UBIGINT VALUES (12345)");
	EXPECT_EQ(conn->Query("SELECT c FROM kind_UBIGINT").GetValue(0, 0).ToString(), "12345");
	if (GetParam() != MetadataBackendType::SQLITE) { // SQLite integers are signed 64-bit
		conn->Execute("INSERT INTO kind_UBIGINT VALUES (18446744073709551615)");
		auto result = conn->Query("SELECT c FROM kind_UBIGINT WHERE c > 12345");
		EXPECT_EQ(result.GetValue(0, 0).type().id(), LogicalTypeId::VARCHAR);
		EXPECT_EQ(result.GetValue(0, 0).ToString(), "18446744073709551615");
	}
}

TEST_P(MetadataConnectionTest, ReadOnlyConnectionsCannotWrite) {
	conn->Execute("CREATE TABLE t (i BIGINT)");
	if (GetParam() == MetadataBackendType::DUCKDB) {
		// Test a read-only DuckDB instance: beside an open read-write connection, a read-only one
		// would share its instance (see DuckDBMetadataConnection tests).
		conn.reset();
	}
	auto reader = scratch->Open(true);
	EXPECT_TRUE(reader->IsReadOnly());
	EXPECT_TRUE(reader->TableExists("t"));
	EXPECT_THROW(reader->Execute("INSERT INTO t VALUES (1)"), IOException);
	reader->BeginTransaction();
	EXPECT_EQ(reader->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 0);
	reader->Commit();
}

INSTANTIATE_TEST_SUITE_P(Backends, MetadataConnectionTest, testing::ValuesIn(TestBackends()), BackendName);

// File backends
class MetadataFileTest : public testing::TestWithParam<MetadataBackendType> {};

TEST_P(MetadataFileTest, ReadOnlyNeverCreatesTheFile) {
	ScratchDirectory directory;
	MetadataLocation location;
	location.type = GetParam();
	location.target = directory.Path() + "/missing.db";
	try {
		OpenMetadataConnection(location, true);
		FAIL() << "expected an error";
	} catch (IOException &ex) {
		auto message = ErrorMessage(ex);
		EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
		EXPECT_NE(message.find("missing.db"), std::string::npos) << message;
	}
	struct stat st;
	EXPECT_NE(stat(location.target.c_str(), &st), 0);
}

TEST_P(MetadataFileTest, MissingFolderIsAClearError) {
	MetadataLocation location;
	location.type = GetParam();
	location.target = "/nonexistent-mallard-folder/metadata.db";
	try {
		OpenMetadataConnection(location, false);
		FAIL() << "expected an error";
	} catch (IOException &ex) {
		EXPECT_NE(ErrorMessage(ex).find("/nonexistent-mallard-folder/metadata.db"), std::string::npos)
		    << ErrorMessage(ex);
	}
}

INSTANTIATE_TEST_SUITE_P(Files, MetadataFileTest,
                         testing::Values(MetadataBackendType::DUCKDB, MetadataBackendType::SQLITE), BackendName);

} // namespace
} // namespace duckdb
