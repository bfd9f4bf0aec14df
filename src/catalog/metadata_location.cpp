#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

static bool StripPrefix(const string &text, const string &prefix, string &rest) {
	if (!StringUtil::StartsWith(text, prefix)) {
		return false;
	}
	rest = text.substr(prefix.size());
	return true;
}

static bool IsPostgresUri(const string &text) {
	return StringUtil::StartsWith(text, "postgresql://") || StringUtil::StartsWith(text, "postgres://");
}

MetadataLocation MetadataLocation::Parse(const string &catalog_path) {
	MetadataLocation result;
	string path = catalog_path;
	string rest;
	if (StripPrefix(path, "ducklake:", rest)) {
		path = rest;
	}
	if (IsPostgresUri(path)) {
		// ducklake:postgresql://user@host/db: the URI is the conninfo
		result.type = MetadataBackendType::POSTGRES;
		result.target = path;
	} else if (StripPrefix(path, "postgres:", rest)) {
		// An empty conninfo is valid: libpq then reads PGHOST, PGDATABASE, ... from the environment.
		result.type = MetadataBackendType::POSTGRES;
		result.target = rest;
	} else if (StripPrefix(path, "sqlite:", rest)) {
		result.type = MetadataBackendType::SQLITE;
		result.target = rest;
	} else if (StripPrefix(path, "duckdb:", rest)) {
		result.type = MetadataBackendType::DUCKDB;
		result.target = rest;
	} else {
		result.type = MetadataBackendType::DUCKDB;
		result.target = path;
	}
	if (result.type != MetadataBackendType::POSTGRES && result.target.empty()) {
		throw InvalidInputException("DuckLake catalog path \"%s\" names no file", catalog_path);
	}
	return result;
}

//! Reads one libpq key=value conninfo value starting at `pos`: either single-quoted (with
//! backslash escapes) or up to the next whitespace. Returns false on an unterminated quote.
static bool ReadConninfoValue(const string &text, idx_t &pos) {
	if (pos < text.size() && text[pos] == '\'') {
		pos++;
		while (pos < text.size() && text[pos] != '\'') {
			if (text[pos] == '\\' && pos + 1 < text.size()) {
				pos++;
			}
			pos++;
		}
		if (pos >= text.size()) {
			return false;
		}
		pos++; // the closing quote
		return true;
	}
	while (pos < text.size() && !StringUtil::CharacterIsSpace(text[pos])) {
		if (text[pos] == '\\' && pos + 1 < text.size()) {
			pos++;
		}
		pos++;
	}
	return true;
}

//! Removes `password=...` from a key=value conninfo. Returns false if the text does not parse, in
//! which case nothing of it may be shown.
static bool RemovePasswordFromKeyValues(const string &conninfo, string &result) {
	vector<string> kept;
	idx_t pos = 0;
	while (true) {
		while (pos < conninfo.size() && StringUtil::CharacterIsSpace(conninfo[pos])) {
			pos++;
		}
		if (pos >= conninfo.size()) {
			break;
		}
		idx_t start = pos;
		while (pos < conninfo.size() && conninfo[pos] != '=' && !StringUtil::CharacterIsSpace(conninfo[pos])) {
			pos++;
		}
		string key = conninfo.substr(start, pos - start);
		while (pos < conninfo.size() && StringUtil::CharacterIsSpace(conninfo[pos])) {
			pos++;
		}
		if (pos >= conninfo.size() || conninfo[pos] != '=' || key.empty()) {
			return false;
		}
		pos++;
		while (pos < conninfo.size() && StringUtil::CharacterIsSpace(conninfo[pos])) {
			pos++;
		}
		idx_t value_start = pos;
		if (!ReadConninfoValue(conninfo, pos)) {
			return false;
		}
		if (StringUtil::Lower(key) == "password") {
			continue;
		}
		kept.push_back(key + "=" + conninfo.substr(value_start, pos - value_start));
	}
	result = StringUtil::Join(kept, " ");
	return true;
}

//! postgresql://user:secret@host:5432/db?password=x&sslmode=require -> postgresql://user@host:5432/db?sslmode=require
static string RemovePasswordFromUri(const string &uri) {
	auto scheme_end = uri.find("://");
	if (scheme_end == string::npos) {
		return uri;
	}
	string scheme = uri.substr(0, scheme_end + 3);
	string rest = uri.substr(scheme_end + 3);
	string query;
	auto query_start = rest.find('?');
	if (query_start != string::npos) {
		query = rest.substr(query_start + 1);
		rest = rest.substr(0, query_start);
	}
	// The user info ends at the last '@' (a careless password may itself contain '@' or '/').
	auto at = rest.rfind('@');
	if (at != string::npos) {
		string user_info = rest.substr(0, at);
		auto colon = user_info.find(':');
		if (colon != string::npos) {
			user_info = user_info.substr(0, colon);
		}
		rest = user_info + "@" + rest.substr(at + 1);
	}
	string result = scheme + rest;
	if (!query.empty()) {
		vector<string> kept;
		for (auto &param : StringUtil::Split(query, '&')) {
			auto key = StringUtil::Lower(param.substr(0, param.find('=')));
			if (key != "password") {
				kept.push_back(param);
			}
		}
		if (!kept.empty()) {
			result += "?" + StringUtil::Join(kept, "&");
		}
	}
	return result;
}

string MetadataLocation::TypeName() const {
	switch (type) {
	case MetadataBackendType::DUCKDB:
		return "duckdb";
	case MetadataBackendType::SQLITE:
		return "sqlite";
	case MetadataBackendType::POSTGRES:
		return "postgres";
	}
	throw InternalException("unknown metadata backend type");
}

string MetadataLocation::DisplayName() const {
	switch (type) {
	case MetadataBackendType::DUCKDB:
		return target;
	case MetadataBackendType::SQLITE:
		return "sqlite:" + target;
	case MetadataBackendType::POSTGRES: {
		if (IsPostgresUri(target)) {
			return "postgres:" + RemovePasswordFromUri(target);
		}
		if (target.find('=') == string::npos) {
			return "postgres:" + target; // a bare database name
		}
		string cleaned;
		if (!RemovePasswordFromKeyValues(target, cleaned)) {
			return "postgres:(connection string not shown: it does not parse)";
		}
		return "postgres:" + cleaned;
	}
	}
	return target;
}

} // namespace duckdb
