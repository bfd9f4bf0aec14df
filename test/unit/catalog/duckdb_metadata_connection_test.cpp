// DuckDB-file catalogs: one instance per file in a process, one process per file.
#include "catalog_test_util.hpp"

#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/main/database_manager.hpp"
#include "duckdb/storage/storage_info.hpp"
#include "duckdb/storage/storage_manager.hpp"

#include <cstdlib>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace duckdb {
namespace {

constexpr const char *CHILD_FILE_VARIABLE = "MALLARD_TEST_LOCKED_CATALOG";

TEST(DuckDBMetadataConnection, ConnectionsOfOneProcessShareTheFile) {
	ScratchCatalog catalog(MetadataBackendType::DUCKDB);
	auto first = catalog.Open();
	auto second = catalog.Open();
	first->Execute("CREATE TABLE t (i BIGINT)");
	second->Execute("INSERT INTO t VALUES (1)");
	EXPECT_EQ(first->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 1);
	// The same file spelled differently is still the same instance.
	MetadataLocation relative = catalog.Location();
	relative.target = catalog.Location().target;
	auto slash = relative.target.rfind('/');
	relative.target = relative.target.substr(0, slash) + "/./" + relative.target.substr(slash + 1);
	auto third = OpenMetadataConnection(relative, false);
	EXPECT_TRUE(third->TableExists("t"));
}

TEST(DuckDBMetadataConnection, TheFileIsClosedWithItsLastConnection) {
	ScratchCatalog catalog(MetadataBackendType::DUCKDB);
	catalog.Open()->Execute("CREATE TABLE t (i BIGINT); INSERT INTO t VALUES (42)");
	// Reopened read-only: only possible when the read-write instance is gone.
	auto reader = catalog.Open(true);
	EXPECT_EQ(reader->Query("SELECT i FROM t").GetValue(0, 0).GetValue<int64_t>(), 42);
	EXPECT_THROW(catalog.Open(false), IOException);
}

TEST(DuckDBMetadataConnection, AReadOnlyConnectionBesideAWriterCannotWrite) {
	ScratchCatalog catalog(MetadataBackendType::DUCKDB);
	auto writer = catalog.Open();
	writer->Execute("CREATE TABLE t (i BIGINT); INSERT INTO t VALUES (1)");
	auto reader = catalog.Open(true); // shares the writer's instance
	EXPECT_EQ(reader->Query("SELECT COUNT(*) FROM t").GetValue(0, 0).GetValue<int64_t>(), 1);
	try {
		reader->Execute("INSERT INTO t VALUES (2)");
		FAIL() << "a read-only connection wrote";
	} catch (IOException &ex) {
		EXPECT_NE(ErrorMessage(ex).find("read-only"), std::string::npos) << ErrorMessage(ex);
	}
	reader->BeginTransaction();
	reader->Rollback();
}

TEST(DuckDBMetadataConnection, AMetadataSchemaHoldsTheTables) {
	ScratchCatalog catalog(MetadataBackendType::DUCKDB);
	MetadataLocation location = catalog.Location();
	location.metadata_schema = "lake meta";
	auto conn = OpenMetadataConnection(location, false);
	EXPECT_EQ(conn->Table("ducklake_snapshot"), "\"lake meta\".\"ducklake_snapshot\"");
	conn->Execute("CREATE TABLE " + conn->Table("ducklake_snapshot") + " (snapshot_id BIGINT)");
	EXPECT_TRUE(conn->TableExists("ducklake_snapshot"));
	EXPECT_FALSE(catalog.Open()->TableExists("ducklake_snapshot")); // not in main
}

TEST(DuckDBMetadataConnection, ANewFileIsWrittenInDuckDB12Format) {
	ScratchCatalog catalog(MetadataBackendType::DUCKDB);
	catalog.Open()->Execute("CREATE TABLE t (i BIGINT); INSERT INTO t VALUES (1); CHECKPOINT");
	DuckDB plain(nullptr);
	Connection connection(plain);
	auto attached = connection.Query("ATTACH " + MetadataConnection::Literal(catalog.Location().target) + " AS c");
	ASSERT_FALSE(attached->HasError()) << attached->GetError();
	auto &context = *connection.context;
	idx_t version = 0;
	context.RunFunctionInTransaction([&]() {
		auto database = DatabaseManager::Get(context).GetDatabase(context, "c");
		version = database->GetStorageManager().GetStorageVersion();
	});
	EXPECT_EQ(version, SerializationCompatibility::FromString("v1.2.0").serialization_version);
	EXPECT_EQ(connection.Query("SELECT i FROM c.t")->GetValue(0, 0).GetValue<int64_t>(), 1);
}

TEST(DuckDBMetadataConnection, TheCatalogsSQLHasTheFunctionsItUses) {
	// The catalog's instance loads none of the extensions linked into DuckDB, only what it uses
	// from them: sum (lake.table_info()). Core functions remain.
	ScratchCatalog catalog(MetadataBackendType::DUCKDB);
	auto conn = catalog.Open();
	conn->Execute("CREATE TABLE t (i BIGINT); INSERT INTO t VALUES (1), (2)");
	auto row = conn->Query("SELECT coalesce(sum(i), 0), count(*), max(i), regexp_full_match('1', '[0-9]') FROM t");
	EXPECT_EQ(row.GetValue(0, 0).GetValue<int64_t>(), 3);
	EXPECT_EQ(row.GetValue(0, 1).GetValue<int64_t>(), 2);
	EXPECT_EQ(row.GetValue(0, 2).GetValue<int64_t>(), 2);
	EXPECT_TRUE(row.GetValue(0, 3).GetValue<bool>());
}

// Runs in a child process (see below): opening the catalog held by the parent must fail clearly.
TEST(DuckDBMetadataConnection, ChildProcessOpensALockedCatalog) {
	auto path = std::getenv(CHILD_FILE_VARIABLE);
	if (!path) {
		GTEST_SKIP() << "runs only as the child of AnotherProcessGetsAClearError";
	}
	MetadataLocation location;
	location.type = MetadataBackendType::DUCKDB;
	location.target = path;
	try {
		OpenMetadataConnection(location, false);
		FAIL() << "the catalog opened in two processes";
	} catch (IOException &ex) {
		auto message = ErrorMessage(ex);
		EXPECT_NE(message.find("in use by another process"), std::string::npos) << message;
		EXPECT_NE(message.find(path), std::string::npos) << message;
	}
}

TEST(DuckDBMetadataConnection, AnotherProcessGetsAClearError) {
	ScratchCatalog catalog(MetadataBackendType::DUCKDB);
	auto conn = catalog.Open();
	conn->Execute("CREATE TABLE t (i BIGINT)");

	std::string variable = std::string(CHILD_FILE_VARIABLE) + "=" + catalog.Location().target;
	std::vector<char *> environment;
	for (char **entry = environ; *entry; entry++) {
		environment.push_back(*entry);
	}
	environment.push_back(variable.data());
	environment.push_back(nullptr);
	std::string filter = "--gtest_filter=DuckDBMetadataConnection.ChildProcessOpensALockedCatalog";
	std::string self = "/proc/self/exe";
	char *arguments[] = {self.data(), filter.data(), nullptr};
	pid_t child;
	ASSERT_EQ(posix_spawn(&child, "/proc/self/exe", nullptr, nullptr, arguments, environment.data()), 0);
	int status = 0;
	ASSERT_EQ(waitpid(child, &status, 0), child);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0) << "the child process's checks failed; run it by hand with " << variable;
}

} // namespace
} // namespace duckdb
