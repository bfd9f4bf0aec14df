//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_partitioning.hpp
//
// Partition specs of lake tables (spec: ducklake_partition_info, ducklake_partition_column):
// binding SET PARTITIONED BY keys, the expressions that compute each row's key values when data
// is written (Hive folders key=value), and what a file's partition values prove about a column
// when queries prune files.
//
// Transforms give calendar values as DuckDB's functions do (year 2025, month 1..12, day 1..31,
// hour 0..23), as the reference implementation stores them; bucket(N) is
// (murmur3_32(value) & INT_MAX) % N, with the value hashed as DuckLake hashes it
// (mallard/functions/murmur3_function.hpp).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/parser/parsed_expression.hpp"
#include "duckdb/planner/expression.hpp"
#include "duckdb/planner/table_filter.hpp"
#include "duckdb/storage/statistics/base_statistics.hpp"

namespace duckdb {

//! The spec for SET PARTITIONED BY (keys); empty for RESET PARTITIONED BY.
vector<LakePartitionField> BindPartitionKeys(const LakeTableInfo &table,
                                             const vector<unique_ptr<ParsedExpression>> &keys);

//! year, month, day or hour: a transform DuckDB's function of that name computes.
bool IsCalendarTransform(const string &transform);

//! One partition key as the writer computes it from the input row.
struct PartitionKeyExpression {
	//! The Hive folder key, e.g. "event_date", "year".
	string name;
	unique_ptr<Expression> expression;
};

//! The key expressions of the table's current spec; column i of the input is the table's column i.
vector<PartitionKeyExpression> PlanPartitionKeys(ClientContext &context, const LakeTableInfo &table);

//! The key of `field` as SQL over `column_sql` (the column, quoted), as a flush groups rows by it.
string PartitionKeySQL(const LakePartitionField &field, const string &column_sql);

//! What the file's partition values prove about column `column_id` of `type` (its value range), or
//! false when they prove nothing (no key on it, bucket only, or a calendar part without the coarser
//! ones).
bool PartitionValueStatistics(idx_t column_id, const LogicalType &type, const vector<FilePartitionValue> &values,
                              unique_ptr<BaseStatistics> &result);

//! Whether the file's bucket(N) value of `column` proves that no row of it passes `filter`: an
//! equality, IN list or OR whose constants all fall in other buckets. False when the file has no
//! bucket value of the column, when the column's type was ever promoted, and for types and constants
//! whose equal values may hash apart (NaN, intervals, nested values).
bool BucketRulesOut(const TableFilter &filter, const LakeColumnInfo &column, const vector<FilePartitionValue> &values);

} // namespace duckdb
