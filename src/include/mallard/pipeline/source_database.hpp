//===----------------------------------------------------------------------===//
// mallard/pipeline/source_database.hpp
//
// The operational PostgreSQL database the events come from (table ducklake_src.events). Statements
// go through the catalog's PostgreSQL connection class; COPY, which that class does not wrap,
// streams through its libpq handle here.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/postgres_metadata_connection.hpp"

#include <functional>

namespace duckdb {

//! One field of a COPY text-format row.
struct CopyField {
	const char *data;
	idx_t size;
	bool is_null;
};

class SourceDatabase {
public:
	explicit SourceDatabase(const string &conninfo);

	//! Creates schema ducklake_src, table events and its indexes when missing.
	void CreateEventsTable();

	void Execute(const string &sql);
	MetadataResult Query(const string &sql);
	void BeginTransaction(const string &characteristics);
	void Commit();
	void Rollback();

	//! COPY ... FROM STDIN with `data` in COPY's text format.
	void CopyIn(const string &copy_statement, const string &data);
	//! COPY ... TO STDOUT in text format: calls `row` with each line (without its newline).
	idx_t CopyOut(const string &copy_statement, const std::function<void(const char *, idx_t)> &row);

	//! The fields of a COPY text-format line, unescaped. A field points into `line` unless it had
	//! escapes, then into `scratch`; both must outlive the use of the fields.
	static void SplitCopyLine(const char *line, idx_t length, vector<CopyField> &fields, vector<string> &scratch);

private:
	unique_ptr<PostgresMetadataConnection> connection;
};

} // namespace duckdb
