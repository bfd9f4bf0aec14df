//===----------------------------------------------------------------------===//
// mallard/functions/maintenance_functions.hpp
//
// Lake maintenance (DuckLake docs: "Maintenance"): options, snapshot expiry, file cleanup,
// orphaned file deletion and merging of small adjacent files. Each runs in its own catalog
// transaction (through LakeCommit::RunCatalogTransaction), independent of the caller's DuckDB
// transaction: data files are written before the catalog commit, files are deleted only after it.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/functions/metadata_function.hpp"

#include "duckdb/common/types/timestamp.hpp"

namespace duckdb {

class DuckLakeCatalog;
class MetadataConnection;

//! set_option, options, expire_snapshots, cleanup_old_files, delete_orphaned_files,
//! merge_adjacent_files, rewrite_data_files.
const vector<LakeFunctionDefinition> &MaintenanceFunctionDefinitions();

//! The tables a per-table maintenance call (merge, rewrite) acts on: `table_name` and
//! `schema_name` narrow them (empty: all). Read at the latest snapshot.
struct MaintenanceTables {
	SnapshotInfo snapshot;
	LakeCatalogInfo catalog_info;
	vector<pair<const LakeSchemaInfo *, const LakeTableInfo *>> tables;
};
//! A table named without a schema is looked for as the binder looks: in the lake's schemas on the
//! search path (main unless USE says otherwise), the first that has it. A named schema or table that
//! does not exist is a CatalogException.
MaintenanceTables SelectMaintenanceTables(ClientContext &context, DuckLakeCatalog &catalog, const string &schema_name,
                                          const string &table_name);
//! Reads the optional table argument (at `first_argument`) and `schema =>` of `function_name`.
void BindMaintenanceTableArguments(TableFunctionBindInput &input, idx_t first_argument, const string &function_name,
                                   string &schema_name, string &table_name);

//! What ducklake_expire_snapshots does. `versions` and `older_than` select snapshots; the newest
//! snapshot is never expired. Returns the expired (or, for a dry run, expirable) snapshot ids.
struct ExpireSnapshotsRequest {
	vector<idx_t> versions;
	bool has_older_than = false;
	timestamp_tz_t older_than;
	bool dry_run = false;
};
vector<idx_t> ExpireSnapshots(ClientContext &context, DuckLakeCatalog &catalog,
                              const ExpireSnapshotsRequest &request);

//! Files to delete: scheduled (cleanup_old_files) or unknown to the catalog (delete_orphaned_files)
//! for longer than `older_than`, or all of them. Returns the full paths (deleted unless dry_run).
struct FileCleanupRequest {
	bool cleanup_all = false;
	timestamp_tz_t older_than;
	bool dry_run = false;
};
vector<string> CleanupOldFiles(ClientContext &context, DuckLakeCatalog &catalog, const FileCleanupRequest &request);
vector<string> DeleteOrphanedFiles(ClientContext &context, DuckLakeCatalog &catalog,
                                   const FileCleanupRequest &request);

//! ducklake_flush_inlined_data: one result per table whose inlined rows were written to Parquet.
struct FlushInlinedResult {
	string schema_name;
	string table_name;
	idx_t rows_flushed = 0;
	idx_t files_created = 0;
};
vector<FlushInlinedResult> FlushInlinedData(ClientContext &context, DuckLakeCatalog &catalog, const string &schema_name,
                                            const string &table_name);
//! Part of expiry: drops inlined rows and inlined-data tables no remaining snapshot can see.
void DropInvisibleInlinedData(MetadataConnection &conn);
//! SQL condition on the catalog rows `alias` (a table alias or a qualified table name; rows with
//! begin_snapshot, end_snapshot) that no remaining snapshot can see: [begin, end) holds no snapshot id
//! any more (expired ones leave gaps).
string InvisibleCondition(MetadataConnection &conn, const string &alias);

//! ducklake_merge_adjacent_files: one result per table whose files were merged.
struct MergeFilesRequest {
	string schema_name;
	string table_name;
	//! At most this many source files in total (unset: no limit).
	optional_idx max_compacted_files;
	//! Only files of at least / at most this many bytes are merged.
	idx_t min_file_size = 0;
	optional_idx max_file_size;
};
struct MergeFilesResult {
	string schema_name;
	string table_name;
	idx_t files_processed = 0;
	idx_t files_created = 0;
	idx_t bytes_written = 0;
};
vector<MergeFilesResult> MergeAdjacentFiles(ClientContext &context, DuckLakeCatalog &catalog,
                                            const MergeFilesRequest &request);

//! ducklake_rewrite_data_files: rewrites the files whose deleted fraction (delete_count /
//! record_count) reaches delete_threshold (unset: the rewrite_delete_threshold option, else 0.95)
//! into files without the deleted rows. One result per table with rewritten files.
struct RewriteFilesRequest {
	string schema_name;
	string table_name;
	//! DOUBLE in [0, 1], or NULL.
	Value delete_threshold;
};
struct RewriteFilesResult {
	string schema_name;
	string table_name;
	idx_t files_processed = 0;
	idx_t files_created = 0;
	idx_t rows_removed = 0;
	idx_t bytes_written = 0;
};
vector<RewriteFilesResult> RewriteDataFiles(ClientContext &context, DuckLakeCatalog &catalog,
                                            const RewriteFilesRequest &request);

//! The lake's interval option `name` (expire_older_than, delete_older_than) as "now - interval";
//! false when it is not set.
bool OptionCutoff(ClientContext &context, DuckLakeCatalog &catalog, const string &name, timestamp_tz_t &result);

} // namespace duckdb
