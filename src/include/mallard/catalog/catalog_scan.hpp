//===----------------------------------------------------------------------===//
// mallard/catalog/catalog_scan.hpp
//
// One read of one catalog table: some of its columns, of the rows meeting a few simple conditions.
// A DuckDB-file catalog answers it from DuckDB's table storage directly: a statement there costs a
// parse, bind, optimization and pipeline set-up of 0.7-4 ms (measured in a new process), and the
// handful a first query needs were most of its time, while scanning the rows takes microseconds.
// The SQL backends run it as a SELECT, the statement it stands for.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/optional_idx.hpp"
#include "duckdb/common/pair.hpp"

namespace duckdb {

class MetadataConnection;

struct CatalogScan {
	CatalogScan(string table_p, vector<string> columns_p) : table(std::move(table_p)), columns(std::move(columns_p)) {
	}

	//! The catalog table (unqualified: the connection adds the METADATA_SCHEMA).
	string table;
	//! The columns returned, in this order, as MetadataConnection::QueryColumns types them.
	vector<string> columns;
	//! Only rows visible at this snapshot (begin_snapshot <= S AND (end_snapshot IS NULL OR S < end_snapshot)).
	optional_idx visible_at;
	//! Only rows where the integer column equals the value.
	vector<pair<string, int64_t>> equals;
	//! Only rows where the text column equals the text.
	vector<pair<string, string>> text_equals;
	//! With in_column set, only rows where that integer column holds one of in_values.
	string in_column;
	vector<int64_t> in_values;

	CatalogScan &VisibleAt(idx_t snapshot_id) {
		visible_at = snapshot_id;
		return *this;
	}
	CatalogScan &Where(const string &column, int64_t value) {
		equals.emplace_back(column, value);
		return *this;
	}
	CatalogScan &Where(const string &column, const string &text) {
		text_equals.emplace_back(column, text);
		return *this;
	}
	CatalogScan &WhereIn(const string &column, vector<int64_t> values) {
		in_column = column;
		in_values = std::move(values);
		return *this;
	}

	//! The SELECT this scan stands for, in `conn`'s dialect (rows in no particular order).
	string ToSQL(const MetadataConnection &conn) const;
};

} // namespace duckdb
