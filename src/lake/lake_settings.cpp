#include "mallard/lake/lake_settings.hpp"

#include "duckdb/main/client_config.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/config.hpp"

namespace duckdb {

constexpr const char *LakeSettings::MAX_RETRY_COUNT;
constexpr const char *LakeSettings::RETRY_WAIT_MS;
constexpr const char *LakeSettings::RETRY_BACKOFF;
constexpr const char *LakeSettings::DEFAULT_INLINING_ROW_LIMIT;

void LakeSettings::Register(DBConfig &config) {
	config.AddExtensionOption(MAX_RETRY_COUNT,
	                          "Retries of a lake commit that collided with another writer's (unset: Mallard retries "
	                          "for up to 120 s)",
	                          LogicalType::UBIGINT, Value(LogicalType::UBIGINT));
	config.AddExtensionOption(RETRY_WAIT_MS, "Milliseconds before the first retry of a lake commit (DuckLake's policy)",
	                          LogicalType::UBIGINT, Value(LogicalType::UBIGINT));
	config.AddExtensionOption(RETRY_BACKOFF, "Factor by which the wait between lake commit retries grows",
	                          LogicalType::DOUBLE, Value(LogicalType::DOUBLE));
	config.AddExtensionOption(DEFAULT_INLINING_ROW_LIMIT,
	                          "Maximum rows an insert inlines into a lake that stores no data_inlining_row_limit and "
	                          "was attached without DATA_INLINING_ROW_LIMIT (unset: 10)",
	                          LogicalType::UBIGINT, Value(LogicalType::UBIGINT));
}

Value LakeSettings::Get(ClientContext &context, const char *name) {
	// Looked up where SET keeps it, session first: ClientContext::TryGetCurrentSetting would first
	// search DuckDB's built-in options by name, twice, and these are read at every commit or insert.
	auto &session = ClientConfig::GetConfig(context).set_variables;
	auto entry = session.find(name);
	if (entry != session.end()) {
		return entry->second;
	}
	auto &global = DBConfig::GetConfig(context).options.set_variables;
	entry = global.find(name);
	return entry == global.end() ? Value() : entry->second;
}

} // namespace duckdb
