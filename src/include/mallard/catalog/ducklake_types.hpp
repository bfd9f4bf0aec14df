//===----------------------------------------------------------------------===//
// mallard/catalog/ducklake_types.hpp
//
// DuckLake's type names (spec: data types) and DuckDB's LogicalTypes, both ways.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/types.hpp"

namespace duckdb {

//! The DuckLake name of a DuckDB type: int32, varchar, decimal(9,2), struct, list, map, ...
//! Nested types return only their kind; their children are columns of their own.
//! Throws NotImplementedException naming the type when DuckLake cannot store it.
string ToDuckLakeTypeName(const LogicalType &type);

//! The DuckDB type of a primitive DuckLake type name. Nested kinds (struct, list, map) are built by
//! the caller from child columns. Throws InvalidInputException naming an unknown type.
LogicalType FromDuckLakeTypeName(const string &name);

//! Whether a DuckLake type name is nested (struct, list, map).
bool IsNestedDuckLakeType(const string &name);

//! Integer types whose every value fits a BIGINT: the catalog stores and compares them as BIGINT.
bool FitsBigint(const LogicalType &type);

//! Whether a value of `from` becomes a `to` by the session's settings: a time without zone read
//! as a TIMESTAMPTZ is a time in the session's TimeZone (ICU's cast), as Parquet files read it.
bool CastNeedsSession(const LogicalType &from, const LogicalType &to);

//! Whether every value of `from` casts to `to` exactly and the same in every session, for the
//! promotions ALTER COLUMN TYPE allows: not so for integers too wide for a float's mantissa
//! (16777217 as a FLOAT is 16777216), DECIMAL to a float, or a time without zone to TIMESTAMPTZ.
bool IsExactPromotion(const LogicalType &from, const LogicalType &to);

} // namespace duckdb

#include "mallard/catalog/lake_metadata.hpp"

namespace duckdb {

//! A new column (and its nested fields) for a DuckDB type, with column ids handed out depth first
//! from `next_column_id` (spec: ducklake_column.column_id, also the Parquet field_id).
LakeColumnInfo MakeLakeColumn(const string &name, const LogicalType &type, idx_t &next_column_id);
//! Refuses a table column name that starts with _ducklake_internal_: data files and scans use such
//! names for the row ids and snapshots they carry (_ducklake_internal_row_id, ..._snapshot_id).
void CheckColumnNameNotReserved(const string &name);

} // namespace duckdb

namespace duckdb {

//! Casts without throwing: false when `value` does not convert to `type` (catalog text such as
//! min/max statistics or option values may not). DuckDB's TryCast throws when given no error slot.
bool TryCastValue(const Value &value, const LogicalType &type, Value &result);

} // namespace duckdb
