#include "mallard/catalog/ducklake_types.hpp"

#include "mallard/catalog/value_text.hpp"

#include "duckdb/common/exception.hpp"
#include "duckdb/common/exception/binder_exception.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/decimal.hpp"

namespace duckdb {

namespace {

struct TypeName {
	const char *name;
	LogicalTypeId id;
};

// Spec: "Data Types". The first entry for an id is the name we write.
const TypeName PRIMITIVE_TYPES[] = {
    {"boolean", LogicalTypeId::BOOLEAN},        {"int8", LogicalTypeId::TINYINT},
    {"int16", LogicalTypeId::SMALLINT},         {"int32", LogicalTypeId::INTEGER},
    {"int64", LogicalTypeId::BIGINT},           {"int128", LogicalTypeId::HUGEINT},
    {"uint8", LogicalTypeId::UTINYINT},         {"uint16", LogicalTypeId::USMALLINT},
    {"uint32", LogicalTypeId::UINTEGER},        {"uint64", LogicalTypeId::UBIGINT},
    {"uint128", LogicalTypeId::UHUGEINT},       {"float32", LogicalTypeId::FLOAT},
    {"float64", LogicalTypeId::DOUBLE},         {"time", LogicalTypeId::TIME},
    {"date", LogicalTypeId::DATE},              {"timestamp", LogicalTypeId::TIMESTAMP},
    {"timestamp_us", LogicalTypeId::TIMESTAMP}, {"timestamp_ms", LogicalTypeId::TIMESTAMP_MS},
    {"timestamp_ns", LogicalTypeId::TIMESTAMP_NS}, {"timestamp_s", LogicalTypeId::TIMESTAMP_SEC},
    {"timestamptz", LogicalTypeId::TIMESTAMP_TZ},  {"timetz", LogicalTypeId::TIME_TZ},
    {"interval", LogicalTypeId::INTERVAL},      {"varchar", LogicalTypeId::VARCHAR},
    {"blob", LogicalTypeId::BLOB},              {"uuid", LogicalTypeId::UUID},
};

} // namespace

string ToDuckLakeTypeName(const LogicalType &type) {
	if (type.IsJSONType()) {
		return "json";
	}
	switch (type.id()) {
	case LogicalTypeId::STRUCT:
		return "struct";
	case LogicalTypeId::LIST:
		return "list";
	case LogicalTypeId::MAP:
		return "map";
	case LogicalTypeId::DECIMAL:
		return "decimal(" + std::to_string(DecimalType::GetWidth(type)) + "," + std::to_string(DecimalType::GetScale(type)) +
		       ")";
	case LogicalTypeId::VARCHAR:
		if (!StringType::GetCollation(type).empty()) {
			throw NotImplementedException("DuckLake tables cannot store columns of type VARCHAR COLLATE %s",
			                              StringType::GetCollation(type));
		}
		return "varchar";
	default:
		break;
	}
	for (auto &entry : PRIMITIVE_TYPES) {
		if (entry.id == type.id()) {
			return entry.name;
		}
	}
	throw NotImplementedException("DuckLake tables cannot store columns of type %s", type.ToString());
}

LogicalType FromDuckLakeTypeName(const string &name) {
	auto lower = StringUtil::Lower(name);
	if (lower == "json") {
		return LogicalType::JSON();
	}
	if (StringUtil::StartsWith(lower, "decimal(") && StringUtil::EndsWith(lower, ")")) {
		auto inner = lower.substr(8, lower.size() - 9);
		auto parts = StringUtil::Split(inner, ',');
		if (parts.size() == 2) {
			auto width = std::stoi(parts[0]);
			auto scale = std::stoi(parts[1]);
			if (width > 0 && width <= Decimal::MAX_WIDTH_DECIMAL && scale >= 0 && scale <= width) {
				return LogicalType::DECIMAL(width, scale);
			}
		}
		throw InvalidInputException("Invalid DuckLake column type \"%s\"", name);
	}
	for (auto &entry : PRIMITIVE_TYPES) {
		if (lower == entry.name) {
			return LogicalType(entry.id);
		}
	}
	throw InvalidInputException("Unknown DuckLake column type \"%s\"", name);
}

bool IsNestedDuckLakeType(const string &name) {
	auto lower = StringUtil::Lower(name);
	return lower == "struct" || lower == "list" || lower == "map";
}

} // namespace duckdb

namespace duckdb {

void CheckColumnNameNotReserved(const string &name) {
	if (StringUtil::StartsWith(StringUtil::Lower(name), "_ducklake_internal_")) {
		throw BinderException("Column name \"%s\" is reserved by DuckLake for internal use", name);
	}
}

LakeColumnInfo MakeLakeColumn(const string &name, const LogicalType &type, idx_t &next_column_id) {
	ToDuckLakeTypeName(type); // refuses types the format cannot store, naming them
	LakeColumnInfo column;
	column.column_id = next_column_id++;
	column.name = name;
	column.type = type;
	switch (type.id()) {
	case LogicalTypeId::STRUCT: {
		// Fields of an unnamed struct (row(1, 'a')) get names, as DuckLake gives them: a column of the
		// catalog needs one, and DuckDB maps file fields to the table's by name.
		child_list_t<LogicalType> fields;
		auto &children = StructType::GetChildTypes(type);
		for (idx_t i = 0; i < children.size(); i++) {
			auto field_name = children[i].first.empty() ? "element" + std::to_string(i + 1) : children[i].first;
			column.children.push_back(MakeLakeColumn(field_name, children[i].second, next_column_id));
			fields.emplace_back(field_name, column.children.back().type);
		}
		column.type = LogicalType::STRUCT(std::move(fields));
		break;
	}
	case LogicalTypeId::LIST:
		column.children.push_back(MakeLakeColumn("element", ListType::GetChildType(type), next_column_id));
		column.type = LogicalType::LIST(column.children[0].type);
		break;
	case LogicalTypeId::MAP:
		column.children.push_back(MakeLakeColumn("key", MapType::KeyType(type), next_column_id));
		column.children.push_back(MakeLakeColumn("value", MapType::ValueType(type), next_column_id));
		column.type = LogicalType::MAP(column.children[0].type, column.children[1].type);
		break;
	default:
		break;
	}
	return column;
}

} // namespace duckdb

namespace duckdb {

bool TryCastValue(const Value &value, const LogicalType &type, Value &result) {
	if (value.type().id() == LogicalTypeId::VARCHAR && !value.IsNull()) {
		return TryCastText(StringValue::Get(value), type, result);
	}
	string error;
	return value.DefaultTryCastAs(type, result, &error);
}

bool CastNeedsSession(const LogicalType &from, const LogicalType &to) {
	return to.id() == LogicalTypeId::TIMESTAMP_TZ && from.id() != LogicalTypeId::TIMESTAMP_TZ &&
	       (from.id() == LogicalTypeId::DATE || LogicalType::TypeIsTimestamp(from));
}

bool IsExactPromotion(const LogicalType &from, const LogicalType &to) {
	if (from == to) {
		return true;
	}
	if (CastNeedsSession(from, to)) {
		return false;
	}
	if (to.id() != LogicalTypeId::FLOAT && to.id() != LogicalTypeId::DOUBLE) {
		return true; // integers and decimals widen exactly, as do times
	}
	if (from.id() == LogicalTypeId::FLOAT) {
		return true;
	}
	if (!from.IsIntegral()) {
		return false; // a DECIMAL's digits
	}
	// A float's mantissa holds 24 bits, a double's 53.
	return GetTypeIdSize(from.InternalType()) <= (to.id() == LogicalTypeId::FLOAT ? 2 : 4);
}

bool FitsBigint(const LogicalType &type) {
	switch (type.id()) {
	case LogicalTypeId::TINYINT:
	case LogicalTypeId::SMALLINT:
	case LogicalTypeId::INTEGER:
	case LogicalTypeId::BIGINT:
	case LogicalTypeId::UTINYINT:
	case LogicalTypeId::USMALLINT:
	case LogicalTypeId::UINTEGER:
		return true;
	default:
		return false;
	}
}

} // namespace duckdb
