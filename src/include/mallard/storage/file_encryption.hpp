//===----------------------------------------------------------------------===//
// mallard/storage/file_encryption.hpp
//
// DuckLake's encrypted lakes (ATTACH ... (ENCRYPTED), spec: ducklake_data_file.encryption_key).
// Every write operation encrypts the Parquet files it writes with a new random key; the key is
// stored base64-encoded in the file's catalog row, where readers take it from. DuckDB's Parquet
// writer and reader do the encrypting (with the ciphers of parquet_encryption.hpp): Mallard only
// makes keys, hands them over and records them. An empty key means a plain file.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"
#include "duckdb/common/types/value.hpp"

namespace duckdb {

struct OpenFileInfo;

struct FileEncryption {
	//! A new key: 32 bytes from OpenSSL's random generator (AES-256).
	static string NewKey();
	//! The catalog's text of a key (base64) and back.
	static string ToCatalog(const string &key);
	static string FromCatalog(const string &text);
	//! The value of the Parquet writer's and reader's encryption_config for `key`.
	static Value Config(const string &key);
	//! The key as a SQL BLOB literal, every byte escaped ('\x..'::BLOB).
	static string KeySQL(const string &key);
	//! The encryption_config as SQL: {footer_key_value: <KeySQL>}.
	static string ConfigSQL(const string &key);
	//! `, ENCRYPTION_CONFIG {...}` for a COPY option list; empty for no key.
	static string CopyOption(const string &key);
	//! Gives DuckDB's Parquet reader the key of `file`, which it takes from the file's open info
	//! (keeping any other open options). Nothing for an empty key.
	static void SetReaderKey(OpenFileInfo &file, const string &key);
};

//! `read_parquet('<path>')`, with the key's encryption_config when `key` is not empty.
string ReadParquetSQL(const string &path, const string &key);
//! `SELECT <columns> FROM read_parquet([...])` over files (path, key) that may each have their own
//! key: DuckDB's reader takes one key per call, so one call per distinct key, in UNION ALL (a
//! single call for plain files). Rows come in no particular order.
string ReadParquetFilesSQL(const string &columns, const vector<pair<string, string>> &files);

} // namespace duckdb
