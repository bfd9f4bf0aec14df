#include "sqllogic_parser.hpp"

#include <gtest/gtest.h>

using namespace duckdb;

TEST(SqlLogicParser, StatementAndQuery) {
	auto commands = ParseSqlLogicTest("t.test", "# comment\n"
	                                            "statement ok\n"
	                                            "CREATE TABLE t(i INTEGER)\n"
	                                            "\n"
	                                            "skipif sqlite\n"
	                                            "query IT rowsort con2\n"
	                                            "SELECT 1,\n"
	                                            "  'a'\n"
	                                            "----\n"
	                                            "1\ta\n"
	                                            "\n"
	                                            "statement error\n"
	                                            "SELECT x\n"
	                                            "----\n"
	                                            "Binder Error\n");
	ASSERT_EQ(commands.size(), 3u);
	EXPECT_EQ(commands[0].type, SqlLogicCommandType::STATEMENT);
	EXPECT_EQ(commands[0].line, 2u);
	EXPECT_EQ(commands[0].sql, "CREATE TABLE t(i INTEGER)");

	auto &query = commands[1];
	EXPECT_EQ(query.type, SqlLogicCommandType::QUERY);
	EXPECT_EQ(query.line, 6u);
	EXPECT_EQ(query.column_count, 2u);
	EXPECT_EQ(query.sort_style, SortStyle::ROW_SORT);
	EXPECT_EQ(query.query_label, "con2"); // as in DuckDB: the third word is a label
	EXPECT_EQ(query.sql, "SELECT 1,\n  'a'");
	ASSERT_EQ(query.conditions.size(), 1u);
	EXPECT_FALSE(query.conditions[0].only_if);
	EXPECT_EQ(query.conditions[0].backend, "sqlite");
	EXPECT_EQ(query.expected_lines, vector<string>({"1\ta"}));

	EXPECT_EQ(commands[2].expectation, StatementExpectation::ERROR);
	EXPECT_EQ(commands[2].expected_lines, vector<string>({"Binder Error"}));
}

TEST(SqlLogicParser, ConnectionInPlaceOfSortMode) {
	auto commands = ParseSqlLogicTest("t.test", "query I con2\nSELECT 1\n----\n1\n");
	ASSERT_EQ(commands.size(), 1u);
	EXPECT_EQ(commands[0].connection_name, "con2");
	EXPECT_EQ(commands[0].sort_style, SortStyle::NO_SORT);
}

TEST(SqlLogicParser, NestedLoopsAndSkipMode) {
	// As in DuckDB, SQL runs up to a blank line, so `endloop` needs one before it.
	auto commands = ParseSqlLogicTest("t.test", "loop i 0 3\n"
	                                            "foreach x a b\n"
	                                            "statement ok\n"
	                                            "SELECT ${i}, '${x}'\n"
	                                            "\n"
	                                            "endloop\n"
	                                            "endloop\n"
	                                            "mode skip\n"
	                                            "statement ok\n"
	                                            "not run\n"
	                                            "\n"
	                                            "mode unskip\n"
	                                            "halt\n");
	ASSERT_EQ(commands.size(), 2u);
	EXPECT_EQ(commands[0].type, SqlLogicCommandType::LOOP);
	EXPECT_FALSE(commands[0].is_foreach);
	ASSERT_EQ(commands[0].body.size(), 1u);
	EXPECT_TRUE(commands[0].body[0].is_foreach);
	EXPECT_EQ(commands[0].body[0].body.size(), 1u);
	EXPECT_EQ(commands[1].type, SqlLogicCommandType::HALT);
}

TEST(SqlLogicParser, ErrorsNameTheLine) {
	try {
		ParseSqlLogicTest("bad.test", "statement ok\nSELECT 1\n\nloop i 0 2\n");
		FAIL() << "expected a parse error";
	} catch (SqlLogicParseError &error) {
		EXPECT_STREQ(error.what(), "bad.test:4: loop without endloop");
	}
	EXPECT_THROW(ParseSqlLogicTest("bad.test", "statement ok\nSELECT 1\n----\n1\n"), SqlLogicParseError);
	EXPECT_THROW(ParseSqlLogicTest("bad.test", "query i\nSELECT 1\n"), SqlLogicParseError);
	EXPECT_THROW(ParseSqlLogicTest("bad.test", "skipif duckdb\n"), SqlLogicParseError);
}
