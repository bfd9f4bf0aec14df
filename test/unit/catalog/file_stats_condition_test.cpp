// FileStatsCondition, the catalog-side pruning of a scan's files: a bound is compared only when its
// text orders like its value (any other text proves nothing), decided in memory on every catalog
// backend, on bounds kept per snapshot and brought forward to newer snapshots.
#include "catalog_test_util.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/file_bounds_cache.hpp"
#include "mallard/catalog/file_stats_condition.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_tables.hpp"

#include "duckdb/common/types/column/column_data_collection.hpp"

#include <algorithm>

namespace duckdb {
namespace {

class FileStatsConditionTest : public BackendTest {};

//! The ids of the texts the in-memory guard keeps.
vector<int64_t> KeptInMemory(const vector<string> &texts, StatsBoundKind kind) {
	vector<int64_t> ids;
	for (idx_t i = 0; i < texts.size(); i++) {
		StatsBoundKey key;
		if (FileStatsCondition::ParseBound(kind, string_t(texts[i]), key)) {
			ids.push_back(int64_t(i));
		}
	}
	return ids;
}

TEST(FileStatsCondition, TimestampTextIsKeptOnlyInDuckDBsForm) {
	// What DuckDB writes: no fraction, or fractional digits without trailing zeros.
	vector<string> texts {"2026-01-02 00:00:00",        "2026-01-02 00:00:00.5",   "2026-12-31 23:59:59.123456",
	                      // Equal to kept ones, but sorting after them as text: another writer's form.
	                      "2026-01-02 00:00:00.500000", "2026-01-02 00:00:00.0",   "2026-01-02 00:00:00.",
	                      // Not a 4-digit AD timestamp, or not only one.
	                      "2026-01-02",                 "infinity",                "10000-01-01 00:00:00",
	                      "2026-01-02 00:00:00 (BC)",   "2026-01-02 00:00:00+00",  "2026-01-02 00:00:00.5x",
	                      "2026-01-02 00:00:00.5 1",    "2026-01-02T00:00:00",     "2026-01-02 00:00:00:5"};
	EXPECT_EQ(KeptInMemory(texts, StatsBoundKind::TIMESTAMP_TEXT), (vector<int64_t> {0, 1, 2}));
}

TEST(FileStatsCondition, DateTextIsKeptOnlyInDuckDBsForm) {
	vector<string> texts {"2026-01-02", "0999-01-01", "2026-01-02 00:00:00", "infinity", "10000-01-01",
	                      "2026-01-02 (BC)", "2026-1-2"};
	EXPECT_EQ(KeptInMemory(texts, StatsBoundKind::DATE_TEXT), (vector<int64_t> {0, 1}));
}

TEST(FileStatsCondition, OnlyPlainIntegersParse) {
	auto integer = [](const char *text, int64_t &value) {
		StatsBoundKey key;
		auto parsed = FileStatsCondition::ParseBound(StatsBoundKind::INTEGER, string_t(text), key);
		value = key.high;
		return parsed;
	};
	int64_t value = 0;
	ASSERT_TRUE(integer("42", value));
	EXPECT_EQ(value, 42);
	ASSERT_TRUE(integer("-7", value));
	EXPECT_EQ(value, -7);
	ASSERT_TRUE(integer("9223372036854775807", value));
	EXPECT_EQ(value, NumericLimits<int64_t>::Maximum());
	ASSERT_TRUE(integer("-9223372036854775808", value));
	EXPECT_EQ(value, NumericLimits<int64_t>::Minimum());
	for (auto text : {"9223372036854775808", "-9223372036854775809", "", "-", "+1", "1.5", " 1", "1e3", "abc"}) {
		EXPECT_FALSE(integer(text, value)) << text;
	}
}

// The keys of the texts the guard keeps order exactly as the texts do bytewise (what the SQL compares).
TEST(FileStatsCondition, TimeKeysOrderAsTheirText) {
	vector<string> texts {"2026-01-02 00:00:00",       "2026-01-02 00:00:00.5",     "2026-01-02 00:00:00.25",
	                      "2026-01-02 00:00:00.250001", "2026-01-02 00:00:00.05",   "2026-01-02 00:00:01",
	                      "2026-01-01 23:59:59.999999", "1999-12-31 23:59:59.1",    "2026-01-02 00:00:00.123456789",
	                      "2026-01-02 00:00:00.000000000000000001"};
	for (auto &a : texts) {
		for (auto &b : texts) {
			StatsBoundKey key_a, key_b;
			ASSERT_TRUE(FileStatsCondition::ParseBound(StatsBoundKind::TIMESTAMP_TEXT, string_t(a), key_a)) << a;
			ASSERT_TRUE(FileStatsCondition::ParseBound(StatsBoundKind::TIMESTAMP_TEXT, string_t(b), key_b)) << b;
			auto text_order = a < b ? -1 : (b < a ? 1 : 0);
			EXPECT_EQ(key_a.Compare(key_b), text_order) << a << " against " << b;
		}
	}
	StatsBoundKey key;
	EXPECT_FALSE(FileStatsCondition::ParseBound(StatsBoundKind::TIMESTAMP_TEXT,
	                                            string_t("2026-01-02 00:00:00.0000000000000000001"), key));
}

//! A snapshot as ReadCandidateFiles takes it.
SnapshotInfo AtSnapshot(idx_t snapshot_id, idx_t next_file_id = 0) {
	SnapshotInfo snapshot;
	snapshot.snapshot_id = snapshot_id;
	snapshot.next_file_id = next_file_id;
	return snapshot;
}

//! `bound comparison constant` on an integer column.
StatsBoundComparison IntegerBound(bool on_max, ExpressionType comparison, int64_t constant) {
	StatsBoundComparison result;
	EXPECT_TRUE(
	    StatsBoundComparison::Make(StatsBoundKind::INTEGER, on_max, comparison, std::to_string(constant), result));
	return result;
}

StatsBoundComparison TimestampBound(bool on_max, ExpressionType comparison, const string &constant) {
	StatsBoundComparison result;
	EXPECT_TRUE(StatsBoundComparison::Make(StatsBoundKind::TIMESTAMP_TEXT, on_max, comparison, constant, result));
	return result;
}

FileStatsCondition::Column ConditionColumn(idx_t column_id, StatsBoundKind kind,
                                           vector<StatsBoundComparison> exclusions) {
	FileStatsCondition::Column column;
	column.column_id = column_id;
	column.kind = kind;
	column.exclusions = std::move(exclusions);
	return column;
}

// Files of table 1 (bounds of column 1, an integer, and column 2, a timestamp), read at snapshot 2:
//  1: 0..9, 2026-01-01 00:00:00..2026-01-01 23:59:59.5    2: 10..19, 2026-01-02 00:00:00..12:00:00
//  3: 'abc'..25, 'infinity'..2026-01-03 (unknown minima)   4: no statistics rows
//  5: NULL bounds                                          6: -5..-1, a minimum with a trailing zero
//  7: 0..100, ended at snapshot 1 (never visible at 2)
TEST_P(FileStatsConditionTest, CatalogAndMemoryKeepTheSameFiles) {
	InitializeMetadataTables(*conn, "data/", {});
	for (idx_t id = 1; id <= 7; id++) {
		conn->Execute(StringUtil::Format(
		    "INSERT INTO %s (data_file_id, table_id, begin_snapshot, end_snapshot, file_order, path, "
		    "path_is_relative, file_format, record_count, file_size_bytes, row_id_start) VALUES (%llu, 1, 1, %s, "
		    "NULL, 'f%llu.parquet', true, 'parquet', 10, 100, %llu)",
		    conn->Table("ducklake_data_file"), id, id == 7 ? "1" : "NULL", id, id * 10));
	}
	struct StatsRow {
		idx_t file;
		idx_t column;
		const char *min;
		const char *max;
	};
	vector<StatsRow> stats {{1, 1, "0", "9"},
	                        {1, 2, "2026-01-01 00:00:00", "2026-01-01 23:59:59.5"},
	                        {2, 1, "10", "19"},
	                        {2, 2, "2026-01-02 00:00:00", "2026-01-02 12:00:00"},
	                        {3, 1, "abc", "25"},
	                        {3, 2, "infinity", "2026-01-03 00:00:00"},
	                        {5, 1, nullptr, nullptr},
	                        {5, 2, nullptr, nullptr},
	                        {6, 1, "-5", "-1"},
	                        {6, 2, "2026-01-05 00:00:00.000500", "2026-01-05 10:00:00"},
	                        {7, 1, "0", "100"}};
	for (auto &row : stats) {
		auto text = [](const char *value) { return value ? MetadataConnection::Literal(value) : string("NULL"); };
		conn->Execute(StringUtil::Format("INSERT INTO %s (data_file_id, table_id, column_id, min_value, max_value) "
		                                 "VALUES (%llu, 1, %llu, %s, %s)",
		                                 conn->Table("ducklake_file_column_stats"), row.file, row.column,
		                                 text(row.min), text(row.max)));
	}
	auto lt = ExpressionType::COMPARE_LESSTHAN, le = ExpressionType::COMPARE_LESSTHANOREQUALTO;
	auto gt = ExpressionType::COMPARE_GREATERTHAN, ge = ExpressionType::COMPARE_GREATERTHANOREQUALTO;
	auto integer = StatsBoundKind::INTEGER, timestamp = StatsBoundKind::TIMESTAMP_TEXT;
	auto equals_15 = ConditionColumn(1, integer, {IntegerBound(true, lt, 15), IntegerBound(false, gt, 15)});
	auto after_6am = ConditionColumn(2, timestamp, {TimestampBound(true, le, "2026-01-02 06:00:00")});
	struct Case {
		vector<FileStatsCondition::Column> columns;
		vector<idx_t> kept;
	};
	vector<Case> cases {
	    {{equals_15}, {2, 3, 4, 5}},
	    {{ConditionColumn(1, integer, {IntegerBound(true, lt, 20)})}, {3, 4, 5}},
	    {{ConditionColumn(1, integer, {IntegerBound(false, ge, 0)})}, {3, 4, 5, 6}},
	    {{after_6am}, {2, 3, 4, 5, 6}},
	    {{ConditionColumn(2, timestamp, {TimestampBound(false, gt, "2026-01-01 23:59:59.5")})}, {1, 3, 4, 5, 6}},
	    {{equals_15, after_6am}, {2, 3, 4, 5}},
	};
	for (auto &test : cases) {
		FileStatsCondition condition;
		condition.columns = test.columns;
		SCOPED_TRACE(condition.ToString());
		// In memory, on each statistics row.
		set<idx_t> excluded;
		for (auto &row : stats) {
			for (auto &column : test.columns) {
				StatsBoundKey min, max;
				auto has_min = row.min && FileStatsCondition::ParseBound(column.kind, string_t(row.min), min);
				auto has_max = row.max && FileStatsCondition::ParseBound(column.kind, string_t(row.max), max);
				if (row.file != 7 && row.column == column.column_id &&
				    column.Excludes(has_min ? &min : nullptr, has_max ? &max : nullptr)) {
					excluded.insert(row.file);
				}
			}
		}
		vector<idx_t> in_memory;
		for (idx_t id = 1; id <= 6; id++) {
			if (excluded.count(id) == 0) {
				in_memory.push_back(id);
			}
		}
		EXPECT_EQ(in_memory, test.kept);
		// As the reader reads them from the catalog.
		vector<DataFileInfo> files;
		ASSERT_TRUE(MetadataReader::ReadCandidateFiles(*conn, 1, AtSnapshot(2), condition, 10, files));
		vector<idx_t> read;
		for (auto &file : files) {
			read.push_back(file.data_file_id);
		}
		std::sort(read.begin(), read.end());
		EXPECT_EQ(read, test.kept);
		auto fewer = test.kept.size() - 1;
		EXPECT_FALSE(MetadataReader::ReadCandidateFiles(*conn, 1, AtSnapshot(2), condition, fewer, files));
	}
	// The bounds parsed are kept per snapshot: once they are kept, every condition at snapshot 2 is
	// decided without reading statistics rows (here deleted behind its back, which no
	// writer does to a committed file); without the kept bounds every visible file stays.
	FileBoundsCache cache;
	auto kept_ids = [&](const FileStatsCondition &condition, optional_ptr<FileBoundsCache> bounds) {
		vector<DataFileInfo> files;
		EXPECT_TRUE(MetadataReader::ReadCandidateFiles(*conn, 1, AtSnapshot(2), condition, 10, files, bounds));
		vector<idx_t> ids;
		for (auto &file : files) {
			ids.push_back(file.data_file_id);
		}
		std::sort(ids.begin(), ids.end());
		return ids;
	};
	FileStatsCondition both;
	both.columns = {equals_15, after_6am};
	EXPECT_EQ(kept_ids(both, cache), (vector<idx_t> {2, 3, 4, 5}));
	conn->Execute("DELETE FROM " + conn->Table("ducklake_file_column_stats"));
	for (auto &test : cases) {
		FileStatsCondition condition;
		condition.columns = test.columns;
		SCOPED_TRACE(condition.ToString());
		EXPECT_EQ(kept_ids(condition, cache), test.kept);
		EXPECT_EQ(kept_ids(condition, nullptr), (vector<idx_t> {1, 2, 3, 4, 5, 6}));
	}
}

// Bounds kept at a snapshot are brought forward to a newer one: the files ended in between leave, the
// files added come with their statistics rows, and nothing else is read again. When the older
// snapshot is gone (expired), the bounds are read afresh.
TEST_P(FileStatsConditionTest, KeptBoundsFollowNewerSnapshots) {
	InitializeMetadataTables(*conn, "data/", {});
	auto add_snapshot = [&](idx_t snapshot_id, idx_t next_file_id) {
		conn->Execute(StringUtil::Format("INSERT INTO %s (snapshot_id, snapshot_time, schema_version, next_catalog_id, "
		                                 "next_file_id) VALUES (%llu, '2026-01-01 00:00:00', 0, 1, %llu)",
		                                 conn->Table("ducklake_snapshot"), snapshot_id, next_file_id));
	};
	// File `id` holds values id * 10 .. id * 10 + 9 of column 1.
	auto add_file = [&](idx_t id, idx_t begin_snapshot) {
		conn->Execute(StringUtil::Format(
		    "INSERT INTO %s (data_file_id, table_id, begin_snapshot, end_snapshot, file_order, path, "
		    "path_is_relative, file_format, record_count, file_size_bytes, row_id_start) VALUES (%llu, 1, %llu, NULL, "
		    "NULL, 'f%llu.parquet', true, 'parquet', 10, 100, %llu)",
		    conn->Table("ducklake_data_file"), id, begin_snapshot, id, id * 10));
		conn->Execute(StringUtil::Format("INSERT INTO %s (data_file_id, table_id, column_id, min_value, max_value) "
		                                 "VALUES (%llu, 1, 1, '%llu', '%llu')",
		                                 conn->Table("ducklake_file_column_stats"), id, id * 10, id * 10 + 9));
	};
	auto equals = [](int64_t value) {
		FileStatsCondition condition;
		condition.columns = {ConditionColumn(1, StatsBoundKind::INTEGER,
		                                     {IntegerBound(true, ExpressionType::COMPARE_LESSTHAN, value),
		                                      IntegerBound(false, ExpressionType::COMPARE_GREATERTHAN, value)})};
		return condition;
	};
	FileBoundsCache cache;
	auto kept_ids = [&](const SnapshotInfo &snapshot, int64_t value, optional_ptr<FileBoundsCache> bounds) {
		vector<DataFileInfo> files;
		EXPECT_TRUE(MetadataReader::ReadCandidateFiles(*conn, 1, snapshot, equals(value), 100, files, bounds));
		vector<idx_t> ids;
		for (auto &file : files) {
			ids.push_back(file.data_file_id);
		}
		std::sort(ids.begin(), ids.end());
		return ids;
	};
	add_snapshot(1, 4);
	for (idx_t id = 1; id <= 3; id++) {
		add_file(id, 1);
	}
	EXPECT_EQ(kept_ids(AtSnapshot(1, 4), 25, cache), (vector<idx_t> {2}));
	// Snapshot 2 ends file 2 and adds file 4; then the statistics rows of files 1-3 disappear behind the
	// reader's back (no writer does that to committed files): only bounds brought forward still
	// exclude files 1 and 3, a fresh read keeps them.
	add_snapshot(2, 5);
	add_file(4, 2);
	conn->Execute("UPDATE " + conn->Table("ducklake_data_file") + " SET end_snapshot = 2 WHERE data_file_id = 2");
	conn->Execute("DELETE FROM " + conn->Table("ducklake_file_column_stats") + " WHERE data_file_id <= 3");
	EXPECT_EQ(kept_ids(AtSnapshot(2, 5), 45, cache), (vector<idx_t> {4}));
	EXPECT_EQ(kept_ids(AtSnapshot(2, 5), 25, cache), (vector<idx_t> {}));
	EXPECT_EQ(kept_ids(AtSnapshot(2, 5), 45, nullptr), (vector<idx_t> {1, 3, 4}));
	// The older snapshot's bounds stay as they were.
	EXPECT_EQ(kept_ids(AtSnapshot(1, 4), 25, cache), (vector<idx_t> {2}));
	// Many snapshots, one file each: their parts are joined now and then, and every file is found.
	for (idx_t snapshot = 3; snapshot <= 40; snapshot++) {
		add_snapshot(snapshot, snapshot + 3);
		add_file(snapshot + 2, snapshot);
		auto at = AtSnapshot(snapshot, snapshot + 3);
		EXPECT_EQ(kept_ids(at, int64_t(snapshot + 2) * 10 + 5, cache), (vector<idx_t> {snapshot + 2}));
		EXPECT_EQ(kept_ids(at, 45, cache), (vector<idx_t> {4}));
		EXPECT_EQ(kept_ids(at, 25, cache), (vector<idx_t> {}));
	}
	// Snapshot 40 expired: snapshot 41 is read afresh, and files 1 and 3, without statistics rows, stay.
	add_snapshot(41, 44);
	add_file(43, 41);
	conn->Execute("DELETE FROM " + conn->Table("ducklake_snapshot") + " WHERE snapshot_id = 40");
	EXPECT_EQ(kept_ids(AtSnapshot(41, 44), 435, cache), (vector<idx_t> {1, 3, 43}));
}

INSTANTIATE_TEST_SUITE_P(Backends, FileStatsConditionTest, testing::ValuesIn(TestBackends()), BackendName);

} // namespace
} // namespace duckdb
