#include "mallard/catalog/postgres_metadata_connection.hpp"

#include "mallard/catalog/value_text.hpp"

#include "duckdb/common/random_engine.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>

namespace duckdb {

namespace {

struct ResultDeleter {
	void operator()(PGresult *result) const {
		PQclear(result);
	}
};
using ResultHandle = std::unique_ptr<PGresult, ResultDeleter>;

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid BOOL_OID = 16;
constexpr Oid BYTEA_OID = 17;
constexpr Oid INT8_OID = 20;
constexpr Oid INT2_OID = 21;
constexpr Oid INT4_OID = 23;
constexpr Oid OID_OID = 26;

bool IsConflictState(const string &sqlstate) {
	return sqlstate == "23505"     // unique_violation
	       || sqlstate == "42P07"  // duplicate_table: two commits creating one inlined-data table,
	       || sqlstate == "42710"  // duplicate_object: its row type (IF NOT EXISTS waits, then fails)
	       || sqlstate == "40001"  // serialization_failure
	       || sqlstate == "40P01"  // deadlock_detected
	       || sqlstate == "55P03"  // lock_not_available
	       || sqlstate == "26000"; // invalid_sql_statement_name: a prepared statement of ExecuteBatch is
	                               // gone with a replaced session; the retry prepares it again
}

string TrimMessage(const char *text) {
	string message = text ? text : "";
	StringUtil::Trim(message);
	return message;
}

//! libpq's own messages may quote parts of a malformed connection string; never let the password
//! reach a message.
string HidePassword(string message, const string &conninfo) {
	char *error = nullptr;
	auto options = PQconninfoParse(conninfo.c_str(), &error);
	if (error) {
		PQfreemem(error);
	}
	if (!options) {
		return message;
	}
	for (auto option = options; option->keyword; option++) {
		if (strcmp(option->keyword, "password") == 0 && option->val && option->val[0]) {
			message = StringUtil::Replace(message, option->val, "********");
		}
	}
	PQconninfoFree(options);
	return message;
}

Value ReadField(PGresult *result, int row, int column, Oid type) {
	if (PQgetisnull(result, row, column)) {
		return Value();
	}
	const char *text = PQgetvalue(result, row, column);
	switch (type) {
	case BOOL_OID:
		return Value::BOOLEAN(text[0] == 't');
	case INT2_OID:
	case INT4_OID:
	case INT8_OID:
	case OID_OID:
		return Value::BIGINT(std::strtoll(text, nullptr, 10));
	case BYTEA_OID: {
		size_t length = 0;
		auto bytes = PQunescapeBytea(reinterpret_cast<const unsigned char *>(text), &length);
		if (!bytes) {
			throw IOException("Out of memory while reading a PostgreSQL bytea value");
		}
		auto value = Value::BLOB(bytes, length);
		PQfreemem(bytes);
		return value;
	}
	default:
		return Value(string(text, PQgetlength(result, row, column)));
	}
}

//! The type QueryColumns gives a result column of type `oid` (MetadataResult's types).
LogicalType ColumnKind(Oid type) {
	switch (type) {
	case BOOL_OID:
		return LogicalType::BOOLEAN;
	case INT2_OID:
	case INT4_OID:
	case INT8_OID:
	case OID_OID:
		return LogicalType::BIGINT;
	case BYTEA_OID:
		return LogicalType::BLOB;
	default:
		return LogicalType::VARCHAR;
	}
}

void IgnoreNotice(void *, const char *) {
	// "schema already exists, skipping" and the like are not for users.
}

} // namespace

PostgresMetadataConnection::PostgresMetadataConnection(const MetadataLocation &location_p, bool read_only_p) {
	location = location_p;
	read_only = read_only_p;
	Connect();
	if (!location.metadata_schema.empty() && !read_only) {
		try {
			// Look first: CREATE SCHEMA needs the CREATE privilege even when the schema exists.
			auto existing =
			    Query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = " + Literal(location.metadata_schema));
			if (existing.RowCount() == 0) {
				Execute("CREATE SCHEMA IF NOT EXISTS " + Identifier(location.metadata_schema));
			}
		} catch (...) {
			PQfinish(conn);
			conn = nullptr;
			throw;
		}
	}
}

PostgresMetadataConnection::~PostgresMetadataConnection() {
	if (conn) {
		PQfinish(conn); // the server rolls back an open transaction
	}
}

void PostgresMetadataConnection::Connect() {
	// The conninfo (key=value or URI) is expanded from dbname; the entries before it are defaults it
	// may override. Without a timeout, an unreachable host would hang ATTACH for minutes.
	const char *keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
	const char *values[] = {"10", "mallard", location.target.c_str(), nullptr};
	if (conn) {
		PQfinish(conn);
	}
	// Prepared statements belong to the session.
	prepared_names.clear();
	prepared_live = 0;
	RandomEngine random;
	prepared_prefix = StringUtil::Format("mallard_%08x_", random.NextRandomInteger());
	conn = PQconnectdbParams(keywords, values, 1);
	if (!conn) {
		throw IOException("Could not connect to the PostgreSQL catalog %s: out of memory", location.DisplayName());
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		auto reason = HidePassword(TrimMessage(PQerrorMessage(conn)), location.target);
		PQfinish(conn);
		conn = nullptr;
		throw IOException("Could not connect to the PostgreSQL catalog %s: %s", location.DisplayName(), reason);
	}
	PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
	string reason;
	if (PQsetClientEncoding(conn, "UTF8") != 0) {
		reason = "cannot use the UTF8 client encoding";
	} else {
		// Literal() writes standard SQL strings, where a backslash is an ordinary character.
		// Timestamps as text in UTC, like DuckDB writes them, whatever the server's TimeZone.
		string setup = "SET standard_conforming_strings = on; SET TimeZone = 'UTC';";
		if (read_only) {
			setup += "SET default_transaction_read_only = on;";
		}
		ResultHandle result(PQexec(conn, setup.c_str()));
		if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
			reason = TrimMessage(PQresultErrorMessage(result.get()));
		}
	}
	if (!reason.empty()) {
		PQfinish(conn);
		conn = nullptr;
		throw IOException("PostgreSQL catalog %s: %s", location.DisplayName(), reason);
	}
}

pg_result *PostgresMetadataConnection::Run(const string &sql, bool repeatable) {
	auto name = location.DisplayName();
	if (transaction_lost) {
		throw TransactionException(
		    "The connection to PostgreSQL catalog %s was lost inside a transaction; roll it back "
		    "before running more statements",
		    name);
	}
	// The transaction's BEGIN rides along with its first statement (one round trip fewer).
	bool beginning = begin_pending;
	begin_pending = false;
	for (idx_t attempt = 0;; attempt++) {
		if (!conn || PQstatus(conn) != CONNECTION_OK) {
			// Only reached outside a transaction: losing the connection inside one sets transaction_lost.
			Connect();
		}
		ResultHandle result(PQexec(conn, beginning ? ("BEGIN;\n" + sql).c_str() : sql.c_str()));
		auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
		if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
			return result.release();
		}
		string reason = TrimMessage(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn));
		if (PQstatus(conn) == CONNECTION_BAD) {
			if (beginning && attempt == 0) {
				// The transaction had not begun on the server: nothing of it ran, begin it again.
				continue;
			}
			if (in_transaction) {
				in_transaction = false;
				transaction_lost = true;
				auto outcome = StringUtil::EndsWith(sql, "COMMIT") ? "whether the commit took effect is unknown"
				                                                   : "the transaction did not complete";
				throw IOException("Lost the connection to the PostgreSQL catalog %s inside a transaction (%s); %s",
				                  name, reason, outcome);
			}
			if (repeatable && attempt == 0) {
				continue; // reconnect and send it once more
			}
			throw IOException("Lost the connection to the PostgreSQL catalog %s: %s", name, reason);
		}
		const char *state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
		string sqlstate = state ? state : "";
		const char *primary = result ? PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
		if (primary) {
			reason = primary;
		}
		if (IsConflictState(sqlstate)) {
			if (in_transaction) {
				// The contract of MetadataConflictException: the transaction is rolled back.
				ResultHandle rollback(PQexec(conn, "ROLLBACK"));
				in_transaction = false;
			}
			throw MetadataConflictException(StringUtil::Format("PostgreSQL catalog %s: %s", name, reason));
		}
		throw IOException("PostgreSQL catalog %s: %s", name, reason);
	}
}

void PostgresMetadataConnection::Execute(const string &sql) {
	ResultHandle result(Run(sql, false));
}

MetadataResult PostgresMetadataConnection::Query(const string &sql) {
	ResultHandle result(Run(sql, true));
	MetadataResult output;
	int column_count = PQnfields(result.get());
	int row_count = PQntuples(result.get());
	vector<Oid> types;
	for (int column = 0; column < column_count; column++) {
		output.names.emplace_back(PQfname(result.get(), column));
		types.push_back(PQftype(result.get(), column));
	}
	output.rows.reserve(row_count);
	for (int row = 0; row < row_count; row++) {
		vector<Value> values;
		values.reserve(column_count);
		for (int column = 0; column < column_count; column++) {
			values.push_back(ReadField(result.get(), row, column, types[column]));
		}
		output.rows.push_back(std::move(values));
	}
	return output;
}

unique_ptr<ColumnDataCollection> PostgresMetadataConnection::QueryColumns(const string &sql) {
	ResultHandle result(Run(sql, true));
	auto handle = result.get();
	int column_count = PQnfields(handle);
	int row_count = PQntuples(handle);
	vector<LogicalType> types;
	vector<Oid> oids;
	for (int column = 0; column < column_count; column++) {
		oids.push_back(PQftype(handle, column));
		types.push_back(ColumnKind(oids.back()));
	}
	if (types.empty()) {
		throw InvalidInputException("PostgreSQL catalog %s: the statement returns no rows", location.DisplayName());
	}
	auto collection = make_uniq<ColumnDataCollection>(Allocator::DefaultAllocator(), types);
	DataChunk chunk;
	chunk.Initialize(Allocator::DefaultAllocator(), types);
	for (int start = 0; start < row_count; start += STANDARD_VECTOR_SIZE) {
		chunk.Reset();
		int count = MinValue<int>(STANDARD_VECTOR_SIZE, row_count - start);
		for (int column = 0; column < column_count; column++) {
			auto &vector = chunk.data[column];
			auto type = types[column].id();
			for (int i = 0; i < count; i++) {
				int row = start + i;
				if (PQgetisnull(handle, row, column)) {
					FlatVector::SetNull(vector, i, true);
					continue;
				}
				const char *text = PQgetvalue(handle, row, column);
				switch (type) {
				case LogicalTypeId::BOOLEAN:
					FlatVector::GetData<bool>(vector)[i] = text[0] == 't';
					break;
				case LogicalTypeId::BIGINT:
					// PostgreSQL's text of an integer column always is one, in range for int8.
					if (!TryParseInteger(text, NumericCast<idx_t>(PQgetlength(handle, row, column)),
					                     FlatVector::GetData<int64_t>(vector)[i])) {
						throw IOException("PostgreSQL catalog %s: \"%s\" in an integer column",
						                  location.DisplayName(), text);
					}
					break;
				case LogicalTypeId::VARCHAR:
					FlatVector::GetData<string_t>(vector)[i] =
					    StringVector::AddString(vector, text, PQgetlength(handle, row, column));
					break;
				default:
					// bytea arrives escaped: ReadField unescapes it.
					vector.SetValue(i, ReadField(handle, row, column, oids[column]));
					break;
				}
			}
		}
		chunk.SetCardinality(count);
		collection->Append(chunk);
	}
	return collection;
}

void PostgresMetadataConnection::BeginTransaction() {
	if (in_transaction || transaction_lost) {
		throw TransactionException("A transaction on catalog %s is already active", location.DisplayName());
	}
	// READ COMMITTED (the default): two writers collide on the snapshot primary key, which is the
	// conflict DuckLake's commit protocol expects.
	begin_pending = true;
	in_transaction = true;
}

void PostgresMetadataConnection::Commit() {
	if (!in_transaction) {
		throw TransactionException("No transaction on catalog %s to commit", location.DisplayName());
	}
	if (begin_pending) {
		// Nothing was sent: the server never had the transaction.
		begin_pending = false;
		in_transaction = false;
		return;
	}
	if (PQtransactionStatus(conn) == PQTRANS_INERROR) {
		// PostgreSQL would answer COMMIT with a silent ROLLBACK.
		Rollback();
		throw TransactionException("Cannot commit on catalog %s: a statement of the transaction failed; it was rolled "
		                           "back",
		                           location.DisplayName());
	}
	ResultHandle result;
	try {
		result.reset(Run("COMMIT", false));
	} catch (...) {
		in_transaction = false; // a failed COMMIT ends the transaction too
		throw;
	}
	FinishCommit(result.release());
}

void PostgresMetadataConnection::FinishCommit(pg_result *result_p) {
	ResultHandle result(result_p);
	in_transaction = false;
	if (strcmp(PQcmdStatus(result.get()), "ROLLBACK") == 0) {
		throw TransactionException("The transaction on catalog %s was rolled back instead of committed",
		                           location.DisplayName());
	}
}

void PostgresMetadataConnection::ReplaceClosedSession() {
	// A connection the server closed meanwhile (a restart, idle_session_timeout) shows without a
	// round trip: its goodbye message, then the end of the stream.
	for (int read = 0; read < 2 && conn && PQstatus(conn) == CONNECTION_OK; read++) {
		PQconsumeInput(conn);
	}
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		Connect();
	}
}

void PostgresMetadataConnection::ExecuteAndCommit(const string &sql) {
	if (!in_transaction || (!begin_pending && PQtransactionStatus(conn) == PQTRANS_INERROR)) {
		MetadataConnection::ExecuteAndCommit(sql);
		return;
	}
	// One round trip: PostgreSQL runs the statements in order and stops at the first error, which
	// comes back instead of COMMIT's result and leaves the transaction open (aborted) for Rollback.
	// The statements never end in a COMMIT of their own, so only our COMMIT can end the transaction.
	// A pending BEGIN is sent here rather than by Run, which would send the whole once more on a
	// fresh connection if this one dropped: the first sending may have committed.
	string begin;
	if (begin_pending) {
		begin_pending = false;
		begin = "BEGIN;\n";
		ReplaceClosedSession();
	}
	ResultHandle result(Run(begin + sql + ";\nCOMMIT", false));
	if (strcmp(PQcmdStatus(result.get()), "COMMIT") != 0 && strcmp(PQcmdStatus(result.get()), "ROLLBACK") != 0) {
		throw IOException("PostgreSQL catalog %s: COMMIT after a batch returned \"%s\"",
		                        location.DisplayName(), PQcmdStatus(result.get()));
	}
	FinishCommit(result.release());
}

void PostgresMetadataConnection::ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) {
	if (!in_transaction) {
		MetadataConnection::ExecuteBatch(statements, commit);
		return;
	}
	if (begin_pending) {
		// Before the batch names statements prepared in the session (ExecuteAndCommit checks once
		// more: two reads that find nothing).
		ReplaceClosedSession();
	}
	// A commit's statements come in a few shapes per table; far more means changing shapes (or
	// many failed batches), whose statements would only hold server memory.
	static constexpr idx_t MAX_PREPARED = 256;
	vector<string> parts;
	if (prepared_live + statements.size() > MAX_PREPARED) {
		parts.push_back("DEALLOCATE ALL");
		prepared_names.clear();
		prepared_live = 0;
	}
	for (auto &statement : statements) {
		auto &parameters = statement.parameters;
		if (parameters.empty()) {
			parts.push_back(statement.sql);
			continue;
		}
		auto entry = prepared_names.find(statement.sql);
		if (entry == prepared_names.end()) {
			auto name = prepared_prefix + std::to_string(++prepared_count);
			prepared_live++;
			parts.push_back("PREPARE " + name + " AS " +
			                ReplacePlaceholders(statement.sql, parameters.size(),
			                                    [](idx_t i) { return "$" + std::to_string(i + 1); }));
			entry = prepared_names.emplace(statement.sql, name).first;
		}
		string arguments;
		for (auto &parameter : parameters) {
			arguments += (arguments.empty() ? "" : ", ") + Literal(parameter);
		}
		parts.push_back("EXECUTE " + entry->second + "(" + arguments + ")");
	}
	if (parts.empty()) {
		if (commit) {
			Commit();
		}
		return;
	}
	auto sql = StringUtil::Join(parts, ";\n");
	try {
		if (!commit) {
			Execute(sql);
		} else {
			ExecuteAndCommit(sql);
		}
	} catch (...) {
		// Which of its statements the batch prepared is unknown: the next one uses new names.
		prepared_names.clear();
		throw;
	}
}

void PostgresMetadataConnection::Rollback() {
	if (transaction_lost) {
		transaction_lost = false; // the server rolled it back when the connection dropped
		return;
	}
	if (!in_transaction) {
		return;
	}
	in_transaction = false;
	if (begin_pending) {
		begin_pending = false; // nothing was sent
		return;
	}
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		return; // the transaction ended with the connection
	}
	// If this fails, the connection dropped, and the transaction with it.
	ResultHandle result(PQexec(conn, "ROLLBACK"));
}

bool PostgresMetadataConnection::InTransaction() const {
	return in_transaction;
}

string PostgresMetadataConnection::SchemaExpression() const {
	return location.metadata_schema.empty() ? "current_schema()" : Literal(location.metadata_schema);
}

bool PostgresMetadataConnection::TableExists(const string &name) {
	auto result = Query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = " + SchemaExpression() +
	                    " AND tablename = " + Literal(name));
	return result.RowCount() > 0;
}

vector<string> PostgresMetadataConnection::ListTables() {
	auto result = Query("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = " + SchemaExpression());
	vector<string> names;
	for (auto &row : result.rows) {
		names.push_back(row[0].ToString());
	}
	return names;
}

bool PostgresMetadataConnection::HoldsColumns(const vector<string> &names) const {
	// MaxHeapAttributeNumber and NAMEDATALEN - 1 of a standard PostgreSQL build.
	static constexpr idx_t MAX_COLUMNS = 1600;
	static constexpr idx_t MAX_NAME_BYTES = 63;
	if (names.size() > MAX_COLUMNS) {
		return false;
	}
	for (auto &name : names) {
		if (name.size() > MAX_NAME_BYTES) {
			return false;
		}
	}
	return true;
}

string PostgresMetadataConnection::ColumnType(const string &kind) const {
	if (kind == "BIGINT" || kind == "VARCHAR" || kind == "BOOLEAN" || kind == "TIMESTAMPTZ" || kind == "UUID") {
		return kind;
	}
	if (kind == "UBIGINT") {
		return "NUMERIC(20,0)"; // PostgreSQL has no unsigned integers
	}
	throw InternalException("unknown catalog column kind \"%s\"", kind);
}

pg_conn *PostgresMetadataConnection::Handle() {
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		if ((in_transaction && !begin_pending) || transaction_lost) {
			// A fresh connection would silently run outside the caller's transaction.
			throw IOException("Lost the connection to PostgreSQL %s inside a transaction", location.DisplayName());
		}
		Connect();
	}
	if (begin_pending) {
		// The caller talks to the server directly: its statements must run inside the transaction.
		ResultHandle result(Run("SELECT 1", false));
	}
	return conn;
}

} // namespace duckdb
