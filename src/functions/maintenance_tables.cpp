#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/functions/maintenance_parameters.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"

#include "duckdb/catalog/catalog_search_path.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/main/client_data.hpp"

namespace duckdb {

MaintenanceTables SelectMaintenanceTables(ClientContext &context, DuckLakeCatalog &catalog, const string &schema_name,
                                          const string &table_name) {
	MaintenanceTables result;
	catalog.WithMetadata([&](MetadataConnection &conn) {
		result.snapshot = MetadataReader::LatestSnapshot(conn);
		result.catalog_info = MetadataReader::ReadCatalog(conn, result.snapshot.snapshot_id);
	});
	unordered_map<idx_t, const LakeSchemaInfo *> schemas;
	bool schema_exists = false;
	for (auto &schema : result.catalog_info.schemas) {
		schemas[schema.schema_id] = &schema;
		schema_exists = schema_exists || StringUtil::CIEquals(schema.name, schema_name);
	}
	if (!schema_name.empty() && !schema_exists) {
		throw CatalogException("Schema \"%s\" does not exist in lake \"%s\"", schema_name, catalog.GetName());
	}
	vector<string> searched {schema_name};
	if (schema_name.empty() && !table_name.empty()) {
		searched = ClientData::Get(context).catalog_search_path->GetSchemasForCatalog(catalog.GetName());
		if (searched.empty()) {
			searched.push_back(DEFAULT_SCHEMA);
		}
	}
	for (auto &searched_schema : searched) {
		for (auto &table : result.catalog_info.tables) {
			auto &schema = *schemas[table.schema_id];
			if (!searched_schema.empty() && !StringUtil::CIEquals(schema.name, searched_schema)) {
				continue;
			}
			if (!table_name.empty() && !StringUtil::CIEquals(table.name, table_name)) {
				continue;
			}
			result.tables.emplace_back(&schema, &table);
		}
		if (!result.tables.empty()) {
			break;
		}
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
	if (input.inputs.size() > first_argument) {
		auto &table = input.inputs[first_argument];
		if (table.IsNull()) {
			throw InvalidInputException("%s: the table name cannot be NULL", function_name);
		}
		table_name = table.ToString();
		if (table_name.empty()) {
			throw CatalogException("%s: table \"\" does not exist", function_name);
		}
	}
	schema_name = MaintenanceParameters(input, function_name).GetString("schema");
}

} // namespace duckdb
