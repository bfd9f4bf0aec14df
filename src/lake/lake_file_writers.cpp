#include "mallard/lake/lake_file_writers.hpp"

#include "mallard/lake/ducklake_transaction.hpp"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/main/client_context.hpp"

#include <atomic>

namespace duckdb {

namespace {

const char *const STATE_NAME = "mallard_lake_file_writers";

//! The Parquet function's own file creation; the same function every time it is looked up.
std::atomic<copy_to_initialize_global_t> parquet_initialize_global {nullptr};

unique_ptr<GlobalFunctionData> InitializeTrackedFile(ClientContext &context, FunctionData &bind_data,
                                                     const string &file_path) {
	auto writers = context.registered_state->Get<LakeFileWriters>(STATE_NAME);
	auto lake = writers ? writers->FindLake(bind_data) : string();
	if (lake.empty()) {
		throw InternalException("Parquet COPY for a lake table was not registered with its lake: %s", file_path);
	}
	// Before the writer creates the file: should creating it fail half-way, the rollback still tries.
	DuckLakeTransaction::Get(context, Catalog::GetCatalog(context, lake)).AddWrittenFile(file_path);
	return parquet_initialize_global.load()(context, bind_data, file_path);
}

} // namespace

CopyFunction LakeFileWriters::TrackingCopyFunction(const CopyFunction &parquet) {
	parquet_initialize_global.store(parquet.copy_to_initialize_global);
	CopyFunction result = parquet;
	result.copy_to_initialize_global = InitializeTrackedFile;
	return result;
}

unique_ptr<LakeFileWriterRegistration> LakeFileWriters::Register(ClientContext &context,
                                                                 const FunctionData &bind_data,
                                                                 const string &catalog_name) {
	auto writers = context.registered_state->GetOrCreate<LakeFileWriters>(STATE_NAME);
	{
		std::lock_guard<std::mutex> guard(writers->lock);
		writers->lakes[&bind_data] = catalog_name;
	}
	return make_uniq<LakeFileWriterRegistration>(std::move(writers), bind_data);
}

string LakeFileWriters::FindLake(const FunctionData &bind_data) {
	std::lock_guard<std::mutex> guard(lock);
	auto entry = lakes.find(&bind_data);
	return entry == lakes.end() ? string() : entry->second;
}

void LakeFileWriters::Unregister(const FunctionData *bind_data) {
	std::lock_guard<std::mutex> guard(lock);
	lakes.erase(bind_data);
}

LakeFileWriterRegistration::LakeFileWriterRegistration(shared_ptr<LakeFileWriters> writers_p,
                                                       const FunctionData &bind_data)
    : writers(std::move(writers_p)), bind_data(&bind_data) {
}

LakeFileWriterRegistration::~LakeFileWriterRegistration() {
	writers->Unregister(bind_data);
}

} // namespace duckdb
