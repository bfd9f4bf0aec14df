#include "mallard/functions/maintenance_parameters.hpp"

namespace duckdb {

MaintenanceParameters::MaintenanceParameters(const TableFunctionBindInput &input, string function_name_p)
    : parameters(input.named_parameters), function_name(std::move(function_name_p)) {
}

const Value *MaintenanceParameters::Find(const string &name) const {
	// named_parameter_map_t is case-insensitive, as DuckDB matches the names.
	auto entry = parameters.find(name);
	if (entry == parameters.end() || entry->second.IsNull()) {
		return nullptr;
	}
	return &entry->second;
}

Value MaintenanceParameters::Cast(const string &name, const LogicalType &type) const {
	auto value = Find(name);
	if (!value) {
		return Value(type);
	}
	Value result;
	string error;
	if (!value->DefaultTryCastAs(type, result, &error)) {
		throw InvalidInputException("%s: %s => needs a %s, not %s", function_name, name, type.ToString(),
		                            value->ToString());
	}
	return result;
}

bool MaintenanceParameters::Has(const string &name) const {
	return Find(name) != nullptr;
}

string MaintenanceParameters::GetString(const string &name) const {
	auto value = Find(name);
	return value ? value->ToString() : string();
}

optional_idx MaintenanceParameters::GetCount(const string &name) const {
	auto value = Cast(name, LogicalType::UBIGINT);
	if (value.IsNull()) {
		return optional_idx();
	}
	return optional_idx(value.GetValue<uint64_t>());
}

bool MaintenanceParameters::GetBool(const string &name, bool default_value) const {
	auto value = Cast(name, LogicalType::BOOLEAN);
	return value.IsNull() ? default_value : value.GetValue<bool>();
}

bool MaintenanceParameters::GetTimestamp(const string &name, timestamp_tz_t &result) const {
	auto value = Cast(name, LogicalType::TIMESTAMP_TZ);
	if (value.IsNull()) {
		return false;
	}
	result = value.GetValue<timestamp_tz_t>();
	return true;
}

Value MaintenanceParameters::GetFraction(const string &name) const {
	auto value = Cast(name, LogicalType::DOUBLE);
	if (!value.IsNull()) {
		auto fraction = value.GetValue<double>();
		if (!(fraction >= 0 && fraction <= 1)) {
			throw InvalidInputException("%s must be between 0 and 1, not %s", name, Find(name)->ToString());
		}
	}
	return value;
}

vector<idx_t> MaintenanceParameters::GetIds(const string &name) const {
	vector<idx_t> result;
	auto value = Cast(name, LogicalType::LIST(LogicalType::UBIGINT));
	if (value.IsNull()) {
		return result;
	}
	for (auto &entry : ListValue::GetChildren(value)) {
		if (!entry.IsNull()) {
			result.push_back(entry.GetValue<uint64_t>());
		}
	}
	return result;
}

} // namespace duckdb
