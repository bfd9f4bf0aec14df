#include "mallard/cli/shell.hpp"

#include "mallard/cli/line_reader.hpp"
#include "mallard/cli/statement_splitter.hpp"

#include "duckdb/common/string_util.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

namespace duckdb {

//===--------------------------------------------------------------------===//
// Ctrl-C in interactive mode cancels the running query instead of ending the shell
//===--------------------------------------------------------------------===//

static Connection *interrupt_connection = nullptr;
static volatile sig_atomic_t query_running = 0;
//! Set by Ctrl-C at the prompt, where libedit then ends the line read like end of input does.
static volatile sig_atomic_t prompt_interrupted = 0;

static void HandleInterrupt(int) {
	// Connection::Interrupt only sets an atomic flag that the executor polls, as the duckdb shell's
	// handler relies on.
	if (query_running && interrupt_connection) {
		interrupt_connection->Interrupt();
	} else {
		prompt_interrupted = 1;
	}
}

//! Marks a statement as running for the SIGINT handler, for as long as it executes and prints.
struct RunningQuery {
	RunningQuery() {
		query_running = 1;
	}
	~RunningQuery() {
		query_running = 0;
	}
};

//===--------------------------------------------------------------------===//
// Shell
//===--------------------------------------------------------------------===//

Shell::Shell(DuckDB &db, ShellSettings settings_p) : connection(db), settings(settings_p) {
	if (settings.interactive) {
		// DuckDB draws its progress bar for queries that run longer than two seconds.
		connection.Query("SET enable_progress_bar = true");
	}
}

int Shell::ExitCode() const {
	if (exit_code >= 0) {
		return exit_code;
	}
	return had_error && !settings.interactive ? 1 : 0;
}

void Shell::ReportError(const string &message) {
	std::cout.flush(); // results printed so far come before the error when both go to one place
	fprintf(stderr, "%s\n", message.c_str());
	fflush(stderr);
	had_error = true;
	if (settings.bail && !settings.interactive) {
		stopped = true;
	}
}

static bool IsDotCommand(const string &line) {
	for (char c : line) {
		if (!StringUtil::CharacterIsSpace(c)) {
			return c == '.';
		}
	}
	return false;
}

void Shell::ProcessLine(StatementSplitter &splitter, const string &line) {
	if (!splitter.HasPending() && IsDotCommand(line)) {
		RunDotCommand(line);
		return;
	}
	vector<string> statements;
	splitter.Feed(line, statements);
	for (auto &statement : statements) {
		if (stopped) {
			return;
		}
		RunStatement(statement);
	}
}

void Shell::RunInput(std::istream &input) {
	// Line by line, so that piped input runs as it arrives and dot-commands are seen at line starts.
	StatementSplitter splitter;
	string line;
	while (!stopped && std::getline(input, line)) {
		ProcessLine(splitter, line + "\n");
	}
	// A last statement without ';' still runs, as in the duckdb shell.
	auto remainder = splitter.TakeRemainder();
	if (!stopped && !remainder.empty()) {
		RunStatement(remainder);
	}
}

void Shell::RunFile(const string &path) {
	std::ifstream file(path, std::ios::binary);
	if (!file) {
		ReportError(StringUtil::Format("Error: cannot open file \"%s\": %s", path, strerror(errno)));
		return;
	}
	RunInput(file);
}

void Shell::RunInteractive(LineReader &reader) {
	interrupt_connection = &connection;
	struct sigaction action;
	memset(&action, 0, sizeof(action));
	action.sa_handler = HandleInterrupt;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, nullptr);

	StatementSplitter splitter;
	string entry; // the lines of the statement being typed, saved to the history as one entry
	string line;
	while (!stopped) {
		const char *prompt = splitter.HasPending() ? "   ...> " : "mallard> ";
		if (!reader.ReadLine(prompt, line)) {
			printf("\n");
			if (prompt_interrupted) {
				// Ctrl-C drops the statement being typed, and the shell goes on; Ctrl-D ends it.
				prompt_interrupted = 0;
				splitter = StatementSplitter();
				entry.clear();
				continue;
			}
			break;
		}
		if (prompt_interrupted) {
			// Ctrl-C came before libedit waited for input (while the shell handled the line before,
			// or on a busy machine), so it did not end the read: it still drops the statement typed
			// before it, and this line starts a new one.
			prompt_interrupted = 0;
			splitter = StatementSplitter();
			entry.clear();
		}
		entry += entry.empty() ? line : "\n" + line;
		ProcessLine(splitter, line + "\n");
		if (!splitter.HasPending()) {
			auto trimmed = entry;
			StringUtil::Trim(trimmed);
			if (!trimmed.empty()) {
				reader.AddHistory(entry);
			}
			entry.clear();
		}
	}
	interrupt_connection = nullptr;
}

void Shell::RunStatement(const string &sql) {
	auto start = std::chrono::steady_clock::now();
	{
		RunningQuery running;
		// Box rendering needs the whole result; the other modes print chunk by chunk as it streams.
		auto result = settings.mode == OutputMode::BOX ? connection.Query(sql) : connection.SendQuery(sql);
		if (result->HasError()) {
			ReportError(result->GetError());
		} else if (result->properties.return_type == StatementReturnType::QUERY_RESULT) {
			// DDL and DML return nothing or a changed-row count, which the shell does not print.
			try {
				RenderResult(*connection.context, *result, settings.mode, std::cout);
			} catch (std::exception &ex) {
				ReportError(ErrorData(ex).Message());
			}
		}
	}
	if (settings.timer) {
		std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
		printf("Run Time (s): real %.3f\n", elapsed.count());
		fflush(stdout);
	}
}

} // namespace duckdb
