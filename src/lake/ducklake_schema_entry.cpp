#include "mallard/lake/ducklake_schema_entry.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/lake/ducklake_alter.hpp"
#include "mallard/functions/lake_functions.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_catalog_set.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/lake/ducklake_macro.hpp"
#include "mallard/lake/ducklake_view.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/enum_util.hpp"
#include "duckdb/common/types/uuid.hpp"
#include "duckdb/parser/parsed_data/alter_table_info.hpp"
#include "duckdb/parser/parsed_data/comment_on_column_info.hpp"
#include "duckdb/parser/constraints/not_null_constraint.hpp"
#include "duckdb/parser/parsed_data/create_macro_info.hpp"
#include "duckdb/parser/parsed_data/create_schema_info.hpp"
#include "duckdb/parser/parsed_data/create_view_info.hpp"
#include "duckdb/parser/parsed_data/drop_info.hpp"
#include "duckdb/planner/parsed_data/bound_create_table_info.hpp"

namespace duckdb {

idx_t LakeEntryId(const CatalogEntry &entry) {
	if (entry.type == CatalogType::VIEW_ENTRY) {
		return entry.Cast<DuckLakeViewEntry>().view_info.view_id;
	}
	return entry.Cast<DuckLakeTableEntry>().GetTableId();
}

namespace {

//! As in DuckDB's own schemas, tables and views share one namespace and a TABLE_ENTRY scan
//! yields both (duckdb_columns relies on it to list view columns).
bool MatchesType(CatalogType wanted, CatalogEntry &entry) {
	return wanted == entry.type || (wanted == CatalogType::TABLE_ENTRY && entry.type == CatalogType::VIEW_ENTRY);
}

string AlterTableName(AlterTableType type) {
	switch (type) {
	case AlterTableType::RENAME_COLUMN:
		return "RENAME COLUMN";
	case AlterTableType::RENAME_TABLE:
		return "RENAME TO";
	case AlterTableType::ADD_COLUMN:
		return "ADD COLUMN";
	case AlterTableType::REMOVE_COLUMN:
		return "DROP COLUMN";
	case AlterTableType::ALTER_COLUMN_TYPE:
		return "ALTER COLUMN ... TYPE";
	case AlterTableType::SET_DEFAULT:
		return "ALTER COLUMN ... SET DEFAULT";
	case AlterTableType::SET_NOT_NULL:
		return "ALTER COLUMN ... SET NOT NULL";
	case AlterTableType::DROP_NOT_NULL:
		return "ALTER COLUMN ... DROP NOT NULL";
	case AlterTableType::ADD_CONSTRAINT:
	case AlterTableType::FOREIGN_KEY_CONSTRAINT:
		return "ADD CONSTRAINT";
	case AlterTableType::SET_PARTITIONED_BY:
		return "SET PARTITIONED BY";
	case AlterTableType::SET_SORTED_BY:
		return "SET SORTED BY";
	case AlterTableType::ADD_FIELD:
		return "ADD COLUMN (struct field)";
	case AlterTableType::REMOVE_FIELD:
		return "DROP COLUMN (struct field)";
	case AlterTableType::RENAME_FIELD:
		return "RENAME COLUMN (struct field)";
	default:
		return EnumUtil::ToString(type);
	}
}

} // namespace

DuckLakeSchemaEntry::DuckLakeSchemaEntry(Catalog &catalog, CreateSchemaInfo &info, LakeSchemaInfo schema_info_p)
    : SchemaCatalogEntry(catalog, info), schema_info(std::move(schema_info_p)) {
}

unique_ptr<DuckLakeSchemaEntry> DuckLakeSchemaEntry::Create(DuckLakeCatalog &catalog, LakeSchemaInfo schema_info) {
	CreateSchemaInfo info;
	info.schema = schema_info.name;
	info.internal = false;
	return make_uniq<DuckLakeSchemaEntry>(catalog, info, std::move(schema_info));
}

void DuckLakeSchemaEntry::AddCommittedEntry(unique_ptr<CatalogEntry> entry) {
	auto name = entry->name;
	entries[name] = std::move(entry);
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::GetCommittedEntry(const string &name) const {
	auto entry = entries.find(name);
	if (entry == entries.end()) {
		return nullptr;
	}
	return entry->second.get();
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::GetEntry(DuckLakeTransaction &transaction, const string &name) {
	auto local = transaction.GetLocalEntry(this->name, name);
	if (local) {
		return local;
	}
	auto committed = GetCommittedEntry(name);
	if (committed && (transaction.IsEntryDropped(LakeEntryId(*committed)) || IsRenamedAway(transaction, *committed))) {
		return nullptr;
	}
	return committed;
}

bool DuckLakeSchemaEntry::IsRenamedAway(DuckLakeTransaction &transaction, CatalogEntry &committed) {
	bool renamed = false;
	auto id = LakeEntryId(committed);
	transaction.ScanLocalEntries(name, [&](CatalogEntry &local) {
		if (LakeEntryId(local) == id && local.name != committed.name) {
			renamed = true;
		}
	});
	return renamed;
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::GetCommittedEntryById(idx_t id) const {
	for (auto &entry : entries) {
		if (LakeEntryId(*entry.second) == id) {
			return entry.second.get();
		}
	}
	return nullptr;
}

void DuckLakeSchemaEntry::AlterTable(CatalogTransaction transaction, AlterTableInfo &info) {
	auto &context = transaction.GetContext();
	auto &lake_transaction = DuckLakeTransaction::Get(context, catalog);
	auto entry = GetEntry(lake_transaction, info.name);
	if (!entry) {
		if (info.if_not_found == OnEntryNotFound::RETURN_NULL) {
			return;
		}
		throw CatalogException("Table with name \"%s\" does not exist in schema \"%s\"", info.name, name);
	}
	if (entry->type != CatalogType::TABLE_ENTRY) {
		throw CatalogException("\"%s\" is a view: ALTER TABLE %s applies to tables", info.name,
		                       AlterTableName(info.alter_table_type));
	}
	auto &table = entry->Cast<DuckLakeTableEntry>();
	LakeTableInfo altered;
	if (!AlterLakeTable(context, table, info, altered)) {
		return;
	}
	if (altered.name != table.name) {
		// Only the letter case may change: then the entry found is the table itself.
		auto existing = GetEntry(lake_transaction, altered.name);
		if (existing && existing.get() != &table) {
			throw CatalogException("Could not rename \"%s\" to \"%s\": another table or view with that name exists "
			                       "in schema \"%s\"",
			                       table.name, altered.name, name);
		}
		// The entry moves to its new name; the committed one stays hidden under the old name
		// (IsRenamedAway) until the commit writes the new table row.
		lake_transaction.RemoveLocalEntry(name, table.name);
	}
	// The altered table replaces the transaction's view of it; its id stays, so the commit records
	// an alteration (ducklake_commit.cpp) rather than a new table.
	lake_transaction.AddLocalEntry(name, DuckLakeTableEntry::Create(catalog, *this, std::move(altered)));
}

void DuckLakeSchemaEntry::RenameView(CatalogTransaction transaction, AlterViewInfo &info) {
	if (info.alter_view_type != AlterViewType::RENAME_VIEW) {
		throw NotImplementedException("ALTER VIEW (%s) on lake view \"%s\" is not supported",
		                              EnumUtil::ToString(info.alter_view_type), info.name);
	}
	auto &new_name = info.Cast<RenameViewInfo>().new_view_name;
	auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), catalog);
	auto entry = GetEntry(lake_transaction, info.name);
	if (!entry) {
		if (info.if_not_found == OnEntryNotFound::RETURN_NULL) {
			return;
		}
		throw CatalogException("View with name \"%s\" does not exist in schema \"%s\"", info.name, name);
	}
	if (entry->type != CatalogType::VIEW_ENTRY) {
		throw CatalogException("\"%s\" is a table: ALTER VIEW ... RENAME TO applies to views", info.name);
	}
	auto existing = GetEntry(lake_transaction, new_name);
	if (existing && existing.get() != entry.get()) {
		throw CatalogException("Could not rename \"%s\" to \"%s\": another table or view with that name exists in "
		                       "schema \"%s\"",
		                       info.name, new_name, name);
	}
	// As a table rename (AlterTable): the entry moves to its new name, keeping its id.
	auto view = entry->Cast<DuckLakeViewEntry>().view_info;
	lake_transaction.RemoveLocalEntry(name, view.name);
	view.name = new_name;
	lake_transaction.AddLocalEntry(name, CreateLakeViewEntry(catalog, *this, view));
}

bool DuckLakeSchemaEntry::PrepareCreate(DuckLakeTransaction &transaction, const string &name,
                                        OnCreateConflict on_conflict, CatalogType type) {
	auto existing = GetEntry(transaction, name);
	if (!existing) {
		return true;
	}
	switch (on_conflict) {
	case OnCreateConflict::IGNORE_ON_CONFLICT:
		return false;
	case OnCreateConflict::REPLACE_ON_CONFLICT:
		if (existing->type != type) {
			throw CatalogException("Cannot replace \"%s\": it is a %s", name,
			                       existing->type == CatalogType::VIEW_ENTRY ? "view" : "table");
		}
		transaction.DropEntry(this->name, *existing);
		return true;
	default:
		throw CatalogException("%s with name \"%s\" already exists in schema \"%s\"",
		                       existing->type == CatalogType::VIEW_ENTRY ? "View" : "Table", name, this->name);
	}
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateTable(CatalogTransaction transaction, BoundCreateTableInfo &info) {
	auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), catalog);
	auto &base = info.Base();
	if (base.temporary) {
		throw NotImplementedException("Lake tables cannot be TEMPORARY");
	}
	if (!PrepareCreate(lake_transaction, base.table, base.on_conflict, CatalogType::TABLE_ENTRY)) {
		return nullptr;
	}
	LakeTableInfo table;
	table.table_id = lake_transaction.NewLocalId();
	table.table_uuid = UUID::ToString(UUID::GenerateRandomUUID());
	table.schema_id = schema_info.schema_id;
	table.name = base.table;
	table.path = LakePaths::FolderName(base.table, table.table_uuid);
	table.path_is_relative = true;
	table.comment = base.comment;
	idx_t next_column_id = 1;
	for (auto &column : base.columns.Logical()) {
		if (column.Generated()) {
			// DuckLake has no generated columns (spec: ducklake_column stores values, not expressions).
			throw NotImplementedException("Lake tables cannot have generated columns: column \"%s\" of table \"%s\"",
			                              column.Name(), base.table);
		}
		RefuseColumnCompression(column, base.table);
		CheckColumnNameNotReserved(column.Name());
		auto lake_column = MakeLakeColumn(column.Name(), column.Type(), next_column_id);
		if (column.HasDefaultValue()) {
			lake_column.default_value = column.DefaultValue().ToString();
		}
		table.columns.push_back(std::move(lake_column));
	}
	for (auto &constraint : base.constraints) {
		if (constraint->type != ConstraintType::NOT_NULL) {
			throw NotImplementedException("Lake tables support NOT NULL constraints only, not %s",
			                              constraint->ToString());
		}
		auto &not_null = constraint->Cast<NotNullConstraint>();
		table.columns[not_null.index.index].nulls_allowed = false;
	}
	auto entry = DuckLakeTableEntry::Create(catalog, *this, std::move(table));
	return &lake_transaction.AddLocalEntry(name, std::move(entry));
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateView(CatalogTransaction transaction, CreateViewInfo &info) {
	auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), catalog);
	if (info.temporary) {
		throw NotImplementedException("Lake views cannot be TEMPORARY");
	}
	auto sql = LakeViewSQL(catalog, *info.query);
	auto column_aliases = StringUtil::Join(info.aliases, ",");
	if (info.on_conflict == OnCreateConflict::REPLACE_ON_CONFLICT) {
		// The view as it is: nothing to replace, and no snapshot (as DuckLake).
		auto existing = GetEntry(lake_transaction, info.view_name);
		if (existing && existing->type == CatalogType::VIEW_ENTRY) {
			auto &current = existing->Cast<DuckLakeViewEntry>().view_info;
			if (current.sql == sql && current.column_aliases == column_aliases &&
			    Value::NotDistinctFrom(current.comment, info.comment)) {
				return existing;
			}
		}
	}
	if (!PrepareCreate(lake_transaction, info.view_name, info.on_conflict, CatalogType::VIEW_ENTRY)) {
		return nullptr;
	}
	LakeViewInfo view;
	view.view_id = lake_transaction.NewLocalId();
	view.view_uuid = UUID::ToString(UUID::GenerateRandomUUID());
	view.schema_id = schema_info.schema_id;
	view.name = info.view_name;
	view.dialect = "duckdb";
	view.sql = std::move(sql);
	view.column_aliases = std::move(column_aliases);
	view.comment = info.comment;
	return &lake_transaction.AddLocalEntry(name, CreateLakeViewEntry(catalog, *this, view));
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateFunction(CatalogTransaction transaction,
                                                               CreateFunctionInfo &info) {
	if (info.type != CatalogType::MACRO_ENTRY && info.type != CatalogType::TABLE_MACRO_ENTRY) {
		throw NotImplementedException("Lake schemas hold macros, not %s functions", CatalogTypeToString(info.type));
	}
	auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), catalog);
	return CreateMacro(lake_transaction, info.Cast<CreateMacroInfo>());
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateMacro(DuckLakeTransaction &transaction, CreateMacroInfo &info) {
	if (info.temporary) {
		throw NotImplementedException("Lake macros cannot be TEMPORARY");
	}
	if (LookupLakeFunction(catalog.Cast<DuckLakeCatalog>(), *this, info.name)) {
		throw CatalogException("Cannot create macro \"%s\": the lake has a function of that name (%s.%s())",
		                       info.name, catalog.GetName(), info.name);
	}
	// Checked before anything is dropped: what the lake cannot store fails the statement alone.
	auto macro = LakeMacroFromCreate(info);
	auto existing = GetMacro(transaction, info.type, info.name);
	if (existing) {
		switch (info.on_conflict) {
		case OnCreateConflict::IGNORE_ON_CONFLICT:
			return nullptr;
		case OnCreateConflict::REPLACE_ON_CONFLICT:
			transaction.DropMacro(name, *existing);
			break;
		default:
			throw CatalogException("%s with name \"%s\" already exists in schema \"%s\"",
			                       IsTableMacroType(info.type) ? "Table macro" : "Macro", info.name, name);
		}
	}
	macro.macro_id = transaction.NewLocalId();
	macro.schema_id = schema_info.schema_id;
	return &transaction.AddLocalMacro(name, CreateLakeMacroEntry(catalog, *this, macro));
}

void DuckLakeSchemaEntry::AddCommittedMacro(unique_ptr<CatalogEntry> entry) {
	auto key = MacroKey(entry->type, entry->name);
	macros[key] = std::move(entry);
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::GetCommittedMacro(CatalogType type, const string &name) {
	if (!catalog_set) {
		return nullptr;
	}
	catalog_set->LoadMacros();
	auto entry = macros.find(MacroKey(type, name));
	return entry == macros.end() ? nullptr : entry->second.get();
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::GetMacro(DuckLakeTransaction &transaction, CatalogType type,
                                                         const string &name) {
	auto local = transaction.GetLocalMacro(this->name, type, name);
	if (local) {
		return local;
	}
	auto committed = GetCommittedMacro(type, name);
	if (committed && transaction.IsMacroDropped(GetLakeMacroInfo(*committed).macro_id)) {
		return nullptr;
	}
	return committed;
}

void DuckLakeSchemaEntry::ScanMacros(DuckLakeTransaction &transaction,
                                     const std::function<void(CatalogEntry &)> &callback) {
	if (catalog_set) {
		catalog_set->LoadMacros();
	}
	for (auto &entry : macros) {
		auto &committed = *entry.second;
		if (!transaction.IsMacroDropped(GetLakeMacroInfo(committed).macro_id) &&
		    !transaction.GetLocalMacro(name, committed.type, committed.name)) {
			callback(committed);
		}
	}
	transaction.ScanLocalMacros(name, callback);
}

void DuckLakeSchemaEntry::DropMacro(DuckLakeTransaction &transaction, DropInfo &info) {
	auto entry = GetMacro(transaction, info.type, info.name);
	if (!entry) {
		if (info.if_not_found == OnEntryNotFound::RETURN_NULL) {
			return;
		}
		throw CatalogException("%s with name \"%s\" does not exist in schema \"%s\"",
		                       IsTableMacroType(info.type) ? "Table macro" : "Macro", info.name, name);
	}
	transaction.DropMacro(name, *entry);
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateIndex(CatalogTransaction transaction, CreateIndexInfo &info,
                                                            TableCatalogEntry &table) {
	throw NotImplementedException("Lake tables do not support indexes");
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateSequence(CatalogTransaction transaction,
                                                               CreateSequenceInfo &info) {
	throw NotImplementedException("Lake schemas cannot hold sequences");
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateTableFunction(CatalogTransaction transaction,
                                                                    CreateTableFunctionInfo &info) {
	throw NotImplementedException("Lake schemas cannot hold table functions");
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateCopyFunction(CatalogTransaction transaction,
                                                                   CreateCopyFunctionInfo &info) {
	throw NotImplementedException("Lake schemas cannot hold copy functions");
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreatePragmaFunction(CatalogTransaction transaction,
                                                                     CreatePragmaFunctionInfo &info) {
	throw NotImplementedException("Lake schemas cannot hold pragma functions");
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateCollation(CatalogTransaction transaction,
                                                                CreateCollationInfo &info) {
	throw NotImplementedException("Lake schemas cannot hold collations");
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::CreateType(CatalogTransaction transaction, CreateTypeInfo &info) {
	throw NotImplementedException("Lake schemas cannot hold types");
}

void DuckLakeSchemaEntry::Alter(CatalogTransaction transaction, AlterInfo &info) {
	switch (info.type) {
	case AlterType::SET_COMMENT:
	case AlterType::SET_COLUMN_COMMENT:
		break;
	case AlterType::ALTER_TABLE:
		AlterTable(transaction, info.Cast<AlterTableInfo>());
		return;
	case AlterType::ALTER_VIEW:
		RenameView(transaction, info.Cast<AlterViewInfo>());
		return;
	default:
		throw NotImplementedException("ALTER (%s) on lake object \"%s\" is not supported", EnumUtil::ToString(info.type),
		                              info.name);
	}
	auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), catalog);
	auto entry = GetEntry(lake_transaction, info.name);
	if (!entry) {
		if (info.if_not_found == OnEntryNotFound::RETURN_NULL) {
			return;
		}
		throw CatalogException("Table or view with name \"%s\" does not exist in schema \"%s\"", info.name, name);
	}
	// The altered object replaces the transaction's view of it; its id stays, so the commit
	// records an alteration (ducklake_commit.cpp) rather than a new object.
	if (entry->type == CatalogType::VIEW_ENTRY) {
		auto view = entry->Cast<DuckLakeViewEntry>().view_info;
		if (info.type == AlterType::SET_COLUMN_COMMENT) {
			throw NotImplementedException("COMMENT ON COLUMN is not supported for lake view \"%s\": DuckLake stores "
			                              "column comments for tables only",
			                              info.name);
		}
		view.comment = info.Cast<SetCommentInfo>().comment_value;
		lake_transaction.AddLocalEntry(name, CreateLakeViewEntry(catalog, *this, view));
		return;
	}
	auto table = entry->Cast<DuckLakeTableEntry>().GetTableInfo();
	if (info.type == AlterType::SET_COMMENT) {
		table.comment = info.Cast<SetCommentInfo>().comment_value;
	} else {
		auto &column_info = info.Cast<SetColumnCommentInfo>();
		bool found = false;
		for (auto &column : table.columns) {
			if (StringUtil::CIEquals(column.name, column_info.column_name)) {
				column.comment = column_info.comment_value;
				found = true;
			}
		}
		if (!found) {
			throw BinderException("Table \"%s\" has no column named \"%s\"", info.name, column_info.column_name);
		}
	}
	lake_transaction.AddLocalEntry(name, DuckLakeTableEntry::Create(catalog, *this, std::move(table)));
}

void DuckLakeSchemaEntry::ScanEntries(DuckLakeTransaction &transaction, CatalogType type,
                                      const std::function<void(CatalogEntry &)> &callback) {
	for (auto &entry : entries) {
		auto &committed = *entry.second;
		if (!MatchesType(type, committed) || transaction.IsEntryDropped(LakeEntryId(committed)) ||
		    transaction.GetLocalEntry(name, committed.name) || IsRenamedAway(transaction, committed)) {
			continue;
		}
		callback(committed);
	}
	transaction.ScanLocalEntries(name, [&](CatalogEntry &entry) {
		if (MatchesType(type, entry)) {
			callback(entry);
		}
	});
}

void DuckLakeSchemaEntry::Scan(ClientContext &context, CatalogType type,
                               const std::function<void(CatalogEntry &)> &callback) {
	// DuckDB scans schemas to list them (duckdb_columns, information_schema, ...): views are
	// listed with the columns they bind to.
	auto &lake_transaction = DuckLakeTransaction::Get(context, catalog);
	if (IsMacroType(type)) {
		// (duckdb_functions() lists SCALAR_FUNCTION_ENTRY and TABLE_FUNCTION_ENTRY.)
		ScanMacros(lake_transaction, [&](CatalogEntry &entry) {
			if (IsTableMacroType(entry.type) == IsTableMacroType(type)) {
				callback(entry);
			}
		});
		return;
	}
	ScanEntries(lake_transaction, type, [&](CatalogEntry &entry) {
		if (entry.type == CatalogType::VIEW_ENTRY) {
			callback(lake_transaction.GetListedView(context, entry.Cast<DuckLakeViewEntry>()));
		} else {
			callback(entry);
		}
	});
}

CatalogEntry &DuckLakeSchemaEntry::GetFunctionEntry(const string &key,
                                                    const std::function<unique_ptr<CatalogEntry>()> &create) {
	lock_guard<mutex> guard(functions_lock);
	auto entry = function_entries.find(key);
	if (entry == function_entries.end()) {
		entry = function_entries.emplace(key, create()).first;
	}
	return *entry->second;
}

void DuckLakeSchemaEntry::Scan(CatalogType type, const std::function<void(CatalogEntry &)> &callback) {
	for (auto &entry : entries) {
		if (MatchesType(type, *entry.second)) {
			callback(*entry.second);
		}
	}
}

void DuckLakeSchemaEntry::DropEntry(ClientContext &context, DropInfo &info) {
	auto &lake_transaction = DuckLakeTransaction::Get(context, catalog);
	if (info.type == CatalogType::MACRO_ENTRY || info.type == CatalogType::TABLE_MACRO_ENTRY) {
		DropMacro(lake_transaction, info);
		return;
	}
	auto entry = GetEntry(lake_transaction, info.name);
	if (!entry) {
		if (info.if_not_found == OnEntryNotFound::RETURN_NULL) {
			return;
		}
		throw CatalogException("%s with name \"%s\" does not exist in schema \"%s\"",
		                       info.type == CatalogType::VIEW_ENTRY ? "View" : "Table", info.name, name);
	}
	if (entry->type != info.type) {
		throw CatalogException("\"%s\" is a %s: use DROP %s", info.name,
		                       entry->type == CatalogType::VIEW_ENTRY ? "view" : "table",
		                       entry->type == CatalogType::VIEW_ENTRY ? "VIEW" : "TABLE");
	}
	lake_transaction.DropEntry(name, *entry);
}

optional_ptr<CatalogEntry> DuckLakeSchemaEntry::LookupEntry(CatalogTransaction transaction,
                                                            const EntryLookupInfo &lookup_info) {
	auto type = lookup_info.GetCatalogType();
	if (IsMacroType(type)) {
		if (type == CatalogType::TABLE_FUNCTION_ENTRY) {
			// lake.snapshots(), lake.table_info(), ... resolve here (see functions/).
			auto function = LookupLakeFunction(catalog.Cast<DuckLakeCatalog>(), *this, lookup_info.GetEntryName());
			if (function) {
				return function;
			}
		}
		if (!transaction.HasContext()) {
			return GetCommittedMacro(type, lookup_info.GetEntryName());
		}
		return GetMacro(DuckLakeTransaction::Get(transaction.GetContext(), catalog), type, lookup_info.GetEntryName());
	}
	if (type != CatalogType::TABLE_ENTRY && type != CatalogType::VIEW_ENTRY) {
		return nullptr;
	}
	auto &entry_name = lookup_info.GetEntryName();
	if (lookup_info.GetAtClause() || !transaction.HasContext()) {
		// Time travel reads the committed state of that snapshot only.
		return GetCommittedEntry(entry_name);
	}
	auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), catalog);
	auto entry = GetEntry(lake_transaction, entry_name);
	if (!entry && type == CatalogType::TABLE_ENTRY) {
		return LookupCatalogTableView(catalog.Cast<DuckLakeCatalog>(), *this, entry_name);
	}
	return entry;
}

} // namespace duckdb
