#include "mallard/scan/inlined_data_reader.hpp"

#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/scan/ducklake_scan.hpp"
#include "mallard/storage/immutable_cache.hpp"

#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/execution/expression_executor.hpp"
#include "duckdb/planner/expression/bound_conjunction_expression.hpp"
#include "duckdb/planner/expression/bound_reference_expression.hpp"

namespace duckdb {

namespace {

const char *INLINED_PREFIX = "ducklake-inlined://";
const char *LOCAL_ROWS = "transaction-local";

class InlinedDataReader : public BaseFileReader {
public:
	InlinedDataReader(OpenFileInfo file_p, vector<MultiFileColumnDefinition> columns_p,
	                  shared_ptr<const InlinedRows> data_p, bool local_p)
	    : BaseFileReader(std::move(file_p)), data(std::move(data_p)), local(local_p) {
		columns = std::move(columns_p);
		for (auto &column : columns) {
			// Each declared column: a value column of the rows (by column id) or the row id column.
			auto id = column.identifier.GetValue<int32_t>();
			optional_idx source;
			for (idx_t i = 0; i < data->column_ids.size(); i++) {
				if (int64_t(data->column_ids[i]) == int64_t(id)) {
					source = i;
				}
			}
			sources.push_back(source);
		}
	}

	void AddVirtualColumn(column_t virtual_column_id) override {
		if (virtual_column_id == COLUMN_IDENTIFIER_SNAPSHOT_ID) {
			snapshot_columns.insert(sources.size());
		} else if (virtual_column_id != MultiFileReader::COLUMN_IDENTIFIER_FILE_ROW_NUMBER) {
			throw NotImplementedException("Lake scan: virtual column %llu is not available for inlined rows",
			                              virtual_column_id);
		}
		// DELETE and UPDATE address an inlined row by its row id (its position in a transaction's own list).
		sources.push_back(optional_idx());
	}

	bool TryInitializeScan(ClientContext &context, GlobalTableFunctionState &gstate,
	                       LocalTableFunctionState &lstate) override {
		lock_guard<mutex> guard(lock);
		if (claimed) {
			return false;
		}
		// The rows are few: one thread reads them all.
		claimed = true;
		return true;
	}

	void Scan(ClientContext &context, GlobalTableFunctionState &global_state, LocalTableFunctionState &local_state,
	          DataChunk &chunk) override {
		InitializeFilters(context);
		while (offset < data->Count()) {
			chunk.Reset();
			idx_t count;
			if (data->stored) {
				count = ScanStored(context, chunk);
			} else {
				count = MinValue<idx_t>(STANDARD_VECTOR_SIZE, data->Count() - offset);
				for (idx_t col = 0; col < column_ids.size(); col++) {
					FillColumn(context, column_ids[MultiFileLocalIndex(col)].GetId(), chunk.data[col], count);
				}
			}
			if (count == 0) {
				break;
			}
			chunk.SetCardinality(count);
			offset += count;
			if (filter_executor) {
				SelectionVector sel(STANDARD_VECTOR_SIZE);
				auto selected = filter_executor->SelectExpression(chunk, sel);
				if (selected == 0) {
					continue;
				}
				if (selected < count) {
					chunk.Slice(sel, selected);
				}
			}
			return;
		}
		chunk.SetCardinality(0);
	}

	string GetReaderType() const override {
		return "DuckLake Inlined Data";
	}

private:
	//! The next rows of the stored columns, cast to the scan's types; returns how many.
	idx_t ScanStored(ClientContext &context, DataChunk &chunk) {
		if (!stored_scan_initialized) {
			data->stored->InitializeScan(stored_scan);
			stored_chunk.Initialize(Allocator::DefaultAllocator(), data->stored->Types());
			stored_scan_initialized = true;
		}
		stored_chunk.Reset();
		data->stored->Scan(stored_scan, stored_chunk);
		auto count = stored_chunk.size();
		for (idx_t col = 0; col < column_ids.size(); col++) {
			auto declared = column_ids[MultiFileLocalIndex(col)].GetId();
			auto source = sources[declared];
			auto &result = chunk.data[col];
			if (snapshot_columns.count(declared)) {
				FillSnapshots(result, count);
				continue;
			}
			if (!source.IsValid()) {
				auto row_ids = FlatVector::GetData<int64_t>(result);
				for (idx_t i = 0; i < count; i++) {
					row_ids[i] = data->row_ids[offset + i];
				}
				continue;
			}
			auto &values = stored_chunk.data[source.GetIndex()];
			if (values.GetType() == result.GetType()) {
				result.Reference(values);
			} else {
				// The session's casts: the stored type of a column CastNeedsSession kept (TIMESTAMP
				// rows of a column now TIMESTAMPTZ are times in the session's TimeZone, as in files).
				VectorOperations::Cast(context, values, result, count);
			}
		}
		return count;
	}

	//! The snapshot that inserted each row; NULL for the transaction's own rows.
	void FillSnapshots(Vector &result, idx_t count) {
		if (local || data->begin_snapshots.size() != data->Count()) {
			result.SetVectorType(VectorType::CONSTANT_VECTOR);
			ConstantVector::SetNull(result, true);
			return;
		}
		auto snapshots = FlatVector::GetData<int64_t>(result);
		for (idx_t i = 0; i < count; i++) {
			snapshots[i] = NumericCast<int64_t>(data->begin_snapshots[offset + i]);
		}
	}

	void FillColumn(ClientContext &context, idx_t declared, Vector &result, idx_t count) {
		if (snapshot_columns.count(declared)) {
			FillSnapshots(result, count);
			return;
		}
		auto source = sources[declared];
		if (!source.IsValid()) {
			// rowid and file_row_number: both the row id (DELETE addresses inlined rows by it).
			for (idx_t i = 0; i < count; i++) {
				result.SetValue(i, Value::BIGINT(data->row_ids[offset + i]));
			}
			return;
		}
		auto &type = result.GetType();
		auto stored = local ? type : InlinedData::StoredType(type);
		if (stored == type) {
			for (idx_t i = 0; i < count; i++) {
				result.SetValue(i, data->rows[offset + i][source.GetIndex()]);
			}
			return;
		}
		// Stored as text (or a wider integer): DuckDB's cast turns it back into the column's type.
		Vector stored_values(stored, count);
		for (idx_t i = 0; i < count; i++) {
			stored_values.SetValue(i, data->rows[offset + i][source.GetIndex()]);
		}
		auto written = local ? LogicalType() : data->written_types[source.GetIndex()];
		InlinedData::CastStored(stored_values, written, result, count, &context);
	}

	void InitializeFilters(ClientContext &context) {
		if (filters_initialized) {
			return;
		}
		filters_initialized = true;
		if (!filters || filters->filters.empty()) {
			return;
		}
		unique_ptr<Expression> condition;
		for (auto &entry : filters->filters) {
			auto local_index = entry.first;
			auto declared = column_ids[MultiFileLocalIndex(local_index)].GetId();
			BoundReferenceExpression column(columns[declared].type, local_index);
			auto expression = entry.second->ToExpression(column);
			if (!condition) {
				condition = std::move(expression);
			} else {
				condition = make_uniq<BoundConjunctionExpression>(ExpressionType::CONJUNCTION_AND, std::move(condition),
				                                                  std::move(expression));
			}
		}
		filter_expression = std::move(condition);
		filter_executor = make_uniq<ExpressionExecutor>(context, *filter_expression);
	}

	shared_ptr<const InlinedRows> data;
	bool local;
	bool stored_scan_initialized = false;
	ColumnDataScanState stored_scan;
	DataChunk stored_chunk;
	vector<optional_idx> sources;
	//! The declared columns that are the snapshot_id virtual column.
	unordered_set<idx_t> snapshot_columns;
	mutex lock;
	bool claimed = false;
	idx_t offset = 0;
	bool filters_initialized = false;
	unique_ptr<Expression> filter_expression;
	unique_ptr<ExpressionExecutor> filter_executor;
};

} // namespace

bool IsInlinedDataPath(const string &path) {
	return StringUtil::StartsWith(path, INLINED_PREFIX);
}

string InlinedDataTableOfPath(const string &path) {
	if (!IsInlinedDataPath(path)) {
		return string();
	}
	auto name = path.substr(strlen(INLINED_PREFIX));
	return name == LOCAL_ROWS ? string() : name;
}

//! Drops the rows whose row ids are in `deleted`.
void RemoveRows(InlinedRows &rows, const set<idx_t> &deleted) {
	InlinedRows kept;
	kept.table_name = rows.table_name;
	kept.column_ids = rows.column_ids;
	kept.written_types = rows.written_types;
	for (idx_t i = 0; i < rows.Count(); i++) {
		if (deleted.count(NumericCast<idx_t>(rows.row_ids[i]))) {
			continue;
		}
		kept.row_ids.push_back(rows.row_ids[i]);
		kept.rows.push_back(std::move(rows.rows[i]));
		if (i < rows.begin_snapshots.size()) {
			kept.begin_snapshots.push_back(rows.begin_snapshots[i]);
			kept.end_snapshots.push_back(rows.end_snapshots[i]);
		}
	}
	rows = std::move(kept);
}

using CommittedInlinedRows = vector<shared_ptr<const InlinedRows>>;

//! Recent reads of committed inlined rows, by lake, table and snapshot (the snapshot's time is in the
//! key too, so a lake created again under the same name is never mistaken for the old one): the
//! last 16 or so.
ImmutableCache<CommittedInlinedRows> &GetInlinedRowsCache() {
	static ImmutableCache<CommittedInlinedRows> cache(16);
	return cache;
}

shared_ptr<const CommittedInlinedRows> ReadCommittedRows(DuckLakeCatalog &catalog, idx_t table_id,
                                                         const vector<LakeColumnInfo> &columns,
                                                         const SnapshotInfo &snapshot, bool cached) {
	unordered_map<idx_t, LogicalType> column_types;
	// The types the cached columns are cast to belong in the key: a transaction that altered a
	// column's type reads the same snapshot as another type.
	string types_key;
	for (auto &column : columns) {
		column_types[column.column_id] = column.type;
		types_key += "\n" + std::to_string(column.column_id) + ":" + column.type.ToString();
	}
	auto read = [&]() {
		// A cached read is scanned by many queries: as columns, already in the table's types.
		auto rows = catalog.WithMetadata([&](MetadataConnection &conn) {
			return cached ? InlinedData::ReadVisibleColumns(conn, table_id, snapshot.snapshot_id, column_types)
			              : InlinedData::ReadVisible(conn, table_id, snapshot.snapshot_id);
		});
		auto result = make_shared_ptr<CommittedInlinedRows>();
		for (auto &table_rows : rows) {
			result->push_back(make_shared_ptr<const InlinedRows>(std::move(table_rows)));
		}
		return result;
	};
	if (!cached) {
		return read();
	}
	auto key = catalog.GetName() + "\n" + catalog.DisplayName() + "\n" + catalog.DataPath() + "\n" +
	           std::to_string(table_id) + "\n" + std::to_string(snapshot.snapshot_id) + "\n" + snapshot.snapshot_time +
	           types_key;
	auto cached_rows = GetInlinedRowsCache().Get(key);
	if (cached_rows) {
		return cached_rows;
	}
	shared_ptr<const CommittedInlinedRows> result = read();
	GetInlinedRowsCache().Put(key, result, 1);
	return result;
}

void AddInlinedScanFiles(ClientContext &context, DuckLakeTableEntry &table, const SnapshotInfo &snapshot,
                         bool with_local, vector<LakeScanFile> &files, bool cached) {
	auto &catalog = table.GetLakeCatalog();
	auto table_id = table.GetTableId();
	auto &transaction = DuckLakeTransaction::Get(context, catalog);
	map<string, set<idx_t>> deletes;
	if (with_local) {
		deletes = transaction.GetInlinedDeletes(table_id);
	}
	if (!DuckLakeTransaction::IsLocalId(table_id)) {
		// Rows this transaction deleted and has not committed yet are left out: read them uncached.
		auto committed =
		    ReadCommittedRows(catalog, table_id, table.GetTableInfo().columns, snapshot, cached && deletes.empty());
		for (auto &rows_ptr : *committed) {
			auto rows = rows_ptr;
			auto deleted = deletes.find(rows->table_name);
			if (deleted != deletes.end()) {
				auto remaining = make_shared_ptr<InlinedRows>(*rows);
				RemoveRows(*remaining, deleted->second);
				rows = std::move(remaining);
			}
			if (rows->Count() == 0) {
				continue;
			}
			LakeScanFile file;
			file.path = INLINED_PREFIX + rows->table_name;
			file.record_count = rows->Count();
			file.inlined = std::move(rows);
			files.push_back(std::move(file));
		}
	}
	if (!with_local) {
		return;
	}
	auto local = transaction.GetLocalInlinedRows(table_id);
	if (!local.rows || local.rows->empty()) {
		return;
	}
	// Provisional row ids: those the rows get at commit when no other insert commits first (rows an
	// UPDATE wrote keep theirs).
	idx_t next_row_id = 0;
	if (local.first_row_id.IsValid()) {
		next_row_id = local.first_row_id.GetIndex();
	} else {
		if (!DuckLakeTransaction::IsLocalId(table_id)) {
			TableStatsInfo stats;
			catalog.WithMetadata(
			    [&](MetadataConnection &conn) { return MetadataReader::TryReadTableStats(conn, table_id, stats); });
			next_row_id = stats.next_row_id;
		}
		next_row_id = transaction.SetLocalInlinedFirstRowId(table_id, next_row_id);
	}
	auto rows = make_shared_ptr<InlinedRows>();
	for (auto &column : local.table->GetTableInfo().columns) {
		rows->column_ids.push_back(column.column_id);
	}
	for (idx_t i = 0; i < local.rows->size(); i++) {
		if (local.deleted && local.deleted->count(i)) {
			continue;
		}
		rows->rows.push_back((*local.rows)[i]);
		rows->row_ids.push_back(local.RowId(i, next_row_id));
	}
	if (rows->rows.empty()) {
		return;
	}
	LakeScanFile file;
	file.path = string(INLINED_PREFIX) + LOCAL_ROWS;
	file.record_count = rows->Count();
	file.inlined = std::move(rows);
	file.inlined_local = true;
	files.push_back(std::move(file));
}

void RefuseNestedChangeWithInlinedRows(ClientContext &context, DuckLakeTableEntry &table) {
	auto &transaction = DuckLakeTransaction::Get(context, table.GetLakeCatalog());
	vector<LakeScanFile> files;
	AddInlinedScanFiles(context, table, transaction.GetSnapshot(), true, files);
	if (!files.empty()) {
		throw NotImplementedException(
		    "Cannot change the fields of a struct column of lake table \"%s\" while it has inlined rows: write them "
		    "to Parquet first with CALL ducklake_flush_inlined_data('%s', table_name => '%s') (and commit any "
		    "inserts of this transaction)",
		    table.name, table.catalog.GetName(), table.name);
	}
}

void CheckInlinedNoNulls(ClientContext &context, DuckLakeTableEntry &table, const LakeColumnInfo &column) {
	auto &transaction = DuckLakeTransaction::Get(context, table.GetLakeCatalog());
	vector<LakeScanFile> files;
	AddInlinedScanFiles(context, table, transaction.GetSnapshot(), true, files, false);
	for (auto &file : files) {
		auto &rows = *file.inlined;
		optional_idx source;
		for (idx_t i = 0; i < rows.column_ids.size(); i++) {
			if (rows.column_ids[i] == column.column_id) {
				source = i;
			}
		}
		bool has_null = false;
		if (!source.IsValid()) {
			// Inlined before the column existed: the rows read its initial default.
			has_null = rows.Count() > 0 && column.initial_default.IsNull();
		} else {
			for (auto &row : rows.rows) {
				has_null = has_null || row[source.GetIndex()].IsNull();
			}
		}
		if (has_null) {
			throw ConstraintException("Cannot SET NOT NULL on column \"%s\" of lake table \"%s\": inlined rows "
			                          "hold NULL values in it",
			                          column.name, table.name);
		}
	}
}

shared_ptr<BaseFileReader> CreateInlinedDataReader(const OpenFileInfo &file, const LakeScanFile &scan_file,
                                                   vector<MultiFileColumnDefinition> columns) {
	return make_shared_ptr<InlinedDataReader>(file, std::move(columns), scan_file.inlined, scan_file.inlined_local);
}

} // namespace duckdb
