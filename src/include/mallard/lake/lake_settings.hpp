//===----------------------------------------------------------------------===//
// mallard/lake/lake_settings.hpp
//
// The DuckDB settings DuckLake defines (SET ducklake_...), which scripts written for DuckLake use:
// declared at start-up, unset (NULL) until SET, and read where they apply (commit_retry.hpp, the
// insert's inlining limit).
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/types/value.hpp"

namespace duckdb {

class ClientContext;
class DBConfig;

struct LakeSettings {
	//! Commit retries (commit_retry.hpp).
	static constexpr const char *MAX_RETRY_COUNT = "ducklake_max_retry_count";
	static constexpr const char *RETRY_WAIT_MS = "ducklake_retry_wait_ms";
	static constexpr const char *RETRY_BACKOFF = "ducklake_retry_backoff";
	//! The data_inlining_row_limit of lakes that store none and were attached without one.
	static constexpr const char *DEFAULT_INLINING_ROW_LIMIT = "ducklake_default_data_inlining_row_limit";

	static void Register(DBConfig &config);
	//! The setting's value, or NULL while neither the session nor the database has set it.
	static Value Get(ClientContext &context, const char *name);
};

} // namespace duckdb
