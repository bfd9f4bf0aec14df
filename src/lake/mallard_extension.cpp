#include "mallard/mallard.hpp"

#include "duckdb/main/extension.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/main/config.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database_manager.hpp"
#include "duckdb/main/materialized_query_result.hpp"
#include "duckdb/parser/keyword_helper.hpp"

#include "mallard/catalog/logged_metadata_connection.hpp"
#include "mallard/catalog/postgres_secret.hpp"
#include "mallard/functions/lake_functions.hpp"
#include "mallard/lake/ducklake_secret.hpp"
#include "mallard/lake/ducklake_storage.hpp"
#include "mallard/lake/lake_settings.hpp"
#include "mallard/storage/parquet_encryption.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace duckdb {

const char *MallardVersion() {
	return "0.1.0";
}

//! Statically linked; named "ducklake" so DuckDB never tries to autoload the official extension
//! for names it knows as DuckLake's.
class MallardExtension : public Extension {
public:
	void Load(ExtensionLoader &loader) override {
		auto &db = loader.GetDatabaseInstance();
		auto &config = DBConfig::GetConfig(db);
		config.storage_extensions["ducklake"] = make_uniq<DuckLakeStorageExtension>();
		LakeSettings::Register(config);
		RegisterParquetEncryption(config);
		RegisterLakeFunctions(loader);
		RegisterDuckLakeSecret(loader);
		RegisterPostgresSecret(loader);
		RegisterMetadataLogType(db);
	}
	std::string Name() override {
		return "ducklake";
	}
};

void LoadMallard(DuckDB &db) {
	db.LoadStaticExtension<MallardExtension>();
}

void PinSettingDefaults(DBConfig &config) {
	for (idx_t i = 0; i < DBConfig::GetOptionCount(); i++) {
		auto option = DBConfig::GetOptionByIndex(i);
		if (!option || !option->default_value || config.options.set_variables.count(option->name)) {
			continue;
		}
		// What DBConfig::TryGetCurrentSetting computes for a setting never set.
		Value value;
		string error; // (without it, a default that does not cast would throw instead of being skipped)
		if (Value(option->default_value)
		        .DefaultTryCastAs(DBConfig::ParseLogicalType(option->parameter_type), value, &error)) {
			config.options.set_variables[option->name] = std::move(value);
		}
	}
}

void KeepFreedHeapMemory() {
#ifdef __GLIBC__
	static constexpr int TRIM_THRESHOLD = 64 << 20;
	static constexpr int TOP_PAD = 16 << 20;
	// glibc's largest dynamic threshold; setting the two above switched the dynamic one off, leaving
	// 128 KiB, so that every DuckDB block and buffer was mapped, faulted in and unmapped each time.
	static constexpr int MMAP_THRESHOLD = 32 << 20;
	mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
	mallopt(M_TOP_PAD, TOP_PAD);
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
#endif
}

unique_ptr<DuckDB> OpenMallardDatabase(const string &path, DBConfig *config) {
	DBConfig default_config;
	DBConfig &cfg = config ? *config : default_config;
	// Nothing can be downloaded on our machines; a missing extension must fail fast and clearly.
	cfg.options.autoinstall_known_extensions = false;
	PinSettingDefaults(cfg);
	// A lake as the database (`mallard ducklake:lake.ducklake`, as `duckdb ducklake:...` opens one):
	// DuckDB would look for the ducklake extension on disk before Mallard is loaded. Opened in memory
	// instead, with the lake attached under DuckDB's name for it and made the default.
	bool lake = StringUtil::StartsWith(StringUtil::Lower(path), "ducklake:");
	bool read_only = cfg.options.access_mode == AccessMode::READ_ONLY;
	if (lake) {
		cfg.options.access_mode = AccessMode::AUTOMATIC;
	}
	auto db = make_uniq<DuckDB>(path.empty() || lake ? nullptr : path.c_str(), &cfg);
	LoadMallard(*db);
	if (lake) {
		Connection connection(*db);
		auto attach = connection.Query("ATTACH " + KeywordHelper::WriteQuoted(path, '\'') +
		                               (read_only ? " (READ_ONLY)" : ""));
		if (attach->HasError()) {
			attach->ThrowError();
		}
		auto name = connection.Query("SELECT database_name FROM duckdb_databases() WHERE type = 'ducklake'");
		if (name->HasError() || name->RowCount() != 1) {
			throw InternalException("Opening lake %s: its attachment is not found", path);
		}
		// The default of every connection opened from now on (USE would only change this one's).
		auto lake_name = name->GetValue(0, 0).ToString();
		auto &context = *connection.context;
		context.RunFunctionInTransaction(
		    [&]() { DatabaseManager::Get(*db->instance).SetDefaultDatabase(context, lake_name); });
	}
	return db;
}

} // namespace duckdb
