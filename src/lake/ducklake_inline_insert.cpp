#include "mallard/lake/ducklake_inline_insert.hpp"

#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/lake_options.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/main/client_context.hpp"

namespace duckdb {

//! The rows counted against the inlining limit by the writers that share it.
struct InlineBudget {
	explicit InlineBudget(idx_t earlier) : count(earlier) {
	}
	std::mutex lock;
	//! Rows held by the writers, with the transaction's earlier inlined rows of the table.
	idx_t count;
	bool passed_limit = false;
};

shared_ptr<InlineBudget> SharedInlineBudget::Get(ClientContext &context, idx_t earlier_rows) {
	std::lock_guard<std::mutex> guard(lock);
	auto running = context.transaction.GetActiveQuery();
	if (!budget || query != running) {
		budget = make_shared_ptr<InlineBudget>(earlier_rows);
		query = running;
	}
	return budget;
}

namespace {

struct InlineInsertGlobalState : public GlobalOperatorState {
	InlineInsertGlobalState(ClientContext &context, const vector<LogicalType> &types, shared_ptr<InlineBudget> budget)
	    : held(make_uniq<ColumnDataCollection>(context, types)), budget(std::move(budget)) {
	}
	//! Rows held back while the limit is not passed.
	unique_ptr<ColumnDataCollection> held;
	//! Its lock guards this state too.
	shared_ptr<InlineBudget> budget;
	//! This writer's held rows went on to the writer.
	bool released = false;
	//! Earlier inlined rows moved on to the writer.
	idx_t moved = 0;
};

struct InlineInsertLocalState : public OperatorState {
	//! Held rows this thread sends on to the writer, when it was the one to pass the limit.
	unique_ptr<ColumnDataCollection> releasing;
	ColumnDataScanState scan;
};

//! The transaction's earlier inlined inserts into the table, as chunks of `types`.
void AppendRows(ClientContext &context, const vector<vector<Value>> &rows, const vector<LogicalType> &types,
                const string &table_name, ColumnDataCollection &target) {
	DataChunk chunk;
	chunk.Initialize(context, types);
	for (auto &row : rows) {
		if (row.size() != types.size()) {
			throw NotImplementedException("Inserting into lake table \"%s\": this transaction changed the table's "
			                              "partitioning after inserting rows kept for inlining; commit them first",
			                              table_name);
		}
		if (chunk.size() == STANDARD_VECTOR_SIZE) {
			target.Append(chunk);
			chunk.Reset();
		}
		for (idx_t col = 0; col < row.size(); col++) {
			chunk.SetValue(col, chunk.size(), row[col]);
		}
		chunk.SetCardinality(chunk.size() + 1);
	}
	if (chunk.size() > 0) {
		target.Append(chunk);
	}
}

//! Whether a value of the chunk (a few rows: it is held for inlining) is or holds text with a NUL
//! character.
bool HoldsNulText(DataChunk &input) {
	for (idx_t col = 0; col < input.ColumnCount(); col++) {
		auto &type = input.data[col].GetType();
		if (type.id() != LogicalTypeId::VARCHAR && !type.IsNested()) {
			continue;
		}
		for (idx_t row = 0; row < input.size(); row++) {
			auto value = input.GetValue(col, row);
			if (!value.IsNull() && value.ToString().find('\0') != string::npos) {
				return true;
			}
		}
	}
	return false;
}

} // namespace

DuckLakeInlineInsert::DuckLakeInlineInsert(PhysicalPlan &physical_plan, DuckLakeTableEntry &table,
                                           vector<LogicalType> types, idx_t row_limit, optional_idx row_id_column,
                                           idx_t estimated_cardinality)
    : PhysicalOperator(physical_plan, PhysicalOperatorType::EXTENSION, std::move(types), estimated_cardinality),
      table(table), row_limit(row_limit), row_id_column(row_id_column) {
	refuses_nul_text =
	    !table.GetLakeCatalog().WithMetadata([](MetadataConnection &conn) { return conn.StoresNulText(); });
}

idx_t DuckLakeInlineInsert::InliningLimit(ClientContext &context, DuckLakeTableEntry &table, idx_t estimated_rows,
                                          idx_t row_limit, bool keeps_row_ids) {
	if (row_limit == 0) {
		return 0;
	}
	// An inlined-data table holds the table's columns after its own three: where the catalog database
	// cannot make one so wide, or with such names, the rows go to Parquet.
	auto &columns = table.GetTableInfo().columns;
	if (!table.GetLakeCatalog().WithMetadata(
	        [&](MetadataConnection &conn) { return InlinedData::CatalogHolds(conn, columns); })) {
		return 0;
	}
	auto &transaction = DuckLakeTransaction::Get(context, table.catalog);
	auto files = transaction.GetLocalDataFiles(table.GetTableId());
	if (files && !files->empty()) {
		// Provisional row ids of this transaction's files follow its inlined rows (see
		// ducklake_local_deletes.cpp): rows added to those now would move them. An insert gets one
		// row id range: either inlined rows or data files.
		return 0;
	}
	if (keeps_row_ids) {
		// An UPDATE's estimate is the scan's (a point update of a large table estimates a fifth of
		// it): hold back whatever it writes; rows stream on once the limit is passed.
		return row_limit;
	}
	auto local = transaction.GetLocalInlinedRows(table.GetTableId());
	if (local.rows) {
		// Earlier inlined rows must reach the data file if this insert makes the total too large.
		return row_limit;
	}
	// A large insert keeps the writer's file per thread; a wrong estimate only means no inlining.
	return estimated_rows <= row_limit ? row_limit : 0;
}

unique_ptr<GlobalOperatorState> DuckLakeInlineInsert::GetGlobalOperatorState(ClientContext &context) const {
	auto &transaction = DuckLakeTransaction::Get(context, table.catalog);
	auto local = transaction.GetLocalInlinedRows(table.GetTableId());
	idx_t earlier = local.rows ? local.rows->size() : 0;
	auto budget = shared_budget ? shared_budget->Get(context, earlier) : make_shared_ptr<InlineBudget>(earlier);
	return make_uniq<InlineInsertGlobalState>(context, types, std::move(budget));
}

//! Marks the held rows of `gstate` released and returns them, with the transaction's earlier inlined
//! inserts into the table unless the writer keeps row ids (an UPDATE's rows may be among them) or
//! keeps earlier rows: then those stay, and the file's provisional row ids follow them. The caller
//! holds the budget's lock.
static unique_ptr<ColumnDataCollection> ReleaseHeldRows(ClientContext &context, const DuckLakeInlineInsert &op,
                                                        InlineInsertGlobalState &gstate) {
	gstate.released = true;
	gstate.budget->passed_limit = true;
	auto rows = std::move(gstate.held);
	if (!op.row_id_column.IsValid() && !op.keeps_earlier_rows) {
		auto &transaction = DuckLakeTransaction::Get(context, op.table.catalog);
		auto earlier = transaction.TakeLocalInlinedRows(op.table.GetTableId());
		gstate.moved = earlier.size();
		AppendRows(context, earlier, op.types, op.table.name, *rows);
	}
	return rows;
}

unique_ptr<OperatorState> DuckLakeInlineInsert::GetOperatorState(ExecutionContext &context) const {
	return make_uniq<InlineInsertLocalState>();
}

OperatorResultType DuckLakeInlineInsert::Execute(ExecutionContext &context, DataChunk &input, DataChunk &chunk,
                                                 GlobalOperatorState &gstate_p, OperatorState &state_p) const {
	auto &gstate = gstate_p.Cast<InlineInsertGlobalState>();
	auto &state = state_p.Cast<InlineInsertLocalState>();
	if (!state.releasing) {
		auto &budget = *gstate.budget;
		std::lock_guard<std::mutex> guard(budget.lock);
		if (!gstate.released) {
			// Text the catalog cannot store goes to a data file, as rows past the limit do.
			if (!budget.passed_limit && budget.count + input.size() <= row_limit &&
			    !(refuses_nul_text && HoldsNulText(input))) {
				gstate.held->Append(input);
				budget.count += input.size();
				chunk.SetCardinality(0);
				return OperatorResultType::NEED_MORE_INPUT;
			}
			// This chunk passes the limit (or another writer passed it): the held rows go first.
			state.releasing = ReleaseHeldRows(context.client, *this, gstate);
			state.releasing->InitializeScan(state.scan);
		}
	}
	if (state.releasing) {
		state.releasing->Scan(state.scan, chunk);
		if (chunk.size() > 0) {
			return OperatorResultType::HAVE_MORE_OUTPUT;
		}
		state.releasing.reset();
	}
	chunk.Reference(input);
	return OperatorResultType::NEED_MORE_INPUT;
}

unique_ptr<ColumnDataCollection> DuckLakeInlineInsert::TakeHeldRowsPastLimit(ClientContext &context) const {
	if (!op_state) {
		return nullptr;
	}
	auto &gstate = op_state->Cast<InlineInsertGlobalState>();
	std::lock_guard<std::mutex> guard(gstate.budget->lock);
	if (gstate.released || !gstate.budget->passed_limit) {
		return nullptr;
	}
	return ReleaseHeldRows(context, *this, gstate);
}

int64_t DuckLakeInlineInsert::Finish(ClientContext &context) const {
	if (!op_state) {
		return 0;
	}
	auto &gstate = op_state->Cast<InlineInsertGlobalState>();
	if (gstate.released) {
		return -NumericCast<int64_t>(gstate.moved);
	}
	auto &held = *gstate.held;
	if (held.Count() == 0) {
		return 0;
	}
	vector<vector<Value>> rows;
	vector<int64_t> kept_row_ids;
	for (auto &data : held.Chunks()) {
		for (idx_t row = 0; row < data.size(); row++) {
			vector<Value> values;
			values.reserve(data.ColumnCount());
			for (idx_t col = 0; col < data.ColumnCount(); col++) {
				if (row_id_column.IsValid() && col == row_id_column.GetIndex()) {
					kept_row_ids.push_back(data.GetValue(col, row).GetValue<int64_t>());
				} else {
					values.push_back(data.GetValue(col, row));
				}
			}
			rows.push_back(std::move(values));
		}
	}
	auto count = NumericCast<int64_t>(rows.size());
	auto &transaction = DuckLakeTransaction::Get(context, table.catalog);
	transaction.AddInlinedRows(table, std::move(rows), std::move(kept_row_ids));
	return count;
}

InsertionOrderPreservingMap<string> DuckLakeInlineInsert::ParamsToString() const {
	InsertionOrderPreservingMap<string> result;
	result["Table"] = table.name;
	result["Inlining Row Limit"] = std::to_string(row_limit);
	return result;
}

} // namespace duckdb
