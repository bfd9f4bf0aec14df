//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_catalog_set.hpp
//
// The committed DDL state at one schema_version: schema entries owning their table and view
// entries. Immutable once built, shared by every transaction that reads that version. A later
// version's set is built from the newest earlier one, reading only the tables that changed.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/common/case_insensitive_map.hpp"
#include "duckdb/common/mutex.hpp"

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeSchemaEntry;
class ClientContext;

class LakeCatalogSet {
public:
	//! The catalog as read at `snapshot_id` (its tables moved into their entries).
	LakeCatalogSet(DuckLakeCatalog &catalog, LakeCatalogInfo info, idx_t snapshot_id);
	~LakeCatalogSet();

	optional_ptr<DuckLakeSchemaEntry> GetSchema(const string &name) const;
	void ScanSchemas(const std::function<void(DuckLakeSchemaEntry &)> &callback) const;
	//! The schema with this id, when visible.
	optional_ptr<DuckLakeSchemaEntry> GetSchemaById(idx_t schema_id) const;
	//! The snapshot the set was read at (any other of its schema_version sees the same).
	idx_t GetSnapshotId() const {
		return snapshot_id;
	}
	//! The tables of the set, as read (what a later set keeps of the unchanged ones).
	vector<LakeTableInfo> GetTableInfos() const;
	//! Reads the set's macros into its schemas, once: a lake's macros are read only when a function
	//! is looked up in one of its schemas, not with every catalog read.
	void LoadMacros();

private:
	DuckLakeCatalog &catalog;
	idx_t snapshot_id;
	mutex macros_lock;
	bool macros_loaded = false;
	case_insensitive_map_t<unique_ptr<DuckLakeSchemaEntry>> schemas;
};

} // namespace duckdb
