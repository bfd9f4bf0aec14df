//===----------------------------------------------------------------------===//
// mallard/mallard.hpp
//
// The one entry point every Mallard binary uses to open DuckDB with the lake
// extension registered (the shell, the test runner, the pipeline).
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb.hpp"

namespace duckdb {

//! Mallard's version string, shown by `mallard --version`.
const char *MallardVersion();

//! Registers the `ducklake` storage extension and its functions in `db`. Called once per database
//! instance, before any `ATTACH 'ducklake:...'`.
void LoadMallard(DuckDB &db);

//! Opens (or creates) a DuckDB database at `path` (empty or ":memory:" for in-memory) with Mallard
//! loaded, and extension auto-install switched off: nothing can be downloaded here.
unique_ptr<DuckDB> OpenMallardDatabase(const string &path, DBConfig *config = nullptr);

} // namespace duckdb
