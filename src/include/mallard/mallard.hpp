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

//! Stores every DuckDB setting that has a default as if it had been SET to that default. DuckDB reads
//! a dozen settings per statement (result properties, insertion order, parser options); one not set
//! is found by a search of all setting names and a parse of its default text each time, which took
//! about a tenth of a catalog statement's CPU. A setting SET or RESET later behaves as usual.
void PinSettingDefaults(DBConfig &config);

//! Makes the process keep freed heap memory for reuse (glibc: a 64 MiB trim threshold and 16 MiB
//! of padding per heap growth) instead of returning it to the system after each transaction. Every
//! small commit builds and frees DuckDB's transaction-local storage and index buffers; with glibc's
//! defaults the heap shrank and grew back each time, and the page faults of growing it were a third
//! of a single-row commit on a DuckDB-file catalog (benchmark 3). Allocations up to 32 MiB come from
//! the heap too, not from a mapping of their own: with the heap on transparent huge pages (see
//! mallard/cli/huge_page_heap.hpp) a mapping of 2 MiB or more is faulted in as huge pages each time,
//! which made a 30M-row INSERT take 6.5-12 s instead of 5. Called first thing by main().
void KeepFreedHeapMemory();

//! Opens (or creates) a DuckDB database at `path` (empty or ":memory:" for in-memory) with Mallard
//! loaded, and extension auto-install switched off: nothing can be downloaded here.
unique_ptr<DuckDB> OpenMallardDatabase(const string &path, DBConfig *config = nullptr);

} // namespace duckdb
