#include "mallard/lake/lake_metadata_alias.hpp"

#include "mallard/catalog/metadata_tables.hpp"
#include "mallard/functions/lake_functions.hpp"
#include "mallard/lake/ducklake_catalog.hpp"

#include "duckdb/catalog/catalog_entry/schema_catalog_entry.hpp"
#include "duckdb/catalog/catalog_entry/view_catalog_entry.hpp"
#include "duckdb/main/attached_database.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/main/database_manager.hpp"
#include "duckdb/parser/keyword_helper.hpp"
#include "duckdb/parser/parsed_data/attach_info.hpp"
#include "duckdb/parser/parsed_data/create_schema_info.hpp"
#include "duckdb/parser/parsed_data/create_view_info.hpp"
#include "duckdb/storage/database_size.hpp"
#include "duckdb/storage/storage_extension.hpp"
#include "duckdb/transaction/transaction.hpp"
#include "duckdb/transaction/transaction_manager.hpp"

#include <mutex>

namespace duckdb {

namespace {

const char *ALIAS_PREFIX = "__ducklake_metadata_";

NotImplementedException ReadOnly(const string &alias) {
	return NotImplementedException("%s shows the lake's catalog tables read-only: Mallard changes them only through "
	                               "the lake",
	                               alias);
}

//! A catalog table's view: its columns are whatever ducklake_catalog_table gives for the table,
//! bound on each use (as DuckLakeViewEntry, without a stored list of types to check).
class CatalogTableView : public ViewCatalogEntry {
public:
	CatalogTableView(Catalog &catalog, SchemaCatalogEntry &schema, CreateViewInfo &info)
	    : ViewCatalogEntry(catalog, schema, info) {
	}
	bool HasTypes() const override {
		return false;
	}
};

//! The schema main of the alias: each catalog table is a view, made on first use and kept.
class LakeMetadataSchemaEntry : public SchemaCatalogEntry {
public:
	LakeMetadataSchemaEntry(Catalog &catalog, CreateSchemaInfo &info, string lake_name_p)
	    : SchemaCatalogEntry(catalog, info), lake_name(std::move(lake_name_p)) {
	}

	optional_ptr<CatalogEntry> LookupEntry(CatalogTransaction transaction, const EntryLookupInfo &lookup) override {
		auto type = lookup.GetCatalogType();
		if (type != CatalogType::TABLE_ENTRY && type != CatalogType::VIEW_ENTRY) {
			return nullptr;
		}
		return GetView(StringUtil::Lower(lookup.GetEntryName()));
	}

	void Scan(ClientContext &context, CatalogType type, const std::function<void(CatalogEntry &)> &callback) override {
		Scan(type, callback);
	}
	void Scan(CatalogType type, const std::function<void(CatalogEntry &)> &callback) override {
		if (type != CatalogType::TABLE_ENTRY && type != CatalogType::VIEW_ENTRY) {
			return;
		}
		for (auto &name : MetadataTableNames()) {
			callback(*GetView(name));
		}
	}

	optional_ptr<CatalogEntry> CreateIndex(CatalogTransaction, CreateIndexInfo &, TableCatalogEntry &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateFunction(CatalogTransaction, CreateFunctionInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateTable(CatalogTransaction, BoundCreateTableInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateView(CatalogTransaction, CreateViewInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateSequence(CatalogTransaction, CreateSequenceInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateTableFunction(CatalogTransaction, CreateTableFunctionInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateCopyFunction(CatalogTransaction, CreateCopyFunctionInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreatePragmaFunction(CatalogTransaction, CreatePragmaFunctionInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateCollation(CatalogTransaction, CreateCollationInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	optional_ptr<CatalogEntry> CreateType(CatalogTransaction, CreateTypeInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	void DropEntry(ClientContext &, DropInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}
	void Alter(CatalogTransaction, AlterInfo &) override {
		throw ReadOnly(ParentCatalog().GetName());
	}

private:
	string lake_name;
	std::mutex lock;
	unordered_map<string, unique_ptr<CatalogTableView>> views;

	optional_ptr<CatalogEntry> GetView(const string &name) {
		if (!IsCatalogTableName(name)) {
			return nullptr;
		}
		std::lock_guard<std::mutex> guard(lock);
		auto &view = views[name];
		if (!view) {
			CreateViewInfo info(*this, name);
			info.sql = CatalogTableViewSQL(lake_name, name);
			// Bound when used, as DuckDB binds the views it reads back from storage.
			info.query = CreateViewInfo::ParseSelect(info.sql);
			view = make_uniq<CatalogTableView>(ParentCatalog(), *this, info);
		}
		return view.get();
	}
};

class LakeMetadataCatalog : public Catalog {
public:
	LakeMetadataCatalog(AttachedDatabase &db, string lake_name_p) : Catalog(db), lake_name(std::move(lake_name_p)) {
	}

	void Initialize(bool load_builtin) override {
		CreateSchemaInfo info;
		info.schema = DEFAULT_SCHEMA;
		main_schema = make_uniq<LakeMetadataSchemaEntry>(*this, info, lake_name);
	}
	string GetCatalogType() override {
		return "ducklake_metadata";
	}
	optional_ptr<SchemaCatalogEntry> LookupSchema(CatalogTransaction transaction, const EntryLookupInfo &lookup,
	                                              OnEntryNotFound if_not_found) override {
		if (StringUtil::CIEquals(lookup.GetEntryName(), DEFAULT_SCHEMA)) {
			return main_schema.get();
		}
		if (if_not_found == OnEntryNotFound::THROW_EXCEPTION) {
			throw CatalogException("%s has only the schema main, not \"%s\"", GetName(), lookup.GetEntryName());
		}
		return nullptr;
	}
	void ScanSchemas(ClientContext &context, std::function<void(SchemaCatalogEntry &)> callback) override {
		callback(*main_schema);
	}
	optional_ptr<CatalogEntry> CreateSchema(CatalogTransaction, CreateSchemaInfo &) override {
		throw ReadOnly(GetName());
	}
	void DropSchema(ClientContext &, DropInfo &) override {
		throw ReadOnly(GetName());
	}
	PhysicalOperator &PlanCreateTableAs(ClientContext &, PhysicalPlanGenerator &, LogicalCreateTable &,
	                                    PhysicalOperator &) override {
		throw ReadOnly(GetName());
	}
	PhysicalOperator &PlanInsert(ClientContext &, PhysicalPlanGenerator &, LogicalInsert &,
	                             optional_ptr<PhysicalOperator>) override {
		throw ReadOnly(GetName());
	}
	PhysicalOperator &PlanDelete(ClientContext &, PhysicalPlanGenerator &, LogicalDelete &,
	                             PhysicalOperator &) override {
		throw ReadOnly(GetName());
	}
	PhysicalOperator &PlanUpdate(ClientContext &, PhysicalPlanGenerator &, LogicalUpdate &,
	                             PhysicalOperator &) override {
		throw ReadOnly(GetName());
	}
	DatabaseSize GetDatabaseSize(ClientContext &context) override {
		return DatabaseSize();
	}
	bool InMemory() override {
		return false;
	}
	string GetDBPath() override {
		return string();
	}

private:
	string lake_name;
	unique_ptr<LakeMetadataSchemaEntry> main_schema;
};

//! Reading views needs no transaction state: one empty transaction per client.
class LakeMetadataTransactionManager : public TransactionManager {
public:
	explicit LakeMetadataTransactionManager(AttachedDatabase &db) : TransactionManager(db) {
	}

	Transaction &StartTransaction(ClientContext &context) override {
		auto transaction = make_uniq<Transaction>(*this, context);
		auto &result = *transaction;
		std::lock_guard<std::mutex> guard(lock);
		transactions[result] = std::move(transaction);
		return result;
	}
	ErrorData CommitTransaction(ClientContext &context, Transaction &transaction) override {
		Remove(transaction);
		return ErrorData();
	}
	void RollbackTransaction(Transaction &transaction) override {
		Remove(transaction);
	}
	void Checkpoint(ClientContext &context, bool force) override {
	}

private:
	std::mutex lock;
	reference_map_t<Transaction, unique_ptr<Transaction>> transactions;

	void Remove(Transaction &transaction) {
		std::lock_guard<std::mutex> guard(lock);
		transactions.erase(transaction);
	}
};

//! The alias's path is the name of its lake.
unique_ptr<Catalog> AttachAlias(optional_ptr<StorageExtensionInfo> storage_info, ClientContext &context,
                                AttachedDatabase &db, const string &name, AttachInfo &info, AttachOptions &options) {
	return make_uniq<LakeMetadataCatalog>(db, info.path);
}

unique_ptr<TransactionManager> CreateAliasTransactionManager(optional_ptr<StorageExtensionInfo> storage_info,
                                                            AttachedDatabase &db, Catalog &catalog) {
	return make_uniq<LakeMetadataTransactionManager>(db);
}

} // namespace

string LakeMetadataAliasName(const DuckLakeCatalog &lake) {
	auto &name = lake.GetOptions().metadata_catalog;
	return name.empty() ? ALIAS_PREFIX + lake.GetName() : name;
}

void AttachLakeMetadataAlias(ClientContext &context, DuckLakeCatalog &lake) {
	auto &db = DatabaseInstance::GetDatabase(context);
	auto &manager = db.GetDatabaseManager();
	AttachInfo info;
	info.name = LakeMetadataAliasName(lake);
	info.path = lake.GetName();
	if (manager.GetDatabase(context, info.name)) {
		return;
	}
	// Not registered under a type (no ATTACH ... (TYPE ...) reaches it); attached databases keep a
	// pointer to it, so it lives as long as the process.
	static StorageExtension extension;
	extension.attach = AttachAlias;
	extension.create_transaction_manager = CreateAliasTransactionManager;
	unordered_map<string, Value> no_options;
	AttachOptions options(no_options, AccessMode::READ_ONLY);
	auto alias = make_shared_ptr<AttachedDatabase>(db, Catalog::GetSystemCatalog(db), extension, context, info.name,
	                                               info, options);
	alias->Initialize(context);
	alias->FinalizeLoad(context);
	manager.FinalizeAttach(context, info, std::move(alias));
}

void DetachLakeMetadataAlias(ClientContext &context, DuckLakeCatalog &lake) {
	auto &manager = DatabaseManager::Get(context);
	auto current = manager.GetDatabase(lake.GetName());
	if (current && &current->GetCatalog() != &lake) {
		return;
	}
	try {
		manager.DetachDatabase(context, LakeMetadataAliasName(lake), OnEntryNotFound::RETURN_NULL);
	} catch (std::exception &) {
		// (It is the default database: USE moved there.) It stays; its views name the lake, which
		// is gone, and fail clearly when used.
	}
}

} // namespace duckdb
