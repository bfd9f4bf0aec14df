//===----------------------------------------------------------------------===//
// mallard/catalog/value_text.hpp
//
// Values to and from the text the catalog stores (statistics bounds, inlined fields), exactly as
// DuckDB's casts to and from VARCHAR give it, but without looking the cast function up for every
// value: a 10-row commit converts some eighty values, and the lookup (a hash of cast maps and a
// one-row Vector per value) cost more than the conversion.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/types/value.hpp"

namespace duckdb {

//! `value.ToString()` (the VARCHAR cast; "NULL" for NULL), written directly for the common types.
string ValueText(const Value &value);

//! The VARCHAR cast of `text` to `type` (`Value(text).DefaultTryCastAs(type)`): false when the text
//! does not convert.
bool TryCastText(const string &text, const LogicalType &type, Value &result);

//! Plain integer text (an optional minus sign, then digits) of `size` characters as a BIGINT; false
//! for anything else or out of range.
bool TryParseInteger(const char *text, idx_t size, int64_t &result);

} // namespace duckdb
