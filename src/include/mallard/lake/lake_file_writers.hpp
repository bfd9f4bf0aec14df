//===----------------------------------------------------------------------===//
// mallard/lake/lake_file_writers.hpp
//
// Hands every data file a lake's Parquet COPY creates to the writing transaction the moment the
// file is created. DuckDB's COPY reports its files only when it finishes, so a statement that
// failed half-way (a cast error at row two million, a NOT NULL violation, an interrupt) used to
// leave the files it had written behind as orphans. Now the transaction's rollback removes them.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/function/copy_function.hpp"
#include "duckdb/main/client_context_state.hpp"

#include <mutex>

namespace duckdb {

//! Keeps a plan's file-tracking registration for as long as the plan lives.
class LakeFileWriterRegistration;

//! Which lake each planned Parquet COPY writes for, per connection, keyed by the COPY's bind data
//! (the one thing DuckDB passes to the function that creates a file).
class LakeFileWriters : public ClientContextState {
public:
	//! `parquet` with its file creation wrapped: each new file goes to the writing lake's transaction
	//! (DuckLakeTransaction::AddWrittenFile) before the Parquet writer creates it.
	static CopyFunction TrackingCopyFunction(const CopyFunction &parquet);
	//! Files the COPY bound to `bind_data` creates belong to lake `catalog_name`, until the returned
	//! registration is destroyed (with the plan that holds it).
	static unique_ptr<LakeFileWriterRegistration> Register(ClientContext &context, const FunctionData &bind_data,
	                                                       const string &catalog_name);

	//! The lake whose COPY `bind_data` is; empty when none was registered.
	string FindLake(const FunctionData &bind_data);
	void Unregister(const FunctionData *bind_data);

private:
	std::mutex lock;
	unordered_map<const FunctionData *, string> lakes;
};

class LakeFileWriterRegistration {
public:
	LakeFileWriterRegistration(shared_ptr<LakeFileWriters> writers, const FunctionData &bind_data);
	~LakeFileWriterRegistration();

private:
	shared_ptr<LakeFileWriters> writers;
	//! Only the address is kept: the bind data may be gone (with the COPY operator) before this.
	const FunctionData *bind_data;
};

} // namespace duckdb
