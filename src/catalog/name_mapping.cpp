#include "mallard/catalog/name_mapping.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/exception.hpp"
#include "duckdb/common/string_util.hpp"

#include <algorithm>
#include <map>

namespace duckdb {

namespace {

//! The entries whose parent is `parent` (none: the top level), each with its own children.
vector<NameMapEntry> BuildLevel(const std::map<idx_t, FlatNameMapEntry> &entries, optional_idx parent, idx_t depth) {
	vector<NameMapEntry> result;
	if (depth > entries.size()) {
		throw InvalidInputException("Column name mapping has a cycle in its parent_column references");
	}
	for (auto &item : entries) {
		auto &flat = item.second;
		bool same_parent = parent.IsValid() ? flat.parent.IsValid() && flat.parent.GetIndex() == parent.GetIndex()
		                                    : !flat.parent.IsValid();
		if (!same_parent) {
			continue;
		}
		auto entry = flat.entry;
		entry.children = BuildLevel(entries, entry.entry_id, depth + 1);
		result.push_back(std::move(entry));
	}
	return result;
}

} // namespace

NameMappingMap NameMappings::Read(MetadataConnection &conn, const vector<idx_t> &mapping_ids) {
	NameMappingMap result;
	if (mapping_ids.empty()) {
		return result;
	}
	string ids;
	for (auto id : mapping_ids) {
		ids += (ids.empty() ? "" : ", ") + std::to_string(id);
	}
	auto rows = conn.Query(StringUtil::Format(
	    "SELECT m.mapping_id, m.table_id, m.type, n.column_id, n.source_name, n.target_field_id, n.parent_column, "
	    "n.is_partition FROM %s m LEFT JOIN %s n ON n.mapping_id = m.mapping_id WHERE m.mapping_id IN (%s)",
	    conn.Table("ducklake_column_mapping"), conn.Table("ducklake_name_mapping"), ids));
	std::map<idx_t, std::map<idx_t, FlatNameMapEntry>> entries;
	std::map<idx_t, idx_t> tables;
	for (auto &row : rows.rows) {
		auto mapping_id = NumericCast<idx_t>(row[0].GetValue<int64_t>());
		auto type = row[2].IsNull() ? string() : row[2].ToString();
		if (type != MAP_BY_NAME) {
			throw NotImplementedException("Column mapping %llu has type \"%s\"; only \"%s\" mappings can be read",
			                              mapping_id, type, MAP_BY_NAME);
		}
		tables[mapping_id] = row[1].IsNull() ? 0 : NumericCast<idx_t>(row[1].GetValue<int64_t>());
		auto &of_mapping = entries[mapping_id];
		if (row[3].IsNull()) {
			continue;
		}
		FlatNameMapEntry flat;
		flat.entry.entry_id = NumericCast<idx_t>(row[3].GetValue<int64_t>());
		flat.entry.source_name = row[4].IsNull() ? string() : row[4].ToString();
		flat.entry.target_field_id = NumericCast<idx_t>(row[5].GetValue<int64_t>());
		if (!row[6].IsNull()) {
			flat.parent = NumericCast<idx_t>(row[6].GetValue<int64_t>());
		}
		flat.entry.is_partition = MetadataReader::ReadBool(row[7], false);
		of_mapping[flat.entry.entry_id] = std::move(flat);
	}
	for (auto id : mapping_ids) {
		auto found = entries.find(id);
		if (found == entries.end()) {
			throw InvalidInputException("A data file refers to column mapping %llu, which the catalog does not have",
			                            id);
		}
		auto mapping = make_shared_ptr<NameMapping>();
		mapping->mapping_id = id;
		mapping->table_id = tables[id];
		mapping->columns = BuildLevel(found->second, optional_idx(), 0);
		result[id] = std::move(mapping);
	}
	return result;
}

vector<NameMapEntry> NameMappings::Nest(const vector<FlatNameMapEntry> &entries) {
	std::map<idx_t, FlatNameMapEntry> by_id;
	for (auto &flat : entries) {
		by_id[flat.entry.entry_id] = flat;
	}
	return BuildLevel(by_id, optional_idx(), 0);
}

namespace {

void FlattenInto(const vector<NameMapEntry> &entries, optional_idx parent, vector<FlatNameMapEntry> &result) {
	for (auto &entry : entries) {
		FlatNameMapEntry flat;
		flat.entry = entry;
		flat.entry.children.clear();
		flat.parent = parent;
		result.push_back(std::move(flat));
		FlattenInto(entry.children, entry.entry_id, result);
	}
}

} // namespace

vector<FlatNameMapEntry> NameMappings::Flatten(const vector<NameMapEntry> &entries) {
	vector<FlatNameMapEntry> result;
	FlattenInto(entries, optional_idx(), result);
	return result;
}

namespace {

void AppendEntries(const vector<NameMapEntry> &entries, optional_idx parent, const string &mapping_id,
                   string &values) {
	for (auto &entry : entries) {
		values += string(values.empty() ? "" : ", ") + "(" + mapping_id + ", " + std::to_string(entry.entry_id) +
		          ", " + MetadataConnection::Literal(entry.source_name) + ", " +
		          std::to_string(entry.target_field_id) + ", " +
		          (parent.IsValid() ? std::to_string(parent.GetIndex()) : string("NULL")) + ", " +
		          (entry.is_partition ? "true" : "false") + ")";
		AppendEntries(entry.children, entry.entry_id, mapping_id, values);
	}
}

} // namespace

vector<string> NameMappings::InsertStatements(MetadataConnection &conn, const NameMapping &mapping) {
	vector<string> result;
	auto id = std::to_string(mapping.mapping_id);
	result.push_back("INSERT INTO " + conn.Table("ducklake_column_mapping") + " (mapping_id, table_id, type) VALUES (" +
	                 id + ", " + std::to_string(mapping.table_id) + ", " + MetadataConnection::Literal(MAP_BY_NAME) +
	                 ")");
	string values;
	AppendEntries(mapping.columns, optional_idx(), id, values);
	if (!values.empty()) {
		result.push_back("INSERT INTO " + conn.Table("ducklake_name_mapping") +
		                 " (mapping_id, column_id, source_name, target_field_id, parent_column, is_partition) VALUES " +
		                 values);
	}
	return result;
}

} // namespace duckdb
