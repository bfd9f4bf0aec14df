//===----------------------------------------------------------------------===//
// mallard/cli/line_reader.hpp
//
// Line editing and a persistent history for the interactive shell, over libedit's readline API.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"

namespace duckdb {

class LineReader {
public:
	//! Loads the history from `history_path` (empty: keep no history file).
	explicit LineReader(string history_path);

	//! Reads one line, showing `prompt`; false at the end of input (Ctrl-D).
	bool ReadLine(const string &prompt, string &line);
	//! Adds a complete entry (a whole statement, possibly several lines) to the history and saves it.
	void AddHistory(const string &entry);

	//! ~/.mallard_history, or empty when HOME is not set.
	static string DefaultHistoryPath();

private:
	string history_path;
};

} // namespace duckdb
