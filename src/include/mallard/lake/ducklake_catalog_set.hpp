//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_catalog_set.hpp
//
// The committed DDL state at one schema_version: schema entries owning their table and view
// entries. Immutable once built, shared by every transaction that reads that version.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/common/case_insensitive_map.hpp"

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeSchemaEntry;
class ClientContext;

class LakeCatalogSet {
public:
	LakeCatalogSet(DuckLakeCatalog &catalog, const LakeCatalogInfo &info);
	~LakeCatalogSet();

	optional_ptr<DuckLakeSchemaEntry> GetSchema(const string &name) const;
	void ScanSchemas(const std::function<void(DuckLakeSchemaEntry &)> &callback) const;
	//! The schema with this id, when visible.
	optional_ptr<DuckLakeSchemaEntry> GetSchemaById(idx_t schema_id) const;

private:
	case_insensitive_map_t<unique_ptr<DuckLakeSchemaEntry>> schemas;
};

} // namespace duckdb
