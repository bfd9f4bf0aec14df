#include "mallard/lake/ducklake_partitioning.hpp"

#include "mallard/functions/murmur3_function.hpp"
#include "mallard/scan/file_pruning.hpp"

#include "duckdb/common/operator/cast_operators.hpp"
#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/common/vector_operations/unary_executor.hpp"
#include "duckdb/function/function_binder.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/planner/expression/bound_cast_expression.hpp"
#include "duckdb/planner/expression/bound_function_expression.hpp"
#include "duckdb/planner/expression/bound_reference_expression.hpp"
#include "duckdb/planner/filter/conjunction_filter.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"
#include "duckdb/planner/filter/in_filter.hpp"
#include "duckdb/planner/filter/optional_filter.hpp"
#include "duckdb/storage/statistics/numeric_stats.hpp"
#include "duckdb/storage/statistics/string_stats.hpp"

namespace duckdb {

bool IsCalendarTransform(const string &transform) {
	return transform == "year" || transform == "month" || transform == "day" || transform == "hour";
}

namespace {

idx_t FindTopLevelColumn(const LakeTableInfo &table, const string &name) {
	for (idx_t i = 0; i < table.columns.size(); i++) {
		if (StringUtil::CIEquals(table.columns[i].name, name)) {
			return i;
		}
	}
	throw BinderException("Cannot partition table \"%s\": column \"%s\" does not exist", table.name, name);
}

string ColumnName(const ParsedExpression &expression, const string &key) {
	if (expression.GetExpressionClass() != ExpressionClass::COLUMN_REF) {
		throw BinderException("Partition key %s must apply to a column of the table", key);
	}
	auto &ref = expression.Cast<ColumnRefExpression>();
	if (ref.IsQualified()) {
		throw BinderException("Partition key %s must name a top-level column", key);
	}
	return ref.GetColumnName();
}

//! bucket(N, col): (murmur3_32(value) & INT_MAX) % N, the hash as DuckLake computes it.
struct BucketFunctionData : public FunctionData {
	explicit BucketFunctionData(int32_t count) : count(count) {
	}
	int32_t count;
	unique_ptr<FunctionData> Copy() const override {
		return make_uniq<BucketFunctionData>(count);
	}
	bool Equals(const FunctionData &other) const override {
		return count == other.Cast<BucketFunctionData>().count;
	}
};

void BucketFunction(DataChunk &args, ExpressionState &state, Vector &result) {
	auto &func = state.expr.Cast<BoundFunctionExpression>();
	auto count = func.bind_info->Cast<BucketFunctionData>().count;
	Vector hash(LogicalType::INTEGER, args.size());
	Murmur3Hash(args.data[0], args.size(), hash);
	UnaryExecutor::Execute<int32_t, int32_t>(hash, result, args.size(),
	                                         [&](int32_t value) { return (value & 0x7FFFFFFF) % count; });
}

//! N of a bucket(N) transform; false for any other transform (or a malformed one another writer
//! stored).
bool TryBucketCount(const string &transform, int32_t &count) {
	if (!StringUtil::StartsWith(transform, "bucket(") || !StringUtil::EndsWith(transform, ")")) {
		return false;
	}
	auto count_text = transform.substr(7, transform.size() - 8);
	return TryCast::Operation(string_t(count_text), count) && count > 0;
}

//! Calendar bounds [start, end) of a file's year/month/day/hour values for one column.
bool CalendarRange(idx_t column_id, const vector<FilePartitionValue> &values, timestamp_t &start,
                   timestamp_t &end) {
	int64_t parts[4];
	bool present[4] = {false, false, false, false};
	static const char *NAMES[] = {"year", "month", "day", "hour"};
	for (auto &value : values) {
		if (value.column_id != column_id) {
			continue;
		}
		if (value.is_null) {
			return false; // no range: the column is NULL in every row
		}
		for (idx_t i = 0; i < 4; i++) {
			if (value.transform == NAMES[i]) {
				try {
					parts[i] = std::stoll(value.value);
					present[i] = true;
				} catch (...) {
					return false;
				}
			}
		}
	}
	// Only a prefix year[, month[, day[, hour]]] is a contiguous range.
	idx_t depth = 0;
	while (depth < 4 && present[depth]) {
		depth++;
	}
	if (depth == 0) {
		return false;
	}
	auto year = int32_t(parts[0]);
	int32_t month = depth > 1 ? int32_t(parts[1]) : 1;
	int32_t day = depth > 2 ? int32_t(parts[2]) : 1;
	int64_t hour = depth > 3 ? parts[3] : 0;
	if (!Date::IsValid(year, month, day) || hour < 0 || hour > 23) {
		return false;
	}
	auto first_day = Date::FromDate(year, month, day);
	start = Timestamp::FromDatetime(first_day, dtime_t(hour * Interval::MICROS_PER_HOUR));
	switch (depth) {
	case 1:
		end = Timestamp::FromDatetime(Date::FromDate(year + 1, 1, 1), dtime_t(0));
		break;
	case 2:
		end = Timestamp::FromDatetime(month == 12 ? Date::FromDate(year + 1, 1, 1) : Date::FromDate(year, month + 1, 1),
		                              dtime_t(0));
		break;
	case 3:
		end = Timestamp::FromDatetime(first_day + 1, dtime_t(0));
		break;
	default:
		end = timestamp_t(start.value + Interval::MICROS_PER_HOUR);
		break;
	}
	return true;
}

} // namespace

vector<LakePartitionField> BindPartitionKeys(const LakeTableInfo &table,
                                             const vector<unique_ptr<ParsedExpression>> &keys) {
	vector<LakePartitionField> result;
	for (auto &key : keys) {
		LakePartitionField field;
		field.partition_key_index = result.size();
		auto key_text = key->ToString();
		if (key->GetExpressionClass() == ExpressionClass::COLUMN_REF) {
			auto index = FindTopLevelColumn(table, ColumnName(*key, key_text));
			auto &column = table.columns[index];
			if (column.type.IsNested()) {
				throw NotImplementedException("Cannot partition by nested column \"%s\"", column.name);
			}
			field.column_id = column.column_id;
			field.transform = "identity";
		} else if (key->GetExpressionClass() == ExpressionClass::FUNCTION) {
			auto &function = key->Cast<FunctionExpression>();
			auto name = StringUtil::Lower(function.function_name);
			if (IsCalendarTransform(name)) {
				if (function.children.size() != 1) {
					throw BinderException("Partition key %s takes one column", key_text);
				}
				auto &column = table.columns[FindTopLevelColumn(table, ColumnName(*function.children[0], key_text))];
				bool ok = LogicalType::TypeIsTimestamp(column.type) || (column.type.id() == LogicalTypeId::DATE && name != "hour");
				if (!ok) {
					throw BinderException("Partition key %s needs a %s column, and \"%s\" is %s", key_text,
					                      name == "hour" ? "TIMESTAMP" : "DATE or TIMESTAMP", column.name,
					                      column.type.ToString());
				}
				field.column_id = column.column_id;
				field.transform = name;
			} else if (name == "bucket") {
				// The messages are DuckLake's.
				if (function.children.size() != 2 ||
				    function.children[1]->GetExpressionClass() != ExpressionClass::COLUMN_REF) {
					throw BinderException("Expected bucket(bucket_count, column), not %s", key_text);
				}
				if (function.children[0]->GetExpressionClass() != ExpressionClass::CONSTANT) {
					throw BinderException("Bucket count must be a constant integer, not %s in %s",
					                      function.children[0]->ToString(), key_text);
				}
				auto count = function.children[0]->Cast<ConstantExpression>().value;
				if (count.IsNull() || !count.DefaultTryCastAs(LogicalType::BIGINT)) {
					throw BinderException("Bucket count must be an integer, not %s in %s", count.ToString(), key_text);
				}
				auto buckets = count.GetValue<int64_t>();
				if (buckets <= 0 || buckets > NumericLimits<int32_t>::Maximum()) {
					throw BinderException("Bucket count must be positive and at most 2147483647, not %s in %s",
					                      count.ToString(), key_text);
				}
				auto &column = table.columns[FindTopLevelColumn(table, ColumnName(*function.children[1], key_text))];
				field.column_id = column.column_id;
				field.transform = "bucket(" + std::to_string(buckets) + ")";
			} else {
				throw NotImplementedException("Unsupported partition transform %s: use a column, year(), month(), "
				                              "day(), hour() or bucket(N, column)",
				                              key_text);
			}
		} else {
			throw NotImplementedException("Unsupported partition key %s: use a column, year(), month(), day(), "
			                              "hour() or bucket(N, column)",
			                              key_text);
		}
		result.push_back(std::move(field));
	}
	return result;
}

string PartitionKeySQL(const LakePartitionField &field, const string &column_sql) {
	if (field.transform == "identity") {
		return column_sql;
	}
	if (IsCalendarTransform(field.transform)) {
		return field.transform + "(" + column_sql + ")";
	}
	int32_t count;
	if (TryBucketCount(field.transform, count)) {
		return "(murmur3_32(" + column_sql + ") & 2147483647) % " + std::to_string(count);
	}
	throw NotImplementedException("Partition transform \"%s\" is not one Mallard can compute", field.transform);
}

vector<PartitionKeyExpression> PlanPartitionKeys(ClientContext &context, const LakeTableInfo &table) {
	vector<PartitionKeyExpression> result;
	case_insensitive_set_t used_names;
	for (auto &field : table.partition_fields) {
		idx_t index = DConstants::INVALID_INDEX;
		for (idx_t i = 0; i < table.columns.size(); i++) {
			if (table.columns[i].column_id == field.column_id) {
				index = i;
			}
		}
		if (index == DConstants::INVALID_INDEX) {
			throw CatalogException("Partition key %llu of table \"%s\" refers to a column that no longer exists",
			                       field.partition_key_index, table.name);
		}
		auto &column = table.columns[index];
		auto input = make_uniq<BoundReferenceExpression>(column.type, index);
		PartitionKeyExpression key;
		int32_t count;
		if (field.transform == "identity") {
			key.name = column.name;
			key.expression = std::move(input);
			if (column.type.id() == LogicalTypeId::BLOB) {
				// The writer reports each file's key values as VARCHAR by reinterpreting the bytes,
				// which fails on bytes that are not UTF-8: give it the blob's escaped text ('\x00\xFF'),
				// the value's text as a flush records it.
				key.expression = BoundCastExpression::AddCastToType(context, std::move(key.expression),
				                                                    LogicalType::VARCHAR);
			}
		} else if (IsCalendarTransform(field.transform)) {
			key.name = field.transform;
			vector<unique_ptr<Expression>> children;
			children.push_back(std::move(input));
			ErrorData error;
			FunctionBinder binder(context);
			key.expression = binder.BindScalarFunction(DEFAULT_SCHEMA, field.transform, std::move(children), error);
			if (!key.expression) {
				error.Throw();
			}
		} else if (TryBucketCount(field.transform, count)) {
			key.name = "bucket";
			ScalarFunction bucket("ducklake_bucket", {column.type}, LogicalType::INTEGER, BucketFunction);
			vector<unique_ptr<Expression>> children;
			children.push_back(std::move(input));
			key.expression = make_uniq<BoundFunctionExpression>(LogicalType::INTEGER, std::move(bucket),
			                                                    std::move(children),
			                                                    make_uniq<BucketFunctionData>(count));
		} else {
			throw NotImplementedException("Table \"%s\" is partitioned with transform \"%s\", which Mallard cannot "
			                              "write",
			                              table.name, field.transform);
		}
		// Folder keys stay unique: year(a), year(b) -> year, year_b.
		if (used_names.count(key.name)) {
			key.name += "_" + column.name;
		}
		used_names.insert(key.name);
		result.push_back(std::move(key));
	}
	return result;
}

namespace {

//! Whether values of `type` that compare equal always hash alike, so that a constant's bucket is
//! the bucket of every row equal to it. Not so for intervals ('1 month' = '30 days'), times with
//! zone, and nested values (their text differs where DuckDB finds them equal, e.g. -0.0 and 0.0).
bool EqualValuesHashAlike(const LogicalType &type) {
	if (type.IsNumeric() || LogicalType::TypeIsTimestamp(type)) {
		return true;
	}
	switch (type.id()) {
	case LogicalTypeId::BOOLEAN:
	case LogicalTypeId::DATE:
	case LogicalTypeId::TIME:
	case LogicalTypeId::UUID:
	case LogicalTypeId::BLOB:
		return true;
	case LogicalTypeId::VARCHAR:
		// A collation compares other text equal.
		return StringType::GetCollation(type).empty();
	default:
		return false;
	}
}

//! NaN equals every NaN in DuckDB, whatever its bits, which are what is hashed.
bool IsNaN(const Value &value) {
	switch (value.type().id()) {
	case LogicalTypeId::FLOAT:
		return Value::IsNan(value.GetValue<float>());
	case LogicalTypeId::DOUBLE:
		return Value::IsNan(value.GetValue<double>());
	default:
		return false;
	}
}

//! Whether the integers that bounds among `children` admit (at most 64 of them) all fall in other
//! buckets: DuckDB turns IN (3, 4, 5) into x >= 3 AND x <= 5.
bool SmallRangeInOtherBuckets(const vector<unique_ptr<TableFilter>> &children, const LogicalType &type,
                              int32_t buckets, int32_t bucket) {
	if (!type.IsIntegral() || type.InternalType() == PhysicalType::INT128 ||
	    type.InternalType() == PhysicalType::UINT128 || type.InternalType() == PhysicalType::UINT64) {
		return false;
	}
	int64_t low = NumericLimits<int64_t>::Minimum();
	int64_t high = NumericLimits<int64_t>::Maximum();
	for (auto &child : children) {
		if (child->filter_type != TableFilterType::CONSTANT_COMPARISON) {
			continue;
		}
		auto &comparison = child->Cast<ConstantFilter>();
		if (comparison.constant.type() != type || comparison.constant.IsNull()) {
			continue;
		}
		auto value = comparison.constant.GetValue<int64_t>();
		switch (comparison.comparison_type) {
		case ExpressionType::COMPARE_GREATERTHANOREQUALTO:
			low = MaxValue(low, value);
			break;
		case ExpressionType::COMPARE_GREATERTHAN:
			if (value == NumericLimits<int64_t>::Maximum()) {
				return false;
			}
			low = MaxValue(low, value + 1);
			break;
		case ExpressionType::COMPARE_LESSTHANOREQUALTO:
			high = MinValue(high, value);
			break;
		case ExpressionType::COMPARE_LESSTHAN:
			if (value == NumericLimits<int64_t>::Minimum()) {
				return false;
			}
			high = MinValue(high, value - 1);
			break;
		default:
			break;
		}
	}
	if (low > high || hugeint_t(high) - hugeint_t(low) >= hugeint_t(64)) {
		return false;
	}
	for (auto value = low;; value++) {
		if (BucketOfValue(Value::BIGINT(value).DefaultCastAs(type), buckets).GetValue<int32_t>() == bucket) {
			return false;
		}
		if (value == high) {
			return true;
		}
	}
}

//! Whether every value the filter admits falls in a bucket other than `bucket` (of `buckets`): an
//! equality, an IN list, a small integer range, or an OR of such.
bool OnlyOtherBuckets(const TableFilter &filter, const LogicalType &type, int32_t buckets, int32_t bucket) {
	auto other_bucket = [&](const Value &constant) {
		// A constant of another type would hash differently from the column's values.
		return constant.type() == type && !constant.IsNull() && !IsNaN(constant) &&
		       BucketOfValue(constant, buckets).GetValue<int32_t>() != bucket;
	};
	switch (filter.filter_type) {
	case TableFilterType::CONSTANT_COMPARISON: {
		auto &comparison = filter.Cast<ConstantFilter>();
		return comparison.comparison_type == ExpressionType::COMPARE_EQUAL && other_bucket(comparison.constant);
	}
	case TableFilterType::IN_FILTER: {
		auto &values = filter.Cast<InFilter>().values;
		return !values.empty() && std::all_of(values.begin(), values.end(), other_bucket);
	}
	case TableFilterType::CONJUNCTION_AND: {
		auto &children = filter.Cast<ConjunctionAndFilter>().child_filters;
		for (auto &child : children) {
			if (OnlyOtherBuckets(*child, type, buckets, bucket)) {
				return true;
			}
		}
		return SmallRangeInOtherBuckets(children, type, buckets, bucket);
	}
	case TableFilterType::CONJUNCTION_OR: {
		auto &children = filter.Cast<ConjunctionOrFilter>().child_filters;
		auto rules_out = [&](const unique_ptr<TableFilter> &child) {
			return OnlyOtherBuckets(*child, type, buckets, bucket);
		};
		return !children.empty() && std::all_of(children.begin(), children.end(), rules_out);
	}
	case TableFilterType::OPTIONAL_FILTER: {
		auto &child = filter.Cast<OptionalFilter>().child_filter;
		return child && OnlyOtherBuckets(*child, type, buckets, bucket);
	}
	default:
		return false;
	}
}

} // namespace

bool BucketRulesOut(const TableFilter &filter, const LakeColumnInfo &column, const vector<FilePartitionValue> &values) {
	if (column.promoted || !EqualValuesHashAlike(column.type)) {
		// Files written under an earlier type may hold values that hashed differently then (an
		// unsigned integer hashes its text, a signed one its value).
		return false;
	}
	for (auto &value : values) {
		int32_t buckets = 0;
		int32_t bucket = 0;
		if (value.is_null || value.column_id != column.column_id || !TryBucketCount(value.transform, buckets) ||
		    !TryCast::Operation(string_t(value.value), bucket)) {
			continue;
		}
		if (OnlyOtherBuckets(filter, column.type, buckets, bucket)) {
			return true;
		}
	}
	return false;
}

bool PartitionValueStatistics(idx_t column_id, const LogicalType &type, const vector<FilePartitionValue> &values,
                              unique_ptr<BaseStatistics> &result) {
	for (auto &value : values) {
		if (value.column_id != column_id || value.transform != "identity") {
			continue;
		}
		// Every row of the file holds this value (NULL: every row is NULL).
		return ConstantStatistics(type, value.is_null ? Value() : Value(value.value), result);
	}
	if (type.id() != LogicalTypeId::DATE && type.id() != LogicalTypeId::TIMESTAMP) {
		// Calendar parts of TIMESTAMPTZ depend on the writer's time zone; other units need casts.
		return false;
	}
	timestamp_t start, end;
	if (!CalendarRange(column_id, values, start, end)) {
		return false;
	}
	auto stats = NumericStats::CreateUnknown(type);
	if (type.id() == LogicalTypeId::DATE) {
		NumericStats::SetMin(stats, Value::DATE(Timestamp::GetDate(start)));
		NumericStats::SetMax(stats, Value::DATE(Timestamp::GetDate(end) - 1));
	} else {
		NumericStats::SetMin(stats, Value::TIMESTAMP(start));
		NumericStats::SetMax(stats, Value::TIMESTAMP(timestamp_t(end.value - 1)));
	}
	result = stats.ToUnique();
	return true;
}

} // namespace duckdb
