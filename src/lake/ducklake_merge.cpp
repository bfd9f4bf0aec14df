// MERGE INTO a lake table. DuckDB's PhysicalMergeInto matches source and target rows and hands
// each action's rows to a sink: DELETE to DuckLakeDelete, UPDATE and INSERT to a DuckLakeRowSink,
// which pushes them through the same writer an INSERT plans (DuckLakeInsert::Plan: storage
// conversions, NOT NULL check, Parquet COPY with field ids), driven by hand because an action's
// sink receives chunks directly instead of running as a pipeline.
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_delete.hpp"
#include "mallard/lake/ducklake_inline_insert.hpp"
#include "mallard/lake/ducklake_insert.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_update.hpp"

#include "duckdb/execution/execution_context.hpp"
#include "duckdb/execution/expression_executor.hpp"
#include "duckdb/execution/operator/persistent/physical_merge_into.hpp"
#include "duckdb/execution/operator/scan/physical_empty_result.hpp"
#include "duckdb/execution/physical_plan_generator.hpp"
#include "duckdb/parallel/thread_context.hpp"
#include "duckdb/planner/operator/logical_merge_into.hpp"

#include <mutex>

namespace duckdb {

namespace {

//! The rows of an INSERT or UPDATE action, written into new data files of the table.
class DuckLakeRowSink : public PhysicalOperator {
public:
	DuckLakeRowSink(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, PhysicalOperator &insert,
	                vector<unique_ptr<Expression>> update_expressions, idx_t filename_index, idx_t position_index)
	    : PhysicalOperator(physical_plan, PhysicalOperatorType::EXTENSION, {LogicalType::BIGINT}, 0), table(table),
	      insert(insert), update_expressions(std::move(update_expressions)), filename_index(filename_index),
	      position_index(position_index) {
		// DuckLakeInsert <- copy <- conversions... <- placeholder: the conversions run here by hand.
		copy = &insert.children[0].get();
		for (auto op = copy; !op->children.empty() && op->children[0].get().type != PhysicalOperatorType::EMPTY_RESULT;) {
			op = &op->children[0].get();
			chain.insert(chain.begin(), *op);
		}
	}

	DuckLakeTableEntry &table;
	PhysicalOperator &insert;
	//! Not const: its results are read by setting its sink state by hand (see Finalize).
	PhysicalOperator *copy;
	//! Streaming operators between the new rows and the Parquet writer, in execution order.
	vector<reference<PhysicalOperator>> chain;
	//! UPDATE: the new row (table columns, then row id) from the action's input; empty for INSERT.
	vector<unique_ptr<Expression>> update_expressions;
	idx_t filename_index;
	idx_t position_index;

	struct GlobalState : public GlobalSinkState {
		//! Owned by the writer itself (its sink_state): in per-thread mode it reads it from there.
		optional_ptr<GlobalSinkState> copy_state;
		std::mutex lock;
		DeletedRowsByFile deleted;
	};
	struct LocalState : public LocalSinkState {
		unique_ptr<LocalSinkState> copy_state;
		vector<unique_ptr<OperatorState>> chain_states;
		vector<unique_ptr<DataChunk>> chain_chunks;
		unique_ptr<ExpressionExecutor> executor;
		DataChunk row;
		DeletedRowsByFile deleted;
	};

	bool IsUpdate() const {
		return !update_expressions.empty();
	}

	unique_ptr<GlobalSinkState> GetGlobalSinkState(ClientContext &context) const override {
		auto result = make_uniq<GlobalState>();
		copy->sink_state = copy->GetGlobalSinkState(context);
		result->copy_state = copy->sink_state.get();
		for (auto &op : chain) {
			// Where a pipeline keeps it: the inlining step reads its own after the writer finished.
			op.get().op_state = op.get().GetGlobalOperatorState(context);
		}
		return std::move(result);
	}

	unique_ptr<LocalSinkState> GetLocalSinkState(ExecutionContext &context) const override {
		auto result = make_uniq<LocalState>();
		result->copy_state = copy->GetLocalSinkState(context);
		for (auto &op : chain) {
			result->chain_states.push_back(op.get().GetOperatorState(context));
			auto chunk = make_uniq<DataChunk>();
			chunk->Initialize(context.client, op.get().types);
			result->chain_chunks.push_back(std::move(chunk));
		}
		if (IsUpdate()) {
			result->executor = make_uniq<ExpressionExecutor>(context.client, update_expressions);
			vector<LogicalType> types;
			for (auto &expression : update_expressions) {
				types.push_back(expression->return_type);
			}
			result->row.Initialize(context.client, types);
		}
		return std::move(result);
	}

	SinkResultType Sink(ExecutionContext &context, DataChunk &chunk, OperatorSinkInput &input) const override {
		auto &global = input.global_state.Cast<GlobalState>();
		auto &local = input.local_state.Cast<LocalState>();
		DataChunk *rows = &chunk;
		if (IsUpdate()) {
			CollectDeletedRows(chunk, filename_index, position_index, local.deleted);
			local.row.Reset();
			local.executor->Execute(chunk, local.row);
			rows = &local.row;
		}
		return Push(context, *rows, 0, global, local, input.interrupt_state);
	}

	//! Runs `rows` through the chain from operator `index` on, then into the writer. An operator may
	//! hold rows back (no output) or release more than it was given (HAVE_MORE_OUTPUT): the
	//! inlining step does both.
	SinkResultType Push(ExecutionContext &context, DataChunk &rows, idx_t index, GlobalState &global,
	                    LocalState &local, InterruptState &interrupt) const {
		if (index == chain.size()) {
			if (rows.size() == 0) {
				return SinkResultType::NEED_MORE_INPUT;
			}
			OperatorSinkInput copy_input {*global.copy_state, *local.copy_state, interrupt};
			return copy->Sink(context, rows, copy_input);
		}
		auto &op = chain[index].get();
		auto &out = *local.chain_chunks[index];
		while (true) {
			out.Reset();
			auto result = op.Execute(context, rows, out, *op.op_state, *local.chain_states[index]);
			if (out.size() > 0) {
				Push(context, out, index + 1, global, local, interrupt);
			}
			if (result != OperatorResultType::HAVE_MORE_OUTPUT) {
				return SinkResultType::NEED_MORE_INPUT;
			}
		}
	}

	SinkCombineResultType Combine(ExecutionContext &context, OperatorSinkCombineInput &input) const override {
		auto &global = input.global_state.Cast<GlobalState>();
		auto &local = input.local_state.Cast<LocalState>();
		OperatorSinkCombineInput copy_input {*global.copy_state, *local.copy_state, input.interrupt_state};
		auto result = copy->Combine(context, copy_input);
		std::lock_guard<std::mutex> guard(global.lock);
		for (auto &entry : local.deleted) {
			auto &positions = global.deleted[entry.first];
			positions.insert(positions.end(), entry.second.begin(), entry.second.end());
		}
		local.deleted.clear();
		return result;
	}

	//! Sends on the rows the inlining step still holds when another action's writer passed the
	//! shared inlining limit after this one last saw rows (SharedInlineBudget).
	void SendHeldRowsPastLimit(ExecutionContext &execution, GlobalState &global) const {
		auto inline_insert = insert.Cast<DuckLakeInsert>().inline_insert;
		if (!inline_insert) {
			return;
		}
		auto held = inline_insert->TakeHeldRowsPastLimit(execution.client);
		if (!held) {
			return;
		}
		// On through the operators after the inlining step (the last of the chain, before the writer).
		idx_t after = 0;
		while (after < chain.size() && &chain[after++].get() != inline_insert.get()) {
		}
		auto local_state = GetLocalSinkState(execution);
		auto &local = local_state->Cast<LocalState>();
		InterruptState interrupt;
		for (auto &rows : held->Chunks()) {
			Push(execution, rows, after, global, local, interrupt);
		}
		OperatorSinkCombineInput copy_combine {*global.copy_state, *local.copy_state, interrupt};
		copy->Combine(execution, copy_combine);
	}

	SinkFinalizeType Finalize(Pipeline &pipeline, Event &event, ClientContext &context,
	                          OperatorSinkFinalizeInput &input) const override {
		auto &global = input.global_state.Cast<GlobalState>();
		ThreadContext thread(context);
		ExecutionContext execution(context, thread, nullptr);
		SendHeldRowsPastLimit(execution, global);
		OperatorSinkFinalizeInput copy_finalize {*global.copy_state, input.interrupt_state};
		copy->Finalize(pipeline, event, context, copy_finalize);
		// The writer reports its files as a source; DuckLakeInsert turns them into the transaction's
		// data files.
		auto source_global = copy->GetGlobalSourceState(context);
		auto source_local = copy->GetLocalSourceState(execution, *source_global);
		auto insert_global = insert.GetGlobalSinkState(context);
		auto insert_local = insert.GetLocalSinkState(execution);
		InterruptState interrupt;
		while (true) {
			DataChunk files;
			files.Initialize(context, copy->types);
			OperatorSourceInput source_input {*source_global, *source_local, interrupt};
			auto result = copy->GetData(execution, files, source_input);
			if (files.size() > 0) {
				OperatorSinkInput insert_input {*insert_global, *insert_local, interrupt};
				insert.Sink(execution, files, insert_input);
			}
			if (result != SourceResultType::HAVE_MORE_OUTPUT) {
				break;
			}
		}
		// The replaced rows go first, as an UPDATE's collector stages them before its writer finishes:
		// a replaced row of this transaction's inlined rows is found by its row id, which its new row,
		// inlined by the writer's finish, keeps too.
		StageDeletedRows(context, table, global.deleted);
		OperatorSinkFinalizeInput insert_finalize {*insert_global, interrupt};
		insert.Finalize(pipeline, event, context, insert_finalize);
		return SinkFinalizeType::READY;
	}

	bool IsSink() const override {
		return true;
	}
	bool ParallelSink() const override {
		return true;
	}
	string GetName() const override {
		return "DUCKLAKE_MERGE_WRITE";
	}

};

//! Plans the writer for rows of `types` (table columns, plus row ids when `with_row_ids`); its
//! inlining decision is shared with the statement's other writers.
PhysicalOperator &PlanRowWriter(ClientContext &context, PhysicalPlanGenerator &planner, DuckLakeTableEntry &table,
                                vector<LogicalType> types, bool with_row_ids,
                                const shared_ptr<SharedInlineBudget> &inline_budget) {
	auto &placeholder = planner.Make<PhysicalEmptyResult>(std::move(types), 0);
	// Unsorted even for a sorted table: the row sink pushes rows through the writer's operators by
	// hand, and a sort is not one it can push through. Compaction writes them sorted later.
	auto &insert = DuckLakeInsert::Plan(context, planner, table, placeholder, with_row_ids, true, false);
	auto inline_insert = insert.Cast<DuckLakeInsert>().inline_insert;
	if (inline_insert) {
		inline_insert->shared_budget = inline_budget;
		inline_insert->keeps_earlier_rows = true;
	}
	return insert;
}

} // namespace

PhysicalOperator &DuckLakeCatalog::PlanMergeInto(ClientContext &context, PhysicalPlanGenerator &planner,
                                                 LogicalMergeInto &op, PhysicalOperator &plan) {
	if (op.return_chunk) {
		throw NotImplementedException("MERGE INTO ... RETURNING is not supported on lake tables");
	}
	auto &table = op.table.Cast<DuckLakeTableEntry>();
	// Row-id columns: rowid, filename, file_row_number (DuckLakeTableEntry::GetRowIdColumns).
	auto row_id_index = op.row_id_start;
	auto filename_index = op.row_id_start + 1;
	auto position_index = op.row_id_start + 2;
	vector<LogicalType> table_types;
	for (auto &column : table.GetColumns().Physical()) {
		table_types.push_back(column.Type());
	}

	map<MergeActionCondition, vector<unique_ptr<MergeIntoOperator>>> actions;
	idx_t append_count = 0;
	// Few new rows are inlined: the writers of all UPDATE and INSERT actions decide together.
	auto inline_budget = make_shared_ptr<SharedInlineBudget>();
	for (auto &entry : op.actions) {
		vector<unique_ptr<MergeIntoOperator>> planned;
		for (auto &action : entry.second) {
			auto result = make_uniq<MergeIntoOperator>();
			result->action_type = action->action_type;
			result->condition = std::move(action->condition);
			switch (action->action_type) {
			case MergeActionType::MERGE_DELETE:
				result->op = planner.Make<DuckLakeDelete>(table, filename_index, position_index, 0);
				break;
			case MergeActionType::MERGE_UPDATE: {
				append_count++;
				auto row = UpdatedRowExpressions(table, action->columns, action->expressions, op.bound_defaults,
				                                 row_id_index);
				auto row_types = table_types;
				row_types.push_back(LogicalType::BIGINT);
				auto &insert = PlanRowWriter(context, planner, table, row_types, true, inline_budget);
				result->op = planner.Make<DuckLakeRowSink>(table, insert, std::move(row), filename_index,
				                                           position_index);
				break;
			}
			case MergeActionType::MERGE_INSERT: {
				append_count++;
				auto &insert = PlanRowWriter(context, planner, table, table_types, false, inline_budget);
				result->op = planner.Make<DuckLakeRowSink>(table, insert, vector<unique_ptr<Expression>>(), 0, 0);
				if (!action->column_index_map.empty()) {
					// Columns the INSERT leaves out take their defaults.
					vector<unique_ptr<Expression>> row;
					for (auto &column : table.GetColumns().Physical()) {
						auto mapped = action->column_index_map[column.Physical()];
						if (mapped == DConstants::INVALID_INDEX) {
							row.push_back(op.bound_defaults[column.StorageOid()]->Copy());
						} else {
							row.push_back(std::move(action->expressions[mapped]));
						}
					}
					action->expressions = std::move(row);
				}
				result->expressions = std::move(action->expressions);
				break;
			}
			case MergeActionType::MERGE_ERROR:
				result->expressions = std::move(action->expressions);
				break;
			case MergeActionType::MERGE_DO_NOTHING:
				break;
			default:
				throw NotImplementedException("MERGE INTO a lake table: unsupported action");
			}
			planned.push_back(std::move(result));
		}
		actions.emplace(entry.first, std::move(planned));
	}
	auto &merge = planner.Make<PhysicalMergeInto>(op.types, std::move(actions), op.row_id_start, op.source_marker,
	                                              append_count <= 1, op.return_chunk);
	merge.children.push_back(plan);
	return merge;
}

} // namespace duckdb
