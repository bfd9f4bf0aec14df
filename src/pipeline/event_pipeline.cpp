#include "mallard/pipeline/event_pipeline.hpp"

#include "mallard/mallard.hpp"
#include "mallard/pipeline/source_database.hpp"

#include "duckdb/common/error_data.hpp"
#include "duckdb/main/appender.hpp"

#include <chrono>

namespace duckdb {

//! The lake side: the article's table, and the pipeline's append-only state (UPDATE is not needed).
static const char *CREATE_LAKE_TABLES =
    "CREATE TABLE IF NOT EXISTS lake.main.events (event_id UUID, event_type VARCHAR, event_timestamp TIMESTAMP, "
    "details JSON, created_at TIMESTAMP);"
    "CREATE TABLE IF NOT EXISTS lake.main.mallard_pipeline_state (pipeline VARCHAR, source_xmin BIGINT, "
    "rows_read BIGINT, rows_promoted BIGINT, run_at TIMESTAMP)";

unique_ptr<MaterializedQueryResult> RunLakeQuery(Connection &connection, const string &sql) {
	auto result = connection.Query(sql);
	if (result->HasError()) {
		result->ThrowError();
	}
	return result;
}

string PipelineRunResult::ToString() const {
	return StringUtil::Format(
	    "read %llu, promoted %llu, skipped %llu duplicates, snapshot %lld%s, %.3f s (extract %.3f s, promote %.3f s)",
	    (unsigned long long)rows_read, (unsigned long long)rows_promoted, (unsigned long long)duplicates_skipped,
	    (long long)snapshot_id, committed ? "" : " (nothing new, no commit)", seconds, extract_seconds,
	    promote_seconds);
}

EventPipeline::EventPipeline(PipelineOptions options_p) : options(std::move(options_p)) {
	// The lake is opened by the first Run() or Lake(), so that Run() retries a catalog that is not
	// reachable yet like any other lost connection.
}

EventPipeline::~EventPipeline() {
}

void EventPipeline::Open() {
	connection.reset();
	database = OpenMallardDatabase("");
	connection = make_uniq<Connection>(*database);
	options.lake.Attach(*connection, "lake");
	RunLakeQuery(*connection, CREATE_LAKE_TABLES);
}

Connection &EventPipeline::Lake() {
	if (!connection) {
		Open();
	}
	return *connection;
}

//! Lost connections, commit conflicts and a held lock pass; mistakes (bad options, a table of the
//! wrong shape) do not get better by waiting.
static bool IsTransient(const ErrorData &error) {
	switch (error.Type()) {
	case ExceptionType::IO:
	case ExceptionType::CONNECTION:
	case ExceptionType::TRANSACTION:
	case ExceptionType::HTTP:
	case ExceptionType::INTERRUPT:
		return true;
	default:
		return false;
	}
}

PipelineRunResult EventPipeline::Run() {
	auto start = std::chrono::steady_clock::now();
	double backoff = options.backoff_seconds;
	for (idx_t attempt = 0;; attempt++) {
		try {
			if (!connection) {
				Open();
			}
			auto result = Attempt();
			result.attempts = attempt + 1;
			result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
			return result;
		} catch (std::exception &ex) {
			ErrorData error(ex);
			// Whatever failed, start the next attempt from a fresh lake connection.
			connection.reset();
			database.reset();
			if (!IsTransient(error) || attempt >= options.retries || StopRequested()) {
				throw;
			}
			fprintf(stderr, "pipeline: attempt %llu failed (%s); retrying in %.1f s\n",
			        (unsigned long long)(attempt + 1), error.Message().c_str(), backoff);
			if (!SleepUnlessStopped(backoff)) {
				throw;
			}
			backoff = MinValue(backoff * 2, 30.0);
		}
	}
}

PipelineRunResult EventPipeline::Attempt() {
	PipelineRunResult result;
	SourceDatabase source(options.source);
	// Session lock, released when this connection ends (also when the process is killed).
	auto lock_key = "hashtext(" + MetadataConnection::Literal("mallard pipeline " + options.name) + ")";
	auto lock = source.Query("SELECT pg_try_advisory_lock(" + lock_key + ")");
	if (!lock.GetValue(0, 0).GetValue<bool>()) {
		throw IOException("another run of pipeline \"%s\" holds its lock on the source", options.name);
	}
	// And released when the run ends: the server frees a session's locks only once its backend
	// has exited, which can be after this process's next run asked for the lock.
	struct LockRelease {
		SourceDatabase &source;
		string key;
		~LockRelease() {
			try {
				source.Query("SELECT pg_advisory_unlock(" + key + ")");
			} catch (...) { // NOLINT: a lost connection has released it already
			}
		}
	} release {source, lock_key};
	auto state = RunLakeQuery(*connection, "SELECT max(source_xmin) FROM lake.main.mallard_pipeline_state WHERE "
	                                       "pipeline = " +
	                                           MetadataConnection::Literal(options.name));
	auto previous_bound = state->GetValue(0, 0);
	auto extract_start = std::chrono::steady_clock::now();
	auto bound = Extract(source, previous_bound, result.rows_read);
	auto promote_start = std::chrono::steady_clock::now();
	result.extract_seconds = std::chrono::duration<double>(promote_start - extract_start).count();
	if (!previous_bound.IsNull()) {
		bound = MaxValue(bound, previous_bound.GetValue<int64_t>());
	}
	if (result.rows_read == 0) {
		// Nothing new: a commit would only add an empty snapshot. The bound may stay where it is, the
		// next run reads the same (empty) range.
		auto current = RunLakeQuery(*connection, "SELECT id FROM lake.current_snapshot()");
		result.snapshot_id = current->GetValue(0, 0).GetValue<int64_t>();
		return result;
	}
	Promote(bound, result);
	result.promote_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - promote_start).count();
	return result;
}

//! The oldest transaction whose rows this snapshot may not see: every row written by an older one is
//! read now. Transaction ids are the whole server's, but only a transaction of this database can
//! write the source table: those the server shows running in another database are left out, or a
//! long transaction there would make every run read everything written since it began (again, to
//! be skipped as duplicates). A transaction not shown (finished since, prepared, or of a role whose
//! sessions this one cannot see) counts. Without any: the snapshot's xmax, the next id to be given.
//! backend_xid is the 32-bit id, the snapshot's are 64-bit (epoch << 32 | xid).
static constexpr const char *BOUND_QUERY =
    "WITH snapshot AS (SELECT pg_current_snapshot() AS s), "
    "elsewhere AS (SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity "
    "WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()) "
    "SELECT coalesce((SELECT min(x::text::bigint) FROM snapshot, pg_snapshot_xip(snapshot.s) AS x "
    "WHERE (x::text::bigint & 4294967295) NOT IN (SELECT xid FROM elsewhere)), "
    "(SELECT pg_snapshot_xmax(s)::text::bigint FROM snapshot))";

int64_t EventPipeline::Extract(SourceDatabase &source, Value previous_bound, idx_t &rows_read) {
	RunLakeQuery(*connection, "CREATE OR REPLACE TABLE memory.main.pipeline_staging (event_id VARCHAR, event_type "
	                          "VARCHAR, event_timestamp VARCHAR, details VARCHAR, created_at VARCHAR)");
	source.BeginTransaction("ISOLATION LEVEL REPEATABLE READ, READ ONLY");
	try {
		// The first statement fixes the transaction's snapshot; the COPY below reads the same one.
		auto snapshot = source.Query(BOUND_QUERY);
		auto bound = snapshot.GetValue(0, 0).GetValue<int64_t>();
		string filter;
		// Row xmin is the 32-bit transaction id; the bound is a 64-bit one (epoch << 32 | xid). Within
		// one epoch the low halves compare; across a wraparound, read everything (dedup keeps it exact).
		if (!previous_bound.IsNull() && (previous_bound.GetValue<int64_t>() >> 32) == (bound >> 32)) {
			filter = " WHERE xmin::text::bigint >= " + std::to_string(previous_bound.GetValue<int64_t>() & 0xFFFFFFFFLL);
		}
		Appender appender(*connection, "pipeline_staging");
		vector<CopyField> fields;
		vector<string> scratch;
		rows_read = source.CopyOut(
		    "COPY (SELECT event_id, event_type, event_timestamp, details, created_at FROM ducklake_src.events" +
		        filter + ") TO STDOUT",
		    [&](const char *line, idx_t length) {
			    SourceDatabase::SplitCopyLine(line, length, fields, scratch);
			    if (fields.size() != 5) {
				    throw IOException("source database: a COPY row has %llu fields, not 5", fields.size());
			    }
			    appender.BeginRow();
			    for (auto &field : fields) {
				    if (field.is_null) {
					    appender.Append(nullptr);
				    } else {
					    appender.Append(field.data, uint32_t(field.size));
				    }
			    }
			    appender.EndRow();
		    });
		appender.Close();
		source.Commit();
		return bound;
	} catch (...) {
		source.Rollback();
		throw;
	}
}

void EventPipeline::Promote(int64_t bound, PipelineRunResult &result) {
	// A duplicate is the same source row, so it has the same timestamp: only lake rows from the
	// oldest staged timestamp on need checking, and file statistics prune the rest.
	auto oldest = RunLakeQuery(*connection, "SELECT min(event_timestamp::TIMESTAMP)::VARCHAR FROM pipeline_staging");
	auto oldest_literal = "TIMESTAMP " + MetadataConnection::Literal(oldest->GetValue(0, 0).ToString());
	RunLakeQuery(*connection, "BEGIN");
	try {
		auto inserted = RunLakeQuery(
		    *connection,
		    "INSERT INTO lake.main.events (event_id, event_type, event_timestamp, details, created_at) SELECT "
		    "s.event_id::UUID, s.event_type, s.event_timestamp::TIMESTAMP, "
		    "s.details::JSON, s.created_at::TIMESTAMP FROM pipeline_staging s WHERE NOT EXISTS (SELECT 1 FROM "
		    "lake.main.events l WHERE l.event_timestamp >= " +
		        oldest_literal + " AND l.event_id = s.event_id::UUID)");
		result.rows_promoted = idx_t(inserted->GetValue(0, 0).GetValue<int64_t>());
		result.duplicates_skipped = result.rows_read - result.rows_promoted;
		RunLakeQuery(*connection, StringUtil::Format("INSERT INTO lake.main.mallard_pipeline_state VALUES (%s, %lld, "
		                                             "%llu, %llu, now()::TIMESTAMP)",
		                                             MetadataConnection::Literal(options.name), (long long)bound,
		                                             (unsigned long long)result.rows_read,
		                                             (unsigned long long)result.rows_promoted));
		RunLakeQuery(*connection, "CALL lake.set_commit_message('mallard pipeline', " +
		                              MetadataConnection::Literal(StringUtil::Format(
		                                  "%s: %llu events promoted", options.name, result.rows_promoted)) +
		                              ")");
		RunLakeQuery(*connection, "COMMIT");
	} catch (...) {
		connection->Query("ROLLBACK");
		throw;
	}
	result.committed = true;
	auto snapshot = RunLakeQuery(*connection, "SELECT id FROM lake.last_committed_snapshot()");
	result.snapshot_id = snapshot->GetValue(0, 0).IsNull() ? -1 : snapshot->GetValue(0, 0).GetValue<int64_t>();
}

} // namespace duckdb
