#include "mallard/lake/ducklake_delete.hpp"

#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/scan/scan_file_list.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/types/vector.hpp"
#include "duckdb/execution/physical_plan_generator.hpp"
#include "duckdb/planner/expression/bound_reference_expression.hpp"
#include "duckdb/planner/operator/logical_delete.hpp"

#include <algorithm>
#include <mutex>

namespace duckdb {

namespace {

void MergeRows(DeletedRowsByFile &source, DeletedRowsByFile &target) {
	for (auto &entry : source) {
		auto &positions = target[entry.first];
		positions.insert(positions.end(), entry.second.begin(), entry.second.end());
	}
	source.clear();
}

struct DeleteGlobalState : public GlobalSinkState {
	std::mutex lock;
	DeletedRowsByFile rows;
	idx_t deleted_count = 0;
};

struct DeleteLocalState : public LocalSinkState {
	DeletedRowsByFile rows;
};

struct CollectorState : public OperatorState {
	DeletedRowsByFile rows;
};

} // namespace

void CollectDeletedRows(DataChunk &chunk, idx_t filename_index, idx_t position_index, DeletedRowsByFile &rows) {
	UnifiedVectorFormat filenames;
	UnifiedVectorFormat positions;
	chunk.data[filename_index].ToUnifiedFormat(chunk.size(), filenames);
	chunk.data[position_index].ToUnifiedFormat(chunk.size(), positions);
	auto filename_data = UnifiedVectorFormat::GetData<string_t>(filenames);
	auto position_data = UnifiedVectorFormat::GetData<int64_t>(positions);
	DeletePositions *current = nullptr;
	string_t current_name;
	for (idx_t i = 0; i < chunk.size(); i++) {
		auto name_idx = filenames.sel->get_index(i);
		auto pos_idx = positions.sel->get_index(i);
		if (!filenames.validity.RowIsValid(name_idx) || !positions.validity.RowIsValid(pos_idx)) {
			throw InvalidInputException("Lake delete: a row to delete has no data file position");
		}
		auto &name = filename_data[name_idx];
		if (!current || !(name == current_name)) {
			current = &rows[name.GetString()];
			current_name = name;
		}
		current->push_back(NumericCast<idx_t>(position_data[pos_idx]));
	}
}

void StageDeletedRows(ClientContext &context, DuckLakeTableEntry &table, DeletedRowsByFile &rows) {
	auto changed_twice = [&]() {
		return InvalidInputException("UPDATE or MERGE on lake table \"%s\" would change a row more than once: several "
		                             "source rows match it. Make the source rows match each target row at most once "
		                             "(e.g. with DISTINCT ON or an aggregate)",
		                             table.name);
	};
	for (auto &entry : rows) {
		auto &positions = entry.second;
		std::sort(positions.begin(), positions.end());
		if (std::adjacent_find(positions.begin(), positions.end()) != positions.end()) {
			throw changed_twice();
		}
	}
	// Rows staged by another thread of the same statement, or by an earlier action of one MERGE: a
	// later statement's scan no longer sees the rows this transaction deleted.
	idx_t repeated = StageInlinedDeletes(context, table, rows);
	if (rows.empty()) {
		if (repeated > 0) {
			throw changed_twice();
		}
		return;
	}
	auto &catalog = table.GetLakeCatalog();
	auto &transaction = DuckLakeTransaction::Get(context, catalog);
	auto folder = table.GetDataFolder();
	unordered_map<string, const DataFileInfo *> by_path;
	shared_ptr<const ScanFileList> committed;
	if (!DuckLakeTransaction::IsLocalId(table.GetTableId())) {
		committed = catalog.GetDataFiles(table, transaction.GetSnapshot());
		for (auto &file : committed->files) {
			by_path[file->path] = &file->info;
		}
	}
	// Rows this transaction inserted itself live in its local files (ducklake_local_deletes.cpp).
	unordered_map<string, string> local_paths;
	auto local_files = transaction.GetLocalDataFiles(table.GetTableId());
	if (local_files) {
		for (auto &file : *local_files) {
			local_paths[LakePaths::Resolve(folder, file.path, file.path_is_relative)] = file.path;
		}
	}
	for (auto &entry : rows) {
		auto file = by_path.find(entry.first);
		if (file == by_path.end()) {
			auto local = local_paths.find(entry.first);
			if (local == local_paths.end()) {
				throw InvalidInputException("Lake delete on table \"%s\": the row's data file \"%s\" is not part of "
				                            "the table",
				                            table.name, entry.first);
			}
			repeated += transaction.AddLocalFileDeletes(table.GetTableId(), local->second, std::move(entry.second));
			continue;
		}
		repeated += transaction.AddDeletes(table, *file->second, std::move(entry.second));
	}
	rows.clear();
	if (repeated > 0) {
		throw changed_twice();
	}
}

//===--------------------------------------------------------------------===//
// DuckLakeDelete
//===--------------------------------------------------------------------===//
DuckLakeDelete::DuckLakeDelete(PhysicalPlan &physical_plan, DuckLakeTableEntry &table, idx_t filename_index,
                               idx_t position_index, idx_t estimated_cardinality)
    : PhysicalOperator(physical_plan, PhysicalOperatorType::EXTENSION, {LogicalType::BIGINT}, estimated_cardinality),
      table(table), filename_index(filename_index), position_index(position_index) {
}

unique_ptr<GlobalSinkState> DuckLakeDelete::GetGlobalSinkState(ClientContext &context) const {
	return make_uniq<DeleteGlobalState>();
}

unique_ptr<LocalSinkState> DuckLakeDelete::GetLocalSinkState(ExecutionContext &context) const {
	return make_uniq<DeleteLocalState>();
}

SinkResultType DuckLakeDelete::Sink(ExecutionContext &context, DataChunk &chunk, OperatorSinkInput &input) const {
	auto &local = input.local_state.Cast<DeleteLocalState>();
	CollectDeletedRows(chunk, filename_index, position_index, local.rows);
	return SinkResultType::NEED_MORE_INPUT;
}

SinkCombineResultType DuckLakeDelete::Combine(ExecutionContext &context, OperatorSinkCombineInput &input) const {
	auto &global = input.global_state.Cast<DeleteGlobalState>();
	auto &local = input.local_state.Cast<DeleteLocalState>();
	std::lock_guard<std::mutex> guard(global.lock);
	MergeRows(local.rows, global.rows);
	return SinkCombineResultType::FINISHED;
}

SinkFinalizeType DuckLakeDelete::Finalize(Pipeline &pipeline, Event &event, ClientContext &context,
                                          OperatorSinkFinalizeInput &input) const {
	auto &global = input.global_state.Cast<DeleteGlobalState>();
	for (auto &entry : global.rows) {
		// A row reached twice (a join in the USING clause) is deleted once.
		std::sort(entry.second.begin(), entry.second.end());
		entry.second.erase(std::unique(entry.second.begin(), entry.second.end()), entry.second.end());
		global.deleted_count += entry.second.size();
	}
	StageDeletedRows(context, table, global.rows);
	return SinkFinalizeType::READY;
}

SourceResultType DuckLakeDelete::GetData(ExecutionContext &context, DataChunk &chunk,
                                         OperatorSourceInput &input) const {
	auto &global = sink_state->Cast<DeleteGlobalState>();
	chunk.SetCardinality(1);
	chunk.SetValue(0, 0, Value::BIGINT(NumericCast<int64_t>(global.deleted_count)));
	return SourceResultType::FINISHED;
}

//===--------------------------------------------------------------------===//
// DuckLakeDeleteCollector
//===--------------------------------------------------------------------===//
DuckLakeDeleteCollector::DuckLakeDeleteCollector(PhysicalPlan &physical_plan, DuckLakeTableEntry &table,
                                                 vector<LogicalType> types, idx_t filename_index,
                                                 idx_t position_index, idx_t estimated_cardinality)
    : PhysicalOperator(physical_plan, PhysicalOperatorType::EXTENSION, std::move(types), estimated_cardinality),
      table(table), filename_index(filename_index), position_index(position_index) {
}

unique_ptr<OperatorState> DuckLakeDeleteCollector::GetOperatorState(ExecutionContext &context) const {
	return make_uniq<CollectorState>();
}

OperatorResultType DuckLakeDeleteCollector::Execute(ExecutionContext &context, DataChunk &input, DataChunk &chunk,
                                                    GlobalOperatorState &gstate, OperatorState &state) const {
	CollectDeletedRows(input, filename_index, position_index, state.Cast<CollectorState>().rows);
	chunk.Reference(input);
	return OperatorResultType::NEED_MORE_INPUT;
}

OperatorFinalizeResultType DuckLakeDeleteCollector::FinalExecute(ExecutionContext &context, DataChunk &chunk,
                                                                 GlobalOperatorState &gstate,
                                                                 OperatorState &state) const {
	StageDeletedRows(context.client, table, state.Cast<CollectorState>().rows);
	return OperatorFinalizeResultType::FINISHED;
}

//===--------------------------------------------------------------------===//
// Planning entry point of the catalog
//===--------------------------------------------------------------------===//
PhysicalOperator &DuckLakeCatalog::PlanDelete(ClientContext &context, PhysicalPlanGenerator &planner, LogicalDelete &op,
                                              PhysicalOperator &plan) {
	if (op.return_chunk) {
		throw NotImplementedException("DELETE ... RETURNING is not supported on lake tables");
	}
	// Row-id columns: rowid, filename, file_row_number (DuckLakeTableEntry::GetRowIdColumns).
	if (op.expressions.size() != 3) {
		throw NotImplementedException("DELETE on lake table \"%s\": unexpected row address", op.table.name);
	}
	auto filename_index = op.expressions[1]->Cast<BoundReferenceExpression>().index;
	auto position_index = op.expressions[2]->Cast<BoundReferenceExpression>().index;
	auto &del = planner.Make<DuckLakeDelete>(op.table.Cast<DuckLakeTableEntry>(), filename_index, position_index,
	                                         op.estimated_cardinality);
	del.children.push_back(plan);
	return del;
}

} // namespace duckdb
