//===----------------------------------------------------------------------===//
// mallard/catalog/sqlite_metadata_connection.hpp
//
// A SQLite database file as the catalog, through libsqlite3.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include <chrono>

struct sqlite3;
struct sqlite3_stmt;

namespace duckdb {

//! Several processes may write one SQLite catalog: the database runs in WAL mode, a write
//! transaction takes the write lock up front (BEGIN IMMEDIATE), and a locked database is waited on
//! with jittered backoff (WaitWhileBusy), so users never see "database is locked".
//!
//! Results: INTEGER -> BIGINT (BOOLEAN when the column is declared BOOLEAN), TEXT -> VARCHAR,
//! REAL -> VARCHAR (shortest round-trip text), BLOB -> BLOB, NULL -> NULL.
class SQLiteMetadataConnection : public MetadataConnection {
public:
	//! How long a locked database is waited on before giving up.
	static constexpr std::chrono::milliseconds DEFAULT_LOCK_WAIT_LIMIT {60000};

	SQLiteMetadataConnection(const MetadataLocation &location, bool read_only);
	~SQLiteMetadataConnection() override;

	MetadataBackendType GetType() const override {
		return MetadataBackendType::SQLITE;
	}
	void Execute(const string &sql) override;
	//! Inside a transaction, statements with parameters run from prepared statements kept by their
	//! SQL text, with the values bound.
	void ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) override;
	MetadataResult Query(const string &sql) override;
	unique_ptr<ColumnDataCollection> QueryColumns(const string &sql) override;

	//! Counts this connection's own commits plus the times PRAGMA data_version showed that another
	//! connection (of any process) committed since the last call: it moves whenever the file changed,
	//! so what was read under one value is current while the value stays.
	optional_idx CommitVersion() override;

	void BeginTransaction() override;
	void Commit() override;
	void Rollback() override;
	bool InTransaction() const override;

	bool TableExists(const string &name) override;
	vector<string> ListTables() override;
	string ColumnType(const string &kind) const override;
	bool HoldsColumns(const vector<string> &names) const override;
	idx_t MaxParameters() const override;

	void SetLockWaitLimit(std::chrono::milliseconds limit) {
		lock_wait_limit = limit;
	}

private:
	//! Runs every statement of `sql`; the rows of the last statement that has columns go to
	//! `result` when given (or, as columns, to `columns`). `is_commit`: the statement may be
	//! repeated while the database is busy even inside a transaction.
	void Run(const string &sql, MetadataResult *result, bool is_commit,
	         unique_ptr<ColumnDataCollection> *columns = nullptr);
	//! Runs one prepared statement to completion, repeating it while the database is busy when
	//! `retry_busy`.
	void Step(sqlite3_stmt *statement, MetadataResult *result, bool retry_busy,
	          unique_ptr<ColumnDataCollection> *columns = nullptr);
	//! Run for one fixed statement of every transaction (BEGIN, COMMIT, PRAGMA data_version), from
	//! its kept prepared statement.
	void RunKept(const string &sql, MetadataResult *result, bool is_commit);
	//! Runs a statement with parameters from its kept prepared statement; false (nothing run) when
	//! a value cannot be bound as its literal would store it.
	bool RunPrepared(const MetadataStatement &statement);
	//! The kept prepared statement of `sql` (prepared now if new).
	sqlite3_stmt *Prepared(const string &sql);
	void FinalizePrepared();
	//! Step for QueryColumns: the rows as columns.
	void StepColumns(sqlite3_stmt *statement, unique_ptr<ColumnDataCollection> &columns, bool retry_busy);
	//! Throws the exception matching a failed SQLite call (rc), rolling back the transaction first
	//! when the error is a conflict.
	[[noreturn]] void ThrowError(int rc);
	//! The one wait policy for a busy database, used by SQLite's busy handler and by Run: sleeps a
	//! jittered, growing pause and returns true, or returns false once the wait limit is spent.
	bool WaitWhileBusy(std::chrono::steady_clock::time_point start, idx_t attempt) const;
	static int OnBusy(void *connection, int attempt);

	sqlite3 *db = nullptr;
	std::chrono::milliseconds lock_wait_limit = DEFAULT_LOCK_WAIT_LIMIT;
	//! When the running statement started: the wait limit counts from here.
	std::chrono::steady_clock::time_point operation_start;
	//! CommitVersion's parts: writes through this connection (which data_version does not show), and
	//! the changes of data_version seen, with its last value (-1: not read yet).
	idx_t own_writes = 0;
	idx_t other_writes = 0;
	int64_t last_data_version = -1;
	//! RunPrepared's statements by SQL text (a commit's statements vary with its shape: row and
	//! column counts), finalized all at once when there are too many.
	unordered_map<string, sqlite3_stmt *> prepared;
};

} // namespace duckdb
