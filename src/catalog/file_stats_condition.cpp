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
//! zero (as DuckDB writes them). Anything else ('infinity', a 5-digit year, a '(BC)' suffix, a date
//! where a timestamp is expected) proves nothing; nor does '.500000' from another writer, which would
//! sort after the equal constant '.5' as text.
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
