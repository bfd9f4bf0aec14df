//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_storage.hpp
//
// The `ducklake` storage extension: what `ATTACH 'ducklake:...'` calls.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/storage/storage_extension.hpp"

namespace duckdb {

class DuckLakeStorageExtension : public StorageExtension {
public:
	DuckLakeStorageExtension();
};

} // namespace duckdb
