//===----------------------------------------------------------------------===//
// test/runner/sqllogic_runner.hpp
//
// Runs one sqllogictest file against a fresh Mallard database (OpenMallardDatabase), with the lake
// catalogs of one catalog backend. Each file gets its own folder (__TEST_DIR__) holding the
// database file `test.db` and the lake catalogs; it is removed unless the file fails.
//===----------------------------------------------------------------------===//
#pragma once

#include "test_catalogs.hpp"

#include <ostream>

namespace duckdb {

enum class TestOutcome : uint8_t { PASSED, FAILED, SKIPPED };

struct SqlLogicTestOptions {
	CatalogBackend backend = CatalogBackend::DUCKDB;
};

//! Runs the file at `path`. The first failure ends the file; it is written to `out` with the
//! file:line, the SQL, and expected against actual rows or the error. Skips write their reason.
TestOutcome RunSqlLogicTestFile(const string &path, const SqlLogicTestOptions &options, std::ostream &out);

} // namespace duckdb
