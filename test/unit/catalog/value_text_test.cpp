// ValueText and TryCastText, the catalog's direct paths to and from text: they must give exactly what
// DuckDB's own casts give (Value::ToString, DefaultTryCastAs), which the catalog held before them.
#include "mallard/catalog/value_text.hpp"

#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/timestamp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace duckdb {
namespace {

vector<Value> SampleValues() {
	return {Value::BOOLEAN(true),
	        Value::BOOLEAN(false),
	        Value::TINYINT(-128),
	        Value::SMALLINT(32767),
	        Value::INTEGER(-7),
	        Value::BIGINT(std::numeric_limits<int64_t>::min()),
	        Value::UTINYINT(255),
	        Value::USMALLINT(65535),
	        Value::UINTEGER(4294967295U),
	        Value::UBIGINT(std::numeric_limits<uint64_t>::max()),
	        Value::FLOAT(0.1f),
	        Value::FLOAT(-3.0f),
	        Value::FLOAT(std::numeric_limits<float>::infinity()),
	        Value::DOUBLE(0.1),
	        Value::DOUBLE(3.0),
	        Value::DOUBLE(-0.0),
	        Value::DOUBLE(1e300),
	        Value::DOUBLE(123456789.125),
	        Value::DOUBLE(std::nan("")),
	        Value::DOUBLE(-std::numeric_limits<double>::infinity()),
	        Value::DATE(Date::FromDate(2026, 11, 26)),
	        Value::DATE(Date::FromDate(-44, 3, 15)),
	        Value::DATE(date_t::infinity()),
	        Value::TIMESTAMP(Timestamp::FromDatetime(Date::FromDate(2026, 1, 1), dtime_t(0))),
	        Value::TIMESTAMP(timestamp_t(1764115200123456LL)),
	        Value::TIMESTAMP(timestamp_t::ninfinity()),
	        Value::TIMESTAMPTZ(timestamp_tz_t(1764115200123456LL)),
	        Value::TIMESTAMPTZ(timestamp_tz_t(-62167219200000000LL)),
	        Value("plain text"),
	        Value(string("quote ' and \0 byte", 18)),
	        Value::INTERVAL(interval_t {1, 2, 3}),
	        Value::DECIMAL(int64_t(12345), 9, 2),
	        Value::HUGEINT(hugeint_t(1) << 100),
	        Value(LogicalType::DOUBLE),
	        Value(LogicalType::VARCHAR)};
}

TEST(ValueTextTest, TextIsWhatToStringGives) {
	for (auto &value : SampleValues()) {
		EXPECT_EQ(ValueText(value), value.ToString()) << value.type().ToString();
	}
}

TEST(ValueTextTest, TextCastsBackAsDuckDBCastsIt) {
	for (auto &value : SampleValues()) {
		if (value.IsNull()) {
			continue;
		}
		auto text = value.ToString();
		Value fast, reference;
		string error;
		bool reference_ok = Value(text).DefaultTryCastAs(value.type(), reference, &error);
		ASSERT_EQ(TryCastText(text, value.type(), fast), reference_ok) << value.type().ToString() << " " << text;
		ASSERT_TRUE(reference_ok) << text;
		EXPECT_EQ(fast.type(), reference.type()) << text;
		EXPECT_EQ(fast.ToString(), reference.ToString()) << text;
	}
}

TEST(ValueTextTest, TextThatDoesNotConvertIsRefused) {
	struct Case {
		const char *text;
		LogicalType type;
	};
	vector<Case> cases = {{"12x", LogicalType::BIGINT},        {"300", LogicalType::TINYINT},
	                      {"-1", LogicalType::UINTEGER},       {"", LogicalType::INTEGER},
	                      {"one", LogicalType::DOUBLE},        {"2026-13-01", LogicalType::DATE},
	                      {"2026-01-01 25:00:00", LogicalType::TIMESTAMP}, {" 42 ", LogicalType::BIGINT},
	                      {"1e3", LogicalType::DOUBLE},        {"2026-01-01", LogicalType::TIMESTAMP}};
	for (auto &c : cases) {
		Value fast, reference;
		string error;
		bool reference_ok = Value(c.text).DefaultTryCastAs(c.type, reference, &error);
		EXPECT_EQ(TryCastText(c.text, c.type, fast), reference_ok) << c.type.ToString() << " '" << c.text << "'";
		if (reference_ok) {
			EXPECT_EQ(fast.ToString(), reference.ToString()) << c.text;
		}
	}
}

} // namespace
} // namespace duckdb
