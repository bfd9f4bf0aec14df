#include "mallard/catalog/snapshot_changes.hpp"

#include "duckdb/common/string_util.hpp"
#include "duckdb/parser/keyword_helper.hpp"

namespace duckdb {

string SnapshotChanges::QuoteName(const string &name) {
	return "\"" + StringUtil::Replace(name, "\"", "\"\"") + "\"";
}

string SnapshotChanges::DisplayName(const string &value) {
	if (value.empty() || value[0] != '"') {
		return value;
	}
	vector<string> parts;
	string part;
	idx_t i = 0;
	while (i < value.size()) {
		if (value[i] != '"') {
			return value;
		}
		part.clear();
		for (i++; i < value.size(); i++) {
			if (value[i] == '"') {
				if (i + 1 < value.size() && value[i + 1] == '"') {
					part += '"';
					i++;
					continue;
				}
				break;
			}
			part += value[i];
		}
		if (i >= value.size()) {
			return value; // unterminated: not a quoted name
		}
		parts.push_back(KeywordHelper::WriteOptionallyQuoted(part));
		i++;
		if (i < value.size()) {
			if (value[i] != '.') {
				return value;
			}
			i++;
		}
	}
	return StringUtil::Join(parts, ".");
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
