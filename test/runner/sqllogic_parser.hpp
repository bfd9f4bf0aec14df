//===----------------------------------------------------------------------===//
// test/runner/sqllogic_parser.hpp
//
// Turns the text of a .test file into commands. Throws SqlLogicParseError on malformed input.
//===----------------------------------------------------------------------===//
#pragma once

#include "sqllogic_command.hpp"

namespace duckdb {

//! Parses `text` (the contents of `file_name`, which is only used in error messages). Commands
//! between `mode skip` and `mode unskip` are parsed but left out.
vector<SqlLogicCommand> ParseSqlLogicTest(const string &file_name, const string &text);

//! Reads and parses a file; a file that cannot be read is a SqlLogicParseError too.
vector<SqlLogicCommand> ParseSqlLogicTestFile(const string &path);

} // namespace duckdb
