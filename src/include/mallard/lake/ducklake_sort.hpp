//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_sort.hpp
//
// Sorted tables (DuckLake 1.0, ALTER TABLE ... SET SORTED BY): the keys a table's new data
// files are written in order of, so that each file covers a narrow range of them and the
// catalog's min/max statistics prune more files. INSERT sorts with a plan operator, compaction,
// flush and rewrite with ORDER BY in the query that writes the file: both come from the keys here.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/parser/result_modifier.hpp"
#include "duckdb/planner/bound_result_modifier.hpp"

namespace duckdb {

class ClientContext;

//! Where a table lives: its lake macros may be used by its sort keys.
struct LakeSortScope {
	string catalog_name;
	string schema_name;
};

//! SET SORTED BY: `orders` as the keys of `table`, checked as DuckLake checks them (every column a key
//! names is an unqualified column of the table) and bound, so that an unknown function fails now
//! rather than at the next insert.
vector<LakeSortKey> MakeSortKeys(ClientContext &context, const LakeSortScope &scope, const LakeTableInfo &table,
                                 const vector<OrderByNode> &orders);

//! Whether two sort orders are the same (SET SORTED BY to the current order changes nothing).
bool SameSortKeys(const vector<LakeSortKey> &a, const vector<LakeSortKey> &b);

//! Whether new data files of `table` are sorted: it has a sort order, all of it in DuckDB's dialect.
bool HasSortOrder(const LakeTableInfo &table);

//! The table's sort keys bound for a plan whose input column i is the table's column i.
vector<BoundOrderByNode> BindSortOrders(ClientContext &context, const LakeSortScope &scope,
                                        const LakeTableInfo &table);

//! `query`, whose columns carry the table's column names, in the table's sort order, ties broken by
//! its column `tie_breaker` (the row id: the same input always gives the same file).
string SortedQuery(ClientContext &context, const LakeSortScope &scope, const LakeTableInfo &table,
                   const string &query, const string &tie_breaker);

//! RENAME COLUMN: the sort keys follow the column. True when a key changed.
bool RenameSortColumn(LakeTableInfo &table, const string &old_name, const string &new_name);

//! DROP COLUMN: refused while the sort order uses the column.
void CheckSortColumnDrop(const LakeTableInfo &table, const string &column_name);

} // namespace duckdb
