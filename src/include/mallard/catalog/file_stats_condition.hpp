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
// The SQL catalogs evaluate the condition in their own dialect (ToSQL). A DuckDB-file catalog, read
// from its storage, evaluates it on the scanned statistics rows in memory (Excludes) with the same
// guards: the statement compared and anti-joined every file of the table (40 ms for 100,000 files,
// measured), the scans and the loop take a few.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

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
	//! A condition on ducklake_data_file rows (alias f) in `conn`'s dialect, true for the files kept.
	string ToSQL(const MetadataConnection &conn, idx_t table_id) const;
	//! Identifies the condition (a cache key).
	string ToString() const;

	//! SQL (in the catalog's dialect) for the text `expression` as a BIGINT, NULL unless it is
	//! the canonical text of one.
	static string IntegerOrNull(MetadataBackendType backend, const string &expression);
	//! SQL for the text `expression` when it is the canonical text of an AD date (or, `with_time`,
	//! timestamp) with a 4-digit year, NULL otherwise; compared bytewise.
	static string TimeTextOrNull(MetadataBackendType backend, const string &expression, bool with_time);
	//! The key of a bound's text, decided in memory; false when the text takes no part: not a plain
	//! integer ([-]digits, in range) for INTEGER, not what TimeTextOrNull keeps for the others (nor a
	//! fraction of more than 18 digits, which no writer makes).
	static bool ParseBound(StatsBoundKind kind, const string_t &text, StatsBoundKey &key);
};

} // namespace duckdb
