//===----------------------------------------------------------------------===//
// test/runner/sqllogic_command.hpp
//
// One parsed command of a sqllogictest file (DuckDB's dialect). Text is kept as written: variables
// (${i}, __TEST_DIR__, ${DUCKLAKE_CONNECTION}, ...) are substituted when the command runs, because
// loop bodies run many times with different values.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/string.hpp"
#include "duckdb/common/vector.hpp"

namespace duckdb {

enum class SqlLogicCommandType : uint8_t {
	STATEMENT,   // statement ok|error|maybe [connection]
	QUERY,       // query <types> [sort mode|connection] [label]
	REQUIRE,     // require <extension or feature>
	REQUIRE_ENV, // require-env VAR [value]
	TEST_ENV,    // test-env NAME VALUE
	LOAD,        // load [path] [readonly]
	RESTART,     // restart
	LOOP,        // loop / foreach / concurrentloop / concurrentforeach ... endloop
	HALT,        // halt
	SLEEP        // sleep N [unit]
};

enum class StatementExpectation : uint8_t { OK, ERROR, MAYBE };

enum class SortStyle : uint8_t { NO_SORT, ROW_SORT, VALUE_SORT };

//! `skipif <backend>` / `onlyif <backend>` before a command.
struct SqlLogicCondition {
	bool only_if;
	string backend;
};

struct SqlLogicCommand {
	SqlLogicCommandType type;
	//! 1-based line of the command's header, for failure messages.
	idx_t line = 0;
	//! Header tokens after the keyword, as written.
	vector<string> parameters;
	vector<SqlLogicCondition> conditions;

	//! STATEMENT and QUERY: the SQL text, and the lines after `----` (expected rows or error text).
	string sql;
	bool has_expected = false;
	vector<string> expected_lines;
	//! Empty for the default connection.
	string connection_name;

	//! STATEMENT
	StatementExpectation expectation = StatementExpectation::OK;

	//! QUERY
	idx_t column_count = 0;
	SortStyle sort_style = SortStyle::NO_SORT;
	//! Queries with the same label must return the same result (DuckDB's `query I nosort label`).
	string query_label;

	//! LOOP: `loop VAR FROM TO` (numbers, TO exclusive) or `foreach VAR[,VAR...] VALUE...`.
	bool is_foreach = false;
	bool concurrent = false;
	vector<SqlLogicCommand> body;
};

//! A test file that cannot be parsed; the message starts with "file:line: ".
class SqlLogicParseError : public std::runtime_error {
public:
	explicit SqlLogicParseError(const string &message) : std::runtime_error(message) {
	}
};

} // namespace duckdb
