#include "mallard/storage/file_encryption.hpp"

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/exception.hpp"
#include "duckdb/common/open_file_info.hpp"
#include "duckdb/common/types/blob.hpp"

#include <openssl/rand.h>

namespace duckdb {

namespace {

//! AES-256. DuckLake's own writers used 16-byte keys at first: readers take either length.
constexpr idx_t KEY_BYTES = 32;

} // namespace

string FileEncryption::NewKey() {
	string key(KEY_BYTES, '\0');
	if (RAND_bytes(reinterpret_cast<unsigned char *>(&key[0]), static_cast<int>(key.size())) != 1) {
		throw IOException("Encrypted lake: could not generate a file key (OpenSSL RAND_bytes failed)");
	}
	return key;
}

string FileEncryption::ToCatalog(const string &key) {
	return Blob::ToBase64(string_t(key));
}

string FileEncryption::FromCatalog(const string &text) {
	return Blob::FromBase64(string_t(text));
}

Value FileEncryption::Config(const string &key) {
	child_list_t<Value> values;
	values.emplace_back("footer_key_value", Value::BLOB_RAW(key));
	return Value::STRUCT(std::move(values));
}

string FileEncryption::KeySQL(const string &key) {
	static const char *HEX = "0123456789ABCDEF";
	string literal;
	for (auto c : key) {
		auto byte = static_cast<uint8_t>(c);
		literal += "\\x";
		literal += HEX[byte >> 4];
		literal += HEX[byte & 0x0F];
	}
	return "'" + literal + "'::BLOB";
}

string FileEncryption::ConfigSQL(const string &key) {
	return "{footer_key_value: " + KeySQL(key) + "}";
}

string FileEncryption::CopyOption(const string &key) {
	return key.empty() ? string() : ", ENCRYPTION_CONFIG " + ConfigSQL(key);
}

void FileEncryption::SetReaderKey(OpenFileInfo &file, const string &key) {
	if (key.empty()) {
		return;
	}
	auto info = make_shared_ptr<ExtendedOpenFileInfo>();
	if (file.extended_info) {
		*info = *file.extended_info;
	}
	info->options["encryption_key"] = Value::BLOB_RAW(key);
	file.extended_info = std::move(info);
}

string ReadParquetSQL(const string &path, const string &key) {
	auto args = MetadataConnection::Literal(path);
	if (!key.empty()) {
		args += ", encryption_config = " + FileEncryption::ConfigSQL(key);
	}
	return "read_parquet(" + args + ")";
}

string ReadParquetFilesSQL(const string &columns, const vector<pair<string, string>> &files) {
	// Keys in first-seen order, so the statement is the same for the same files.
	vector<string> keys;
	unordered_map<string, string> lists;
	for (auto &file : files) {
		auto &list = lists[file.second];
		if (list.empty()) {
			keys.push_back(file.second);
		}
		list += (list.empty() ? "" : ", ") + MetadataConnection::Literal(file.first);
	}
	string result;
	for (auto &key : keys) {
		auto options = key.empty() ? string() : ", encryption_config = " + FileEncryption::ConfigSQL(key);
		result += (result.empty() ? "" : " UNION ALL ") + string("SELECT ") + columns + " FROM read_parquet([" +
		          lists[key] + "]" + options + ")";
	}
	return result;
}

} // namespace duckdb
