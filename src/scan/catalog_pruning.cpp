#include "mallard/scan/catalog_pruning.hpp"

#include "mallard/catalog/ducklake_types.hpp"

#include "mallard/scan/file_pruning.hpp"

#include "duckdb/planner/filter/conjunction_filter.hpp"
#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"

namespace duckdb {

namespace {

//! The canonical text of the constant a comparison with `constant` is made against in the catalog:
//! an integer for integer columns, DuckDB's text for DATE and TIMESTAMP columns (compared as text,
//! see FileStatsCondition); empty when the constant cannot be compared there.
string CatalogConstant(const LogicalType &column_type, const Value &constant) {
	if (constant.IsNull()) {
		return string();
	}
	if (FitsBigint(column_type)) {
		Value integer;
		if (!TryCastValue(constant, LogicalType::BIGINT, integer)) {
			return string();
		}
		return std::to_string(integer.GetValue<int64_t>());
	}
	if (constant.type() != column_type) {
		return string();
	}
	date_t date;
	switch (column_type.id()) {
	case LogicalTypeId::DATE:
		date = constant.GetValue<date_t>();
		if (!Date::IsFinite(date)) {
			return string();
		}
		break;
	case LogicalTypeId::TIMESTAMP: {
		auto timestamp = constant.GetValue<timestamp_t>();
		if (!Timestamp::IsFinite(timestamp)) {
			return string();
		}
		date = Timestamp::GetDate(timestamp);
		break;
	}
	default:
		return string();
	}
	// Text order is time order only among 4-digit years (the stored side is guarded the same way).
	auto year = Date::ExtractYear(date);
	if (year < 1000 || year > 9999) {
		return string();
	}
	return constant.ToString();
}

//! Adds to `exclusions` the bound comparisons of which any proves that no value passes `filter`.
void AddExclusions(const TableFilter &filter, const LogicalType &type, StatsBoundKind kind,
                   vector<StatsBoundComparison> &exclusions) {
	switch (filter.filter_type) {
	case TableFilterType::CONSTANT_COMPARISON: {
		auto &constant_filter = filter.Cast<ConstantFilter>();
		auto constant = CatalogConstant(type, constant_filter.constant);
		auto add = [&](bool on_max, ExpressionType comparison) {
			StatsBoundComparison bound;
			if (!constant.empty() && StatsBoundComparison::Make(kind, on_max, comparison, constant, bound)) {
				exclusions.push_back(std::move(bound));
			}
		};
		switch (constant_filter.comparison_type) {
		case ExpressionType::COMPARE_EQUAL:
			add(true, ExpressionType::COMPARE_LESSTHAN);
			add(false, ExpressionType::COMPARE_GREATERTHAN);
			return;
		case ExpressionType::COMPARE_GREATERTHAN:
			return add(true, ExpressionType::COMPARE_LESSTHANOREQUALTO);
		case ExpressionType::COMPARE_GREATERTHANOREQUALTO:
			return add(true, ExpressionType::COMPARE_LESSTHAN);
		case ExpressionType::COMPARE_LESSTHAN:
			return add(false, ExpressionType::COMPARE_GREATERTHANOREQUALTO);
		case ExpressionType::COMPARE_LESSTHANOREQUALTO:
			return add(false, ExpressionType::COMPARE_GREATERTHAN);
		default:
			return;
		}
	}
	case TableFilterType::CONJUNCTION_AND:
		// Excluded when any part of the AND is.
		for (auto &child : filter.Cast<ConjunctionAndFilter>().child_filters) {
			AddExclusions(*child, type, kind, exclusions);
		}
		return;
	default:
		return;
	}
}

} // namespace

FileStatsCondition CatalogPruning::CandidateFiles(const vector<LakeColumnInfo> &columns,
                                                  const vector<column_t> &column_ids, const TableFilterSet &filters) {
	FileStatsCondition result;
	for (auto &entry : filters.filters) {
		auto column_entry = FilteredColumn(columns, column_ids, entry.first);
		if (!column_entry) {
			continue;
		}
		auto &column = *column_entry;
		FileStatsCondition::Column condition;
		condition.column_id = column.column_id;
		// Not TIMESTAMPTZ: its text carries an offset, so text order is not time order.
		if (FitsBigint(column.type)) {
			condition.kind = StatsBoundKind::INTEGER;
		} else if (column.type.id() == LogicalTypeId::DATE) {
			condition.kind = StatsBoundKind::DATE_TEXT;
		} else if (column.type.id() == LogicalTypeId::TIMESTAMP) {
			condition.kind = StatsBoundKind::TIMESTAMP_TEXT;
		} else {
			continue;
		}
		AddExclusions(*entry.second, column.type, condition.kind, condition.exclusions);
		if (!condition.exclusions.empty()) {
			result.columns.push_back(std::move(condition));
		}
	}
	return result;
}

} // namespace duckdb
