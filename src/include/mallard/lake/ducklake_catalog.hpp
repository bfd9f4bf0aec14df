//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_catalog.hpp
//
// An attached lake: `ATTACH 'ducklake:<catalog>' AS lake (DATA_PATH '...')`. Owns the
// connection to the catalog database and a cache of the DDL state per schema_version.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/metadata_store.hpp"
#include "mallard/lake/ducklake_write_cache.hpp"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/common/mutex.hpp"

namespace duckdb {

class LakeCatalogSet;
class BoundAtClause;
class DuckLakeTableEntry;
class LakeFileCache;
class ScanFileList;
struct FileStatsCondition;

//! ATTACH options, validated (spec: "Attaching a DuckLake").
//! ENCRYPTED in ATTACH: a new lake is created so; an existing lake must be so (file_encryption.hpp).
enum class LakeEncryption : uint8_t { UNSPECIFIED, ENCRYPTED, UNENCRYPTED };

struct DuckLakeOptions {
	MetadataLocation location;
	//! DATA_PATH as given; empty = use the one stored in the catalog. An existing lake's must match
	//! the stored one unless OVERRIDE_DATA_PATH (as in DuckLake: a mistyped path would read and
	//! write files elsewhere).
	string data_path;
	bool override_data_path = false;
	//! CREATE_IF_NOT_EXISTS false: a catalog without a lake is an error, not a new lake.
	bool create_if_not_exists = true;
	bool read_only = false;
	bool automatic_migration = false;
	LakeEncryption encryption = LakeEncryption::UNSPECIFIED;
	//! SNAPSHOT_VERSION / SNAPSHOT_TIME: the lake is pinned (read-only) at that snapshot.
	optional_idx snapshot_version;
	string snapshot_time;
	//! Settings given in ATTACH (data_inlining_row_limit): stored in ducklake_metadata when the lake
	//! is created, and beating the lake-wide value for this attachment when it exists already.
	vector<pair<string, string>> metadata_settings;
	//! METADATA_CATALOG: the name of the read-only database showing the catalog's tables
	//! (lake_metadata_alias.hpp); empty = __ducklake_metadata_<lake>, as in DuckLake.
	string metadata_catalog;
};

class DuckLakeCatalog : public Catalog {
public:
	DuckLakeCatalog(AttachedDatabase &db, DuckLakeOptions options);
	~DuckLakeCatalog() override;

public:
	void Initialize(bool load_builtin) override;
	//! Attaches __ducklake_metadata_<name> (or METADATA_CATALOG) beside the lake (lake_metadata_alias.hpp).
	void FinalizeLoad(optional_ptr<ClientContext> context) override;
	void OnDetach(ClientContext &context) override;
	string GetCatalogType() override {
		return "ducklake";
	}
	bool SupportsTimeTravel() const override {
		return true;
	}

	optional_ptr<CatalogEntry> CreateSchema(CatalogTransaction transaction, CreateSchemaInfo &info) override;
	optional_ptr<SchemaCatalogEntry> LookupSchema(CatalogTransaction transaction, const EntryLookupInfo &schema_lookup,
	                                              OnEntryNotFound if_not_found) override;
	void ScanSchemas(ClientContext &context, std::function<void(SchemaCatalogEntry &)> callback) override;

	PhysicalOperator &PlanCreateTableAs(ClientContext &context, PhysicalPlanGenerator &planner, LogicalCreateTable &op,
	                                    PhysicalOperator &plan) override;
	PhysicalOperator &PlanInsert(ClientContext &context, PhysicalPlanGenerator &planner, LogicalInsert &op,
	                             optional_ptr<PhysicalOperator> plan) override;
	PhysicalOperator &PlanDelete(ClientContext &context, PhysicalPlanGenerator &planner, LogicalDelete &op,
	                             PhysicalOperator &plan) override;
	PhysicalOperator &PlanUpdate(ClientContext &context, PhysicalPlanGenerator &planner, LogicalUpdate &op,
	                             PhysicalOperator &plan) override;
	PhysicalOperator &PlanMergeInto(ClientContext &context, PhysicalPlanGenerator &planner, LogicalMergeInto &op,
	                                PhysicalOperator &plan) override;
	unique_ptr<LogicalOperator> BindCreateIndex(Binder &binder, CreateStatement &stmt, TableCatalogEntry &table,
	                                            unique_ptr<LogicalOperator> plan) override;

	DatabaseSize GetDatabaseSize(ClientContext &context) override;
	bool InMemory() override {
		return false;
	}
	string GetDBPath() override {
		return options.location.target;
	}

	void DropSchema(ClientContext &context, DropInfo &info) override;

public:
	const DuckLakeOptions &GetOptions() const {
		return options;
	}
	//! data_path, ending in '/'.
	const string &DataPath() const {
		return data_path;
	}
	string DisplayName() const {
		return options.location.DisplayName();
	}
	bool IsReadOnly() const {
		return options.read_only;
	}
	//! Whether the lake encrypts the files it writes (ducklake_metadata key "encrypted").
	bool IsEncrypted() const {
		return encrypted;
	}
	//! The key for the files of one new write operation: a new one in an encrypted lake, else empty.
	string NewFileKey() const;

	//! Runs `fun` with exclusive use of the catalog database connection.
	template <class FUNC>
	auto WithMetadata(FUNC &&fun) -> decltype(fun(std::declval<MetadataConnection &>())) {
		lock_guard<mutex> guard(metadata_lock);
		return fun(*metadata);
	}

	//! The snapshot a new transaction reads: the latest, or the one the lake was attached at.
	SnapshotInfo GetStartSnapshot();
	//! The snapshot an AT (VERSION => n) / AT (TIMESTAMP => t) clause names; a clear error when none.
	SnapshotInfo ResolveAtClause(const BoundAtClause &at_clause);
	//! The DDL state (schemas, tables, views) at a snapshot, cached by schema_version.
	shared_ptr<LakeCatalogSet> GetCatalogSet(const SnapshotInfo &snapshot);

	//! The committed data files of a table visible at a snapshot, shared by every scan at it and
	//! refreshed incrementally for newer snapshots (lake_file_cache.hpp).
	shared_ptr<const ScanFileList> GetDataFiles(DuckLakeTableEntry &table, const SnapshotInfo &snapshot);
	//! The same when it needs no read of the whole list (or the table is small); null when a scan
	//! had better read only the files its filters keep (lake_file_cache.hpp).
	shared_ptr<const ScanFileList> GetDataFilesIfCheap(DuckLakeTableEntry &table, const SnapshotInfo &snapshot);
	//! The files at a snapshot that meet a catalog-side condition (catalog_pruning.hpp), cached;
	//! null when too many do.
	shared_ptr<const ScanFileList> GetCandidateFiles(DuckLakeTableEntry &table, const SnapshotInfo &snapshot,
	                                                 const FileStatsCondition &condition);

	//! Table stats and options kept between this process's own commits.
	LakeWriteCache &GetWriteCache() {
		return write_cache;
	}

	//! The snapshot the last commit of a connection made (last_committed_snapshot()).
	void SetLastCommittedSnapshot(connection_t connection, idx_t snapshot_id);
	optional_idx GetLastCommittedSnapshot(connection_t connection);

private:
	DuckLakeOptions options;
	string data_path;
	bool encrypted = false;
	mutex metadata_lock;
	unique_ptr<MetadataConnection> metadata;
	//! Pinned snapshot (SNAPSHOT_VERSION / SNAPSHOT_TIME), if any.
	unique_ptr<SnapshotInfo> pinned_snapshot;

	//! Frees the catalog sets no transaction holds, but the newest; under sets_lock.
	void EvictCatalogSets();

	mutex sets_lock;
	//! By schema_version.
	map<idx_t, shared_ptr<LakeCatalogSet>> catalog_sets;

	unique_ptr<LakeFileCache> file_cache;

	mutex commits_lock;
	unordered_map<connection_t, idx_t> last_commits;

	LakeWriteCache write_cache;
};

} // namespace duckdb
