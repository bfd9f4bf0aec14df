#include "mallard/storage/parquet_encryption.hpp"

#include "duckdb/common/encryption_state.hpp"
#include "duckdb/common/exception.hpp"
#include "duckdb/main/config.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace duckdb {

namespace {

[[noreturn]] void ThrowOpenSSLError(const char *what) {
	auto code = ERR_get_error();
	char reason[256] = "unknown error";
	if (code != 0) {
		ERR_error_string_n(code, reason, sizeof(reason));
	}
	throw IOException("Encryption: %s failed (%s)", what, reason);
}

//! One AES stream: GCM (Parquet) or CTR (DuckDB's own encrypted database files, which use the same
//! util once it is installed). Keys of 16, 24 or 32 bytes.
class OpenSSLAesState : public EncryptionState {
public:
	OpenSSLAesState(EncryptionTypes::CipherType cipher_p, idx_t key_len_p)
	    : EncryptionState(cipher_p, key_len_p), context(EVP_CIPHER_CTX_new()) {
		if (!context) {
			ThrowOpenSSLError("EVP_CIPHER_CTX_new");
		}
	}
	~OpenSSLAesState() override {
		EVP_CIPHER_CTX_free(context);
	}

	void InitializeEncryption(const_data_ptr_t iv, idx_t iv_len, const_data_ptr_t key, idx_t key_len_p,
	                          const_data_ptr_t aad, idx_t aad_len) override {
		mode = EncryptionTypes::ENCRYPT;
		Initialize(iv, iv_len, key, key_len_p, aad, aad_len);
	}
	void InitializeDecryption(const_data_ptr_t iv, idx_t iv_len, const_data_ptr_t key, idx_t key_len_p,
	                          const_data_ptr_t aad, idx_t aad_len) override {
		mode = EncryptionTypes::DECRYPT;
		Initialize(iv, iv_len, key, key_len_p, aad, aad_len);
	}

	size_t Process(const_data_ptr_t in, idx_t in_len, data_ptr_t out, idx_t out_len) override {
		// GCM and CTR are stream modes: the output is as long as the input.
		if (out_len < in_len) {
			throw InternalException("Encryption: output buffer of %llu bytes for %llu bytes of input", out_len, in_len);
		}
		int written = 0;
		int ok = mode == EncryptionTypes::ENCRYPT ? EVP_EncryptUpdate(context, out, &written, in, int(in_len))
		                                          : EVP_DecryptUpdate(context, out, &written, in, int(in_len));
		if (ok != 1) {
			ThrowOpenSSLError("AES update");
		}
		return size_t(written);
	}

	size_t Finalize(data_ptr_t out, idx_t out_len, data_ptr_t tag, idx_t tag_len) override {
		int written = 0;
		if (mode == EncryptionTypes::ENCRYPT) {
			if (EVP_EncryptFinal_ex(context, out, &written) != 1) {
				ThrowOpenSSLError("AES final");
			}
			if (cipher == EncryptionTypes::GCM &&
			    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, int(tag_len), tag) != 1) {
				ThrowOpenSSLError("reading the GCM tag");
			}
			return size_t(written);
		}
		if (cipher == EncryptionTypes::GCM &&
		    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, int(tag_len), tag) != 1) {
			ThrowOpenSSLError("setting the GCM tag");
		}
		if (EVP_DecryptFinal_ex(context, out, &written) != 1) {
			// A wrong key or altered data: GCM's tag does not match.
			throw InvalidInputException("Encryption: the data does not decrypt with this key (wrong key, or the "
			                            "file was altered)");
		}
		return size_t(written);
	}

	void GenerateRandomData(data_ptr_t data, idx_t len) override {
		if (RAND_bytes(data, int(len)) != 1) {
			ThrowOpenSSLError("RAND_bytes");
		}
	}

private:
	const EVP_CIPHER *Cipher(idx_t key_bytes) const {
		switch (cipher) {
		case EncryptionTypes::GCM:
			return key_bytes == 16 ? EVP_aes_128_gcm() : key_bytes == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
		case EncryptionTypes::CTR:
			return key_bytes == 16 ? EVP_aes_128_ctr() : key_bytes == 24 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
		default:
			throw NotImplementedException("Encryption: cipher %s is not supported",
			                              EncryptionTypes::CipherToString(cipher));
		}
	}

	void Initialize(const_data_ptr_t iv, idx_t iv_len, const_data_ptr_t key, idx_t key_bytes, const_data_ptr_t aad,
	                idx_t aad_len) {
		if (key_bytes != 16 && key_bytes != 24 && key_bytes != 32) {
			throw InvalidInputException("Encryption: a key must have 16, 24 or 32 bytes, not %llu", key_bytes);
		}
		bool encrypt = mode == EncryptionTypes::ENCRYPT;
		auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
		if (init(context, Cipher(key_bytes), nullptr, nullptr, nullptr) != 1) {
			ThrowOpenSSLError("AES init");
		}
		if (cipher == EncryptionTypes::GCM &&
		    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, int(iv_len), nullptr) != 1) {
			ThrowOpenSSLError("setting the GCM nonce length");
		}
		if (init(context, nullptr, nullptr, key, iv) != 1) {
			ThrowOpenSSLError("AES key and nonce");
		}
		if (aad_len > 0) {
			int ignored = 0;
			int ok = encrypt ? EVP_EncryptUpdate(context, nullptr, &ignored, aad, int(aad_len))
			                 : EVP_DecryptUpdate(context, nullptr, &ignored, aad, int(aad_len));
			if (ok != 1) {
				ThrowOpenSSLError("AES additional data");
			}
		}
	}

	EVP_CIPHER_CTX *context;
	EncryptionTypes::Mode mode = EncryptionTypes::ENCRYPT;
};

class OpenSSLEncryptionUtil : public EncryptionUtil {
public:
	shared_ptr<EncryptionState> CreateEncryptionState(EncryptionTypes::CipherType cipher,
	                                                  idx_t key_len) const override {
		return make_shared_ptr<OpenSSLAesState>(cipher, key_len);
	}
	bool SupportsEncryption() override {
		return true;
	}
};

} // namespace

void RegisterParquetEncryption(DBConfig &config) {
	if (!config.encryption_util) {
		config.encryption_util = make_shared_ptr<OpenSSLEncryptionUtil>();
	}
}

} // namespace duckdb
