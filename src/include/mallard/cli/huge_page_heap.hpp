//===----------------------------------------------------------------------===//
// mallard/cli/huge_page_heap.hpp
//
// glibc's malloc backs its heap with transparent huge pages only when told so at process start
// (the tunable glibc.malloc.hugetlb=1). The `mallard` command is a small launcher that sets it and
// starts the program, `mallard_cli`, which puts back the environment the user gave. Neither part
// depends on DuckDB, so the launcher loads nothing but the C and C++ runtimes.
//===----------------------------------------------------------------------===//
#pragma once

namespace duckdb {

//! Whether the kernel gives transparent huge pages to memory that asks for them: its selected mode
//! (in brackets in /sys/kernel/mm/transparent_hugepage/enabled) is "always" or "madvise".
bool TransparentHugePagesEnabled();

//! For the launcher: asks glibc, through GLIBC_TUNABLES, to back the malloc heap of the program
//! started next with transparent huge pages, and records the user's GLIBC_TUNABLES for
//! RestoreUserEnvironment. Why: every 4 KiB page of new memory costs a page fault on first touch,
//! which is expensive on virtual machines. On our 2-core VM huge pages took the first point query of
//! a new process on 100,000 files from 65-85 ms to 19-28 ms, a new process's first single-row INSERT
//! into a lake from 44 to 13 ms, and starting the shell from 90 to 65 ms. Asks nothing when
//! GLIBC_TUNABLES already says anything about malloc.hugetlb (`GLIBC_TUNABLES=glibc.malloc.hugetlb=0`
//! opts out), when the kernel's transparent huge pages are off, or when not on glibc and Linux.
void RequestHugePageHeap();

//! For the program: puts back the GLIBC_TUNABLES the user gave the launcher (glibc has read the
//! tunables by now), so that processes started from here inherit the user's environment.
void RestoreUserEnvironment();

} // namespace duckdb
