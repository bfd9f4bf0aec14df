// Data paths compared as folders (mallard/storage/lake_paths.hpp): what ATTACH's DATA_PATH check uses.
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/file_system.hpp"

#include <gtest/gtest.h>

using namespace duckdb;

TEST(LakePaths, SameDataPathComparesFolders) {
	auto cwd = FileSystem::GetWorkingDirectory();
	EXPECT_TRUE(LakePaths::SameDataPath("/lake/data", "/lake/data/"));
	EXPECT_TRUE(LakePaths::SameDataPath("/lake/./data/", "/lake/x/../data/"));
	EXPECT_TRUE(LakePaths::SameDataPath("data/", cwd + "/data/"));
	EXPECT_TRUE(LakePaths::SameDataPath("./data", cwd + "/data/"));
	EXPECT_TRUE(LakePaths::SameDataPath("s3://bucket/lake/", "s3://bucket/lake"));
	EXPECT_FALSE(LakePaths::SameDataPath("/lake/data/", "/lake/other/"));
	EXPECT_FALSE(LakePaths::SameDataPath("data/", "/elsewhere/data/"));
	EXPECT_FALSE(LakePaths::SameDataPath("s3://bucket/lake/", "s3://bucket/./lake/"));
}
