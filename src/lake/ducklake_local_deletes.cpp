// Deletes of rows this transaction inserted itself (BEGIN; INSERT ...; DELETE ...; COMMIT).
//
// The transaction's own data files get provisional row ids: the ones the commit assigns when no
// other insert into the table commits first (the table's next_row_id, then file after file).
// UPDATE and MERGE carry the row id of the row they replace, so a local row updated here keeps
// an id that stays right after the commit; the commit refuses (conflict) in the rare case the ids
// moved. Deleted positions of local files are kept per file and applied by the scan like those of
// committed files; the commit writes them as a delete file added in the same snapshot as its data
// file, or leaves out a file whose rows are all deleted (ducklake_commit_deletes.cpp).
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/file_system.hpp"

namespace duckdb {

void DuckLakeTransaction::AssignProvisionalRowIds(idx_t table_id, LocalTableData &data, vector<DataFileInfo> &files) {
	if (!data.next_row_id_known) {
		data.next_row_id_known = true;
		data.next_row_id = 0;
		CachedTableStats cached;
		if (!IsLocalId(table_id) && catalog.GetWriteCache().TryGetTableStats(table_id, snapshot.snapshot_id, cached)) {
			data.next_row_id = cached.stats.next_row_id;
		} else if (!IsLocalId(table_id)) {
			TableStatsInfo stats;
			if (catalog.WithMetadata(
			        [&](MetadataConnection &conn) { return MetadataReader::TryReadTableStats(conn, table_id, stats); })) {
				data.next_row_id = stats.next_row_id;
			}
		}
		// Inlined rows of this transaction take their row ids first at commit (ducklake_commit_inlined.cpp).
		auto inlined = GetLocalInlinedRows(table_id);
		if (inlined.rows) {
			data.next_row_id += inlined.rows->size();
		}
	}
	for (auto &file : files) {
		file.row_id_start = data.next_row_id;
		data.next_row_id += file.record_count;
	}
}

idx_t DuckLakeTransaction::AddLocalFileDeletes(idx_t table_id, const string &path, DeletePositions positions) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto &deletes = new_data[table_id].deletes;
	auto entry = deletes.find(path);
	if (entry == deletes.end()) {
		deletes.emplace(path, make_shared_ptr<const DeletePositions>(std::move(positions)));
		return 0;
	}
	// Replaced, never changed in place: running scans hold the old list.
	auto merged = make_shared_ptr<const DeletePositions>(DeleteFiles::Union(*entry->second, positions));
	auto repeated = entry->second->size() + positions.size() - merged->size();
	entry->second = std::move(merged);
	return repeated;
}

shared_ptr<const DeletePositions> DuckLakeTransaction::GetLocalFileDeletes(idx_t table_id, const string &path) {
	std::lock_guard<std::mutex> guard(deletes_lock);
	auto data = new_data.find(table_id);
	if (data == new_data.end()) {
		return nullptr;
	}
	auto entry = data->second.deletes.find(path);
	return entry == data->second.deletes.end() ? nullptr : entry->second;
}

void DuckLakeTransaction::DropWrittenFiles(idx_t table_id) {
	auto data = new_data.find(table_id);
	if (data == new_data.end() || !data->second.table) {
		return;
	}
	auto folder = data->second.table->GetDataFolder();
	lock_guard<mutex> guard(written_files_lock);
	unordered_set<string> written(written_files.begin(), written_files.end());
	for (auto &file : data->second.files) {
		auto path = LakePaths::Resolve(folder, file.path, file.path_is_relative);
		if (written.count(path)) {
			dropped_local_files.push_back(path);
		}
	}
}

void DuckLakeTransaction::RemoveDroppedLocalFiles() {
	auto &fs = FileSystem::GetFileSystem(catalog.GetDatabase());
	for (auto &path : dropped_local_files) {
		try {
			fs.TryRemoveFile(path);
		} catch (...) {
		}
	}
	dropped_local_files.clear();
}

} // namespace duckdb
