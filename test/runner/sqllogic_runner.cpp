#include "sqllogic_runner.hpp"

#include "result_comparison.hpp"
#include "sqllogic_parser.hpp"

#include "mallard/mallard.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/uuid.hpp"
#include "duckdb/common/vector_size.hpp"
#include "duckdb/main/config.hpp"

#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <unistd.h>

namespace duckdb {

namespace {

//! The first failure of a file; `text` is the complete report.
struct TestFailure {
	string text;
};
//! A `require` that this build does not meet, or postgres runs switched off.
struct TestSkipped {
	string reason;
};
//! `halt`: the rest of the file is ignored and the file passes.
struct TestHalted {};

//! Connections by label; "" is the default connection.
using ConnectionSet = std::map<string, unique_ptr<Connection>>;

//! What commands run with: the loop variables in effect and the connections to use. A concurrent
//! loop iteration has connections of its own.
struct ExecutionScope {
	std::map<string, string> loop_variables;
	ConnectionSet *connections = nullptr;
	bool in_concurrent_loop = false;
};

//! Features of `require` that this build always has: the extensions libduckdb is built with, the
//! lake extension, and DuckDB test-variant switches that mean nothing here.
bool RequirementMet(const vector<string> &parameters) {
	static const vector<string> present = {"parquet",  "json",        "icu",        "core_functions",
	                                       "ducklake", "notwindows",  "skip_reload", "no_alternative_verify",
	                                       "64bit",    "no_extension_autoloading"};
	auto &name = parameters[0];
	for (auto &feature : present) {
		if (name == feature) {
			return true;
		}
	}
	if (name == "vector_size" && parameters.size() == 2) {
		return std::stoull(parameters[1]) <= STANDARD_VECTOR_SIZE;
	}
	if (name == "exact_vector_size" && parameters.size() == 2) {
		return std::stoull(parameters[1]) == STANDARD_VECTOR_SIZE;
	}
	return false;
}

bool ErrorMatches(const string &error, const string &expected) {
	if (StringUtil::StartsWith(expected, "<REGEX>:")) {
		return std::regex_search(error, std::regex(expected.substr(8)));
	}
	if (StringUtil::StartsWith(expected, "<!REGEX>:")) {
		return !std::regex_search(error, std::regex(expected.substr(9)));
	}
	return error.find(expected) != string::npos;
}

string CurrentDirectory() {
	char buffer[4096];
	if (!getcwd(buffer, sizeof(buffer))) {
		return ".";
	}
	return buffer;
}

string CreateTestDirectory() {
	auto tmp = std::getenv("TMPDIR");
	string pattern = string(tmp && *tmp ? tmp : "/tmp") + "/mallard_test_XXXXXX";
	vector<char> buffer(pattern.begin(), pattern.end());
	buffer.push_back('\0');
	if (!mkdtemp(buffer.data())) {
		throw std::runtime_error("cannot create a test directory " + pattern + ": " + strerror(errno));
	}
	return string(buffer.data());
}

const char *const RULE = "================================================================================";
const char *const THIN_RULE = "--------------------------------------------------------------------------------";

class SqlLogicTestRunner {
public:
	SqlLogicTestRunner(const string &path, const SqlLogicTestOptions &options, std::ostream &out)
	    : path(path), options(options), out(out) {
	}

	TestOutcome Run() {
		const char *backend_name = CatalogBackendName(options.backend);
		vector<SqlLogicCommand> commands;
		try {
			commands = ParseSqlLogicTestFile(path);
		} catch (std::exception &ex) {
			PrintFailure(string("Cannot parse the test file: ") + ex.what());
			return TestOutcome::FAILED;
		}
		if (options.backend == CatalogBackend::POSTGRES && PostgresTestsDisabled()) {
			PrintSkip("postgres runs are switched off (MALLARD_TEST_PG=skip)");
			return TestOutcome::SKIPPED;
		}

		TestOutcome outcome = TestOutcome::PASSED;
		try {
			test_dir = CreateTestDirectory();
			catalogs = make_uniq<TestCatalogs>(options.backend, test_dir);
			database_path = test_dir + "/test.db";
			OpenDatabase(nullptr);
			ExecutionScope scope;
			scope.connections = &connections;
			Execute(commands, scope);
		} catch (TestFailure &failure) {
			out << failure.text;
			outcome = TestOutcome::FAILED;
		} catch (TestSkipped &skipped) {
			PrintSkip(skipped.reason);
			outcome = TestOutcome::SKIPPED;
		} catch (TestHalted &) {
		} catch (std::exception &ex) {
			PrintFailure(ex.what());
			outcome = TestOutcome::FAILED;
		}

		// Close the database before its catalogs disappear underneath it.
		connections.clear();
		database.reset();
		if (catalogs) {
			auto error = catalogs->DropAll();
			if (!error.empty()) {
				out << "warning: " << path << " [" << backend_name << "]: " << error << "\n";
			}
		}
		if (!test_dir.empty()) {
			if (outcome == TestOutcome::FAILED) {
				out << "The test directory is kept: " << test_dir << "\n" << RULE << "\n";
			} else {
				std::error_code ignored;
				std::filesystem::remove_all(test_dir, ignored);
			}
		}
		return outcome;
	}

private:
	void PrintFailure(const string &message) {
		out << RULE << "\nFAIL " << path << " [" << CatalogBackendName(options.backend) << "]\n"
		    << message << "\n";
		if (test_dir.empty()) {
			out << RULE << "\n";
		}
	}

	void PrintSkip(const string &reason) {
		out << "SKIP " << path << " [" << CatalogBackendName(options.backend) << "]: " << reason << "\n";
	}

	[[noreturn]] void Fail(const SqlLogicCommand &command, const ExecutionScope &scope, const string &sql,
	                       const string &message) {
		string text = string(RULE) + "\nFAIL " + path + ":" + std::to_string(command.line) + " [" +
		              CatalogBackendName(options.backend) + "]";
		if (!scope.loop_variables.empty()) {
			text += " with";
			for (auto &variable : scope.loop_variables) {
				text += " " + variable.first + "=" + variable.second;
			}
		}
		text += "\n";
		if (!sql.empty()) {
			text += string(THIN_RULE) + "\n" + sql + "\n" + THIN_RULE + "\n";
		}
		text += message;
		if (!message.empty() && message.back() != '\n') {
			text += "\n";
		}
		throw TestFailure {text};
	}

	//! Opens `database_path` ("" = in memory) with Mallard loaded.
	void OpenDatabase(const SqlLogicCommand *command, bool read_only = false) {
		DBConfig config;
		if (read_only) {
			config.options.access_mode = AccessMode::READ_ONLY;
		}
		try {
			database = OpenMallardDatabase(database_path, &config);
		} catch (std::exception &ex) {
			string message = "Cannot open the database '" + database_path + "': " + ex.what();
			if (!command) {
				throw std::runtime_error(message);
			}
			Fail(*command, ExecutionScope(), "", message);
		}
	}

	void CloseDatabase() {
		connections.clear();
		database.reset();
	}

	Connection &GetConnection(ExecutionScope &scope, const string &name) {
		auto &set = *scope.connections;
		auto entry = set.find(name);
		if (entry == set.end()) {
			entry = set.emplace(name, make_uniq<Connection>(*database)).first;
		}
		return *entry->second;
	}

	bool ConditionsHold(const SqlLogicCommand &command) const {
		string backend = CatalogBackendName(options.backend);
		for (auto &condition : command.conditions) {
			if (condition.only_if != (condition.backend == backend)) {
				return false;
			}
		}
		return true;
	}

	bool LookupVariable(const string &key, const ExecutionScope &scope, string &value) {
		auto loop_variable = scope.loop_variables.find(key);
		if (loop_variable != scope.loop_variables.end()) {
			value = loop_variable->second;
			return true;
		}
		{
			std::lock_guard<std::mutex> guard(lock);
			auto entry = test_env.find(key);
			if (entry != test_env.end()) {
				value = entry->second;
				return true;
			}
		}
		// ${DUCKLAKE_CONNECTION} or ${DUCKLAKE_CONNECTION:name}, likewise DATA_PATH.
		auto colon = key.find(':');
		auto base = key.substr(0, colon);
		auto catalog = colon == string::npos ? string() : key.substr(colon + 1);
		if (base == "DUCKLAKE_CONNECTION") {
			value = catalogs->Connection(catalog);
			return true;
		}
		if (base == "DATA_PATH") {
			value = catalogs->DataPath(catalog);
			return true;
		}
		auto environment = std::getenv(key.c_str());
		if (environment) {
			value = environment;
			return true;
		}
		return false;
	}

	//! ${VAR} (loop variables, test-env, lake variables, environment), __TEST_DIR__,
	//! __WORKING_DIRECTORY__ and {UUID}. Unknown ${VAR}s are left as written.
	string Substitute(const string &text, const ExecutionScope &scope) {
		string result;
		idx_t position = 0;
		while (true) {
			auto start = text.find("${", position);
			auto end = start == string::npos ? string::npos : text.find('}', start + 2);
			if (end == string::npos) {
				break;
			}
			string value;
			result += text.substr(position, start - position);
			if (LookupVariable(text.substr(start + 2, end - start - 2), scope, value)) {
				result += value;
			} else {
				result += text.substr(start, end - start + 1);
			}
			position = end + 1;
		}
		result += text.substr(position);
		result = StringUtil::Replace(result, "__TEST_DIR__", test_dir);
		result = StringUtil::Replace(result, "__WORKING_DIRECTORY__", CurrentDirectory());
		if (result.find("{UUID}") != string::npos) {
			result = StringUtil::Replace(result, "{UUID}", UUID::ToString(UUID::GenerateRandomUUID()));
		}
		return result;
	}

	vector<string> Substitute(const vector<string> &lines, const ExecutionScope &scope) {
		vector<string> result;
		for (auto &line : lines) {
			result.push_back(Substitute(line, scope));
		}
		return result;
	}

	void Execute(const vector<SqlLogicCommand> &commands, ExecutionScope &scope) {
		for (auto &command : commands) {
			if (!ConditionsHold(command)) {
				continue;
			}
			try {
				ExecuteCommand(command, scope);
			} catch (TestFailure &) {
				throw;
			} catch (TestSkipped &) {
				throw;
			} catch (TestHalted &) {
				throw;
			} catch (std::exception &ex) {
				Fail(command, scope, command.sql, ex.what());
			}
		}
	}

	void ExecuteCommand(const SqlLogicCommand &command, ExecutionScope &scope) {
		auto &params = command.parameters;
		switch (command.type) {
		case SqlLogicCommandType::STATEMENT:
			ExecuteStatement(command, scope);
			break;
		case SqlLogicCommandType::QUERY:
			ExecuteQuery(command, scope);
			break;
		case SqlLogicCommandType::LOOP:
			ExecuteLoop(command, scope);
			break;
		case SqlLogicCommandType::REQUIRE: {
			auto parameters = Substitute(params, scope);
			if (!RequirementMet(parameters)) {
				throw TestSkipped {"require " + StringUtil::Join(parameters, " ") + ": not available in this build"};
			}
			break;
		}
		case SqlLogicCommandType::REQUIRE_ENV: {
			auto value = std::getenv(params[0].c_str());
			if (!value) {
				throw TestSkipped {"require-env " + params[0] + ": not set"};
			}
			if (params.size() == 2 && params[1] != value) {
				throw TestSkipped {"require-env " + params[0] + ": is '" + value + "', not '" + params[1] + "'"};
			}
			break;
		}
		case SqlLogicCommandType::TEST_ENV: {
			auto value = Substitute(params[1], scope);
			std::lock_guard<std::mutex> guard(lock);
			test_env[params[0]] = value;
			break;
		}
		case SqlLogicCommandType::LOAD: {
			if (scope.in_concurrent_loop) {
				Fail(command, scope, "", "load cannot run inside a concurrent loop");
			}
			bool read_only = params.size() == 2;
			CloseDatabase();
			database_path = params.empty() ? string() : Substitute(params[0], scope);
			if (!database_path.empty() && !read_only) {
				std::error_code ignored;
				std::filesystem::remove(database_path, ignored);
				std::filesystem::remove(database_path + ".wal", ignored);
			}
			OpenDatabase(&command, read_only);
			break;
		}
		case SqlLogicCommandType::RESTART:
			if (scope.in_concurrent_loop) {
				Fail(command, scope, "", "restart cannot run inside a concurrent loop");
			}
			if (database_path.empty() || database_path == ":memory:") {
				Fail(command, scope, "", "restart needs a database file, but this test loaded an in-memory database");
			}
			CloseDatabase();
			OpenDatabase(&command);
			break;
		case SqlLogicCommandType::HALT:
			throw TestHalted {};
		case SqlLogicCommandType::SLEEP: {
			auto amount = std::stod(Substitute(params[0], scope));
			string unit = params.size() == 2 ? params[1] : "seconds";
			double seconds;
			if (unit == "second" || unit == "seconds") {
				seconds = amount;
			} else if (unit == "millisecond" || unit == "milliseconds") {
				seconds = amount / 1e3;
			} else if (unit == "microsecond" || unit == "microseconds") {
				seconds = amount / 1e6;
			} else if (unit == "nanosecond" || unit == "nanoseconds") {
				seconds = amount / 1e9;
			} else {
				Fail(command, scope, "", "unknown sleep unit '" + unit + "' (seconds, milliseconds, ...)");
			}
			std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
			break;
		}
		}
	}

	void ExecuteStatement(const SqlLogicCommand &command, ExecutionScope &scope) {
		auto sql = Substitute(command.sql, scope);
		auto result = GetConnection(scope, command.connection_name).Query(sql);
		string expected_error;
		if (command.has_expected) {
			expected_error = StringUtil::Join(Substitute(command.expected_lines, scope), "\n");
			StringUtil::Trim(expected_error);
		}
		switch (command.expectation) {
		case StatementExpectation::OK:
			if (result->HasError()) {
				Fail(command, scope, sql, "Statement failed, but `statement ok` expects success:\n" + result->GetError());
			}
			break;
		case StatementExpectation::ERROR:
			if (!result->HasError()) {
				Fail(command, scope, sql,
				     "Statement succeeded, but `statement error` expects an error" +
				         (expected_error.empty() ? string() : " containing:\n" + expected_error));
			}
			// An internal error means a bug in the engine, whatever the test expects.
			if (result->GetErrorType() == ExceptionType::INTERNAL &&
			    expected_error.find("INTERNAL") == string::npos) {
				Fail(command, scope, sql, "Statement failed with an internal error:\n" + result->GetError());
			}
			if (!expected_error.empty() && !ErrorMatches(result->GetError(), expected_error)) {
				Fail(command, scope, sql,
				     "Statement failed with another error than expected.\nexpected an error containing:\n" +
				         expected_error + "\nactual error:\n" + result->GetError());
			}
			break;
		case StatementExpectation::MAYBE:
			if (result->HasError() && !expected_error.empty() && !ErrorMatches(result->GetError(), expected_error)) {
				Fail(command, scope, sql,
				     "Statement failed with another error than `statement maybe` allows.\nallowed error:\n" +
				         expected_error + "\nactual error:\n" + result->GetError());
			}
			break;
		}
	}

	void ExecuteQuery(const SqlLogicCommand &command, ExecutionScope &scope) {
		auto sql = Substitute(command.sql, scope);
		auto &connection = GetConnection(scope, command.connection_name);
		auto result = connection.Query(sql);
		if (result->HasError()) {
			Fail(command, scope, sql, "Query failed:\n" + result->GetError());
		}
		if (result->ColumnCount() != command.column_count) {
			Fail(command, scope, sql,
			     "Wrong column count: the header `query " + command.parameters[0] + "` declares " +
			         std::to_string(command.column_count) + ", the result has " +
			         std::to_string(result->ColumnCount()) + " (" + StringUtil::Join(result->names, ", ") + ")");
		}
		auto actual = ResultValueTexts(*connection.context, *result);
		SortResultValues(command.sort_style, command.column_count, actual);

		if (command.has_expected || command.query_label.empty()) {
			auto expected_lines = Substitute(command.expected_lines, scope);
			if (expected_lines.size() == 1 && expected_lines[0].find(" values hashing to ") != string::npos) {
				Fail(command, scope, sql, "`N values hashing to HASH` results are not supported; write the rows");
			}
			vector<string> expected;
			string error;
			if (!SplitExpectedValues(expected_lines, command.column_count, expected, error)) {
				Fail(command, scope, sql, "Malformed expected result: " + error);
			}
			SortResultValues(command.sort_style, command.column_count, expected);
			auto comparison = CompareResultValues(result->types, actual, expected);
			if (!comparison.matches) {
				Fail(command, scope, sql, comparison.description);
			}
		}
		if (!command.query_label.empty()) {
			std::unique_lock<std::mutex> guard(lock);
			auto entry = labelled_results.find(command.query_label);
			if (entry == labelled_results.end()) {
				labelled_results.emplace(command.query_label, actual);
				return;
			}
			auto earlier = entry->second;
			guard.unlock();
			auto comparison = CompareResultValues(result->types, actual, earlier);
			if (!comparison.matches) {
				Fail(command, scope, sql,
				     "Result differs from the earlier query labelled '" + command.query_label + "' (shown as expected)\n" +
				         comparison.description);
			}
		}
	}

	//! One map of loop variables per iteration.
	vector<std::map<string, string>> LoopIterations(const SqlLogicCommand &command, ExecutionScope &scope) {
		auto &params = command.parameters;
		vector<std::map<string, string>> iterations;
		if (!command.is_foreach) {
			auto start = std::stoll(Substitute(params[1], scope));
			auto end = std::stoll(Substitute(params[2], scope));
			for (auto i = start; i < end; i++) {
				std::map<string, string> iteration;
				iteration[params[0]] = std::to_string(i);
				iterations.push_back(std::move(iteration));
			}
			return iterations;
		}
		// foreach a,b 1,x 2,y: several variables take the comma-separated parts of each value.
		auto names = StringUtil::Split(params[0], ',');
		for (idx_t i = 1; i < params.size(); i++) {
			auto value = Substitute(params[i], scope);
			auto parts = names.size() == 1 ? vector<string> {value} : StringUtil::Split(value, ',');
			if (parts.size() != names.size()) {
				Fail(command, scope, "",
				     "foreach value '" + value + "' has " + std::to_string(parts.size()) + " parts for " +
				         std::to_string(names.size()) + " variables");
			}
			std::map<string, string> iteration;
			for (idx_t n = 0; n < names.size(); n++) {
				iteration[names[n]] = parts[n];
			}
			iterations.push_back(iteration);
		}
		return iterations;
	}

	void ExecuteLoop(const SqlLogicCommand &command, ExecutionScope &scope) {
		auto iterations = LoopIterations(command, scope);
		if (!command.concurrent) {
			for (auto &iteration : iterations) {
				ExecutionScope inner = scope;
				for (auto &variable : iteration) {
					inner.loop_variables[variable.first] = variable.second;
				}
				Execute(command.body, inner);
			}
			return;
		}
		// Every iteration runs at once on connections of its own; the first failure is reported.
		std::mutex failure_lock;
		std::exception_ptr first_failure;
		vector<std::thread> threads;
		for (auto &iteration : iterations) {
			threads.emplace_back([&, iteration]() {
				ConnectionSet own_connections;
				ExecutionScope inner = scope;
				inner.connections = &own_connections;
				inner.in_concurrent_loop = true;
				for (auto &variable : iteration) {
					inner.loop_variables[variable.first] = variable.second;
				}
				try {
					Execute(command.body, inner);
				} catch (...) {
					std::lock_guard<std::mutex> guard(failure_lock);
					if (!first_failure) {
						first_failure = std::current_exception();
					}
				}
			});
		}
		for (auto &thread : threads) {
			thread.join();
		}
		if (first_failure) {
			std::rethrow_exception(first_failure);
		}
	}

	string path;
	SqlLogicTestOptions options;
	std::ostream &out;

	string test_dir;
	unique_ptr<TestCatalogs> catalogs;
	//! "" for an in-memory database (`load` without a path).
	string database_path;
	unique_ptr<DuckDB> database;
	ConnectionSet connections;

	//! Guards test_env and labelled_results, which concurrent loop iterations share.
	std::mutex lock;
	std::map<string, string> test_env;
	std::map<string, vector<string>> labelled_results;
};

} // namespace

TestOutcome RunSqlLogicTestFile(const string &path, const SqlLogicTestOptions &options, std::ostream &out) {
	SqlLogicTestRunner runner(path, options, out);
	return runner.Run();
}

} // namespace duckdb
