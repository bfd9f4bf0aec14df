//===----------------------------------------------------------------------===//
// mallard/storage/lake_table_folders.hpp
//
// The folder of every table the catalog still has rows for (also dropped ones), so maintenance can
// turn any data or delete file row into a file system path with LakePaths::Resolve.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/unordered_map.hpp"

namespace duckdb {

struct LakeTableFolders {
	//! table_id -> folder ending in '/'.
	static unordered_map<idx_t, string> Read(MetadataConnection &conn, const string &data_path);
	//! A file's full path as ducklake_files_scheduled_for_deletion stores it: relative to data_path
	//! when it lies below it.
	static pair<string, bool> RelativeToDataPath(const string &full_path, const string &data_path);
};

} // namespace duckdb
