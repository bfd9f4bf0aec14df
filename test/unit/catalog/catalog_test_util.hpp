//===----------------------------------------------------------------------===//
// catalog_test_util.hpp
//
// Scratch catalogs for the metadata store tests: a temporary DuckDB or SQLite file, or a fresh
// PostgreSQL database when MALLARD_TEST_PG holds a conninfo (e.g. "host=127.0.0.1 port=54329
// user=postgres"); PostgreSQL cases are skipped without it.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace duckdb {

//! The message of a DuckDB exception (what() is JSON).
std::string ErrorMessage(const std::exception &ex);

//! The PostgreSQL conninfo of MALLARD_TEST_PG, or "".
std::string PostgresTestConninfo();

//! The backends parameterized tests run on. PostgreSQL is always listed (so that the set of tests
//! CTest discovers does not depend on the environment) and skipped without MALLARD_TEST_PG.
std::vector<MetadataBackendType> TestBackends();
std::string BackendName(const testing::TestParamInfo<MetadataBackendType> &info);
void PrintTo(MetadataBackendType type, std::ostream *out);
//! In a test's SetUp: skips the test when it needs a PostgreSQL server and none is configured.
#define SKIP_WITHOUT_BACKEND(type)                                                                                     \
	if ((type) == MetadataBackendType::POSTGRES && PostgresTestConninfo().empty()) {                                   \
		GTEST_SKIP() << "set MALLARD_TEST_PG to a conninfo to run the PostgreSQL tests";                               \
	}

//! A temporary folder, removed with its contents.
class ScratchDirectory {
public:
	ScratchDirectory();
	~ScratchDirectory();
	const std::string &Path() const {
		return path;
	}

private:
	std::string path;
};

//! A new, empty catalog of one backend, removed afterwards.
class ScratchCatalog {
public:
	explicit ScratchCatalog(MetadataBackendType type);
	~ScratchCatalog();

	const MetadataLocation &Location() const {
		return location;
	}
	unique_ptr<MetadataConnection> Open(bool read_only = false) const {
		return OpenMetadataConnection(location, read_only);
	}

private:
	ScratchDirectory directory;
	MetadataLocation location;
	std::string postgres_database;
};

//! A test run on each backend (INSTANTIATE_TEST_SUITE_P over the backend types) with a scratch
//! catalog and a connection to it; skipped where the backend is not available.
class BackendTest : public testing::TestWithParam<MetadataBackendType> {
protected:
	void SetUp() override {
		SKIP_WITHOUT_BACKEND(GetParam());
		scratch = make_uniq<ScratchCatalog>(GetParam());
		conn = scratch->Open();
	}
	unique_ptr<ScratchCatalog> scratch;
	unique_ptr<MetadataConnection> conn;
};

} // namespace duckdb
