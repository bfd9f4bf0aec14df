//===----------------------------------------------------------------------===//
// mallard/storage/lake_paths.hpp
//
// The one place that turns catalog paths into file system paths and names into folders.
// Spec: a file path is relative to its table's path, which is relative to its schema's path,
// which is relative to data_path, unless path_is_relative is false.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"

namespace duckdb {

class FileSystem;

struct LakePaths {
	//! data_path as stored: always ends in '/'.
	static string NormalizeDataPath(const string &path);
	//! Whether two data paths name the same folder: a local path is taken relative to the working
	//! directory, without "." and ".." steps; a URL (s3://...) only equals itself.
	static bool SameDataPath(const string &a, const string &b);
	//! `base` + `path` when relative, else `path`.
	static string Resolve(const string &base, const string &path, bool path_is_relative);
	//! The folder (ending in '/') a schema or table named `name` gets. A name that could place files
	//! outside its parent (a '/', '\', "..", a leading dot, control characters, or empty) gets a
	//! generated name from `fallback_uuid` instead.
	static string FolderName(const string &name, const string &fallback_uuid);
	//! A new data file's name: ducklake-<uuid>.parquet.
	static string NewDataFileName();
	//! Makes `folder` and any missing parents, as a table's files need it before one is written: a
	//! table whose files all came from ducklake_add_data_files, or whose rows are all inlined, has
	//! none yet. One check when it exists (small writes are frequent).
	static void CreateFolder(FileSystem &fs, const string &folder);
};

} // namespace duckdb
