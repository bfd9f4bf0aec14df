#include "mallard/catalog/metadata_store.hpp"

#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/duckdb_metadata_connection.hpp"
#include "mallard/catalog/postgres_metadata_connection.hpp"
#include "mallard/catalog/sqlite_metadata_connection.hpp"
#include "mallard/catalog/value_text.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/timestamp.hpp"

namespace duckdb {

// The dialect layer: the three backends agree on standard SQL string literals ('' escapes a
// quote, backslashes are plain characters; PostgreSQL runs with standard_conforming_strings on)
// and on double-quoted identifiers.

vector<unique_ptr<ColumnDataCollection>> MetadataConnection::Scan(const vector<CatalogScan> &scans) {
	vector<unique_ptr<ColumnDataCollection>> results;
	for (auto &scan : scans) {
		results.push_back(QueryColumns(scan.ToSQL(*this)));
	}
	return results;
}

unique_ptr<ColumnDataCollection> MetadataConnection::Scan(const CatalogScan &scan) {
	return std::move(Scan(vector<CatalogScan> {scan})[0]);
}

string MetadataConnection::NowText() {
	return Timestamp::ToString(Timestamp::GetCurrentTimestamp()) + "+00";
}

string MetadataConnection::Literal(const string &text) {
	if (text.find('\0') != string::npos) {
		throw InvalidInputException("A DuckLake catalog cannot store text containing a NUL character");
	}
	string result;
	result.reserve(text.size() + 2);
	result += '\'';
	for (char c : text) {
		if (c == '\'') {
			result += '\'';
		}
		result += c;
	}
	result += '\'';
	return result;
}

string MetadataConnection::Literal(const Value &value) {
	if (value.IsNull()) {
		return "NULL";
	}
	switch (value.type().id()) {
	case LogicalTypeId::BOOLEAN:
		return BooleanValue::Get(value) ? "TRUE" : "FALSE";
	case LogicalTypeId::TINYINT:
	case LogicalTypeId::SMALLINT:
	case LogicalTypeId::INTEGER:
	case LogicalTypeId::BIGINT:
	case LogicalTypeId::HUGEINT:
	case LogicalTypeId::UTINYINT:
	case LogicalTypeId::USMALLINT:
	case LogicalTypeId::UINTEGER:
	case LogicalTypeId::UBIGINT:
	case LogicalTypeId::UHUGEINT:
		return ValueText(value);
	default:
		// Everything else travels as text and is converted by the column's declared type.
		return Literal(ValueText(value));
	}
}

string MetadataConnection::ReplacePlaceholders(const string &sql, idx_t count,
                                               const std::function<string(idx_t)> &replace) {
	string result;
	result.reserve(sql.size() + 16 * count);
	idx_t next = 0;
	char quote = 0;
	for (char c : sql) {
		if (quote) {
			quote = c == quote ? 0 : quote; // a doubled quote closes and reopens: still right
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '?') {
			if (next >= count) {
				throw InternalException("Catalog statement has more placeholders than parameters: %s", sql);
			}
			result += replace(next++);
			continue;
		}
		result += c;
	}
	if (next != count) {
		throw InternalException("Catalog statement has fewer placeholders than parameters: %s", sql);
	}
	return result;
}

string MetadataConnection::Render(const MetadataStatement &statement) {
	auto &parameters = statement.parameters;
	return ReplacePlaceholders(statement.sql, parameters.size(),
	                           [&](idx_t i) { return Literal(parameters[i]); });
}

void MetadataConnection::ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) {
	vector<string> rendered;
	rendered.reserve(statements.size());
	for (auto &statement : statements) {
		rendered.push_back(statement.parameters.empty() ? statement.sql : Render(statement));
	}
	auto sql = StringUtil::Join(rendered, ";\n");
	if (!commit) {
		if (!sql.empty()) {
			Execute(sql);
		}
	} else if (sql.empty()) {
		Commit();
	} else {
		ExecuteAndCommit(sql);
	}
}

string MetadataConnection::Identifier(const string &name) {
	string result;
	result.reserve(name.size() + 2);
	result += '"';
	for (char c : name) {
		if (c == '"') {
			result += '"';
		}
		result += c;
	}
	result += '"';
	return result;
}

string MetadataConnection::Table(const string &name) const {
	if (location.metadata_schema.empty()) {
		return Identifier(name);
	}
	return Identifier(location.metadata_schema) + "." + Identifier(name);
}

unique_ptr<MetadataConnection> OpenMetadataConnection(const MetadataLocation &location, bool read_only) {
	switch (location.type) {
	case MetadataBackendType::DUCKDB:
		return make_uniq<DuckDBMetadataConnection>(location, read_only);
	case MetadataBackendType::SQLITE:
		return make_uniq<SQLiteMetadataConnection>(location, read_only);
	case MetadataBackendType::POSTGRES:
		return make_uniq<PostgresMetadataConnection>(location, read_only);
	}
	throw InternalException("unknown metadata backend type");
}

} // namespace duckdb
