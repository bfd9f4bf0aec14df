#include "mallard/storage/delete_file.hpp"

#include "mallard/storage/file_encryption.hpp"
#include "mallard/storage/immutable_cache.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/common/types/uuid.hpp"
#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/main/appender.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/main/materialized_query_result.hpp"

#include <algorithm>

namespace duckdb {

namespace {

//! Field ids of the delete file columns (spec: positional deletes).
constexpr int32_t FILE_PATH_FIELD_ID = 2147483646;
constexpr int32_t POS_FIELD_ID = 2147483645;
constexpr int32_t SNAPSHOT_FIELD_ID = 2147483539;

//! A delete file as read: its positions and, when its rows carry them, the snapshot each was deleted in.
struct CachedDeleteFile {
	shared_ptr<const DeletePositions> positions;
	//! snapshots[i] deleted positions[i] (NO_SNAPSHOT where the row has none); empty for a file
	//! without the snapshot column.
	vector<idx_t> snapshots;
	//! The latest of them (0 when none).
	idx_t max_snapshot = 0;

	static constexpr idx_t NO_SNAPSHOT = DConstants::INVALID_INDEX;
};

//! By positions held: enough for the delete files of the busy tables, not for the lake's history.
ImmutableCache<CachedDeleteFile> &GetCache() {
	static ImmutableCache<CachedDeleteFile> cache(64ULL * 1024ULL * 1024ULL);
	return cache;
}

string Quote(const string &text) {
	return "'" + StringUtil::Replace(text, "'", "''") + "'";
}

void ThrowIfError(QueryResult &result, const string &what) {
	if (result.HasError()) {
		throw IOException("%s: %s", what, result.GetError());
	}
}

//! A delete file, read once and cached (delete files never change once written). Every column but
//! file_path is read: pos, and the snapshot column when the file has one.
shared_ptr<const CachedDeleteFile> LoadDeleteFile(DatabaseInstance &db, const string &path, const string &key) {
	auto cached = GetCache().Get(path);
	if (cached) {
		return cached;
	}
	// A separate connection: this runs inside another query's scan or commit.
	Connection conn(db);
	auto result = conn.Query("SELECT pos, * EXCLUDE (file_path, pos) FROM " + ReadParquetSQL(path, key));
	ThrowIfError(*result, "Cannot read delete file \"" + path + "\"");
	optional_idx snapshot_column;
	for (idx_t i = 1; i < result->names.size(); i++) {
		if (result->names[i] == "_ducklake_internal_snapshot_id") {
			snapshot_column = i;
		}
	}
	// (position, snapshot); a NULL snapshot is NO_SNAPSHOT.
	vector<pair<idx_t, idx_t>> rows;
	rows.reserve(result->RowCount());
	for (auto &chunk : result->Collection().Chunks()) {
		// pos and the snapshot column are BIGINT (spec: positional deletes).
		Vector positions(LogicalType::BIGINT), snapshots(LogicalType::BIGINT);
		VectorOperations::Cast(*conn.context, chunk.data[0], positions, chunk.size());
		positions.Flatten(chunk.size());
		auto position_data = FlatVector::GetData<int64_t>(positions);
		int64_t *snapshot_data = nullptr;
		if (snapshot_column.IsValid()) {
			VectorOperations::Cast(*conn.context, chunk.data[snapshot_column.GetIndex()], snapshots, chunk.size());
			snapshots.Flatten(chunk.size());
			snapshot_data = FlatVector::GetData<int64_t>(snapshots);
		}
		for (idx_t i = 0; i < chunk.size(); i++) {
			bool has_snapshot = snapshot_data && FlatVector::Validity(snapshots).RowIsValid(i);
			rows.emplace_back(NumericCast<idx_t>(position_data[i]),
			                  has_snapshot ? NumericCast<idx_t>(snapshot_data[i]) : CachedDeleteFile::NO_SNAPSHOT);
		}
	}
	// By position, each once, with the first snapshot that deleted it (a known one before none).
	std::sort(rows.begin(), rows.end());
	auto file = make_shared_ptr<CachedDeleteFile>();
	auto positions = make_shared_ptr<DeletePositions>();
	positions->reserve(rows.size());
	for (auto &row : rows) {
		if (!positions->empty() && positions->back() == row.first) {
			continue;
		}
		positions->push_back(row.first);
		if (snapshot_column.IsValid()) {
			file->snapshots.push_back(row.second);
			if (row.second != CachedDeleteFile::NO_SNAPSHOT) {
				file->max_snapshot = MaxValue(file->max_snapshot, row.second);
			}
		}
	}
	file->positions = std::move(positions);
	GetCache().Put(path, file, file->positions->size());
	return std::move(file);
}

} // namespace

shared_ptr<const DeletePositions> DeleteFiles::Read(DatabaseInstance &db, const string &path, const string &key,
                                                   idx_t snapshot_id) {
	auto file = LoadDeleteFile(db, path, key);
	if (file->max_snapshot <= snapshot_id) {
		return file->positions;
	}
	// An older snapshot than the file's last delete (time travel): only what was deleted by then
	// (a row without a snapshot was deleted when the file was written, before any reader sees it).
	auto visible = make_shared_ptr<DeletePositions>();
	for (idx_t i = 0; i < file->positions->size(); i++) {
		auto snapshot = file->snapshots[i];
		if (snapshot == CachedDeleteFile::NO_SNAPSHOT || snapshot <= snapshot_id) {
			visible->push_back((*file->positions)[i]);
		}
	}
	return std::move(visible);
}

vector<pair<idx_t, idx_t>> DeleteFiles::ReadWithSnapshots(DatabaseInstance &db, const string &path,
                                                          const string &key, idx_t file_snapshot) {
	auto file = LoadDeleteFile(db, path, key);
	vector<pair<idx_t, idx_t>> rows;
	rows.reserve(file->positions->size());
	for (idx_t i = 0; i < file->positions->size(); i++) {
		auto snapshot = file->snapshots.empty() ? CachedDeleteFile::NO_SNAPSHOT : file->snapshots[i];
		rows.emplace_back((*file->positions)[i], snapshot == CachedDeleteFile::NO_SNAPSHOT ? file_snapshot : snapshot);
	}
	return rows;
}

bool DeleteFiles::HasRowSnapshots(DatabaseInstance &db, const string &path, const string &key) {
	return !LoadDeleteFile(db, path, key)->snapshots.empty();
}

DeleteFileInfo DeleteFiles::Write(DatabaseInstance &db, const string &data_file_path, const string &path,
                                  const string &key, const vector<pair<idx_t, idx_t>> &rows) {
	// The table's folder may not exist yet: its data files may all have been added from elsewhere.
	LakePaths::CreateFolder(FileSystem::GetFileSystem(db), path.substr(0, path.rfind('/') + 1));
	Connection conn(db);
	auto table = "__mallard_delete_positions";
	auto created = conn.Query(
	    StringUtil::Format("CREATE OR REPLACE TEMPORARY TABLE %s (pos BIGINT, snapshot_id BIGINT)", table));
	ThrowIfError(*created, "Cannot stage delete positions");
	{
		Appender appender(conn, "temp", "main", table);
		for (auto &row : rows) {
			appender.BeginRow();
			appender.Append<int64_t>(NumericCast<int64_t>(row.first));
			appender.Append<int64_t>(NumericCast<int64_t>(row.second));
			appender.EndRow();
		}
		appender.Close();
	}
	auto copy = conn.Query(StringUtil::Format(
	    "COPY (SELECT %s::VARCHAR AS file_path, pos, snapshot_id AS _ducklake_internal_snapshot_id FROM %s ORDER "
	    "BY pos) TO %s (FORMAT parquet, COMPRESSION zstd, FIELD_IDS {file_path: %d, pos: %d, "
	    "_ducklake_internal_snapshot_id: %d}, RETURN_STATS%s)",
	    Quote(data_file_path), table, Quote(path), FILE_PATH_FIELD_ID, POS_FIELD_ID, SNAPSHOT_FIELD_ID,
	    FileEncryption::CopyOption(key)));
	ThrowIfError(*copy, "Cannot write delete file \"" + path + "\"");
	auto &result = copy->Cast<MaterializedQueryResult>();
	DeleteFileInfo info;
	info.delete_count = rows.size();
	info.encryption_key = key;
	if (result.RowCount() == 1) {
		// filename, count, file_size_bytes, footer_size_bytes, ...
		info.file_size_bytes = result.GetValue(2, 0).GetValue<uint64_t>();
		auto footer = result.GetValue(3, 0);
		if (!footer.IsNull()) {
			info.footer_size = footer.GetValue<uint64_t>();
		}
	}
	conn.Query(StringUtil::Format("DROP TABLE IF EXISTS %s", table));
	return info;
}

string DeleteFiles::NewFileName() {
	return "ducklake-" + UUID::ToString(UUID::GenerateRandomUUID()) + "-delete.parquet";
}

DeletePositions DeleteFiles::Union(const DeletePositions &a, const DeletePositions &b) {
	DeletePositions result;
	result.reserve(a.size() + b.size());
	std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(result));
	return result;
}

} // namespace duckdb
