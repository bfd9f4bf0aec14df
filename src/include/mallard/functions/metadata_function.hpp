//===----------------------------------------------------------------------===//
// mallard/functions/metadata_function.hpp
//
// The one mechanism behind every lake table function that answers from the catalog: its bind
// computes the rows (a small, materialized result), and the scan emits them.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/function/table_function.hpp"

#include <functional>

namespace duckdb {

class DuckLakeCatalog;

struct MetadataFunctionResult {
	vector<string> names;
	vector<LogicalType> types;
	vector<vector<Value>> rows;
	//! Set by functions that change the lake (maintenance): computes the rows when the query runs,
	//! not when it is bound, so EXPLAIN changes nothing and a prepared statement acts per execution.
	std::function<vector<vector<Value>>(ClientContext &context)> run;
};

//! Computes the result from the lake and the call's arguments (without the lake name argument).
typedef MetadataFunctionResult (*metadata_function_t)(ClientContext &context, DuckLakeCatalog &catalog,
                                                      TableFunctionBindInput &input, idx_t first_argument);

struct MetadataFunctionInfo : public TableFunctionInfo {
	MetadataFunctionInfo(metadata_function_t function, optional_ptr<DuckLakeCatalog> catalog)
	    : function(function), catalog(catalog) {
	}
	metadata_function_t function;
	//! Set for lake.fn(); unset for ducklake_fn('lake', ...), which names the lake first.
	optional_ptr<DuckLakeCatalog> catalog;
};

//! A lake function: `lake.<name>(arguments...)` and `ducklake_<name>('lake', arguments...)`.
struct LakeFunctionDefinition {
	const char *name;
	vector<LogicalType> arguments;
	metadata_function_t function;
	named_parameter_type_map_t named_parameters;
	//! Optional trailing arguments of this type (INVALID: none).
	LogicalType varargs;
};

//! A table function named `name` with the given extra argument types.
TableFunction MakeMetadataFunction(const string &name, vector<LogicalType> arguments, metadata_function_t function,
                                   optional_ptr<DuckLakeCatalog> catalog);

} // namespace duckdb
