//===----------------------------------------------------------------------===//
// mallard/functions/maintenance_parameters.hpp
//
// The named parameters of a maintenance call (schema =>, older_than =>, dry_run =>, ...), read one
// way by every maintenance function's bind: a parameter given as NULL counts as not given, and a
// value that does not fit is an InvalidInputException naming the parameter.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/optional_idx.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/function/table_function.hpp"

namespace duckdb {

class MaintenanceParameters {
public:
	MaintenanceParameters(const TableFunctionBindInput &input, string function_name);

	//! Whether `name` was given (and not NULL).
	bool Has(const string &name) const;
	//! The text of `name`; empty when not given.
	string GetString(const string &name) const;
	//! `name` as a non-negative count or byte size; invalid when not given.
	optional_idx GetCount(const string &name) const;
	bool GetBool(const string &name, bool default_value) const;
	//! `name` as a timestamp with time zone; false when not given.
	bool GetTimestamp(const string &name, timestamp_tz_t &result) const;
	//! `name` as a fraction from 0 to 1; NULL when not given.
	Value GetFraction(const string &name) const;
	//! The non-NULL entries of the list `name`.
	vector<idx_t> GetIds(const string &name) const;

private:
	const Value *Find(const string &name) const;
	Value Cast(const string &name, const LogicalType &type) const;

	const named_parameter_map_t &parameters;
	string function_name;
};

} // namespace duckdb
