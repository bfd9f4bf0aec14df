//===----------------------------------------------------------------------===//
// list_files(table_name, schema =>, snapshot_version =>, snapshot_time =>): the data files of a
// table at a snapshot, each with the delete file that applies to it, as full paths. What users
// hand to other tools (backups, copies, checks against the storage); rows stored inline in the
// catalog are not files and are not listed.
//===----------------------------------------------------------------------===//
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/functions/metadata_function.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_catalog_set.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/planner/tableref/bound_at_clause.hpp"

namespace duckdb {

namespace {

//! The snapshot the call names: snapshot_version or snapshot_time, else the transaction's own.
SnapshotInfo ListedSnapshot(ClientContext &context, DuckLakeCatalog &catalog, TableFunctionBindInput &input) {
	auto version = input.named_parameters.find("snapshot_version");
	auto time = input.named_parameters.find("snapshot_time");
	if (version != input.named_parameters.end() && time != input.named_parameters.end()) {
		throw BinderException("list_files: give snapshot_version or snapshot_time, not both");
	}
	// The same resolution (and errors) as AT (VERSION => n) / AT (TIMESTAMP => t).
	if (version != input.named_parameters.end()) {
		return catalog.ResolveAtClause(BoundAtClause("VERSION", version->second));
	}
	if (time != input.named_parameters.end()) {
		return catalog.ResolveAtClause(BoundAtClause("TIMESTAMP", time->second));
	}
	return DuckLakeTransaction::Get(context, catalog).GetSnapshot();
}

Value SizeValue(const Value &size) {
	return size.IsNull() ? Value(LogicalType::BIGINT) : Value::BIGINT(size.GetValue<int64_t>());
}

Value TextValue(const Value &text) {
	return text.IsNull() ? Value(LogicalType::VARCHAR) : Value(text.ToString());
}

} // namespace

MetadataFunctionResult ListFilesFunction(ClientContext &context, DuckLakeCatalog &catalog,
                                         TableFunctionBindInput &input, idx_t first_argument) {
	if (first_argument >= input.inputs.size() || input.inputs[first_argument].IsNull()) {
		throw BinderException("list_files: the table name cannot be NULL");
	}
	auto table_name = input.inputs[first_argument].ToString();
	auto schema_parameter = input.named_parameters.find("schema");
	string schema_name = schema_parameter == input.named_parameters.end() || schema_parameter->second.IsNull()
	                         ? string("main")
	                         : schema_parameter->second.ToString();
	auto snapshot = ListedSnapshot(context, catalog, input);
	// Committed state at that snapshot: a table made in this open transaction has no files yet.
	auto catalog_set = catalog.GetCatalogSet(snapshot);
	auto schema = catalog_set->GetSchema(schema_name);
	auto entry = schema ? schema->GetCommittedEntry(table_name) : nullptr;
	if (!entry || entry->type != CatalogType::TABLE_ENTRY) {
		throw CatalogException("list_files: table \"%s.%s\" does not exist in lake \"%s\" at snapshot %llu",
		                       schema_name, table_name, catalog.GetName(), snapshot.snapshot_id);
	}
	auto &table = entry->Cast<DuckLakeTableEntry>();
	auto folder = table.GetDataFolder();

	MetadataFunctionResult result;
	result.names = {"data_file",         "data_file_size_bytes",   "data_file_footer_size",   "data_file_encryption_key",
	                "delete_file",       "delete_file_size_bytes", "delete_file_footer_size", "delete_file_encryption_key"};
	result.types = {LogicalType::VARCHAR, LogicalType::BIGINT, LogicalType::BIGINT, LogicalType::VARCHAR,
	                LogicalType::VARCHAR, LogicalType::BIGINT, LogicalType::BIGINT, LogicalType::VARCHAR};
	auto rows = catalog.WithMetadata([&](MetadataConnection &conn) {
		return conn.Query(StringUtil::Format(
		    "SELECT f.path, f.path_is_relative, f.file_size_bytes, f.footer_size, f.encryption_key, d.path, "
		    "d.path_is_relative, d.file_size_bytes, d.footer_size, d.encryption_key FROM %s f LEFT JOIN %s d ON "
		    "d.data_file_id = f.data_file_id AND d.table_id = f.table_id AND %s WHERE f.table_id = %llu AND %s "
		    "ORDER BY f.data_file_id",
		    conn.Table("ducklake_data_file"), conn.Table("ducklake_delete_file"),
		    MetadataReader::VisibleAt(snapshot.snapshot_id, "d"), table.GetTableId(),
		    MetadataReader::VisibleAt(snapshot.snapshot_id, "f")));
	});
	auto path = [&](const Value &stored, const Value &is_relative) {
		if (stored.IsNull()) {
			return Value(LogicalType::VARCHAR);
		}
		return Value(LakePaths::Resolve(folder, stored.ToString(), is_relative.IsNull() || is_relative.GetValue<bool>()));
	};
	for (auto &row : rows.rows) {
		result.rows.push_back({path(row[0], row[1]), SizeValue(row[2]), SizeValue(row[3]), TextValue(row[4]),
		                       path(row[5], row[6]), SizeValue(row[7]), SizeValue(row[8]), TextValue(row[9])});
	}
	return result;
}

} // namespace duckdb
