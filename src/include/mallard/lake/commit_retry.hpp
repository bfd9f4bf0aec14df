//===----------------------------------------------------------------------===//
// mallard/lake/commit_retry.hpp
//
// How a commit that lost the race for the next snapshot id is retried. Mallard's own policy keeps
// retrying for up to 120 s with short jittered waits, so that concurrent inserts always land. A
// connection that SETs any of DuckLake's settings (ducklake_max_retry_count, ducklake_retry_wait_ms,
// ducklake_retry_backoff) gets DuckLake's policy instead, with DuckLake's defaults (10 retries,
// 100 ms, a factor of 1.5) for the ones it did not set: scripts written for DuckLake behave alike.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/optional_idx.hpp"

#include <chrono>
#include <functional>

namespace duckdb {

class ClientContext;

struct CommitRetryPolicy {
	//! Retries after the first attempt; invalid: as many as `time_limit` allows (which only counts
	//! then).
	optional_idx max_retries;
	//! The wait before the first retry; each later one is `backoff` times the one before, at most
	//! `max_wait_ms`. Every wait is then jittered to between half and one and a half of itself, so
	//! that writers that collided do not collide again.
	double first_wait_ms = 0.5;
	double backoff = 2.0;
	double max_wait_ms = 100.0;
	std::chrono::milliseconds time_limit {120000};

	//! The policy of the connection's settings.
	static CommitRetryPolicy FromSettings(ClientContext &context);
	//! The wait before retry number `retry` (0 is the first), before jitter.
	double WaitMs(idx_t retry) const;
	//! Runs `attempt` until it does not throw MetadataConflictException; when the policy gives up,
	//! throws a TransactionException that names the lake, the attempts and the last conflict.
	void Run(const string &lake_name, const std::function<void()> &attempt) const;
};

} // namespace duckdb
