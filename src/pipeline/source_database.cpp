#include "mallard/pipeline/source_database.hpp"

#include "duckdb/common/error_data.hpp"
#include "duckdb/common/string_util.hpp"

#include <cstring>
#include <libpq-fe.h>

namespace duckdb {

static MetadataLocation SourceLocation(const string &conninfo) {
	MetadataLocation location;
	location.type = MetadataBackendType::POSTGRES;
	location.target = conninfo;
	return location;
}

//! The connection class speaks of "the PostgreSQL catalog"; here it is the source.
static unique_ptr<PostgresMetadataConnection> ConnectSource(const string &conninfo) {
	try {
		return make_uniq<PostgresMetadataConnection>(SourceLocation(conninfo), false);
	} catch (IOException &ex) {
		throw IOException(StringUtil::Replace(ErrorData(ex).RawMessage(), "PostgreSQL catalog", "source database"));
	}
}

SourceDatabase::SourceDatabase(const string &conninfo) : connection(ConnectSource(conninfo)) {
	// Timestamps travel as ISO text; the connection already reads and writes them in UTC.
	connection->Execute("SET DateStyle = 'ISO, YMD'");
}

void SourceDatabase::CreateEventsTable() {
	// The source table of the article (docs: event-pipeline.md), with its three indexes.
	connection->Execute("CREATE SCHEMA IF NOT EXISTS ducklake_src;"
	                    "CREATE TABLE IF NOT EXISTS ducklake_src.events ("
	                    " event_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
	                    " event_type VARCHAR(100) NOT NULL,"
	                    " event_timestamp TIMESTAMP NOT NULL,"
	                    " details JSONB NOT NULL,"
	                    " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
	                    "CREATE INDEX IF NOT EXISTS events_event_type_idx ON ducklake_src.events (event_type);"
	                    "CREATE INDEX IF NOT EXISTS events_event_timestamp_idx ON ducklake_src.events (event_timestamp);"
	                    "CREATE INDEX IF NOT EXISTS events_details_idx ON ducklake_src.events USING GIN (details);");
}

void SourceDatabase::Execute(const string &sql) {
	connection->Execute(sql);
}

MetadataResult SourceDatabase::Query(const string &sql) {
	return connection->Query(sql);
}

void SourceDatabase::BeginTransaction(const string &characteristics) {
	connection->BeginTransaction();
	if (!characteristics.empty()) {
		connection->Execute("SET TRANSACTION " + characteristics);
	}
}

void SourceDatabase::Commit() {
	connection->Commit();
}

void SourceDatabase::Rollback() {
	connection->Rollback();
}

static string LastError(pg_conn *conn, PGresult *result) {
	string message = result ? PQresultErrorMessage(result) : "";
	if (message.empty()) {
		message = PQerrorMessage(conn);
	}
	StringUtil::Trim(message);
	return message;
}

//! Reads the results that follow a COPY's data; throws on an error.
static void FinishCopy(pg_conn *conn, const string &what) {
	string error;
	while (auto result = PQgetResult(conn)) {
		if (PQresultStatus(result) != PGRES_COMMAND_OK && error.empty()) {
			error = LastError(conn, result);
		}
		PQclear(result);
	}
	if (!error.empty()) {
		throw IOException("source database: %s failed: %s", what, error);
	}
}

void SourceDatabase::CopyIn(const string &copy_statement, const string &data) {
	auto conn = connection->Handle();
	auto result = PQexec(conn, copy_statement.c_str());
	auto status = PQresultStatus(result);
	auto error = LastError(conn, result);
	PQclear(result);
	if (status != PGRES_COPY_IN) {
		throw IOException("source database: COPY FROM STDIN failed: %s", error);
	}
	// In pieces of 1 MB: libpq buffers each one whole.
	const idx_t piece = 1 << 20;
	for (idx_t offset = 0; offset < data.size(); offset += piece) {
		auto length = MinValue<idx_t>(piece, data.size() - offset);
		if (PQputCopyData(conn, data.data() + offset, int(length)) != 1) {
			throw IOException("source database: sending COPY data failed: %s", LastError(conn, nullptr));
		}
	}
	if (PQputCopyEnd(conn, nullptr) != 1) {
		throw IOException("source database: ending COPY failed: %s", LastError(conn, nullptr));
	}
	FinishCopy(conn, "COPY FROM STDIN");
}

idx_t SourceDatabase::CopyOut(const string &copy_statement, const std::function<void(const char *, idx_t)> &row) {
	auto conn = connection->Handle();
	auto result = PQexec(conn, copy_statement.c_str());
	auto status = PQresultStatus(result);
	auto error = LastError(conn, result);
	PQclear(result);
	if (status != PGRES_COPY_OUT) {
		throw IOException("source database: COPY TO STDOUT failed: %s", error);
	}
	idx_t rows = 0;
	while (true) {
		char *buffer = nullptr;
		auto length = PQgetCopyData(conn, &buffer, 0);
		if (length == -1) {
			break; // done
		}
		if (length < 0) {
			throw IOException("source database: reading COPY data failed: %s", LastError(conn, nullptr));
		}
		idx_t size = idx_t(length);
		if (size > 0 && buffer[size - 1] == '\n') {
			size--;
		}
		try {
			row(buffer, size);
		} catch (...) {
			PQfreemem(buffer);
			throw;
		}
		PQfreemem(buffer);
		rows++;
	}
	FinishCopy(conn, "COPY TO STDOUT");
	return rows;
}

//! Appends `text` (a COPY text-format field with backslash escapes) unescaped to `out`.
static void Unescape(const char *text, idx_t length, string &out) {
	out.clear();
	for (idx_t position = 0; position < length;) {
		char c = text[position++];
		if (c != '\\' || position >= length) {
			out += c;
			continue;
		}
		char escaped = text[position++];
		switch (escaped) {
		case 'n':
			out += '\n';
			break;
		case 't':
			out += '\t';
			break;
		case 'r':
			out += '\r';
			break;
		case 'b':
			out += '\b';
			break;
		case 'f':
			out += '\f';
			break;
		case 'v':
			out += '\v';
			break;
		default:
			if (escaped >= '0' && escaped <= '7') { // \ooo octal
				int value = escaped - '0';
				for (int digits = 1; digits < 3 && position < length && text[position] >= '0' && text[position] <= '7';
				     digits++) {
					value = value * 8 + (text[position++] - '0');
				}
				out += char(value);
			} else {
				out += escaped; // \\ and any other escaped character stand for themselves
			}
		}
	}
}

void SourceDatabase::SplitCopyLine(const char *line, idx_t length, vector<CopyField> &fields,
                                   vector<string> &scratch) {
	fields.clear();
	idx_t position = 0;
	while (true) {
		auto start = line + position;
		auto tab = static_cast<const char *>(memchr(start, '\t', length - position));
		idx_t size = tab ? idx_t(tab - start) : length - position;
		CopyField field {start, size, false};
		if (size == 2 && start[0] == '\\' && start[1] == 'N') {
			field.is_null = true;
		} else if (memchr(start, '\\', size)) {
			// Rare (PostgreSQL escapes only backslashes and control characters): unescape aside.
			if (scratch.size() <= fields.size()) {
				scratch.resize(fields.size() + 1);
			}
			auto &text = scratch[fields.size()];
			Unescape(start, size, text);
			field.data = text.data();
			field.size = text.size();
		}
		fields.push_back(field);
		if (!tab) {
			break;
		}
		position += size + 1;
	}
}

} // namespace duckdb
