//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_alter.hpp
//
// ALTER TABLE on a lake table: computes the table definition after one ALTER statement (columns,
// struct fields, defaults, NOT NULL, type promotions, name, partition spec). Nothing is written
// here: the commit diffs the result against the committed table (ducklake_commit.cpp), and old
// data files are never rewritten (scans map columns by field id).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

namespace duckdb {

class ClientContext;
class ColumnDefinition;
class DuckLakeTableEntry;
struct AlterTableInfo;

//! The table after `info`; false when the statement changes nothing (IF [NOT] EXISTS).
bool AlterLakeTable(ClientContext &context, DuckLakeTableEntry &table, AlterTableInfo &info, LakeTableInfo &result);

//! Refuses a column with a storage compression (USING COMPRESSION): DuckDB's own table storage has
//! them, Parquet files written by the lake do not (their codec is the parquet_compression option).
void RefuseColumnCompression(const ColumnDefinition &column, const string &table_name);

//! Whether a column of type `from` may become `to` without rewriting its files (spec: type
//! promotion; int and uint widening, float32 to float64; as DuckLake, any number or point in time
//! to the type DuckDB widens both to).
bool IsAllowedTypePromotion(const LogicalType &from, const LogicalType &to);

} // namespace duckdb

namespace duckdb {

class SnapshotWriter;

//! Writes the column versions that differ between the committed table and the altered one: a
//! changed column (name, type, default, NOT NULL) ends its row and starts a new one, a dropped
//! one ends, an added one starts (spec: ducklake_column begin/end_snapshot). Unchanged columns
//! keep their rows.
void WriteColumnChanges(const LakeTableInfo &original, const LakeTableInfo &altered, SnapshotWriter &writer);

} // namespace duckdb
