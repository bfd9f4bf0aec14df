//===----------------------------------------------------------------------===//
// mallard/scan/inlined_data_reader.hpp
//
// Inlined rows in a lake scan (spec: data inlining): each inlined-data table visible to the scan,
// and the scanning transaction's own inlined rows, is one more entry of the scan's file list,
// opened with InlinedDataReader instead of the Parquet reader. The multi-file machinery then maps
// its columns by column id (older inlined tables have older columns), fills missing columns with
// their defaults and computes rowid from the explicit row ids, exactly as for a data file.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/scan/ducklake_scan.hpp"

#include "duckdb/common/multi_file/base_file_reader.hpp"

namespace duckdb {

class DuckLakeTableEntry;

//! The file-list path of inlined rows (never a real file).
bool IsInlinedDataPath(const string &path);
//! The inlined-data table of such a path; empty for the transaction's own rows.
string InlinedDataTableOfPath(const string &path);

//! Adds the inlined rows of `table` visible at `snapshot` (and, with `with_local`, the
//! transaction's own) to a scan's files. With `cached`, committed rows come from a cache of recent
//! reads (what a snapshot sees never changes) as columns only (InlinedRows::stored).
void AddInlinedScanFiles(ClientContext &context, DuckLakeTableEntry &table, const SnapshotInfo &snapshot,
                         bool with_local, vector<LakeScanFile> &files, bool cached = true);

//! Adding, dropping or renaming a struct field: inlined rows store a nested value as text with its
//! field names, which cannot follow field ids, so the ALTER is refused (NotImplementedException
//! naming the flush) while the table has inlined rows.
void RefuseNestedChangeWithInlinedRows(ClientContext &context, DuckLakeTableEntry &table);

//! ALTER ... SET NOT NULL: a ConstraintException when a visible inlined row holds NULL in `column`.
void CheckInlinedNoNulls(ClientContext &context, DuckLakeTableEntry &table, const LakeColumnInfo &column);

//! Opens inlined rows for the scan; `columns` are the table's columns (by column id) that the rows
//! hold, then the explicit row id column.
shared_ptr<BaseFileReader> CreateInlinedDataReader(const OpenFileInfo &file, const LakeScanFile &scan_file,
                                                   vector<MultiFileColumnDefinition> columns);

} // namespace duckdb
