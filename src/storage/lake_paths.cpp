#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/common/types/uuid.hpp"

namespace duckdb {

string LakePaths::NormalizeDataPath(const string &path) {
	if (path.empty() || StringUtil::EndsWith(path, "/")) {
		return path;
	}
	return path + "/";
}

namespace {

string AbsoluteFolder(const string &path) {
	if (path.find("://") != string::npos) {
		return LakePaths::NormalizeDataPath(path);
	}
	auto full = StringUtil::StartsWith(path, "/") ? path : FileSystem::GetWorkingDirectory() + "/" + path;
	vector<string> steps;
	for (auto &step : StringUtil::Split(full, '/')) {
		if (step == "..") {
			if (!steps.empty()) {
				steps.pop_back();
			}
		} else if (!step.empty() && step != ".") {
			steps.push_back(step);
		}
	}
	return "/" + StringUtil::Join(steps, "/") + "/";
}

} // namespace

bool LakePaths::SameDataPath(const string &a, const string &b) {
	return NormalizeDataPath(a) == NormalizeDataPath(b) || AbsoluteFolder(a) == AbsoluteFolder(b);
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

void LakePaths::CreateFolder(FileSystem &fs, const string &folder) {
	if (folder.empty() || fs.DirectoryExists(folder)) {
		return;
	}
	string partial;
	for (auto &part : StringUtil::Split(folder, '/')) {
		partial += (partial.empty() && StringUtil::StartsWith(folder, "/") ? "/" : "") + part + "/";
		if (!fs.DirectoryExists(partial)) {
			fs.CreateDirectory(partial);
		}
	}
}

} // namespace duckdb
