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
// (murmur3_32(value) & INT_MAX) % N over Iceberg's byte encoding of the value.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/parser/parsed_expression.hpp"
#include "duckdb/planner/expression.hpp"
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

//! What the file's partition values prove about column `column_id` of `type` (its value range), or
//! false when they prove nothing (no key on it, bucket only, or a calendar part without the coarser
//! ones).
bool PartitionValueStatistics(idx_t column_id, const LogicalType &type, const vector<FilePartitionValue> &values,
                              unique_ptr<BaseStatistics> &result);

} // namespace duckdb
