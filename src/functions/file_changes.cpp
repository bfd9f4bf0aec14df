#include "mallard/functions/file_changes.hpp"

#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/name_mapping.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/scan/data_file_reader.hpp"
#include "mallard/storage/delete_file.hpp"
#include "mallard/storage/file_encryption.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/main/client_context.hpp"

namespace duckdb {

namespace {

struct ChangeFile {
	idx_t id = 0;
	string path;
	idx_t row_id_start = 0;
	idx_t begin_snapshot = 0;
	optional_idx end_snapshot;
	optional_idx partial_max;
	//! For delete files: the data file they belong to.
	idx_t data_file_id = 0;
	//! The raw key of an encrypted file (file_encryption.hpp); empty for a plain one.
	string encryption_key;
	//! For data files without field ids: their column name mapping.
	shared_ptr<const NameMapping> mapping;
};

ChangeFile ReadChangeFile(const vector<Value> &row, const string &folder) {
	// id, path, path_is_relative, begin_snapshot, end_snapshot, partial_max, encryption_key, then
	// data_file_id (delete files) or row_id_start (data files)
	ChangeFile file;
	file.id = NumericCast<idx_t>(row[0].GetValue<int64_t>());
	file.path = LakePaths::Resolve(folder, row[1].ToString(), row[2].IsNull() || row[2].GetValue<bool>());
	file.begin_snapshot = NumericCast<idx_t>(row[3].GetValue<int64_t>());
	if (!row[4].IsNull()) {
		file.end_snapshot = NumericCast<idx_t>(row[4].GetValue<int64_t>());
	}
	if (!row[5].IsNull()) {
		file.partial_max = NumericCast<idx_t>(row[5].GetValue<int64_t>());
	}
	if (!row[6].IsNull()) {
		file.encryption_key = FileEncryption::FromCatalog(row[6].ToString());
	}
	return file;
}

string InList(const unordered_set<idx_t> &ids) {
	string list;
	for (auto id : ids) {
		list += (list.empty() ? "" : ", ") + std::to_string(id);
	}
	return list;
}

} // namespace

string FileChangeRows(ClientContext &context, DuckLakeTableEntry &table, idx_t start, idx_t end,
                      const unordered_set<idx_t> &rewrite_snapshots, const string &read_list) {
	auto &catalog = table.ParentCatalog().Cast<DuckLakeCatalog>();
	auto &columns = table.GetTableInfo().columns;
	auto table_id = table.GetTableId();
	auto folder = table.GetDataFolder();
	auto from = std::to_string(start);
	auto to = std::to_string(end);
	auto in_range = [&](const string &column) {
		return "(" + column + " >= " + from + " AND " + column + " <= " + to + ")";
	};
	// Files whose rows or positions may have changed in the range: added or ended in it, or partial
	// files from before it whose rows (positions) go on into it.
	auto changed_in_range = in_range("begin_snapshot") + " OR " + in_range("end_snapshot") +
	                        " OR (partial_max IS NOT NULL AND begin_snapshot < " + from + " AND partial_max >= " +
	                        from + ")";
	vector<ChangeFile> data_files;
	vector<ChangeFile> delete_files;
	//! DuckLake's small deletes of file rows kept in the catalog (InlinedData::DeleteTableName):
	//! data file id -> (position, snapshot), up to the range's end.
	map<idx_t, vector<pair<idx_t, idx_t>>> inlined_deletes;
	catalog.WithMetadata([&](MetadataConnection &conn) {
		string inlined_delete_files;
		auto inlined_delete_table = InlinedData::DeleteTableName(table_id);
		if (conn.TableExists(inlined_delete_table)) {
			auto rows = conn.Query(StringUtil::Format("SELECT file_id, row_id, begin_snapshot FROM %s WHERE "
			                                          "begin_snapshot <= %llu",
			                                          conn.Table(inlined_delete_table), end));
			set<idx_t> changed_files;
			for (auto &row : rows.rows) {
				auto file_id = NumericCast<idx_t>(row[0].GetValue<int64_t>());
				auto snapshot = NumericCast<idx_t>(row[2].GetValue<int64_t>());
				inlined_deletes[file_id].emplace_back(NumericCast<idx_t>(row[1].GetValue<int64_t>()), snapshot);
				if (snapshot >= start) {
					changed_files.insert(file_id);
				}
			}
			// The files that got such deletes in the range, named: the rows were just read.
			for (auto id : changed_files) {
				inlined_delete_files += (inlined_delete_files.empty() ? " OR data_file_id IN (" : ", ") +
				                        std::to_string(id);
			}
			inlined_delete_files += inlined_delete_files.empty() ? "" : ")";
		}
		auto deletes = conn.Query(StringUtil::Format(
		    "SELECT delete_file_id, path, path_is_relative, begin_snapshot, end_snapshot, partial_max, "
		    "encryption_key, data_file_id FROM %s WHERE table_id = %llu AND (%s)",
		    conn.Table("ducklake_delete_file"), table_id, changed_in_range));
		for (auto &row : deletes.rows) {
			auto file = ReadChangeFile(row, folder);
			file.data_file_id = NumericCast<idx_t>(row[7].GetValue<int64_t>());
			delete_files.push_back(std::move(file));
		}
		auto data = conn.Query(StringUtil::Format(
		    "SELECT data_file_id, path, path_is_relative, begin_snapshot, end_snapshot, partial_max, encryption_key, "
		    "row_id_start, mapping_id FROM %s WHERE table_id = %llu AND (%s OR data_file_id IN (SELECT data_file_id "
		    "FROM %s WHERE table_id = %llu AND (%s))%s)",
		    conn.Table("ducklake_data_file"), table_id, changed_in_range, conn.Table("ducklake_delete_file"), table_id,
		    changed_in_range, inlined_delete_files));
		vector<idx_t> mapping_ids;
		for (auto &row : data.rows) {
			if (!row[8].IsNull()) {
				mapping_ids.push_back(NumericCast<idx_t>(row[8].GetValue<int64_t>()));
			}
		}
		auto mappings = NameMappings::Read(conn, mapping_ids);
		for (auto &row : data.rows) {
			auto file = ReadChangeFile(row, folder);
			file.row_id_start = row[7].IsNull() ? 0 : NumericCast<idx_t>(row[7].GetValue<int64_t>());
			if (!row[8].IsNull()) {
				file.mapping = mappings[NumericCast<idx_t>(row[8].GetValue<int64_t>())];
			}
			data_files.push_back(std::move(file));
		}
	});
	auto rewrites = InList(rewrite_snapshots);
	auto not_rewrite = [&](const string &snapshot) {
		return rewrites.empty() ? string() : " AND " + snapshot + " NOT IN (" + rewrites + ")";
	};
	string changes;
	for (auto &file : data_files) {
		// The file's positions deleted up to the range's end, each at the first snapshot that deleted it.
		string deleted;
		for (auto &delete_file : delete_files) {
			if (delete_file.data_file_id != file.id) {
				continue;
			}
			auto snapshot = std::to_string(delete_file.begin_snapshot);
			if (DeleteFiles::HasRowSnapshots(*context.db, delete_file.path, delete_file.encryption_key)) {
				snapshot = "coalesce(_ducklake_internal_snapshot_id, " + snapshot + ")";
			}
			deleted += string(deleted.empty() ? "" : " UNION ALL ") + "SELECT pos, " + snapshot + " AS snap FROM " +
			           ReadParquetSQL(delete_file.path, delete_file.encryption_key);
		}
		auto inlined = inlined_deletes.find(file.id);
		if (inlined != inlined_deletes.end()) {
			string values;
			for (auto &position : inlined->second) {
				values += (values.empty() ? "" : ", ") + StringUtil::Format("(%llu::BIGINT, %llu::BIGINT)",
				                                                            position.first, position.second);
			}
			deleted += string(deleted.empty() ? "" : " UNION ALL ") + "SELECT * FROM (VALUES " + values +
			           ") v(pos, snap)";
		}
		if (!deleted.empty()) {
			deleted = "(SELECT pos, min(snap) AS snap FROM (" + deleted + ") GROUP BY pos)";
		}
		EncryptedFiles encrypted;
		if (!file.encryption_key.empty()) {
			encrypted[file.path] = file.encryption_key;
		}
		NameMappedFiles mapped;
		if (file.mapping) {
			mapped[file.path] = file.mapping;
		}
		auto rows = DataFileRead(MetadataConnection::Literal(file.path), columns, "c", mapped, encrypted) + " f";
		auto row_id = "coalesce(f._ducklake_internal_row_id, " + std::to_string(file.row_id_start) +
		              " + f.file_row_number)";
		// A partial file's rows carry their snapshot; any other file's rows have its begin_snapshot.
		auto inserted = file.partial_max.IsValid()
		                    ? "coalesce(f._ducklake_internal_snapshot_id, " + std::to_string(file.begin_snapshot) + ")"
		                    : std::to_string(file.begin_snapshot);
		auto select = [&](const string &snapshot, const char *type) {
			return " UNION ALL SELECT " + snapshot + ", " + row_id + ", '" + type + "'" + read_list + " FROM " + rows;
		};
		bool inserts_in_range = file.partial_max.IsValid()
		                            ? file.partial_max.GetIndex() >= start && file.begin_snapshot <= end
		                            : file.begin_snapshot >= start && file.begin_snapshot <= end &&
		                                  !rewrite_snapshots.count(file.begin_snapshot);
		if (inserts_in_range) {
			changes += select(inserted, "insert");
			if (!deleted.empty()) {
				// Rows deleted in the snapshot that inserted them were never visible.
				changes += " ANTI JOIN " + deleted + " d ON d.pos = f.file_row_number AND d.snap = " + inserted;
			}
			changes += " WHERE " + inserted + " BETWEEN " + from + " AND " + to;
		}
		if (!deleted.empty()) {
			changes += select("d.snap", "delete") + " JOIN " + deleted +
			           " d ON d.pos = f.file_row_number WHERE d.snap BETWEEN " + from + " AND " + to +
			           " AND d.snap <> " + inserted + not_rewrite("d.snap");
		}
		auto end_snapshot = file.end_snapshot.IsValid() ? file.end_snapshot.GetIndex() : end + 1;
		if (end_snapshot >= start && end_snapshot <= end && !rewrite_snapshots.count(end_snapshot)) {
			// Ended: its rows not deleted before are deleted now.
			auto ended = std::to_string(end_snapshot);
			changes += select(ended, "delete");
			if (!deleted.empty()) {
				changes += " ANTI JOIN " + deleted + " d ON d.pos = f.file_row_number AND d.snap < " + ended;
			}
		}
	}
	return changes;
}

} // namespace duckdb
