//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_delete.hpp
//
// DELETE, TRUNCATE and the delete half of UPDATE on a lake table. Rows are addressed by their data
// file and position (the scan's filename and file_row_number columns); the positions are staged in
// the transaction, which writes one delete file per touched data file at commit (or ends a data
// file whose rows are all gone), as the spec's positional deletes require.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/storage/delete_file.hpp"

#include "duckdb/execution/physical_operator.hpp"

namespace duckdb {

class DuckLakeTableEntry;

//! Deleted positions by the full path of the data file the scan read them from.
using DeletedRowsByFile = unordered_map<string, DeletePositions>;

//! Adds the (data file, position) of each row of `chunk` to `rows`.
void CollectDeletedRows(DataChunk &chunk, idx_t filename_index, idx_t position_index, DeletedRowsByFile &rows);

//! Hands deleted rows to the transaction, keyed by data file. A row must come once (a DELETE
//! removes the repeats of a join first): one an UPDATE or MERGE reaches twice, or that the
//! transaction deleted already, is an error, since two new versions of it would be written.
void StageDeletedRows(ClientContext &context, DuckLakeTableEntry &table, DeletedRowsByFile &rows);
//! Takes the inlined rows out of `rows` and stages their deletes (ducklake_local_inlined.cpp): the
//! commit ends them in the catalog instead of writing delete files (spec: data inlining). Returns
//! how many of them the transaction had deleted already.
idx_t StageInlinedDeletes(ClientContext &context, DuckLakeTableEntry &table, DeletedRowsByFile &rows);

//! DELETE: a sink over the rows to delete; returns their count.
class DuckLakeDelete : public PhysicalOperator {
public:
	DuckLakeDelete(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, idx_t filename_index,
	               idx_t position_index, idx_t estimated_cardinality);

	DuckLakeTableEntry &table;
	//! Where the data file path and the row's position are in the input chunk.
	idx_t filename_index;
	idx_t position_index;

public:
	unique_ptr<GlobalSinkState> GetGlobalSinkState(ClientContext &context) const override;
	unique_ptr<LocalSinkState> GetLocalSinkState(ExecutionContext &context) const override;
	SinkResultType Sink(ExecutionContext &context, DataChunk &chunk, OperatorSinkInput &input) const override;
	SinkCombineResultType Combine(ExecutionContext &context, OperatorSinkCombineInput &input) const override;
	SinkFinalizeType Finalize(Pipeline &pipeline, Event &event, ClientContext &context,
	                          OperatorSinkFinalizeInput &input) const override;
	bool IsSink() const override {
		return true;
	}
	bool ParallelSink() const override {
		return true;
	}
	SourceResultType GetData(ExecutionContext &context, DataChunk &chunk, OperatorSourceInput &input) const override;
	bool IsSource() const override {
		return true;
	}
	string GetName() const override {
		return "DUCKLAKE_DELETE";
	}
};

//! Reads the data file and position of each row passing through (the rows an UPDATE rewrites)
//! and stages them as deleted; the chunk itself passes on unchanged to the writer.
class DuckLakeDeleteCollector : public PhysicalOperator {
public:
	DuckLakeDeleteCollector(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, vector<LogicalType> types,
	                        idx_t filename_index, idx_t position_index, idx_t estimated_cardinality);

	DuckLakeTableEntry &table;
	idx_t filename_index;
	idx_t position_index;

public:
	unique_ptr<OperatorState> GetOperatorState(ExecutionContext &context) const override;
	OperatorResultType Execute(ExecutionContext &context, DataChunk &input, DataChunk &chunk,
	                           GlobalOperatorState &gstate, OperatorState &state) const override;
	OperatorFinalizeResultType FinalExecute(ExecutionContext &context, DataChunk &chunk, GlobalOperatorState &gstate,
	                                        OperatorState &state) const override;
	bool RequiresFinalExecute() const override {
		return true;
	}
	bool ParallelOperator() const override {
		return true;
	}
	string GetName() const override {
		return "DUCKLAKE_UPDATE_DELETE";
	}
};

} // namespace duckdb
