// Statistics built from catalog text never throw: text that does not read as the column's type
// (another writer's catalog, a default from an older column type) proves nothing instead of
// failing the query that plans with it.
#include "mallard/scan/file_pruning.hpp"

#include <gtest/gtest.h>

using namespace duckdb;

TEST(FilePruning, AConstantThatDoesNotCastGivesNoStatistics) {
	unique_ptr<BaseStatistics> stats;
	EXPECT_FALSE(ConstantStatistics(LogicalType::INTEGER, Value("abc"), stats));
	EXPECT_FALSE(ConstantStatistics(LogicalType::INTEGER, Value::BIGINT(int64_t(1) << 40), stats));
	ASSERT_TRUE(ConstantStatistics(LogicalType::INTEGER, Value("42"), stats));
	EXPECT_EQ(stats->GetType(), LogicalType::INTEGER);
}

TEST(FilePruning, BoundsThatDoNotCastAreUnknown) {
	ColumnStatsInfo column;
	column.column_id = 1;
	column.min_value = Value("abc");
	column.max_value = Value("5000000000");
	column.null_count = 0;
	auto stats = StatisticsFromCatalog(LogicalType::INTEGER, &column, 10);
	EXPECT_EQ(stats.ToString(), BaseStatistics::CreateUnknown(LogicalType::INTEGER).ToString());
}
