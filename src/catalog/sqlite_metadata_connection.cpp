#include "mallard/catalog/sqlite_metadata_connection.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/value_text.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <random>
#include <thread>

namespace duckdb {

using std::chrono::steady_clock;

namespace {

struct StatementDeleter {
	void operator()(sqlite3_stmt *statement) const {
		sqlite3_finalize(statement);
	}
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

bool IsBusy(int rc) {
	auto primary = rc & 0xff;
	return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

bool FileExists(const string &path) {
	struct stat st;
	return stat(path.c_str(), &st) == 0;
}

Value ReadColumn(sqlite3_stmt *statement, int column) {
	switch (sqlite3_column_type(statement, column)) {
	case SQLITE_INTEGER: {
		auto value = sqlite3_column_int64(statement, column);
		// SQLite stores booleans as 0/1; the declared type tells them apart from numbers.
		auto declared = sqlite3_column_decltype(statement, column);
		if (declared && sqlite3_stricmp(declared, "BOOLEAN") == 0) {
			return Value::BOOLEAN(value != 0);
		}
		return Value::BIGINT(value);
	}
	case SQLITE_FLOAT:
		return Value(Value::DOUBLE(sqlite3_column_double(statement, column)).ToString());
	case SQLITE_TEXT: {
		auto data = reinterpret_cast<const char *>(sqlite3_column_text(statement, column));
		return Value(string(data, sqlite3_column_bytes(statement, column)));
	}
	case SQLITE_BLOB: {
		auto data = static_cast<const_data_ptr_t>(sqlite3_column_blob(statement, column));
		return Value::BLOB(data, sqlite3_column_bytes(statement, column));
	}
	default:
		return Value();
	}
}

//! The type QueryColumns gives a result column (MetadataResult's types), from its declared type
//! or, for an expression (no declared type), from the storage class of its first value (after a
//! step that returned a row) or VARCHAR.
LogicalType ColumnKind(sqlite3_stmt *statement, int column, bool has_row) {
	auto declared = sqlite3_column_decltype(statement, column);
	if (!declared) {
		auto storage = has_row ? sqlite3_column_type(statement, column) : SQLITE_NULL;
		return storage == SQLITE_INTEGER ? LogicalType::BIGINT
		       : storage == SQLITE_BLOB  ? LogicalType::BLOB
		                                 : LogicalType::VARCHAR;
	}
	if (sqlite3_stricmp(declared, "BOOLEAN") == 0) {
		return LogicalType::BOOLEAN;
	}
	if (sqlite3_strlike("%INT%", declared, 0) == 0) {
		return LogicalType::BIGINT; // SQLite's rule for integer affinity
	}
	if (sqlite3_stricmp(declared, "BLOB") == 0) {
		return LogicalType::BLOB;
	}
	return LogicalType::VARCHAR;
}

//! Writes the field of the current row into `vector` at `row`: directly when its storage class is
//! the vector's, else through ReadColumn and a cast.
void ReadField(sqlite3_stmt *statement, int column, Vector &vector, idx_t row) {
	auto storage = sqlite3_column_type(statement, column);
	if (storage == SQLITE_NULL) {
		FlatVector::SetNull(vector, row, true);
		return;
	}
	switch (vector.GetType().id()) {
	case LogicalTypeId::BIGINT:
		if (storage == SQLITE_INTEGER) {
			FlatVector::GetData<int64_t>(vector)[row] = sqlite3_column_int64(statement, column);
			return;
		}
		break;
	case LogicalTypeId::BOOLEAN:
		if (storage == SQLITE_INTEGER) {
			FlatVector::GetData<bool>(vector)[row] = sqlite3_column_int64(statement, column) != 0;
			return;
		}
		break;
	case LogicalTypeId::VARCHAR:
		if (storage == SQLITE_TEXT) {
			// (sqlite3_column_bytes after sqlite3_column_text: the length of the UTF-8 form.)
			auto data = reinterpret_cast<const char *>(sqlite3_column_text(statement, column));
			auto size = sqlite3_column_bytes(statement, column);
			FlatVector::GetData<string_t>(vector)[row] = StringVector::AddString(vector, data, size);
			return;
		}
		break;
	case LogicalTypeId::BLOB:
		if (storage == SQLITE_BLOB) {
			auto data = static_cast<const char *>(sqlite3_column_blob(statement, column));
			auto size = sqlite3_column_bytes(statement, column);
			FlatVector::GetData<string_t>(vector)[row] = StringVector::AddStringOrBlob(vector, data, size);
			return;
		}
		break;
	default:
		break;
	}
	vector.SetValue(row, ReadColumn(statement, column).DefaultCastAs(vector.GetType()));
}

} // namespace

SQLiteMetadataConnection::SQLiteMetadataConnection(const MetadataLocation &location_p, bool read_only_p) {
	location = location_p;
	read_only = read_only_p;
	if (!location.metadata_schema.empty()) {
		throw InvalidInputException("METADATA_SCHEMA is not supported for the SQLite catalog %s: SQLite has no schemas",
		                            location.DisplayName());
	}
	auto &path = location.target;
	if (read_only && !FileExists(path)) {
		throw IOException("SQLite catalog %s does not exist (a read-only catalog is never created)",
		                  location.DisplayName());
	}
	int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	// A connection is used by one thread at a time (MetadataConnection's contract), so SQLite need
	// not lock it on every call: reading a large result (300,000 inlined rows) spent a sixth of its
	// time taking and releasing that mutex for each sqlite3_column_* call.
	flags |= SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
	if (rc != SQLITE_OK) {
		string reason = db ? sqlite3_errmsg(db) : "out of memory";
		sqlite3_close_v2(db);
		db = nullptr;
		throw IOException("Could not open SQLite catalog %s: %s (does its folder exist and is it writable?)",
		                  location.DisplayName(), reason);
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_handler(db, OnBusy, this);
	if (!read_only) {
		// WAL lets readers work while one writer commits; NORMAL sync is durable at checkpoints and
		// never corrupts in WAL mode.
		try {
			MetadataResult ignored;
			Run("PRAGMA journal_mode=WAL", &ignored, false);
			Run("PRAGMA synchronous=NORMAL", nullptr, false);
		} catch (...) {
			sqlite3_close_v2(db);
			db = nullptr;
			throw;
		}
	}
}

SQLiteMetadataConnection::~SQLiteMetadataConnection() {
	FinalizePrepared();
	if (!db) {
		return;
	}
	if (!sqlite3_get_autocommit(db)) {
		sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
	}
	sqlite3_close_v2(db);
}

int SQLiteMetadataConnection::OnBusy(void *connection, int attempt) {
	auto &self = *static_cast<SQLiteMetadataConnection *>(connection);
	return self.WaitWhileBusy(self.operation_start, attempt) ? 1 : 0;
}

bool SQLiteMetadataConnection::WaitWhileBusy(steady_clock::time_point start, idx_t attempt) const {
	auto elapsed = steady_clock::now() - start;
	if (elapsed >= lock_wait_limit) {
		return false;
	}
	// 1, 2, 4, ... up to 100 ms, times a random factor so that waiting writers do not wake in step.
	thread_local std::mt19937_64 random_engine(std::random_device {}());
	std::uniform_real_distribution<double> jitter(0.5, 1.5);
	double base_ms = std::min(100.0, double(idx_t(1) << std::min<idx_t>(attempt, 7)));
	auto pause = std::chrono::duration_cast<steady_clock::duration>(
	    std::chrono::duration<double, std::milli>(base_ms * jitter(random_engine)));
	auto remaining = lock_wait_limit - elapsed;
	std::this_thread::sleep_for(pause < remaining ? pause : steady_clock::duration(remaining));
	return true;
}

void SQLiteMetadataConnection::ThrowError(int rc) {
	string reason = sqlite3_errmsg(db);
	auto name = location.DisplayName();
	auto primary = rc & 0xff;
	bool conflict = primary == SQLITE_CONSTRAINT || IsBusy(rc);
	if (conflict && !sqlite3_get_autocommit(db)) {
		// The contract of MetadataConflictException: the transaction is rolled back.
		sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
	}
	if (primary == SQLITE_CONSTRAINT) {
		throw MetadataConflictException(StringUtil::Format("SQLite catalog %s: %s", name, reason));
	}
	if (IsBusy(rc)) {
		// Never "database is locked": say what happened and for how long.
		auto ms = lock_wait_limit.count();
		auto limit = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
		throw MetadataConflictException(StringUtil::Format(
		    "SQLite catalog %s: another writer kept the catalog busy for more than %s, or two transactions "
		    "collided; the transaction was rolled back and may be retried",
		    name, limit));
	}
	if (primary == SQLITE_READONLY) {
		throw IOException("SQLite catalog %s cannot be written: %s", name, reason);
	}
	throw IOException("SQLite catalog %s: %s", name, reason);
}

void SQLiteMetadataConnection::Step(sqlite3_stmt *statement, MetadataResult *result, bool retry_busy,
                                    unique_ptr<ColumnDataCollection> *columns) {
	int column_count = sqlite3_column_count(statement);
	if (columns && column_count > 0) {
		StepColumns(statement, *columns, retry_busy);
		return;
	}
	idx_t attempt = 0;
	while (true) {
		vector<vector<Value>> rows;
		int rc;
		while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
			if (!result) {
				continue;
			}
			vector<Value> row;
			row.reserve(column_count);
			for (int column = 0; column < column_count; column++) {
				row.push_back(ReadColumn(statement, column));
			}
			rows.push_back(std::move(row));
		}
		if (rc == SQLITE_DONE) {
			if (result && column_count > 0) {
				result->names.clear();
				for (int column = 0; column < column_count; column++) {
					result->names.emplace_back(sqlite3_column_name(statement, column));
				}
				result->rows = std::move(rows);
			}
			return;
		}
		if (IsBusy(rc) && retry_busy && WaitWhileBusy(operation_start, attempt++)) {
			sqlite3_reset(statement);
			continue;
		}
		ThrowError(rc);
	}
}

void SQLiteMetadataConnection::StepColumns(sqlite3_stmt *statement, unique_ptr<ColumnDataCollection> &columns,
                                           bool retry_busy) {
	int column_count = sqlite3_column_count(statement);
	idx_t attempt = 0;
	while (true) {
		unique_ptr<ColumnDataCollection> collection;
		DataChunk chunk;
		int rc;
		while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
			if (!collection) {
				vector<LogicalType> types;
				for (int column = 0; column < column_count; column++) {
					types.push_back(ColumnKind(statement, column, true));
				}
				collection = make_uniq<ColumnDataCollection>(Allocator::DefaultAllocator(), types);
				chunk.Initialize(Allocator::DefaultAllocator(), types);
			}
			auto row = chunk.size();
			for (int column = 0; column < column_count; column++) {
				ReadField(statement, column, chunk.data[column], row);
			}
			chunk.SetCardinality(row + 1);
			if (chunk.size() == STANDARD_VECTOR_SIZE) {
				collection->Append(chunk);
				chunk.Reset();
			}
		}
		if (rc == SQLITE_DONE) {
			if (!collection) {
				vector<LogicalType> types;
				for (int column = 0; column < column_count; column++) {
					types.push_back(ColumnKind(statement, column, false));
				}
				collection = make_uniq<ColumnDataCollection>(Allocator::DefaultAllocator(), types);
			} else if (chunk.size() > 0) {
				collection->Append(chunk);
			}
			columns = std::move(collection);
			return;
		}
		if (IsBusy(rc) && retry_busy && WaitWhileBusy(operation_start, attempt++)) {
			sqlite3_reset(statement);
			continue;
		}
		ThrowError(rc);
	}
}

void SQLiteMetadataConnection::Run(const string &sql, MetadataResult *result, bool is_commit,
                                   unique_ptr<ColumnDataCollection> *columns) {
	operation_start = steady_clock::now();
	// A statement that found the database busy may be repeated outside a transaction, and COMMIT may
	// always be repeated; inside a transaction SQLite requires a rollback instead (sqlite3_step docs).
	bool retry_busy = is_commit || sqlite3_get_autocommit(db);
	const char *tail = sql.c_str();
	const char *end = tail + sql.size();
	while (tail < end) {
		sqlite3_stmt *raw = nullptr;
		const char *next = nullptr;
		int rc;
		idx_t attempt = 0;
		while (true) {
			rc = sqlite3_prepare_v2(db, tail, int(end - tail), &raw, &next);
			if (rc == SQLITE_OK || !IsBusy(rc) || !retry_busy || !WaitWhileBusy(operation_start, attempt++)) {
				break;
			}
		}
		if (rc != SQLITE_OK) {
			ThrowError(rc);
		}
		tail = next;
		if (!raw) {
			continue; // only whitespace or a comment was left
		}
		StatementHandle statement(raw);
		Step(raw, result, retry_busy, columns);
		retry_busy = is_commit || sqlite3_get_autocommit(db);
	}
}

namespace {

//! Binds `value` as MetadataConnection::Literal writes it: integers and booleans as integers (SQLite
//! reads TRUE as 1), NULL as NULL, everything else as the text of its quoted literal. False for an
//! integer beyond int64, whose unquoted literal SQLite reads as a REAL.
bool BindAsLiteral(sqlite3_stmt *statement, int index, const Value &value) {
	if (value.IsNull()) {
		return sqlite3_bind_null(statement, index) == SQLITE_OK;
	}
	if (FitsBigint(value.type())) {
		return sqlite3_bind_int64(statement, index, value.GetValue<int64_t>()) == SQLITE_OK;
	}
	switch (value.type().id()) {
	case LogicalTypeId::BOOLEAN:
		return sqlite3_bind_int(statement, index, BooleanValue::Get(value) ? 1 : 0) == SQLITE_OK;
	case LogicalTypeId::UBIGINT:
	case LogicalTypeId::HUGEINT:
	case LogicalTypeId::UHUGEINT: {
		Value fits;
		string error;
		if (!value.DefaultTryCastAs(LogicalType::BIGINT, fits, &error)) {
			return false;
		}
		return sqlite3_bind_int64(statement, index, BigIntValue::Get(fits)) == SQLITE_OK;
	}
	default: {
		auto text = ValueText(value);
		return sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) ==
		       SQLITE_OK;
	}
	}
}

//! Resets a kept statement however its run ends, so that it holds no lock and no values.
struct KeptStatementReset {
	sqlite3_stmt *statement;
	~KeptStatementReset() {
		sqlite3_reset(statement);
		sqlite3_clear_bindings(statement);
	}
};

} // namespace

void SQLiteMetadataConnection::FinalizePrepared() {
	for (auto &entry : prepared) {
		sqlite3_finalize(entry.second);
	}
	prepared.clear();
}

sqlite3_stmt *SQLiteMetadataConnection::Prepared(const string &sql) {
	auto entry = prepared.find(sql);
	if (entry != prepared.end()) {
		return entry->second;
	}
	// A commit's statements come in a few shapes per table; far more means a workload of changing
	// shapes, where keeping them all would only hold memory.
	static constexpr idx_t MAX_PREPARED = 64;
	if (prepared.size() >= MAX_PREPARED) {
		FinalizePrepared();
	}
	sqlite3_stmt *raw = nullptr;
	int rc;
	idx_t attempt = 0;
	while (true) {
		rc = sqlite3_prepare_v3(db, sql.c_str(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
		if (rc == SQLITE_OK || !IsBusy(rc) || !sqlite3_get_autocommit(db) ||
		    !WaitWhileBusy(operation_start, attempt++)) {
			break;
		}
	}
	if (rc != SQLITE_OK) {
		ThrowError(rc);
	}
	if (!raw) {
		throw InternalException("Catalog statement with parameters is empty");
	}
	prepared[sql] = raw;
	return raw;
}

void SQLiteMetadataConnection::RunKept(const string &sql, MetadataResult *result, bool is_commit) {
	operation_start = steady_clock::now();
	bool retry_busy = is_commit || sqlite3_get_autocommit(db);
	auto raw = Prepared(sql);
	KeptStatementReset reset {raw};
	Step(raw, result, retry_busy);
}

bool SQLiteMetadataConnection::RunPrepared(const MetadataStatement &statement) {
	operation_start = steady_clock::now();
	auto raw = Prepared(statement.sql);
	if (idx_t(sqlite3_bind_parameter_count(raw)) != statement.parameters.size()) {
		throw InternalException("Catalog statement has %d placeholders for %llu parameters: %s",
		                        sqlite3_bind_parameter_count(raw), statement.parameters.size(), statement.sql);
	}
	KeptStatementReset reset {raw};
	for (idx_t i = 0; i < statement.parameters.size(); i++) {
		if (!BindAsLiteral(raw, int(i + 1), statement.parameters[i])) {
			return false;
		}
	}
	Step(raw, nullptr, false);
	return true;
}

void SQLiteMetadataConnection::ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) {
	if (!InTransaction()) {
		// Outside a transaction each statement commits by itself, which Execute accounts for.
		MetadataConnection::ExecuteBatch(statements, commit);
		return;
	}
	for (auto &statement : statements) {
		if (statement.parameters.empty()) {
			Run(statement.sql, nullptr, false);
		} else if (!RunPrepared(statement)) {
			Run(Render(statement), nullptr, false);
		}
	}
	if (commit) {
		Commit();
	}
}

void SQLiteMetadataConnection::Execute(const string &sql) {
	if (InTransaction()) {
		Run(sql, nullptr, false);
		return;
	}
	// Outside a transaction each statement commits by itself: count it as a write, failed or not.
	own_writes++;
	try {
		Run(sql, nullptr, false);
	} catch (...) {
		own_writes++;
		throw;
	}
}

MetadataResult SQLiteMetadataConnection::Query(const string &sql) {
	MetadataResult result;
	bool autocommit = !InTransaction();
	auto changes_before = sqlite3_total_changes64(db);
	try {
		Run(sql, &result, false);
	} catch (...) {
		own_writes += autocommit ? 1 : 0;
		throw;
	}
	if (autocommit && sqlite3_total_changes64(db) != changes_before) {
		own_writes++; // a query that wrote (INSERT ... RETURNING) committed by itself
	}
	return result;
}

optional_idx SQLiteMetadataConnection::CommitVersion() {
	// data_version is per connection and leaves out this connection's own commits, counted in
	// own_writes. Outside a transaction the PRAGMA reads the file's current state; inside one, the
	// state the transaction sees (a write transaction holds the write lock, so that is current).
	MetadataResult result;
	RunKept("PRAGMA data_version", &result, false);
	if (result.rows.size() != 1 || result.rows[0][0].IsNull()) {
		return optional_idx();
	}
	auto data_version = result.rows[0][0].GetValue<int64_t>();
	if (data_version != last_data_version) {
		if (last_data_version != -1) {
			other_writes++;
		}
		last_data_version = data_version;
	}
	return own_writes + other_writes;
}

void SQLiteMetadataConnection::BeginTransaction() {
	if (InTransaction()) {
		throw TransactionException("A transaction on catalog %s is already active", location.DisplayName());
	}
	// IMMEDIATE takes the write lock now: a writer that only held a read lock could not upgrade it
	// while another writer commits, and would have to fail instead of wait.
	RunKept(read_only ? "BEGIN" : "BEGIN IMMEDIATE", nullptr, false);
}

void SQLiteMetadataConnection::Commit() {
	if (!InTransaction()) {
		throw TransactionException("No transaction on catalog %s to commit", location.DisplayName());
	}
	try {
		RunKept("COMMIT", nullptr, true);
	} catch (...) {
		own_writes++; // whether anything was written is unknown: count it
		throw;
	}
	own_writes++;
}

void SQLiteMetadataConnection::Rollback() {
	if (!InTransaction()) {
		return;
	}
	Run("ROLLBACK", nullptr, false);
}

unique_ptr<ColumnDataCollection> SQLiteMetadataConnection::QueryColumns(const string &sql) {
	unique_ptr<ColumnDataCollection> result;
	Run(sql, nullptr, false, &result);
	if (!result) {
		throw InvalidInputException("SQLite catalog %s: the statement returns no rows", location.DisplayName());
	}
	return result;
}

bool SQLiteMetadataConnection::InTransaction() const {
	return db && !sqlite3_get_autocommit(db);
}

bool SQLiteMetadataConnection::TableExists(const string &name) {
	auto result =
	    Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = " + Literal(name) + " COLLATE NOCASE");
	return result.RowCount() > 0;
}

vector<string> SQLiteMetadataConnection::ListTables() {
	auto result = Query("SELECT name FROM sqlite_master WHERE type = 'table'");
	vector<string> names;
	for (auto &row : result.rows) {
		names.push_back(row[0].ToString());
	}
	return names;
}

bool SQLiteMetadataConnection::HoldsColumns(const vector<string> &names) const {
	// The connection's limit, as this build of SQLite sets it (a negative value only reads it).
	auto limit = sqlite3_limit(db, SQLITE_LIMIT_COLUMN, -1);
	return limit > 0 && names.size() <= idx_t(limit);
}

idx_t SQLiteMetadataConnection::MaxParameters() const {
	auto limit = sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
	return limit > 0 ? idx_t(limit) : 0;
}

string SQLiteMetadataConnection::ColumnType(const string &kind) const {
	// SQLite keeps declared type names; these are the names DuckDB's sqlite extension declares,
	// so the official DuckLake extension reads the columns back with the right types.
	if (kind == "BIGINT" || kind == "VARCHAR" || kind == "BOOLEAN" || kind == "UUID" || kind == "UBIGINT") {
		return kind;
	}
	if (kind == "TIMESTAMPTZ") {
		return "TIMESTAMP WITH TIME ZONE";
	}
	throw InternalException("unknown catalog column kind \"%s\"", kind);
}

} // namespace duckdb
