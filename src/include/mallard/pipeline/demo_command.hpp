//===----------------------------------------------------------------------===//
// mallard/pipeline/demo_command.hpp
//
// `mallard demo` (what `make demo` runs): the whole event pipeline on one machine in under a
// minute. A private PostgreSQL as the source, a lake on embedded defaults, the generator, several
// pipeline runs, then the article's queries with their answers.
//===----------------------------------------------------------------------===//
#pragma once

namespace duckdb {

int RunDemoCommand(int argc, char **argv);

} // namespace duckdb
