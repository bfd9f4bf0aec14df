//===----------------------------------------------------------------------===//
// mallard/pipeline/event_pipeline.hpp
//
// `mallard pipeline run`: one incremental, exactly-once run from the source table
// ducklake_src.events into the lake table events.
//
// Why it is exactly once. A timestamp cursor loses rows (timestamps are set before commit, so an
// older row can become visible after the cursor passed it). Instead the extract reads the source in
// one REPEATABLE READ snapshot and records that snapshot's xmin: every transaction below it had
// ended when the snapshot was taken, so its rows were in this read or never will be. The next run
// reads only rows whose inserting transaction id (row xmin) is at least that bound; the rows of
// transactions that were still running are read again then, and promotion skips the event_ids the
// lake already holds. The bound is stored in the lake (table mallard_pipeline_state, one row per
// run, append-only) in the same lake transaction as the rows it covers, so a run killed at any
// point either committed both or neither. A source-side advisory lock keeps runs of one pipeline
// from overlapping.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/pipeline/command_arguments.hpp"

namespace duckdb {

class SourceDatabase;

struct PipelineOptions {
	string source;
	LakeOptions lake;
	//! Names the pipeline's rows in the state table and its advisory lock.
	string name = "events";
	//! Attempts after the first on a transient failure (lost connection, commit conflict, lock held).
	idx_t retries = 5;
	//! First back-off; it doubles per attempt.
	double backoff_seconds = 0.5;
};

struct PipelineRunResult {
	idx_t rows_read = 0;
	idx_t rows_promoted = 0;
	idx_t duplicates_skipped = 0;
	//! The lake snapshot the run committed (or the current one when there was nothing to commit).
	int64_t snapshot_id = -1;
	bool committed = false;
	double seconds = 0;
	//! Of the last attempt: reading the source into staging, and the lake transaction.
	double extract_seconds = 0;
	double promote_seconds = 0;
	idx_t attempts = 0;

	string ToString() const;
};

class EventPipeline {
public:
	//! Opens an in-memory DuckDB with the lake attached as `lake`, creating the events and state
	//! tables when missing.
	explicit EventPipeline(PipelineOptions options);
	~EventPipeline();

	//! One run, retried with back-off on transient failures. Throws when it gives up; then the
	//! lake and the state are as before the run.
	PipelineRunResult Run();

	//! The connection with the lake attached as `lake`, for maintenance calls and queries.
	Connection &Lake();

private:
	void Open();
	PipelineRunResult Attempt();
	//! Reads the new source rows into the staging table; returns the source snapshot's xmin.
	int64_t Extract(SourceDatabase &source, Value previous_bound, idx_t &rows_read);
	void Promote(int64_t bound, PipelineRunResult &result);

	PipelineOptions options;
	unique_ptr<DuckDB> database;
	unique_ptr<Connection> connection;
};

//! Runs `sql` on `connection`, throwing its error.
unique_ptr<MaterializedQueryResult> RunLakeQuery(Connection &connection, const string &sql);

int RunPipelineCommand(int argc, char **argv);

} // namespace duckdb
