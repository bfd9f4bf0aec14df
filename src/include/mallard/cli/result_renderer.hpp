//===----------------------------------------------------------------------===//
// mallard/cli/result_renderer.hpp
//
// The shell's output modes. Scripts parse csv, json and line output, so their formats are fixed:
//   box   DuckDB's box renderer (needs a materialized result), sized to the terminal or 120 columns.
//   csv   header line, then one line per row; RFC 4180 quoting of fields holding ',', '"', CR or
//         LF (quotes doubled); NULL is an empty field and an empty string is "". A result with no
//         rows still prints its header.
//   json  [{"col":value,...},\n{...}]\n like duckdb -json: integers, decimals and floats
//         unquoted, NaN and infinities as null (as JavaScript's JSON.stringify does), booleans
//         true/false, NULL null, JSON-typed values inlined as they are, everything else (nested
//         types included) as a JSON string of DuckDB's text form. No rows print nothing.
//   line  "name = value" per column, names right-aligned, a blank line between rows; NULL as NULL.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb.hpp"

#include <ostream>

namespace duckdb {

enum class OutputMode : uint8_t { BOX, CSV, JSON, LINE };

//! Parses a mode name as `.mode` and the -box/-csv/-json/-line options spell it.
bool TryParseOutputMode(const string &name, OutputMode &mode);
const char *OutputModeName(OutputMode mode);

//! Writes the rows of a successful `result` to `out` in `mode`. BOX requires a
//! MaterializedQueryResult; the other modes stream chunk by chunk. A failure while fetching rows
//! is thrown (after the rows already written).
void RenderResult(ClientContext &context, QueryResult &result, OutputMode mode, std::ostream &out);

} // namespace duckdb
