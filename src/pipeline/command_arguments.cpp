#include "mallard/pipeline/command_arguments.hpp"

#include "mallard/lake/ducklake_secret.hpp"
#include "mallard/pipeline/event_pipeline.hpp"

#include "duckdb/common/error_data.hpp"
#include "duckdb/common/string_util.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>
#include <thread>

namespace duckdb {

CommandArguments::CommandArguments(int argc, char **argv, const vector<string> &flags) : flag_names(flags) {
	for (int i = 1; i < argc; i++) {
		string arg = argv[i];
		if (!StringUtil::StartsWith(arg, "--")) {
			words.push_back(arg);
			continue;
		}
		auto name = arg.substr(2);
		auto equals = name.find('=');
		if (equals != string::npos) {
			values[name.substr(0, equals)] = name.substr(equals + 1);
			continue;
		}
		bool is_flag = false;
		for (auto &flag : flag_names) {
			is_flag = is_flag || StringUtil::CIEquals(flag, name);
		}
		if (is_flag || name == "help") {
			values[name] = "true";
		} else if (i + 1 < argc) {
			values[name] = argv[++i];
		} else {
			throw InvalidInputException("option --%s needs a value", name);
		}
	}
}

bool CommandArguments::Has(const string &name) const {
	return values.find(name) != values.end();
}

string CommandArguments::Get(const string &name, const string &default_value) const {
	auto entry = values.find(name);
	return entry == values.end() ? default_value : entry->second;
}

int64_t CommandArguments::GetInteger(const string &name, int64_t default_value) const {
	auto entry = values.find(name);
	if (entry == values.end()) {
		return default_value;
	}
	char *end = nullptr;
	auto value = std::strtoll(entry->second.c_str(), &end, 10);
	if (entry->second.empty() || *end != '\0' || value < 0) {
		throw InvalidInputException("--%s wants a whole number >= 0, not \"%s\"", name, entry->second);
	}
	return value;
}

double CommandArguments::GetSeconds(const string &name, double default_value) const {
	auto entry = values.find(name);
	if (entry == values.end()) {
		return default_value;
	}
	char *end = nullptr;
	auto value = std::strtod(entry->second.c_str(), &end);
	if (entry->second.empty() || *end != '\0' || value < 0) {
		throw InvalidInputException("--%s wants a number of seconds >= 0, not \"%s\"", name, entry->second);
	}
	return value;
}

void CommandArguments::CheckKnown(const vector<string> &known) const {
	for (auto &entry : values) {
		bool found = entry.first == "help";
		for (auto &name : known) {
			found = found || StringUtil::CIEquals(name, entry.first);
		}
		for (auto &name : flag_names) {
			found = found || StringUtil::CIEquals(name, entry.first);
		}
		if (!found) {
			throw InvalidInputException("unknown option --%s (see --help)", entry.first);
		}
	}
}

LakeOptions LakeOptions::FromArguments(const CommandArguments &arguments) {
	LakeOptions options;
	options.catalog = arguments.Get("catalog", options.catalog);
	options.data_path_given = arguments.Has("data-path");
	// Absolute, so a lake created here stores a path that is right from any working directory.
	auto data_path = std::filesystem::absolute(arguments.Get("data-path", options.data_path)).lexically_normal();
	options.data_path = data_path.string();
	if (!StringUtil::EndsWith(options.data_path, "/")) {
		options.data_path += "/";
	}
	if (!StringUtil::StartsWith(options.catalog, "ducklake:")) {
		options.catalog = "ducklake:" + options.catalog; // `--catalog sqlite:x.sqlite` means the same
	}
	return options;
}

//! mkdir -p for the folder of `path`; a folder that cannot be made shows up as ATTACH's error.
static void MakeParentFolders(const string &path) {
	for (idx_t i = 1; i < path.size(); i++) {
		if (path[i] == '/') {
			mkdir(path.substr(0, i).c_str(), 0777);
		}
	}
}

void LakeOptions::Attach(Connection &connection, const string &alias) const {
	auto target = catalog.substr(strlen("ducklake:"));
	if (StringUtil::StartsWith(target, "sqlite:")) {
		MakeParentFolders(target.substr(strlen("sqlite:")));
	} else if (!StringUtil::StartsWith(target, "postgres:")) {
		MakeParentFolders(target);
	}
	auto attach =
	    "ATTACH " + KeywordHelper::WriteQuoted(catalog, '\'') + " AS " + KeywordHelper::WriteOptionallyQuoted(alias);
	auto with_data_path = attach + " (DATA_PATH " + KeywordHelper::WriteQuoted(data_path, '\'') + ")";
	if (data_path_given) {
		RunLakeQuery(connection, with_data_path);
		return;
	}
	// The lake as it is; the default data path only when there is no lake yet (ducklake_catalog.cpp
	// says "holds no lake" for that and nothing else), and never over a DuckLake secret's own.
	auto existing = connection.Query(attach + " (CREATE_IF_NOT_EXISTS false)");
	if (!existing->HasError()) {
		return;
	}
	if (existing->GetError().find("holds no lake") == string::npos) {
		existing->ThrowError();
	}
	RunLakeQuery(connection, NamesLakeSecret(catalog) ? attach : with_data_path);
}

string SourceFromArguments(const CommandArguments &arguments) {
	if (arguments.Has("source")) {
		return arguments.Get("source", "");
	}
	auto env = std::getenv("MALLARD_SOURCE");
	if (env && env[0]) {
		return env;
	}
	throw InvalidInputException("no source database: pass --source 'host=... dbname=...' or set MALLARD_SOURCE");
}

static std::atomic<bool> stop_requested {false};

static void OnStopSignal(int) {
	stop_requested = true;
}

void InstallStopHandlers() {
	struct sigaction action = {};
	action.sa_handler = OnStopSignal;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, nullptr);
	sigaction(SIGTERM, &action, nullptr);
}

bool StopRequested() {
	return stop_requested;
}

bool SleepUnlessStopped(double seconds) {
	auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(int64_t(seconds * 1e6));
	while (!stop_requested && std::chrono::steady_clock::now() < until) {
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	return !stop_requested;
}

int ReportCommandError(const string &command, std::exception &ex) {
	fprintf(stderr, "mallard %s: %s\n", command.c_str(), ErrorData(ex).Message().c_str());
	return 1;
}

} // namespace duckdb
