// The delete part of a commit (spec: positional deletes, ducklake_delete_file).
#include "mallard/lake/ducklake_commit.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_writer.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/main/attached_database.hpp"
#include "duckdb/main/database.hpp"

namespace duckdb {

void LakeCommit::PrepareDeletes() {
	prepared_deletes.clear();
	bool local_deletes = false;
	for (auto &entry : transaction.new_data) {
		local_deletes = local_deletes || !entry.second.deletes.empty();
	}
	if (transaction.new_deletes.empty() && !local_deletes) {
		return;
	}
	auto &catalog = transaction.GetCatalog();
	auto &db = catalog.GetDatabase();
	// Each position carries the snapshot that deleted it; the commit most likely lands on the next
	// snapshot, and WriteDeletes writes the file again in the rare case it does not.
	auto expected_snapshot =
	    catalog.WithMetadata([&](MetadataConnection &conn) { return catalog.GetWriteCache().LatestSnapshot(conn); })
	        .snapshot_id +
	    1;
	PrepareLocalFileDeletes(expected_snapshot);
	for (auto &table_entry : transaction.new_deletes) {
		auto &table = *table_entry.second.table;
		auto folder = table.GetDataFolder();
		for (auto &file_entry : table_entry.second.files) {
			auto &local = file_entry.second;
			auto &file = local.file;
			PreparedDelete prepared;
			prepared.table_id = table.GetTableId();
			prepared.data_file_id = file.data_file_id;
			prepared.newly_deleted = local.positions->size();
			prepared.file_size_bytes = file.file_size_bytes;
			prepared.folder = folder;
			prepared.data_file_path = LakePaths::Resolve(folder, file.path, file.path_is_relative);
			prepared.new_positions = local.positions;
			// A delete file holds every deleted position of its data file: the committed ones too.
			if (file.has_delete_file) {
				prepared.committed_rows = DeleteFiles::ReadWithSnapshots(
				    db, LakePaths::Resolve(folder, file.delete_file.path, file.delete_file.path_is_relative),
				    file.delete_file.encryption_key, file.delete_file.begin_snapshot);
			}
			prepared.ends_file = prepared.committed_rows.size() + local.positions->size() >= file.record_count;
			if (!prepared.ends_file) {
				WriteDeleteFile(prepared, expected_snapshot);
			}
			prepared_deletes.push_back(std::move(prepared));
		}
	}
}

void LakeCommit::PrepareLocalFileDeletes(idx_t expected_snapshot) {
	for (auto &table_entry : transaction.new_data) {
		auto &data = table_entry.second;
		if (data.deletes.empty()) {
			continue;
		}
		auto folder = data.table->GetDataFolder();
		for (auto &file : data.files) {
			auto deleted = data.deletes.find(file.path);
			if (deleted == data.deletes.end() || deleted->second->empty()) {
				continue;
			}
			PreparedDelete prepared;
			prepared.local_file = true;
			prepared.local_table_id = table_entry.first;
			prepared.local_path = file.path;
			prepared.table_id = 0;
			prepared.data_file_id = 0;
			prepared.newly_deleted = deleted->second->size();
			prepared.folder = folder;
			prepared.data_file_path = LakePaths::Resolve(folder, file.path, file.path_is_relative);
			prepared.new_positions = deleted->second;
			// Every row gone: the file is not committed at all (WriteData leaves it out).
			prepared.ends_file = prepared.newly_deleted >= file.record_count;
			if (prepared.ends_file) {
				// A file registered by add_data_files (it has a name mapping) is the user's: never removed.
				if (!file.name_mapping) {
					transaction.dropped_local_files.push_back(prepared.data_file_path);
				}
			} else {
				// Spec: a delete file may belong to a data file added in the same snapshot; the
				// scan and table_changes then never show the deleted rows.
				WriteDeleteFile(prepared, expected_snapshot);
			}
			prepared_deletes.push_back(std::move(prepared));
		}
	}
}

LakeCommit::PreparedDelete *LakeCommit::FindLocalFileDeletes(idx_t local_table_id, const string &path) {
	for (auto &prepared : prepared_deletes) {
		if (prepared.local_file && prepared.local_table_id == local_table_id && prepared.local_path == path) {
			return &prepared;
		}
	}
	return nullptr;
}

void LakeCommit::WriteDeleteFile(PreparedDelete &prepared, idx_t snapshot_id) {
	vector<pair<idx_t, idx_t>> rows;
	rows.reserve(prepared.committed_rows.size() + prepared.new_positions->size());
	auto committed = prepared.committed_rows.begin();
	for (auto pos : *prepared.new_positions) {
		while (committed != prepared.committed_rows.end() && committed->first < pos) {
			rows.push_back(*committed++);
		}
		if (committed != prepared.committed_rows.end() && committed->first == pos) {
			continue; // deleted before: keeps its snapshot
		}
		rows.emplace_back(pos, snapshot_id);
	}
	rows.insert(rows.end(), committed, prepared.committed_rows.end());
	auto name = DeleteFiles::NewFileName();
	auto path = prepared.folder + name;
	transaction.AddWrittenFile(path);
	auto &catalog = transaction.GetCatalog();
	prepared.delete_file =
	    DeleteFiles::Write(catalog.GetDatabase(), prepared.data_file_path, path, catalog.NewFileKey(), rows);
	prepared.delete_file.path = name;
	prepared.delete_file.path_is_relative = true;
	prepared.written_for_snapshot = snapshot_id;
}

void LakeCommit::CheckDeleteConflicts(MetadataConnection &conn, idx_t since_snapshot) {
	if (prepared_deletes.empty()) {
		return;
	}
	string ids;
	set<idx_t> missing;
	for (auto &prepared : prepared_deletes) {
		if (!prepared.local_file) {
			ids += (ids.empty() ? "" : ", ") + std::to_string(prepared.data_file_id);
			missing.insert(prepared.data_file_id);
		}
	}
	if (ids.empty()) {
		return;
	}
	auto since = std::to_string(since_snapshot);
	auto conflict = [&](const string &file, const string &what) {
		return TransactionException("Transaction conflict on lake \"%s\": this transaction deletes rows of data file "
		                            "%s, which %s after this transaction started at snapshot %llu",
		                            transaction.GetCatalog().GetName(), file, what, since_snapshot);
	};
	// Another delete of the same data file, or the file ended (all rows deleted, table dropped,
	// compaction): our positions would be lost or apply to a file no longer there. A file whose row
	// is gone was ended and then expired since (compaction and expiry): the same conflict.
	auto rows = conn.Query("SELECT 0, data_file_id, begin_snapshot FROM " + conn.Table("ducklake_delete_file") +
	                       " WHERE data_file_id IN (" + ids + ") AND begin_snapshot > " + since +
	                       " UNION ALL SELECT 1, data_file_id, end_snapshot FROM " + conn.Table("ducklake_data_file") +
	                       " WHERE data_file_id IN (" + ids + ")");
	for (auto &row : rows.rows) {
		auto file = row[1].ToString();
		bool is_data_file = row[0].GetValue<int64_t>() == 1;
		if (is_data_file) {
			missing.erase(NumericCast<idx_t>(row[1].GetValue<int64_t>()));
			if (row[2].IsNull() || row[2].GetValue<int64_t>() <= NumericCast<int64_t>(since_snapshot)) {
				continue;
			}
		}
		throw conflict(file, "another transaction also deleted from or removed (committed in snapshot " +
		                         row[2].ToString() + ")");
	}
	if (!missing.empty()) {
		throw conflict(std::to_string(*missing.begin()),
		               "another transaction removed and whose snapshots were then expired (compaction and expiry)");
	}
}

void LakeCommit::WriteDeletes(SnapshotWriter &writer, SnapshotInfo &next) {
	// (Rewriting a delete file below happens inside the catalog transaction: rare, and correct.)
	unordered_set<idx_t> tables;
	map<idx_t, pair<idx_t, idx_t>> deleted_rows_and_bytes;
	for (auto &prepared : prepared_deletes) {
		if (prepared.local_file && prepared.ends_file) {
			continue; // never committed (WriteData)
		}
		deleted_rows_and_bytes[prepared.table_id].first += prepared.newly_deleted;
		if (prepared.ends_file) {
			deleted_rows_and_bytes[prepared.table_id].second += prepared.file_size_bytes;
			writer.EndDataFile(prepared.data_file_id);
		} else {
			if (prepared.written_for_snapshot != next.snapshot_id) {
				// Another writer took the expected snapshot: the positions are deleted in this one.
				WriteDeleteFile(prepared, next.snapshot_id);
			}
			auto file = prepared.delete_file;
			file.delete_file_id = next.next_file_id++;
			writer.EndDeleteFiles(prepared.data_file_id);
			writer.AddDeleteFile(prepared.table_id, prepared.data_file_id, file);
		}
		// Rows inserted and deleted in this commit are no change to the table's committed rows.
		if (!prepared.local_file && tables.insert(prepared.table_id).second) {
			changes.push_back("deleted_from_table:" + std::to_string(prepared.table_id));
		}
	}
	for (auto &entry : deleted_rows_and_bytes) {
		writer.SubtractTableRecords(entry.first, entry.second.first, entry.second.second);
		// Changed relative to what the catalog holds: not known here without reading it back.
		written_stats.erase(entry.first);
	}
}

} // namespace duckdb
