#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/uuid.hpp"

namespace duckdb {

string LakePaths::NormalizeDataPath(const string &path) {
	if (path.empty() || StringUtil::EndsWith(path, "/")) {
		return path;
	}
	return path + "/";
}

string LakePaths::Resolve(const string &base, const string &path, bool path_is_relative) {
	if (!path_is_relative) {
		return path;
	}
	return NormalizeDataPath(base) + path;
}

string LakePaths::FolderName(const string &name, const string &fallback_uuid) {
	bool safe = !name.empty() && name[0] != '.' && name.find("..") == string::npos;
	for (auto c : name) {
		if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
			safe = false;
		}
	}
	return (safe ? name : "ducklake-" + fallback_uuid) + "/";
}

string LakePaths::NewDataFileName() {
	return "ducklake-" + UUID::ToString(UUID::GenerateRandomUUID()) + ".parquet";
}

} // namespace duckdb
