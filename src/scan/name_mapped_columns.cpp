#include "mallard/scan/name_mapped_columns.hpp"

#include "duckdb/common/hive_partitioning.hpp"
#include "duckdb/common/multi_file/base_file_reader.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"

namespace duckdb {

namespace {

//! The identifier of a column the file does not hold: no field of a Parquet file has this name.
const char *NOT_IN_FILE = "\x01mallard: not in file";

struct NameMatcher {
	ClientContext &context;
	const string &path;
	std::map<string, string> hive_values;
	bool hive_parsed = false;

	const string *HiveValue(const string &key) {
		if (!hive_parsed) {
			hive_values = HivePartitioning::Parse(path);
			hive_parsed = true;
		}
		for (auto &item : hive_values) {
			if (StringUtil::CIEquals(item.first, key)) {
				return &item.second;
			}
		}
		return nullptr;
	}

	static const NameMapEntry *FindEntry(const vector<NameMapEntry> &entries, const Value &identifier) {
		if (identifier.IsNull() || identifier.type().id() != LogicalTypeId::INTEGER) {
			return nullptr;
		}
		auto field_id = identifier.GetValue<int32_t>();
		for (auto &entry : entries) {
			if (field_id >= 0 && entry.target_field_id == idx_t(field_id)) {
				return &entry;
			}
		}
		return nullptr;
	}

	static const MultiFileColumnDefinition *FindLocal(const vector<MultiFileColumnDefinition> &local,
	                                                  const string &name) {
		for (auto &column : local) {
			if (StringUtil::CIEquals(column.name, name)) {
				return &column;
			}
		}
		return nullptr;
	}

	static void Unmatch(MultiFileColumnDefinition &column) {
		column.identifier = Value(NOT_IN_FILE);
		for (auto &child : column.children) {
			Unmatch(child);
		}
	}

	//! Identifies `column` by the name of `local` (its field in the file) and its children likewise:
	//! struct fields through the entry's children, a list's element and a map's key and value by
	//! position (their names are Parquet conventions, not the table's).
	void Match(MultiFileColumnDefinition &column, const NameMapEntry *entry, const MultiFileColumnDefinition &local) {
		column.identifier = Value(local.name);
		if (column.children.empty()) {
			return;
		}
		static const vector<NameMapEntry> NO_ENTRIES;
		auto &child_entries = entry ? entry->children : NO_ENTRIES;
		switch (column.type.id()) {
		case LogicalTypeId::LIST:
		case LogicalTypeId::ARRAY: {
			if (local.children.size() != 1) {
				Unmatch(column.children[0]);
				return;
			}
			auto child_entry = child_entries.empty() ? nullptr : &child_entries[0];
			Match(column.children[0], child_entry, local.children[0]);
			return;
		}
		case LogicalTypeId::MAP: {
			// The reader shows a map as one "key_value" child holding key and value.
			auto &pairs = local.children.size() == 1 ? local.children[0].children : local.children;
			for (idx_t i = 0; i < column.children.size(); i++) {
				if (i >= pairs.size()) {
					Unmatch(column.children[i]);
					continue;
				}
				auto child_entry = FindEntry(child_entries, column.children[i].identifier);
				if (!child_entry && i < child_entries.size()) {
					child_entry = &child_entries[i];
				}
				Match(column.children[i], child_entry, pairs[i]);
			}
			return;
		}
		default:
			MatchLevel(column.children, child_entries, local.children);
			return;
		}
	}

	void MatchLevel(vector<MultiFileColumnDefinition> &columns, const vector<NameMapEntry> &entries,
	                const vector<MultiFileColumnDefinition> &local) {
		for (auto &column : columns) {
			auto entry = FindEntry(entries, column.identifier);
			if (!entry) {
				// Not in the mapping: the column was added after the file (or ignored): its default.
				Unmatch(column);
				continue;
			}
			if (entry->is_partition) {
				auto text = HiveValue(entry->source_name);
				if (!text) {
					throw InvalidInputException("Column \"%s\" of data file \"%s\" is mapped to its Hive partition "
					                            "key \"%s\", which the file's path does not have",
					                            column.name, path, entry->source_name);
				}
				auto value = HivePartitioning::GetValue(context, entry->source_name, *text, column.type);
				Unmatch(column);
				column.default_expression = make_uniq<ConstantExpression>(std::move(value));
				continue;
			}
			auto found = FindLocal(local, entry->source_name);
			if (!found) {
				Unmatch(column);
				continue;
			}
			Match(column, entry, *found);
		}
	}
};

} // namespace

vector<MultiFileColumnDefinition> MapColumnsByName(ClientContext &context,
                                                   const vector<MultiFileColumnDefinition> &global_columns,
                                                   const NameMapping &mapping, BaseFileReader &reader) {
	auto result = global_columns;
	NameMatcher matcher {context, reader.GetFileName()};
	matcher.MatchLevel(result, mapping.columns, reader.GetColumns());
	return result;
}

ReaderInitializeType CreateLakeFileMapping(MultiFileReader &multi_file_reader, ClientContext &context,
                                           MultiFileReaderData &reader_data,
                                           const vector<MultiFileColumnDefinition> &global_columns,
                                           const vector<ColumnIndex> &global_column_ids,
                                           optional_ptr<TableFilterSet> filters, MultiFileList &multi_file_list,
                                           const MultiFileReaderBindData &bind_data,
                                           const virtual_column_map_t &virtual_columns,
                                           optional_ptr<const NameMapping> mapping) {
	if (!mapping) {
		return multi_file_reader.MultiFileReader::CreateMapping(context, reader_data, global_columns, global_column_ids,
		                                                        filters, multi_file_list, bind_data, virtual_columns);
	}
	auto columns = MapColumnsByName(context, global_columns, *mapping, *reader_data.reader);
	return multi_file_reader.MultiFileReader::CreateMapping(context, reader_data, columns, global_column_ids, filters,
	                                                        multi_file_list, bind_data, virtual_columns,
	                                                        MultiFileColumnMappingMode::BY_NAME);
}

} // namespace duckdb
