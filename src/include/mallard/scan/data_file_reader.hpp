//===----------------------------------------------------------------------===//
// mallard/scan/data_file_reader.hpp
//
// Reading data files outside a table scan: compaction, rewrites and the change feed read given
// files in SQL. read_parquet's `schema` argument maps only top-level columns by field id; the
// fields inside a struct, list or map would be matched by name, so a renamed field read as NULL
// and a field added with a default lost it, and merging files rewrote those values for good. The
// function mallard_read_data_files is DuckDB's parquet_scan with the reader of a lake scan's
// columns (ducklake_scan.hpp): every column and nested field by field id, with its initial default.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/name_mapping.hpp"

namespace duckdb {

class ExtensionLoader;

//! `mallard_read_data_files(<files>, lake_columns = ...)`: reads `files` (a SQL string: one quoted
//! path or a list of them) mapped to `columns` by field id, the columns named name_prefix0,
//! name_prefix1, ... (no clash with the virtual columns filename and file_row_number, whatever the
//! table's column names), plus _ducklake_internal_row_id (NULL when a file has no row ids) and
//! _ducklake_internal_snapshot_id (the snapshot that inserted the row, NULL when a file has none:
//! DataFileInfo::partial_max).
//! Columns of aliased types (JSON) are read as their storage type.
//! Files in `mapped` (full path -> mapping) have no field ids and are read through their column
//! name mapping (name_mapped_columns.hpp). Files in `encrypted` (full path -> key) are encrypted
//! with that key (file_encryption.hpp); several files may each have their own.
using NameMappedFiles = unordered_map<string, shared_ptr<const NameMapping>>;
using EncryptedFiles = unordered_map<string, string>;
string DataFileRead(const string &files, const vector<LakeColumnInfo> &columns, const string &name_prefix,
                    const NameMappedFiles &mapped = NameMappedFiles(),
                    const EncryptedFiles &encrypted = EncryptedFiles());

void RegisterDataFileReader(ExtensionLoader &loader);

} // namespace duckdb
