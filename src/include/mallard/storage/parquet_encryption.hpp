//===----------------------------------------------------------------------===//
// mallard/storage/parquet_encryption.hpp
//
// AES for DuckDB's encrypted Parquet files (Parquet modular encryption, AES-GCM), backed by
// OpenSSL's libcrypto. DuckDB 1.4 itself only decrypts: writing needs an EncryptionUtil that can
// encrypt and draw secure random nonces, which stock DuckDB takes from its httpfs extension. Mallard
// has no httpfs, so without this `COPY ... TO 'f.parquet' (ENCRYPTION_CONFIG {...})` failed asking
// the user to LOAD httpfs, which is not there to load.
//===----------------------------------------------------------------------===//
#pragma once

namespace duckdb {

class DBConfig;

//! Installs the OpenSSL util as the database's encryption_util, unless it already has one.
void RegisterParquetEncryption(DBConfig &config);

} // namespace duckdb
