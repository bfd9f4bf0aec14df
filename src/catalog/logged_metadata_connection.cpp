#include "mallard/catalog/logged_metadata_connection.hpp"

#include "mallard/catalog/catalog_scan.hpp"

#include "duckdb/common/error_data.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/logging/log_manager.hpp"
#include "duckdb/logging/logger.hpp"
#include "duckdb/main/database.hpp"

#include <chrono>

namespace duckdb {

constexpr const char *DuckLakeMetadataLogType::NAME;
constexpr LogLevel DuckLakeMetadataLogType::LEVEL;

DuckLakeMetadataLogType::DuckLakeMetadataLogType() : LogType(NAME, LEVEL, GetLogType()) {
}

LogicalType DuckLakeMetadataLogType::GetLogType() {
	child_list_t<LogicalType> children = {{"catalog", LogicalType::VARCHAR},
	                                      {"query", LogicalType::VARCHAR},
	                                      {"elapsed_ms", LogicalType::BIGINT},
	                                      {"elapsed_us", LogicalType::BIGINT},
	                                      {"error", LogicalType::VARCHAR}};
	return LogicalType::STRUCT(children);
}

string DuckLakeMetadataLogType::ConstructLogMessage(const string &catalog, const string &query, int64_t elapsed_us,
                                                    const string &error) {
	child_list_t<Value> children = {{"catalog", Value(catalog)},
	                                {"query", Value(query)},
	                                {"elapsed_ms", Value::BIGINT(elapsed_us / 1000)},
	                                {"elapsed_us", Value::BIGINT(elapsed_us)},
	                                {"error", error.empty() ? Value() : Value(error)}};
	return Value::STRUCT(std::move(children)).ToString();
}

void RegisterMetadataLogType(DatabaseInstance &db) {
	db.GetLogManager().RegisterLogType(make_uniq<DuckLakeMetadataLogType>());
}

LoggedMetadataConnection::LoggedMetadataConnection(unique_ptr<MetadataConnection> inner_p, DatabaseInstance &db,
                                                   string catalog_name_p)
    : inner(std::move(inner_p)), db(db), catalog_name(std::move(catalog_name_p)) {
	location = inner->GetLocation();
	read_only = inner->IsReadOnly();
}

void LoggedMetadataConnection::Logged(const std::function<string()> &describe, const std::function<void()> &run) {
	Logged<bool>(describe, [&]() {
		run();
		return true;
	});
}

template <class T>
T LoggedMetadataConnection::Logged(const std::function<string()> &describe, const std::function<T()> &run) {
	auto &logger = Logger::Get(db);
	if (!logger.ShouldLog(DuckLakeMetadataLogType::NAME, DuckLakeMetadataLogType::LEVEL)) {
		return run();
	}
	auto start = std::chrono::steady_clock::now();
	auto elapsed = [&]() {
		auto time = std::chrono::steady_clock::now() - start;
		return int64_t(std::chrono::duration_cast<std::chrono::microseconds>(time).count());
	};
	try {
		auto result = run();
		logger.WriteLog(DuckLakeMetadataLogType::NAME, DuckLakeMetadataLogType::LEVEL,
		                DuckLakeMetadataLogType::ConstructLogMessage(catalog_name, describe(), elapsed(), ""));
		return result;
	} catch (std::exception &ex) {
		ErrorData error(ex);
		logger.WriteLog(DuckLakeMetadataLogType::NAME, DuckLakeMetadataLogType::LEVEL,
		                DuckLakeMetadataLogType::ConstructLogMessage(catalog_name, describe(), elapsed(),
		                                                             error.RawMessage()));
		throw;
	}
}

void LoggedMetadataConnection::Execute(const string &sql) {
	Logged([&]() { return sql; }, [&]() { inner->Execute(sql); });
}

MetadataResult LoggedMetadataConnection::Query(const string &sql) {
	return Logged<MetadataResult>([&]() { return sql; }, [&]() { return inner->Query(sql); });
}

unique_ptr<ColumnDataCollection> LoggedMetadataConnection::QueryColumns(const string &sql) {
	return Logged<unique_ptr<ColumnDataCollection>>([&]() { return sql; }, [&]() { return inner->QueryColumns(sql); });
}

vector<unique_ptr<ColumnDataCollection>> LoggedMetadataConnection::Scan(const vector<CatalogScan> &scans) {
	return Logged<vector<unique_ptr<ColumnDataCollection>>>(
	    [&]() {
		    vector<string> statements;
		    for (auto &scan : scans) {
			    statements.push_back(scan.ToSQL(*inner));
		    }
		    return (inner->ScansStorage() ? "-- scan: " : "") + StringUtil::Join(statements, ";\n");
	    },
	    [&]() { return inner->Scan(scans); });
}

void LoggedMetadataConnection::BeginTransaction() {
	// Some backends only note the start here and send BEGIN with the first statement.
	Logged([]() { return string("BEGIN TRANSACTION"); }, [&]() { inner->BeginTransaction(); });
}

void LoggedMetadataConnection::Commit() {
	Logged([]() { return string("COMMIT"); }, [&]() { inner->Commit(); });
}

void LoggedMetadataConnection::ExecuteAndCommit(const string &sql) {
	Logged([&]() { return sql + ";\nCOMMIT"; }, [&]() { inner->ExecuteAndCommit(sql); });
}

void LoggedMetadataConnection::ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) {
	auto describe = [&]() {
		string text;
		for (auto &statement : statements) {
			text += (text.empty() ? "" : ";\n") + (statement.parameters.empty() ? statement.sql : Render(statement));
		}
		return commit ? text + (text.empty() ? "COMMIT" : ";\nCOMMIT") : text;
	};
	Logged(describe, [&]() { inner->ExecuteBatch(statements, commit); });
}

void LoggedMetadataConnection::Rollback() {
	Logged([]() { return string("ROLLBACK"); }, [&]() { inner->Rollback(); });
}

bool LoggedMetadataConnection::TableExists(const string &name) {
	return Logged<bool>([&]() { return "-- table exists: " + name; }, [&]() { return inner->TableExists(name); });
}

vector<string> LoggedMetadataConnection::ListTables() {
	return Logged<vector<string>>([]() { return string("-- list tables"); }, [&]() { return inner->ListTables(); });
}

} // namespace duckdb
