//===----------------------------------------------------------------------===//
// mallard/functions/file_changes.hpp
//
// The change feed of data files (spec: data and delete files carry the snapshots that added
// them), from the catalog and the files alone:
// - a row of a data file is inserted at the file's begin_snapshot, or at its own snapshot in a
//   partial file (DataFileInfo::partial_max);
// - a position of a delete file is deleted at its own snapshot when the file's rows carry one,
//   else at the first snapshot a delete file of that data file held it; DuckLake's inlined file
//   deletes are deleted at their begin_snapshot;
// - the rows of a data file ended in the range that were not deleted before are deleted then;
// - a row deleted in the snapshot that inserted it was never visible: no change;
// - snapshots that only rewrote files (compaction, flush) change no row.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/common/unordered_set.hpp"

namespace duckdb {

class ClientContext;
class DuckLakeTableEntry;

//! " UNION ALL SELECT ..." parts (snapshot_id, rowid, change_type, then `read_list`: the table's
//! columns from the read columns c0, c1, ...) for table_changes over [start, end]; empty when no
//! data file changed.
string FileChangeRows(ClientContext &context, DuckLakeTableEntry &table, idx_t start, idx_t end,
                      const unordered_set<idx_t> &rewrite_snapshots, const string &read_list);

} // namespace duckdb
