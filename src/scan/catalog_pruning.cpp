#include "mallard/scan/catalog_pruning.hpp"

#include "mallard/catalog/ducklake_types.hpp"

#include "mallard/scan/file_pruning.hpp"

#include "duckdb/planner/filter/conjunction_filter.hpp"
#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"

namespace duckdb {

namespace {

//! The SQL literal a comparison with `constant` is made against in the catalog: a BIGINT for integer
//! columns, the canonical text for DATE and TIMESTAMP columns (compared as text: see
//! TimeTextOrNull); empty when the constant cannot be compared there.
string CatalogLiteral(const LogicalType &column_type, const Value &constant) {
	if (constant.IsNull()) {
		return string();
	}
	if (FitsBigint(column_type)) {
		Value integer;
		if (!constant.DefaultTryCastAs(LogicalType::BIGINT, integer, nullptr)) {
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
	return "'" + constant.ToString() + "'";
}

//! SQL true only when bounds `min`/`max` prove no value passes `filter`; empty when not decidable.
string ExclusionProof(const TableFilter &filter, const LogicalType &type, const string &min, const string &max) {
	switch (filter.filter_type) {
	case TableFilterType::CONSTANT_COMPARISON: {
		auto &constant_filter = filter.Cast<ConstantFilter>();
		auto c = CatalogLiteral(type, constant_filter.constant);
		if (c.empty()) {
			return string();
		}
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
			auto proof = ExclusionProof(*child, type, min, max);
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

string CatalogPruning::TimeTextOrNull(MetadataBackendType backend, const string &expression, bool with_time) {
	// Exactly 'YYYY-MM-DD' for a date, 'YYYY-MM-DD HH:MM:SS' and optional fractional digits for a
	// timestamp: anything else ('infinity', a 5-digit year, a '(BC)' suffix, a date where a timestamp
	// is expected) is NULL and never prunes. Fractional digits must end in a non-zero digit, as
	// DuckDB writes them: '.500000' from another writer would sort after the equal constant '.5'.
	switch (backend) {
	case MetadataBackendType::DUCKDB:
		return "(CASE WHEN regexp_full_match(" + expression + ", '[0-9]{4}-[0-9]{2}-[0-9]{2}" +
		       (with_time ? " [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*[1-9])?" : "") + "') THEN " + expression +
		       " END)";
	case MetadataBackendType::SQLITE:
		// GLOB matches the whole text; SQLite compares text bytewise (BINARY collation).
		if (!with_time) {
			return "(CASE WHEN " + expression + " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN " +
			       expression + " END)";
		}
		// The fraction is checked apart, on its few characters: a pattern that starts with '*' is tried
		// at every position of the text, and two such patterns over the whole text were most of the
		// pruning statement's time (measured).
		return "(CASE WHEN " + expression +
		       " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND (length(" +
		       expression + ") = 19 OR (substr(" + expression + ", 20, 1) = '.' AND substr(" + expression +
		       ", 21) GLOB '*[1-9]' AND substr(" + expression + ", 21) NOT GLOB '*[^0-9]*')) THEN " + expression +
		       " END)";
	case MetadataBackendType::POSTGRES:
		// Bytewise order, whatever the database's collation.
		return "(CASE WHEN " + expression + " ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}" +
		       (with_time ? " [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*[1-9])?" : "") + "$' THEN " + expression +
		       " END) COLLATE \"C\"";
	default:
		throw InternalException("unknown catalog backend");
	}
}

string CatalogPruning::CandidateFiles(const MetadataConnection &conn, idx_t table_id,
                                      const vector<LakeColumnInfo> &columns, const vector<column_t> &column_ids,
                                      const TableFilterSet &filters) {
	auto integer_min = IntegerOrNull(conn.GetType(), "min_value");
	auto integer_max = IntegerOrNull(conn.GetType(), "max_value");
	string result;
	for (auto &entry : filters.filters) {
		auto column_entry = FilteredColumn(columns, column_ids, entry.first);
		if (!column_entry) {
			continue;
		}
		auto &column = *column_entry;
		// Not TIMESTAMPTZ: its text carries an offset, so text order is not time order.
		auto is_time = column.type.id() == LogicalTypeId::DATE || column.type.id() == LogicalTypeId::TIMESTAMP;
		if (!FitsBigint(column.type) && !is_time) {
			continue;
		}
		auto with_time = column.type.id() == LogicalTypeId::TIMESTAMP;
		auto min = is_time ? TimeTextOrNull(conn.GetType(), "min_value", with_time) : integer_min;
		auto max = is_time ? TimeTextOrNull(conn.GetType(), "max_value", with_time) : integer_max;
		auto proof = ExclusionProof(*entry.second, column.type, min, max);
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
