//===----------------------------------------------------------------------===//
// mallard/pipeline/command_arguments.hpp
//
// What the pipeline commands share: `--name value` parsing, the lake options (the same catalog
// and data path as ATTACH), the source connection string, and stopping on SIGINT/SIGTERM.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb.hpp"

namespace duckdb {

//! `--name value`, `--name=value` and bare `--flag` options of one subcommand.
class CommandArguments {
public:
	//! argv[0] is the command name; `flags` are the options that take no value.
	CommandArguments(int argc, char **argv, const vector<string> &flags);

	bool Has(const string &name) const;
	string Get(const string &name, const string &default_value) const;
	int64_t GetInteger(const string &name, int64_t default_value) const;
	double GetSeconds(const string &name, double default_value) const;
	//! Plain words after the command name (e.g. `run` in `pipeline run`).
	const vector<string> &Words() const {
		return words;
	}
	//! Throws InvalidInputException naming the first option not in `known` (nor in the flags).
	void CheckKnown(const vector<string> &known) const;

private:
	case_insensitive_map_t<string> values;
	vector<string> flag_names;
	vector<string> words;
};

//! Where the lake lives, as ATTACH takes it. Default: an embedded SQLite catalog and data folder
//! under ./mallard-lake/.
struct LakeOptions {
	string catalog = "ducklake:sqlite:mallard-lake/catalog.sqlite";
	string data_path = "mallard-lake/data/";
	//! Whether data_path was given (--data-path): then every attach uses it. Otherwise an existing
	//! lake keeps the data path its catalog stores, and data_path only places a new lake's files.
	bool data_path_given = false;

	static LakeOptions FromArguments(const CommandArguments &arguments);
	//! Attaches the lake as `alias`, creating the folder of a local catalog file first.
	void Attach(Connection &connection, const string &alias) const;
};

//! The source PostgreSQL conninfo: --source, else $MALLARD_SOURCE; throws when neither is set.
string SourceFromArguments(const CommandArguments &arguments);

//! SIGINT and SIGTERM set a flag instead of killing the process, so the work in progress finishes.
void InstallStopHandlers();
bool StopRequested();
//! Sleeps up to `seconds`; returns false early when a stop was requested.
bool SleepUnlessStopped(double seconds);

//! Prints "mallard COMMAND: message" to stderr and returns 1, for the commands' catch blocks.
int ReportCommandError(const string &command, std::exception &ex);

} // namespace duckdb
