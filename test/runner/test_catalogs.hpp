//===----------------------------------------------------------------------===//
// test/runner/test_catalogs.hpp
//
// The lake catalogs a test file uses, per catalog backend: what ${DUCKLAKE_CONNECTION[:name]} and
// ${DATA_PATH[:name]} expand to. The same .test file runs once per backend; on PostgreSQL every
// catalog is a fresh database, created on first use and dropped when the file ends.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/string.hpp"
#include "duckdb/common/vector.hpp"

#include <map>
#include <mutex>

namespace duckdb {

enum class CatalogBackend : uint8_t { DUCKDB, SQLITE, POSTGRES };

//! "duckdb", "sqlite", "postgres"; the names used by --backend and skipif/onlyif.
const char *CatalogBackendName(CatalogBackend backend);
bool TryParseCatalogBackend(const string &name, CatalogBackend &result);

//! Base conninfo of the PostgreSQL test server: env MALLARD_TEST_PG, by default
//! `host=127.0.0.1 port=54329 user=postgres` (the server test/scripts/postgres.sh starts).
string PostgresTestConninfo();
//! True when MALLARD_TEST_PG=skip: postgres runs are skipped instead of failing.
bool PostgresTestsDisabled();

class TestCatalogs {
public:
	TestCatalogs(CatalogBackend backend, string test_dir);
	//! Drops the PostgreSQL databases still present (errors are ignored here; call DropAll to see them).
	~TestCatalogs();

	//! The text after `ducklake:` for catalog `name` ("" is the default catalog). Throws
	//! std::runtime_error when the PostgreSQL server cannot be reached.
	string Connection(const string &name);
	//! The DATA_PATH for catalog `name`, ending in '/'.
	string DataPath(const string &name) const;

	//! Drops the PostgreSQL databases created so far (FORCE, so leftover sessions do not block it).
	//! Returns a description of the first failure, or "" on success.
	string DropAll();

private:
	CatalogBackend backend;
	string test_dir;
	std::mutex lock;
	//! Catalog name -> PostgreSQL database name.
	std::map<string, string> postgres_databases;
};

} // namespace duckdb
