#include "mallard/lake/ducklake_table_entry.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/scan/ducklake_scan.hpp"
#include "mallard/scan/inlined_data_reader.hpp"
#include "mallard/scan/scan_file_list.hpp"
#include "mallard/storage/lake_paths.hpp"

#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/parser/constraints/not_null_constraint.hpp"
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "duckdb/planner/operator/logical_projection.hpp"
#include "duckdb/planner/operator/logical_update.hpp"
#include "duckdb/parser/parsed_data/create_table_info.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/storage/statistics/base_statistics.hpp"
#include "duckdb/storage/table_storage_info.hpp"

namespace duckdb {

DuckLakeTableEntry::DuckLakeTableEntry(Catalog &catalog, SchemaCatalogEntry &schema, CreateTableInfo &info,
                                       LakeTableInfo table_info_p)
    : TableCatalogEntry(catalog, schema, info), table_info(std::move(table_info_p)) {
}

unique_ptr<DuckLakeTableEntry> DuckLakeTableEntry::Create(Catalog &catalog, DuckLakeSchemaEntry &schema,
                                                          LakeTableInfo info) {
	CreateTableInfo create(schema, info.name);
	for (idx_t i = 0; i < info.columns.size(); i++) {
		auto &column = info.columns[i];
		ColumnDefinition definition(column.name, column.type);
		if (!column.comment.IsNull()) {
			definition.SetComment(column.comment);
		}
		if (!column.default_value.empty()) {
			auto expressions = Parser::ParseExpressionList(column.default_value);
			if (expressions.size() == 1) {
				definition.SetDefaultValue(std::move(expressions[0]));
			}
		}
		create.columns.AddColumn(std::move(definition));
		if (!column.nulls_allowed) {
			create.constraints.push_back(make_uniq<NotNullConstraint>(LogicalIndex(i)));
		}
	}
	if (!info.comment.IsNull()) {
		create.comment = info.comment;
	}
	return make_uniq<DuckLakeTableEntry>(catalog, schema, create, std::move(info));
}

DuckLakeCatalog &DuckLakeTableEntry::GetLakeCatalog() {
	return catalog.Cast<DuckLakeCatalog>();
}

DuckLakeSchemaEntry &DuckLakeTableEntry::GetLakeSchema() {
	return schema.Cast<DuckLakeSchemaEntry>();
}

string DuckLakeTableEntry::GetDataFolder() {
	auto &schema_info = GetLakeSchema().GetSchemaInfo();
	auto schema_folder = LakePaths::Resolve(GetLakeCatalog().DataPath(), schema_info.path, schema_info.path_is_relative);
	return LakePaths::Resolve(schema_folder, table_info.path, table_info.path_is_relative);
}

unique_ptr<BaseStatistics> DuckLakeTableEntry::GetStatistics(ClientContext &context, column_t column_id) {
	return nullptr;
}

TableFunction DuckLakeTableEntry::GetScanFunction(ClientContext &context, unique_ptr<FunctionData> &bind_data) {
	return GetScanFunction(context, bind_data, EntryLookupInfo(CatalogType::TABLE_ENTRY, name));
}

TableFunction DuckLakeTableEntry::GetScanFunction(ClientContext &context, unique_ptr<FunctionData> &bind_data,
                                                  const EntryLookupInfo &lookup_info) {
	auto &lake_catalog = GetLakeCatalog();
	auto &transaction = DuckLakeTransaction::Get(context, lake_catalog);
	SnapshotInfo snapshot;
	const vector<DataFileInfo> *local_files = nullptr;
	auto at_clause = lookup_info.GetAtClause();
	if (at_clause) {
		snapshot = lake_catalog.ResolveAtClause(*at_clause);
	} else {
		snapshot = transaction.GetSnapshot();
		local_files = transaction.GetLocalDataFiles(table_info.table_id);
	}
	// Inlined rows are read as more "files" (spec: data inlining), added to the scan's own files.
	vector<LakeScanFile> inlined_files;
	AddInlinedScanFiles(context, *this, snapshot, !at_clause, inlined_files);
	// The committed files come shared from the catalog's cache (built once per snapshot); only the
	// transaction's own files and deletes are added per scan.
	shared_ptr<const ScanFileList> committed;
	if (!DuckLakeTransaction::IsLocalId(table_info.table_id)) {
		map<idx_t, DuckLakeTransaction::LocalFileDeletes> local_deletes;
		if (!at_clause) {
			local_deletes = transaction.GetLocalDeletes(table_info.table_id);
		}
		if ((!local_files || local_files->empty()) && local_deletes.empty() && inlined_files.empty()) {
			committed = lake_catalog.GetDataFilesIfCheap(*this, snapshot);
			if (!committed) {
				// The table's first scan: its filters, known at execution, may narrow what is read.
				DeferredFileList deferred;
				deferred.snapshot = snapshot;
				TableStatsInfo stats;
				lake_catalog.WithMetadata([&](MetadataConnection &conn) {
					return MetadataReader::TryReadTableStats(conn, table_info.table_id, stats);
				});
				deferred.estimated_rows = stats.record_count;
				return MakeLakeScan(context, make_shared_ptr<LakeScanInfo>(*this, std::move(deferred)), bind_data);
			}
		} else {
			committed = lake_catalog.GetDataFiles(*this, snapshot);
		}
	}
	auto folder = GetDataFolder();
	vector<LakeScanFile> files;
	if (local_files) {
		for (auto &file : *local_files) {
			LakeScanFile scan_file;
			scan_file.path = LakePaths::Resolve(folder, file.path, file.path_is_relative);
			scan_file.data_file_id = file.data_file_id;
			scan_file.row_id_start = file.row_id_start;
			scan_file.record_count = file.record_count;
			scan_file.file_size_bytes = file.file_size_bytes;
			scan_file.encryption_key = file.encryption_key;
			scan_file.column_stats = file.column_stats;
			scan_file.partition_values = file.partition_values;
			scan_file.begin_snapshot = file.begin_snapshot;
			scan_file.name_mapping = file.name_mapping;
			// Rows this transaction inserted and deleted again (ducklake_local_deletes.cpp).
			auto deleted = transaction.GetLocalFileDeletes(table_info.table_id, file.path);
			if (deleted) {
				scan_file.local_deletes = deleted;
				scan_file.delete_count += deleted->size();
			}
			files.push_back(std::move(scan_file));
		}
	}
	for (auto &file : inlined_files) {
		files.push_back(std::move(file));
	}
	auto info = make_shared_ptr<LakeScanInfo>(*this, committed, std::move(files));
	if (!at_clause && committed) {
		auto local_deletes = transaction.GetLocalDeletes(table_info.table_id);
		for (idx_t i = 0; !local_deletes.empty() && i < committed->files.size(); i++) {
			auto local = local_deletes.find(committed->files[i]->info.data_file_id);
			if (local != local_deletes.end()) {
				info->AddLocalDeletes(i, local->second.positions);
			}
		}
	}
	return MakeLakeScan(context, std::move(info), bind_data);
}

namespace {
//! Set while DuckDB binds an UPDATE's constraints on this thread: it asks for the storage info only
//! for indexes, which lake tables have none of, and the row count would cost a catalog read there.
thread_local bool binding_update_constraints = false;
} // namespace

TableStorageInfo DuckLakeTableEntry::GetStorageInfo(ClientContext &context) {
	TableStorageInfo result;
	if (binding_update_constraints || DuckLakeTransaction::IsLocalId(table_info.table_id)) {
		return result;
	}
	// The committed row count, as duckdb_tables().estimated_size shows it (DuckLake: the table's stats).
	auto &lake_catalog = GetLakeCatalog();
	auto &transaction = DuckLakeTransaction::Get(context, lake_catalog);
	CachedTableStats cached;
	if (lake_catalog.GetWriteCache().TryGetTableStats(table_info.table_id, transaction.GetSnapshot().snapshot_id,
	                                                  cached)) {
		result.cardinality = cached.stats.record_count;
		return result;
	}
	TableStatsInfo stats;
	if (lake_catalog.WithMetadata(
	        [&](MetadataConnection &conn) { return MetadataReader::TryReadTableStats(conn, table_info.table_id, stats); })) {
		result.cardinality = stats.record_count;
	}
	return result;
}

virtual_column_map_t DuckLakeTableEntry::GetVirtualColumns() const {
	virtual_column_map_t result;
	AddLakeVirtualColumns(result);
	return result;
}

vector<column_t> DuckLakeTableEntry::GetRowIdColumns() const {
	// DELETE and UPDATE address a row by its data file and position (positional deletes); UPDATE
	// also carries the row id into the rewritten row.
	return {COLUMN_IDENTIFIER_ROW_ID, MultiFileReader::COLUMN_IDENTIFIER_FILENAME,
	        MultiFileReader::COLUMN_IDENTIFIER_FILE_ROW_NUMBER};
}

void DuckLakeTableEntry::BindUpdateConstraints(Binder &binder, LogicalGet &get, LogicalProjection &proj,
                                               LogicalUpdate &update, ClientContext &context) {
	binding_update_constraints = true;
	try {
		TableCatalogEntry::BindUpdateConstraints(binder, get, proj, update, context);
	} catch (...) {
		binding_update_constraints = false;
		throw;
	}
	binding_update_constraints = false;
	// An UPDATE rewrites whole rows into a new data file: every column must reach it, as "c = c"
	// for the columns the SET list leaves out. A column the scan already reads is reused: the
	// Parquet scan cannot project one column twice.
	for (auto &column : GetColumns().Physical()) {
		bool is_set = false;
		for (auto &set_column : update.columns) {
			is_set = is_set || set_column == column.Physical();
		}
		if (is_set) {
			continue;
		}
		auto &column_ids = get.GetColumnIds();
		idx_t get_index = column_ids.size();
		for (idx_t i = 0; i < column_ids.size(); i++) {
			if (column_ids[i].GetPrimaryIndex() == column.Logical().index) {
				get_index = i;
			}
		}
		if (get_index == column_ids.size()) {
			get.AddColumnId(column.Logical().index);
		}
		update.expressions.push_back(
		    make_uniq<BoundColumnRefExpression>(column.Type(), ColumnBinding(proj.table_index, proj.expressions.size())));
		proj.expressions.push_back(
		    make_uniq<BoundColumnRefExpression>(column.Type(), ColumnBinding(get.table_index, get_index)));
		update.columns.push_back(column.Physical());
	}
	update.update_is_del_and_insert = true;
}

} // namespace duckdb
