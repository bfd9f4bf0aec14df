//===----------------------------------------------------------------------===//
// mallard/catalog/lake_options.hpp
//
// Lake options kept in ducklake_metadata (spec: ducklake_metadata, "scope"): set with
// lake.set_option(name, value [, schema =>, table_name =>]), listed by lake.options(). A value
// set for a table beats one set for its schema, which beats the global one, which beats the
// default.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/case_insensitive_map.hpp"
#include "duckdb/common/optional_idx.hpp"

namespace duckdb {

struct LakeOptionDefinition {
	const char *name;
	const char *description;
	//! Empty when the option has no default (it is simply not applied).
	const char *default_value;
	//! Whether the option may be set per schema or table (the others are global only).
	bool scoped;
};

//! Which object an option value belongs to.
struct LakeOptionScope {
	//! "" (global), "schema" or "table".
	string scope;
	optional_idx scope_id;
};

//! An option value set_option gave in a transaction not committed yet: its later statements see it.
struct LakeOptionSetting {
	string name;
	string value;
	LakeOptionScope scope;
	//! How options() names the scope's schema or table.
	string scope_entry;
};

struct LakeOptions {
	static const vector<LakeOptionDefinition> &Definitions();
	//! nullptr when `name` is not a lake option.
	static const LakeOptionDefinition *Find(const string &name);
	//! Checks a user's value and returns it as stored (sizes in bytes, names lower-case);
	//! InvalidInputException saying what is accepted otherwise.
	static string Normalize(const LakeOptionDefinition &option, const Value &value);

	//! Stores (replacing) an option value.
	static void Write(MetadataConnection &conn, const string &name, const string &value, const LakeOptionScope &scope);
	//! The effective values of all options for a table (or a schema, or the lake when both ids are
	//! unset): the narrowest scope set wins; options set nowhere are absent. `attach_settings` (given
	//! in ATTACH, for that attachment only) beat the lake-wide values, not schema or table ones.
	//! `pending` (the transaction's own set_option calls, in order) replace the stored value of their
	//! option and scope.
	static case_insensitive_map_t<string> ReadEffective(MetadataConnection &conn, optional_idx schema_id,
	                                                    optional_idx table_id,
	                                                    const vector<pair<string, string>> &attach_settings = {},
	                                                    const vector<LakeOptionSetting> &pending = {});
};

//! How data files of a table are written (inserts and compaction). FromOptions fills every field,
//! with the defaults of LakeOptions::Definitions() for options set nowhere.
struct DataFileWriteOptions {
	idx_t target_file_size = 0;
	string compression;
	optional_idx compression_level;
	idx_t row_group_size = 0;
	//! Inserts of at most this many rows go to the catalog's inlined-data tables (0: never).
	idx_t data_inlining_row_limit = 0;
	//! Whether the lake (any scope) or the ATTACH gave data_inlining_row_limit; if not, the setting
	//! ducklake_default_data_inlining_row_limit applies when SET (lake_settings.hpp).
	bool data_inlining_row_limit_given = false;
	//! 1 or 2: Parquet's format version (2: its newer encodings and data pages).
	idx_t parquet_version = 1;
	//! Whether a parallel insert writes one file per thread.
	bool per_thread_output = true;
	//! Whether INSERT writes a sorted table's rows in its sort order (compaction and flush always do).
	bool sort_on_insert = true;
	//! Whether a partitioned table's files go into key=value folders (never in an encrypted lake,
	//! where the folder names would show the values).
	bool hive_file_pattern = true;

	static DataFileWriteOptions FromOptions(const case_insensitive_map_t<string> &options);
};

} // namespace duckdb
