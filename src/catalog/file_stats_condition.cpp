#include "mallard/catalog/file_stats_condition.hpp"

namespace duckdb {

namespace {

//! Whether `order` (negative, zero, positive: the bound against the constant) passes the comparison.
bool Holds(ExpressionType comparison, int order) {
	switch (comparison) {
	case ExpressionType::COMPARE_LESSTHAN:
		return order < 0;
	case ExpressionType::COMPARE_LESSTHANOREQUALTO:
		return order <= 0;
	case ExpressionType::COMPARE_GREATERTHAN:
		return order > 0;
	case ExpressionType::COMPARE_GREATERTHANOREQUALTO:
		return order >= 0;
	default:
		return false;
	}
}

//! Negative, zero or positive as `bound` sorts before, with or after `constant` (text bytewise, as the
//! catalogs compare it: BINARY in SQLite, COLLATE "C" in PostgreSQL).
template <class T>
int Order(const T &bound, const T &constant) {
	return bound < constant ? -1 : (constant < bound ? 1 : 0);
}

bool IsDigit(char c) {
	return c >= '0' && c <= '9';
}

//! Whether the first `length` characters of `text` match `pattern`, where '9' stands for any digit.
bool MatchesDigits(const char *text, const char *pattern, idx_t length) {
	for (idx_t i = 0; i < length; i++) {
		if (pattern[i] == '9' ? !IsDigit(text[i]) : text[i] != pattern[i]) {
			return false;
		}
	}
	return true;
}

} // namespace

bool FileStatsCondition::ParseInteger(const string_t &text, int64_t &result) {
	auto data = text.GetData();
	auto size = text.GetSize();
	bool negative = size > 0 && data[0] == '-';
	idx_t start = negative ? 1 : 0;
	// 19 digits never overflow 64 unsigned bits; more never fit a BIGINT.
	if (size == start || size - start > 19) {
		return false;
	}
	uint64_t value = 0;
	for (idx_t i = start; i < size; i++) {
		if (!IsDigit(data[i])) {
			return false;
		}
		value = value * 10 + uint64_t(data[i] - '0');
	}
	auto max = uint64_t(NumericLimits<int64_t>::Maximum());
	if (value > max + (negative ? 1 : 0)) {
		return false;
	}
	// -(max + 1) is computed in unsigned arithmetic, then stored as two's complement.
	result = negative ? int64_t(~value + 1) : int64_t(value);
	return true;
}

bool FileStatsCondition::IsOrderedTimeText(const string_t &text, bool with_time) {
	auto data = text.GetData();
	auto size = text.GetSize();
	static constexpr const char *DATE = "9999-99-99";
	static constexpr idx_t DATE_LENGTH = 10;
	if (!with_time) {
		return size == DATE_LENGTH && MatchesDigits(data, DATE, DATE_LENGTH);
	}
	static constexpr const char *TIMESTAMP = "9999-99-99 99:99:99";
	static constexpr idx_t TIMESTAMP_LENGTH = 19;
	if (size < TIMESTAMP_LENGTH || !MatchesDigits(data, TIMESTAMP, TIMESTAMP_LENGTH)) {
		return false;
	}
	if (size == TIMESTAMP_LENGTH) {
		return true;
	}
	// A fraction: digits after the point, the last one not zero (as DuckDB writes them).
	if (data[TIMESTAMP_LENGTH] != '.' || size == TIMESTAMP_LENGTH + 1 || data[size - 1] == '0') {
		return false;
	}
	for (idx_t i = TIMESTAMP_LENGTH + 1; i < size; i++) {
		if (!IsDigit(data[i])) {
			return false;
		}
	}
	return true;
}

bool FileStatsCondition::Column::Excludes(const string_t *min, const string_t *max) const {
	int64_t integer_bound[2] = {0, 0};
	bool known[2] = {false, false};
	const string_t *bounds[2] = {min, max};
	for (idx_t i = 0; i < 2; i++) {
		if (!bounds[i]) {
			continue;
		}
		known[i] = kind == StatsBoundKind::INTEGER
		               ? ParseInteger(*bounds[i], integer_bound[i])
		               : IsOrderedTimeText(*bounds[i], kind == StatsBoundKind::TIMESTAMP_TEXT);
	}
	for (auto &exclusion : exclusions) {
		idx_t i = exclusion.on_max ? 1 : 0;
		if (!known[i]) {
			continue;
		}
		auto order = kind == StatsBoundKind::INTEGER ? Order(integer_bound[i], exclusion.integer)
		                                             : Order(*bounds[i], string_t(exclusion.text));
		if (Holds(exclusion.comparison, order)) {
			return true;
		}
	}
	return false;
}

string FileStatsCondition::IntegerOrNull(MetadataBackendType backend, const string &expression) {
	switch (backend) {
	case MetadataBackendType::DUCKDB:
		return "TRY_CAST(" + expression + " AS BIGINT)";
	case MetadataBackendType::SQLITE:
		// CAST never fails in SQLite ('abc' becomes 0): keep only text that survives the round trip.
		return "(CASE WHEN CAST(CAST(" + expression + " AS INTEGER) AS TEXT) = " + expression + " THEN CAST(" +
		       expression + " AS INTEGER) END)";
	case MetadataBackendType::POSTGRES:
		return "(CASE WHEN " + expression + " ~ '^-?[0-9]{1,18}$' THEN CAST(" + expression + " AS BIGINT) END)";
	default:
		throw InternalException("unknown catalog backend");
	}
}

string FileStatsCondition::TimeTextOrNull(MetadataBackendType backend, const string &expression, bool with_time) {
	// Exactly 'YYYY-MM-DD' for a date, 'YYYY-MM-DD HH:MM:SS' and optional fractional digits for a
	// timestamp: anything else ('infinity', a 5-digit year, a '(BC)' suffix, a date where a timestamp
	// is expected) is NULL and never prunes. Fractional digits must end in a non-zero digit, as
	// DuckDB writes them: '.500000' from another writer would sort after the equal constant '.5'.
	switch (backend) {
	case MetadataBackendType::DUCKDB:
		return "(CASE WHEN regexp_full_match(" + expression + ", '[0-9]{4}-[0-9]{2}-[0-9]{2}" +
		       (with_time ? " [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*[1-9])?" : "") + "') THEN " + expression +
		       " END)";
	case MetadataBackendType::SQLITE:
		// GLOB matches the whole text; SQLite compares text bytewise (BINARY collation).
		if (!with_time) {
			return "(CASE WHEN " + expression + " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN " +
			       expression + " END)";
		}
		// The fraction is checked apart, on its few characters: a pattern that starts with '*' is tried
		// at every position of the text, and two such patterns over the whole text were most of the
		// pruning statement's time (measured).
		return "(CASE WHEN " + expression +
		       " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND (length(" +
		       expression + ") = 19 OR (substr(" + expression + ", 20, 1) = '.' AND substr(" + expression +
		       ", 21) GLOB '*[1-9]' AND substr(" + expression + ", 21) NOT GLOB '*[^0-9]*')) THEN " + expression +
		       " END)";
	case MetadataBackendType::POSTGRES:
		// Bytewise order, whatever the database's collation.
		return "(CASE WHEN " + expression + " ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}" +
		       (with_time ? " [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*[1-9])?" : "") + "$' THEN " + expression +
		       " END) COLLATE \"C\"";
	default:
		throw InternalException("unknown catalog backend");
	}
}

string FileStatsCondition::ToSQL(const MetadataConnection &conn, idx_t table_id) const {
	string result;
	for (auto &column : columns) {
		string bounds[2];
		for (idx_t i = 0; i < 2; i++) {
			string name = i == 0 ? "min_value" : "max_value";
			bounds[i] = column.kind == StatsBoundKind::INTEGER
			                ? IntegerOrNull(conn.GetType(), name)
			                : TimeTextOrNull(conn.GetType(), name, column.kind == StatsBoundKind::TIMESTAMP_TEXT);
		}
		string proof;
		for (auto &exclusion : column.exclusions) {
			auto constant = column.kind == StatsBoundKind::INTEGER ? std::to_string(exclusion.integer)
			                                                       : MetadataConnection::Literal(exclusion.text);
			proof += (proof.empty() ? "" : " OR ") + bounds[exclusion.on_max ? 1 : 0] + " " +
			         ExpressionTypeToOperator(exclusion.comparison) + " " + constant;
		}
		// A file without a statistics row for the column (written before it existed) stays.
		result += (result.empty() ? "" : " AND ") +
		          StringUtil::Format("f.data_file_id NOT IN (SELECT data_file_id FROM %s WHERE table_id = %llu AND "
		                             "column_id = %llu AND (%s))",
		                             conn.Table("ducklake_file_column_stats"), table_id, column.column_id, proof);
	}
	return result;
}

string FileStatsCondition::ToString() const {
	string result;
	for (auto &column : columns) {
		result += std::to_string(column.column_id) + ":" + std::to_string(uint8_t(column.kind));
		for (auto &exclusion : column.exclusions) {
			result += string(exclusion.on_max ? " max" : " min") + ExpressionTypeToOperator(exclusion.comparison) +
			          (column.kind == StatsBoundKind::INTEGER ? std::to_string(exclusion.integer) : exclusion.text);
		}
		result += ";";
	}
	return result;
}

} // namespace duckdb
