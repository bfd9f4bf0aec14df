#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/lake_metadata_alias.hpp"

#include "mallard/catalog/logged_metadata_connection.hpp"
#include "mallard/catalog/metadata_indexes.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_tables.hpp"
#include "mallard/lake/ducklake_catalog_set.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/lake/lake_file_cache.hpp"
#include "mallard/storage/file_encryption.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/common/types/uuid.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/parser/parsed_data/create_schema_info.hpp"
#include "duckdb/parser/parsed_data/drop_info.hpp"
#include "duckdb/planner/tableref/bound_at_clause.hpp"
#include "duckdb/storage/database_size.hpp"
#include "duckdb/catalog/catalog_entry/table_catalog_entry.hpp"

namespace duckdb {

DuckLakeCatalog::DuckLakeCatalog(AttachedDatabase &db, DuckLakeOptions options_p)
    : Catalog(db), options(std::move(options_p)), file_cache(make_uniq<LakeFileCache>()) {
}

DuckLakeCatalog::~DuckLakeCatalog() {
}

void DuckLakeCatalog::Initialize(bool load_builtin) {
	metadata = make_uniq<LoggedMetadataConnection>(OpenMetadataConnection(options.location, options.read_only),
	                                               GetDatabase(), GetName());
	auto state = CheckMetadataTables(*metadata, DisplayName(), options.automatic_migration, options.read_only);
	if (state == MetadataTablesState::EMPTY) {
		if (options.read_only) {
			throw InvalidInputException("Cannot attach DuckLake catalog %s read-only: it has not been created yet",
			                            DisplayName());
		}
		if (!options.create_if_not_exists) {
			throw InvalidInputException("DuckLake catalog %s holds no lake, and CREATE_IF_NOT_EXISTS is false",
			                            DisplayName());
		}
		if (options.data_path.empty()) {
			if (options.location.type == MetadataBackendType::POSTGRES) {
				throw InvalidInputException("Creating DuckLake catalog %s needs a DATA_PATH: ATTACH "
				                            "'ducklake:...' AS lake (DATA_PATH 'folder/')",
				                            DisplayName());
			}
			// As DuckLake does: data next to a file catalog, in "<catalog file>.files/".
			options.data_path = options.location.target + ".files/";
		}
		data_path = LakePaths::NormalizeDataPath(options.data_path);
		encrypted = options.encryption == LakeEncryption::ENCRYPTED;
		auto settings = options.metadata_settings;
		settings.emplace_back("encrypted", encrypted ? "true" : "false");
		InitializeMetadataTables(*metadata, data_path, settings);
	} else {
		write_cache.SetAttachSettings(options.metadata_settings);
		auto stored = MetadataReader::ReadMetadataValues(*metadata, {"data_path", "encrypted"});
		auto stored_path = stored.find("data_path");
		if (!options.data_path.empty()) {
			data_path = LakePaths::NormalizeDataPath(options.data_path);
			if (stored_path != stored.end() && !LakePaths::SameDataPath(data_path, stored_path->second) &&
			    !options.override_data_path) {
				throw InvalidInputException("DATA_PATH '%s' is not the data path DuckLake catalog %s stores ('%s'): "
				                            "leave DATA_PATH out to use the stored one, or set OVERRIDE_DATA_PATH "
				                            "true to read and write under '%s' for this attachment",
				                            options.data_path, DisplayName(), stored_path->second, options.data_path);
			}
		} else if (stored_path != stored.end()) {
			data_path = LakePaths::NormalizeDataPath(stored_path->second);
		} else {
			throw InvalidInputException("DuckLake catalog %s stores no data_path; pass DATA_PATH in ATTACH",
			                            DisplayName());
		}
		auto stored_encrypted = stored.find("encrypted");
		encrypted = stored_encrypted != stored.end() && StringUtil::CIEquals(stored_encrypted->second, "true");
		if (options.encryption != LakeEncryption::UNSPECIFIED &&
		    encrypted != (options.encryption == LakeEncryption::ENCRYPTED)) {
			throw InvalidInputException("ATTACH asks for an %s lake, but DuckLake catalog %s was created %s: drop "
			                            "the ENCRYPTED option to attach it as it is",
			                            encrypted ? "unencrypted" : "encrypted", DisplayName(),
			                            encrypted ? "encrypted" : "unencrypted");
		}
	}
	EnsureMetadataIndexes(*metadata);

	if (options.snapshot_version.IsValid() || !options.snapshot_time.empty()) {
		SnapshotInfo snapshot;
		if (options.snapshot_version.IsValid()) {
			if (!MetadataReader::TryGetSnapshot(*metadata, options.snapshot_version.GetIndex(), snapshot)) {
				throw InvalidInputException("SNAPSHOT_VERSION %llu does not exist in DuckLake catalog %s",
				                            options.snapshot_version.GetIndex(), DisplayName());
			}
		} else if (!MetadataReader::TryGetSnapshotAtTime(*metadata, options.snapshot_time, snapshot)) {
			throw InvalidInputException("SNAPSHOT_TIME %s is before the first snapshot of DuckLake catalog %s",
			                            options.snapshot_time, DisplayName());
		}
		pinned_snapshot = make_uniq<SnapshotInfo>(snapshot);
	}
}

string DuckLakeCatalog::NewFileKey() const {
	return encrypted ? FileEncryption::NewKey() : string();
}

void DuckLakeCatalog::FinalizeLoad(optional_ptr<ClientContext> context) {
	if (context) {
		AttachLakeMetadataAlias(*context, *this);
	}
}

void DuckLakeCatalog::OnDetach(ClientContext &context) {
	DetachLakeMetadataAlias(context, *this);
}

SnapshotInfo DuckLakeCatalog::GetStartSnapshot() {
	if (pinned_snapshot) {
		return *pinned_snapshot;
	}
	return WithMetadata([&](MetadataConnection &conn) { return write_cache.LatestSnapshot(conn); });
}

SnapshotInfo DuckLakeCatalog::ResolveAtClause(const BoundAtClause &at_clause) {
	auto unit = StringUtil::Upper(at_clause.Unit());
	auto &value = at_clause.GetValue();
	SnapshotInfo snapshot;
	if (unit == "VERSION") {
		Value version;
		string error;
		if (value.IsNull() || !value.DefaultTryCastAs(LogicalType::UBIGINT, version, &error)) {
			throw BinderException("AT (VERSION => %s): a version is a snapshot id, a non-negative integer",
			                      value.ToString());
		}
		auto id = version.GetValue<uint64_t>();
		bool found = WithMetadata(
		    [&](MetadataConnection &conn) { return MetadataReader::TryGetSnapshot(conn, id, snapshot); });
		if (!found) {
			throw BinderException("AT (VERSION => %llu): no snapshot with that id exists in lake \"%s\" (it may "
			                      "have been expired)",
			                      id, GetName());
		}
		return snapshot;
	}
	if (unit == "TIMESTAMP") {
		Value ts;
		string error;
		if (value.IsNull() || !value.DefaultTryCastAs(LogicalType::TIMESTAMP_TZ, ts, &error)) {
			throw BinderException("AT (TIMESTAMP => %s): not a timestamp", value.ToString());
		}
		// Catalog times are UTC; compare as text in the catalog's own format.
		auto text = Timestamp::ToString(timestamp_t(ts.GetValue<timestamp_tz_t>().value)) + "+00";
		bool expired_after = false;
		bool found = WithMetadata([&](MetadataConnection &conn) {
			if (!MetadataReader::TryGetSnapshotAtTime(conn, text, snapshot)) {
				return false;
			}
			// When the snapshot after it was expired, the lake's state at that time is unknown.
			auto next = conn.Query("SELECT min(snapshot_id) FROM " + conn.Table("ducklake_snapshot") +
			                       " WHERE snapshot_id > " + std::to_string(snapshot.snapshot_id));
			expired_after = !next.rows.empty() && !next.rows[0][0].IsNull() &&
			                idx_t(next.rows[0][0].GetValue<int64_t>()) != snapshot.snapshot_id + 1;
			return true;
		});
		if (expired_after) {
			throw BinderException("AT (TIMESTAMP => %s): the snapshots of lake \"%s\" around that time have been "
			                      "expired",
			                      text, GetName());
		}
		if (!found) {
			throw BinderException("AT (TIMESTAMP => %s): that is before the first snapshot of lake \"%s\"", text,
			                      GetName());
		}
		return snapshot;
	}
	throw BinderException("Unsupported AT clause unit %s: use VERSION or TIMESTAMP", unit);
}

shared_ptr<LakeCatalogSet> DuckLakeCatalog::GetCatalogSet(const SnapshotInfo &snapshot) {
	shared_ptr<LakeCatalogSet> base;
	{
		lock_guard<mutex> guard(sets_lock);
		auto entry = catalog_sets.find(snapshot.schema_version);
		if (entry != catalog_sets.end()) {
			return entry->second;
		}
		// The newest set read before this snapshot: a schema change re-reads only the tables it touched,
		// not every table of the lake.
		for (auto &set : catalog_sets) {
			auto set_snapshot = set.second->GetSnapshotId();
			if (set_snapshot < snapshot.snapshot_id && (!base || set_snapshot > base->GetSnapshotId())) {
				base = set.second;
			}
		}
	}
	auto info = WithMetadata([&](MetadataConnection &conn) {
		LakeCatalogInfo result;
		if (base && MetadataReader::ReadCatalogSince(conn, snapshot.snapshot_id, base->GetSnapshotId(),
		                                             base->GetTableInfos(), result)) {
			return result;
		}
		return MetadataReader::ReadCatalog(conn, snapshot.snapshot_id);
	});
	auto set = make_shared_ptr<LakeCatalogSet>(*this, std::move(info), snapshot.snapshot_id);
	lock_guard<mutex> guard(sets_lock);
	auto inserted = catalog_sets.emplace(snapshot.schema_version, std::move(set));
	auto result = inserted.first->second;
	EvictCatalogSets();
	return result;
}

void DuckLakeCatalog::EvictCatalogSets() {
	// Every schema change makes a set; kept forever, a session of 300 CREATE TABLEs on a lake of
	// 300 tables held 700 MB of them. A set in use is held by its transactions (a transaction's own
	// snapshot and its AT clauses), so the map's reference is the only one of a set nobody uses. The
	// newest are kept as bases for the next schema change and for lookups outside a transaction.
	static constexpr idx_t KEPT_NEWEST = 2;
	idx_t newer = 0;
	for (auto entry = catalog_sets.rbegin(); entry != catalog_sets.rend();) {
		if (newer++ < KEPT_NEWEST || entry->second.use_count() > 1) {
			++entry;
			continue;
		}
		entry = decltype(entry)(catalog_sets.erase(std::next(entry).base()));
	}
}

shared_ptr<const ScanFileList> DuckLakeCatalog::GetDataFiles(DuckLakeTableEntry &table, const SnapshotInfo &snapshot) {
	return file_cache->Get(*this, table, snapshot);
}

shared_ptr<const ScanFileList> DuckLakeCatalog::GetDataFilesIfCheap(DuckLakeTableEntry &table,
                                                                    const SnapshotInfo &snapshot) {
	return file_cache->GetIfCheap(*this, table, snapshot);
}

shared_ptr<const ScanFileList> DuckLakeCatalog::GetCandidateFiles(DuckLakeTableEntry &table,
                                                                  const SnapshotInfo &snapshot,
                                                                  const FileStatsCondition &condition) {
	return file_cache->GetCandidates(*this, table, snapshot, condition);
}

void DuckLakeCatalog::SetLastCommittedSnapshot(connection_t connection, idx_t snapshot_id) {
	lock_guard<mutex> guard(commits_lock);
	last_commits[connection] = snapshot_id;
}

optional_idx DuckLakeCatalog::GetLastCommittedSnapshot(connection_t connection) {
	lock_guard<mutex> guard(commits_lock);
	auto entry = last_commits.find(connection);
	if (entry == last_commits.end()) {
		return optional_idx();
	}
	return entry->second;
}

optional_ptr<CatalogEntry> DuckLakeCatalog::CreateSchema(CatalogTransaction transaction, CreateSchemaInfo &info) {
	auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), *this);
	auto existing = LookupSchema(transaction, EntryLookupInfo(CatalogType::SCHEMA_ENTRY, info.schema),
	                             OnEntryNotFound::RETURN_NULL);
	if (existing) {
		switch (info.on_conflict) {
		case OnCreateConflict::IGNORE_ON_CONFLICT:
			return nullptr;
		case OnCreateConflict::ERROR_ON_CONFLICT:
			throw CatalogException("Schema with name \"%s\" already exists", info.schema);
		default:
			throw NotImplementedException("CREATE OR REPLACE SCHEMA is not supported on a lake");
		}
	}
	LakeSchemaInfo schema;
	schema.schema_id = lake_transaction.NewLocalId();
	schema.schema_uuid = UUID::ToString(UUID::GenerateRandomUUID());
	schema.name = info.schema;
	schema.path = LakePaths::FolderName(info.schema, schema.schema_uuid);
	schema.path_is_relative = true;
	return &lake_transaction.AddLocalSchema(DuckLakeSchemaEntry::Create(*this, std::move(schema)));
}

optional_ptr<SchemaCatalogEntry> DuckLakeCatalog::LookupSchema(CatalogTransaction transaction,
                                                               const EntryLookupInfo &schema_lookup,
                                                               OnEntryNotFound if_not_found) {
	auto &name = schema_lookup.GetEntryName();
	optional_ptr<DuckLakeSchemaEntry> result;
	auto at_clause = schema_lookup.GetAtClause();
	if (at_clause) {
		// Time travel: the schema as committed at that snapshot, without this transaction's changes.
		auto snapshot = ResolveAtClause(*at_clause);
		auto set = GetCatalogSet(snapshot);
		result = set->GetSchema(name);
		if (transaction.HasContext()) {
			DuckLakeTransaction::Get(transaction.GetContext(), *this).KeepCatalogSet(std::move(set));
		}
	} else if (transaction.HasContext()) {
		auto &lake_transaction = DuckLakeTransaction::Get(transaction.GetContext(), *this);
		result = lake_transaction.GetLocalSchema(name);
		if (!result) {
			result = lake_transaction.GetCatalogSet().GetSchema(name);
			if (result && lake_transaction.IsSchemaDropped(result->GetSchemaInfo().schema_id)) {
				result = nullptr;
			}
		}
	} else {
		result = GetCatalogSet(GetStartSnapshot())->GetSchema(name);
	}
	if (!result && if_not_found == OnEntryNotFound::THROW_EXCEPTION) {
		throw CatalogException(schema_lookup.GetErrorContext(), "Schema with name \"%s\" does not exist in lake \"%s\"",
		                       name, GetName());
	}
	return result.get();
}

void DuckLakeCatalog::ScanSchemas(ClientContext &context, std::function<void(SchemaCatalogEntry &)> callback) {
	auto &lake_transaction = DuckLakeTransaction::Get(context, *this);
	lake_transaction.GetCatalogSet().ScanSchemas([&](DuckLakeSchemaEntry &schema) {
		if (!lake_transaction.IsSchemaDropped(schema.GetSchemaInfo().schema_id) &&
		    !lake_transaction.GetLocalSchema(schema.name)) {
			callback(schema);
		}
	});
	lake_transaction.ScanLocalSchemas([&](DuckLakeSchemaEntry &schema) { callback(schema); });
}

void DuckLakeCatalog::DropSchema(ClientContext &context, DropInfo &info) {
	auto &lake_transaction = DuckLakeTransaction::Get(context, *this);
	auto schema = LookupSchema(GetCatalogTransaction(context), EntryLookupInfo(CatalogType::SCHEMA_ENTRY, info.name),
	                           info.if_not_found);
	if (!schema) {
		return;
	}
	auto &lake_schema = schema->Cast<DuckLakeSchemaEntry>();
	// A TABLE_ENTRY scan yields the schema's tables and views.
	vector<reference<CatalogEntry>> children;
	lake_schema.ScanEntries(lake_transaction, CatalogType::TABLE_ENTRY,
	                        [&](CatalogEntry &entry) { children.push_back(entry); });
	vector<reference<CatalogEntry>> macros;
	lake_schema.ScanMacros(lake_transaction, [&](CatalogEntry &entry) { macros.push_back(entry); });
	if ((!children.empty() || !macros.empty()) && !info.cascade) {
		throw CatalogException("Cannot drop schema \"%s\": it still contains tables, views or macros (use CASCADE)",
		                       info.name);
	}
	for (auto &child : children) {
		lake_transaction.DropEntry(lake_schema.name, child.get());
	}
	for (auto &macro : macros) {
		lake_transaction.DropMacro(lake_schema.name, macro.get());
	}
	lake_transaction.DropSchema(lake_schema);
}

unique_ptr<LogicalOperator> DuckLakeCatalog::BindCreateIndex(Binder &binder, CreateStatement &stmt,
                                                             TableCatalogEntry &table,
                                                             unique_ptr<LogicalOperator> plan) {
	throw NotImplementedException("Lake tables do not support indexes (CREATE INDEX on \"%s\")", table.name);
}

// PlanDelete: ducklake_delete.cpp; PlanUpdate: ducklake_update.cpp.

DatabaseSize DuckLakeCatalog::GetDatabaseSize(ClientContext &context) {
	return DatabaseSize();
}

} // namespace duckdb
