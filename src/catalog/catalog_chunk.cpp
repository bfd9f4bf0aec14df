#include "mallard/catalog/catalog_chunk.hpp"

#include "mallard/catalog/metadata_reader.hpp"

#include "duckdb/common/vector_operations/vector_operations.hpp"

namespace duckdb {

void ReferenceOrCast(Vector &source, Vector &target, idx_t count) {
	if (source.GetType() == target.GetType()) {
		target.Reference(source);
	} else {
		VectorOperations::DefaultCast(source, target, count);
	}
}

CatalogChunk::CatalogChunk(DataChunk &chunk_p) : chunk(chunk_p) {
	formats.resize(chunk.ColumnCount());
	for (idx_t column = 0; column < chunk.ColumnCount(); column++) {
		chunk.data[column].ToUnifiedFormat(chunk.size(), formats[column]);
	}
}

bool CatalogChunk::IsNull(idx_t column, idx_t row) const {
	auto &format = formats[column];
	return !format.validity.RowIsValid(format.sel->get_index(row));
}

Value CatalogChunk::GetValue(idx_t column, idx_t row) const {
	return chunk.GetValue(column, row);
}

idx_t CatalogChunk::GetId(idx_t column, idx_t row) const {
	auto &format = formats[column];
	if (chunk.data[column].GetType().id() != LogicalTypeId::BIGINT || IsNull(column, row)) {
		return NumericCast<idx_t>(GetValue(column, row).GetValue<int64_t>());
	}
	return NumericCast<idx_t>(UnifiedVectorFormat::GetData<int64_t>(format)[format.sel->get_index(row)]);
}

optional_idx CatalogChunk::GetOptionalId(idx_t column, idx_t row) const {
	return IsNull(column, row) ? optional_idx() : optional_idx(GetId(column, row));
}

string CatalogChunk::GetString(idx_t column, idx_t row) const {
	if (IsNull(column, row)) {
		return string();
	}
	auto &format = formats[column];
	if (chunk.data[column].GetType().id() != LogicalTypeId::VARCHAR) {
		return GetValue(column, row).ToString();
	}
	return UnifiedVectorFormat::GetData<string_t>(format)[format.sel->get_index(row)].GetString();
}

bool CatalogChunk::GetStringRef(idx_t column, idx_t row, string_t &result) const {
	if (chunk.data[column].GetType().id() != LogicalTypeId::VARCHAR) {
		throw InternalException("catalog column %llu is not text", column);
	}
	if (IsNull(column, row)) {
		return false;
	}
	auto &format = formats[column];
	result = UnifiedVectorFormat::GetData<string_t>(format)[format.sel->get_index(row)];
	return true;
}

Value CatalogChunk::GetText(idx_t column, idx_t row) const {
	return IsNull(column, row) ? Value() : Value(GetString(column, row));
}

bool CatalogChunk::GetBool(idx_t column, idx_t row, bool if_null) const {
	if (IsNull(column, row)) {
		return if_null;
	}
	auto &format = formats[column];
	if (chunk.data[column].GetType().id() != LogicalTypeId::BOOLEAN) {
		return MetadataReader::ReadBool(GetValue(column, row), if_null);
	}
	return UnifiedVectorFormat::GetData<bool>(format)[format.sel->get_index(row)];
}

} // namespace duckdb
