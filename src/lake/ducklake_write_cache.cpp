#include "mallard/lake/ducklake_write_cache.hpp"

#include "mallard/catalog/lake_options.hpp"
#include "mallard/catalog/metadata_reader.hpp"

namespace duckdb {

constexpr std::chrono::milliseconds LakeWriteCache::OPTIONS_LIFETIME;

SnapshotInfo LakeWriteCache::LatestSnapshot(MetadataConnection &conn) {
	// Read before the query: a write landing in between leaves the entry under a
	// version that has already passed, where nobody looks it up again.
	auto version = conn.CommitVersion();
	if (version.IsValid()) {
		lock_guard<mutex> guard(lock);
		if (latest_version == version) {
			return latest;
		}
	}
	auto result = MetadataReader::LatestSnapshot(conn);
	NoteLatestSnapshotId(result.snapshot_id);
	if (version.IsValid()) {
		PutLatestSnapshot(version.GetIndex(), result);
	}
	return result;
}

void LakeWriteCache::PutLatestSnapshot(idx_t commit_version, const SnapshotInfo &snapshot) {
	lock_guard<mutex> guard(lock);
	latest_version = commit_version;
	latest = snapshot;
}

void LakeWriteCache::NoteLatestSnapshotId(idx_t snapshot_id) {
	lock_guard<mutex> guard(lock);
	if (!newest_seen_snapshot.IsValid() || newest_seen_snapshot.GetIndex() < snapshot_id) {
		newest_seen_snapshot = snapshot_id;
	}
}

bool LakeWriteCache::IsNewestSeenSnapshot(idx_t snapshot_id) {
	lock_guard<mutex> guard(lock);
	return newest_seen_snapshot.IsValid() && newest_seen_snapshot.GetIndex() == snapshot_id;
}

bool LakeWriteCache::TryGetTableStats(idx_t table_id, idx_t snapshot_id, CachedTableStats &result) {
	lock_guard<mutex> guard(lock);
	auto entry = table_stats.find(table_id);
	if (entry == table_stats.end() || entry->second.snapshot_id != snapshot_id) {
		return false;
	}
	result = entry->second.stats;
	return true;
}

void LakeWriteCache::PutTableStats(idx_t table_id, idx_t snapshot_id, CachedTableStats stats) {
	lock_guard<mutex> guard(lock);
	// One entry per table, the newest: a lake has few tables written by one
	// process.
	table_stats[table_id] = StatsEntry {snapshot_id, std::move(stats)};
}

case_insensitive_map_t<string> LakeWriteCache::ReadOptions(MetadataConnection &conn, optional_idx schema_id,
                                                           optional_idx table_id,
                                                           const vector<LakeOptionSetting> &pending) {
	// DConstants::INVALID_INDEX stands for "no scope id" in the key.
	auto key = make_pair(schema_id.IsValid() ? schema_id.GetIndex() : DConstants::INVALID_INDEX,
	                     table_id.IsValid() ? table_id.GetIndex() : DConstants::INVALID_INDEX);
	auto now = std::chrono::steady_clock::now();
	vector<pair<string, string>> given_in_attach;
	{
		lock_guard<mutex> guard(lock);
		auto entry = options.find(key);
		if (pending.empty() && entry != options.end() && now - entry->second.read_at < OPTIONS_LIFETIME) {
			return entry->second.options;
		}
		given_in_attach = attach_settings;
	}
	auto result = LakeOptions::ReadEffective(conn, schema_id, table_id, given_in_attach, pending);
	if (!pending.empty()) {
		return result;
	}
	lock_guard<mutex> guard(lock);
	options[key] = OptionsEntry {now, result};
	return result;
}

void LakeWriteCache::SetAttachSettings(vector<pair<string, string>> settings) {
	lock_guard<mutex> guard(lock);
	attach_settings = std::move(settings);
	options.clear();
}

void LakeWriteCache::InvalidateOptions() {
	lock_guard<mutex> guard(lock);
	options.clear();
}

bool LakeWriteCache::TryGetInlinedTable(idx_t table_id, idx_t schema_version, string &table_name) {
	lock_guard<mutex> guard(lock);
	auto entry = inlined_tables.find(table_id);
	if (entry == inlined_tables.end() || entry->second.first != schema_version) {
		return false;
	}
	table_name = entry->second.second;
	return true;
}

void LakeWriteCache::PutInlinedTable(idx_t table_id, idx_t schema_version, const string &table_name) {
	lock_guard<mutex> guard(lock);
	inlined_tables[table_id] = make_pair(schema_version, table_name);
}

void LakeWriteCache::ForgetInlinedTables() {
	lock_guard<mutex> guard(lock);
	inlined_tables.clear();
}

} // namespace duckdb
