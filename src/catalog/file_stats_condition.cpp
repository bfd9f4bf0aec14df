#include "mallard/catalog/file_stats_condition.hpp"

#include "mallard/catalog/value_text.hpp"

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

bool IsDigit(char c) {
	return c >= '0' && c <= '9';
}

//! The digits of the first `length` characters of `text` where `pattern` has a '9', as one number;
//! false when a character does not fit the pattern.
bool ParseDigits(const char *text, const char *pattern, idx_t length, int64_t &result) {
	int64_t value = 0;
	for (idx_t i = 0; i < length; i++) {
		if (pattern[i] != '9') {
			if (text[i] != pattern[i]) {
				return false;
			}
		} else if (!IsDigit(text[i])) {
			return false;
		} else {
			value = value * 10 + int64_t(text[i] - '0');
		}
	}
	result = value;
	return true;
}

//! Exactly 'YYYY-MM-DD', or 'YYYY-MM-DD HH:MM:SS' and optional fractional digits whose last is not
//! zero (as DuckDB writes them), as TimeTextOrNull keeps them.
bool ParseTimeText(const string_t &text, bool with_time, StatsBoundKey &key) {
	auto data = text.GetData();
	auto size = text.GetSize();
	key.low = 0;
	static constexpr idx_t DATE_LENGTH = 10;
	if (!with_time) {
		return size == DATE_LENGTH && ParseDigits(data, "9999-99-99", DATE_LENGTH, key.high);
	}
	static constexpr idx_t TIMESTAMP_LENGTH = 19;
	if (size < TIMESTAMP_LENGTH || !ParseDigits(data, "9999-99-99 99:99:99", TIMESTAMP_LENGTH, key.high)) {
		return false;
	}
	if (size == TIMESTAMP_LENGTH) {
		return true;
	}
	static constexpr idx_t FRACTION_DIGITS = 18;
	auto digits = size - TIMESTAMP_LENGTH - 1;
	if (data[TIMESTAMP_LENGTH] != '.' || digits == 0 || digits > FRACTION_DIGITS || data[size - 1] == '0') {
		return false;
	}
	int64_t fraction = 0;
	for (idx_t i = TIMESTAMP_LENGTH + 1; i < size; i++) {
		if (!IsDigit(data[i])) {
			return false;
		}
		fraction = fraction * 10 + int64_t(data[i] - '0');
	}
	// Padded to a fixed width, a shorter fraction sorts as its text does: before a longer one it starts.
	for (auto i = digits; i < FRACTION_DIGITS; i++) {
		fraction *= 10;
	}
	key.low = fraction;
	return true;
}

} // namespace

bool FileStatsCondition::ParseBound(StatsBoundKind kind, const string_t &text, StatsBoundKey &key) {
	switch (kind) {
	case StatsBoundKind::INTEGER:
		key.low = 0;
		return TryParseInteger(text.GetData(), text.GetSize(), key.high);
	case StatsBoundKind::DATE_TEXT:
		return ParseTimeText(text, false, key);
	case StatsBoundKind::TIMESTAMP_TEXT:
		return ParseTimeText(text, true, key);
	default:
		return false;
	}
}

bool StatsBoundComparison::Make(StatsBoundKind kind, bool on_max, ExpressionType comparison, string constant,
                                StatsBoundComparison &result) {
	if (!FileStatsCondition::ParseBound(kind, string_t(constant), result.key)) {
		return false;
	}
	result.on_max = on_max;
	result.comparison = comparison;
	result.constant = std::move(constant);
	return true;
}

bool FileStatsCondition::Column::Excludes(const StatsBoundKey *min, const StatsBoundKey *max) const {
	for (auto &exclusion : exclusions) {
		auto bound = exclusion.on_max ? max : min;
		if (bound && Holds(exclusion.comparison, bound->Compare(exclusion.key))) {
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
			auto constant = column.kind == StatsBoundKind::INTEGER ? exclusion.constant
			                                                       : MetadataConnection::Literal(exclusion.constant);
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
			          exclusion.constant;
		}
		result += ";";
	}
	return result;
}

} // namespace duckdb
