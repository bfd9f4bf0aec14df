#include "catalog_test_util.hpp"

#include "duckdb/common/error_data.hpp"

#include <atomic>
#include <cstdlib>
#include <ftw.h>
#include <unistd.h>

namespace duckdb {

std::string ErrorMessage(const std::exception &ex) {
	return ErrorData(ex).RawMessage();
}

std::string PostgresTestConninfo() {
	auto conninfo = std::getenv("MALLARD_TEST_PG");
	return conninfo ? conninfo : "";
}

std::vector<MetadataBackendType> TestBackends() {
	return {MetadataBackendType::DUCKDB, MetadataBackendType::SQLITE, MetadataBackendType::POSTGRES};
}

static std::string BackendName(MetadataBackendType type) {
	switch (type) {
	case MetadataBackendType::DUCKDB:
		return "DuckDB";
	case MetadataBackendType::SQLITE:
		return "SQLite";
	case MetadataBackendType::POSTGRES:
		return "PostgreSQL";
	}
	return "Unknown";
}

std::string BackendName(const testing::TestParamInfo<MetadataBackendType> &info) {
	return BackendName(info.param);
}

void PrintTo(MetadataBackendType type, std::ostream *out) {
	*out << BackendName(type);
}

ScratchDirectory::ScratchDirectory() {
	auto base = std::getenv("TMPDIR");
	std::string pattern = std::string(base && base[0] ? base : "/tmp") + "/mallard-catalog-test-XXXXXX";
	std::vector<char> buffer(pattern.begin(), pattern.end());
	buffer.push_back('\0');
	if (!mkdtemp(buffer.data())) {
		throw std::runtime_error("mkdtemp failed for " + pattern);
	}
	path = buffer.data();
}

ScratchDirectory::~ScratchDirectory() {
	nftw(
	    path.c_str(), [](const char *file, const struct stat *, int, struct FTW *) { return remove(file); }, 16,
	    FTW_DEPTH | FTW_PHYS);
}

ScratchCatalog::ScratchCatalog(MetadataBackendType type) {
	location.type = type;
	switch (type) {
	case MetadataBackendType::DUCKDB:
		location.target = directory.Path() + "/metadata.ducklake";
		break;
	case MetadataBackendType::SQLITE:
		location.target = directory.Path() + "/metadata.sqlite";
		break;
	case MetadataBackendType::POSTGRES: {
		// A database of its own per test, so tests may run in parallel (ctest -j).
		static std::atomic<int> counter {0};
		postgres_database = "mallard_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
		MetadataLocation admin;
		admin.type = MetadataBackendType::POSTGRES;
		admin.target = PostgresTestConninfo() + " dbname=postgres";
		auto conn = OpenMetadataConnection(admin, false);
		conn->Execute("DROP DATABASE IF EXISTS " + postgres_database);
		conn->Execute("CREATE DATABASE " + postgres_database);
		location.target = PostgresTestConninfo() + " dbname=" + postgres_database;
		break;
	}
	}
}

ScratchCatalog::~ScratchCatalog() {
	if (postgres_database.empty()) {
		return;
	}
	try {
		MetadataLocation admin;
		admin.type = MetadataBackendType::POSTGRES;
		admin.target = PostgresTestConninfo() + " dbname=postgres";
		auto conn = OpenMetadataConnection(admin, false);
		conn->Execute("DROP DATABASE IF EXISTS " + postgres_database + " WITH (FORCE)");
	} catch (...) {
		// best effort
	}
}

} // namespace duckdb
