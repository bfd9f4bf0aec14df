#include "mallard/catalog/lake_options.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/common/types/interval.hpp"
#include "duckdb/main/config.hpp"

#include <functional>

namespace duckdb {

const vector<LakeOptionDefinition> &LakeOptions::Definitions() {
	static const vector<LakeOptionDefinition> DEFINITIONS = {
	    {"target_file_size", "The target data file size for insertion and compaction operations", "536870912", true},
	    {"parquet_compression",
	     "Compression algorithm for Parquet files (uncompressed, snappy, gzip, zstd, brotli, lz4, lz4_raw)", "snappy",
	     true},
	    {"parquet_compression_level", "Compression level for Parquet files (zstd)", "", true},
	    {"parquet_row_group_size", "Number of rows per row group in Parquet files", "122880", true},
	    {"parquet_version", "Parquet format version (1 or 2)", "1", true},
	    {"per_thread_output",
	     "Whether a parallel insert writes a file per thread (false: one stream of files, each up to "
	     "target_file_size)",
	     "true", true},
	    {"data_inlining_row_limit", "Maximum amount of rows to inline in a single insert", "10", true},
	    {"sort_on_insert", "Whether INSERT sorts data by the table's SET SORTED BY order before writing Parquet files",
	     "true", true},
	    {"hive_file_pattern", "Whether partitioned data is written in Hive-style folders (key=value/)", "true", true},
	    {"expire_older_than", "How old snapshots must be to be expired by CHECKPOINT (an interval)", "", false},
	    {"delete_older_than",
	     "How long files stay scheduled for deletion (or orphaned) before CHECKPOINT deletes them (an interval)", "",
	     false},
	    {"require_commit_message", "Whether every commit needs a commit message (set_commit_message)", "false", false},
	    {"rewrite_delete_threshold",
	     "Fraction of deleted rows (0...1) from which ducklake_rewrite_data_files rewrites a data file", "0.95", true},
	    {"compaction_schema", "The schema CHECKPOINT flushes, merges and rewrites (all schemas when unset)", "", false},
	    {"compaction_table", "The table CHECKPOINT flushes, merges and rewrites (all tables when unset)", "", false},
	    {"auto_compact",
	     "Whether ducklake_merge_adjacent_files and ducklake_flush_inlined_data (and so CHECKPOINT) act on the table",
	     "true", true},
	};
	return DEFINITIONS;
}

const LakeOptionDefinition *LakeOptions::Find(const string &name) {
	auto lower = StringUtil::Lower(name);
	for (auto &option : Definitions()) {
		if (lower == option.name) {
			return &option;
		}
	}
	return nullptr;
}

string LakeOptions::Normalize(const LakeOptionDefinition &option, const Value &value) {
	if (value.IsNull()) {
		throw InvalidInputException("Option \"%s\" cannot be set to NULL", option.name);
	}
	string name = option.name;
	auto text = value.ToString();
	StringUtil::Trim(text);
	auto positive_integer = [&](idx_t minimum) {
		Value number;
		string error;
		if (!Value(text).DefaultTryCastAs(LogicalType::UBIGINT, number, &error) ||
		    number.GetValue<uint64_t>() < minimum) {
			throw InvalidInputException("Option \"%s\" needs an integer of at least %llu, not \"%s\"", name, minimum,
			                            text);
		}
		return std::to_string(number.GetValue<uint64_t>());
	};
	if (name == "target_file_size") {
		// Plain bytes or a size such as '64MB'.
		Value number;
		string error;
		if (Value(text).DefaultTryCastAs(LogicalType::UBIGINT, number, &error)) {
			if (number.GetValue<uint64_t>() == 0) {
				throw InvalidInputException("Option \"target_file_size\" must be larger than 0");
			}
			return std::to_string(number.GetValue<uint64_t>());
		}
		try {
			auto bytes = DBConfig::ParseMemoryLimit(text);
			if (bytes == 0 || bytes == DConstants::INVALID_INDEX) {
				throw InvalidInputException("zero");
			}
			return std::to_string(bytes);
		} catch (std::exception &) {
			throw InvalidInputException("Option \"target_file_size\" needs a size in bytes or with a unit (e.g. "
			                            "'64MB'), not \"%s\"",
			                            text);
		}
	}
	if (name == "parquet_compression") {
		auto lower = StringUtil::Lower(text);
		static const char *CODECS[] = {"uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4", "lz4_raw"};
		for (auto codec : CODECS) {
			if (lower == codec) {
				return lower;
			}
		}
		throw InvalidInputException("Option \"parquet_compression\" must be one of uncompressed, snappy, gzip, zstd, "
		                            "brotli, lz4, lz4_raw; not \"%s\"",
		                            text);
	}
	if (name == "parquet_compression_level") {
		Value number;
		string error;
		if (!Value(text).DefaultTryCastAs(LogicalType::BIGINT, number, &error) || number.GetValue<int64_t>() < 1 ||
		    number.GetValue<int64_t>() > 22) {
			throw InvalidInputException("Option \"parquet_compression_level\" needs an integer from 1 to 22 (zstd), "
			                            "not \"%s\"",
			                            text);
		}
		return std::to_string(number.GetValue<int64_t>());
	}
	if (name == "parquet_row_group_size") {
		return positive_integer(1);
	}
	if (name == "data_inlining_row_limit") {
		return positive_integer(0);
	}
	if (name == "expire_older_than" || name == "delete_older_than") {
		interval_t interval;
		string error;
		if (!Interval::FromCString(text.c_str(), text.size(), interval, &error, false) ||
		    Interval::GetMicro(interval) < 0) {
			throw InvalidInputException("Option \"%s\" needs a non-negative interval such as '1 week', not \"%s\"",
			                            name, text);
		}
		return text;
	}
	if (name == "rewrite_delete_threshold") {
		Value number;
		string error;
		if (!Value(text).DefaultTryCastAs(LogicalType::DOUBLE, number, &error) || !(number.GetValue<double>() >= 0) ||
		    number.GetValue<double>() > 1) {
			throw InvalidInputException("Option \"rewrite_delete_threshold\" needs a fraction from 0 to 1, not \"%s\"",
			                            text);
		}
		return text;
	}
	if (name == "parquet_version") {
		auto lower = StringUtil::Lower(text);
		if (lower == "1" || lower == "v1" || lower == "2" || lower == "v2") {
			return lower.substr(lower.size() - 1);
		}
		throw InvalidInputException("Option \"parquet_version\" must be 1 or 2, not \"%s\"", text);
	}
	if (name == "require_commit_message" || name == "per_thread_output" || name == "sort_on_insert" ||
	    name == "hive_file_pattern" || name == "auto_compact") {
		Value flag;
		string error;
		if (!Value(text).DefaultTryCastAs(LogicalType::BOOLEAN, flag, &error)) {
			throw InvalidInputException("Option \"%s\" needs true or false, not \"%s\"", name, text);
		}
		return flag.GetValue<bool>() ? "true" : "false";
	}
	return text;
}

void LakeOptions::Write(MetadataConnection &conn, const string &name, const string &value,
                        const LakeOptionScope &scope) {
	auto table = conn.Table("ducklake_metadata");
	string scope_sql = scope.scope.empty() ? "NULL" : MetadataConnection::Literal(scope.scope);
	string scope_id_sql = scope.scope_id.IsValid() ? std::to_string(scope.scope_id.GetIndex()) : "NULL";
	string where = "key = " + MetadataConnection::Literal(name) + " AND " +
	               (scope.scope.empty() ? "scope IS NULL" : "scope = " + scope_sql) + " AND " +
	               (scope.scope_id.IsValid() ? "scope_id = " + scope_id_sql : "scope_id IS NULL");
	conn.Execute("DELETE FROM " + table + " WHERE " + where + "; INSERT INTO " + table +
	             " (key, value, scope, scope_id) VALUES (" + MetadataConnection::Literal(name) + ", " +
	             MetadataConnection::Literal(value) + ", " + scope_sql + ", " + scope_id_sql + ")");
}

case_insensitive_map_t<string> LakeOptions::ReadEffective(MetadataConnection &conn, optional_idx schema_id,
                                                         optional_idx table_id,
                                                         const vector<pair<string, string>> &attach_settings,
                                                         const vector<LakeOptionSetting> &pending) {
	// The whole table, a few rows, chosen here: a scan on a DuckDB file, where a statement is planned
	// for milliseconds (each new process's first write read the options twice that way).
	auto rows = conn.Scan(CatalogScan("ducklake_metadata", {"key", "value", "scope", "scope_id"}));
	case_insensitive_map_t<string> result;
	// 0: lake-wide, 1: given in ATTACH, 2: schema, 3: table.
	case_insensitive_map_t<int> rank;
	for (auto &setting : attach_settings) {
		rank[setting.first] = 1;
		result[setting.first] = setting.second;
	}
	// A value of `key` set at `scope`: taken when no narrower scope gave one (`replaces`: nor the same).
	auto consider = [&](const string &key, const string &scope, optional_idx scope_id, const string &value,
	                    bool replaces) {
		auto option = Find(key);
		if (!option || key != option->name) {
			return;
		}
		int level = 0;
		if (!scope.empty()) {
			// Only the scopes of this schema and table count.
			auto wanted = scope == "schema" ? schema_id : scope == "table" ? table_id : optional_idx();
			if (!wanted.IsValid() || !scope_id.IsValid() || scope_id.GetIndex() != wanted.GetIndex()) {
				return;
			}
			level = scope == "schema" ? 2 : 3;
		}
		auto existing = rank.find(key);
		if (existing == rank.end() || existing->second < level || (replaces && existing->second == level)) {
			rank[key] = level;
			result[key] = value;
		}
	};
	for (auto &data : rows->Chunks()) {
		CatalogChunk chunk(data);
		for (idx_t row = 0; row < chunk.size(); row++) {
			if (chunk.IsNull(0, row) || chunk.IsNull(1, row)) {
				continue;
			}
			consider(chunk.GetString(0, row), chunk.IsNull(2, row) ? string() : chunk.GetString(2, row),
			         chunk.GetOptionalId(3, row), chunk.GetString(1, row), false);
		}
	}
	for (auto &setting : pending) {
		consider(setting.name, setting.scope.scope, setting.scope.scope_id, setting.value, true);
	}
	return result;
}

DataFileWriteOptions DataFileWriteOptions::FromOptions(const case_insensitive_map_t<string> &options) {
	DataFileWriteOptions result;
	// Each option: its value, else its default in Definitions() (the one place defaults are written).
	// Values were checked when set; one that does not parse (a hand-edited catalog) counts as unset.
	auto apply = [&](const char *name, const std::function<void(const string &)> &set) {
		auto entry = options.find(name);
		if (entry != options.end()) {
			try {
				set(entry->second);
				return;
			} catch (std::exception &) {
			}
		}
		auto definition = LakeOptions::Find(name);
		if (definition && definition->default_value[0] != '\0') {
			set(definition->default_value);
		}
	};
	apply("target_file_size", [&](const string &value) { result.target_file_size = std::stoull(value); });
	apply("parquet_compression", [&](const string &value) { result.compression = value; });
	apply("parquet_compression_level", [&](const string &value) { result.compression_level = std::stoull(value); });
	apply("parquet_row_group_size",
	      [&](const string &value) { result.row_group_size = MaxValue<idx_t>(1, std::stoull(value)); });
	apply("data_inlining_row_limit", [&](const string &value) { result.data_inlining_row_limit = std::stoull(value); });
	result.data_inlining_row_limit_given = options.find("data_inlining_row_limit") != options.end();
	apply("parquet_version", [&](const string &value) { result.parquet_version = std::stoull(value); });
	apply("per_thread_output", [&](const string &value) { result.per_thread_output = value == "true"; });
	apply("sort_on_insert", [&](const string &value) { result.sort_on_insert = value == "true"; });
	apply("hive_file_pattern", [&](const string &value) { result.hive_file_pattern = value == "true"; });
	return result;
}

} // namespace duckdb
