//===----------------------------------------------------------------------===//
// mallard/functions/maintenance_progress.hpp
//
// Progress of a long maintenance call (merge, rewrite, and CHECKPOINT through them), shown the
// way DuckDB shows a query's progress bar: when the client enables it (the mallard shell does on a
// terminal, like the duckdb shell) and once the call has run longer than its wait_time (2 s).
// DuckDB updates its own bar only between the tasks of a query, and a maintenance call does its
// work inside one table function call, so the call drives the client's progress display itself.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/progress_bar/progress_bar.hpp"

#include <chrono>

namespace duckdb {

class ClientContext;

class MaintenanceProgress {
public:
	explicit MaintenanceProgress(ClientContext &context);
	~MaintenanceProgress();

	//! More work to do, in any unit (bytes to write, files to rewrite).
	void AddTotal(idx_t amount);
	//! Work done; redraws the display when it is shown.
	void Advance(idx_t amount);
	//! 0 to 100; -1 while the total is unknown.
	double Percentage() const;

private:
	bool enabled = false;
	int wait_time_ms = 0;
	progress_bar_display_create_func_t create_display = nullptr;
	std::chrono::steady_clock::time_point start;
	idx_t total = 0;
	idx_t done = 0;
	unique_ptr<ProgressBarDisplay> display;
};

} // namespace duckdb
