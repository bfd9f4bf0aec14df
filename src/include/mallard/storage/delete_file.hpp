//===----------------------------------------------------------------------===//
// mallard/storage/delete_file.hpp
//
// Positional delete files (spec: ducklake_delete_file): Parquet with `file_path` VARCHAR (field id
// 2147483646) and `pos` BIGINT (field id 2147483645), one row per deleted row of one data file,
// pos strictly increasing, and `_ducklake_internal_snapshot_id` BIGINT (field id 2147483539), the
// snapshot each row was deleted in. A later delete of the same data file writes a new file holding
// every deleted position, so one file is all a reader needs at any snapshot.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

namespace duckdb {

class DatabaseInstance;

//! Sorted, distinct row positions within one data file.
using DeletePositions = vector<idx_t>;

//! `key` is the raw key an encrypted delete file is (to be) encrypted with, empty for a plain file
//! (file_encryption.hpp).
struct DeleteFiles {
	//! The positions in a delete file deleted at or before `snapshot_id`. Delete files never change
	//! once written, so they are read once per process and cached (bounded). A file whose rows carry
	//! the snapshot that deleted them may hold later deletes than a reader at an older snapshot
	//! sees: DuckLake's repeated deletes write one file from the first delete's snapshot on, holding
	//! every later position too (its catalog row starts at the earliest of them).
	static shared_ptr<const DeletePositions> Read(DatabaseInstance &db, const string &path, const string &key,
	                                              idx_t snapshot_id);
	//! The positions in a delete file with the snapshot each was deleted in; files without that
	//! column (older writers) deleted all their positions at `file_snapshot`.
	static vector<pair<idx_t, idx_t>> ReadWithSnapshots(DatabaseInstance &db, const string &path, const string &key,
	                                                    idx_t file_snapshot);
	//! Whether the rows of a delete file carry the snapshot that deleted them (what Mallard and
	//! DuckLake 1.0 write); read through the same cache as Read.
	static bool HasRowSnapshots(DatabaseInstance &db, const string &path, const string &key);
	//! Writes the (position, snapshot) rows, sorted by distinct position, as a delete file of
	//! `data_file_path` at `path`, and returns its size, footer size, count and key (the id and
	//! path are the caller's).
	static DeleteFileInfo Write(DatabaseInstance &db, const string &data_file_path, const string &path,
	                            const string &key, const vector<pair<idx_t, idx_t>> &rows);
	//! A new delete file's name: ducklake-<uuid>-delete.parquet.
	static string NewFileName();
	//! Merges two sorted, distinct position lists.
	static DeletePositions Union(const DeletePositions &a, const DeletePositions &b);
};

} // namespace duckdb
