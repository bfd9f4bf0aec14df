#include "mallard/lake/ducklake_not_null_check.hpp"

#include "mallard/lake/ducklake_table_entry.hpp"

namespace duckdb {

bool NeedsNotNullCheck(DuckLakeTableEntry &table) {
	for (auto &column : table.GetTableInfo().columns) {
		if (!column.nulls_allowed) {
			return true;
		}
	}
	return false;
}

DuckLakeNotNullCheck::DuckLakeNotNullCheck(PhysicalPlan &physical_plan, DuckLakeTableEntry &table,
                                           vector<LogicalType> types, idx_t estimated_cardinality)
    : PhysicalOperator(physical_plan, PhysicalOperatorType::EXTENSION, std::move(types), estimated_cardinality),
      table(table) {
}

OperatorResultType DuckLakeNotNullCheck::Execute(ExecutionContext &context, DataChunk &input, DataChunk &chunk,
                                                 GlobalOperatorState &gstate, OperatorState &state) const {
	auto &columns = table.GetTableInfo().columns;
	for (idx_t col = 0; col < columns.size() && col < input.ColumnCount(); col++) {
		if (columns[col].nulls_allowed) {
			continue;
		}
		UnifiedVectorFormat format;
		input.data[col].ToUnifiedFormat(input.size(), format);
		if (format.validity.AllValid()) {
			continue;
		}
		for (idx_t row = 0; row < input.size(); row++) {
			if (!format.validity.RowIsValid(format.sel->get_index(row))) {
				throw ConstraintException("NOT NULL constraint failed: %s.%s", table.name, columns[col].name);
			}
		}
	}
	chunk.Reference(input);
	return OperatorResultType::NEED_MORE_INPUT;
}

} // namespace duckdb
