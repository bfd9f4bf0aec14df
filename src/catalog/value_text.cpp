#include "mallard/catalog/value_text.hpp"

#include "duckdb/common/operator/cast_operators.hpp"
#include "duckdb/common/operator/string_cast.hpp"
#include "duckdb/common/types/vector.hpp"

namespace duckdb {

namespace {

//! StringCast writes into a vector's string heap; one short-lived vector holds the one string.
template <class T, class OP = StringCast>
string CastToText(T input) {
	Vector text(LogicalType::VARCHAR, 1);
	return OP::template Operation<T>(input, text).GetString();
}

template <class T>
bool TryCastNumber(const string &text, Value &result) {
	T number;
	if (!TryCast::Operation<string_t, T>(string_t(text), number, false)) {
		return false;
	}
	result = Value::CreateValue<T>(number);
	return true;
}

template <class T>
bool TryCastTemporal(const string &text, T &temporal) {
	string error;
	CastParameters parameters(false, &error);
	return TryCastErrorMessage::Operation<string_t, T>(string_t(text), temporal, parameters);
}

} // namespace

string ValueText(const Value &value) {
	if (value.IsNull()) {
		return "NULL";
	}
	switch (value.type().id()) {
	case LogicalTypeId::BOOLEAN:
		return BooleanValue::Get(value) ? "true" : "false";
	case LogicalTypeId::TINYINT:
		return std::to_string(TinyIntValue::Get(value));
	case LogicalTypeId::SMALLINT:
		return std::to_string(SmallIntValue::Get(value));
	case LogicalTypeId::INTEGER:
		return std::to_string(IntegerValue::Get(value));
	case LogicalTypeId::BIGINT:
		return std::to_string(BigIntValue::Get(value));
	case LogicalTypeId::UTINYINT:
		return std::to_string(UTinyIntValue::Get(value));
	case LogicalTypeId::USMALLINT:
		return std::to_string(USmallIntValue::Get(value));
	case LogicalTypeId::UINTEGER:
		return std::to_string(UIntegerValue::Get(value));
	case LogicalTypeId::UBIGINT:
		return std::to_string(UBigIntValue::Get(value));
	case LogicalTypeId::FLOAT:
		return CastToText(FloatValue::Get(value));
	case LogicalTypeId::DOUBLE:
		return CastToText(DoubleValue::Get(value));
	case LogicalTypeId::DATE:
		return CastToText(DateValue::Get(value));
	case LogicalTypeId::TIMESTAMP:
		return CastToText(TimestampValue::Get(value));
	case LogicalTypeId::TIMESTAMP_TZ:
		return CastToText<timestamp_t, StringCastTZ>(TimestampValue::Get(value));
	case LogicalTypeId::VARCHAR:
		return StringValue::Get(value);
	default:
		return value.ToString();
	}
}

bool TryCastText(const string &text, const LogicalType &type, Value &result) {
	switch (type.id()) {
	case LogicalTypeId::TINYINT:
		return TryCastNumber<int8_t>(text, result);
	case LogicalTypeId::SMALLINT:
		return TryCastNumber<int16_t>(text, result);
	case LogicalTypeId::INTEGER:
		return TryCastNumber<int32_t>(text, result);
	case LogicalTypeId::BIGINT:
		return TryCastNumber<int64_t>(text, result);
	case LogicalTypeId::UTINYINT:
		return TryCastNumber<uint8_t>(text, result);
	case LogicalTypeId::USMALLINT:
		return TryCastNumber<uint16_t>(text, result);
	case LogicalTypeId::UINTEGER:
		return TryCastNumber<uint32_t>(text, result);
	case LogicalTypeId::UBIGINT:
		return TryCastNumber<uint64_t>(text, result);
	case LogicalTypeId::FLOAT:
		return TryCastNumber<float>(text, result);
	case LogicalTypeId::DOUBLE:
		return TryCastNumber<double>(text, result);
	case LogicalTypeId::DATE: {
		date_t date;
		if (!TryCastTemporal(text, date)) {
			return false;
		}
		result = Value::DATE(date);
		return true;
	}
	case LogicalTypeId::TIMESTAMP: {
		timestamp_t timestamp;
		if (!TryCastTemporal(text, timestamp)) {
			return false;
		}
		result = Value::TIMESTAMP(timestamp);
		return true;
	}
	case LogicalTypeId::VARCHAR:
		result = Value(text);
		return true;
	default: {
		string error;
		return Value(text).DefaultTryCastAs(type, result, &error);
	}
	}
}

bool TryParseInteger(const char *text, idx_t size, int64_t &result) {
	bool negative = size > 0 && text[0] == '-';
	idx_t start = negative ? 1 : 0;
	// 19 digits never overflow 64 unsigned bits; more never fit a BIGINT.
	if (size == start || size - start > 19) {
		return false;
	}
	uint64_t value = 0;
	for (idx_t i = start; i < size; i++) {
		if (text[i] < '0' || text[i] > '9') {
			return false;
		}
		value = value * 10 + uint64_t(text[i] - '0');
	}
	auto max = uint64_t(NumericLimits<int64_t>::Maximum());
	if (value > max + (negative ? 1 : 0)) {
		return false;
	}
	// -(max + 1) is computed in unsigned arithmetic, then stored as two's complement.
	result = negative ? int64_t(~value + 1) : int64_t(value);
	return true;
}

} // namespace duckdb
