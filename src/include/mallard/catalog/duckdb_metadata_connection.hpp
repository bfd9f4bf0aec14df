//===----------------------------------------------------------------------===//
// mallard/catalog/duckdb_metadata_connection.hpp
//
// A DuckDB database file as the catalog, opened as its own DuckDB instance (never attached into
// the user's database).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/main/prepared_statement.hpp"

namespace duckdb {

class DuckDB;
class Connection;
class ErrorData;
class MaterializedQueryResult;
struct CatalogFileVersion;

//! All connections of this process to one catalog file share one DuckDB instance, each with its
//! own duckdb::Connection: DuckDB's file lock is per process, so two instances on one file would
//! not exclude each other. Another process opening the file gets a clear "in use" error.
//!
//! Results: integers that fit a BIGINT -> BIGINT, BOOLEAN -> BOOLEAN, BLOB -> BLOB, NULL -> NULL,
//! everything else -> VARCHAR (DuckDB's text form, e.g. timestamps with "+00").
class DuckDBMetadataConnection : public MetadataConnection {
public:
	DuckDBMetadataConnection(const MetadataLocation &location, bool read_only);
	~DuckDBMetadataConnection() override;

	MetadataBackendType GetType() const override {
		return MetadataBackendType::DUCKDB;
	}
	void Execute(const string &sql) override;
	//! Inside a transaction, statements with parameters run from prepared statements kept by their
	//! SQL text (DuckDB binding and optimizing a commit's statements cost more than running them).
	void ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) override;
	MetadataResult Query(const string &sql) override;
	unique_ptr<ColumnDataCollection> QueryColumns(const string &sql) override;
	//! From the table's storage, in this connection's transaction (or a new one): no SQL.
	vector<unique_ptr<ColumnDataCollection>> Scan(const vector<CatalogScan> &scans) override;
	using MetadataConnection::Scan;
	//! DuckDB's limits on a table's columns and their names are far beyond any lake table's.
	bool HoldsColumns(const vector<string> &names) const override {
		return true;
	}
	bool ScansStorage() const override {
		return true;
	}
	//! The type QueryColumns gives a result column of `type`: MetadataResult's types.
	static LogicalType ResultType(const LogicalType &type);

	void BeginTransaction() override;
	void Commit() override;
	void Rollback() override;
	bool InTransaction() const override;
	optional_idx CommitVersion() override;

	bool TableExists(const string &name) override;
	vector<string> ListTables() override;
	string ColumnType(const string &kind) const override;

private:
	//! Runs every statement of `sql` and returns the result of the last one.
	unique_ptr<MaterializedQueryResult> Run(const string &sql);
	//! A prepared statement and the types DuckDB bound its parameters to, by position: values of
	//! other types would make DuckDB bind the whole statement again on every run.
	struct KeptStatement {
		unique_ptr<PreparedStatement> statement;
		vector<LogicalType> types;
	};
	//! The kept prepared statement of `sql`, prepared now if new; null when DuckDB cannot prepare
	//! it (the statement then runs with literals).
	optional_ptr<KeptStatement> Prepared(const string &sql);
	//! Runs a statement from its kept prepared statement (BEGIN and COMMIT too).
	void RunKept(const MetadataStatement &statement);
	//! Whether a kept statement still runs as prepared (else it is prepared again). Inside a
	//! transaction, or for a statement that reads no database (BEGIN).
	bool IsCurrent(PreparedStatement &statement);
	[[noreturn]] void ThrowError(const ErrorData &error);
	string SchemaExpression() const;

	//! Owned by the process-wide table of open catalog files, under `file_key`.
	DuckDB *database = nullptr;
	string file_key;
	unique_ptr<Connection> connection;
	//! Prepared's statements by SQL text (null: not preparable), dropped all at once when there are
	//! too many. They go before `connection`, which they point into.
	unordered_map<string, unique_ptr<KeptStatement>> prepared;
	//! Shared by all connections of this process to the file.
	shared_ptr<CatalogFileVersion> file_version;
};

} // namespace duckdb
