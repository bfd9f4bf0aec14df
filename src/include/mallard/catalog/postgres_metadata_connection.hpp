//===----------------------------------------------------------------------===//
// mallard/catalog/postgres_metadata_connection.hpp
//
// A PostgreSQL database as the catalog, through libpq.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

struct pg_conn;
struct pg_result;

namespace duckdb {

//! Results are typed by column type: int2/int4/int8/oid -> BIGINT, bool -> BOOLEAN,
//! bytea -> BLOB, everything else VARCHAR (PostgreSQL's text form).
//! Unique violations (23505), serialization failures (40001), deadlocks (40P01) and lock
//! timeouts (55P03) raise MetadataConflictException.
class PostgresMetadataConnection : public MetadataConnection {
public:
	PostgresMetadataConnection(const MetadataLocation &location, bool read_only);
	~PostgresMetadataConnection() override;

	MetadataBackendType GetType() const override {
		return MetadataBackendType::POSTGRES;
	}
	void Execute(const string &sql) override;
	//! A query that fails because the connection dropped (outside a transaction) is sent once more
	//! on a fresh connection, so run only reads through Query.
	MetadataResult Query(const string &sql) override;
	unique_ptr<ColumnDataCollection> QueryColumns(const string &sql) override;

	//! BEGIN goes out with the transaction's first statement: a commit then pays one round trip
	//! fewer (see begin_pending).
	void BeginTransaction() override;
	void Commit() override;
	void ExecuteAndCommit(const string &sql) override;
	//! Inside a transaction, statements with parameters run as EXECUTEs of server-side prepared
	//! statements (PREPAREd in the same batch the first time), still one simple-query batch:
	//! PostgreSQL then skips parsing and planning them (0.4 ms of a 10-row commit's 1 ms on the server).
	void ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) override;
	void Rollback() override;
	bool InTransaction() const override;

	bool TableExists(const string &name) override;
	vector<string> ListTables() override;
	string ColumnType(const string &kind) const override;
	bool HoldsColumns(const vector<string> &names) const override;
	bool StoresNulText() const override {
		return false;
	}

	//! The libpq connection (connecting first if it dropped), for what this class does not wrap:
	//! COPY, which the event pipeline streams through. Statements must still go through Execute/Query.
	pg_conn *Handle();

private:
	void Connect();
	//! While nothing of the transaction went out (begin_pending): replaces a session the server
	//! closed, so the next statements start on a live one and lose nothing.
	void ReplaceClosedSession();
	//! Runs `sql` (one or more statements) and returns the last result. `repeatable`: the
	//! statement changes nothing (a read, or BEGIN), so after a lost connection outside a
	//! transaction it is sent once more on a fresh connection.
	pg_result *Run(const string &sql, bool repeatable);
	//! Schema that holds the catalog tables: METADATA_SCHEMA or the session's current schema.
	string SchemaExpression() const;

	pg_conn *conn = nullptr;
	//! Tracked here, not asked from libpq: a dropped connection must not look like "no transaction".
	bool in_transaction = false;
	//! The connection dropped inside a transaction: every statement fails until Rollback().
	bool transaction_lost = false;
	//! BeginTransaction() was called and BEGIN not sent yet: Run sends it in front of the next
	//! statement. Until then the server has no transaction, so a lost connection loses nothing.
	bool begin_pending = false;
	//! Ends the transaction after a COMMIT (alone or after statements) came back: `result`.
	void FinishCommit(pg_result *result);
	//! ExecuteBatch's prepared statements of this session, by SQL text. A new session (Connect) has
	//! none. Names are never reused: `prepared_prefix` is random per session and `prepared_count`
	//! only grows, so after a failed batch (which may or may not have prepared its statements) the
	//! next one simply prepares under new names, and two clients that a pooler (pgbouncer) puts on
	//! one server session never collide. Names issued since the last DEALLOCATE ALL, forgotten ones
	//! included, are `prepared_live`; past a limit the session drops them all.
	unordered_map<string, string> prepared_names;
	string prepared_prefix;
	idx_t prepared_count = 0;
	idx_t prepared_live = 0;
};

} // namespace duckdb
