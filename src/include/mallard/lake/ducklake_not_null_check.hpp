//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_not_null_check.hpp
//
// NOT NULL constraints of lake tables, checked on the rows before they are written: DuckDB's
// own insert operator does this for its tables, ours writes Parquet and must do it itself.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/execution/physical_operator.hpp"

namespace duckdb {

class DuckLakeTableEntry;

bool NeedsNotNullCheck(DuckLakeTableEntry &table);

class DuckLakeNotNullCheck : public PhysicalOperator {
public:
	DuckLakeNotNullCheck(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, vector<LogicalType> types,
	                     idx_t estimated_cardinality);

	DuckLakeTableEntry &table;

	OperatorResultType Execute(ExecutionContext &context, DataChunk &input, DataChunk &chunk,
	                           GlobalOperatorState &gstate, OperatorState &state) const override;
	bool ParallelOperator() const override {
		return true;
	}
	string GetName() const override {
		return "DUCKLAKE_NOT_NULL_CHECK";
	}
};

} // namespace duckdb
