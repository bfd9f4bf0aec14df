//===----------------------------------------------------------------------===//
// test/runner/result_comparison.hpp
//
// How query results are written in .test files and compared with what a query returned, following
// DuckDB's sqllogictest: values as text, NULL, (empty), true/false; numbers compared by value (1%
// tolerance for floats, as DuckDB); `<REGEX>:` / `<!REGEX>:` patterns.
//===----------------------------------------------------------------------===//
#pragma once

#include "sqllogic_command.hpp"

#include "duckdb/common/types.hpp"

namespace duckdb {

class ClientContext;
class MaterializedQueryResult;
class Value;

//! The text of one result value in a test file: NULL, (empty) for '', true/false, else the value
//! cast to VARCHAR in `context` (so a TIMESTAMPTZ shows in the session's TimeZone, as in DuckDB).
string SqlLogicValueText(ClientContext &context, const Value &value);

//! Every value of `result` as text, row-major.
vector<string> ResultValueTexts(ClientContext &context, MaterializedQueryResult &result);

//! Splits the lines after `----` into row-major values: one row per line with values separated by
//! tabs (or, for a line without tabs, by single spaces), or one value per line. Returns false and
//! sets `error` when the lines do not fit `column_count` columns.
bool SplitExpectedValues(const vector<string> &lines, idx_t column_count, vector<string> &values, string &error);

//! rowsort sorts rows, valuesort sorts all values; both sides of a comparison are sorted alike.
void SortResultValues(SortStyle style, idx_t column_count, vector<string> &values);

//! Whether an actual value matches the expected text for a column of type `type`.
bool ResultValueMatches(const string &actual, const string &expected, const LogicalType &type);

struct ResultComparison {
	bool matches = true;
	//! When the results differ: what differs, then both results side by side, differing rows marked.
	string description;
};

//! Compares row-major values (already sorted as the query asks) of a result with columns `types`.
ResultComparison CompareResultValues(const vector<LogicalType> &types, const vector<string> &actual,
                                     const vector<string> &expected);

} // namespace duckdb
