//===----------------------------------------------------------------------===//
// bench/tools/commit_latency.cpp
//
// Times autocommit INSERTs one by one, from one writer, with a clock finer than the shell's
// millisecond `.timer`: commit latencies of a few hundred microseconds are what we tune.
//
//   mallard_commit_latency --attach 'ducklake:sqlite:x.sqlite' --data-path d/ [--commits N]
//                          [--rows R] [--inlining-limit L] [--plain] [--shape values|events]
//
// --plain times the same INSERTs into a DuckDB in-memory table (the reference line).
// --shape values (the default): table t (id, ts, name, amount), one VALUES list per commit.
// --shape events: bench/inlining.sh's table `events` (5 columns) and its INSERT ... SELECT over
// range(), so the streaming-ingest benchmark's commits are timed in microseconds.
// Prints one line: commits, median/p99 ms, commits per second (over the whole run).
//===----------------------------------------------------------------------===//
#include "mallard/mallard.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace duckdb;

namespace {

[[noreturn]] void Usage(const char *message) {
	fprintf(stderr, "mallard_commit_latency: %s\nusage: mallard_commit_latency (--attach 'ducklake:...' --data-path DIR | "
	                "--plain) [--commits N] [--rows R] [--inlining-limit L] [--shape values|events]\n",
	        message);
	exit(2);
}

void Check(unique_ptr<MaterializedQueryResult> result) {
	if (result->HasError()) {
		fprintf(stderr, "mallard_commit_latency: %s\n", result->GetError().c_str());
		exit(1);
	}
}

//! One INSERT of `rows` rows with ids starting at `first`: a VALUES list, as a small writer sends.
std::string InsertSql(const std::string &table, long first, long rows) {
	std::string sql = "INSERT INTO " + table + " VALUES ";
	for (long i = 0; i < rows; i++) {
		auto id = std::to_string(first + i);
		sql += (i ? ", (" : "(") + id + ", TIMESTAMP '2026-01-01' + INTERVAL (" + id + ") SECOND, 'event_" + id +
		       "', " + id + " / 7.0)";
	}
	return sql;
}

//! bench/inlining.sh's statement: `rows` generated events with ids starting at `first`.
std::string EventsInsertSql(const std::string &table, long first, long rows) {
	return "INSERT INTO " + table +
	       " SELECT i, ['login', 'click', 'payment', 'error'][i % 4 + 1], (i * 7919) % 1000, (i % 1000) / 10.0, "
	       "TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND FROM range(" +
	       std::to_string(first) + ", " + std::to_string(first + rows) + ") t(i)";
}

} // namespace

int main(int argc, char **argv) {
	// As the mallard binary runs (both modes, so plain DuckDB is measured the same way).
	duckdb::KeepFreedHeapMemory();
	std::string attach, data_path, inlining_limit, shape = "values";
	long commits = 500, rows = 1;
	bool plain = false;
	for (int i = 1; i < argc; i++) {
		std::string arg = argv[i];
		auto next = [&]() -> std::string {
			if (i + 1 >= argc) {
				Usage(("missing value after " + arg).c_str());
			}
			return argv[++i];
		};
		if (arg == "--attach") {
			attach = next();
		} else if (arg == "--data-path") {
			data_path = next();
		} else if (arg == "--commits") {
			commits = std::atol(next().c_str());
		} else if (arg == "--rows") {
			rows = std::atol(next().c_str());
		} else if (arg == "--inlining-limit") {
			inlining_limit = next();
		} else if (arg == "--shape") {
			shape = next();
		} else if (arg == "--plain") {
			plain = true;
		} else {
			Usage(("unknown argument " + arg).c_str());
		}
	}
	if (!plain && (attach.empty() || data_path.empty())) {
		Usage("--attach and --data-path are required");
	}
	if (commits <= 0 || rows <= 0) {
		Usage("--commits and --rows must be positive");
	}
	bool events = shape == "events";
	if (!events && shape != "values") {
		Usage("--shape must be values or events");
	}
	// The reference line is DuckDB as it comes, without what Mallard changes in its own instances.
	auto db = plain ? make_uniq<DuckDB>(nullptr) : OpenMallardDatabase(":memory:");
	Connection con(*db);
	std::string table = events ? "events" : "t";
	if (!plain) {
		std::string options = "DATA_PATH '" + data_path + "'";
		if (!inlining_limit.empty()) {
			options += ", DATA_INLINING_ROW_LIMIT " + inlining_limit;
		}
		Check(con.Query("ATTACH '" + attach + "' AS lake (" + options + ")"));
		table = "lake." + table;
	}
	if (events) {
		Check(con.Query("CREATE TABLE " + table +
		                " (event_id BIGINT, event_type VARCHAR, user_id INTEGER, amount DOUBLE, event_timestamp TIMESTAMP)"));
	} else {
		Check(con.Query("CREATE TABLE " + table + " (id BIGINT, ts TIMESTAMP, name VARCHAR, amount DOUBLE)"));
	}
	std::vector<double> latencies;
	latencies.reserve(commits);
	auto run_start = std::chrono::steady_clock::now();
	for (long c = 0; c < commits; c++) {
		auto sql = events ? EventsInsertSql(table, c * rows, rows) : InsertSql(table, c * rows, rows);
		auto start = std::chrono::steady_clock::now();
		Check(con.Query(sql));
		std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
		latencies.push_back(elapsed.count());
	}
	std::chrono::duration<double> total = std::chrono::steady_clock::now() - run_start;
	std::sort(latencies.begin(), latencies.end());
	auto at = [&](double fraction) {
		return latencies[std::min(latencies.size() - 1, size_t(fraction * double(latencies.size())))];
	};
	printf("commits %ld rows_per_commit %ld median_ms %.3f p99_ms %.3f commits_per_s %.0f\n", commits, rows, at(0.5),
	       at(0.99), double(commits) / total.count());
	return 0;
}
