#include "mallard/storage/lake_table_folders.hpp"

#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

unordered_map<idx_t, string> LakeTableFolders::Read(MetadataConnection &conn, const string &data_path) {
	unordered_map<idx_t, string> result;
	auto rows = conn.Query("SELECT t.table_id, t.path, t.path_is_relative, s.path, s.path_is_relative FROM " +
	                       conn.Table("ducklake_table") + " t JOIN " + conn.Table("ducklake_schema") +
	                       " s ON s.schema_id = t.schema_id ORDER BY t.begin_snapshot");
	auto text = [](const Value &value) { return value.IsNull() ? string() : value.ToString(); };
	auto flag = [](const Value &value) {
		if (value.IsNull()) {
			return true;
		}
		auto lower = StringUtil::Lower(value.ToString());
		return lower == "true" || lower == "1" || lower == "t";
	};
	for (auto &row : rows.rows) {
		auto schema_folder = LakePaths::Resolve(data_path, text(row[3]), flag(row[4]));
		result[NumericCast<idx_t>(row[0].GetValue<int64_t>())] =
		    LakePaths::Resolve(schema_folder, text(row[1]), flag(row[2]));
	}
	return result;
}

pair<string, bool> LakeTableFolders::RelativeToDataPath(const string &full_path, const string &data_path) {
	if (StringUtil::StartsWith(full_path, data_path)) {
		return make_pair(full_path.substr(data_path.size()), true);
	}
	return make_pair(full_path, false);
}

} // namespace duckdb
