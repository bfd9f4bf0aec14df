#include "mallard/lake/commit_retry.hpp"

#include "mallard/catalog/metadata_store.hpp"
#include "mallard/lake/lake_settings.hpp"

#include "duckdb/common/exception.hpp"
#include "duckdb/common/random_engine.hpp"

#include <cmath>
#include <thread>

namespace duckdb {


CommitRetryPolicy CommitRetryPolicy::FromSettings(ClientContext &context) {
	auto count = LakeSettings::Get(context, LakeSettings::MAX_RETRY_COUNT);
	auto wait = LakeSettings::Get(context, LakeSettings::RETRY_WAIT_MS);
	auto backoff = LakeSettings::Get(context, LakeSettings::RETRY_BACKOFF);
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
				auto limit =
				    max_retries.IsValid()
				        ? StringUtil::Format("%s = %llu", LakeSettings::MAX_RETRY_COUNT, max_retries.GetIndex())
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

} // namespace duckdb
