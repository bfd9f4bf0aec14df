#include "mallard/functions/murmur3_function.hpp"

#include "duckdb/common/types/string_type.hpp"

#include <cstring>

namespace duckdb {

uint32_t Murmur3(const_data_ptr_t data, idx_t size) {
	const uint32_t c1 = 0xcc9e2d51;
	const uint32_t c2 = 0x1b873593;
	uint32_t h = 0;
	auto rotl = [](uint32_t x, int r) {
		return (x << r) | (x >> (32 - r));
	};
	idx_t blocks = size / 4;
	for (idx_t i = 0; i < blocks; i++) {
		uint32_t k = uint32_t(data[i * 4]) | (uint32_t(data[i * 4 + 1]) << 8) | (uint32_t(data[i * 4 + 2]) << 16) |
		             (uint32_t(data[i * 4 + 3]) << 24);
		k *= c1;
		k = rotl(k, 15);
		k *= c2;
		h ^= k;
		h = rotl(h, 13);
		h = h * 5 + 0xe6546b64;
	}
	uint32_t k = 0;
	auto tail = data + blocks * 4;
	switch (size & 3) {
	case 3:
		k ^= uint32_t(tail[2]) << 16;
		DUCKDB_EXPLICIT_FALLTHROUGH;
	case 2:
		k ^= uint32_t(tail[1]) << 8;
		DUCKDB_EXPLICIT_FALLTHROUGH;
	case 1:
		k ^= uint32_t(tail[0]);
		k *= c1;
		k = rotl(k, 15);
		k *= c2;
		h ^= k;
		break;
	default:
		break;
	}
	h ^= uint32_t(size);
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

namespace {

int32_t HashLong(int64_t value) {
	uint8_t bytes[8];
	for (idx_t i = 0; i < 8; i++) {
		bytes[i] = uint8_t(uint64_t(value) >> (8 * i));
	}
	return int32_t(Murmur3(bytes, 8));
}

int32_t HashDouble(double value) {
	if (value == 0.0) {
		value = 0.0; // -0.0 hashes as 0.0
	}
	int64_t bits;
	memcpy(&bits, &value, sizeof(bits));
	return HashLong(bits);
}

int32_t HashText(const string &text) {
	return int32_t(Murmur3(const_data_ptr_cast(text.data()), text.size()));
}

template <class T, class HASH>
void HashValues(UnifiedVectorFormat &format, idx_t count, int32_t *result, ValidityMask &validity, HASH hash) {
	auto data = UnifiedVectorFormat::GetData<T>(format);
	for (idx_t i = 0; i < count; i++) {
		auto index = format.sel->get_index(i);
		if (!format.validity.RowIsValid(index)) {
			validity.SetInvalid(i);
			continue;
		}
		result[i] = hash(data[index]);
	}
}

void Murmur3ScalarFunction(DataChunk &args, ExpressionState &state, Vector &result) {
	Murmur3Hash(args.data[0], args.size(), result);
}

} // namespace

void Murmur3Hash(Vector &input, idx_t count, Vector &result) {
	if (input.GetVectorType() == VectorType::CONSTANT_VECTOR) {
		count = 1;
	}
	result.SetVectorType(VectorType::FLAT_VECTOR);
	auto data = FlatVector::GetData<int32_t>(result);
	auto &validity = FlatVector::Validity(result);
	UnifiedVectorFormat format;
	input.ToUnifiedFormat(count, format);
	switch (input.GetType().InternalType()) {
	case PhysicalType::BOOL:
		HashValues<bool>(format, count, data, validity, [](bool v) { return HashLong(v ? 1 : 0); });
		break;
	case PhysicalType::INT8:
		HashValues<int8_t>(format, count, data, validity, [](int8_t v) { return HashLong(v); });
		break;
	case PhysicalType::INT16:
		HashValues<int16_t>(format, count, data, validity, [](int16_t v) { return HashLong(v); });
		break;
	case PhysicalType::INT32:
		HashValues<int32_t>(format, count, data, validity, [](int32_t v) { return HashLong(v); });
		break;
	case PhysicalType::INT64:
		HashValues<int64_t>(format, count, data, validity, [](int64_t v) { return HashLong(v); });
		break;
	case PhysicalType::FLOAT:
		HashValues<float>(format, count, data, validity, [](float v) { return HashDouble(double(v)); });
		break;
	case PhysicalType::DOUBLE:
		HashValues<double>(format, count, data, validity, [](double v) { return HashDouble(v); });
		break;
	case PhysicalType::VARCHAR:
		HashValues<string_t>(format, count, data, validity, [](string_t v) {
			return int32_t(Murmur3(const_data_ptr_cast(v.GetData()), v.GetSize()));
		});
		break;
	default:
		// The value's text: the same text DuckLake hashes for these types.
		for (idx_t i = 0; i < count; i++) {
			if (!format.validity.RowIsValid(format.sel->get_index(i))) {
				validity.SetInvalid(i);
				continue;
			}
			data[i] = HashText(input.GetValue(i).ToString());
		}
		break;
	}
	if (input.GetVectorType() == VectorType::CONSTANT_VECTOR) {
		result.SetVectorType(VectorType::CONSTANT_VECTOR);
	}
}

Value BucketOfValue(const Value &value, int32_t buckets) {
	if (value.IsNull()) {
		return Value(LogicalType::INTEGER);
	}
	Vector input(value);
	Vector hash(LogicalType::INTEGER, 1);
	Murmur3Hash(input, 1, hash);
	auto hashed = ConstantVector::GetData<int32_t>(hash)[0];
	return Value::INTEGER((hashed & 0x7FFFFFFF) % buckets);
}

ScalarFunction Murmur3Function() {
	ScalarFunction function("murmur3_32", {LogicalType::ANY}, LogicalType::INTEGER, Murmur3ScalarFunction);
	return function;
}

} // namespace duckdb
