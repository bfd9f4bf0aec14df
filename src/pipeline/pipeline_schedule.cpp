#include "mallard/pipeline/pipeline_schedule.hpp"

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/error_data.hpp"

#include <chrono>

namespace duckdb {

using ScheduleClock = std::chrono::steady_clock;

static void Log(const string &line) {
	auto now = Timestamp::ToString(Timestamp::GetCurrentTimestamp());
	printf("%s UTC %s\n", now.substr(0, 19).c_str(), line.c_str());
	fflush(stdout);
}

//! Runs one maintenance call; `sql` answers one row whose values fill `summary` (a format with
//! %s per value), e.g. the number of snapshots expired.
static string RunMaintenanceStep(Connection &lake, const string &name, const string &sql, const string &summary,
                                 bool makes_snapshot = false) {
	auto start = ScheduleClock::now();
	if (makes_snapshot) {
		// The snapshot says who made it, and a lake that requires commit messages gets one.
		lake.Query("BEGIN");
		lake.Query("CALL lake.set_commit_message('mallard pipeline', " + MetadataConnection::Literal(name) + ")");
	}
	auto result = lake.Query(sql);
	if (makes_snapshot) {
		auto end = lake.Query(result->HasError() ? "ROLLBACK" : "COMMIT");
		if (end->HasError()) {
			return name + ": failed: " + end->GetError();
		}
	}
	auto seconds = std::chrono::duration<double>(ScheduleClock::now() - start).count();
	if (!result->HasError()) {
		string text = summary;
		for (idx_t column = 0; column < result->ColumnCount(); column++) {
			auto position = text.find("%s");
			if (position != string::npos) {
				text.replace(position, 2, result->GetValue(column, 0).ToString());
			}
		}
		return StringUtil::Format("%s: %s, %.3f s", name, text, seconds);
	}
	auto message = result->GetError();
	return name + ": failed: " + message;
}

static ScheduleClock::time_point After(double seconds) {
	return ScheduleClock::now() + std::chrono::microseconds(int64_t(seconds * 1e6));
}

void RunSchedule(const ScheduleOptions &options) {
	EventPipeline pipeline(options.pipeline);
	Log(StringUtil::Format("schedule: pipeline every %.1f s, expiry and cleanup every %.0f s (keeping %s), "
	                       "compaction every %.0f s",
	                       options.pipeline_interval, options.expire_interval, options.keep, options.compact_interval));
	auto next_run = ScheduleClock::now();
	auto next_expire = After(options.expire_interval);
	auto next_compact = After(options.compact_interval);
	idx_t runs = 0;
	while (!StopRequested()) {
		if (ScheduleClock::now() >= next_run) {
			try {
				auto result = pipeline.Run();
				Log("pipeline: " + result.ToString());
			} catch (std::exception &ex) {
				Log("pipeline: gave up, nothing changed: " + ErrorData(ex).Message());
			}
			runs++;
			if (options.max_runs > 0 && runs >= options.max_runs) {
				break;
			}
			// A run that took longer than the interval is followed by the next one right away, not by
			// a burst of catch-up runs.
			next_run = MaxValue(next_run + std::chrono::microseconds(int64_t(options.pipeline_interval * 1e6)),
			                    ScheduleClock::now());
		}
		if (!StopRequested() && ScheduleClock::now() >= next_expire) {
			auto older_than = "now() - INTERVAL " + MetadataConnection::Literal(options.keep);
			try {
				Log(RunMaintenanceStep(pipeline.Lake(), "expire snapshots",
				                       "SELECT count(*) FROM ducklake_expire_snapshots('lake', older_than => " + older_than + ")",
				                       "%s snapshots expired"));
				Log(RunMaintenanceStep(pipeline.Lake(), "cleanup old files",
				                       "SELECT count(*) FROM ducklake_cleanup_old_files('lake', older_than => " + older_than + ")",
				                       "%s files deleted"));
			} catch (std::exception &ex) {
				Log("expiry: failed: " + ErrorData(ex).Message());
			}
			next_expire = After(options.expire_interval);
		}
		if (!StopRequested() && ScheduleClock::now() >= next_compact) {
			try {
				Log(RunMaintenanceStep(pipeline.Lake(), "compaction",
				                       "SELECT coalesce(sum(files_processed), 0), coalesce(sum(files_created), 0), "
				                       "coalesce(sum(bytes_written), 0) FROM ducklake_merge_adjacent_files('lake')",
				                       "%s files merged into %s (%s bytes written)", true));
			} catch (std::exception &ex) {
				Log("compaction: failed: " + ErrorData(ex).Message());
			}
			next_compact = After(options.compact_interval);
		}
		auto next = MinValue(next_run, MinValue(next_expire, next_compact));
		auto wait = std::chrono::duration<double>(next - ScheduleClock::now()).count();
		if (wait > 0) {
			SleepUnlessStopped(wait);
		}
	}
	Log("schedule: stopped");
}

} // namespace duckdb
