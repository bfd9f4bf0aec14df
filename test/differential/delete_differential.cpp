// Differential test of DELETE, UPDATE, MERGE INTO, time travel and table_changes on a lake table.
//
// A seeded random sequence of statements runs against a lake table and against a plain in-memory
// DuckDB table (the oracle) in lock step. After every step the two hold the same rows and the
// lake's row ids are those the rows had when inserted (UPDATE keeps them). At the end, every past
// version read with AT (VERSION => n) equals the oracle's copy saved at that step, and
// table_changes between any two versions nets out to the difference of the two oracle copies.
// Some steps run several statements in one BEGIN ... COMMIT on the lake (rows changed in the
// transaction that inserted them); the transaction's own reads are checked before COMMIT.
// Other steps are maintenance (MaintenanceSteps: merge, rewrite, expiry of some past versions,
// cleanup, flush, a new sort order, a new partition spec), which change files and snapshots but no
// row and no row id; time travel and table_changes are then compared only over the snapshots still
// alive. Point queries on k and s after each step check pruning by statistics and partition values.
//
// With --encrypted true the lake is an encrypted one (ATTACH ... (ENCRYPTED)): every file the
// statements and maintenance steps write has its own key, and every read needs the right one.
//
//   mallard_delete_differential --backend duckdb|sqlite --seeds 1-12 --steps 24 --dir /tmp/x [--encrypted true]
#include "mallard/mallard.hpp"

#include "duckdb/common/random_engine.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/materialized_query_result.hpp"

#include <cstdio>
#include <functional>
#include <set>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace duckdb;

namespace {

struct Options {
	string backend = "duckdb";
	idx_t first_seed = 1;
	idx_t last_seed = 12;
	idx_t steps = 24;
	string dir = "/tmp/mallard_delete_differential";
	bool encrypted = false;
};

unique_ptr<MaterializedQueryResult> Run(Connection &con, const string &sql) {
	auto result = con.Query(sql);
	if (result->HasError()) {
		throw std::runtime_error("query failed: " + sql + "\n  " + result->GetError());
	}
	return result;
}

//! The rows where two relations differ as multisets (empty when equal), rendered for a message.
string Difference(Connection &con, const string &left, const string &right) {
	auto result = Run(con, "SELECT 'missing' AS side, * FROM ((" + right + ") EXCEPT ALL (" + left +
	                           ")) UNION ALL SELECT 'extra', * FROM ((" + left + ") EXCEPT ALL (" + right +
	                           ")) LIMIT 10");
	if (result->RowCount() == 0) {
		return string();
	}
	return result->ToString();
}

class SeedRun {
public:
	SeedRun(Connection &con, const Options &options, idx_t seed)
	    : con(con), options(options), seed(seed), random(seed) {
	}

	void Execute() {
		auto lake = "lake_" + std::to_string(seed);
		string dir = options.dir + "/seed_" + std::to_string(seed);
		Run(con, "SELECT 1"); // keep the connection warm
		std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
		string catalog = options.backend == "sqlite" ? "sqlite:" + dir + "/lake.sqlite" : dir + "/lake.ducklake";
		Run(con, "ATTACH 'ducklake:" + catalog + "' AS " + lake + " (DATA_PATH '" + dir + "/data/'" +
		             (options.encrypted ? ", ENCRYPTED" : "") + ")");
		table = lake + ".t";
		oracle = "oracle_" + std::to_string(seed);
		Run(con, "CREATE TABLE " + table + " (id BIGINT, k INTEGER, s VARCHAR)");
		Run(con, "CREATE OR REPLACE TABLE " + oracle + " (id BIGINT, k INTEGER, s VARCHAR)");
		Run(con, "CREATE OR REPLACE TABLE " + oracle + "_rowids (id BIGINT, rid BIGINT)");
		vector<idx_t> versions;
		for (idx_t step = 0; step < options.steps; step++) {
			if (step > 0 && Rand(0, 100) < 25) {
				RunMaintenance(lake, versions);
				RecordVersion(lake, step, versions);
				continue;
			}
			// Some steps run several statements in one transaction on the lake: later ones change rows
			// the earlier ones inserted (the oracle runs them one by one).
			vector<string> statements {RandomStatement()};
			bool in_transaction = Rand(0, 100) < 30;
			if (in_transaction) {
				for (auto extra = Rand(1, 3); extra > 0; extra--) {
					statements.push_back(RandomStatement());
				}
			}
			current.clear();
			for (auto &statement : statements) {
				current += (current.empty() ? "" : "; ") + statement;
				Run(con, Rewrite(statement, oracle));
				// A row deleted and inserted again within the step is a new row with a new row id.
				Run(con, "DELETE FROM " + oracle + "_rowids WHERE id NOT IN (SELECT id FROM " + oracle + ")");
			}
			if (std::getenv("MALLARD_DIFFERENTIAL_VERBOSE")) {
				std::cerr << "seed " << seed << " step " << step << (in_transaction ? " (transaction)" : "") << ": "
				          << current << std::endl;
			}
			if (in_transaction) {
				Run(con, "BEGIN");
			}
			for (auto &statement : statements) {
				Run(con, Rewrite(statement, table));
			}
			if (in_transaction) {
				Check(Difference(con, "SELECT id, k, s FROM " + table, "SELECT id, k, s FROM " + oracle),
				      "lake and oracle differ inside the transaction of step " + std::to_string(step));
				Run(con, "COMMIT");
			}
			RecordVersion(lake, step, versions);
		}
		CheckHistory(lake, versions);
		Run(con, "DETACH " + lake);
	}

private:
	//! Checks the lake against the oracle after a step (rows and row ids) and saves the oracle's
	//! copy for the lake's current snapshot.
	void RecordVersion(const string &lake, idx_t step_number, vector<idx_t> &versions) {
		auto step = std::to_string(step_number);
		auto snapshot = Run(con, "SELECT id FROM " + lake + ".current_snapshot()")->GetValue(0, 0).GetValue<int64_t>();
		Check(Difference(con, "SELECT id, k, s FROM " + table, "SELECT id, k, s FROM " + oracle),
		      "lake and oracle differ after step " + step);
		// Point queries, which prune files by statistics and partition values.
		for (auto &condition : {" WHERE k = " + std::to_string(Rand(0, 10)),
		                        " WHERE s = 's" + std::to_string(Rand(0, next_id + 1)) + "'"}) {
			Check(Difference(con, "SELECT id, k, s FROM " + table + condition,
			                 "SELECT id, k, s FROM " + oracle + condition),
			      "lake and oracle differ after step " + step + " for" + condition);
		}
		// Row ids: new rows get fresh ones; every other row keeps the one it had.
		Run(con, "DELETE FROM " + oracle + "_rowids WHERE id NOT IN (SELECT id FROM " + oracle + ")");
		Run(con, "INSERT INTO " + oracle + "_rowids SELECT id, rowid FROM " + table + " WHERE id NOT IN (SELECT id FROM " +
		             oracle + "_rowids)");
		auto moved = Run(con, "SELECT count(*) FROM " + table + " l JOIN " + oracle +
		                          "_rowids r ON l.id = r.id WHERE l.rowid <> r.rid");
		if (moved->GetValue(0, 0).GetValue<int64_t>() != 0) {
			auto rows = Run(con, "SELECT l.id, l.rowid, r.rid FROM " + table + " l JOIN " + oracle +
			                         "_rowids r ON l.id = r.id WHERE l.rowid <> r.rid ORDER BY l.id LIMIT 10");
			Fail("row ids changed after step " + step + " (id, rowid, was):\n" + rows->ToString());
		}
		auto copy = oracle + "_v" + std::to_string(snapshot);
		Run(con, "CREATE OR REPLACE TABLE " + copy + " AS SELECT * FROM " + oracle);
		if (versions.empty() || versions.back() != NumericCast<idx_t>(snapshot)) {
			versions.push_back(NumericCast<idx_t>(snapshot));
		}
	}

	//! Maintenance steps: each changes files and snapshots, never rows or row ids. A new kind of
	//! step (a flush of inlined data, say) is one more entry.
	void RunMaintenance(const string &lake, vector<idx_t> &versions) {
		struct Step {
			const char *name;
			std::function<string()> statement;
		};
		vector<Step> steps {
		    {"merge", [&]() { return "CALL ducklake_merge_adjacent_files('" + lake + "')"; }},
		    {"rewrite",
		     [&]() {
			     return "CALL ducklake_rewrite_data_files('" + lake + "', delete_threshold => 0." +
			            std::to_string(Rand(0, 6)) + ")";
		     }},
		    {"expire", [&]() { return ExpireSomeVersions(lake, versions); }},
		    {"cleanup", [&]() { return "CALL ducklake_cleanup_old_files('" + lake + "', cleanup_all => true)"; }},
		    {"flush", [&]() { return "CALL ducklake_flush_inlined_data('" + lake + "')"; }},
		    // A sort order makes later inserts, merges, rewrites and flushes reorder rows in their
		    // files: row ids, time travel and table_changes must not notice.
		    {"sort",
		     [&]() {
			     static const char *ORDERS[] = {"SET SORTED BY (k DESC)", "SET SORTED BY (s NULLS FIRST, id DESC)",
			                                    "SET SORTED BY (k % 7, s)", "RESET SORTED BY"};
			     return "ALTER TABLE " + table + " " + ORDERS[Rand(0, 4)];
		     }},
		    // A partition spec splits later writes by key; files keep the spec they were written with,
		    // and scans prune by their values (equality filters on k and s, see RecordVersion).
		    {"partition",
		     [&]() {
			     static const char *SPECS[] = {"SET PARTITIONED BY (bucket(4, k))",
			                                   "SET PARTITIONED BY (bucket(3, s))", "SET PARTITIONED BY (k)",
			                                   "SET PARTITIONED BY (bucket(2, k), bucket(5, s))",
			                                   "RESET PARTITIONED BY"};
			     return "ALTER TABLE " + table + " " + SPECS[Rand(0, 5)];
		     }},
		};
		// Merging is the step with the most ways to go wrong: it gets more turns.
		auto pick = Rand(0, steps.size() + 2);
		auto &step = steps[pick < steps.size() ? pick : 0];
		current = step.statement();
		if (current.empty()) {
			return;
		}
		if (std::getenv("MALLARD_DIFFERENTIAL_VERBOSE")) {
			std::cerr << "seed " << seed << " maintenance " << step.name << ": " << current << std::endl;
		}
		Run(con, current);
	}

	//! Expires one to three past versions (never the latest), which time travel and table_changes
	//! then no longer compare.
	string ExpireSomeVersions(const string &lake, vector<idx_t> &versions) {
		if (versions.size() < 2) {
			return string();
		}
		string list;
		for (auto count = Rand(1, 4); count > 0 && versions.size() >= 2; count--) {
			auto index = Rand(0, versions.size() - 1);
			list += (list.empty() ? "" : ", ") + std::to_string(versions[index]);
			expired.insert(versions[index]);
			versions.erase(versions.begin() + NumericCast<int64_t>(index));
		}
		return "CALL ducklake_expire_snapshots('" + lake + "', versions => [" + list + "])";
	}

	//! Every alive version read with AT (VERSION) equals its oracle copy; table_changes over ranges
	//! of alive snapshots nets out to the difference of the oracle copies.
	void CheckHistory(const string &lake, const vector<idx_t> &versions) {
		for (auto version : versions) {
			Check(Difference(con, "SELECT id, k, s FROM " + table + " AT (VERSION => " + std::to_string(version) + ")",
			                 "SELECT id, k, s FROM " + oracle + "_v" + std::to_string(version)),
			      "time travel to version " + std::to_string(version) + " differs from the oracle copy");
		}
		for (idx_t pair = 0; pair < 12 && versions.size() >= 2; pair++) {
			auto a = versions[Rand(0, versions.size())];
			auto b = versions[Rand(0, versions.size())];
			if (a > b) {
				std::swap(a, b);
			}
			bool alive = true;
			for (auto id : expired) {
				alive = alive && (id < a || id > b);
			}
			if (!alive) {
				continue; // expired snapshots in between: their files may be gone
			}
			auto changes = "FROM " + lake + ".table_changes('t', " + std::to_string(a + 1) + ", " + std::to_string(b) + ")";
			auto net = "SELECT id, k, s, sum(sign) AS n FROM (SELECT id, k, s, 1 AS sign FROM " + oracle + "_v" +
			           std::to_string(b) + " UNION ALL SELECT id, k, s, -1 FROM " + oracle + "_v" + std::to_string(a) +
			           " UNION ALL SELECT id, k, s, CASE WHEN change_type IN ('insert', 'update_postimage') THEN -1 "
			           "ELSE 1 END " +
			           changes + ") GROUP BY ALL HAVING sum(sign) <> 0";
			auto result = Run(con, net);
			if (result->RowCount() != 0) {
				Fail("table_changes between versions " + std::to_string(a) + " and " + std::to_string(b) +
				     " does not net to the oracle difference:\n" + result->ToString());
			}
			// An update is a pre- and a post-image of one row id in one snapshot.
			auto unpaired = Run(con, "SELECT count(*) FROM (SELECT snapshot_id, rowid, count(*) FILTER (WHERE "
			                         "change_type = 'update_preimage') p, count(*) FILTER (WHERE change_type = "
			                         "'update_postimage') q " +
			                             changes + " GROUP BY ALL) WHERE p <> q");
			if (unpaired->GetValue(0, 0).GetValue<int64_t>() != 0) {
				Fail("table_changes has unpaired update images");
			}
		}
	}

	//! The statement with TARGET standing for the table it runs on.
	string RandomStatement() {
		auto kind = Rand(0, 100);
		auto lo = Rand(0, next_id + 1);
		auto hi = lo + Rand(0, 40);
		auto k = Rand(0, 10);
		if (kind < 35 || next_id < 20) {
			auto count = Rand(1, 60);
			auto first = next_id;
			next_id += count;
			return "INSERT INTO TARGET SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE (i * " + std::to_string(k + 3) +
			       ") % 10 END, 's' || i FROM range(" + std::to_string(first) + ", " + std::to_string(next_id) + ") r(i)";
		}
		if (kind < 55) {
			return "DELETE FROM TARGET WHERE id BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi) +
			       " OR k = " + std::to_string(k);
		}
		if (kind < 80) {
			if (kind % 2 == 0) {
				return "UPDATE TARGET SET k = coalesce(k, 0) + 1, s = s || 'u' WHERE id BETWEEN " + std::to_string(lo) +
				       " AND " + std::to_string(hi);
			}
			return "UPDATE TARGET SET s = 'k' || k WHERE k = " + std::to_string(k);
		}
		if (kind < 85) {
			return "DELETE FROM TARGET WHERE id % " + std::to_string(k + 2) + " = 1";
		}
		// MERGE: update matched rows, delete some, insert new ones.
		auto count = Rand(1, 30);
		auto first = lo;
		auto last = lo + count;
		if (last > next_id) {
			next_id = last;
		}
		return "MERGE INTO TARGET t USING (SELECT i AS id, (i * 3) % 10 AS k, 'm' || i AS s FROM range(" +
		       std::to_string(first) + ", " + std::to_string(last) +
		       ") r(i)) src ON t.id = src.id WHEN MATCHED AND src.k < 3 THEN DELETE WHEN MATCHED THEN UPDATE SET k = "
		       "src.k, s = src.s WHEN NOT MATCHED THEN INSERT VALUES (src.id, src.k, src.s)";
	}

	//! A random integer in [low, high).
	idx_t Rand(idx_t low, idx_t high) {
		return random.NextRandomInteger(NumericCast<uint32_t>(low), NumericCast<uint32_t>(high));
	}

	static string Rewrite(const string &statement, const string &target) {
		string result = statement;
		auto pos = result.find("TARGET");
		while (pos != string::npos) {
			result.replace(pos, 6, target);
			pos = result.find("TARGET", pos + target.size());
		}
		return result;
	}

	void Check(const string &difference, const string &what) {
		if (!difference.empty()) {
			Fail(what + ":\n" + difference);
		}
	}

	[[noreturn]] void Fail(const string &what) {
		throw std::runtime_error("seed " + std::to_string(seed) + ": " + what + "\n  last statement: " + current);
	}

	Connection &con;
	const Options &options;
	idx_t seed;
	RandomEngine random;
	string table;
	string oracle;
	string current;
	idx_t next_id = 0;
	//! Snapshots expired by maintenance steps.
	std::set<idx_t> expired;
};

Options ParseOptions(int argc, char **argv) {
	Options options;
	for (int i = 1; i + 1 < argc; i += 2) {
		string flag = argv[i];
		string value = argv[i + 1];
		if (flag == "--backend") {
			options.backend = value;
		} else if (flag == "--seeds") {
			auto dash = value.find('-');
			options.first_seed = std::stoull(value.substr(0, dash));
			options.last_seed = dash == string::npos ? options.first_seed : std::stoull(value.substr(dash + 1));
		} else if (flag == "--steps") {
			options.steps = std::stoull(value);
		} else if (flag == "--dir") {
			options.dir = value;
		} else if (flag == "--encrypted") {
			options.encrypted = value == "true";
		} else {
			throw std::runtime_error("unknown flag " + flag);
		}
	}
	return options;
}

} // namespace

int main(int argc, char **argv) {
	try {
		auto options = ParseOptions(argc, argv);
		auto db = OpenMallardDatabase(":memory:");
		Connection con(*db);
		for (auto seed = options.first_seed; seed <= options.last_seed; seed++) {
			SeedRun run(con, options, seed);
			run.Execute();
			std::cout << "seed " << seed << ": ok" << std::endl;
		}
		return 0;
	} catch (std::exception &ex) {
		std::cerr << "FAILED: " << ex.what() << std::endl;
		return 1;
	}
}
