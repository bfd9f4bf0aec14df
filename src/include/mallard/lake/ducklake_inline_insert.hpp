//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_inline_insert.hpp
//
// Data inlining of INSERT and UPDATE (spec: data inlining): rows on their way to the Parquet writer
// are held back while they, with the rows the transaction inlined into the table before, are at
// most the table's data_inlining_row_limit. If the statement ends within the limit, the
// transaction keeps them for the catalog's inlined-data table and no file is written. Once the
// limit is passed, the held rows (and the transaction's earlier inlined inserts) go on to the
// writer and every later row streams through: a large statement never waits for its whole input.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/execution/physical_operator.hpp"

#include <mutex>

namespace duckdb {

class ColumnDataCollection;
class DuckLakeTableEntry;
struct InlineBudget;

//! One inlining decision for several writers of one statement (a MERGE's UPDATE and INSERT actions):
//! their rows count against one limit, and once it is passed every writer sends its rows to Parquet.
//! Writers deciding apart could leave one statement with inlined rows and a data file, whose
//! provisional row ids were taken before the inlined rows that take ids first at commit.
class SharedInlineBudget {
public:
	//! The budget of the statement running in `context`: a new one for each execution of the plan.
	shared_ptr<InlineBudget> Get(ClientContext &context, idx_t earlier_rows);

private:
	std::mutex lock;
	idx_t query = DConstants::INVALID_INDEX;
	shared_ptr<InlineBudget> budget;
};

class DuckLakeInlineInsert : public PhysicalOperator {
public:
	//! `row_id_column`: the input column holding the row id each row keeps (UPDATE), if any.
	DuckLakeInlineInsert(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, vector<LogicalType> types,
	                     idx_t row_limit, optional_idx row_id_column, idx_t estimated_cardinality);

	//! The effective data_inlining_row_limit of `table` when rows written into it should be held
	//! back for inlining; 0 when they should go straight to Parquet.
	static idx_t InliningLimit(ClientContext &context, DuckLakeTableEntry &table, idx_t estimated_rows,
	                           idx_t row_limit, bool keeps_row_ids);

	DuckLakeTableEntry &table;
	idx_t row_limit;
	optional_idx row_id_column;
	//! The catalog keeps no text with a NUL character (MetadataConnection::StoresNulText).
	bool refuses_nul_text = false;
	//! Set when other writers of the statement share the decision; null: this writer decides alone.
	shared_ptr<SharedInlineBudget> shared_budget;
	//! Past the limit, the transaction's earlier inlined inserts into the table stay inlined instead of
	//! going into this statement's file: set for MERGE, whose other actions find those rows by their
	//! inlined row ids while this writer runs.
	bool keeps_earlier_rows = false;

	//! Before the writer finishes: when another writer sharing the budget passed the limit after this
	//! one last saw rows, the rows this one still holds (with the transaction's earlier inlined inserts,
	//! see ReleaseHeldRows), to be sent on to the writer; null otherwise.
	unique_ptr<ColumnDataCollection> TakeHeldRowsPastLimit(ClientContext &context) const;

	//! After the writer's pipeline ran: gives the rows held back to the transaction when the limit
	//! was never passed. Returns the statement's row count beyond the rows in its files: plus the
	//! rows inlined, minus earlier inlined rows moved into the files.
	int64_t Finish(ClientContext &context) const;

public:
	unique_ptr<GlobalOperatorState> GetGlobalOperatorState(ClientContext &context) const override;
	unique_ptr<OperatorState> GetOperatorState(ExecutionContext &context) const override;
	OperatorResultType Execute(ExecutionContext &context, DataChunk &input, DataChunk &chunk,
	                           GlobalOperatorState &gstate, OperatorState &state) const override;
	bool ParallelOperator() const override {
		return true;
	}

	string GetName() const override {
		return "DUCKLAKE_INLINE_INSERT";
	}
	InsertionOrderPreservingMap<string> ParamsToString() const override;
};

} // namespace duckdb
