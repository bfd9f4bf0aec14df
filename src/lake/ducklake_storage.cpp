#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/lake/ducklake_storage.hpp"

#include "mallard/catalog/postgres_secret.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_secret.hpp"
#include "mallard/lake/ducklake_transaction_manager.hpp"

#include "duckdb/main/attached_database.hpp"
#include "duckdb/parser/parsed_data/attach_info.hpp"

namespace duckdb {

namespace {

const char *SUPPORTED_OPTIONS = "DATA_PATH, READ_ONLY, METADATA_SCHEMA, SNAPSHOT_VERSION, SNAPSHOT_TIME, "
                                "DATA_INLINING_ROW_LIMIT, AUTOMATIC_MIGRATION, ENCRYPTED, OVERRIDE_DATA_PATH, "
                                "CREATE_IF_NOT_EXISTS, METADATA_CATALOG";

bool BooleanOption(const string &name, const Value &value) {
	Value result;
	if (!TryCastValue(value, LogicalType::BOOLEAN, result) || result.IsNull()) {
		throw InvalidInputException("%s must be true or false, got '%s'", name, value.ToString());
	}
	return BooleanValue::Get(result);
}

DuckLakeOptions ParseOptions(const string &path, AttachOptions &attach_options) {
	DuckLakeOptions options;
	options.location = MetadataLocation::Parse(path);
	options.read_only = attach_options.access_mode == AccessMode::READ_ONLY;
	for (auto &entry : attach_options.options) {
		auto key = StringUtil::Lower(entry.first);
		auto &value = entry.second;
		if (key == "data_path") {
			options.data_path = value.ToString();
		} else if (key == "metadata_schema") {
			options.location.metadata_schema = value.ToString();
		} else if (key == "snapshot_version") {
			Value version;
			if (!TryCastValue(value, LogicalType::UBIGINT, version)) {
				throw InvalidInputException("SNAPSHOT_VERSION must be a snapshot id, got '%s'", value.ToString());
			}
			options.snapshot_version = version.GetValue<uint64_t>();
		} else if (key == "snapshot_time") {
			Value ts;
			if (!TryCastValue(value, LogicalType::TIMESTAMP_TZ, ts)) {
				throw InvalidInputException("SNAPSHOT_TIME must be a timestamp, got '%s'", value.ToString());
			}
			options.snapshot_time = Timestamp::ToString(timestamp_t(ts.GetValue<timestamp_tz_t>().value)) + "+00";
		} else if (key == "data_inlining_row_limit") {
			Value limit;
			if (!TryCastValue(value, LogicalType::UBIGINT, limit)) {
				throw InvalidInputException("DATA_INLINING_ROW_LIMIT must be a non-negative integer, got '%s'",
				                            value.ToString());
			}
			options.metadata_settings.emplace_back("data_inlining_row_limit", limit.ToString());
		} else if (key == "encrypted") {
			options.encryption =
			    BooleanOption("ENCRYPTED", value) ? LakeEncryption::ENCRYPTED : LakeEncryption::UNENCRYPTED;
		} else if (key == "override_data_path") {
			options.override_data_path = BooleanOption("OVERRIDE_DATA_PATH", value);
		} else if (key == "create_if_not_exists") {
			options.create_if_not_exists = BooleanOption("CREATE_IF_NOT_EXISTS", value);
		} else if (key == "automatic_migration") {
			options.automatic_migration = BooleanOption("AUTOMATIC_MIGRATION", value);
		} else if (key == "metadata_catalog") {
			// DuckLake's name for the catalog database it attaches beside the lake: here the name of
			// the read-only view of the catalog's tables (Mallard talks to the catalog database itself).
			options.metadata_catalog = value.ToString();
			if (options.metadata_catalog.empty()) {
				throw BinderException("ATTACH option METADATA_CATALOG needs a database name");
			}
		} else {
			throw BinderException("Unknown option \"%s\" for ATTACH 'ducklake:%s': supported options are %s",
			                      entry.first, path, SUPPORTED_OPTIONS);
		}
	}
	if (options.snapshot_version.IsValid() && !options.snapshot_time.empty()) {
		throw BinderException("ATTACH 'ducklake:%s': give SNAPSHOT_VERSION or SNAPSHOT_TIME, not both", path);
	}
	if (options.snapshot_version.IsValid() || !options.snapshot_time.empty()) {
		// A lake attached at a past snapshot is a view of history: it cannot be written.
		options.read_only = true;
		attach_options.access_mode = AccessMode::READ_ONLY;
	}
	// METADATA_SCHEMA works on DuckDB-file and PostgreSQL catalogs; the SQLite connection refuses
	// it itself, naming the catalog (SQLite has no schemas).
	return options;
}

unique_ptr<Catalog> DuckLakeAttach(optional_ptr<StorageExtensionInfo> storage_info, ClientContext &context,
                                   AttachedDatabase &db, const string &name, AttachInfo &info,
                                   AttachOptions &attach_options) {
	auto target = ResolveLakeAttach(context, info.path, attach_options.options);
	auto options = ParseOptions(target.path, attach_options);
	if (options.location.type == MetadataBackendType::POSTGRES) {
		options.location.target = CompletePostgresConninfo(context, options.location.target, target.postgres_secret,
		                                                   target.postgres_parameters);
	}
	if (options.read_only) {
		// DuckDB decided the database's access mode before calling us; a lake attached at a past
		// snapshot is read-only too, and DuckDB should refuse writes when binding them, not at commit.
		db.SetReadOnlyDatabase();
	}
	return make_uniq<DuckLakeCatalog>(db, std::move(options));
}

unique_ptr<TransactionManager> DuckLakeCreateTransactionManager(optional_ptr<StorageExtensionInfo> storage_info,
                                                                AttachedDatabase &db, Catalog &catalog) {
	return make_uniq<DuckLakeTransactionManager>(db, catalog.Cast<DuckLakeCatalog>());
}

} // namespace

DuckLakeStorageExtension::DuckLakeStorageExtension() {
	attach = DuckLakeAttach;
	create_transaction_manager = DuckLakeCreateTransactionManager;
}

} // namespace duckdb
