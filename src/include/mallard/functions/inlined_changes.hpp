//===----------------------------------------------------------------------===//
// mallard/functions/inlined_changes.hpp
//
// The change feed of inlined rows (spec: data inlining): a row inserted into an inlined-data
// table in the range is an insertion at its begin_snapshot, one ended in the range a deletion at
// its end_snapshot, unless that snapshot only moved it into a data file (inline_flush).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/common/unordered_set.hpp"

namespace duckdb {

class DuckLakeCatalog;

//! " UNION ALL SELECT ..." parts (snapshot_id, rowid, change_type, then the table's columns) for
//! table_changes over [start, end]; empty when no inlined row changed.
string InlinedChangeRows(DuckLakeCatalog &catalog, const LakeTableInfo &table, idx_t start, idx_t end,
                         const unordered_set<idx_t> &rewrite_snapshots);

} // namespace duckdb
