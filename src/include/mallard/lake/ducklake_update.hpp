//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_update.hpp
//
// UPDATE and MERGE INTO on a lake table. An update deletes the old rows (positional deletes) and
// inserts the new ones into a new data file in the same snapshot, each new row carrying the row
// id of the one it replaces (_ducklake_internal_row_id), so row ids survive updates.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/planner/expression.hpp"
#include "duckdb/storage/storage_index.hpp"

namespace duckdb {

class DuckLakeTableEntry;

//! The new row of an UPDATE, in table column order, then its row id: from the SET expressions of
//! `columns` (every column, see DuckLakeTableEntry::BindUpdateConstraints), DEFAULT resolved.
vector<unique_ptr<Expression>> UpdatedRowExpressions(DuckLakeTableEntry &table, const vector<PhysicalIndex> &columns,
                                                     const vector<unique_ptr<Expression>> &expressions,
                                                     const vector<unique_ptr<Expression>> &bound_defaults,
                                                     idx_t row_id_index);

} // namespace duckdb
