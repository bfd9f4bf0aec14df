// `mallard pipeline run|schedule`: options to PipelineOptions/ScheduleOptions.
#include "mallard/pipeline/event_pipeline.hpp"
#include "mallard/pipeline/pipeline_schedule.hpp"

namespace duckdb {

static void PrintPipelineHelp() {
	printf("Usage: mallard pipeline run|schedule [OPTIONS]\n"
	       "  run        one incremental run: new rows of the PostgreSQL table ducklake_src.events into\n"
	       "             the lake table events (created if missing), exactly once, rows and pipeline\n"
	       "             state in one lake commit\n"
	       "  schedule   the pipeline every --interval seconds, snapshot expiry and file cleanup every\n"
	       "             --expire-interval, compaction every --compact-interval; stops on Ctrl-C/SIGTERM\n"
	       "\n"
	       "  --source CONNINFO          source PostgreSQL (default: $MALLARD_SOURCE)\n"
	       "  --catalog ducklake:...     lake catalog, as ATTACH takes it\n"
	       "                             (default ducklake:sqlite:mallard-lake/catalog.sqlite)\n"
	       "  --data-path DIR            lake data path (default: the lake's own; mallard-lake/data/ for a new lake)\n"
	       "  --name NAME                pipeline name in the state table (default events)\n"
	       "  --retries N                attempts after a transient failure (5), back-off from 0.5 s\n"
	       "  --interval SECONDS         schedule: pipeline interval (60)\n"
	       "  --expire-interval SECONDS  schedule: expiry and cleanup interval (86400)\n"
	       "  --compact-interval SECONDS schedule: compaction interval (604800)\n"
	       "  --keep INTERVAL            schedule: keep snapshots younger than this ('7 days')\n"
	       "  --max-runs N               schedule: stop after N pipeline runs (0: never)\n");
}

int RunPipelineCommand(int argc, char **argv) {
	try {
		CommandArguments arguments(argc, argv, {});
		if (arguments.Has("help") || arguments.Words().size() != 1 ||
		    (arguments.Words()[0] != "run" && arguments.Words()[0] != "schedule")) {
			PrintPipelineHelp();
			return arguments.Has("help") ? 0 : 1;
		}
		arguments.CheckKnown({"source", "catalog", "data-path", "name", "retries", "interval", "expire-interval",
		                      "compact-interval", "keep", "max-runs"});
		PipelineOptions options;
		options.source = SourceFromArguments(arguments);
		options.lake = LakeOptions::FromArguments(arguments);
		options.name = arguments.Get("name", options.name);
		options.retries = arguments.GetInteger("retries", options.retries);
		InstallStopHandlers();
		if (arguments.Words()[0] == "run") {
			EventPipeline pipeline(options);
			auto result = pipeline.Run();
			printf("pipeline run: %s\n", result.ToString().c_str());
			return 0;
		}
		ScheduleOptions schedule;
		schedule.pipeline = options;
		schedule.pipeline_interval = arguments.GetSeconds("interval", schedule.pipeline_interval);
		schedule.expire_interval = arguments.GetSeconds("expire-interval", schedule.expire_interval);
		schedule.compact_interval = arguments.GetSeconds("compact-interval", schedule.compact_interval);
		schedule.keep = arguments.Get("keep", schedule.keep);
		schedule.max_runs = arguments.GetInteger("max-runs", 0);
		RunSchedule(schedule);
		return 0;
	} catch (std::exception &ex) {
		return ReportCommandError("pipeline", ex);
	}
}

} // namespace duckdb
