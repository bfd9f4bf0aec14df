#include "mallard/cli/line_reader.hpp"

#include <cstdlib>
#include <cstdio>
#include <editline/readline.h>

namespace duckdb {

//! Enough to find last week's statements without the file growing without bound.
static constexpr int MAX_HISTORY_ENTRIES = 2000;

LineReader::LineReader(string history_path_p) : history_path(std::move(history_path_p)) {
	rl_readline_name = "mallard"; // lets ~/.editrc hold mallard-specific bindings
	using_history();
	stifle_history(MAX_HISTORY_ENTRIES);
	if (!history_path.empty()) {
		read_history(history_path.c_str()); // a missing file just means an empty history
	}
}

bool LineReader::ReadLine(const string &prompt, string &line) {
	char *input = readline(prompt.c_str());
	if (!input) {
		return false;
	}
	line = input;
	free(input);
	return true;
}

void LineReader::AddHistory(const string &entry) {
	add_history(entry.c_str());
	// Saved after every entry so that a killed shell does not lose the session's statements.
	if (!history_path.empty()) {
		write_history(history_path.c_str());
	}
}

string LineReader::DefaultHistoryPath() {
	const char *home = getenv("HOME");
	if (!home || !*home) {
		return string();
	}
	return string(home) + "/.mallard_history";
}

} // namespace duckdb
