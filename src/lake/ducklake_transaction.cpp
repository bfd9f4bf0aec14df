#include "mallard/lake/ducklake_transaction.hpp"

#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/ducklake_catalog_set.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_macro.hpp"
#include "mallard/lake/ducklake_view.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/database.hpp"

#include <algorithm>

namespace duckdb {

DuckLakeTransaction::DuckLakeTransaction(DuckLakeCatalog &catalog, TransactionManager &manager, ClientContext &context)
    : Transaction(manager, context), catalog(catalog), snapshot(catalog.GetStartSnapshot()) {
}

DuckLakeTransaction::~DuckLakeTransaction() {
}

DuckLakeTransaction &DuckLakeTransaction::Get(ClientContext &context, Catalog &catalog) {
	return Transaction::Get(context, catalog).Cast<DuckLakeTransaction>();
}

LakeCatalogSet &DuckLakeTransaction::GetCatalogSet() {
	if (!catalog_set) {
		catalog_set = catalog.GetCatalogSet(snapshot);
	}
	return *catalog_set;
}

void DuckLakeTransaction::KeepCatalogSet(shared_ptr<LakeCatalogSet> set) {
	if (set != catalog_set &&
	    std::find(time_travel_sets.begin(), time_travel_sets.end(), set) == time_travel_sets.end()) {
		time_travel_sets.push_back(std::move(set));
	}
}

DuckLakeSchemaEntry &DuckLakeTransaction::AddLocalSchema(unique_ptr<DuckLakeSchemaEntry> schema) {
	auto &result = *schema;
	new_schemas[schema->name] = std::move(schema);
	return result;
}

optional_ptr<DuckLakeSchemaEntry> DuckLakeTransaction::GetLocalSchema(const string &name) {
	auto entry = new_schemas.find(name);
	if (entry == new_schemas.end()) {
		return nullptr;
	}
	return entry->second.get();
}

void DuckLakeTransaction::DropSchema(DuckLakeSchemaEntry &schema) {
	auto local = new_schemas.find(schema.name);
	if (local != new_schemas.end() && local->second.get() == &schema) {
		new_entries.erase(schema.name);
		new_macros.erase(schema.name);
		new_schemas.erase(local);
		return;
	}
	dropped_schemas[schema.GetSchemaInfo().schema_id] = schema.name;
}

void DuckLakeTransaction::ScanLocalSchemas(const std::function<void(DuckLakeSchemaEntry &)> &callback) {
	for (auto &entry : new_schemas) {
		callback(*entry.second);
	}
}

CatalogEntry &DuckLakeTransaction::AddLocal(LocalEntries &local, const string &schema_name, const string &key,
                                            unique_ptr<CatalogEntry> entry) {
	auto &result = *entry;
	auto &slot = local[schema_name][key];
	if (slot) {
		replaced_entries.push_back(std::move(slot));
	}
	slot = std::move(entry);
	return result;
}

optional_ptr<CatalogEntry> DuckLakeTransaction::FindLocal(LocalEntries &local, const string &schema_name,
                                                          const string &key) {
	auto schema = local.find(schema_name);
	if (schema == local.end()) {
		return nullptr;
	}
	auto entry = schema->second.find(key);
	return entry == schema->second.end() ? nullptr : entry->second.get();
}

bool DuckLakeTransaction::TakeLocal(LocalEntries &local, const string &schema_name, const string &key,
                                    CatalogEntry &entry) {
	auto schema = local.find(schema_name);
	if (schema == local.end()) {
		return false;
	}
	auto found = schema->second.find(key);
	if (found == schema->second.end() || found->second.get() != &entry) {
		return false;
	}
	// Plans may still point at it until the transaction ends.
	replaced_entries.push_back(std::move(found->second));
	schema->second.erase(found);
	return true;
}

void DuckLakeTransaction::ScanLocal(LocalEntries &local, const string &schema_name,
                                    const std::function<void(CatalogEntry &)> &callback) {
	auto schema = local.find(schema_name);
	if (schema == local.end()) {
		return;
	}
	for (auto &entry : schema->second) {
		callback(*entry.second);
	}
}

CatalogEntry &DuckLakeTransaction::AddLocalEntry(const string &schema_name, unique_ptr<CatalogEntry> entry) {
	auto key = entry->name;
	return AddLocal(new_entries, schema_name, key, std::move(entry));
}

optional_ptr<CatalogEntry> DuckLakeTransaction::GetLocalEntry(const string &schema_name, const string &name) {
	return FindLocal(new_entries, schema_name, name);
}

void DuckLakeTransaction::RemoveLocalEntry(const string &schema_name, const string &name) {
	auto schema = new_entries.find(schema_name);
	if (schema == new_entries.end()) {
		return;
	}
	auto entry = schema->second.find(name);
	if (entry != schema->second.end()) {
		// Plans and new_data may still point at it until the transaction ends.
		replaced_entries.push_back(std::move(entry->second));
		schema->second.erase(entry);
	}
}

void DuckLakeTransaction::DropEntry(const string &schema_name, CatalogEntry &entry) {
	auto id = LakeEntryId(entry);
	// A local entry with a committed id is an altered committed object: that one is dropped below.
	if (TakeLocal(new_entries, schema_name, entry.name, entry) && IsLocalId(id)) {
		// Created and dropped in this transaction: it never reaches the catalog.
		DropWrittenFiles(id);
		new_data.erase(id);
		new_inlined.erase(id);
		return;
	}
	dropped_entries[id] = DroppedEntry {schema_name, entry.name, entry.type};
	// Data inserted into a table this transaction drops is never committed.
	DropWrittenFiles(id);
	new_data.erase(id);
	new_deletes.erase(id);
	new_inlined.erase(id);
	inlined_deletes.erase(id);
}

CatalogEntry &DuckLakeTransaction::AddLocalMacro(const string &schema_name, unique_ptr<CatalogEntry> entry) {
	auto key = MacroKey(entry->type, entry->name);
	return AddLocal(new_macros, schema_name, key, std::move(entry));
}

optional_ptr<CatalogEntry> DuckLakeTransaction::GetLocalMacro(const string &schema_name, CatalogType type,
                                                              const string &name) {
	return FindLocal(new_macros, schema_name, MacroKey(type, name));
}

void DuckLakeTransaction::DropMacro(const string &schema_name, CatalogEntry &entry) {
	if (TakeLocal(new_macros, schema_name, MacroKey(entry.type, entry.name), entry)) {
		return; // created in this transaction: it never reaches the catalog
	}
	dropped_macros[GetLakeMacroInfo(entry).macro_id] = DroppedEntry {schema_name, entry.name, entry.type};
}

void DuckLakeTransaction::ScanLocalMacros(const string &schema_name,
                                          const std::function<void(CatalogEntry &)> &callback) {
	ScanLocal(new_macros, schema_name, callback);
}

void DuckLakeTransaction::ScanLocalEntries(const string &schema_name,
                                           const std::function<void(CatalogEntry &)> &callback) {
	ScanLocal(new_entries, schema_name, callback);
}

CatalogEntry &DuckLakeTransaction::GetListedView(ClientContext &context, DuckLakeViewEntry &view) {
	std::lock_guard<std::recursive_mutex> guard(listed_views_lock);
	if (!view.types.empty() || views_being_listed.count(&view)) {
		return view;
	}
	auto listed = listed_views.find(&view);
	if (listed != listed_views.end()) {
		return *listed->second;
	}
	views_being_listed.insert(&view);
	unique_ptr<DuckLakeViewEntry> bound;
	try {
		bound = BindLakeViewColumns(context, view);
	} catch (...) {
		views_being_listed.erase(&view);
		throw;
	}
	views_being_listed.erase(&view);
	auto &result = *bound;
	listed_views[&view] = std::move(bound);
	return result;
}

void DuckLakeTransaction::AddDataFiles(DuckLakeTableEntry &table, vector<DataFileInfo> files) {
	auto &data = new_data[table.GetTableId()];
	data.table = &table;
	AssignProvisionalRowIds(table.GetTableId(), data, files);
	for (auto &file : files) {
		data.files.push_back(std::move(file));
	}
}

const vector<DataFileInfo> *DuckLakeTransaction::GetLocalDataFiles(idx_t table_id) const {
	auto entry = new_data.find(table_id);
	if (entry == new_data.end()) {
		return nullptr;
	}
	return &entry->second.files;
}

idx_t DuckLakeTransaction::AddDeletes(DuckLakeTableEntry &table, const DataFileInfo &file, DeletePositions positions) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto &data = new_deletes[table.GetTableId()];
	data.table = &table;
	auto entry = data.files.find(file.data_file_id);
	if (entry == data.files.end()) {
		LocalFileDeletes local;
		local.file = file;
		local.positions = make_shared_ptr<const DeletePositions>(std::move(positions));
		data.files.emplace(file.data_file_id, std::move(local));
		return 0;
	}
	auto merged = make_shared_ptr<const DeletePositions>(DeleteFiles::Union(*entry->second.positions, positions));
	auto repeated = entry->second.positions->size() + positions.size() - merged->size();
	entry->second.positions = std::move(merged);
	return repeated;
}

map<idx_t, DuckLakeTransaction::LocalFileDeletes> DuckLakeTransaction::GetLocalDeletes(idx_t table_id) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto entry = new_deletes.find(table_id);
	if (entry == new_deletes.end()) {
		return {};
	}
	return entry->second.files;
}

void DuckLakeTransaction::SetCommitMessage(Value author_p, Value message_p, Value extra_info_p) {
	author = std::move(author_p);
	commit_message = std::move(message_p);
	commit_extra_info = std::move(extra_info_p);
}

bool DuckLakeTransaction::HasChanges() const {
	if (!new_schemas.empty() || !dropped_schemas.empty() || !dropped_entries.empty() || !new_data.empty() ||
	    !new_deletes.empty() || !new_inlined.empty() || !inlined_deletes.empty() || !dropped_macros.empty()) {
		return true;
	}
	for (auto local : {&new_entries, &new_macros}) {
		for (auto &schema : *local) {
			if (!schema.second.empty()) {
				return true;
			}
		}
	}
	return false;
}

void DuckLakeTransaction::AddWrittenFile(const string &path) {
	std::lock_guard<std::mutex> guard(written_files_lock);
	written_files.push_back(path);
}

void DuckLakeTransaction::Rollback() {
	// The catalog never saw these files; remove them so nothing is left for cleanup.
	auto &fs = FileSystem::GetFileSystem(catalog.GetDatabase());
	for (auto &path : written_files) {
		try {
			fs.TryRemoveFile(path);
		} catch (...) {
		}
	}
	written_files.clear();
	for (auto &step : maintenance) {
		MaintenanceCommit::RemoveFiles(fs, step.written_files);
	}
	maintenance.clear();
	dropped_local_files.clear();
	new_data.clear();
	new_deletes.clear();
	new_inlined.clear();
	inlined_deletes.clear();
	new_entries.clear();
	new_schemas.clear();
	replaced_entries.clear();
	listed_views.clear();
	dropped_entries.clear();
	dropped_schemas.clear();
	new_macros.clear();
	dropped_macros.clear();
}

} // namespace duckdb

namespace duckdb {

void DuckLakeTransaction::Commit() {
	if (!HasChanges()) {
		// Files written into a table this transaction created and dropped again: nothing commits.
		RemoveDroppedLocalFiles();
		CommitMaintenance(false);
		return;
	}
	if (catalog.IsReadOnly()) {
		throw PermissionException("Lake \"%s\" is attached read-only", catalog.GetName());
	}
	LakeCommit commit(*this);
	commit.Run();
	// The files belong to the lake now; a later failure must not delete them.
	written_files.clear();
	RemoveDroppedLocalFiles();
	auto client = context.lock();
	if (client && commit.CommittedSnapshot().IsValid()) {
		catalog.SetLastCommittedSnapshot(client->GetConnectionId(), commit.CommittedSnapshot().GetIndex());
	}
	CommitMaintenance(true);
}

void DuckLakeTransaction::AddMaintenance(MaintenanceCommit step) {
	maintenance.push_back(std::move(step));
}

void DuckLakeTransaction::CommitMaintenance(bool after_own_changes) {
	auto client = context.lock();
	// Each step checks, in its own catalog transaction, that what it read is unchanged: the deletes
	// and updates committed just before make it leave their files alone, never lose them.
	while (!maintenance.empty() && client) {
		auto step = std::move(maintenance.front());
		maintenance.erase(maintenance.begin());
		try {
			MaintenanceCommit::RunNow(*client, catalog, step, GetCommitMessage());
		} catch (std::exception &ex) {
			if (!after_own_changes) {
				throw;
			}
			ErrorData error(ex);
			throw TransactionException("The transaction's own changes to lake \"%s\" were committed, but a maintenance "
			                           "call made in it was not: %s",
			                           catalog.GetName(), error.RawMessage());
		}
	}
}

} // namespace duckdb
