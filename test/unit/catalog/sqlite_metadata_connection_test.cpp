// SQLite catalogs shared by several writers: nobody ever sees "database is locked".
#include "catalog_test_util.hpp"

#include "mallard/catalog/sqlite_metadata_connection.hpp"

#include <atomic>
#include <thread>

namespace duckdb {
namespace {

TEST(SQLiteMetadataConnection, UsesWriteAheadLogging) {
	ScratchCatalog catalog(MetadataBackendType::SQLITE);
	auto conn = catalog.Open();
	EXPECT_EQ(conn->Query("PRAGMA journal_mode").GetValue(0, 0).ToString(), "wal");
}

TEST(SQLiteMetadataConnection, ConcurrentWritersAllSucceed) {
	ScratchCatalog catalog(MetadataBackendType::SQLITE);
	catalog.Open()->Execute("CREATE TABLE snapshots (snapshot_id BIGINT PRIMARY KEY, writer BIGINT)");
	constexpr int WRITERS = 4;
	constexpr int COMMITS = 100;
	std::atomic<int> failures {0};
	std::vector<std::string> errors(WRITERS);
	std::vector<std::thread> threads;
	for (int writer = 0; writer < WRITERS; writer++) {
		threads.emplace_back([&, writer]() {
			try {
				auto conn = catalog.Open();
				for (int i = 0; i < COMMITS; i++) {
					// The DuckLake commit shape: read the latest snapshot, write the next one.
					conn->BeginTransaction();
					auto latest = conn->Query("SELECT COALESCE(MAX(snapshot_id), -1) FROM snapshots");
					auto next = latest.GetValue(0, 0).GetValue<int64_t>() + 1;
					conn->Execute("INSERT INTO snapshots VALUES (" + std::to_string(next) + ", " +
					              std::to_string(writer) + ")");
					conn->Commit();
				}
			} catch (std::exception &ex) {
				failures++;
				errors[writer] = ErrorMessage(ex);
			}
		});
	}
	for (auto &thread : threads) {
		thread.join();
	}
	for (auto &error : errors) {
		EXPECT_EQ(error, "");
	}
	ASSERT_EQ(failures.load(), 0);
	auto conn = catalog.Open();
	auto result = conn->Query("SELECT COUNT(*), MAX(snapshot_id) FROM snapshots");
	EXPECT_EQ(result.GetValue(0, 0).GetValue<int64_t>(), WRITERS * COMMITS);
	EXPECT_EQ(result.GetValue(0, 1).GetValue<int64_t>(), WRITERS * COMMITS - 1);
}

TEST(SQLiteMetadataConnection, CommitVersionMovesWithEveryWrite) {
	ScratchCatalog catalog(MetadataBackendType::SQLITE);
	auto conn = catalog.Open();
	auto other = catalog.Open();
	conn->Execute("CREATE TABLE t (i BIGINT)");
	auto version = conn->CommitVersion();
	ASSERT_TRUE(version.IsValid());
	// Reads change nothing.
	conn->Query("SELECT COUNT(*) FROM t");
	other->Query("SELECT COUNT(*) FROM t");
	EXPECT_EQ(conn->CommitVersion().GetIndex(), version.GetIndex());
	// Its own transaction: exactly one step, as LakeCommit expects of a commit nobody came between.
	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (1)");
	EXPECT_EQ(conn->CommitVersion().GetIndex(), version.GetIndex());
	conn->Commit();
	EXPECT_EQ(conn->CommitVersion().GetIndex(), version.GetIndex() + 1);
	version = conn->CommitVersion();
	// Another connection's commit, in a transaction or by itself.
	other->BeginTransaction();
	other->Execute("INSERT INTO t VALUES (2)");
	other->Commit();
	auto after_other = conn->CommitVersion();
	EXPECT_GT(after_other.GetIndex(), version.GetIndex());
	other->Execute("INSERT INTO t VALUES (3)");
	EXPECT_GT(conn->CommitVersion().GetIndex(), after_other.GetIndex());
	// Its own statement outside a transaction.
	version = conn->CommitVersion();
	conn->Execute("INSERT INTO t VALUES (4)");
	EXPECT_GT(conn->CommitVersion().GetIndex(), version.GetIndex());
	// A rolled-back transaction may leave the version alone, but it still names the file's state.
	version = conn->CommitVersion();
	conn->BeginTransaction();
	conn->Execute("INSERT INTO t VALUES (5)");
	conn->Rollback();
	EXPECT_EQ(conn->CommitVersion().GetIndex(), version.GetIndex());
}

TEST(SQLiteMetadataConnection, ReadersAreNotBlockedByAWriter) {
	ScratchCatalog catalog(MetadataBackendType::SQLITE);
	auto writer = catalog.Open();
	writer->Execute("CREATE TABLE t (i BIGINT); INSERT INTO t VALUES (1)");
	writer->BeginTransaction();
	writer->Execute("INSERT INTO t VALUES (2)");
	auto reader = catalog.Open();
	EXPECT_EQ(reader->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 1);
	writer->Commit();
	EXPECT_EQ(reader->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 2);
}

TEST(SQLiteMetadataConnection, AWriterWaitsForTheLock) {
	ScratchCatalog catalog(MetadataBackendType::SQLITE);
	auto holder = catalog.Open();
	holder->Execute("CREATE TABLE t (i BIGINT)");
	holder->BeginTransaction();
	holder->Execute("INSERT INTO t VALUES (1)");
	std::thread release([&]() {
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
		holder->Commit();
	});
	auto waiter = catalog.Open();
	auto start = std::chrono::steady_clock::now();
	waiter->BeginTransaction(); // waits until the holder commits
	auto waited = std::chrono::steady_clock::now() - start;
	release.join();
	EXPECT_GE(waited, std::chrono::milliseconds(200));
	waiter->Execute("INSERT INTO t VALUES (2)");
	waiter->Commit();
	EXPECT_EQ(waiter->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 2);
}

TEST(SQLiteMetadataConnection, GivingUpOnTheLockSaysWhy) {
	ScratchCatalog catalog(MetadataBackendType::SQLITE);
	auto holder = catalog.Open();
	holder->Execute("CREATE TABLE t (i BIGINT)");
	holder->BeginTransaction();

	SQLiteMetadataConnection waiter(catalog.Location(), false);
	waiter.SetLockWaitLimit(std::chrono::milliseconds(200));
	try {
		waiter.BeginTransaction();
		FAIL() << "expected to give up";
	} catch (MetadataConflictException &ex) {
		auto message = ErrorMessage(ex);
		EXPECT_EQ(message.find("database is locked"), std::string::npos) << message;
		EXPECT_NE(message.find("200 ms"), std::string::npos) << message;
		EXPECT_NE(message.find(catalog.Location().DisplayName()), std::string::npos) << message;
	}
	EXPECT_FALSE(waiter.InTransaction());
	// Writes outside a transaction wait the same way.
	EXPECT_THROW(waiter.Execute("INSERT INTO t VALUES (1)"), MetadataConflictException);
	holder->Rollback();
	waiter.Execute("INSERT INTO t VALUES (1)");
}

TEST(SQLiteMetadataConnection, RefusesAMetadataSchema) {
	ScratchDirectory directory;
	MetadataLocation location;
	location.type = MetadataBackendType::SQLITE;
	location.target = directory.Path() + "/m.sqlite";
	location.metadata_schema = "lake";
	EXPECT_THROW(OpenMetadataConnection(location, false), InvalidInputException);
}

} // namespace
} // namespace duckdb
