#include "mallard/scan/catalog_pruning.hpp"

#include "mallard/catalog/ducklake_types.hpp"

#include "mallard/scan/file_pruning.hpp"

#include "duckdb/planner/filter/conjunction_filter.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"

namespace duckdb {

namespace {

//! SQL true only when bounds `min`/`max` prove no value passes `filter`; empty when not decidable.
string ExclusionProof(const TableFilter &filter, const string &min, const string &max) {
	switch (filter.filter_type) {
	case TableFilterType::CONSTANT_COMPARISON: {
		auto &constant_filter = filter.Cast<ConstantFilter>();
		Value constant;
		if (constant_filter.constant.IsNull() ||
		    !constant_filter.constant.DefaultTryCastAs(LogicalType::BIGINT, constant, nullptr)) {
			return string();
		}
		auto c = std::to_string(constant.GetValue<int64_t>());
		switch (constant_filter.comparison_type) {
		case ExpressionType::COMPARE_EQUAL:
			return "(" + max + " < " + c + " OR " + min + " > " + c + ")";
		case ExpressionType::COMPARE_GREATERTHAN:
			return max + " <= " + c;
		case ExpressionType::COMPARE_GREATERTHANOREQUALTO:
			return max + " < " + c;
		case ExpressionType::COMPARE_LESSTHAN:
			return min + " >= " + c;
		case ExpressionType::COMPARE_LESSTHANOREQUALTO:
			return min + " > " + c;
		default:
			return string();
		}
	}
	case TableFilterType::CONJUNCTION_AND: {
		// Excluded when any part of the AND is.
		string result;
		for (auto &child : filter.Cast<ConjunctionAndFilter>().child_filters) {
			auto proof = ExclusionProof(*child, min, max);
			if (!proof.empty()) {
				result += (result.empty() ? "" : " OR ") + proof;
			}
		}
		return result.empty() ? result : "(" + result + ")";
	}
	default:
		return string();
	}
}

} // namespace

string CatalogPruning::IntegerOrNull(MetadataBackendType backend, const string &expression) {
	switch (backend) {
	case MetadataBackendType::DUCKDB:
		return "TRY_CAST(" + expression + " AS BIGINT)";
	case MetadataBackendType::SQLITE:
		// CAST never fails in SQLite ('abc' becomes 0): keep only text that survives the round trip.
		return "(CASE WHEN CAST(CAST(" + expression + " AS INTEGER) AS TEXT) = " + expression + " THEN CAST(" +
		       expression + " AS INTEGER) END)";
	case MetadataBackendType::POSTGRES:
		return "(CASE WHEN " + expression + " ~ '^-?[0-9]{1,18}$' THEN CAST(" + expression + " AS BIGINT) END)";
	default:
		throw InternalException("unknown catalog backend");
	}
}

string CatalogPruning::CandidateFiles(const MetadataConnection &conn, idx_t table_id,
                                      const vector<LakeColumnInfo> &columns, const vector<column_t> &column_ids,
                                      const TableFilterSet &filters) {
	auto min = IntegerOrNull(conn.GetType(), "min_value");
	auto max = IntegerOrNull(conn.GetType(), "max_value");
	string result;
	for (auto &entry : filters.filters) {
		auto column_entry = FilteredColumn(columns, column_ids, entry.first);
		if (!column_entry || !FitsBigint(column_entry->type)) {
			continue;
		}
		auto &column = *column_entry;
		auto proof = ExclusionProof(*entry.second, min, max);
		if (proof.empty()) {
			continue;
		}
		// A file without a statistics row for the column (written before it existed) stays.
		result += (result.empty() ? "" : " AND ") +
		          StringUtil::Format("f.data_file_id NOT IN (SELECT data_file_id FROM %s WHERE table_id = %llu AND "
		                             "column_id = %llu AND %s)",
		                             conn.Table("ducklake_file_column_stats"), table_id, column.column_id, proof);
	}
	return result;
}

} // namespace duckdb
