//===----------------------------------------------------------------------===//
// mallard/pipeline/event_generator.hpp
//
// `mallard generate`: batches of application events (five types with weights and detail fields,
// as the article's generator makes them) written into ducklake_src.events with COPY.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb.hpp"
#include "duckdb/common/types/timestamp.hpp"

#include <random>

namespace duckdb {

class SourceDatabase;

//! One event as it goes into the source table; created_at is the table's default.
struct GeneratedEvent {
	string event_id;
	string event_type;
	timestamp_t event_timestamp;
	string details; // JSON text
};

//! Makes events. Everything random comes from one generator, so a seed reproduces a run.
class EventGenerator {
public:
	explicit EventGenerator(uint64_t seed);

	//! `rows` events from `start` on, each 0.1..2.0 s after the one before, sorted by time.
	vector<GeneratedEvent> MakeBatch(timestamp_t start, idx_t rows);
	//! The batch in COPY's text format for (event_id, event_type, event_timestamp, details).
	static string CopyText(const vector<GeneratedEvent> &batch);

private:
	int64_t Uniform(int64_t low, int64_t high);
	//! An index into `weights`, drawn in proportion to them.
	idx_t Weighted(const vector<int> &weights);
	const char *Pick(const vector<const char *> &choices);
	string Uuid4();
	string Details(const string &event_type);

	std::mt19937_64 random;
};

struct GenerateOptions {
	string source;
	idx_t rows = 100;
	double delay = 5;
	idx_t loops = 1;
	bool continuous = false;
	bool truncate = false;
	bool has_seed = false;
	uint64_t seed = 0;
	//! The first batch starts here instead of 1 s after the newest event (the demo makes recent events).
	string start_at;
	bool quiet = false;
};

//! Runs the generator; returns the number of events written. Stops after the batch in progress
//! when SIGINT/SIGTERM arrive (InstallStopHandlers).
idx_t GenerateEvents(const GenerateOptions &options);

int RunGenerateCommand(int argc, char **argv);

} // namespace duckdb
