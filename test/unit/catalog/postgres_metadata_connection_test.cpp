// PostgreSQL catalogs: connection errors, METADATA_SCHEMA, lost connections.
#include "catalog_test_util.hpp"

#include "mallard/catalog/metadata_tables.hpp"

#include <chrono>
#include <set>
#include <thread>

namespace duckdb {
namespace {

TEST(PostgresMetadataConnection, AnUnreachableServerIsNamedWithoutThePassword) {
	// Nothing listens on port 1: this needs no server.
	auto location = MetadataLocation::Parse(
	    "postgres:host=127.0.0.1 port=1 dbname=lakedb user=lake_user password=hunter2secret connect_timeout=3");
	try {
		OpenMetadataConnection(location, false);
		FAIL() << "expected a connection error";
	} catch (IOException &ex) {
		auto message = ErrorMessage(ex);
		EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
		EXPECT_NE(message.find("lakedb"), std::string::npos) << message;
		EXPECT_EQ(message.find("hunter2secret"), std::string::npos) << message;
	}
}

TEST(PostgresMetadataConnection, AUriWithAPasswordIsNamedWithoutIt) {
	auto location = MetadataLocation::Parse("postgresql://lake_user:hunter2secret@127.0.0.1:1/lakedb");
	try {
		OpenMetadataConnection(location, false);
		FAIL() << "expected a connection error";
	} catch (IOException &ex) {
		auto message = ErrorMessage(ex);
		EXPECT_NE(message.find("lakedb"), std::string::npos) << message;
		EXPECT_EQ(message.find("hunter2secret"), std::string::npos) << message;
	}
}

class PostgresServerTest : public testing::Test {
protected:
	void SetUp() override {
		if (PostgresTestConninfo().empty()) {
			GTEST_SKIP() << "set MALLARD_TEST_PG to a conninfo to run the PostgreSQL tests";
		}
		catalog = make_uniq<ScratchCatalog>(MetadataBackendType::POSTGRES);
	}
	//! Has the server end `conn`'s session (through `other`) and waits until its socket is closed.
	static void TerminateSession(MetadataConnection &conn, MetadataConnection &other) {
		auto pid = conn.Query("SELECT pg_backend_pid()").GetValue(0, 0).GetValue<int64_t>();
		other.Query("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
		for (int wait = 0; wait < 500; wait++) {
			auto left = other.Query("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + std::to_string(pid));
			if (left.GetValue(0, 0).GetValue<int64_t>() == 0) {
				break;
			}
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
		// (The backend leaves pg_stat_activity a moment before its socket closes.)
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
	}
	unique_ptr<ScratchCatalog> catalog;
};

TEST_F(PostgresServerTest, AMetadataSchemaIsCreatedAndQualifiesTables) {
	MetadataLocation location = catalog->Location();
	location.metadata_schema = "Lake Meta";
	auto conn = OpenMetadataConnection(location, false);
	EXPECT_EQ(conn->Table("ducklake_snapshot"), "\"Lake Meta\".\"ducklake_snapshot\"");
	EXPECT_EQ(
	    conn->Query("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'Lake Meta'").GetValue(0, 0).GetValue<int64_t>(),
	    1);

	InitializeMetadataTables(*conn, "data/", {});
	EXPECT_EQ(CheckMetadataTables(*conn, location.DisplayName(), false, false), MetadataTablesState::READY);
	EXPECT_EQ(conn->ListTables().size(), MetadataTableDefinitions().size());
	// The default schema holds none of them.
	auto plain = catalog->Open();
	EXPECT_FALSE(plain->TableExists("ducklake_snapshot"));
	EXPECT_EQ(CheckMetadataTables(*plain, catalog->Location().DisplayName(), false, false), MetadataTablesState::EMPTY);

	// A second connection to an existing schema, and a read-only one, work too.
	auto again = OpenMetadataConnection(location, false);
	EXPECT_EQ(ReadMetadataVersion(*again), "1.0");
	auto reader = OpenMetadataConnection(location, true);
	EXPECT_EQ(ReadMetadataVersion(*reader), "1.0");
}

TEST_F(PostgresServerTest, ReadOnlyDoesNotCreateTheSchema) {
	MetadataLocation location = catalog->Location();
	location.metadata_schema = "never_created";
	auto reader = OpenMetadataConnection(location, true);
	EXPECT_FALSE(reader->TableExists("ducklake_metadata"));
	EXPECT_EQ(catalog->Open()
	              ->Query("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'never_created'")
	              .GetValue(0, 0)
	              .GetValue<int64_t>(),
	          0);
}

TEST_F(PostgresServerTest, AFailedStatementCannotBeCommitted) {
	auto conn = catalog->Open();
	conn->Execute("CREATE TABLE t (i BIGINT)");
	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (1)");
	EXPECT_THROW(conn->Execute("INSERT INTO no_such_table VALUES (1)"), IOException);
	EXPECT_THROW(conn->Commit(), TransactionException);
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(conn->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 0);
}

TEST_F(PostgresServerTest, TwoTransactionsCreatingOneTableConflict) {
	// Two commits making the same inlined-data table: PostgreSQL makes the second CREATE TABLE IF NOT
	// EXISTS wait for the first transaction, then fail on the name. That is a lost race, retried.
	auto conn = catalog->Open();
	auto other = catalog->Open();
	auto admin = catalog->Open();
	conn->BeginTransaction();
	conn->Execute("CREATE TABLE IF NOT EXISTS inlined (i BIGINT)");
	auto other_pid = other->Query("SELECT pg_backend_pid()").GetValue(0, 0).GetValue<int64_t>();
	std::exception_ptr outcome;
	std::thread second([&]() {
		try {
			other->BeginTransaction();
			other->Execute("CREATE TABLE IF NOT EXISTS inlined (i BIGINT)");
		} catch (...) {
			outcome = std::current_exception();
		}
	});
	// Commit only once the second one waits for this transaction's lock.
	for (idx_t i = 0; i < 6000; i++) {
		auto waiting = admin->Query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = " +
		                            std::to_string(other_pid));
		if (waiting.GetValue(0, 0).GetValue<int64_t>() > 0) {
			break;
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	conn->Commit();
	second.join();
	ASSERT_TRUE(outcome);
	EXPECT_THROW(std::rethrow_exception(outcome), MetadataConflictException);
	EXPECT_FALSE(other->InTransaction());
}

TEST_F(PostgresServerTest, ALostConnectionIsReopenedOutsideATransaction) {
	auto conn = catalog->Open();
	auto admin = catalog->Open();
	conn->Execute("CREATE TABLE t (i BIGINT); INSERT INTO t VALUES (1)");
	auto pid = conn->Query("SELECT pg_backend_pid()").GetValue(0, 0).GetValue<int64_t>();
	admin->Query("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
	// The next read reconnects once and succeeds.
	EXPECT_EQ(conn->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 1);
	auto new_pid = conn->Query("SELECT pg_backend_pid()").GetValue(0, 0).GetValue<int64_t>();
	EXPECT_NE(new_pid, pid);

	// Inside a transaction the loss is reported, and nothing runs until the rollback.
	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (2)");
	admin->Query("SELECT pg_terminate_backend(" + std::to_string(new_pid) + ")");
	EXPECT_THROW(conn->Execute("INSERT INTO t VALUES (3)"), IOException);
	EXPECT_THROW(conn->Execute("INSERT INTO t VALUES (4)"), TransactionException);
	conn->Rollback();
	EXPECT_EQ(conn->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 1);
}

TEST_F(PostgresServerTest, BeginGoesOutWithTheFirstStatement) {
	auto conn = catalog->Open();
	auto other = catalog->Open();
	conn->Execute("CREATE TABLE t (i BIGINT PRIMARY KEY)");
	// A transaction that sends nothing commits and rolls back without a round trip.
	conn->BeginTransaction();
	EXPECT_TRUE(conn->InTransaction());
	conn->Commit();
	EXPECT_FALSE(conn->InTransaction());
	conn->BeginTransaction();
	conn->Rollback();
	EXPECT_FALSE(conn->InTransaction());
	// The first statement runs inside the transaction: a rollback undoes it.
	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (1)");
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 0);
	conn->Rollback();
	EXPECT_EQ(conn->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 0);
	// A connection lost before the first statement loses nothing: the statement reconnects and the
	// transaction still holds it until the commit.
	auto pid = conn->Query("SELECT pg_backend_pid()").GetValue(0, 0).GetValue<int64_t>();
	conn->BeginTransaction();
	other->Query("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
	conn->Execute("INSERT INTO t VALUES (2)");
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 0);
	conn->Commit();
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 1);
}

TEST_F(PostgresServerTest, ExecuteAndCommitCommitsOrLeavesTheTransactionToRollBack) {
	auto conn = catalog->Open();
	auto other = catalog->Open();
	conn->Execute("CREATE TABLE t (i BIGINT PRIMARY KEY)");
	conn->BeginTransaction();
	EXPECT_EQ(conn->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 0);
	conn->ExecuteAndCommit("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)");
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 2);

	// A failing statement stops the batch before COMMIT: the transaction stays open, to roll back.
	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (3)");
	EXPECT_THROW(conn->ExecuteAndCommit("INSERT INTO t VALUES (4); INSERT INTO no_such_table VALUES (5)"), IOException);
	EXPECT_TRUE(conn->InTransaction());
	conn->Rollback();
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 2);

	// A conflict rolls back, as MetadataConflictException promises.
	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (6)");
	EXPECT_THROW(conn->ExecuteAndCommit("INSERT INTO t VALUES (1)"), MetadataConflictException);
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 2);

	// Right after BeginTransaction, BEGIN and the batch go out together.
	conn->BeginTransaction();
	conn->ExecuteAndCommit("INSERT INTO t VALUES (7)");
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 3);

	// ... and a conflict in such a batch rolls all of it back (LakeCommit's optimistic attempt).
	conn->BeginTransaction();
	EXPECT_THROW(conn->ExecuteAndCommit("INSERT INTO t VALUES (8); INSERT INTO t VALUES (7)"),
	             MetadataConflictException);
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 3);
	conn->BeginTransaction();
	conn->ExecuteAndCommit("INSERT INTO t VALUES (8)");
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 4);

	// A connection the server closed before such a batch is replaced before sending it.
	TerminateSession(*conn, *other);
	conn->BeginTransaction();
	conn->ExecuteAndCommit("INSERT INTO t VALUES (9)");
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(other->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 5);
}

TEST_F(PostgresServerTest, BatchStatementsArePreparedOncePerSession) {
	auto conn = catalog->Open();
	auto other = catalog->Open();
	conn->Execute("CREATE TABLE t (i BIGINT PRIMARY KEY, s TEXT)");
	auto insert = [](int64_t i) {
		return MetadataStatement("INSERT INTO t VALUES (?, ?)", {Value::BIGINT(i), Value("row ?")});
	};
	auto prepared = [&]() {
		return conn->Query("SELECT COUNT(*) FROM pg_prepared_statements").GetValue(0, 0).GetValue<int64_t>();
	};
	auto rows = [&]() {
		return other->Query("SELECT COUNT(*) FROM t WHERE s = 'row ?'").GetValue(0, 0).GetValue<int64_t>();
	};
	conn->BeginTransaction();
	conn->ExecuteBatch({insert(1)}, true);
	EXPECT_EQ(prepared(), 1);
	conn->BeginTransaction();
	conn->ExecuteBatch({insert(2)}, true);
	EXPECT_EQ(prepared(), 1); // the same statement again
	EXPECT_EQ(rows(), 2);

	// A session the server closed is replaced before the batch: it prepares the statement anew.
	TerminateSession(*conn, *other);
	conn->BeginTransaction();
	conn->ExecuteBatch({insert(3)}, true);
	EXPECT_EQ(rows(), 3);

	// After a failed batch the statement is prepared again under a new name (the failed batch might
	// not have prepared it); names never repeat, even on another connection of the same server.
	conn->BeginTransaction();
	EXPECT_THROW(conn->ExecuteBatch({insert(4), insert(3)}, true), MetadataConflictException);
	conn->BeginTransaction();
	conn->ExecuteBatch({insert(5)}, true);
	EXPECT_EQ(rows(), 4);
	EXPECT_EQ(prepared(), 2);
	auto names = [](MetadataConnection &connection) {
		auto result = connection.Query("SELECT name FROM pg_prepared_statements");
		std::set<std::string> found;
		for (auto &row : result.rows) {
			found.insert(row[0].ToString());
		}
		return found;
	};
	other->BeginTransaction();
	other->ExecuteBatch({insert(6)}, true);
	auto ours = names(*conn);
	for (auto &name : names(*other)) {
		EXPECT_EQ(ours.count(name), 0u) << name;
	}
	EXPECT_EQ(rows(), 5);
}

TEST_F(PostgresServerTest, ReadOnlySessionsRefuseWrites) {
	auto conn = catalog->Open();
	conn->Execute("CREATE TABLE t (i BIGINT)");
	auto reader = catalog->Open(true);
	EXPECT_THROW(reader->Execute("INSERT INTO t VALUES (1)"), IOException);
	EXPECT_THROW(reader->Execute("CREATE TABLE u (i BIGINT)"), IOException);
}

} // namespace
} // namespace duckdb
