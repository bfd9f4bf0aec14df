// The indexes Mallard adds to SQLite and PostgreSQL catalogs (metadata_indexes.hpp).
#include "catalog_test_util.hpp"

#include "mallard/catalog/metadata_indexes.hpp"
#include "mallard/catalog/metadata_tables.hpp"

namespace duckdb {
namespace {

class MetadataIndexesTest : public BackendTest {
protected:
	void SetUp() override {
		BackendTest::SetUp();
		if (IsSkipped()) {
			return;
		}
		InitializeMetadataTables(*conn, "data/", {});
	}
	bool Indexed() {
		return GetParam() != MetadataBackendType::DUCKDB;
	}
	//! Which of the indexes Mallard adds on some backend this catalog holds.
	vector<string> ExistingIndexes() {
		vector<string> result;
		for (auto &name : MetadataIndexNames(MetadataBackendType::POSTGRES)) {
			if (MetadataIndexExists(*conn, name)) {
				result.push_back(name);
			}
		}
		return result;
	}
};

TEST_P(MetadataIndexesTest, CreatedWhenMissing) {
	// A catalog as another implementation or an older Mallard leaves it: tables only.
	EXPECT_FALSE(MetadataIndexExists(*conn, FILE_COLUMN_STATS_INDEX));
	EXPECT_EQ(ExistingIndexes(), vector<string>());
	EnsureMetadataIndexes(*conn);
	EXPECT_EQ(MetadataIndexExists(*conn, FILE_COLUMN_STATS_INDEX), Indexed());
	// And the partial indexes of ended files.
	vector<string> expected;
	if (Indexed()) {
		expected = {FILE_COLUMN_STATS_INDEX, "mallard_data_file_ended", "mallard_delete_file_ended"};
	}
	EXPECT_EQ(ExistingIndexes(), expected);
	EXPECT_EQ(MetadataIndexNames(GetParam()), expected);
	// Again: nothing to do, no error.
	EnsureMetadataIndexes(*conn);
	EXPECT_EQ(ExistingIndexes(), expected);
}

TEST_P(MetadataIndexesTest, ReadOnlyConnectionCreatesNothing) {
	if (GetParam() == MetadataBackendType::DUCKDB) {
		GTEST_SKIP() << "a DuckDB catalog gets no index";
	}
	auto reader = scratch->Open(true);
	EnsureMetadataIndexes(*reader);
	EXPECT_EQ(ExistingIndexes(), vector<string>());
}

TEST_P(MetadataIndexesTest, StatisticsStillReadAndWritten) {
	EnsureMetadataIndexes(*conn);
	conn->Execute("INSERT INTO " + conn->Table("ducklake_file_column_stats") +
	              " (data_file_id, table_id, column_id, min_value, max_value) VALUES (7, 1, 1, '3', '9'), "
	              "(8, 1, 1, '10', '20'), (7, 2, 1, '0', '1')");
	auto rows = conn->Query("SELECT data_file_id, min_value FROM " + conn->Table("ducklake_file_column_stats") +
	                        " WHERE table_id = 1 AND data_file_id IN (7) ORDER BY data_file_id");
	ASSERT_EQ(rows.RowCount(), 1u);
	EXPECT_EQ(rows.GetValue(0, 1).ToString(), "3");
}

INSTANTIATE_TEST_SUITE_P(Backends, MetadataIndexesTest, testing::ValuesIn(TestBackends()), BackendName);

} // namespace
} // namespace duckdb
