#include "mallard/scan/partial_file_rows.hpp"

#include "mallard/catalog/metadata_store.hpp"
#include "mallard/scan/data_file_reader.hpp"
#include "mallard/storage/immutable_cache.hpp"

#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/main/materialized_query_result.hpp"


namespace duckdb {

namespace {

//! The rows of a partial file by inserting snapshot: rows [starts[i], starts[i + 1]) (the last run
//! ends at row_count) were inserted in snapshots[i]. DuckLake writes a merged file source by
//! source, so a file has about as many runs as the files it replaced.
struct SnapshotRuns {
	vector<idx_t> starts;
	vector<idx_t> snapshots;
	idx_t row_count = 0;
};

//! By runs held: partial files are few (only DuckLake's merge and flush write them), runs small.
ImmutableCache<SnapshotRuns> &GetCache() {
	static ImmutableCache<SnapshotRuns> cache(16ULL * 1024ULL * 1024ULL);
	return cache;
}

shared_ptr<const SnapshotRuns> LoadRuns(DatabaseInstance &db, const string &path, const string &key) {
	auto cached = GetCache().Get(path);
	if (cached) {
		return cached;
	}
	EncryptedFiles encrypted;
	if (!key.empty()) {
		encrypted[path] = key;
	}
	// A separate connection: this runs inside another query's scan. Only the snapshot column is
	// read, by its field id.
	Connection conn(db);
	auto result = conn.Query("SELECT file_row_number, _ducklake_internal_snapshot_id FROM " +
	                         DataFileRead(MetadataConnection::Literal(path), {}, "c", NameMappedFiles(), encrypted) +
	                         " ORDER BY file_row_number");
	if (result->HasError()) {
		throw IOException("Cannot read the row snapshots of data file \"%s\": %s", path, result->GetError());
	}
	auto runs = make_shared_ptr<SnapshotRuns>();
	for (auto &chunk : result->Collection().Chunks()) {
		Vector snapshots(LogicalType::BIGINT);
		VectorOperations::Cast(*conn.context, chunk.data[1], snapshots, chunk.size());
		snapshots.Flatten(chunk.size());
		auto data = FlatVector::GetData<int64_t>(snapshots);
		auto &validity = FlatVector::Validity(snapshots);
		for (idx_t i = 0; i < chunk.size(); i++) {
			// A row without a snapshot is as old as the file: visible to every reader of it.
			auto snapshot = validity.RowIsValid(i) ? NumericCast<idx_t>(data[i]) : 0;
			if (runs->snapshots.empty() || runs->snapshots.back() != snapshot) {
				runs->starts.push_back(runs->row_count);
				runs->snapshots.push_back(snapshot);
			}
			runs->row_count++;
		}
	}
	GetCache().Put(path, runs, runs->starts.size());
	return std::move(runs);
}

} // namespace

shared_ptr<const DeletePositions> PartialFileRows::InsertedAfter(DatabaseInstance &db, const string &path,
                                                                 const string &key, idx_t snapshot_id) {
	auto runs = LoadRuns(db, path, key);
	auto later = make_shared_ptr<DeletePositions>();
	for (idx_t i = 0; i < runs->starts.size(); i++) {
		if (runs->snapshots[i] <= snapshot_id) {
			continue;
		}
		auto end = i + 1 < runs->starts.size() ? runs->starts[i + 1] : runs->row_count;
		for (idx_t row = runs->starts[i]; row < end; row++) {
			later->push_back(row);
		}
	}
	return std::move(later);
}

} // namespace duckdb
