// `mallard_cli`, the program the `mallard` launcher starts (launcher.cpp): dispatches a subcommand, or
// parses the shell's options and runs the SQL shell.
#include "mallard/cli/huge_page_heap.hpp"
#include "mallard/cli/line_reader.hpp"
#include "mallard/cli/shell.hpp"
#include "mallard/mallard.hpp"
#include "mallard/pipeline/demo_command.hpp"
#include "mallard/pipeline/event_generator.hpp"
#include "mallard/pipeline/event_pipeline.hpp"

#include "duckdb/main/config.hpp"

#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace duckdb {

//===--------------------------------------------------------------------===//
// Subcommands
//===--------------------------------------------------------------------===//

//! A `mallard NAME ...` command that is not the shell. `run` gets argv from NAME on.
struct Subcommand {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static const vector<Subcommand> &Subcommands() {
	// Subcommands register here; the event pipeline's live in src/pipeline/.
	static const vector<Subcommand> subcommands = {
	    {"demo", "the event pipeline end to end, with a private PostgreSQL", RunDemoCommand},
	    {"generate", "write application events into PostgreSQL ducklake_src.events", RunGenerateCommand},
	    {"pipeline", "run|schedule: promote new events into the lake exactly once", RunPipelineCommand},
	};
	return subcommands;
}

//! The subcommand named by argv[1], if any. A first word that names none is the database FILE.
static const Subcommand *FindSubcommand(int argc, char **argv) {
	if (argc < 2 || argv[1][0] == '-') {
		return nullptr;
	}
	for (auto &subcommand : Subcommands()) {
		if (strcmp(argv[1], subcommand.name) == 0) {
			return &subcommand;
		}
	}
	return nullptr;
}

//===--------------------------------------------------------------------===//
// Shell options
//===--------------------------------------------------------------------===//

//! One -c string or -f file, run in the order given.
struct BatchInput {
	bool is_file;
	string text;
};

struct ShellArguments {
	string database_path; // empty: in memory
	bool read_only = false;
	vector<BatchInput> inputs;
	ShellSettings settings;
};

static string VersionText() {
	return StringUtil::Format("mallard %s (DuckDB %s)", MallardVersion(), DuckDB::LibraryVersion());
}

static void PrintHelp() {
	printf("Usage: mallard [OPTIONS] [FILE] [SQL]\n"
	       "A SQL shell over DuckDB with Mallard's DuckLake extension loaded. FILE is a DuckDB\n"
	       "database file, created if missing; without it the database lives in memory. SQL, like\n"
	       "-c, runs and exits. Without -c or -f, statements are read from standard input, with\n"
	       "line editing and history (~/.mallard_history) when it is a terminal.\n"
	       "\n"
	       "Options:\n"
	       "  -c SQL       run SQL (statements and dot-commands), then exit; repeatable\n"
	       "  -f FILE      run the statements in FILE, then exit; repeatable, in order with -c\n"
	       "  -box         print results as boxes (the default)\n"
	       "  -csv         print results as CSV with a header line\n"
	       "  -json        print results as a JSON array of objects\n"
	       "  -line        print one 'column = value' line per value\n"
	       "  -readonly    open the database read-only\n"
	       "  -bail        stop at the first error\n"
	       "  -version     print the version and exit\n"
	       "  -help        print this help and exit\n"
	       "Options may also be written with two dashes (--csv).\n");
	if (!Subcommands().empty()) {
		printf("\nCommands (mallard COMMAND --help for their options):\n");
		for (auto &subcommand : Subcommands()) {
			printf("  %-12s %s\n", subcommand.name, subcommand.summary);
		}
	}
	printf("\nDot-commands in the shell:\n%s", Shell::HelpText());
}

//! Parses argv into `arguments`; returns -1 to go on, or the exit code to end with.
static int ParseArguments(int argc, char **argv, ShellArguments &arguments) {
	bool have_database = false;
	for (int i = 1; i < argc; i++) {
		string arg = argv[i];
		if (arg.size() < 2 || arg[0] != '-') {
			// The first plain word is the database, later ones are SQL like -c.
			if (!have_database) {
				arguments.database_path = arg;
				have_database = true;
			} else {
				arguments.inputs.push_back({false, arg});
			}
			continue;
		}
		string option = StringUtil::StartsWith(arg, "--") ? arg.substr(1) : arg; // --csv is -csv
		OutputMode mode = OutputMode::BOX;
		if (option == "-c" || option == "-f") {
			if (i + 1 >= argc) {
				fprintf(stderr, "mallard: option %s needs an argument\n", arg.c_str());
				return 1;
			}
			arguments.inputs.push_back({option == "-f", argv[++i]});
		} else if (TryParseOutputMode(option.substr(1), mode)) {
			arguments.settings.mode = mode;
		} else if (option == "-readonly") {
			arguments.read_only = true;
		} else if (option == "-bail") {
			arguments.settings.bail = true;
		} else if (option == "-version") {
			printf("%s\n", VersionText().c_str());
			return 0;
		} else if (option == "-help" || option == "-h") {
			PrintHelp();
			return 0;
		} else {
			fprintf(stderr, "mallard: unknown option: %s\nUse mallard --help for the list of options.\n", arg.c_str());
			return 1;
		}
	}
	return -1;
}

static int RunShell(int argc, char **argv) {
	ShellArguments arguments;
	int exit_code = ParseArguments(argc, argv, arguments);
	if (exit_code >= 0) {
		return exit_code;
	}
	arguments.settings.interactive = arguments.inputs.empty() && isatty(STDIN_FILENO);

	unique_ptr<DuckDB> db;
	try {
		DBConfig config;
		if (arguments.read_only) {
			config.options.access_mode = AccessMode::READ_ONLY;
		}
		db = OpenMallardDatabase(arguments.database_path, &config);
	} catch (std::exception &ex) {
		auto name = arguments.database_path.empty() ? string(":memory:") : arguments.database_path;
		fprintf(stderr, "Error: unable to open database \"%s\": %s\n", name.c_str(), ErrorData(ex).Message().c_str());
		return 1;
	}

	Shell shell(*db, arguments.settings);
	if (!arguments.inputs.empty()) {
		for (auto &input : arguments.inputs) {
			if (shell.Stopped()) {
				break;
			}
			if (input.is_file) {
				shell.RunFile(input.text);
			} else {
				std::istringstream text(input.text);
				shell.RunInput(text);
			}
		}
	} else if (arguments.settings.interactive) {
		printf("%s\nEnter \".help\" for usage hints.\n", VersionText().c_str());
		LineReader reader(LineReader::DefaultHistoryPath());
		shell.RunInteractive(reader);
	} else {
		shell.RunInput(std::cin);
	}
	fflush(stdout);
	return shell.ExitCode();
}

} // namespace duckdb

int main(int argc, char **argv) {
	duckdb::RestoreUserEnvironment();
	duckdb::KeepFreedHeapMemory();
	if (auto subcommand = duckdb::FindSubcommand(argc, argv)) {
		return subcommand->run(argc - 1, argv + 1);
	}
	return duckdb::RunShell(argc, argv);
}
