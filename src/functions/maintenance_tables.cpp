#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/maintenance_parameters.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

MaintenanceTables SelectMaintenanceTables(DuckLakeCatalog &catalog, const string &schema_name,
                                          const string &table_name) {
	MaintenanceTables result;
	catalog.WithMetadata([&](MetadataConnection &conn) {
		result.snapshot = MetadataReader::LatestSnapshot(conn);
		result.catalog_info = MetadataReader::ReadCatalog(conn, result.snapshot.snapshot_id);
	});
	unordered_map<idx_t, const LakeSchemaInfo *> schemas;
	for (auto &schema : result.catalog_info.schemas) {
		schemas[schema.schema_id] = &schema;
	}
	for (auto &table : result.catalog_info.tables) {
		auto &schema = *schemas[table.schema_id];
		if (!schema_name.empty() && !StringUtil::CIEquals(schema.name, schema_name)) {
			continue;
		}
		if (!table_name.empty() && !StringUtil::CIEquals(table.name, table_name)) {
			continue;
		}
		result.tables.emplace_back(&schema, &table);
	}
	if (!table_name.empty() && result.tables.empty()) {
		throw CatalogException("Table \"%s\" does not exist in lake \"%s\"", table_name, catalog.GetName());
	}
	return result;
}

void BindMaintenanceTableArguments(TableFunctionBindInput &input, idx_t first_argument, const string &function_name,
                                   string &schema_name, string &table_name) {
	if (input.inputs.size() > first_argument + 1) {
		throw InvalidInputException("%s takes at most a table name besides the lake", function_name);
	}
	if (input.inputs.size() > first_argument && !input.inputs[first_argument].IsNull()) {
		table_name = input.inputs[first_argument].ToString();
	}
	schema_name = MaintenanceParameters(input, function_name).GetString("schema");
}

} // namespace duckdb
