//===----------------------------------------------------------------------===//
// mallard/scan/name_mapped_columns.hpp
//
// Reading a data file registered with a column name mapping (catalog/name_mapping.hpp): the file
// has no field ids, so the scan's columns, which match fields by id, are matched by the names the
// mapping gives instead, for this file only. Both the lake scan and mallard_read_data_files go
// through here, so a name-mapped file reads the same in queries, compaction and the change feed.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/name_mapping.hpp"

#include "duckdb/common/multi_file/multi_file_reader.hpp"

namespace duckdb {

//! `global_columns` (identified by field id) rewritten for the file `reader` opened: a column the
//! mapping names is identified by the file field's name, nested fields likewise; a column the
//! mapping or the file lacks gets a name no field has, so it reads as its default; a partition
//! entry's column reads the value of its key in the file's Hive path.
vector<MultiFileColumnDefinition> MapColumnsByName(ClientContext &context,
                                                   const vector<MultiFileColumnDefinition> &global_columns,
                                                   const NameMapping &mapping, BaseFileReader &reader);

//! MultiFileReader::CreateMapping for a lake data file: with a name mapping, the columns from
//! MapColumnsByName matched by name; without, MultiFileReader's own (by field id).
ReaderInitializeType CreateLakeFileMapping(MultiFileReader &multi_file_reader, ClientContext &context,
                                           MultiFileReaderData &reader_data,
                                           const vector<MultiFileColumnDefinition> &global_columns,
                                           const vector<ColumnIndex> &global_column_ids,
                                           optional_ptr<TableFilterSet> filters, MultiFileList &multi_file_list,
                                           const MultiFileReaderBindData &bind_data,
                                           const virtual_column_map_t &virtual_columns,
                                           optional_ptr<const NameMapping> mapping);

} // namespace duckdb
