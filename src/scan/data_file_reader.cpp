#include "mallard/scan/data_file_reader.hpp"

#include "mallard/catalog/metadata_store.hpp"
#include "mallard/scan/ducklake_scan.hpp"
#include "mallard/scan/name_mapped_columns.hpp"
#include "mallard/storage/file_encryption.hpp"

#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/common/multi_file/multi_file_data.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/main/extension/extension_loader.hpp"

namespace duckdb {

namespace {

const char *FUNCTION_NAME = "mallard_read_data_files";
const char *COLUMNS_OPTION = "lake_columns";
const char *MAPPINGS_OPTION = "name_mappings";
const char *KEYS_OPTION = "encryption_keys";
const char *MAPPING_ENTRY_TYPE = "STRUCT(id BIGINT, parent BIGINT, source VARCHAR, target BIGINT, is_partition BOOLEAN)[]";

//! One entry of the lake_columns argument: a column or nested field, its parent's field id (NULL
//! for a column), its name, its type as text and its initial default as text. Parents come first.
void AppendColumn(const LakeColumnInfo &column, optional_idx parent, const string &name, const LogicalType &type,
                  string &result) {
	auto fill = column.initial_default.IsNull() ? string("NULL::VARCHAR")
	                                            : MetadataConnection::Literal(column.initial_default.ToString());
	result += string(result.size() > 1 ? ", " : "") + "{'id': " + std::to_string(column.column_id) +
	          ", 'parent': " + (parent.IsValid() ? std::to_string(parent.GetIndex()) : "NULL::BIGINT") +
	          ", 'name': " + MetadataConnection::Literal(name) +
	          ", 'type': " + MetadataConnection::Literal(type.ToString()) + ", 'default_value': " + fill + "}";
	for (auto &child : column.children) {
		AppendColumn(child, column.column_id, child.name, child.type, result);
	}
}

struct ColumnEntry {
	idx_t id;
	optional_idx parent;
	LakeColumnInfo column;
};

void AttachChildren(LakeColumnInfo &column, vector<ColumnEntry> &entries) {
	for (auto &entry : entries) {
		if (entry.parent.IsValid() && entry.parent.GetIndex() == column.column_id) {
			column.children.push_back(entry.column);
			AttachChildren(column.children.back(), entries);
		}
	}
}

//! The lake scan's column reader (BindLakeColumns) over explicitly listed files.
class DataFileReader : public MultiFileReader {
public:
	DataFileReader() = default;
	explicit DataFileReader(vector<LakeColumnInfo> columns_p) : columns(std::move(columns_p)) {
	}

	static unique_ptr<MultiFileReader> Create(const TableFunction &function) {
		return make_uniq<DataFileReader>();
	}

	bool ParseOption(const string &key, const Value &val, MultiFileOptions &options, ClientContext &context) override {
		if (key == KEYS_OPTION) {
			for (auto &file : ListValue::GetChildren(val)) {
				auto &fields = StructValue::GetChildren(file);
				keys[fields[0].ToString()] = StringValue::Get(fields[1]);
			}
			return true;
		}
		if (key == MAPPINGS_OPTION) {
			for (auto &file : ListValue::GetChildren(val)) {
				auto &fields = StructValue::GetChildren(file);
				vector<FlatNameMapEntry> flat_entries;
				for (auto &item : ListValue::GetChildren(fields[1])) {
					auto &entry_fields = StructValue::GetChildren(item);
					FlatNameMapEntry flat;
					flat.entry.entry_id = NumericCast<idx_t>(entry_fields[0].GetValue<int64_t>());
					if (!entry_fields[1].IsNull()) {
						flat.parent = NumericCast<idx_t>(entry_fields[1].GetValue<int64_t>());
					}
					flat.entry.source_name = entry_fields[2].ToString();
					flat.entry.target_field_id = NumericCast<idx_t>(entry_fields[3].GetValue<int64_t>());
					flat.entry.is_partition = entry_fields[4].GetValue<bool>();
					flat_entries.push_back(std::move(flat));
				}
				auto mapping = make_shared_ptr<NameMapping>();
				mapping->columns = NameMappings::Nest(flat_entries);
				mappings[fields[0].ToString()] = std::move(mapping);
			}
			return true;
		}
		if (key != COLUMNS_OPTION) {
			return MultiFileReader::ParseOption(key, val, options, context);
		}
		vector<ColumnEntry> entries;
		for (auto &item : ListValue::GetChildren(val)) {
			auto &fields = StructValue::GetChildren(item);
			ColumnEntry entry;
			entry.id = NumericCast<idx_t>(fields[0].GetValue<int64_t>());
			if (!fields[1].IsNull()) {
				entry.parent = NumericCast<idx_t>(fields[1].GetValue<int64_t>());
			}
			entry.column.column_id = entry.id;
			entry.column.name = fields[2].ToString();
			entry.column.type = TransformStringToLogicalType(fields[3].ToString(), context);
			if (!fields[4].IsNull()) {
				entry.column.initial_default = Value(fields[4].ToString()).DefaultCastAs(entry.column.type);
			}
			entries.push_back(std::move(entry));
		}
		columns.clear();
		for (auto &entry : entries) {
			if (!entry.parent.IsValid()) {
				columns.push_back(entry.column);
				AttachChildren(columns.back(), entries);
			}
		}
		return true;
	}

	bool Bind(MultiFileOptions &options, MultiFileList &files, vector<LogicalType> &return_types,
	          vector<string> &names, MultiFileReaderBindData &bind_data) override {
		if (columns.empty()) {
			return MultiFileReader::Bind(options, files, return_types, names, bind_data);
		}
		BindLakeColumns(columns, return_types, names, bind_data);
		return true;
	}

	ReaderInitializeType CreateMapping(ClientContext &context, MultiFileReaderData &reader_data,
	                                   const vector<MultiFileColumnDefinition> &global_columns,
	                                   const vector<ColumnIndex> &global_column_ids,
	                                   optional_ptr<TableFilterSet> filters, MultiFileList &multi_file_list,
	                                   const MultiFileReaderBindData &bind_data,
	                                   const virtual_column_map_t &virtual_columns) override {
		auto mapping = mappings.find(reader_data.reader->GetFileName());
		return CreateLakeFileMapping(*this, context, reader_data, global_columns, global_column_ids, filters,
		                             multi_file_list, bind_data, virtual_columns,
		                             mapping == mappings.end() ? nullptr : mapping->second.get());
	}

	using MultiFileReader::CreateReader;
	shared_ptr<BaseFileReader> CreateReader(ClientContext &context, GlobalTableFunctionState &gstate,
	                                        const OpenFileInfo &file, idx_t file_idx,
	                                        const MultiFileBindData &bind_data) override {
		return MultiFileReader::CreateReader(context, gstate, WithKey(file), file_idx, bind_data);
	}
	shared_ptr<BaseFileReader> CreateReader(ClientContext &context, const OpenFileInfo &file,
	                                        BaseFileReaderOptions &options, const MultiFileOptions &file_options,
	                                        MultiFileReaderInterface &interface) override {
		return MultiFileReader::CreateReader(context, WithKey(file), options, file_options, interface);
	}

	unique_ptr<MultiFileReader> Copy() const override {
		auto result = make_uniq<DataFileReader>(columns);
		result->mappings = mappings;
		result->keys = keys;
		return std::move(result);
	}

private:
	vector<LakeColumnInfo> columns;
	NameMappedFiles mappings;
	EncryptedFiles keys;

	//! The file with its key, if it has one.
	OpenFileInfo WithKey(const OpenFileInfo &file) const {
		auto key = keys.find(file.path);
		if (key == keys.end()) {
			return file;
		}
		auto result = file;
		FileEncryption::SetReaderKey(result, key->second);
		return result;
	}
};

} // namespace

string DataFileRead(const string &files, const vector<LakeColumnInfo> &columns, const string &name_prefix,
                    const NameMappedFiles &mapped, const EncryptedFiles &encrypted) {
	string list = "[";
	for (idx_t i = 0; i < columns.size(); i++) {
		auto &column = columns[i];
		// Aliased types (JSON) are read as their storage type and cast back by the caller.
		auto read_type = column.type.HasAlias() ? LogicalType(column.type.id()) : column.type;
		AppendColumn(column, optional_idx(), name_prefix + std::to_string(i), read_type, list);
	}
	LakeColumnInfo row_id;
	row_id.column_id = NumericCast<idx_t>(MultiFileReader::ROW_ID_FIELD_ID);
	AppendColumn(row_id, optional_idx(), "_ducklake_internal_row_id", LogicalType::BIGINT, list);
	LakeColumnInfo snapshot_id;
	snapshot_id.column_id = NumericCast<idx_t>(MultiFileReader::LAST_UPDATED_SEQUENCE_NUMBER_ID);
	AppendColumn(snapshot_id, optional_idx(), "_ducklake_internal_snapshot_id", LogicalType::BIGINT, list);
	list += "]";
	string mapping_list;
	for (auto &file : mapped) {
		string entries;
		for (auto &flat : NameMappings::Flatten(file.second->columns)) {
			entries += string(entries.empty() ? "" : ", ") + "{'id': " + std::to_string(flat.entry.entry_id) +
			           ", 'parent': " + (flat.parent.IsValid() ? std::to_string(flat.parent.GetIndex()) : "NULL") +
			           ", 'source': " + MetadataConnection::Literal(flat.entry.source_name) +
			           ", 'target': " + std::to_string(flat.entry.target_field_id) +
			           ", 'is_partition': " + (flat.entry.is_partition ? "true" : "false") + "}";
		}
		mapping_list += string(mapping_list.empty() ? "" : ", ") + "{'path': " + MetadataConnection::Literal(file.first) +
		                ", 'entries': [" + entries + "]::" + MAPPING_ENTRY_TYPE + "}";
	}
	auto mapping_option =
	    mapping_list.empty() ? string() : string(", ") + MAPPINGS_OPTION + " = [" + mapping_list + "]";
	string key_list;
	for (auto &file : encrypted) {
		key_list += string(key_list.empty() ? "" : ", ") + "{'path': " + MetadataConnection::Literal(file.first) +
		            ", 'key': " + FileEncryption::KeySQL(file.second) + "}";
	}
	auto key_option = key_list.empty() ? string() : string(", ") + KEYS_OPTION + " = [" + key_list + "]";
	return string(FUNCTION_NAME) + "(" + files + ", " + COLUMNS_OPTION + " = " + list + mapping_option + key_option +
	       ")";
}

void RegisterDataFileReader(ExtensionLoader &loader) {
	auto &parquet_scan = loader.GetTableFunction("parquet_scan");
	TableFunctionSet set(FUNCTION_NAME);
	for (auto &function : parquet_scan.functions.functions) {
		TableFunction copy = function;
		copy.name = FUNCTION_NAME;
		copy.get_multi_file_reader = DataFileReader::Create;
		copy.named_parameters[COLUMNS_OPTION] = LogicalType::ANY;
		copy.named_parameters[MAPPINGS_OPTION] = LogicalType::ANY;
		copy.named_parameters[KEYS_OPTION] = LogicalType::ANY;
		set.AddFunction(std::move(copy));
	}
	loader.RegisterFunction(std::move(set));
}

} // namespace duckdb
