#include "mallard/mallard.hpp"
#include "duckdb/main/config.hpp"
#include "test_catalogs.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <libpq-fe.h>

using namespace duckdb;

TEST(MallardDatabase, OpensInMemoryAndAnswersQueries) {
	auto db = OpenMallardDatabase(":memory:");
	Connection con(*db);
	auto result = con.Query("SELECT 42 AS answer");
	ASSERT_FALSE(result->HasError()) << result->GetError();
	EXPECT_EQ(result->GetValue(0, 0).GetValue<int32_t>(), 42);
}

TEST(MallardDatabase, BuiltInExtensionsLoad) {
	auto db = OpenMallardDatabase("");
	Connection con(*db);
	auto result = con.Query("SELECT extension_name FROM duckdb_extensions() "
	                        "WHERE loaded AND extension_name IN ('parquet', 'json', 'icu', 'core_functions', "
	                        "'ducklake') ORDER BY 1");
	ASSERT_FALSE(result->HasError()) << result->GetError();
	vector<string> loaded;
	for (idx_t row = 0; row < result->RowCount(); row++) {
		loaded.push_back(result->GetValue(0, row).ToString());
	}
	EXPECT_EQ(loaded, vector<string>({"core_functions", "ducklake", "icu", "json", "parquet"}));
}

//! name -> value of every setting, as duckdb_settings() shows them.
static map<string, string> Settings(DuckDB &db) {
	Connection con(db);
	auto result = con.Query("SELECT name, value FROM duckdb_settings()");
	EXPECT_FALSE(result->HasError()) << result->GetError();
	map<string, string> settings;
	for (idx_t row = 0; row < result->RowCount(); row++) {
		settings[result->GetValue(0, row).ToString()] = result->GetValue(1, row).ToString();
	}
	return settings;
}

TEST(MallardDatabase, PinnedSettingsReadAsDefaults) {
	auto db = OpenMallardDatabase(":memory:");
	// Pinned: found by name in the settings map, not parsed from the default text per statement.
	auto &pinned = DBConfig::GetConfig(*db->instance).options.set_variables;
	ASSERT_EQ(pinned.count("preserve_insertion_order"), 1u);
	EXPECT_EQ(pinned.at("preserve_insertion_order"), Value::BOOLEAN(true));
	// Every setting reads as in DuckDB as it comes, but the one Mallard changes on purpose, in memory
	// and for a database file (some defaults, such as the temporary directory, follow the path).
	char folder[] = "/tmp/mallard_settings_XXXXXX";
	ASSERT_NE(mkdtemp(folder), nullptr);
	for (string path : {string(), string(folder) + "/settings.duckdb"}) {
		map<string, string> expected, actual;
		{
			DuckDB plain(path.empty() ? nullptr : path.c_str());
			expected = Settings(plain);
		}
		actual = Settings(*OpenMallardDatabase(path));
		expected.erase("autoinstall_known_extensions");
		actual.erase("autoinstall_known_extensions");
		// Mallard adds DuckLake's settings (lake_settings.hpp), unset until a connection sets them.
		for (auto name : {"ducklake_max_retry_count", "ducklake_retry_wait_ms", "ducklake_retry_backoff",
		                  "ducklake_default_data_inlining_row_limit"}) {
			ASSERT_EQ(actual.count(name), 1u) << name;
			EXPECT_EQ(actual.at(name), "NULL") << name;
			actual.erase(name);
		}
		EXPECT_EQ(actual, expected) << (path.empty() ? "in memory" : path);
	}
	std::filesystem::remove_all(folder);
	// SET and RESET behave as usual.
	Connection con(*db);
	auto set = con.Query("SET GLOBAL preserve_insertion_order = false");
	ASSERT_FALSE(set->HasError()) << set->GetError();
	EXPECT_EQ(con.Query("SELECT current_setting('preserve_insertion_order')")->GetValue(0, 0), Value::BOOLEAN(false));
	auto reset = con.Query("RESET GLOBAL preserve_insertion_order");
	ASSERT_FALSE(reset->HasError()) << reset->GetError();
	EXPECT_EQ(con.Query("SELECT current_setting('preserve_insertion_order')")->GetValue(0, 0), Value::BOOLEAN(true));
}

TEST(TestCatalogs, ExpandPerBackend) {
	TestCatalogs duckdb_catalogs(CatalogBackend::DUCKDB, "/tmp/t");
	EXPECT_EQ(duckdb_catalogs.Connection(""), "/tmp/t/lake.ducklake");
	EXPECT_EQ(duckdb_catalogs.Connection("other"), "/tmp/t/lake_other.ducklake");
	EXPECT_EQ(duckdb_catalogs.DataPath(""), "/tmp/t/data/");
	EXPECT_EQ(duckdb_catalogs.DataPath("other"), "/tmp/t/data_other/");
	TestCatalogs sqlite_catalogs(CatalogBackend::SQLITE, "/tmp/t");
	EXPECT_EQ(sqlite_catalogs.Connection(""), "sqlite:/tmp/t/lake.sqlite");
	EXPECT_THROW(sqlite_catalogs.Connection("bad name"), std::runtime_error);
}

//! Whether a database of that name exists on the test server.
static bool PostgresDatabaseExists(const string &name) {
	auto conn = PQconnectdb((PostgresTestConninfo() + " dbname=postgres").c_str());
	EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
	const char *params[] = {name.c_str()};
	auto result = PQexecParams(conn, "SELECT 1 FROM pg_database WHERE datname = $1", 1, nullptr, params, nullptr,
	                           nullptr, 0);
	bool exists = PQntuples(result) == 1;
	PQclear(result);
	PQfinish(conn);
	return exists;
}

// Runs behind the pg_server CTest fixture (test/scripts/postgres.sh).
TEST(PostgresTestCatalogs, FreshDatabasePerCatalogDroppedAtTheEnd) {
	if (PostgresTestsDisabled()) {
		GTEST_SKIP() << "MALLARD_TEST_PG=skip";
	}
	string first, second;
	{
		TestCatalogs catalogs(CatalogBackend::POSTGRES, "/tmp/t");
		auto connection = catalogs.Connection("");
		ASSERT_EQ(connection.rfind("postgres:", 0), 0u) << connection;
		EXPECT_EQ(catalogs.Connection(""), connection) << "the same name must give the same database";
		first = connection.substr(connection.find("dbname=") + 7);
		auto other = catalogs.Connection("other");
		second = other.substr(other.find("dbname=") + 7);
		EXPECT_NE(first, second);
		EXPECT_TRUE(PostgresDatabaseExists(first));
		EXPECT_TRUE(PostgresDatabaseExists(second));

		// The conninfo after `postgres:` connects to the fresh database.
		auto conn = PQconnectdb(connection.substr(9).c_str());
		EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
		PQfinish(conn);
		EXPECT_EQ(catalogs.DropAll(), "");
	}
	EXPECT_FALSE(PostgresDatabaseExists(first));
	EXPECT_FALSE(PostgresDatabaseExists(second));
}
