//===----------------------------------------------------------------------===//
// mallard/catalog/file_stats_condition.hpp
//
// Which of a table's data files a scan's filters may match, decided from the text bounds in
// ducklake_file_column_stats (built by CatalogPruning from the filters). A file is excluded when,
// for some column, a comparison of its min or max with a constant proves no row passes. Only bounds
// whose text orders like their values take part: integer columns parsed as integers, DATE and
// TIMESTAMP columns compared as text in DuckDB's canonical form with a 4-digit AD year (text order
// is time order only there). Any other bound, or none, proves nothing: a file is kept when in doubt.
//
// The condition is decided in memory (Excludes), on bounds parsed once per file (ParseBound) and
// kept per snapshot (file_bounds_cache.hpp), on every catalog backend. One SQL statement comparing
// and anti-joining every file of the table in the catalog's dialect was the way before: on 100,000
// files it took 40 ms on a DuckDB file, 145 ms on SQLite and 370-600 ms on PostgreSQL for each query,
// where reading the bounds takes 30, 110 and 110-160 ms once and a later query a few (measured).
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/enums/expression_type.hpp"
#include "duckdb/common/types/string_type.hpp"

namespace duckdb {

//! How a column's bounds are compared.
enum class StatsBoundKind : uint8_t { INTEGER, DATE_TEXT, TIMESTAMP_TEXT };

//! A bound as the condition compares it: an integer as itself; a date or timestamp in canonical text
//! as the numbers its digits spell (date and time digits, then the fraction padded to 18 digits),
//! which order exactly as the text does bytewise (fixed-width fields, a fraction never ending in 0).
struct StatsBoundKey {
	int64_t high = 0;
	int64_t low = 0;

	//! Negative, zero or positive as this key sorts before, with or after `other`.
	int Compare(const StatsBoundKey &other) const {
		if (high != other.high) {
			return high < other.high ? -1 : 1;
		}
		return low < other.low ? -1 : (low > other.low ? 1 : 0);
	}
};

//! `bound comparison constant`, e.g. max_value < 42.
struct StatsBoundComparison {
	//! Compares max_value (else min_value).
	bool on_max = false;
	//! One of <, <=, >, >=.
	ExpressionType comparison = ExpressionType::INVALID;
	//! The constant in canonical text (an integer's digits, a date's or timestamp's DuckDB text),
	//! and its key.
	string constant;
	StatsBoundKey key;

	//! False when `constant` is not a bound of `kind` (then nothing can be compared with it).
	static bool Make(StatsBoundKind kind, bool on_max, ExpressionType comparison, string constant,
	                 StatsBoundComparison &result);
};

struct FileStatsCondition {
	struct Column {
		idx_t column_id = 0;
		StatsBoundKind kind = StatsBoundKind::INTEGER;
		//! The file is excluded when any of these holds.
		vector<StatsBoundComparison> exclusions;

		//! Whether a file's bounds (null: unknown, see ParseBound) prove it excluded.
		bool Excludes(const StatsBoundKey *min, const StatsBoundKey *max) const;
	};
	vector<Column> columns;

	bool Empty() const {
		return columns.empty();
	}
	//! Identifies the condition (a cache key).
	string ToString() const;

	//! The key of a bound's text; false when the text takes no part: not a plain integer ([-]digits,
	//! in range) for INTEGER, not the canonical text of an AD date (or timestamp) with a 4-digit year
	//! for the others (nor a fraction of more than 18 digits, which no writer makes).
	static bool ParseBound(StatsBoundKind kind, const string_t &text, StatsBoundKey &key);
};

} // namespace duckdb
