#include "result_comparison.hpp"

#include <gtest/gtest.h>

using namespace duckdb;

TEST(ResultComparison, SplitsTabsSpacesAndValuePerLine) {
	vector<string> values;
	string error;
	ASSERT_TRUE(SplitExpectedValues({"1\ta b", "2\t"}, 2, values, error));
	EXPECT_EQ(values, vector<string>({"1", "a b", "2", ""}));
	ASSERT_TRUE(SplitExpectedValues({"1 a", "2 b"}, 2, values, error));
	EXPECT_EQ(values, vector<string>({"1", "a", "2", "b"}));
	ASSERT_TRUE(SplitExpectedValues({"1", "a", "2", "b"}, 2, values, error));
	EXPECT_EQ(values, vector<string>({"1", "a", "2", "b"}));
	EXPECT_FALSE(SplitExpectedValues({"1\t2\t3"}, 2, values, error));
	EXPECT_NE(error.find("has 3 values"), string::npos);
	ASSERT_TRUE(SplitExpectedValues({"a b c"}, 1, values, error));
	EXPECT_EQ(values, vector<string>({"a b c"}));
}

TEST(ResultComparison, SortModes) {
	vector<string> rows = {"2", "b", "1", "z", "10", "a"};
	SortResultValues(SortStyle::ROW_SORT, 2, rows);
	EXPECT_EQ(rows, vector<string>({"1", "z", "10", "a", "2", "b"}));
	vector<string> values = {"2", "b", "1", "z"};
	SortResultValues(SortStyle::VALUE_SORT, 2, values);
	EXPECT_EQ(values, vector<string>({"1", "2", "b", "z"}));
	vector<string> unsorted = {"b", "a"};
	SortResultValues(SortStyle::NO_SORT, 1, unsorted);
	EXPECT_EQ(unsorted, vector<string>({"b", "a"}));
}

TEST(ResultComparison, ValuesMatchLikeDuckDB) {
	EXPECT_TRUE(ResultValueMatches("0.3333333333333333", "0.333333", LogicalType::DOUBLE));
	EXPECT_FALSE(ResultValueMatches("0.5", "0.6", LogicalType::DOUBLE));
	EXPECT_TRUE(ResultValueMatches("1", "1.0", LogicalType::INTEGER));
	EXPECT_FALSE(ResultValueMatches("NULL", "0", LogicalType::INTEGER));
	EXPECT_TRUE(ResultValueMatches("true", "1", LogicalType::BOOLEAN));
	EXPECT_FALSE(ResultValueMatches("abc", "ABC", LogicalType::VARCHAR));
	EXPECT_TRUE(ResultValueMatches("duck-42", "<REGEX>:duck-[0-9]+", LogicalType::VARCHAR));
	EXPECT_TRUE(ResultValueMatches("goose", "<!REGEX>:duck.*", LogicalType::VARCHAR));
}

TEST(ResultComparison, MismatchShowsBothSidesAligned) {
	vector<LogicalType> types = {LogicalType::INTEGER, LogicalType::VARCHAR};
	auto same = CompareResultValues(types, {"1", "a"}, {"1", "a"});
	EXPECT_TRUE(same.matches);

	auto differs = CompareResultValues(types, {"1", "a", "2", "c"}, {"1", "a", "2", "bb"});
	EXPECT_FALSE(differs.matches);
	EXPECT_EQ(differs.description, "Wrong result at row 2, column 2: expected bb, got c\n"
	                               "    expected | actual\n"
	                               "    1  a     | 1  a\n"
	                               "  ! 2  bb    | 2  c\n");

	auto missing_row = CompareResultValues(types, {"1", "a"}, {"1", "a", "2", "b"});
	EXPECT_FALSE(missing_row.matches);
	EXPECT_NE(missing_row.description.find("Wrong row count: expected 2 rows, got 1"), string::npos);
	EXPECT_NE(missing_row.description.find("  ! 2  b     | \n"), string::npos);
}
