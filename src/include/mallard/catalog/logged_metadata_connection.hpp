//===----------------------------------------------------------------------===//
// mallard/catalog/logged_metadata_connection.hpp
//
// The DuckLakeMetadata log type, as DuckLake has it: every statement sent to a lake's catalog
// database, with its time, in DuckDB's log (CALL enable_logging('DuckLakeMetadata')).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/logging/log_type.hpp"

namespace duckdb {

class DatabaseInstance;

//! Structured: catalog (the lake's name), query, elapsed_ms (DuckLake's fields), plus elapsed_us,
//! since most catalog statements take well under a millisecond, and error (NULL when it ran).
class DuckLakeMetadataLogType : public LogType {
public:
	static constexpr const char *NAME = "DuckLakeMetadata";
	static constexpr LogLevel LEVEL = LogLevel::LOG_DEBUG;

	DuckLakeMetadataLogType();

	static LogicalType GetLogType();
	static string ConstructLogMessage(const string &catalog, const string &query, int64_t elapsed_us,
	                                  const string &error);
};

void RegisterMetadataLogType(DatabaseInstance &db);

//! Passes every call to the backend's connection, logging the statements it runs. One wrapper for
//! all three backends, so what is logged does not depend on how each runs its statements; a batch
//! (one round trip on PostgreSQL) is one entry, its statements rendered with their parameters.
class LoggedMetadataConnection : public MetadataConnection {
public:
	LoggedMetadataConnection(unique_ptr<MetadataConnection> inner, DatabaseInstance &db, string catalog_name);

	MetadataBackendType GetType() const override {
		return inner->GetType();
	}
	void Execute(const string &sql) override;
	MetadataResult Query(const string &sql) override;
	unique_ptr<ColumnDataCollection> QueryColumns(const string &sql) override;
	//! Logged as the SELECT it stands for, after "-- scan: " when the backend reads storage instead.
	vector<unique_ptr<ColumnDataCollection>> Scan(const vector<CatalogScan> &scans) override;
	using MetadataConnection::Scan;
	bool ScansStorage() const override {
		return inner->ScansStorage();
	}
	bool HoldsColumns(const vector<string> &names) const override {
		return inner->HoldsColumns(names);
	}
	idx_t MaxParameters() const override {
		return inner->MaxParameters();
	}
	bool StoresNulText() const override {
		return inner->StoresNulText();
	}
	optional_idx CommitVersion() override {
		return inner->CommitVersion();
	}
	void BeginTransaction() override;
	void Commit() override;
	void ExecuteAndCommit(const string &sql) override;
	void ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) override;
	void Rollback() override;
	bool InTransaction() const override {
		return inner->InTransaction();
	}
	string Table(const string &name) const override {
		return inner->Table(name);
	}
	bool TableExists(const string &name) override;
	string ColumnType(const string &kind) const override {
		return inner->ColumnType(kind);
	}
	vector<string> ListTables() override;

private:
	//! Runs `run`, then logs `describe()` (built only when the log type is enabled) with its time
	//! and its error, if any.
	template <class T>
	T Logged(const std::function<string()> &describe, const std::function<T()> &run);
	void Logged(const std::function<string()> &describe, const std::function<void()> &run);

	unique_ptr<MetadataConnection> inner;
	DatabaseInstance &db;
	string catalog_name;
};

} // namespace duckdb
