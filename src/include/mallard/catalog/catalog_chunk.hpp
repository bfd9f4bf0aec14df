//===----------------------------------------------------------------------===//
// mallard/catalog/catalog_chunk.hpp
//
// Reads one chunk of a MetadataConnection::QueryColumns result field by field, as ids, text and
// booleans. Reading many catalog rows (a table's file list and its column statistics) through
// MetadataResult makes a Value per field, which cost more than running the statement: 1,000 files
// and their 3,000 statistics rows took about 20 ms to convert on a DuckDB-file catalog.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/types/data_chunk.hpp"

namespace duckdb {

//! Makes `target` hold `source`'s first `count` values as `target`'s type: a reference when the
//! types agree, a cast otherwise (a catalog column stored as another type than the result's).
void ReferenceOrCast(Vector &source, Vector &target, idx_t count);

class CatalogChunk {
public:
	explicit CatalogChunk(DataChunk &chunk);

	idx_t size() const {
		return chunk.size();
	}
	bool IsNull(idx_t column, idx_t row) const;
	//! A non-negative integer (an id, a count); a NULL field is an error.
	idx_t GetId(idx_t column, idx_t row) const;
	//! Invalid when the field is NULL.
	optional_idx GetOptionalId(idx_t column, idx_t row) const;
	//! The field as text; empty when NULL.
	string GetString(idx_t column, idx_t row) const;
	//! The text of a VARCHAR field in place (valid while the chunk is); false when NULL.
	bool GetStringRef(idx_t column, idx_t row, string_t &result) const;
	//! The field as text; a NULL Value when NULL.
	Value GetText(idx_t column, idx_t row) const;
	//! A boolean as MetadataReader::ReadBool reads it; `if_null` when NULL.
	bool GetBool(idx_t column, idx_t row, bool if_null) const;

private:
	//! The field as a Value, for columns of an unexpected kind.
	Value GetValue(idx_t column, idx_t row) const;

	DataChunk &chunk;
	vector<UnifiedVectorFormat> formats;
};

} // namespace duckdb
