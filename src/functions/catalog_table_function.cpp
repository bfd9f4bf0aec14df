#include "mallard/functions/lake_functions.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/metadata_tables.hpp"
#include "mallard/functions/metadata_function.hpp"
#include "mallard/lake/ducklake_catalog.hpp"

namespace duckdb {

namespace {

LogicalType CatalogColumnType(const string &kind) {
	if (kind == "BIGINT") {
		return LogicalType::BIGINT;
	}
	if (kind == "BOOLEAN") {
		return LogicalType::BOOLEAN;
	}
	if (kind == "TIMESTAMPTZ") {
		return LogicalType::TIMESTAMP_TZ;
	}
	if (kind == "UUID") {
		return LogicalType::UUID;
	}
	if (kind == "UBIGINT") {
		return LogicalType::UBIGINT;
	}
	return LogicalType::VARCHAR;
}

//! ducklake_inlined_data_<table_id>_<schema_version> (spec: data inlining).
bool IsInlinedDataTableName(const string &name) {
	auto prefix = string("ducklake_inlined_data_");
	if (!StringUtil::StartsWith(name, prefix)) {
		return false;
	}
	auto parts = StringUtil::Split(name.substr(prefix.size()), '_');
	if (parts.size() != 2) {
		return false;
	}
	for (auto &part : parts) {
		if (part.empty() || part.find_first_not_of("0123456789") != string::npos) {
			return false;
		}
	}
	return true;
}

//! An inlined-data table's rows: row_id, begin_snapshot, end_snapshot, then the user columns as
//! their stored text.
MetadataFunctionResult InlinedDataTableRows(DuckLakeCatalog &catalog, const string &name) {
	auto rows = catalog.WithMetadata([&](MetadataConnection &conn) {
		if (!conn.TableExists(name)) {
			throw BinderException("Lake \"%s\" has no inlined-data table \"%s\"", catalog.GetName(), name);
		}
		return conn.Query("SELECT * FROM " + conn.Table(name) + " ORDER BY row_id, begin_snapshot");
	});
	MetadataFunctionResult result;
	for (idx_t col = 0; col < rows.names.size(); col++) {
		result.names.push_back(rows.names[col]);
		result.types.push_back(col < 3 ? LogicalType::BIGINT : LogicalType::VARCHAR);
	}
	for (auto &row : rows.rows) {
		vector<Value> values;
		for (idx_t col = 0; col < row.size(); col++) {
			values.push_back(row[col].IsNull() ? Value(result.types[col]) : row[col].DefaultCastAs(result.types[col]));
		}
		result.rows.push_back(std::move(values));
	}
	return result;
}

//! ducklake_catalog_table('lake', 'ducklake_snapshot'): the rows of one catalog table, read-only,
//! typed as the spec declares them. Also what `lake.ducklake_snapshot` shows.
MetadataFunctionResult CatalogTableFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                            TableFunctionBindInput &input, idx_t first_argument) {
	if (first_argument >= input.inputs.size() || input.inputs[first_argument].IsNull()) {
		throw BinderException("ducklake_catalog_table needs the name of a catalog table, e.g. 'ducklake_snapshot'");
	}
	auto name = StringUtil::Lower(input.inputs[first_argument].ToString());
	const MetadataTableDefinition *definition = nullptr;
	for (auto &table : MetadataTableDefinitions()) {
		if (name == table.name) {
			definition = &table;
		}
	}
	if (!definition && IsInlinedDataTableName(name)) {
		return InlinedDataTableRows(catalog, name);
	}
	if (!definition) {
		throw BinderException("\"%s\" is not a DuckLake catalog table; the catalog tables are: %s", name,
		                      StringUtil::Join(MetadataTableNames(), ", "));
	}
	MetadataFunctionResult result;
	vector<string> columns;
	for (auto &column : definition->columns) {
		result.names.push_back(column.name);
		result.types.push_back(CatalogColumnType(column.kind));
		columns.push_back(MetadataConnection::Identifier(column.name));
	}
	auto rows = catalog.WithMetadata([&](MetadataConnection &conn) {
		return conn.Query("SELECT " + StringUtil::Join(columns, ", ") + " FROM " + conn.Table(name));
	});
	for (auto &row : rows.rows) {
		vector<Value> values;
		for (idx_t col = 0; col < row.size(); col++) {
			Value value(result.types[col]);
			if (!row[col].IsNull() && !TryCastValue(row[col], result.types[col], value)) {
				value = Value(result.types[col]);
			}
			values.push_back(std::move(value));
		}
		result.rows.push_back(std::move(values));
	}
	return result;
}

} // namespace

TableFunction CatalogTableTableFunction() {
	return MakeMetadataFunction("ducklake_catalog_table", {LogicalType::VARCHAR}, CatalogTableFunction, nullptr);
}

} // namespace duckdb

#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_view.hpp"

#include "duckdb/parser/keyword_helper.hpp"

namespace duckdb {

bool IsCatalogTableName(const string &name) {
	if (!StringUtil::StartsWith(name, "ducklake_")) {
		return false;
	}
	auto names = MetadataTableNames();
	return std::find(names.begin(), names.end(), name) != names.end() || IsInlinedDataTableName(name);
}

string CatalogTableViewSQL(const string &lake_name, const string &name) {
	return "SELECT * FROM ducklake_catalog_table(" + KeywordHelper::WriteQuoted(lake_name, '\'') + ", " +
	       KeywordHelper::WriteQuoted(name, '\'') + ")";
}

optional_ptr<CatalogEntry> LookupCatalogTableView(DuckLakeCatalog &catalog, DuckLakeSchemaEntry &schema,
                                                  const string &name) {
	auto lower = StringUtil::Lower(name);
	if (!IsCatalogTableName(lower)) {
		return nullptr;
	}
	// Cached beside the lake functions; "view:" keeps the keys apart from function names.
	return &schema.GetFunctionEntry("view:" + lower, [&]() -> unique_ptr<CatalogEntry> {
		LakeViewInfo view;
		view.name = lower;
		view.sql = CatalogTableViewSQL(catalog.GetName(), lower);
		return CreateLakeViewEntry(catalog, schema, view);
	});
}

} // namespace duckdb
