//===----------------------------------------------------------------------===//
// mallard/cli/shell.hpp
//
// The `mallard` SQL shell: runs statements and dot-commands from -c strings, files, standard
// input or an interactive terminal, and prints results in the chosen output mode.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb.hpp"
#include "mallard/cli/result_renderer.hpp"

#include <istream>

namespace duckdb {

class LineReader;
class StatementSplitter;

struct ShellSettings {
	OutputMode mode = OutputMode::BOX;
	//! `.timer on`: print "Run Time (s): real X.XXX" after each statement.
	bool timer = false;
	//! -bail: stop at the first failed statement or dot-command (batch input only).
	bool bail = false;
	//! Reading from a terminal: errors never stop the shell, and the progress bar is on.
	bool interactive = false;
};

class Shell {
public:
	Shell(DuckDB &db, ShellSettings settings);

	//! Runs SQL and dot-commands read from `input` (a -c string, a file or piped standard input).
	void RunInput(std::istream &input);
	//! Runs a script file (-f and .read); a file that cannot be opened is a failure.
	void RunFile(const string &path);
	//! The read-eval-print loop on a terminal, until .quit or end of input.
	void RunInteractive(LineReader &reader);

	//! True once .quit/.exit ran, or a failure stopped a -bail run: the caller runs no more input.
	bool Stopped() const {
		return stopped;
	}
	//! 0 when everything succeeded; 1 when a batch statement failed; .exit N's code if given.
	int ExitCode() const;

	//! The text of `.help`.
	static const char *HelpText();

private:
	//! Feeds one input line (with its newline) to `splitter`, or runs it as a dot-command when it
	//! starts with '.' outside any unfinished statement, as the duckdb and sqlite shells do.
	void ProcessLine(StatementSplitter &splitter, const string &line);
	void RunStatement(const string &sql);
	//! Prints `message` on stderr and records the failure; under -bail it stops the run.
	void ReportError(const string &message);

	// Dot-commands (shell_commands.cpp).
	void RunDotCommand(const string &line);
	void ListTables(const string &pattern);
	void ShowSchema(const string &pattern);
	//! Runs an internal query with `parameters` and returns its first column as text.
	bool QueryStrings(const string &sql, vector<Value> parameters, vector<string> &rows);

	Connection connection;
	ShellSettings settings;
	bool stopped = false;
	bool had_error = false;
	//! Set by `.exit N`.
	int exit_code = -1;
};

} // namespace duckdb
