//===----------------------------------------------------------------------===//
// mallard/functions/murmur3_function.hpp
//
// murmur3_32(value): the hash of DuckLake's bucket(N) partition transform, which is
// (murmur3_32(value) & 2147483647) % N, as Iceberg's. Values are hashed as DuckLake hashes them,
// so a lake's bucket folders mean the same to both:
//   booleans (0 or 1), signed integers, dates (days), times and timestamps (their integer
//   count), decimals stored in 16 to 64 bits (the unscaled integer): as an 8-byte little-endian
//   long;
//   FLOAT and DOUBLE: the bits of the value as a double, -0.0 as 0.0;
//   VARCHAR and BLOB: their bytes;
//   every other type (unsigned integers, HUGEINT, wide decimals, UUID, INTERVAL, nested types):
//   the bytes of the value's text (Value::ToString).
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/types/value.hpp"
#include "duckdb/common/types/vector.hpp"
#include "duckdb/function/scalar_function.hpp"

namespace duckdb {

//! MurmurHash3 x86_32 with seed 0 (Austin Appleby's public-domain algorithm).
uint32_t Murmur3(const_data_ptr_t data, idx_t size);

//! murmur3_32 of the first `count` values of `input` into `result` (an INTEGER vector); NULL
//! values give NULL.
void Murmur3Hash(Vector &input, idx_t count, Vector &result);

//! The bucket of `value` among `buckets`, as bucket(N) files are named; NULL for a NULL value.
Value BucketOfValue(const Value &value, int32_t buckets);

//! The SQL function murmur3_32(ANY) -> INTEGER.
ScalarFunction Murmur3Function();

} // namespace duckdb
