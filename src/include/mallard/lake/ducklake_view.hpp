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

	LakeViewInfo view_info;
};

unique_ptr<DuckLakeViewEntry> CreateLakeViewEntry(Catalog &catalog, DuckLakeSchemaEntry &schema,
                                                  const LakeViewInfo &info);

} // namespace duckdb
