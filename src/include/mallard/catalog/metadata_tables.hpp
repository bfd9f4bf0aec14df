//===----------------------------------------------------------------------===//
// mallard/catalog/metadata_tables.hpp
//
// The catalog tables of the DuckLake specification, version 1.0: their definitions, creating
// them in a new catalog, checking them in an existing one, and migrating a catalog of an earlier
// format (0.3, what the official extension writes on DuckDB 1.4, or 0.4, its name for 1.0 before
// the release) to 1.0.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

namespace duckdb {

//! The DuckLake format version Mallard writes.
extern const char *const DUCKLAKE_FORMAT_VERSION;
//! The previous released version, which Mallard migrates on request (ATTACH ... (AUTOMATIC_MIGRATION
//! true)).
extern const char *const DUCKLAKE_PREVIOUS_FORMAT_VERSION;
//! Whether Mallard migrates a catalog of `version` to 1.0: 0.3, and 0.4 / 0.4-dev1 (DuckLake's
//! names for 1.0 before its release; the ducklake extension migrates them to 1.0 by renaming the
//! version, Mallard checks and completes the 1.0 tables and columns as it does for 0.3).
bool IsMigratableFormatVersion(const string &version);

struct MetadataColumnDefinition {
	const char *name;
	//! A column kind of MetadataConnection::ColumnType: BIGINT, VARCHAR, BOOLEAN, TIMESTAMPTZ, UUID.
	const char *kind;
	//! "PRIMARY KEY", "NOT NULL" or "".
	const char *constraint;
};

struct MetadataTableDefinition {
	const char *name;
	//! In the spec's column order: readers may select by position.
	vector<MetadataColumnDefinition> columns;
	//! The table is new in format 1.0 (absent from a 0.3 catalog).
	bool new_in_1_0;
};

//! Every catalog table of spec 1.0, in creation order (the inlined-data tables
//! ducklake_inlined_data_<table>_<version> are created per table later and are not listed).
const vector<MetadataTableDefinition> &MetadataTableDefinitions();
//! The names of those tables.
vector<string> MetadataTableNames();
//! CREATE TABLE for one catalog table in the backend's dialect.
string CreateMetadataTableStatement(MetadataConnection &conn, const MetadataTableDefinition &table);

//! Creates every spec 1.0 table and the initial rows of a new lake, in one transaction:
//! ducklake_metadata (version, created_by, data_path, encrypted, then `extra_metadata`, e.g.
//! {"data_inlining_row_limit", "10"}; "encrypted" may be given there to override 'false'),
//! snapshot 0, its change 'created_schema:"main"', and schema 0 "main" at path "main/".
//! `data_path` gets a trailing '/' when it lacks one. If another process created the tables
//! meanwhile, nothing is written: call CheckMetadataTables afterwards either way.
void InitializeMetadataTables(MetadataConnection &conn, const string &data_path,
                              const vector<pair<string, string>> &extra_metadata);

//! ducklake_metadata's 'version', or "" when the catalog has no ducklake_metadata table.
string ReadMetadataVersion(MetadataConnection &conn);

enum class MetadataTablesState : uint8_t {
	//! No DuckLake tables at all: a new catalog, to be initialized by the caller.
	EMPTY,
	//! A complete spec 1.0 catalog (possibly just migrated from 0.3 or 0.4).
	READY
};

//! Checks the catalog before it is used. Version 1.0: every table must exist, else an IOException
//! "DuckLake catalog <name> is damaged: table ducklake_x is missing" (never repaired silently).
//! A migratable version (0.3, 0.4): migrated in place when `automatic_migration` (refused when
//! read_only), else an InvalidInputException telling to ATTACH with (AUTOMATIC_MIGRATION true). Any
//! other version: an InvalidInputException naming it.
MetadataTablesState CheckMetadataTables(MetadataConnection &conn, const string &display_name, bool automatic_migration,
                                        bool read_only);

//! Migrates a catalog of a migratable version to 1.0 in one transaction (metadata_migration.cpp).
//! Safe to race with another migrator: the loser finds version 1.0 and does nothing.
void MigrateMetadataTablesTo10(MetadataConnection &conn, const string &display_name);

} // namespace duckdb
