// mallard_sqllogictest: runs sqllogictest files (DuckDB's dialect) against Mallard.
//
//   mallard_sqllogictest [--backend duckdb|sqlite|postgres] FILE...
//
// The last line of the output is always `N passed, N failed` (files), followed by `, N skipped`
// when files were skipped; the exit code is 1 when any file failed.
#include "sqllogic_runner.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

using namespace duckdb;

static void PrintUsage(std::ostream &out) {
	out << "usage: mallard_sqllogictest [--backend duckdb|sqlite|postgres] FILE...\n"
	       "  Runs each .test file on a fresh database. --backend picks the lake catalog that\n"
	       "  ${DUCKLAKE_CONNECTION} expands to (default duckdb). Environment:\n"
	       "    MALLARD_TEST_PG  base conninfo of the PostgreSQL test server\n"
	       "                     (default 'host=127.0.0.1 port=54329 user=postgres'; 'skip' skips postgres runs)\n";
}

int main(int argc, char **argv) {
	SqlLogicTestOptions options;
	vector<string> files;
	for (int i = 1; i < argc; i++) {
		string arg = argv[i];
		if (arg == "--help" || arg == "-h") {
			PrintUsage(std::cout);
			return 0;
		}
		if (arg == "--backend" || arg.rfind("--backend=", 0) == 0) {
			string name;
			if (arg == "--backend") {
				if (i + 1 >= argc) {
					PrintUsage(std::cerr);
					return 2;
				}
				name = argv[++i];
			} else {
				name = arg.substr(string("--backend=").size());
			}
			if (!TryParseCatalogBackend(name, options.backend)) {
				std::cerr << "mallard_sqllogictest: unknown backend '" << name << "' (duckdb, sqlite, postgres)\n";
				return 2;
			}
			continue;
		}
		if (arg.rfind("--", 0) == 0) {
			std::cerr << "mallard_sqllogictest: unknown option '" << arg << "'\n";
			PrintUsage(std::cerr);
			return 2;
		}
		files.push_back(arg);
	}
	if (files.empty()) {
		PrintUsage(std::cerr);
		return 2;
	}

	idx_t passed = 0, failed = 0, skipped = 0;
	for (auto &file : files) {
		auto start = std::chrono::steady_clock::now();
		auto outcome = RunSqlLogicTestFile(file, options, std::cout);
		double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
		switch (outcome) {
		case TestOutcome::PASSED:
			passed++;
			char timing[32];
			snprintf(timing, sizeof(timing), "%.2f", seconds);
			std::cout << "PASS " << file << " [" << CatalogBackendName(options.backend) << "] (" << timing << " s)\n";
			break;
		case TestOutcome::FAILED:
			failed++;
			break;
		case TestOutcome::SKIPPED:
			skipped++;
			break;
		}
		std::cout.flush();
	}
	std::cout << passed << " passed, " << failed << " failed";
	if (skipped > 0) {
		std::cout << ", " << skipped << " skipped";
	}
	std::cout << std::endl;
	return failed > 0 ? 1 : 0;
}
