//===----------------------------------------------------------------------===//
// mallard/functions/table_changes_function.hpp
//
// The change feed of a lake table between two snapshots (inclusive): table_changes,
// table_insertions and table_deletions, as lake.table_changes('t', 1, 5) and as
// ducklake_table_changes('lake', 'main', 't', 1, 5). Rows: snapshot_id, rowid, change_type
// ('insert', 'delete', 'update_preimage', 'update_postimage'), then the table's columns.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/catalog/catalog_entry.hpp"

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeSchemaEntry;
class ExtensionLoader;

//! lake.table_changes / table_insertions / table_deletions, or nullptr for other names.
optional_ptr<CatalogEntry> LookupChangeFunction(DuckLakeCatalog &catalog, DuckLakeSchemaEntry &schema,
                                                const string &lower_name);
//! ducklake_table_changes('lake', 'schema', 'table', start, end) and the other two.
void RegisterChangeFunctions(ExtensionLoader &loader);

} // namespace duckdb
