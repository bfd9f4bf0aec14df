//===----------------------------------------------------------------------===//
// mallard/scan/catalog_pruning.hpp
//
// File pruning done by the catalog database: a scan's filters turned into a condition on the data
// file rows, so the first scan of a big table reads only the files its statistics cannot exclude
// instead of every file's entry. The bounds are text in the catalog. Integer columns are compared
// after a cast that gives NULL (never an error, never a wrong number) for any text that is not a
// plain integer; DATE and TIMESTAMP columns as text, which orders like time only for 4-digit AD
// years: both the constant and the stored text must have one, other text becomes NULL. A NULL
// bound proves nothing: when in doubt, the file is read. The
// files that come back are pruned again in memory (file_pruning.hpp), so the answer is the same.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/planner/table_filter.hpp"

namespace duckdb {

struct CatalogPruning {
	//! SQL (in the catalog's dialect) for the text `expression` as a BIGINT, NULL unless it is
	//! the canonical text of one.
	static string IntegerOrNull(MetadataBackendType backend, const string &expression);
	//! SQL for the text `expression` when it is the canonical text of an AD date (or, `with_time`,
	//! timestamp) with a 4-digit year (then text order is time order), NULL otherwise; compared
	//! bytewise.
	static string TimeTextOrNull(MetadataBackendType backend, const string &expression, bool with_time);
	//! A condition on ducklake_data_file rows (alias f) that keeps every file the filters may
	//! match; empty when no filter can be decided from the catalog's bounds.
	static string CandidateFiles(const MetadataConnection &conn, idx_t table_id, const vector<LakeColumnInfo> &columns,
	                             const vector<column_t> &column_ids, const TableFilterSet &filters);
};

} // namespace duckdb
