#include "result_comparison.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/value.hpp"
#include "duckdb/main/materialized_query_result.hpp"

#include <algorithm>
#include <regex>

namespace duckdb {

string SqlLogicValueText(ClientContext &context, const Value &value) {
	if (value.IsNull()) {
		return "NULL";
	}
	if (value.type().id() == LogicalTypeId::BOOLEAN) {
		return BooleanValue::Get(value) ? "true" : "false";
	}
	auto text = value.CastAs(context, LogicalType::VARCHAR).ToString();
	if (text.empty()) {
		return "(empty)";
	}
	return StringUtil::Replace(text, string("\0", 1), "\\0");
}

vector<string> ResultValueTexts(ClientContext &context, MaterializedQueryResult &result) {
	vector<string> values;
	auto rows = result.RowCount();
	auto columns = result.ColumnCount();
	values.reserve(rows * columns);
	for (idx_t row = 0; row < rows; row++) {
		for (idx_t column = 0; column < columns; column++) {
			values.push_back(SqlLogicValueText(context, result.GetValue(column, row)));
		}
	}
	return values;
}

bool SplitExpectedValues(const vector<string> &lines, idx_t column_count, vector<string> &values, string &error) {
	values.clear();
	if (column_count == 1) {
		values = lines;
		return true;
	}
	// One value per line (the original sqllogictest layout) when no line can be a whole row.
	bool value_per_line = std::none_of(lines.begin(), lines.end(),
	                                   [](const string &line) { return line.find_first_of("\t ") != string::npos; });
	if (value_per_line) {
		if (lines.size() % column_count != 0) {
			error = "the expected result has " + std::to_string(lines.size()) + " values, which is not a multiple of " +
			        std::to_string(column_count) + " columns";
			return false;
		}
		values = lines;
		return true;
	}
	for (idx_t row = 0; row < lines.size(); row++) {
		auto &line = lines[row];
		// Split by hand: StringUtil::Split drops empty pieces, which would shift the columns.
		vector<string> split;
		char separator = line.find('\t') != string::npos ? '\t' : ' ';
		idx_t start = 0;
		while (true) {
			auto end = line.find(separator, start);
			split.push_back(line.substr(start, end == string::npos ? string::npos : end - start));
			if (end == string::npos) {
				break;
			}
			start = end + 1;
		}
		if (split.size() != column_count) {
			error = "expected row " + std::to_string(row + 1) + " (\"" + line + "\") has " +
			        std::to_string(split.size()) + " values, but the query has " + std::to_string(column_count) +
			        " columns (separate values with tabs)";
			return false;
		}
		values.insert(values.end(), split.begin(), split.end());
	}
	return true;
}

void SortResultValues(SortStyle style, idx_t column_count, vector<string> &values) {
	if (style == SortStyle::VALUE_SORT) {
		std::sort(values.begin(), values.end());
	} else if (style == SortStyle::ROW_SORT) {
		vector<vector<string>> rows;
		for (idx_t start = 0; start < values.size(); start += column_count) {
			rows.emplace_back(values.begin() + start, values.begin() + std::min(start + column_count, values.size()));
		}
		std::sort(rows.begin(), rows.end());
		values.clear();
		for (auto &row : rows) {
			values.insert(values.end(), row.begin(), row.end());
		}
	}
}

namespace {

bool TryParseBoolean(const string &text, bool &result) {
	auto lower = StringUtil::Lower(text);
	if (lower == "true" || text == "1") {
		result = true;
		return true;
	}
	if (lower == "false" || text == "0") {
		result = false;
		return true;
	}
	return false;
}

bool TryNumericValue(const string &text, const LogicalType &type, Value &result) {
	if (text == "NULL") {
		result = Value(type);
		return true;
	}
	result = Value(text);
	return result.DefaultTryCastAs(type);
}

//! Left-aligned values padded to the column widths, two spaces apart.
string RenderRow(const vector<string> &values, idx_t row, const vector<idx_t> &widths) {
	string text;
	idx_t column_count = widths.size();
	for (idx_t column = 0; column < column_count; column++) {
		auto index = row * column_count + column;
		auto &value = values[index];
		text += value;
		if (column + 1 < column_count) {
			text += string(widths[column] - value.size() + 2, ' ');
		}
	}
	return text;
}

} // namespace

bool ResultValueMatches(const string &actual, const string &expected, const LogicalType &type) {
	if (actual == expected) {
		return true;
	}
	if (StringUtil::StartsWith(expected, "<REGEX>:")) {
		return std::regex_match(actual, std::regex(expected.substr(8)));
	}
	if (StringUtil::StartsWith(expected, "<!REGEX>:")) {
		return !std::regex_match(actual, std::regex(expected.substr(9)));
	}
	if (type.IsNumeric()) {
		Value actual_value, expected_value;
		if (!TryNumericValue(actual, type, actual_value) || !TryNumericValue(expected, type, expected_value)) {
			return false;
		}
		return Value::DefaultValuesAreEqual(actual_value, expected_value);
	}
	if (type.id() == LogicalTypeId::BOOLEAN) {
		bool actual_bool, expected_bool;
		return TryParseBoolean(actual, actual_bool) && TryParseBoolean(expected, expected_bool) &&
		       actual_bool == expected_bool;
	}
	return false;
}

ResultComparison CompareResultValues(const vector<LogicalType> &types, const vector<string> &actual,
                                     const vector<string> &expected) {
	ResultComparison comparison;
	idx_t column_count = types.size();
	idx_t actual_rows = actual.size() / column_count;
	idx_t expected_rows = expected.size() / column_count;
	idx_t rows = std::max(actual_rows, expected_rows);

	vector<bool> row_differs(rows, false);
	idx_t first_row = rows, first_column = 0;
	for (idx_t row = 0; row < rows; row++) {
		if (row >= actual_rows || row >= expected_rows) {
			row_differs[row] = true;
			continue;
		}
		for (idx_t column = 0; column < column_count; column++) {
			auto index = row * column_count + column;
			if (!ResultValueMatches(actual[index], expected[index], types[column])) {
				if (!row_differs[row] && first_row == rows) {
					first_row = row;
					first_column = column;
				}
				row_differs[row] = true;
			}
		}
	}
	bool any_differs = std::find(row_differs.begin(), row_differs.end(), true) != row_differs.end();
	if (!any_differs) {
		return comparison;
	}
	comparison.matches = false;

	string &text = comparison.description;
	if (actual_rows != expected_rows) {
		text = "Wrong row count: expected " + std::to_string(expected_rows) + " rows, got " +
		       std::to_string(actual_rows);
	} else {
		text = "Wrong result at row " + std::to_string(first_row + 1) + ", column " + std::to_string(first_column + 1) +
		       ": expected " + expected[first_row * column_count + first_column] + ", got " +
		       actual[first_row * column_count + first_column];
	}
	text += "\n";

	vector<idx_t> widths(column_count, 0);
	for (auto side : {&actual, &expected}) {
		for (idx_t index = 0; index < side->size(); index++) {
			auto &width = widths[index % column_count];
			width = std::max<idx_t>(width, (*side)[index].size());
		}
	}
	vector<string> left, right;
	for (idx_t row = 0; row < rows; row++) {
		left.push_back(row < expected_rows ? RenderRow(expected, row, widths) : "");
		right.push_back(row < actual_rows ? RenderRow(actual, row, widths) : "");
	}
	idx_t left_width = string("expected").size();
	for (auto &line : left) {
		left_width = std::max<idx_t>(left_width, line.size());
	}
	auto pad = [&](const string &s) {
		return s + string(left_width - s.size(), ' ');
	};
	text += "    " + pad("expected") + " | actual\n";
	for (idx_t row = 0; row < rows; row++) {
		text += row_differs[row] ? "  ! " : "    ";
		text += pad(left[row]) + " | " + right[row] + "\n";
	}
	return comparison;
}

} // namespace duckdb
