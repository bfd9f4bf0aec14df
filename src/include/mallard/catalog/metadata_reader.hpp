//===----------------------------------------------------------------------===//
// mallard/catalog/metadata_reader.hpp
//
// Reads the catalog tables at a snapshot (spec: "Queries"). A row is visible at snapshot S when
// begin_snapshot <= S AND (end_snapshot IS NULL OR S < end_snapshot).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/file_bounds_cache.hpp"
#include "mallard/catalog/file_stats_condition.hpp"
#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/set.hpp"

namespace duckdb {

//! The data files of one table that changed between two snapshots (by data_file_id).
struct FileListChanges {
	//! False when the older snapshot no longer exists (expired): the difference is then unknown.
	bool from_exists = false;
	//! Files visible at the older snapshot and ended by the newer one.
	set<idx_t> ended_files;
	//! Files committed after the older snapshot and visible at the newer one.
	set<idx_t> added_files;
	//! Files whose delete file was added or ended in between, or that got inlined deletes.
	set<idx_t> delete_changed_files;
	//! Set when DuckLake merged files in between: its merge removes the files it replaces from the
	//! catalog instead of ending them (its merged file takes their history, DataFileInfo::partial_max),
	//! so which files are gone is unknown.
	bool files_removed = false;

	bool Empty() const {
		return ended_files.empty() && added_files.empty() && delete_changed_files.empty();
	}
};

struct MetadataReader {
	//! The SQL condition "row visible at snapshot", for tables with begin/end_snapshot columns.
	static string VisibleAt(idx_t snapshot_id, const string &alias = "");
	//! A boolean catalog column, however the backend returns it (SQLite: integers, or text another
	//! tool wrote); `if_null` for NULL.
	static bool ReadBool(const Value &value, bool if_null);

	static SnapshotInfo LatestSnapshot(MetadataConnection &conn);
	//! False when no such snapshot exists.
	static bool TryGetSnapshot(MetadataConnection &conn, idx_t snapshot_id, SnapshotInfo &result);
	//! The newest snapshot committed at or before `timestamp` (text a TIMESTAMPTZ accepts, in UTC).
	static bool TryGetSnapshotAtTime(MetadataConnection &conn, const string &timestamp, SnapshotInfo &result);

	//! Schemas, tables (with columns and comments) and views visible at the snapshot.
	static LakeCatalogInfo ReadCatalog(MetadataConnection &conn, idx_t snapshot_id);
	//! The same, from the catalog at an earlier snapshot (`base_tables`, the tables visible at
	//! `base_snapshot`): only the tables whose rows changed since are read again. False when the
	//! base snapshot has been expired or too many tables changed: then read the whole catalog.
	static bool ReadCatalogSince(MetadataConnection &conn, idx_t snapshot_id, idx_t base_snapshot,
	                             vector<LakeTableInfo> base_tables, LakeCatalogInfo &result);
	//! The macros visible at the snapshot, with their overloads and parameters (read apart from the
	//! catalog: only a lookup of a function in a lake schema needs them).
	static vector<LakeMacroInfo> ReadMacros(MetadataConnection &conn, idx_t snapshot_id);
	//! The data files of a table visible at the snapshot, with their column statistics; only those
	//! meeting `file_condition` (SQL on the data file row, alias f) when one is given.
	//! Files registered with a column name mapping come with it (DataFileInfo::name_mapping).
	static vector<DataFileInfo> ReadDataFiles(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
	                                          const string &file_condition = string());
	//! The same, for the visible files among `file_ids` only.
	static vector<DataFileInfo> ReadDataFilesById(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
	                                              const vector<idx_t> &file_ids);
	//! The visible files of the table that `condition` keeps, as ReadDataFiles reads them; false
	//! (and `files` unspecified) when more than `max_files` are kept. The condition is decided in
	//! memory on the files' parsed bounds, kept in `cache` when one is given (file_bounds_cache.hpp).
	static bool ReadCandidateFiles(MetadataConnection &conn, idx_t table_id, const SnapshotInfo &snapshot,
	                               const FileStatsCondition &condition, idx_t max_files, vector<DataFileInfo> &files,
	                               optional_ptr<FileBoundsCache> cache = nullptr);
	//! Fills DataFileInfo::name_mapping of the files that have a mapping_id.
	static void ReadFileNameMappings(MetadataConnection &conn, vector<DataFileInfo> &files);
	//! Fills DataFileInfo::partition_values of `files` (file_index: data_file_id -> position).
	static void ReadFilePartitionValues(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
	                                    vector<DataFileInfo> &files, const unordered_map<idx_t, idx_t> &file_index,
	                                    const string &file_condition = string());
	//! Fills DataFileInfo::inlined_deletes of `files` from DuckLake's ducklake_inlined_delete_<table_id>,
	//! when the table exists (file_index: data_file_id -> position).
	static void ReadInlinedFileDeletes(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
	                                   vector<DataFileInfo> &files, const unordered_map<idx_t, idx_t> &file_index);
	//! How many data files of the table are visible at the snapshot.
	static idx_t CountDataFiles(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id);
	//! The snapshot before which the table's data files may hold values that written again in the
	//! columns' types now would change (IsExactPromotion: a column promoted from INTEGER to FLOAT
	//! reads 16777217 as 16777216, but as the DOUBLE it may become later, exactly): maintenance leaves
	//! such files as they are. 0 when there is none.
	static idx_t ReadInexactPromotionEnd(MetadataConnection &conn, const LakeTableInfo &table);
	//! How a table's visible data files differ between snapshot `from` and a later one.
	static FileListChanges ReadFileListChanges(MetadataConnection &conn, idx_t table_id, const SnapshotInfo &from,
	                                           idx_t to_snapshot_id);
	//! False (and zero stats) when the table has no ducklake_table_stats row yet.
	static bool TryReadTableStats(MetadataConnection &conn, idx_t table_id, TableStatsInfo &stats);

	//! Global (unscoped) ducklake_metadata values of `keys`, in one statement; a key absent or NULL
	//! is not in the result.
	static unordered_map<string, string> ReadMetadataValues(MetadataConnection &conn, const vector<string> &keys);
};

} // namespace duckdb
