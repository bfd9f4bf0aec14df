// The retry policy of commits that collide with another writer's (mallard/lake/commit_retry.hpp).
#include "mallard/lake/commit_retry.hpp"
#include "mallard/catalog/metadata_store.hpp"
#include "mallard/mallard.hpp"

#include "duckdb/main/client_context.hpp"

#include <gtest/gtest.h>

using namespace duckdb;

namespace {

CommitRetryPolicy PolicyAfter(const vector<string> &statements) {
	auto db = OpenMallardDatabase("");
	Connection con(*db);
	for (auto &sql : statements) {
		auto result = con.Query(sql);
		EXPECT_FALSE(result->HasError()) << sql << ": " << result->GetError();
	}
	return CommitRetryPolicy::FromSettings(*con.context);
}

//! A policy that retries `retries` times without waiting long.
CommitRetryPolicy Counted(idx_t retries) {
	CommitRetryPolicy policy;
	policy.max_retries = retries;
	policy.first_wait_ms = 0.01;
	return policy;
}

} // namespace

TEST(CommitRetry, UnsetSettingsKeepMallardsPolicy) {
	auto policy = PolicyAfter({});
	EXPECT_FALSE(policy.max_retries.IsValid());
	EXPECT_EQ(policy.time_limit, std::chrono::seconds(120));
	EXPECT_DOUBLE_EQ(policy.WaitMs(0), 0.5);
	EXPECT_DOUBLE_EQ(policy.WaitMs(3), 4.0);
	EXPECT_DOUBLE_EQ(policy.WaitMs(20), 100.0);
}

TEST(CommitRetry, AnyDuckLakeSettingSelectsDuckLakesPolicy) {
	auto only_count = PolicyAfter({"SET ducklake_max_retry_count = 3"});
	ASSERT_TRUE(only_count.max_retries.IsValid());
	EXPECT_EQ(only_count.max_retries.GetIndex(), 3u);
	EXPECT_DOUBLE_EQ(only_count.WaitMs(0), 100.0);
	EXPECT_DOUBLE_EQ(only_count.WaitMs(2), 225.0);

	auto only_wait = PolicyAfter({"SET ducklake_retry_wait_ms = 250", "SET ducklake_retry_backoff = 2"});
	ASSERT_TRUE(only_wait.max_retries.IsValid());
	EXPECT_EQ(only_wait.max_retries.GetIndex(), 10u);
	EXPECT_DOUBLE_EQ(only_wait.WaitMs(0), 250.0);
	EXPECT_DOUBLE_EQ(only_wait.WaitMs(3), 2000.0);

	// SET GLOBAL (every connection) counts as much as a session's SET
	auto global = PolicyAfter({"SET GLOBAL ducklake_retry_backoff = 3"});
	ASSERT_TRUE(global.max_retries.IsValid());
	EXPECT_DOUBLE_EQ(global.WaitMs(1), 300.0);

	auto reset = PolicyAfter({"SET ducklake_max_retry_count = 3", "RESET ducklake_max_retry_count"});
	EXPECT_FALSE(reset.max_retries.IsValid());
}

TEST(CommitRetry, RetriesConflictsUpToTheCount) {
	idx_t calls = 0;
	Counted(2).Run("lake", [&]() {
		if (++calls < 3) {
			throw MetadataConflictException("snapshot id taken");
		}
	});
	EXPECT_EQ(calls, 3u);
}

TEST(CommitRetry, GivesUpWithAnErrorNamingTheLakeAndTheSetting) {
	idx_t calls = 0;
	try {
		Counted(2).Run("events_lake", [&]() {
			calls++;
			throw MetadataConflictException("snapshot id taken");
		});
		FAIL() << "expected the policy to give up";
	} catch (TransactionException &ex) {
		string message = ex.what();
		EXPECT_NE(message.find("events_lake"), string::npos) << message;
		EXPECT_NE(message.find("3 attempts"), string::npos) << message;
		EXPECT_NE(message.find("ducklake_max_retry_count = 2"), string::npos) << message;
		EXPECT_NE(message.find("snapshot id taken"), string::npos) << message;
	}
	EXPECT_EQ(calls, 3u);
}

TEST(CommitRetry, OtherErrorsAreNotRetried) {
	idx_t calls = 0;
	EXPECT_THROW(Counted(5).Run("lake",
	                            [&]() {
		                            calls++;
		                            throw TransactionException("Transaction conflict: table dropped");
	                            }),
	             TransactionException);
	EXPECT_EQ(calls, 1u);
}
