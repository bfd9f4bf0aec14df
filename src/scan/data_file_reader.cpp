#include "mallard/scan/data_file_reader.hpp"

#include "mallard/catalog/metadata_store.hpp"
#include "mallard/scan/ducklake_scan.hpp"

#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/common/multi_file/multi_file_data.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/main/extension/extension_loader.hpp"

namespace duckdb {

namespace {

const char *FUNCTION_NAME = "mallard_read_data_files";
const char *COLUMNS_OPTION = "lake_columns";

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

	unique_ptr<MultiFileReader> Copy() const override {
		return make_uniq<DataFileReader>(columns);
	}

private:
	vector<LakeColumnInfo> columns;
};

} // namespace

string DataFileRead(const string &files, const vector<LakeColumnInfo> &columns, const string &name_prefix) {
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
	list += "]";
	return string(FUNCTION_NAME) + "(" + files + ", " + COLUMNS_OPTION + " = " + list + ")";
}

void RegisterDataFileReader(ExtensionLoader &loader) {
	auto &parquet_scan = loader.GetTableFunction("parquet_scan");
	TableFunctionSet set(FUNCTION_NAME);
	for (auto &function : parquet_scan.functions.functions) {
		TableFunction copy = function;
		copy.name = FUNCTION_NAME;
		copy.get_multi_file_reader = DataFileReader::Create;
		copy.named_parameters[COLUMNS_OPTION] = LogicalType::ANY;
		set.AddFunction(std::move(copy));
	}
	loader.RegisterFunction(std::move(set));
}

} // namespace duckdb
