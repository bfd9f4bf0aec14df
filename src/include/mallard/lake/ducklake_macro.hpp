//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_macro.hpp
//
// Lake macros (DuckLake 1.0: ducklake_macro, ducklake_macro_impl, ducklake_macro_parameters):
// CREATE MACRO lake.f(a, b := 1) AS ... and AS TABLE ..., stored as the SQL of each overload's body
// with its parameters, and read back into DuckDB's own macro entries.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"

#include "duckdb/catalog/catalog_entry/scalar_macro_catalog_entry.hpp"
#include "duckdb/catalog/catalog_entry/table_macro_catalog_entry.hpp"

namespace duckdb {

class DuckLakeSchemaEntry;
struct CreateMacroInfo;

//! DuckDB's scalar or table macro entry, remembering its lake identity.
template <class BASE>
class DuckLakeMacroEntry : public BASE {
public:
	DuckLakeMacroEntry(Catalog &catalog, SchemaCatalogEntry &schema, CreateMacroInfo &info, LakeMacroInfo macro_info)
	    : BASE(catalog, schema, info), macro_info(std::move(macro_info)) {
	}
	LakeMacroInfo macro_info;
};

//! Whether a catalog entry type is a macro's, or one a function lookup asks for.
bool IsMacroType(CatalogType type);
//! Whether it names a table function or table macro: as in DuckDB, table macros have a namespace
//! apart from scalar ones.
bool IsTableMacroType(CatalogType type);
//! The key of a macro in the maps of its schema and transaction (one map, both namespaces).
string MacroKey(CatalogType type, const string &name);
//! The changes_made kind of creating or dropping a macro: created_scalar_macro, dropped_table_macro, ...
string MacroChangeKind(CatalogType type, bool created);
//! The lake identity of a macro entry made by CreateLakeMacroEntry.
const LakeMacroInfo &GetLakeMacroInfo(const CatalogEntry &entry);

//! What the catalog stores for `info` (a CREATE MACRO): the body of each overload as SQL, the
//! parameters' DuckLake types ("unknown" when untyped) and their constant defaults. The ids are left
//! to the caller. Errors name what a lake cannot store (a default that is not a non-NULL constant,
//! a parameter of a nested type).
LakeMacroInfo LakeMacroFromCreate(const CreateMacroInfo &info);

//! The DuckDB entry of a stored macro. Errors name the macro when its stored SQL does not parse.
unique_ptr<CatalogEntry> CreateLakeMacroEntry(Catalog &catalog, DuckLakeSchemaEntry &schema,
                                              const LakeMacroInfo &info);

} // namespace duckdb
