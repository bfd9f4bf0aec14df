// The shell's dot-commands: .tables, .schema, .mode, .timer, .read, .help, .quit/.exit.
#include "mallard/cli/shell.hpp"

#include "duckdb/common/printer.hpp"
#include "duckdb/main/materialized_query_result.hpp"

#include <cstdio>
#include <iostream>

namespace duckdb {

const char *Shell::HelpText() {
	return ".exit [CODE]            Exit the shell, with exit code CODE if given\n"
	       ".help                   Show this message\n"
	       ".mode [box|csv|json|line]\n"
	       "                        Set the output mode (without an argument: show it)\n"
	       ".quit                   Exit the shell\n"
	       ".read FILE              Run the SQL statements and dot-commands in FILE\n"
	       ".schema [PATTERN]       Show the CREATE statements of tables and views matching the\n"
	       "                        LIKE pattern PATTERN (case-insensitive)\n"
	       ".tables [PATTERN]       List the tables and views matching the LIKE pattern PATTERN\n"
	       ".timer on|off           Print the run time of each statement\n";
}

//! Splits a dot-command line into words; '...' or "..." keep spaces inside one word (a file name).
static vector<string> SplitCommandWords(const string &line) {
	vector<string> words;
	idx_t i = 0;
	while (i < line.size()) {
		while (i < line.size() && StringUtil::CharacterIsSpace(line[i])) {
			i++;
		}
		if (i >= line.size()) {
			break;
		}
		string word;
		if (line[i] == '\'' || line[i] == '"') {
			char quote = line[i++];
			while (i < line.size() && line[i] != quote) {
				word += line[i++];
			}
			i++; // the closing quote
		} else {
			while (i < line.size() && !StringUtil::CharacterIsSpace(line[i])) {
				word += line[i++];
			}
		}
		words.push_back(std::move(word));
	}
	return words;
}

void Shell::RunDotCommand(const string &line) {
	auto words = SplitCommandWords(line);
	auto &command = words[0];
	idx_t argument_count = words.size() - 1;
	if ((command == ".quit" || command == ".exit") && argument_count <= 1) {
		if (argument_count == 1) {
			exit_code = std::atoi(words[1].c_str());
		}
		stopped = true;
	} else if (command == ".help" && argument_count == 0) {
		printf("%s", HelpText());
	} else if (command == ".mode" && argument_count <= 1) {
		if (argument_count == 0) {
			printf("%s\n", OutputModeName(settings.mode));
		} else if (!TryParseOutputMode(words[1], settings.mode)) {
			ReportError("Error: unknown mode \"" + words[1] + "\": use box, csv, json or line");
		}
	} else if (command == ".timer" && argument_count == 1 && (words[1] == "on" || words[1] == "off")) {
		settings.timer = words[1] == "on";
	} else if (command == ".read" && argument_count == 1) {
		RunFile(words[1]);
	} else if (command == ".tables" && argument_count <= 1) {
		ListTables(argument_count == 1 ? words[1] : "%");
	} else if (command == ".schema" && argument_count <= 1) {
		ShowSchema(argument_count == 1 ? words[1] : "%");
	} else {
		string text = line;
		StringUtil::Trim(text);
		ReportError("Error: unknown command or invalid arguments: \"" + text.substr(1) +
		            "\". Enter \".help\" for help");
		return;
	}
	fflush(stdout);
}

bool Shell::QueryStrings(const string &sql, vector<Value> parameters, vector<string> &rows) {
	auto prepared = connection.Prepare(sql);
	if (prepared->HasError()) {
		ReportError(prepared->GetError());
		return false;
	}
	auto result = prepared->Execute(parameters, false);
	if (result->HasError()) {
		ReportError(result->GetError());
		return false;
	}
	auto &materialized = result->Cast<MaterializedQueryResult>();
	for (idx_t r = 0; r < materialized.RowCount(); r++) {
		rows.push_back(materialized.GetValue(0, r).ToString());
	}
	return true;
}

void Shell::ListTables(const string &pattern) {
	// Names outside the current database and schema (attached lakes, temp tables) are qualified.
	static const char *SQL = R"(
		SELECT CASE WHEN database_name = current_database() AND schema_name = current_schema() THEN name
		            ELSE database_name || '.' || schema_name || '.' || name END AS qualified
		FROM (SELECT database_name, schema_name, table_name AS name FROM duckdb_tables() WHERE NOT internal
		      UNION ALL
		      SELECT database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal)
		WHERE name ILIKE $1
		ORDER BY qualified)";
	vector<string> names;
	if (!QueryStrings(SQL, {Value(pattern)}, names) || names.empty()) {
		return;
	}
	// Laid out in columns, filled top to bottom, like the sqlite and duckdb shells.
	idx_t column_width = 0;
	for (auto &name : names) {
		column_width = MaxValue<idx_t>(column_width, name.size() + 2);
	}
	idx_t line_width = Printer::IsTerminal(OutputStream::STREAM_STDOUT) ? Printer::TerminalWidth() : 80;
	idx_t columns = MaxValue<idx_t>(1, line_width / column_width);
	idx_t rows = (names.size() + columns - 1) / columns;
	for (idx_t r = 0; r < rows; r++) {
		string text;
		for (idx_t c = 0; c < columns; c++) {
			idx_t i = c * rows + r;
			if (i < names.size()) {
				text += names[i] + string(column_width - names[i].size(), ' ');
			}
		}
		StringUtil::RTrim(text);
		printf("%s\n", text.c_str());
	}
}

void Shell::ShowSchema(const string &pattern) {
	// Each table, then its indexes; views sort among the tables by name.
	static const char *SQL = R"(
		SELECT sql FROM (
		    SELECT table_name AS name, 0 AS kind, sql FROM duckdb_tables() WHERE NOT internal
		    UNION ALL
		    SELECT view_name, 1, sql FROM duckdb_views() WHERE NOT internal
		    UNION ALL
		    SELECT table_name, 2, sql FROM duckdb_indexes() WHERE sql IS NOT NULL)
		WHERE name ILIKE $1
		ORDER BY name, kind, sql)";
	vector<string> statements;
	if (!QueryStrings(SQL, {Value(pattern)}, statements)) {
		return;
	}
	for (auto &statement : statements) {
		StringUtil::Trim(statement);
		printf("%s%s\n", statement.c_str(), StringUtil::EndsWith(statement, ";") ? "" : ";");
	}
}

} // namespace duckdb
