//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_schema_entry.hpp
//
// A lake schema. Committed tables and views live here; what the current transaction created or
// dropped lives in the transaction and is overlaid on lookups.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/catalog/catalog_entry/schema_catalog_entry.hpp"
#include "duckdb/common/case_insensitive_map.hpp"
#include "duckdb/common/mutex.hpp"

namespace duckdb {

class DuckLakeCatalog;
class LakeCatalogSet;
class DuckLakeTableEntry;
class DuckLakeTransaction;
struct AlterTableInfo;
struct CreateMacroInfo;
struct DropInfo;

//! The lake id of a table or view entry: its table_id or view_id (one id space, spec: next_catalog_id).
idx_t LakeEntryId(const CatalogEntry &entry);

class DuckLakeSchemaEntry : public SchemaCatalogEntry {
public:
	DuckLakeSchemaEntry(Catalog &catalog, CreateSchemaInfo &info, LakeSchemaInfo schema_info);

	static unique_ptr<DuckLakeSchemaEntry> Create(DuckLakeCatalog &catalog, LakeSchemaInfo schema_info);

	const LakeSchemaInfo &GetSchemaInfo() const {
		return schema_info;
	}
	LakeSchemaInfo &GetSchemaInfo() {
		return schema_info;
	}
	//! Adds a committed table or view while the catalog set is built.
	void AddCommittedEntry(unique_ptr<CatalogEntry> entry);
	//! A committed table or view by name, ignoring the transaction.
	optional_ptr<CatalogEntry> GetCommittedEntry(const string &name) const;
	//! A committed table or view by id (a renamed table's original), ignoring the transaction.
	optional_ptr<CatalogEntry> GetCommittedEntryById(idx_t id) const;
	//! The tables and views the transaction sees (a TABLE_ENTRY scan yields both).
	void ScanEntries(DuckLakeTransaction &transaction, CatalogType type,
	                 const std::function<void(CatalogEntry &)> &callback);
	//! The catalog set the schema belongs to (a schema created in the transaction has none).
	void SetCatalogSet(LakeCatalogSet &set) {
		catalog_set = &set;
	}
	//! Adds a committed macro (LakeCatalogSet::LoadMacros).
	void AddCommittedMacro(unique_ptr<CatalogEntry> entry);
	//! The macros the transaction sees in this schema.
	void ScanMacros(DuckLakeTransaction &transaction, const std::function<void(CatalogEntry &)> &callback);
	//! The entry of a lake function or catalog-table view (lake.snapshots(), lake.ducklake_table)
	//! looked up in this schema: made by `create` on first use, then kept as long as the schema.
	CatalogEntry &GetFunctionEntry(const string &key, const std::function<unique_ptr<CatalogEntry>()> &create);

public:
	optional_ptr<CatalogEntry> CreateTable(CatalogTransaction transaction, BoundCreateTableInfo &info) override;
	optional_ptr<CatalogEntry> CreateView(CatalogTransaction transaction, CreateViewInfo &info) override;
	optional_ptr<CatalogEntry> CreateFunction(CatalogTransaction transaction, CreateFunctionInfo &info) override;
	optional_ptr<CatalogEntry> CreateIndex(CatalogTransaction transaction, CreateIndexInfo &info,
	                                       TableCatalogEntry &table) override;
	optional_ptr<CatalogEntry> CreateSequence(CatalogTransaction transaction, CreateSequenceInfo &info) override;
	optional_ptr<CatalogEntry> CreateTableFunction(CatalogTransaction transaction,
	                                               CreateTableFunctionInfo &info) override;
	optional_ptr<CatalogEntry> CreateCopyFunction(CatalogTransaction transaction,
	                                              CreateCopyFunctionInfo &info) override;
	optional_ptr<CatalogEntry> CreatePragmaFunction(CatalogTransaction transaction,
	                                                CreatePragmaFunctionInfo &info) override;
	optional_ptr<CatalogEntry> CreateCollation(CatalogTransaction transaction, CreateCollationInfo &info) override;
	optional_ptr<CatalogEntry> CreateType(CatalogTransaction transaction, CreateTypeInfo &info) override;
	void Alter(CatalogTransaction transaction, AlterInfo &info) override;
	void Scan(ClientContext &context, CatalogType type, const std::function<void(CatalogEntry &)> &callback) override;
	void Scan(CatalogType type, const std::function<void(CatalogEntry &)> &callback) override;
	void DropEntry(ClientContext &context, DropInfo &info) override;
	optional_ptr<CatalogEntry> LookupEntry(CatalogTransaction transaction, const EntryLookupInfo &lookup_info) override;

private:
	//! Resolves a name the way the transaction sees it (local first, dropped hidden).
	optional_ptr<CatalogEntry> GetEntry(DuckLakeTransaction &transaction, const string &name);
	//! The same for macros, which have a namespace of their own.
	//! `type`: the macro's, or the kind of function looked up (IsTableMacroType tells the namespace).
	optional_ptr<CatalogEntry> GetMacro(DuckLakeTransaction &transaction, CatalogType type, const string &name);
	optional_ptr<CatalogEntry> GetCommittedMacro(CatalogType type, const string &name);
	optional_ptr<CatalogEntry> CreateMacro(DuckLakeTransaction &transaction, CreateMacroInfo &info);
	void DropMacro(DuckLakeTransaction &transaction, DropInfo &info);
	//! Whether the transaction renamed this committed object (it is listed under its new name).
	bool IsRenamedAway(DuckLakeTransaction &transaction, CatalogEntry &committed);
	//! ALTER TABLE (see ducklake_alter.cpp); comments go through Alter itself.
	void AlterTable(CatalogTransaction transaction, AlterTableInfo &info);
	void RenameView(CatalogTransaction transaction, AlterViewInfo &info);
	//! Handles IF NOT EXISTS / OR REPLACE for a new object; false when it must not be created.
	bool PrepareCreate(DuckLakeTransaction &transaction, const string &name, OnCreateConflict on_conflict,
	                   CatalogType type);

	LakeSchemaInfo schema_info;
	case_insensitive_map_t<unique_ptr<CatalogEntry>> entries;
	//! Shared by the transactions reading this schema's catalog set, hence the lock.
	mutex functions_lock;
	case_insensitive_map_t<unique_ptr<CatalogEntry>> function_entries;
	optional_ptr<LakeCatalogSet> catalog_set;
	//! Committed macros by MacroKey, filled once by the catalog set (LoadMacros), then only read.
	case_insensitive_map_t<unique_ptr<CatalogEntry>> macros;
};

} // namespace duckdb
