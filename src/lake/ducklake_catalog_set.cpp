#include "mallard/lake/ducklake_catalog_set.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_macro.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_view.hpp"

namespace duckdb {

LakeCatalogSet::LakeCatalogSet(DuckLakeCatalog &catalog, LakeCatalogInfo info, idx_t snapshot_id_p)
    : catalog(catalog), snapshot_id(snapshot_id_p) {
	unordered_map<idx_t, DuckLakeSchemaEntry *> by_id;
	for (auto &schema_info : info.schemas) {
		auto schema = DuckLakeSchemaEntry::Create(catalog, schema_info);
		schema->SetCatalogSet(*this);
		by_id[schema_info.schema_id] = schema.get();
		schemas[schema_info.name] = std::move(schema);
	}
	for (auto &table_info : info.tables) {
		auto schema = by_id.find(table_info.schema_id);
		if (schema == by_id.end()) {
			continue;
		}
		schema->second->AddCommittedEntry(DuckLakeTableEntry::Create(catalog, *schema->second, std::move(table_info)));
	}
	for (auto &view_info : info.views) {
		auto schema = by_id.find(view_info.schema_id);
		if (schema == by_id.end()) {
			continue;
		}
		schema->second->AddCommittedEntry(CreateLakeViewEntry(catalog, *schema->second, view_info));
	}
}

LakeCatalogSet::~LakeCatalogSet() {
}

optional_ptr<DuckLakeSchemaEntry> LakeCatalogSet::GetSchema(const string &name) const {
	auto entry = schemas.find(name);
	if (entry == schemas.end()) {
		return nullptr;
	}
	return entry->second.get();
}

optional_ptr<DuckLakeSchemaEntry> LakeCatalogSet::GetSchemaById(idx_t schema_id) const {
	for (auto &entry : schemas) {
		if (entry.second->GetSchemaInfo().schema_id == schema_id) {
			return entry.second.get();
		}
	}
	return nullptr;
}

vector<LakeTableInfo> LakeCatalogSet::GetTableInfos() const {
	vector<LakeTableInfo> result;
	for (auto &schema : schemas) {
		schema.second->Scan(CatalogType::TABLE_ENTRY, [&](CatalogEntry &entry) {
			if (entry.type == CatalogType::TABLE_ENTRY) {
				result.push_back(entry.Cast<DuckLakeTableEntry>().GetTableInfo());
			}
		});
	}
	return result;
}

void LakeCatalogSet::LoadMacros() {
	lock_guard<mutex> guard(macros_lock);
	if (macros_loaded) {
		return;
	}
	auto macros = catalog.WithMetadata(
	    [&](MetadataConnection &conn) { return MetadataReader::ReadMacros(conn, snapshot_id); });
	for (auto &macro : macros) {
		auto schema = GetSchemaById(macro.schema_id);
		if (schema) {
			schema->AddCommittedMacro(CreateLakeMacroEntry(catalog, *schema, macro));
		}
	}
	macros_loaded = true;
}

void LakeCatalogSet::ScanSchemas(const std::function<void(DuckLakeSchemaEntry &)> &callback) const {
	for (auto &entry : schemas) {
		callback(*entry.second);
	}
}

} // namespace duckdb
