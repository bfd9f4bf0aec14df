// UPDATE on a lake table = the old rows deleted (positional deletes) + the new rows inserted into a
// new data file in the same snapshot, each carrying the row id of the row it replaces in its
// _ducklake_internal_row_id column (spec: row ids survive an update).
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_delete.hpp"
#include "mallard/lake/ducklake_insert.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_update.hpp"

#include "duckdb/execution/operator/projection/physical_projection.hpp"
#include "duckdb/execution/physical_plan_generator.hpp"
#include "duckdb/planner/expression/bound_reference_expression.hpp"
#include "duckdb/planner/operator/logical_update.hpp"

namespace duckdb {

vector<unique_ptr<Expression>> UpdatedRowExpressions(DuckLakeTableEntry &table, const vector<PhysicalIndex> &columns,
                                                     const vector<unique_ptr<Expression>> &expressions,
                                                     const vector<unique_ptr<Expression>> &bound_defaults,
                                                     idx_t row_id_index) {
	vector<unique_ptr<Expression>> result;
	for (auto &column : table.GetColumns().Physical()) {
		unique_ptr<Expression> value;
		for (idx_t i = 0; i < columns.size(); i++) {
			if (columns[i] != column.Physical()) {
				continue;
			}
			if (expressions[i]->GetExpressionType() == ExpressionType::VALUE_DEFAULT) {
				value = bound_defaults[column.Physical().index]->Copy();
			} else {
				value = expressions[i]->Copy();
			}
		}
		if (!value) {
			throw NotImplementedException("UPDATE on lake table \"%s\": column \"%s\" is not carried to the new row",
			                              table.name, column.Name());
		}
		result.push_back(std::move(value));
	}
	result.push_back(make_uniq<BoundReferenceExpression>(LogicalType::BIGINT, row_id_index));
	return result;
}

PhysicalOperator &DuckLakeCatalog::PlanUpdate(ClientContext &context, PhysicalPlanGenerator &planner, LogicalUpdate &op,
                                              PhysicalOperator &plan) {
	if (op.return_chunk) {
		throw NotImplementedException("UPDATE ... RETURNING is not supported on lake tables");
	}
	auto &table = op.table.Cast<DuckLakeTableEntry>();
	auto &child_types = plan.types;
	// The child emits the SET values (every column: see BindUpdateConstraints), then the row-id
	// columns rowid, filename, file_row_number.
	if (child_types.size() < 3) {
		throw NotImplementedException("UPDATE on lake table \"%s\": unexpected row address", table.name);
	}
	auto row_id_index = child_types.size() - 3;
	auto filename_index = child_types.size() - 2;
	auto position_index = child_types.size() - 1;

	auto &collector = planner.Make<DuckLakeDeleteCollector>(table, child_types, filename_index, position_index,
	                                                        plan.estimated_cardinality);
	collector.children.push_back(plan);

	// The new rows in table column order, then their row ids.
	auto row_expressions = UpdatedRowExpressions(table, op.columns, op.expressions, op.bound_defaults, row_id_index);
	vector<LogicalType> row_types;
	for (auto &expression : row_expressions) {
		row_types.push_back(expression->return_type);
	}
	auto &projection =
	    planner.Make<PhysicalProjection>(row_types, std::move(row_expressions), plan.estimated_cardinality);
	projection.children.push_back(collector);
	return DuckLakeInsert::Plan(context, planner, table, projection, true);
}

} // namespace duckdb
