#include "mallard/pipeline/event_generator.hpp"

#include "mallard/pipeline/command_arguments.hpp"
#include "mallard/pipeline/source_database.hpp"

#include "duckdb/common/string_util.hpp"

#include <algorithm>

namespace duckdb {

//! The five event types and their weights (docs: event-pipeline.md, "Event generator").
static const vector<const char *> EVENT_TYPES = {"user_login", "api_request", "payment_processed", "error_occurred",
                                                 "feature_usage"};
static const vector<int> EVENT_WEIGHTS = {35, 25, 15, 10, 15};

EventGenerator::EventGenerator(uint64_t seed) : random(seed) {
}

int64_t EventGenerator::Uniform(int64_t low, int64_t high) {
	return std::uniform_int_distribution<int64_t>(low, high)(random);
}

idx_t EventGenerator::Weighted(const vector<int> &weights) {
	int total = 0;
	for (auto weight : weights) {
		total += weight;
	}
	auto draw = Uniform(0, total - 1);
	for (idx_t i = 0; i < weights.size(); i++) {
		if (draw < weights[i]) {
			return i;
		}
		draw -= weights[i];
	}
	return weights.size() - 1;
}

const char *EventGenerator::Pick(const vector<const char *> &choices) {
	return choices[Uniform(0, int64_t(choices.size()) - 1)];
}

string EventGenerator::Uuid4() {
	uint64_t high = random();
	uint64_t low = random();
	high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL; // version 4
	low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;   // RFC 4122 variant
	char text[37];
	snprintf(text, sizeof(text), "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(high >> 32),
	         (unsigned long long)((high >> 16) & 0xFFFF), (unsigned long long)(high & 0xFFFF),
	         (unsigned long long)(low >> 48), (unsigned long long)(low & 0xFFFFFFFFFFFFULL));
	return text;
}

//! A JSON object written field by field; values are numbers or plain strings (nothing to escape).
class DetailsWriter {
public:
	DetailsWriter &Text(const char *name, const string &value) {
		Key(name);
		json += '"' + value + '"';
		return *this;
	}
	DetailsWriter &Number(const char *name, const string &value) {
		Key(name);
		json += value;
		return *this;
	}
	string Finish() {
		return json + "}";
	}

private:
	void Key(const char *name) {
		json += json.size() == 1 ? "\"" : ", \"";
		json += name;
		json += "\": ";
	}
	string json = "{";
};

string EventGenerator::Details(const string &event_type) {
	DetailsWriter details;
	auto number = [](int64_t value) { return std::to_string(value); };
	if (event_type == "user_login") {
		details.Text("user_id", "user_" + number(Uniform(1000, 9999)))
		    .Text("ip_address", number(Uniform(1, 255)) + "." + number(Uniform(0, 255)) + "." +
		                            number(Uniform(0, 255)) + "." + number(Uniform(0, 255)))
		    .Text("session_id", Uuid4())
		    .Text("user_agent", Pick({"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0",
		                              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15",
		                              "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0"}))
		    .Text("login_method", Pick({"password", "oauth_google", "oauth_github", "sso"}));
	} else if (event_type == "api_request") {
		static const vector<int> status_codes = {200, 201, 204, 400, 401, 404, 500};
		details.Text("endpoint", Pick({"/api/v1/users", "/api/v1/products", "/api/v1/orders", "/api/v1/analytics",
		                               "/api/v1/reports"}))
		    .Text("method", Pick({"GET", "POST", "PUT", "DELETE"}))
		    .Number("status_code", number(status_codes[Weighted({50, 10, 5, 10, 5, 15, 5})]))
		    .Number("response_time_ms", number(Uniform(10, 2000)))
		    .Text("request_id", Uuid4())
		    .Text("api_key", "key_" + number(Uniform(1000, 9999)));
	} else if (event_type == "payment_processed") {
		auto cents = Uniform(1000, 500000);
		static const vector<const char *> statuses = {"success", "failed", "pending"};
		details.Text("transaction_id", Uuid4())
		    .Number("amount", StringUtil::Format("%d.%02d", cents / 100, cents % 100))
		    .Text("currency", Pick({"USD", "EUR", "GBP", "JPY"}))
		    .Text("payment_method", Pick({"credit_card", "paypal", "stripe", "bank_transfer"}))
		    .Text("status", statuses[Weighted({80, 15, 5})])
		    .Text("customer_id", "cust_" + number(Uniform(10000, 99999)))
		    .Text("merchant_id", "merch_" + number(Uniform(100, 999)));
	} else if (event_type == "error_occurred") {
		details.Text("error_code", Pick({"ERR_001", "ERR_002", "ERR_003", "ERR_DB_001", "ERR_API_001"}))
		    .Text("error_message", Pick({"Database connection timeout", "Invalid user credentials",
		                                 "Rate limit exceeded", "Payment gateway unavailable",
		                                 "Unexpected null reference"}))
		    .Text("stack_trace", "at line " + number(Uniform(1, 500)) + " in " + Pick({"app.js", "server.py", "handler.go"}))
		    .Text("severity", Pick({"low", "medium", "high", "critical"}))
		    .Number("affected_users", number(Uniform(0, 1000)))
		    .Text("service", Pick({"auth-service", "payment-service", "notification-service", "data-service"}));
	} else {
		details.Text("feature_name", Pick({"dashboard", "reports", "export", "search", "notifications", "integrations"}))
		    .Text("user_id", "user_" + number(Uniform(1000, 9999)))
		    .Number("duration_seconds", number(Uniform(1, 3600)))
		    .Number("clicks", number(Uniform(1, 50)))
		    .Text("subscription_tier", Pick({"free", "basic", "pro", "enterprise"}))
		    .Text("feature_version",
		          "v" + number(Uniform(1, 3)) + "." + number(Uniform(0, 9)) + "." + number(Uniform(0, 9)));
	}
	return details.Finish();
}

vector<GeneratedEvent> EventGenerator::MakeBatch(timestamp_t start, idx_t rows) {
	vector<GeneratedEvent> batch;
	batch.reserve(rows);
	auto micros = Timestamp::GetEpochMicroSeconds(start);
	for (idx_t i = 0; i < rows; i++) {
		if (i > 0) {
			micros += Uniform(100000, 2000000); // 0.1 .. 2.0 s after the one before
		}
		GeneratedEvent event;
		event.event_id = Uuid4();
		event.event_type = EVENT_TYPES[Weighted(EVENT_WEIGHTS)];
		event.event_timestamp = Timestamp::FromEpochMicroSeconds(micros);
		event.details = Details(event.event_type);
		batch.push_back(std::move(event));
	}
	return batch; // in time order by construction
}

string EventGenerator::CopyText(const vector<GeneratedEvent> &batch) {
	string text;
	text.reserve(batch.size() * 300);
	for (auto &event : batch) {
		// No field can hold a tab, newline or backslash, so nothing needs COPY escaping.
		text += event.event_id;
		text += '\t';
		text += event.event_type;
		text += '\t';
		text += Timestamp::ToString(event.event_timestamp);
		text += '\t';
		text += event.details;
		text += '\n';
	}
	return text;
}

//! Where the next batch starts: 1 s after the newest event, or 30 days ago in an empty table.
static timestamp_t NextBatchStart(SourceDatabase &source) {
	auto newest = source.Query("SELECT max(event_timestamp) FROM ducklake_src.events");
	if (newest.RowCount() == 0 || newest.GetValue(0, 0).IsNull()) {
		auto now = Timestamp::GetEpochMicroSeconds(Timestamp::GetCurrentTimestamp());
		return Timestamp::FromEpochMicroSeconds(now - int64_t(30) * Interval::MICROS_PER_DAY);
	}
	auto micros = Timestamp::GetEpochMicroSeconds(Timestamp::FromString(newest.GetValue(0, 0).ToString(), false));
	return Timestamp::FromEpochMicroSeconds(micros + Interval::MICROS_PER_SEC);
}

idx_t GenerateEvents(const GenerateOptions &options) {
	SourceDatabase source(options.source);
	source.CreateEventsTable();
	if (options.truncate) {
		source.Execute("TRUNCATE ducklake_src.events");
		if (!options.quiet) {
			printf("truncated ducklake_src.events\n");
		}
	}
	auto seed = options.has_seed ? options.seed : std::random_device()() ^ (uint64_t(std::random_device()()) << 32);
	EventGenerator generator(seed);
	idx_t written = 0;
	for (idx_t batch_number = 1; options.continuous || batch_number <= options.loops; batch_number++) {
		timestamp_t start;
		if (batch_number == 1 && !options.start_at.empty()) {
			start = Timestamp::FromString(options.start_at, false);
		} else {
			start = NextBatchStart(source);
		}
		auto batch = generator.MakeBatch(start, options.rows);
		if (!batch.empty()) {
			source.CopyIn("COPY ducklake_src.events (event_id, event_type, event_timestamp, details) FROM STDIN",
			              EventGenerator::CopyText(batch));
		}
		written += batch.size();
		if (!options.quiet) {
			printf("batch %llu: %llu events, %s .. %s\n", (unsigned long long)batch_number,
			       (unsigned long long)batch.size(),
			       batch.empty() ? "-" : Timestamp::ToString(batch.front().event_timestamp).c_str(),
			       batch.empty() ? "-" : Timestamp::ToString(batch.back().event_timestamp).c_str());
			fflush(stdout);
		}
		bool last = !options.continuous && batch_number >= options.loops;
		if (StopRequested() || last || !SleepUnlessStopped(options.delay)) {
			break;
		}
	}
	return written;
}

static void PrintGenerateHelp() {
	printf("Usage: mallard generate [OPTIONS]\n"
	       "Writes batches of events (user_login 35%%, api_request 25%%, payment_processed 15%%,\n"
	       "error_occurred 10%%, feature_usage 15%%) into the PostgreSQL table ducklake_src.events,\n"
	       "created with its indexes if missing. A batch starts 1 s after the newest event (30 days\n"
	       "ago in an empty table); events are 0.1..2.0 s apart. Ctrl-C finishes the batch, then exits.\n"
	       "\n"
	       "  --source CONNINFO   libpq connection string (default: $MALLARD_SOURCE)\n"
	       "  --rows N            events per batch (100)\n"
	       "  --delay SECONDS     pause between batches (5)\n"
	       "  --loops N           number of batches (1)\n"
	       "  --continuous        batches until Ctrl-C\n"
	       "  --truncate          empty the table first\n"
	       "  --seed N            reproducible events (same seed, same starting table: same rows)\n"
	       "  --start-at TS       the first batch starts at timestamp TS (UTC) instead\n"
	       "  --quiet             no line per batch\n");
}

int RunGenerateCommand(int argc, char **argv) {
	try {
		CommandArguments arguments(argc, argv, {"continuous", "truncate", "quiet"});
		if (arguments.Has("help")) {
			PrintGenerateHelp();
			return 0;
		}
		arguments.CheckKnown({"source", "rows", "delay", "loops", "seed", "start-at"});
		GenerateOptions options;
		options.source = SourceFromArguments(arguments);
		options.rows = arguments.GetInteger("rows", 100);
		options.delay = arguments.GetSeconds("delay", 5);
		options.loops = arguments.GetInteger("loops", 1);
		options.continuous = arguments.Has("continuous");
		options.truncate = arguments.Has("truncate");
		options.has_seed = arguments.Has("seed");
		options.seed = arguments.GetInteger("seed", 0);
		options.start_at = arguments.Get("start-at", "");
		options.quiet = arguments.Has("quiet");
		InstallStopHandlers();
		auto written = GenerateEvents(options);
		printf("generated %llu events\n", (unsigned long long)written);
		return 0;
	} catch (std::exception &ex) {
		return ReportCommandError("generate", ex);
	}
}

} // namespace duckdb
