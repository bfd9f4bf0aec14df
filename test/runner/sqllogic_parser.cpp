#include "sqllogic_parser.hpp"

#include <fstream>
#include <sstream>

namespace duckdb {

namespace {

bool IsBlank(const string &line) {
	return line.find_first_not_of(" \t") == string::npos;
}

bool IsBlankOrComment(const string &line) {
	return IsBlank(line) || line[0] == '#';
}

vector<string> Tokenize(const string &line) {
	vector<string> tokens;
	std::istringstream stream(line);
	string token;
	while (stream >> token) {
		tokens.push_back(token);
	}
	return tokens;
}

class SqlLogicParser {
public:
	SqlLogicParser(const string &file_name, const string &text) : file_name(file_name) {
		std::istringstream stream(text);
		string line;
		while (std::getline(stream, line)) {
			if (!line.empty() && line.back() == '\r') {
				line.pop_back();
			}
			lines.push_back(line);
		}
	}

	vector<SqlLogicCommand> Parse() {
		return ParseBlock(false, 0);
	}

private:
	[[noreturn]] void Fail(idx_t line, const string &message) {
		throw SqlLogicParseError(file_name + ":" + std::to_string(line) + ": " + message);
	}

	//! Commands up to the end of the file, or up to the `endloop` of the loop opened at `loop_line`.
	vector<SqlLogicCommand> ParseBlock(bool in_loop, idx_t loop_line) {
		vector<SqlLogicCommand> commands;
		vector<SqlLogicCondition> conditions;
		idx_t condition_line = 0;
		while (current < lines.size()) {
			if (IsBlankOrComment(lines[current])) {
				current++;
				continue;
			}
			idx_t header_line = current + 1;
			auto tokens = Tokenize(lines[current]);
			current++;
			string keyword = tokens[0];
			vector<string> params(tokens.begin() + 1, tokens.end());

			if (keyword == "skipif" || keyword == "onlyif") {
				if (params.size() != 1) {
					Fail(header_line, keyword + " takes one backend name (duckdb, sqlite, postgres)");
				}
				conditions.push_back(SqlLogicCondition {keyword == "onlyif", params[0]});
				condition_line = header_line;
				continue;
			}
			if (keyword == "endloop") {
				if (!in_loop) {
					Fail(header_line, "endloop without loop");
				}
				if (!conditions.empty()) {
					Fail(condition_line, "skipif/onlyif must be followed by a command");
				}
				return commands;
			}
			if (keyword == "mode") {
				if (params.size() != 1) {
					Fail(header_line, "mode takes one argument (skip, unskip)");
				}
				// Other DuckDB modes (output_result, debug, ...) change only what is printed.
				if (params[0] == "skip") {
					skipping = true;
				} else if (params[0] == "unskip") {
					skipping = false;
				}
				continue;
			}

			SqlLogicCommand command;
			command.line = header_line;
			command.parameters = params;
			command.conditions = std::move(conditions);
			conditions.clear();

			if (keyword == "statement") {
				ParseStatement(command);
			} else if (keyword == "query") {
				ParseQuery(command);
			} else if (keyword == "loop" || keyword == "concurrentloop") {
				if (params.size() != 3) {
					Fail(header_line, keyword + " takes a variable, a start and an (exclusive) end: loop i 0 10");
				}
				command.type = SqlLogicCommandType::LOOP;
				command.concurrent = keyword == "concurrentloop";
				command.body = ParseBlock(true, header_line);
			} else if (keyword == "foreach" || keyword == "concurrentforeach") {
				if (params.size() < 2) {
					Fail(header_line, keyword + " takes a variable and at least one value: foreach x a b c");
				}
				command.type = SqlLogicCommandType::LOOP;
				command.is_foreach = true;
				command.concurrent = keyword == "concurrentforeach";
				command.body = ParseBlock(true, header_line);
			} else if (keyword == "require") {
				ExpectParameters(command, keyword, 1, 2);
				command.type = SqlLogicCommandType::REQUIRE;
			} else if (keyword == "require-env") {
				ExpectParameters(command, keyword, 1, 2);
				command.type = SqlLogicCommandType::REQUIRE_ENV;
			} else if (keyword == "test-env") {
				ExpectParameters(command, keyword, 2, 2);
				command.type = SqlLogicCommandType::TEST_ENV;
			} else if (keyword == "load") {
				ExpectParameters(command, keyword, 0, 2);
				if (params.size() == 2 && params[1] != "readonly") {
					Fail(header_line, "load takes a path and optionally `readonly`");
				}
				command.type = SqlLogicCommandType::LOAD;
			} else if (keyword == "restart") {
				// DuckDB's `restart no_extension_load` is accepted; Mallard is always loaded.
				ExpectParameters(command, keyword, 0, 1);
				command.type = SqlLogicCommandType::RESTART;
			} else if (keyword == "halt") {
				ExpectParameters(command, keyword, 0, 0);
				command.type = SqlLogicCommandType::HALT;
			} else if (keyword == "sleep") {
				ExpectParameters(command, keyword, 1, 2);
				command.type = SqlLogicCommandType::SLEEP;
			} else {
				Fail(header_line, "unknown command '" + keyword + "'");
			}
			if (!skipping) {
				commands.push_back(std::move(command));
			}
		}
		if (in_loop) {
			Fail(loop_line, "loop without endloop");
		}
		if (!conditions.empty()) {
			Fail(condition_line, "skipif/onlyif must be followed by a command");
		}
		return commands;
	}

	void ExpectParameters(const SqlLogicCommand &command, const string &keyword, idx_t min, idx_t max) {
		auto count = command.parameters.size();
		if (count < min || count > max) {
			Fail(command.line, keyword + " takes " +
			                       (min == max ? std::to_string(min)
			                                   : std::to_string(min) + " to " + std::to_string(max)) +
			                       " argument(s), got " + std::to_string(count));
		}
	}

	//! The SQL after a statement/query header: lines up to a blank line, a comment or `----`, then
	//! the lines after `----` up to a blank line.
	void ParseBody(SqlLogicCommand &command) {
		string sql;
		while (current < lines.size() && !IsBlankOrComment(lines[current]) && lines[current] != "----") {
			if (!sql.empty()) {
				sql += "\n";
			}
			sql += lines[current];
			current++;
		}
		if (sql.empty()) {
			Fail(command.line, "missing SQL after the command");
		}
		command.sql = sql;
		if (current < lines.size() && lines[current] == "----") {
			current++;
			command.has_expected = true;
			while (current < lines.size() && !IsBlank(lines[current])) {
				command.expected_lines.push_back(lines[current]);
				current++;
			}
		}
	}

	void ParseStatement(SqlLogicCommand &command) {
		auto &params = command.parameters;
		if (params.empty() || params.size() > 2) {
			Fail(command.line, "expected `statement ok|error|maybe [connection]`");
		}
		command.type = SqlLogicCommandType::STATEMENT;
		if (params[0] == "ok") {
			command.expectation = StatementExpectation::OK;
		} else if (params[0] == "error") {
			command.expectation = StatementExpectation::ERROR;
		} else if (params[0] == "maybe") {
			command.expectation = StatementExpectation::MAYBE;
		} else {
			Fail(command.line, "statement must be followed by ok, error or maybe, not '" + params[0] + "'");
		}
		if (params.size() == 2) {
			command.connection_name = params[1];
		}
		ParseBody(command);
		if (command.has_expected && command.expectation == StatementExpectation::OK) {
			Fail(command.line, "`statement ok` cannot have a `----` section; use `query` to check rows");
		}
	}

	void ParseQuery(SqlLogicCommand &command) {
		auto &params = command.parameters;
		if (params.empty() || params.size() > 3) {
			Fail(command.line, "expected `query <column types> [nosort|rowsort|valuesort|connection] [label]`");
		}
		command.type = SqlLogicCommandType::QUERY;
		for (char c : params[0]) {
			if (c < 'A' || c > 'Z') {
				Fail(command.line, "column types must be upper-case letters, one per column (I, T, R, B, ...), not '" +
				                       params[0] + "'");
			}
		}
		command.column_count = params[0].size();
		if (params.size() > 1) {
			auto &mode = params[1];
			if (mode == "nosort") {
				command.sort_style = SortStyle::NO_SORT;
			} else if (mode == "rowsort" || mode == "sort") {
				command.sort_style = SortStyle::ROW_SORT;
			} else if (mode == "valuesort") {
				command.sort_style = SortStyle::VALUE_SORT;
			} else {
				// As in DuckDB: a word that is no sort mode names the connection.
				command.connection_name = mode;
			}
		}
		if (params.size() > 2) {
			command.query_label = params[2];
		}
		ParseBody(command);
	}

	string file_name;
	vector<string> lines;
	idx_t current = 0;
	bool skipping = false;
};

} // namespace

vector<SqlLogicCommand> ParseSqlLogicTest(const string &file_name, const string &text) {
	SqlLogicParser parser(file_name, text);
	return parser.Parse();
}

vector<SqlLogicCommand> ParseSqlLogicTestFile(const string &path) {
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		throw SqlLogicParseError(path + ": cannot open the test file");
	}
	std::stringstream buffer;
	buffer << in.rdbuf();
	return ParseSqlLogicTest(path, buffer.str());
}

} // namespace duckdb
