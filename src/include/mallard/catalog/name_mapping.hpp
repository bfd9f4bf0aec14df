//===----------------------------------------------------------------------===//
// mallard/catalog/name_mapping.hpp
//
// Column name mappings (spec: ducklake_column_mapping, ducklake_name_mapping). A Parquet file
// registered without field ids (ducklake_add_data_files) points at a mapping through its data
// file row's mapping_id; the mapping says which field of the file, by name, holds which lake
// column (target_field_id = column_id), nested fields under their parent's entry, and which
// columns come from the file's Hive path instead (is_partition).
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/optional_idx.hpp"
#include "duckdb/common/unordered_map.hpp"

namespace duckdb {

class MetadataConnection;

//! One entry of a mapping: a field of the file and the lake column (or nested field) it holds.
struct NameMapEntry {
	//! The entry's id inside its mapping (ducklake_name_mapping.column_id; parent_column refers to it).
	idx_t entry_id = 0;
	//! The field's name in the file; for a partition entry, the Hive key in the file's path.
	string source_name;
	//! The lake column_id (= field id) the field holds.
	idx_t target_field_id = 0;
	bool is_partition = false;
	vector<NameMapEntry> children;
};

struct NameMapping {
	idx_t mapping_id = 0;
	idx_t table_id = 0;
	vector<NameMapEntry> columns;
};

using NameMappingMap = unordered_map<idx_t, shared_ptr<const NameMapping>>;

//! An entry with its parent's entry id (none at the top level), as the catalog stores it.
struct FlatNameMapEntry {
	NameMapEntry entry;
	optional_idx parent;
};

struct NameMappings {
	//! The only mapping type of the spec.
	static constexpr const char *MAP_BY_NAME = "map_by_name";

	//! The mappings with these ids. Throws NotImplementedException for a mapping type other than
	//! map_by_name and InvalidInputException for an id the catalog does not have.
	static NameMappingMap Read(MetadataConnection &conn, const vector<idx_t> &mapping_ids);
	//! The entries as rows, parents first, and back as a tree.
	static vector<FlatNameMapEntry> Flatten(const vector<NameMapEntry> &entries);
	static vector<NameMapEntry> Nest(const vector<FlatNameMapEntry> &entries);
	//! The SQL statements that store `mapping` (its mapping_id and entry ids already assigned).
	static vector<string> InsertStatements(MetadataConnection &conn, const NameMapping &mapping);
};

} // namespace duckdb
