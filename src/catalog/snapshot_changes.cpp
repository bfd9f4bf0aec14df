#include "mallard/catalog/snapshot_changes.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

string SnapshotChanges::QuoteName(const string &name) {
	return "\"" + StringUtil::Replace(name, "\"", "\"\"") + "\"";
}

vector<SnapshotChange> SnapshotChanges::Parse(const string &changes_made) {
	vector<SnapshotChange> result;
	string current;
	bool in_quotes = false;
	auto flush = [&]() {
		auto colon = current.find(':');
		if (colon != string::npos) {
			result.push_back({current.substr(0, colon), current.substr(colon + 1)});
		}
		current.clear();
	};
	for (auto c : changes_made) {
		if (c == '"') {
			in_quotes = !in_quotes;
		}
		if (c == ',' && !in_quotes) {
			flush();
			continue;
		}
		current += c;
	}
	flush();
	return result;
}

} // namespace duckdb
