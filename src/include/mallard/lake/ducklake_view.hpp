//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_view.hpp
//
// Lake views are stored as their SQL (spec: ducklake_view) and become DuckDB view entries.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/catalog/catalog_entry/view_catalog_entry.hpp"

namespace duckdb {

class DuckLakeSchemaEntry;

//! A view entry that remembers its lake identity.
class DuckLakeViewEntry : public ViewCatalogEntry {
public:
	DuckLakeViewEntry(Catalog &catalog, SchemaCatalogEntry &schema, CreateViewInfo &info, LakeViewInfo view_info)
	    : ViewCatalogEntry(catalog, schema, info), view_info(std::move(view_info)) {
	}

	//! ducklake_view keeps only the SQL, no column types: DuckDB binds the view on each use
	//! without checking its types against a stored list.
	bool HasTypes() const override {
		return false;
	}
	LakeViewInfo view_info;
};

unique_ptr<DuckLakeViewEntry> CreateLakeViewEntry(Catalog &catalog, DuckLakeSchemaEntry &schema,
                                                  const LakeViewInfo &info);

//! A copy of `view` with the column types and names its SQL binds to now, for listings
//! (duckdb_columns, SHOW ALL TABLES, information_schema.columns). The copy has no columns when
//! the view does not bind (e.g. it reads a table dropped since); using the view reports why.
unique_ptr<DuckLakeViewEntry> BindLakeViewColumns(ClientContext &context, DuckLakeViewEntry &view);

//! A view's query as the lake stores it: without the lake's own name, as DuckLake writes view SQL,
//! so the view reads the same tables under any ATTACH alias. `lake.s.t` becomes `s.t`, and `lake.t`
//! (the lake's default schema) `main.t`; names of other catalogs, and text in string literals, stay.
string LakeViewSQL(Catalog &catalog, const SelectStatement &query);

} // namespace duckdb
