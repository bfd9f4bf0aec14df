#include "mallard/lake/commit_retry.hpp"

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/exception.hpp"
#include "duckdb/common/random_engine.hpp"
#include "duckdb/main/client_config.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/config.hpp"

#include <cmath>
#include <thread>

namespace duckdb {

namespace {

const char *const MAX_RETRY_COUNT = "ducklake_max_retry_count";
const char *const RETRY_WAIT_MS = "ducklake_retry_wait_ms";
const char *const RETRY_BACKOFF = "ducklake_retry_backoff";

//! The setting's value, or NULL while neither the session nor the database has set it. Looked up
//! where SET keeps it, session first: ClientContext::TryGetCurrentSetting would first search DuckDB's
//! built-in options by name, twice, and these are read at every commit.
Value Setting(ClientContext &context, const char *name) {
	auto &session = ClientConfig::GetConfig(context).set_variables;
	auto entry = session.find(name);
	if (entry != session.end()) {
		return entry->second;
	}
	auto &global = DBConfig::GetConfig(context).options.set_variables;
	entry = global.find(name);
	return entry == global.end() ? Value() : entry->second;
}

} // namespace

CommitRetryPolicy CommitRetryPolicy::FromSettings(ClientContext &context) {
	auto count = Setting(context, MAX_RETRY_COUNT);
	auto wait = Setting(context, RETRY_WAIT_MS);
	auto backoff = Setting(context, RETRY_BACKOFF);
	CommitRetryPolicy policy;
	if (count.IsNull() && wait.IsNull() && backoff.IsNull()) {
		return policy;
	}
	// DuckLake's policy and defaults: a count of retries, not a time limit, and no cap on the wait.
	policy.max_retries = count.IsNull() ? 10 : count.GetValue<uint64_t>();
	policy.first_wait_ms = wait.IsNull() ? 100.0 : double(wait.GetValue<uint64_t>());
	policy.backoff = backoff.IsNull() ? 1.5 : backoff.GetValue<double>();
	policy.max_wait_ms = std::numeric_limits<double>::infinity();
	return policy;
}

double CommitRetryPolicy::WaitMs(idx_t retry) const {
	// (pow, not a loop: a large retry count must not take long to compute its wait.)
	return MinValue<double>(max_wait_ms, first_wait_ms * std::pow(backoff, double(retry)));
}

void CommitRetryPolicy::Run(const string &lake_name, const std::function<void()> &attempt) const {
	RandomEngine random;
	auto start = std::chrono::steady_clock::now();
	for (idx_t retry = 0;; retry++) {
		try {
			attempt();
			return;
		} catch (MetadataConflictException &ex) {
			// Another writer took the snapshot id this one wanted: wait a little and try again on top of it.
			if (max_retries.IsValid() ? retry >= max_retries.GetIndex()
			                          : std::chrono::steady_clock::now() - start > time_limit) {
				auto limit = max_retries.IsValid()
				                 ? StringUtil::Format("%s = %llu", MAX_RETRY_COUNT, max_retries.GetIndex())
				                 : StringUtil::Format("%llu s", idx_t(time_limit.count() / 1000));
				throw TransactionException("Could not commit to lake \"%s\" after %llu attempts (%s): other writers "
				                           "kept committing first (%s)",
				                           lake_name, retry + 1, limit, ex.what());
			}
			// (At most an hour: a huge backoff must not overflow the conversion.)
			auto wait_us = MinValue<double>(3.6e9, WaitMs(retry) * 1000.0 * (0.5 + random.NextRandom()));
			std::this_thread::sleep_for(std::chrono::microseconds(int64_t(MaxValue<double>(0.0, wait_us))));
		}
	}
}

void RegisterCommitRetrySettings(DBConfig &config) {
	config.AddExtensionOption(MAX_RETRY_COUNT,
	                          "Retries of a lake commit that collided with another writer's (unset: Mallard retries "
	                          "for up to 120 s)",
	                          LogicalType::UBIGINT, Value(LogicalType::UBIGINT));
	config.AddExtensionOption(RETRY_WAIT_MS, "Milliseconds before the first retry of a lake commit (DuckLake's policy)",
	                          LogicalType::UBIGINT, Value(LogicalType::UBIGINT));
	config.AddExtensionOption(RETRY_BACKOFF, "Factor by which the wait between lake commit retries grows",
	                          LogicalType::DOUBLE, Value(LogicalType::DOUBLE));
}

} // namespace duckdb
