//===----------------------------------------------------------------------===//
// mallard/scan/scan_file_list.hpp
//
// The data files a scan reads, ready for planning: each committed file's paths resolved and its
// catalog min/max cast to the column types once, in an immutable list per (table, snapshot) that
// every scan at that snapshot shares by pointer. A scan adds the transaction's own files and
// deletes on top without copying the shared list.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/scan/ducklake_scan.hpp"
#include "mallard/scan/file_pruning.hpp"

#include "duckdb/common/atomic.hpp"
#include "duckdb/common/mutex.hpp"
#include "duckdb/function/table_function.hpp"
#include "duckdb/planner/table_filter.hpp"
#include "duckdb/storage/statistics/base_statistics.hpp"

#include <mutex>

namespace duckdb {

class DuckLakeTableEntry;

//! The statistics columns of a table (also inside structs) and their types: what typed bounds are
//! cast to (StatsColumnTypes, file_pruning.hpp).
StatsColumnTypes GetStatsColumnTypes(const vector<LakeColumnInfo> &columns);

//! One committed data file as scans see it. Never changed once built.
struct LakeFileEntry {
	DataFileInfo info;
	//! Full paths, resolved against the table's folder; the delete path is empty when none.
	string path;
	string delete_file_path;
	//! typed_stats[i] is info.column_stats[i] as DuckDB statistics of the column's type when the
	//! entry was built (a scan whose column has another type parses the text bounds instead).
	vector<BaseStatistics> typed_stats;
	//! info.partition_values as statistics of the column types when the entry was built.
	vector<PartitionColumnStatistics> partition_stats;

	static shared_ptr<const LakeFileEntry> Create(DataFileInfo info, const string &folder,
	                                              const StatsColumnTypes &types);
};

//! One column's bounds in every file of a list as 64-bit integers (columns stored as integers of
//! up to 64 bits: integers, dates, times, timestamps), so a comparison prunes a big list without
//! touching its entries. known[i] is false where file i's bounds are unknown.
struct ColumnBounds {
	vector<int64_t> min;
	vector<int64_t> max;
	vector<bool> known;
};

//! The committed data files of one table at one snapshot, in scan order.
class ScanFileList {
public:
	ScanFileList(idx_t table_id, SnapshotInfo snapshot, string folder, StatsColumnTypes types,
	             vector<shared_ptr<const LakeFileEntry>> files);

	const idx_t table_id;
	//! The snapshot the list was read at; it stays right for later snapshots that did not touch the
	//! table, which share it.
	const SnapshotInfo snapshot;
	const string folder;
	const StatsColumnTypes types;
	const vector<shared_ptr<const LakeFileEntry>> files;

	//! The position of the file with this full path (index built on first use).
	optional_idx FindFile(const string &path) const;
	//! The column's bounds in every file (built on first use); null when its type has no integer
	//! bounds.
	const ColumnBounds *GetColumnBounds(idx_t column_id, const LogicalType &type) const;
	//! Rows of all files minus their committed deletes.
	idx_t VisibleRowCount() const {
		return visible_rows;
	}
	//! Whether any file has partition values (which prune on their own, see file_pruning.hpp).
	bool HasPartitionValues() const {
		return has_partition_values;
	}

private:
	idx_t visible_rows = 0;
	bool has_partition_values = false;
	mutable mutex bounds_lock;
	mutable unordered_map<idx_t, unique_ptr<ColumnBounds>> bounds;

	mutable std::once_flag index_once;
	mutable unordered_map<string, idx_t> path_index;
};

//! A scan whose table's committed list is not cached yet: what it needs to read it later.
struct DeferredFileList {
	SnapshotInfo snapshot;
	//! For the optimizer until the list is read (the table's row count from the catalog).
	idx_t estimated_rows = 0;
};

//! What every copy of the reader and file list of one scan shares: the committed list (shared,
//! never copied), then the transaction's own new files. Files are numbered committed first.
//! A deferred committed list is read on first use, unless the scan's filters narrow it first.
struct LakeScanInfo : public TableFunctionInfo {
	LakeScanInfo(DuckLakeTableEntry &table, shared_ptr<const ScanFileList> committed, vector<LakeScanFile> local_files);
	LakeScanInfo(DuckLakeTableEntry &table, DeferredFileList deferred);

	DuckLakeTableEntry &table;

	//! Whether the committed list is still to be read.
	bool IsDeferred() const {
		return !ready.load();
	}
	const DeferredFileList &GetDeferred() const {
		return deferred;
	}
	//! For a deferred list: a copy holding only the files the catalog cannot exclude for `filters`
	//! (catalog_pruning.hpp); null when the filters do not narrow it. This info stays as it was:
	//! another copy of the scan may push other filters.
	shared_ptr<LakeScanInfo> Narrow(const vector<column_t> &column_ids, const TableFilterSet &filters) const;
	//! The info holding the file with this path, and its position there: this one, or a narrowed
	//! copy it handed out (so opening a file of a narrowed scan does not read the whole list).
	pair<const LakeScanInfo *, optional_idx> Locate(const string &path) const;
	//! The files of the table visible to the scan, before any pruning (for EXPLAIN).
	idx_t TableFileCount() const;
	//! Whether the catalog chose the files (Narrow), not the whole list.
	bool IsNarrowed() const {
		return narrowed;
	}

	//! Rows the scanning transaction deleted from a committed file and has not committed yet.
	void AddLocalDeletes(idx_t file_index, shared_ptr<const DeletePositions> positions);

	idx_t FileCount() const {
		EnsureLoaded();
		return committed_count + local_files.size();
	}
	const string &Path(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->path : local_files[i - committed_count].path;
	}
	idx_t RowIdStart(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->info.row_id_start
		                           : local_files[i - committed_count].row_id_start;
	}
	//! The snapshot that added file i; unset for the transaction's own files.
	optional_idx BeginSnapshot(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->info.begin_snapshot
		                           : local_files[i - committed_count].begin_snapshot;
	}
	//! Rows of the file the scan sees: records minus committed and local deletes.
	idx_t VisibleRowCount(idx_t i) const;
	//! Whether VisibleRowCount(i) is exact: not for a committed file whose delete file holds deletes
	//! later than the snapshot (DataFileInfo::VisibleCountIsExact), which only a scan can count.
	bool VisibleRowCountIsExact(idx_t i) const {
		EnsureLoaded();
		return i >= committed_count || committed->files[i]->info.VisibleCountIsExact(committed->snapshot.snapshot_id);
	}
	const string &DeleteFilePath(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->delete_file_path
		                           : local_files[i - committed_count].delete_file_path;
	}
	//! The raw keys of file i and of its committed delete file; empty for plain files
	//! (file_encryption.hpp). The transaction's own files have no committed delete file.
	const string &EncryptionKey(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->info.encryption_key
		                           : local_files[i - committed_count].encryption_key;
	}
	//! The snapshot the committed files were read at (what their delete files are read as of).
	idx_t CommittedSnapshotId() const {
		EnsureLoaded();
		return committed ? committed->snapshot.snapshot_id : 0;
	}
	const string &DeleteFileKey(idx_t i) const {
		static const string NO_KEY;
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->info.delete_file.encryption_key : NO_KEY;
	}
	shared_ptr<const DeletePositions> LocalDeletes(idx_t i) const;
	//! Committed deletes of file i that DuckLake kept in the catalog (DataFileInfo::inlined_deletes);
	//! null when none. The transaction's own files have none.
	shared_ptr<const DeletePositions> InlinedDeletes(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->info.inlined_deletes : nullptr;
	}
	//! Whether committed file i holds rows inserted after the scan's snapshot (a partial file,
	//! DataFileInfo::partial_max), which the scan must hide.
	bool HasRowsAfterSnapshot(idx_t i) const {
		EnsureLoaded();
		return i < committed_count && committed->files[i]->info.HasRowsAfter(committed->snapshot.snapshot_id);
	}
	//! File i's column name mapping (name_mapped_columns.hpp); null when it is read by field id.
	const NameMapping *NameMappingOf(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? committed->files[i]->info.name_mapping.get()
		                           : local_files[i - committed_count].name_mapping.get();
	}
	//! The scan's own entry i (a transaction's file or inlined rows); null for a committed file.
	const LakeScanFile *LocalFile(idx_t i) const {
		EnsureLoaded();
		return i < committed_count ? nullptr : &local_files[i - committed_count];
	}
	optional_idx FindFile(const string &path) const;
	//! The files (ascending positions) the integer bounds of the filtered columns do not exclude:
	//! a quick first pass over a big list; the survivors still go through CanBeSkipped. False when
	//! no filter can use it.
	bool PreFilter(const vector<column_t> &column_ids, const TableFilterSet &filters, vector<idx_t> &result) const;
	//! Rows of all files the scan sees.
	idx_t TotalVisibleRowCount() const;
	//! True when the catalog statistics prove no row of file i passes `filters` (file_pruning.hpp).
	bool CanBeSkipped(idx_t i, const vector<column_t> &column_ids, TableFilterSet &filters, bool *by_partition) const;

private:
	void EnsureLoaded() const {
		if (!ready.load()) {
			Load();
		}
	}
	void Load() const;

	mutable mutex load_lock;
	mutable atomic<bool> ready;
	DeferredFileList deferred;
	mutable shared_ptr<const ScanFileList> committed;
	mutable idx_t committed_count;
	//! Set when narrowed: the table's file count, counted on first use.
	bool narrowed = false;
	mutable optional_idx table_file_count;
	mutable vector<shared_ptr<LakeScanInfo>> narrowed_copies;
	vector<LakeScanFile> local_files;
	unordered_map<string, idx_t> local_index;
	unordered_map<idx_t, shared_ptr<const DeletePositions>> committed_local_deletes;
};

} // namespace duckdb
