// FileStatsCondition, the catalog-side pruning of a scan's files: the guards run in each catalog's
// own SQL (a bound is compared only when its text orders like its value, any other text is NULL),
// the same guards and comparisons decided in memory (how a DuckDB-file catalog read from storage
// applies them), and both keeping the same files of a real catalog.
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

class FileStatsConditionTest : public BackendTest {
protected:
	//! The ids of the texts whose guarded expression is not NULL.
	vector<int64_t> Kept(const vector<string> &texts, const std::function<string(const string &)> &guard) {
		conn->Execute("CREATE TABLE bound_texts (id BIGINT, v VARCHAR)");
		string values;
		for (idx_t i = 0; i < texts.size(); i++) {
			values += (i ? ", (" : "(") + std::to_string(i) + ", " + MetadataConnection::Literal(texts[i]) + ")";
		}
		conn->Execute("INSERT INTO bound_texts VALUES " + values);
		auto rows = conn->Query("SELECT id FROM bound_texts WHERE " + guard("v") + " IS NOT NULL ORDER BY id");
		vector<int64_t> ids;
		for (idx_t row = 0; row < rows.RowCount(); row++) {
			ids.push_back(rows.GetValue(row, 0).GetValue<int64_t>());
		}
		return ids;
	}
};

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

TEST_P(FileStatsConditionTest, TimestampTextIsKeptOnlyInDuckDBsForm) {
	// What DuckDB writes: no fraction, or fractional digits without trailing zeros.
	vector<string> texts {"2026-01-02 00:00:00",        "2026-01-02 00:00:00.5",   "2026-12-31 23:59:59.123456",
	                      // Equal to kept ones, but sorting after them as text: another writer's form.
	                      "2026-01-02 00:00:00.500000", "2026-01-02 00:00:00.0",   "2026-01-02 00:00:00.",
	                      // Not a 4-digit AD timestamp, or not only one.
	                      "2026-01-02",                 "infinity",                "10000-01-01 00:00:00",
	                      "2026-01-02 00:00:00 (BC)",   "2026-01-02 00:00:00+00",  "2026-01-02 00:00:00.5x",
	                      "2026-01-02 00:00:00.5 1",    "2026-01-02T00:00:00",     "2026-01-02 00:00:00:5"};
	auto ids = Kept(texts, [&](const string &v) { return FileStatsCondition::TimeTextOrNull(GetParam(), v, true); });
	EXPECT_EQ(ids, (vector<int64_t> {0, 1, 2}));
	EXPECT_EQ(KeptInMemory(texts, StatsBoundKind::TIMESTAMP_TEXT), ids);
}

TEST_P(FileStatsConditionTest, DateTextIsKeptOnlyInDuckDBsForm) {
	vector<string> texts {"2026-01-02", "0999-01-01", "2026-01-02 00:00:00", "infinity", "10000-01-01",
	                      "2026-01-02 (BC)", "2026-1-2"};
	auto ids = Kept(texts, [&](const string &v) { return FileStatsCondition::TimeTextOrNull(GetParam(), v, false); });
	EXPECT_EQ(ids, (vector<int64_t> {0, 1}));
	EXPECT_EQ(KeptInMemory(texts, StatsBoundKind::DATE_TEXT), ids);
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
TEST_P(FileStatsConditionTest, SQLAndMemoryKeepTheSameFiles) {
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
		// In the catalog's SQL.
		auto rows = conn->QueryColumns(StringUtil::Format(
		    "SELECT f.data_file_id FROM %s f WHERE f.table_id = 1 AND %s AND %s ORDER BY f.data_file_id",
		    conn->Table("ducklake_data_file"), MetadataReader::VisibleAt(2, "f"), condition.ToSQL(*conn, 1)));
		vector<idx_t> by_sql;
		for (auto &data : rows->Chunks()) {
			CatalogChunk chunk(data);
			for (idx_t row = 0; row < chunk.size(); row++) {
				by_sql.push_back(chunk.GetId(0, row));
			}
		}
		EXPECT_EQ(by_sql, test.kept);
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
		// As the reader reads them (on a DuckDB file: scans decided in memory; elsewhere the SQL).
		vector<DataFileInfo> files;
		ASSERT_TRUE(MetadataReader::ReadCandidateFiles(*conn, 1, 2, condition, 10, files));
		vector<idx_t> read;
		for (auto &file : files) {
			read.push_back(file.data_file_id);
		}
		std::sort(read.begin(), read.end());
		EXPECT_EQ(read, test.kept);
		EXPECT_FALSE(MetadataReader::ReadCandidateFiles(*conn, 1, 2, condition, test.kept.size() - 1, files));
	}
	if (!conn->ScansStorage()) {
		return; // the SQL catalogs run the statement and keep nothing
	}
	// A DuckDB file keeps the bounds it parsed per snapshot: once they are kept, every condition at
	// snapshot 2 is decided without reading statistics rows (here deleted behind its back, which no
	// writer does to a committed file); without the kept bounds every visible file stays.
	FileBoundsCache cache;
	auto kept_ids = [&](const FileStatsCondition &condition, optional_ptr<FileBoundsCache> bounds) {
		vector<DataFileInfo> files;
		EXPECT_TRUE(MetadataReader::ReadCandidateFiles(*conn, 1, 2, condition, 10, files, bounds));
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

INSTANTIATE_TEST_SUITE_P(Backends, FileStatsConditionTest, testing::ValuesIn(TestBackends()), BackendName);

} // namespace
} // namespace duckdb
