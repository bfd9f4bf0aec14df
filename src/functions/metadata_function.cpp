#include "mallard/functions/metadata_function.hpp"

#include "mallard/lake/ducklake_catalog.hpp"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/main/client_context.hpp"

namespace duckdb {

namespace {

struct MetadataBindData : public TableFunctionData {
	MetadataFunctionResult result;
};

struct MetadataScanState : public GlobalTableFunctionState {
	idx_t offset = 0;
	//! The rows of a function that computes them when run (MetadataFunctionResult::run).
	vector<vector<Value>> rows;
};

unique_ptr<FunctionData> MetadataBind(ClientContext &context, TableFunctionBindInput &input,
                                      vector<LogicalType> &return_types, vector<string> &names) {
	auto &info = input.info->Cast<MetadataFunctionInfo>();
	optional_ptr<DuckLakeCatalog> lake = info.catalog;
	idx_t first_argument = 0;
	if (!lake) {
		if (input.inputs.empty() || input.inputs[0].IsNull()) {
			throw BinderException("The first argument must name an attached lake");
		}
		auto name = input.inputs[0].ToString();
		auto &catalog = Catalog::GetCatalog(context, name);
		if (catalog.GetCatalogType() != "ducklake") {
			throw BinderException("\"%s\" is not a lake: attach it with ATTACH 'ducklake:...' AS %s", name, name);
		}
		lake = &catalog.Cast<DuckLakeCatalog>();
		first_argument = 1;
	}
	auto result = make_uniq<MetadataBindData>();
	result->result = info.function(context, *lake, input, first_argument);
	return_types = result->result.types;
	names = result->result.names;
	return std::move(result);
}

unique_ptr<GlobalTableFunctionState> MetadataInit(ClientContext &context, TableFunctionInitInput &input) {
	auto result = make_uniq<MetadataScanState>();
	auto &data = input.bind_data->Cast<MetadataBindData>();
	if (data.result.run) {
		result->rows = data.result.run(context);
	}
	return std::move(result);
}

void MetadataScan(ClientContext &context, TableFunctionInput &input, DataChunk &output) {
	auto &data = input.bind_data->Cast<MetadataBindData>();
	auto &state = input.global_state->Cast<MetadataScanState>();
	auto &rows = data.result.run ? state.rows : data.result.rows;
	idx_t count = 0;
	while (state.offset < rows.size() && count < STANDARD_VECTOR_SIZE) {
		auto &row = rows[state.offset++];
		for (idx_t col = 0; col < row.size(); col++) {
			output.SetValue(col, count, row[col]);
		}
		count++;
	}
	output.SetCardinality(count);
}

} // namespace

TableFunction MakeMetadataFunction(const string &name, vector<LogicalType> arguments, metadata_function_t function,
                                   optional_ptr<DuckLakeCatalog> catalog) {
	if (!catalog) {
		arguments.insert(arguments.begin(), LogicalType::VARCHAR);
	}
	TableFunction result(name, std::move(arguments), MetadataScan, MetadataBind, MetadataInit);
	result.function_info = make_shared_ptr<MetadataFunctionInfo>(function, catalog);
	return result;
}

} // namespace duckdb
