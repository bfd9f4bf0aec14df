//===----------------------------------------------------------------------===//
// mallard/pipeline/pipeline_schedule.hpp
//
// `mallard pipeline schedule`: the long-running mode. The pipeline every N seconds, snapshot
// expiry and old-file cleanup daily, compaction weekly (each interval configurable), one log line
// per action, and a clean stop on SIGINT/SIGTERM once the action in progress has finished.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/pipeline/event_pipeline.hpp"

namespace duckdb {

struct ScheduleOptions {
	PipelineOptions pipeline;
	double pipeline_interval = 60;
	double expire_interval = 24 * 3600;
	double compact_interval = 7 * 24 * 3600;
	//! Snapshots and unreferenced files older than this go at expiry (an INTERVAL literal).
	string keep = "7 days";
	//! Stop after this many pipeline runs (0: until a signal); for tests and benchmarks.
	idx_t max_runs = 0;
};


void RunSchedule(const ScheduleOptions &options);

} // namespace duckdb
