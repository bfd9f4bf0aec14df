#include "mallard/pipeline/demo_command.hpp"

#include "mallard/pipeline/event_generator.hpp"
#include "mallard/pipeline/event_pipeline.hpp"
#include "mallard/pipeline/private_postgres.hpp"

#include "duckdb/common/box_renderer.hpp"
#include "duckdb/common/error_data.hpp"

#include <filesystem>

namespace duckdb {

namespace {

//! The demo's running state: the pipeline whose lake connection it queries.
class Demo {
public:
	explicit Demo(EventPipeline &pipeline) : pipeline(pipeline) {
	}

	void Section(const string &title) {
		printf("\n== %s ==\n", title.c_str());
	}
	void Say(const string &text) {
		printf("%s\n", text.c_str());
		fflush(stdout);
	}

	//! Prints the query and its answer. With `explanation`, an error becomes a note with that
	//! explanation; without, it is raised.
	bool Show(const string &sql, const string &explanation = "") {
		printf("\n%s\n", sql.c_str());
		auto &lake = pipeline.Lake();
		auto result = lake.Query(sql);
		if (result->HasError()) {
			auto message = result->GetError();
			if (explanation.empty()) {
				result->ThrowError();
			}
			printf("  (no answer: %s: %s)\n", explanation.c_str(), message.substr(0, message.find('\n')).c_str());
			return false;
		}
		BoxRendererConfig config;
		config.max_width = 120;
		config.max_rows = 12;
		config.max_col_width = 40;
		printf("%s", result->ToBox(*lake.context, config).c_str());
		fflush(stdout);
		return true;
	}

	Value Scalar(const string &sql) {
		return RunLakeQuery(pipeline.Lake(), sql)->GetValue(0, 0);
	}

	//! Its connection is not held: a pipeline run that fails and retries opens a new one.
	EventPipeline &pipeline;
};

void CheckStop() {
	if (StopRequested()) {
		throw InterruptException();
	}
}

} // namespace

static void RunDemo(const string &folder) {
	auto start = Timestamp::GetCurrentTimestamp();
	printf("Mallard demo: application events in PostgreSQL, promoted exactly once into a lake, queried\n"
	       "back in time. Everything runs on this machine and is removed at the end, except the lake.\n");
	printf("\n== 1. A private PostgreSQL as the application database ==\n");
	PrivatePostgres postgres;
	printf("started %s\n", postgres.Description().c_str());

	std::error_code ignored;
	std::filesystem::remove_all(folder, ignored); // the previous demo's lake
	PipelineOptions options;
	options.source = postgres.ConnectionString();
	options.lake.catalog = "ducklake:sqlite:" + folder + "/catalog.sqlite";
	options.lake.data_path = folder + "/data/";
	options.lake.data_path_given = true;
	EventPipeline pipeline(options);
	Demo demo(pipeline);
	printf("lake: ATTACH '%s' AS lake (DATA_PATH '%s')\n", options.lake.catalog.c_str(),
	       options.lake.data_path.c_str());

	demo.Section("2. Generate events, run the pipeline after each batch");
	demo.Say("The generator writes batches into ducklake_src.events; in an empty table the first batch starts\n"
	         "30 days ago, so these batches are history. Each pipeline run reads only rows not yet in the\n"
	         "lake and commits them together with its state as one lake snapshot: 150 small runs, so that\n"
	         "the article's snapshot numbers (42, 100..150) exist.");
	GenerateOptions generate;
	generate.source = options.source;
	generate.rows = 60;
	generate.quiet = true;
	generate.delay = 0;
	string time_mark;
	int64_t snapshot_at_mark = -1;
	const idx_t history_runs = 150;
	for (idx_t run = 1; run <= history_runs; run++) {
		CheckStop();
		GenerateEvents(generate);
		auto result = pipeline.Run();
		if (run == 1 || run % 30 == 0) {
			printf("run %3llu: %s\n", (unsigned long long)run, result.ToString().c_str());
			fflush(stdout);
		}
		if (run == 40) {
			// A moment between two snapshots, for time travel by time.
			time_mark = demo.Scalar("SELECT now()::VARCHAR").ToString();
			snapshot_at_mark = result.snapshot_id;
		}
	}
	CheckStop();
	demo.Say("\nThe article's first query looks at the last hour, but everything so far is weeks old. So the\n"
	         "next batch starts 50 minutes ago (generate --start-at): these are the 'live' events.");
	generate.start_at = Timestamp::ToString(Timestamp::FromEpochMicroSeconds(
	    Timestamp::GetEpochMicroSeconds(Timestamp::GetCurrentTimestamp()) - 50 * Interval::MICROS_PER_MINUTE));
	generate.rows = 1500;
	GenerateEvents(generate);
	auto recent = pipeline.Run();
	printf("recent batch of %llu: %s\n", (unsigned long long)generate.rows, recent.ToString().c_str());
	auto again = pipeline.Run();
	printf("once more, nothing new: %s\n", again.ToString().c_str());

	demo.Section("3. The article's queries");
	demo.Say("DuckDB's parser binds ->> more loosely than = and AND, so the article's\n"
	         "  details->>'severity' = 'critical'   is written here as   (details->>'severity') = 'critical'.");
	CheckStop();
	demo.Say("\n-- Current data: event counts by type in the last hour (the recent batch)");
	demo.Show("SELECT event_type, COUNT(*) as count FROM lake.events\n"
	          "WHERE event_timestamp > NOW() - INTERVAL '1 hour' GROUP BY event_type;");

	demo.Say("\n-- Historical data from yesterday");
	demo.Show("SELECT * FROM lake.events AT (TIMESTAMP => NOW() - INTERVAL '1 day');",
	          "this lake was created seconds ago: there is no snapshot from a day ago");
	demo.Say("-- ... so, as of a moment just after run 40 (snapshot " + std::to_string(snapshot_at_mark) +
	         "), and as of that snapshot");
	demo.Show("SELECT count(*) AS events FROM lake.events AT (TIMESTAMP => TIMESTAMPTZ '" + time_mark + "');");
	demo.Show("SELECT event_type, count(*) AS events FROM lake.events AT (VERSION => " +
	          std::to_string(snapshot_at_mark) + ") GROUP BY event_type ORDER BY events DESC;");

	CheckStop();
	demo.Say("\n-- Compare versions: critical errors inserted between snapshots 100 and 150");
	demo.Show("FROM lake.table_changes('events', 100, 150)\n"
	          "WHERE change_type = 'insert' AND (details->>'severity') = 'critical';");

	demo.Say("\n-- A user's journey at version 42 (user_1234 may not have appeared by then ...)");
	demo.Show("SELECT * FROM lake.events AT (VERSION => 42)\n"
	          "WHERE (details->>'user_id') = 'user_1234' ORDER BY event_timestamp;");
	// The first user seen at version 42.
	auto user = demo.Scalar("SELECT details->>'user_id' FROM lake.events AT (VERSION => 42) "
	                        "WHERE (details->>'user_id') IS NOT NULL ORDER BY event_timestamp LIMIT 1")
	                .ToString();
	demo.Say("-- ... so also for " + user + ", who had");
	demo.Show("SELECT event_timestamp, event_type, details FROM lake.events AT (VERSION => 42)\n"
	          "WHERE (details->>'user_id') = '" +
	          user + "' ORDER BY event_timestamp;");

	CheckStop();
	demo.Section("4. Storage: compaction, column statistics, partitioning");
	demo.Say("-- Every run wrote its own small file; compaction merges adjacent ones");
	demo.Show("SELECT table_name, file_count, file_size_bytes FROM lake.table_info() WHERE table_name = 'events';");
	if (demo.Show("SELECT * FROM ducklake_merge_adjacent_files('lake');")) {
		demo.Show("SELECT table_name, file_count, file_size_bytes FROM lake.table_info() WHERE table_name = "
		          "'events';");
	}
	demo.Say("\n-- Column statistics, kept by the lake for every file (what query pruning uses)");
	demo.Show("SELECT table_id, column_id, contains_null, min_value, max_value\nFROM lake.ducklake_table_column_stats;  "
	          "-- the article's SELECT *, with the columns that fit");
	CheckStop();
	demo.Say("\n-- Partitioning by day (the article's event_date is a column a user would add first;\n"
	         "-- the date transforms need none). day() is the day of the month, as in DuckLake, so\n"
	         "-- year/month/day together make one folder per date. Later inserts write one folder per day.");
	if (demo.Show("ALTER TABLE lake.events SET PARTITIONED BY\n  (year(event_timestamp), month(event_timestamp), day(event_timestamp));")) {
		generate.start_at.clear();
		generate.rows = 3000;
		GenerateEvents(generate);
		auto result = pipeline.Run();
		printf("one more batch, partitioned: %s\n", result.ToString().c_str());
		demo.Show("SELECT path, record_count FROM lake.ducklake_data_file ORDER BY data_file_id DESC LIMIT 5;");
	}

	demo.Section("5. Snapshots");
	demo.Show("SELECT count(*) AS snapshots, max(snapshot_id) AS latest FROM lake.snapshots();");
	demo.Show("SELECT snapshot_id, snapshot_time, changes, commit_message FROM lake.snapshots()\n"
	          "ORDER BY snapshot_id DESC LIMIT 4;");
	pipeline.Lake().Query("DETACH lake");
	postgres.Stop();
	auto seconds = double(Timestamp::GetEpochMicroSeconds(Timestamp::GetCurrentTimestamp()) -
	                      Timestamp::GetEpochMicroSeconds(start)) /
	               1e6;
	printf("\nDone in %.1f s. PostgreSQL stopped and removed; the lake stays in %s/. Query it with:\n"
	       "  build/mallard -c \"ATTACH '%s' AS lake (DATA_PATH '%s')\" -c \"FROM lake.snapshots()\"\n",
	       seconds, folder.c_str(), options.lake.catalog.c_str(), options.lake.data_path.c_str());
}

int RunDemoCommand(int argc, char **argv) {
	try {
		CommandArguments arguments(argc, argv, {});
		if (arguments.Has("help")) {
			printf("Usage: mallard demo [--lake FOLDER]\n"
			       "Starts a private PostgreSQL, generates events, runs the pipeline into a lake in FOLDER\n"
			       "(default mallard-demo; replaced if it exists) and shows the article's queries.\n");
			return 0;
		}
		arguments.CheckKnown({"lake"});
		InstallStopHandlers();
		// Absolute, so the data path stored in the catalog is right from any working directory.
		auto folder = std::filesystem::absolute(arguments.Get("lake", "mallard-demo")).lexically_normal().string();
		while (folder.size() > 1 && folder.back() == '/') {
			folder.pop_back();
		}
		RunDemo(folder);
		return 0;
	} catch (std::exception &ex) {
		if (StopRequested()) {
			fprintf(stderr, "mallard demo: stopped; the private PostgreSQL was shut down\n");
			return 130;
		}
		return ReportCommandError("demo", ex);
	}
}

} // namespace duckdb
