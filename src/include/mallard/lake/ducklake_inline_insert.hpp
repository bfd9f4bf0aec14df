//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_inline_insert.hpp
//
// Data inlining of INSERT (spec: data inlining): an insert expected to be small collects its rows
// before the Parquet writer. When they, with the rows the transaction inlined into the table
// before, are at most the table's data_inlining_row_limit, the transaction keeps them for the
// catalog's inlined-data table and no file is written; otherwise all of them (the earlier inlined
// rows too) go on to the Parquet writer.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/execution/physical_operator.hpp"

namespace duckdb {

class DuckLakeTableEntry;

class DuckLakeInlineInsert : public PhysicalOperator {
public:
	DuckLakeInlineInsert(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, vector<LogicalType> types,
	                     idx_t row_limit, idx_t estimated_cardinality);

	//! The effective data_inlining_row_limit of `table` when an insert of `estimated_rows` rows into it
	//! should collect its rows for inlining; 0 when it should go straight to Parquet.
	static idx_t InliningLimit(ClientContext &context, DuckLakeTableEntry &table, idx_t estimated_rows,
	                           idx_t row_limit);

	DuckLakeTableEntry &table;
	idx_t row_limit;

	//! After execution: rows kept for inlining, and earlier inlined rows moved on to the Parquet writer.
	idx_t InlinedRowCount() const;
	idx_t MovedRowCount() const;

public:
	unique_ptr<GlobalSinkState> GetGlobalSinkState(ClientContext &context) const override;
	SinkResultType Sink(ExecutionContext &context, DataChunk &chunk, OperatorSinkInput &input) const override;
	SinkFinalizeType Finalize(Pipeline &pipeline, Event &event, ClientContext &context,
	                          OperatorSinkFinalizeInput &input) const override;
	bool IsSink() const override {
		return true;
	}
	bool ParallelSink() const override {
		return false;
	}

	unique_ptr<GlobalSourceState> GetGlobalSourceState(ClientContext &context) const override;
	SourceResultType GetData(ExecutionContext &context, DataChunk &chunk, OperatorSourceInput &input) const override;
	bool IsSource() const override {
		return true;
	}

	string GetName() const override {
		return "DUCKLAKE_INLINE_INSERT";
	}
	InsertionOrderPreservingMap<string> ParamsToString() const override;
};

} // namespace duckdb
