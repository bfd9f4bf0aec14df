//===----------------------------------------------------------------------===//
// mallard/catalog/metadata_store.hpp
//
// The connection to a lake's catalog database: a DuckDB file, SQLite or PostgreSQL. This is the
// one SQL-dialect layer of Mallard: everything above it writes portable SQL built with the
// helpers here, and each backend talks to its database directly (DuckDB itself, libsqlite3,
// libpq).
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/exception.hpp"
#include "duckdb/common/exception/transaction_exception.hpp"
#include "duckdb/common/optional_idx.hpp"
#include "duckdb/common/types/value.hpp"

#include <functional>

namespace duckdb {

class ColumnDataCollection;
struct CatalogScan;

enum class MetadataBackendType : uint8_t { DUCKDB, SQLITE, POSTGRES };

//! Where a lake's catalog lives: the text after `ducklake:` in ATTACH.
//!   `metadata.ducklake`          a DuckDB database file (the default, as in DuckLake)
//!   `sqlite:metadata.sqlite`     a SQLite database file
//!   `postgres:dbname=x host=y`   a PostgreSQL database, libpq conninfo
struct MetadataLocation {
	MetadataBackendType type = MetadataBackendType::DUCKDB;
	//! A file path, or a libpq conninfo string.
	string target;
	//! Schema holding the catalog tables (ATTACH's METADATA_SCHEMA) on PostgreSQL or DuckDB, created
	//! when missing unless read-only; empty = the default schema. SQLite has no schemas.
	string metadata_schema;

	static MetadataLocation Parse(const string &catalog_path);
	//! How to name the catalog in messages: never contains a password.
	string DisplayName() const;
	//! The kind of catalog database, as DuckLake's ducklake_settings() names it: "duckdb", "sqlite"
	//! or "postgres".
	string TypeName() const;
};

//! A fully materialized result. Integer columns arrive as BIGINT, booleans as BOOLEAN, NULL as a
//! NULL Value, binary data as BLOB, everything else (text, timestamps, uuids, decimals, floats,
//! and unsigned or 128-bit integers that may not fit a BIGINT) as VARCHAR.
struct MetadataResult {
	vector<string> names;
	vector<vector<Value>> rows;

	idx_t RowCount() const {
		return rows.size();
	}
	const Value &GetValue(idx_t row, idx_t column) const {
		return rows[row][column];
	}
};

//! A write collided with another writer's (unique or primary key violation, serialization
//! failure, lock timeout). The transaction was rolled back; the caller may retry.
class MetadataConflictException : public TransactionException {
public:
	explicit MetadataConflictException(const string &msg) : TransactionException(msg) {
	}
};

//! One catalog statement: SQL with a `?` for each parameter, in order. A backend that binds
//! parameters keeps the statement prepared from one commit to the next (SQLite: parsing a commit's
//! statements cost about as much as running them); the others run it with each value written as
//! its Literal, which is also what a bound value must store.
struct MetadataStatement {
	MetadataStatement(string sql_p, vector<Value> parameters_p = {}) // NOLINT: a plain string is a statement
	    : sql(std::move(sql_p)), parameters(std::move(parameters_p)) {
	}

	string sql;
	vector<Value> parameters;
};

//! One connection to the catalog database. Use a connection from one thread at a time; open one
//! per thread (or per transaction) for concurrency.
class MetadataConnection {
public:
	virtual ~MetadataConnection() = default;

	virtual MetadataBackendType GetType() const = 0;
	const MetadataLocation &GetLocation() const {
		return location;
	}

	//! Runs statements that return no rows; several may be separated by ';'.
	//! Throws MetadataConflictException on constraint violations / serialization failures and
	//! IOException (naming the catalog) on anything else.
	virtual void Execute(const string &sql) = 0;
	//! Runs one query and returns its rows.
	virtual MetadataResult Query(const string &sql) = 0;
	//! Runs one query and returns its rows as columns, for results too large to hold as one Value
	//! per field (the inlined rows a scan reads): values go from the backend's own representation
	//! straight into vectors. Each column has one of MetadataResult's types (BIGINT, BOOLEAN, BLOB
	//! or VARCHAR), chosen per column from its declared (SQLite) or result (PostgreSQL, DuckDB)
	//! type; a field stored otherwise than its column (SQLite is dynamically typed) is cast to it.
	virtual unique_ptr<ColumnDataCollection> QueryColumns(const string &sql) = 0;
	//! Reads catalog tables, one result per scan, typed as QueryColumns types them; rows in no
	//! particular order. Runs each scan's ToSQL() unless the backend reads its tables without SQL
	//! (ScansStorage), which reads them all in one transaction: several scans standing for one
	//! statement see one state of the catalog, as the statement did.
	virtual vector<unique_ptr<ColumnDataCollection>> Scan(const vector<CatalogScan> &scans);
	unique_ptr<ColumnDataCollection> Scan(const CatalogScan &scan);
	//! Whether Scan reads the table's storage directly (a DuckDB file), so that reading several
	//! tables apart and combining them here costs less than one statement joining them; the SQL
	//! backends answer such a statement faster (one round trip, one parse).
	virtual bool ScansStorage() const {
		return false;
	}

	//! A number that grows with every committed write to the catalog database, when all writes pass
	//! through this process (a DuckDB file is open in one process at a time): what was read while
	//! it had one value is still current as long as it keeps it. Invalid (the default) when other
	//! processes may write.
	virtual optional_idx CommitVersion() {
		return optional_idx();
	}

	//! Starts a read-write transaction. SQLite takes its write lock up front (BEGIN IMMEDIATE), so
	//! two writers never deadlock upgrading a read lock; a busy database is waited on, never
	//! reported as "database is locked".
	virtual void BeginTransaction() = 0;
	virtual void Commit() = 0;
	//! Execute(sql) then Commit(), in one round trip where the backend can (PostgreSQL). An error
	//! leaves the transaction open (to roll back), like Execute.
	virtual void ExecuteAndCommit(const string &sql) {
		Execute(sql);
		Commit();
	}
	//! Runs the statements in order, then, when `commit`, commits as ExecuteAndCommit does (an empty
	//! list just commits).
	virtual void ExecuteBatch(const vector<MetadataStatement> &statements, bool commit);
	virtual void Rollback() = 0;
	virtual bool InTransaction() const = 0;

	//! The dialect layer.
	//! A catalog table's name as it must appear in SQL, quoted, and schema-qualified when a
	//! METADATA_SCHEMA is set, e.g. Table("ducklake_snapshot") = "ducklake_snapshot".
	virtual string Table(const string &name) const;
	//! A string literal: 'it''s'. NULL Values become NULL.
	static string Literal(const string &text);
	//! (Without this overload, a string constant would be ambiguous between string and Value.)
	static string Literal(const char *text) {
		return Literal(string(text));
	}
	static string Literal(const Value &value);
	//! The statement's SQL with each `?` (outside quotes) written as its parameter's Literal.
	static string Render(const MetadataStatement &statement);
	//! `sql` with its i-th `?` outside quotes replaced by replace(i); InternalException unless it has
	//! exactly `count` of them.
	static string ReplacePlaceholders(const string &sql, idx_t count, const std::function<string(idx_t)> &replace);
	//! An identifier: "name".
	static string Identifier(const string &name);
	//! Whether `name` exists as a table in the catalog's schema.
	virtual bool TableExists(const string &name) = 0;
	//! The SQL type to declare for a logical column kind of the catalog tables.
	//! kind is one of: BIGINT, VARCHAR, BOOLEAN, TIMESTAMPTZ, UUID, UBIGINT
	virtual string ColumnType(const string &kind) const = 0;

	//! The names of all tables in the catalog's schema, in no particular order.
	virtual vector<string> ListTables() = 0;
	//! Whether a catalog table with these columns can be made here: SQLite allows at most
	//! SQLITE_LIMIT_COLUMN columns (2000 unless built otherwise), PostgreSQL 1600 and names of 63
	//! bytes (it cuts longer ones, so two may become one). An inlined-data table holds a lake
	//! table's columns, so a table that does not fit is never inlined.
	virtual bool HoldsColumns(const vector<string> &names) const = 0;
	//! Whether text holding a NUL character can be stored (PostgreSQL keeps none in text): small
	//! inserts of such text are not inlined where it cannot.
	virtual bool StoresNulText() const {
		return true;
	}
	//! The most parameters one statement may bind (SQLite: SQLITE_LIMIT_VARIABLE_NUMBER, 32766 unless
	//! built otherwise); statements with many rows are split below it.
	virtual idx_t MaxParameters() const {
		return NumericLimits<idx_t>::Maximum();
	}
	//! Now, as the text DuckDB writes for a TIMESTAMP WITH TIME ZONE in UTC ("2026-11-26 21:20:00.5+00"):
	//! a snapshot_time. Every backend stores it as written (SQLite has no timestamp type), and the
	//! clock is this process's, whatever the catalog database's.
	static string NowText();
	//! NowText() as an SQL literal.
	static string CurrentTimestamp() {
		return Literal(NowText());
	}
	//! Whether the connection was opened read-only.
	bool IsReadOnly() const {
		return read_only;
	}

protected:
	MetadataLocation location;
	bool read_only = false;
};

//! Opens the catalog database, creating the file (DuckDB, SQLite) when it does not exist and
//! read_only is false. Errors name the catalog (without its password) and say why.
unique_ptr<MetadataConnection> OpenMetadataConnection(const MetadataLocation &location, bool read_only);

} // namespace duckdb
