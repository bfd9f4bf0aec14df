//===----------------------------------------------------------------------===//
// mallard/scan/partial_file_rows.hpp
//
// A partial data file (DataFileInfo::partial_max) holds rows of several snapshots, each with the
// snapshot that inserted it (`_ducklake_internal_snapshot_id`). A scan at an older snapshot hides
// the rows inserted after it the way it hides deleted rows: by position, in the delete filter.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/storage/delete_file.hpp"

namespace duckdb {

class DatabaseInstance;

struct PartialFileRows {
	//! The positions of the rows of data file `path` (encrypted with `key`, empty for a plain file)
	//! inserted after `snapshot_id`. Data files never change once written, so the snapshot of each
	//! row is read once per process and cached (bounded), as runs of equal snapshots.
	static shared_ptr<const DeletePositions> InsertedAfter(DatabaseInstance &db, const string &path, const string &key,
	                                                       idx_t snapshot_id);
};

} // namespace duckdb
