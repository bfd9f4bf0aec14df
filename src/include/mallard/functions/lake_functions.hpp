//===----------------------------------------------------------------------===//
// mallard/functions/lake_functions.hpp
//
// Functions on a lake, callable both ways DuckLake offers them:
//   lake.snapshots()            resolved through the lake's schemas (LookupLakeFunction)
//   ducklake_snapshots('lake')  registered globally at start-up (RegisterLakeFunctions)
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/catalog/catalog_entry.hpp"
#include "duckdb/common/common.hpp"
#include "duckdb/function/table_function.hpp"

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeSchemaEntry;
class ExtensionLoader;

//! The table function entry `name` of a lake (e.g. "snapshots"), or nullptr.
optional_ptr<CatalogEntry> LookupLakeFunction(DuckLakeCatalog &catalog, DuckLakeSchemaEntry &schema,
                                              const string &name);

void RegisterLakeFunctions(ExtensionLoader &loader);

//! ducklake_catalog_table('lake', 'ducklake_xxx'): a catalog table's rows, read-only. A lake's
//! catalog tables are also reachable as `lake.ducklake_xxx` (a view over this function).
TableFunction CatalogTableTableFunction();

//! Whether `name` (lower case) is a catalog table: a spec table or an inlined-data table.
bool IsCatalogTableName(const string &name);
//! The SQL of the read-only view of catalog table `name` of lake `lake_name`.
string CatalogTableViewSQL(const string &lake_name, const string &name);
//! `lake.ducklake_snapshot` and the other catalog tables: a read-only view over
//! ducklake_catalog_table, for names no lake table or view of the schema has taken.
optional_ptr<CatalogEntry> LookupCatalogTableView(DuckLakeCatalog &catalog, DuckLakeSchemaEntry &schema,
                                                  const string &name);

} // namespace duckdb
