#include "mallard/functions/maintenance_progress.hpp"

#include "duckdb/common/printer.hpp"
#include "duckdb/common/progress_bar/progress_bar.hpp"
#include "duckdb/main/client_config.hpp"
#include "duckdb/main/client_context.hpp"

namespace duckdb {

MaintenanceProgress::MaintenanceProgress(ClientContext &context) : start(std::chrono::steady_clock::now()) {
	auto &config = ClientConfig::GetConfig(context);
	enabled = config.enable_progress_bar && config.print_progress_bar;
	wait_time_ms = config.wait_time;
	create_display = config.display_create_func ? config.display_create_func : ProgressBar::DefaultProgressBarDisplay;
}

MaintenanceProgress::~MaintenanceProgress() {
	if (display && done < total) {
		// Ended early (an error): end the bar's line so the message starts on its own.
		Printer::RawPrint(OutputStream::STREAM_STDOUT, "\n");
		Printer::Flush(OutputStream::STREAM_STDOUT);
	}
	// Done: the query's own progress bar prints its final 100% over this line when the query ends.
}

void MaintenanceProgress::AddTotal(idx_t amount) {
	total += amount;
}

double MaintenanceProgress::Percentage() const {
	if (total == 0) {
		return -1;
	}
	return MinValue<double>(100.0, 100.0 * double(done) / double(total));
}

void MaintenanceProgress::Advance(idx_t amount) {
	done += amount;
	if (!enabled || total == 0) {
		return;
	}
	if (!display) {
		auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
		if (elapsed.count() < wait_time_ms) {
			return;
		}
		display = create_display();
		if (!display) {
			enabled = false;
			return;
		}
	}
	display->Update(Percentage());
}

} // namespace duckdb
