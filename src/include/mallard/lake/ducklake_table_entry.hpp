//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_table_entry.hpp
//
// A lake table as of one snapshot's schema. Its scan reads the data files visible to the
// transaction (or to the AT clause) through DuckDB's Parquet reader (see scan/).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/catalog/catalog_entry/table_catalog_entry.hpp"

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeSchemaEntry;

class DuckLakeTableEntry : public TableCatalogEntry {
public:
	DuckLakeTableEntry(Catalog &catalog, SchemaCatalogEntry &schema, CreateTableInfo &info, LakeTableInfo table_info);

	//! Builds the DuckDB table definition (columns, defaults, NOT NULL) from the catalog's.
	static unique_ptr<DuckLakeTableEntry> Create(Catalog &catalog, DuckLakeSchemaEntry &schema, LakeTableInfo info);

	const LakeTableInfo &GetTableInfo() const {
		return table_info;
	}
	LakeTableInfo &GetTableInfo() {
		return table_info;
	}
	idx_t GetTableId() const {
		return table_info.table_id;
	}
	DuckLakeCatalog &GetLakeCatalog();
	DuckLakeSchemaEntry &GetLakeSchema();
	//! The folder new data files of this table are written to (ends in '/').
	string GetDataFolder();

public:
	unique_ptr<BaseStatistics> GetStatistics(ClientContext &context, column_t column_id) override;
	TableFunction GetScanFunction(ClientContext &context, unique_ptr<FunctionData> &bind_data) override;
	TableFunction GetScanFunction(ClientContext &context, unique_ptr<FunctionData> &bind_data,
	                              const EntryLookupInfo &lookup_info) override;
	TableStorageInfo GetStorageInfo(ClientContext &context) override;
	virtual_column_map_t GetVirtualColumns() const override;
	vector<column_t> GetRowIdColumns() const override;
	void BindUpdateConstraints(Binder &binder, LogicalGet &get, LogicalProjection &proj, LogicalUpdate &update,
	                           ClientContext &context) override;

private:
	LakeTableInfo table_info;
};

} // namespace duckdb
