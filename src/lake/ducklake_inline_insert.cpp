#include "mallard/lake/ducklake_inline_insert.hpp"

#include "mallard/catalog/lake_options.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

#include "duckdb/common/types/column/column_data_collection.hpp"

namespace duckdb {

namespace {

struct InlineInsertGlobalState : public GlobalSinkState {
	explicit InlineInsertGlobalState(ClientContext &context, const vector<LogicalType> &types)
	    : rows(context, types) {
	}
	ColumnDataCollection rows;
	idx_t inlined = 0;
	idx_t moved = 0;
	bool pass_on = false;
};

struct InlineInsertSourceState : public GlobalSourceState {
	ColumnDataScanState scan;
	bool initialized = false;
};

} // namespace

DuckLakeInlineInsert::DuckLakeInlineInsert(PhysicalPlan &physical_plan, DuckLakeTableEntry &table,
                                           vector<LogicalType> types, idx_t row_limit, idx_t estimated_cardinality)
    : PhysicalOperator(physical_plan, PhysicalOperatorType::EXTENSION, std::move(types), estimated_cardinality),
      table(table), row_limit(row_limit) {
}

idx_t DuckLakeInlineInsert::InliningLimit(ClientContext &context, DuckLakeTableEntry &table, idx_t estimated_rows,
                                          idx_t row_limit) {
	if (row_limit == 0) {
		return 0;
	}
	auto &transaction = DuckLakeTransaction::Get(context, table.catalog);
	auto local = transaction.GetLocalInlinedRows(table.GetTableId());
	if (local.rows) {
		// Earlier inlined rows of this transaction must reach the data file if this insert makes
		// the total too large: collect, whatever the estimate.
		return row_limit;
	}
	auto files = transaction.GetLocalDataFiles(table.GetTableId());
	if (files && !files->empty()) {
		// A table gets either inlined rows or data files from one transaction (one row id range).
		return 0;
	}
	// A large insert streams into Parquet without being collected first; a wrong estimate only
	// costs memory (the collected rows still go to Parquet).
	return estimated_rows <= row_limit ? row_limit : 0;
}

unique_ptr<GlobalSinkState> DuckLakeInlineInsert::GetGlobalSinkState(ClientContext &context) const {
	return make_uniq<InlineInsertGlobalState>(context, types);
}

SinkResultType DuckLakeInlineInsert::Sink(ExecutionContext &context, DataChunk &chunk,
                                          OperatorSinkInput &input) const {
	auto &gstate = input.global_state.Cast<InlineInsertGlobalState>();
	gstate.rows.Append(chunk);
	return SinkResultType::NEED_MORE_INPUT;
}

SinkFinalizeType DuckLakeInlineInsert::Finalize(Pipeline &pipeline, Event &event, ClientContext &context,
                                                OperatorSinkFinalizeInput &input) const {
	auto &gstate = input.global_state.Cast<InlineInsertGlobalState>();
	auto &transaction = DuckLakeTransaction::Get(context, table.catalog);
	auto table_id = table.GetTableId();
	auto local = transaction.GetLocalInlinedRows(table_id);
	idx_t earlier = local.rows ? local.rows->size() : 0;
	auto files = transaction.GetLocalDataFiles(table_id);
	bool has_files = files && !files->empty();
	if (gstate.rows.Count() == 0) {
		return SinkFinalizeType::READY;
	}
	if (!has_files && earlier + gstate.rows.Count() <= row_limit) {
		vector<vector<Value>> rows;
		for (auto &chunk : gstate.rows.Chunks()) {
			for (idx_t row = 0; row < chunk.size(); row++) {
				vector<Value> values;
				values.reserve(chunk.ColumnCount());
				for (idx_t col = 0; col < chunk.ColumnCount(); col++) {
					values.push_back(chunk.GetValue(col, row));
				}
				rows.push_back(std::move(values));
			}
		}
		gstate.inlined = rows.size();
		transaction.AddInlinedRows(table, std::move(rows));
		return SinkFinalizeType::READY;
	}
	// Too many rows: everything goes to a data file, the transaction's earlier inlined rows included.
	gstate.pass_on = true;
	auto earlier_rows = transaction.TakeLocalInlinedRows(table_id);
	gstate.moved = earlier_rows.size();
	DataChunk chunk;
	chunk.Initialize(context, types);
	for (auto &row : earlier_rows) {
		if (row.size() != types.size()) {
			throw NotImplementedException("Inserting into lake table \"%s\": this transaction changed the table's "
			                              "partitioning after inserting rows kept for inlining; commit them first",
			                              table.name);
		}
		if (chunk.size() == STANDARD_VECTOR_SIZE) {
			gstate.rows.Append(chunk);
			chunk.Reset();
		}
		for (idx_t col = 0; col < row.size(); col++) {
			chunk.SetValue(col, chunk.size(), row[col]);
		}
		chunk.SetCardinality(chunk.size() + 1);
	}
	if (chunk.size() > 0) {
		gstate.rows.Append(chunk);
	}
	return SinkFinalizeType::READY;
}

unique_ptr<GlobalSourceState> DuckLakeInlineInsert::GetGlobalSourceState(ClientContext &context) const {
	return make_uniq<InlineInsertSourceState>();
}

SourceResultType DuckLakeInlineInsert::GetData(ExecutionContext &context, DataChunk &chunk,
                                               OperatorSourceInput &input) const {
	auto &gstate = sink_state->Cast<InlineInsertGlobalState>();
	if (!gstate.pass_on) {
		return SourceResultType::FINISHED;
	}
	auto &state = input.global_state.Cast<InlineInsertSourceState>();
	if (!state.initialized) {
		gstate.rows.InitializeScan(state.scan);
		state.initialized = true;
	}
	gstate.rows.Scan(state.scan, chunk);
	return chunk.size() == 0 ? SourceResultType::FINISHED : SourceResultType::HAVE_MORE_OUTPUT;
}

idx_t DuckLakeInlineInsert::InlinedRowCount() const {
	return sink_state ? sink_state->Cast<InlineInsertGlobalState>().inlined : 0;
}

idx_t DuckLakeInlineInsert::MovedRowCount() const {
	return sink_state ? sink_state->Cast<InlineInsertGlobalState>().moved : 0;
}

InsertionOrderPreservingMap<string> DuckLakeInlineInsert::ParamsToString() const {
	InsertionOrderPreservingMap<string> result;
	result["Table"] = table.name;
	result["Inlining Row Limit"] = std::to_string(row_limit);
	return result;
}

} // namespace duckdb
