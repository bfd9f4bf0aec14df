#include "test_catalogs.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace duckdb {

static constexpr const char *DEFAULT_POSTGRES_CONNINFO = "host=127.0.0.1 port=54329 user=postgres";

const char *CatalogBackendName(CatalogBackend backend) {
	switch (backend) {
	case CatalogBackend::DUCKDB:
		return "duckdb";
	case CatalogBackend::SQLITE:
		return "sqlite";
	case CatalogBackend::POSTGRES:
		return "postgres";
	}
	return "unknown";
}

bool TryParseCatalogBackend(const string &name, CatalogBackend &result) {
	for (auto backend : {CatalogBackend::DUCKDB, CatalogBackend::SQLITE, CatalogBackend::POSTGRES}) {
		if (name == CatalogBackendName(backend)) {
			result = backend;
			return true;
		}
	}
	return false;
}

string PostgresTestConninfo() {
	auto value = std::getenv("MALLARD_TEST_PG");
	if (!value || !*value) {
		return DEFAULT_POSTGRES_CONNINFO;
	}
	return value;
}

bool PostgresTestsDisabled() {
	return PostgresTestConninfo() == "skip";
}

namespace {

string TrimMessage(string message) {
	while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
		message.pop_back();
	}
	return message;
}

//! Runs one statement on the server's maintenance database; returns "" or the error.
string RunOnMaintenanceDatabase(const string &sql) {
	auto conninfo = PostgresTestConninfo();
	if (conninfo.find("dbname") == string::npos) {
		conninfo += " dbname=postgres";
	}
	if (conninfo.find("connect_timeout") == string::npos) {
		conninfo += " connect_timeout=10";
	}
	PGconn *conn = PQconnectdb(conninfo.c_str());
	if (PQstatus(conn) != CONNECTION_OK) {
		string error = "cannot connect to the PostgreSQL test server (MALLARD_TEST_PG='" + PostgresTestConninfo() +
		               "'): " + TrimMessage(PQerrorMessage(conn)) +
		               "\nStart it with `test/scripts/postgres.sh start`, point MALLARD_TEST_PG at another server, "
		               "or set MALLARD_TEST_PG=skip to skip the postgres runs.";
		PQfinish(conn);
		return error;
	}
	PGresult *result = PQexec(conn, sql.c_str());
	string error;
	if (PQresultStatus(result) != PGRES_COMMAND_OK) {
		error = "PostgreSQL test server: `" + sql + "` failed: " + TrimMessage(PQerrorMessage(conn));
	}
	PQclear(result);
	PQfinish(conn);
	return error;
}

string RandomSuffix() {
	static thread_local std::mt19937_64 engine(std::random_device {}());
	static const char *digits = "0123456789abcdef";
	string suffix;
	auto bits = engine();
	for (int i = 0; i < 12; i++) {
		suffix += digits[bits & 0xF];
		bits >>= 4;
	}
	return suffix;
}

//! "" -> "", "other" -> "_other"; names become parts of file and database names.
string CatalogSuffix(const string &name) {
	for (char c : name) {
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
		if (!ok) {
			throw std::runtime_error("catalog name '" + name + "' in ${DUCKLAKE_CONNECTION:" + name +
			                         "} may only contain letters, digits and '_'");
		}
	}
	return name.empty() ? string() : "_" + name;
}

} // namespace

TestCatalogs::TestCatalogs(CatalogBackend backend, string test_dir) : backend(backend), test_dir(std::move(test_dir)) {
}

TestCatalogs::~TestCatalogs() {
	DropAll();
}

string TestCatalogs::Connection(const string &name) {
	auto suffix = CatalogSuffix(name);
	switch (backend) {
	case CatalogBackend::DUCKDB:
		return test_dir + "/lake" + suffix + ".ducklake";
	case CatalogBackend::SQLITE:
		return "sqlite:" + test_dir + "/lake" + suffix + ".sqlite";
	case CatalogBackend::POSTGRES:
		break;
	}
	std::lock_guard<std::mutex> guard(lock);
	auto entry = postgres_databases.find(name);
	if (entry == postgres_databases.end()) {
		auto database = "mallard_t_" + RandomSuffix();
		auto error = RunOnMaintenanceDatabase("CREATE DATABASE " + database);
		if (!error.empty()) {
			throw std::runtime_error(error);
		}
		entry = postgres_databases.emplace(name, database).first;
	}
	return "postgres:" + PostgresTestConninfo() + " dbname=" + entry->second;
}

string TestCatalogs::DataPath(const string &name) const {
	return test_dir + "/data" + CatalogSuffix(name) + "/";
}

string TestCatalogs::DropAll() {
	std::lock_guard<std::mutex> guard(lock);
	string first_error;
	for (auto &entry : postgres_databases) {
		auto error = RunOnMaintenanceDatabase("DROP DATABASE IF EXISTS " + entry.second + " WITH (FORCE)");
		if (first_error.empty()) {
			first_error = error;
		}
	}
	postgres_databases.clear();
	return first_error;
}

} // namespace duckdb
