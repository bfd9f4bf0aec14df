#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/duckdb_metadata_connection.hpp"
#include "mallard/catalog/ducklake_types.hpp"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/catalog/catalog_entry/duck_table_entry.hpp"
#include "duckdb/common/error_data.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database_manager.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"
#include "duckdb/storage/data_table.hpp"
#include "duckdb/storage/table/scan_state.hpp"
#include "duckdb/transaction/duck_transaction.hpp"

#include <algorithm>

namespace duckdb {

namespace {

//! The table's columns a scan reads (its output columns, then those only its conditions need), by
//! name, each read once.
class ScannedColumns {
public:
	explicit ScannedColumns(TableCatalogEntry &table) : table(table) {
	}

	idx_t Add(const string &name) {
		for (idx_t i = 0; i < names.size(); i++) {
			if (names[i] == name) {
				return i;
			}
		}
		if (!table.ColumnExists(name)) {
			throw InvalidInputException("table %s has no column %s", table.name, name);
		}
		auto &column = table.GetColumn(name);
		names.push_back(name);
		ids.emplace_back(column.StorageOid());
		types.push_back(column.Type());
		return names.size() - 1;
	}

	TableCatalogEntry &table;
	vector<string> names;
	vector<StorageIndex> ids;
	vector<LogicalType> types;
};

//! A condition column of a chunk as `type` (cast when stored otherwise), for reading row by row.
class ConditionColumn {
public:
	ConditionColumn(Vector &source, const LogicalType &type, idx_t count) {
		if (source.GetType() == type) {
			source.ToUnifiedFormat(count, format);
		} else {
			cast = make_uniq<Vector>(type);
			VectorOperations::DefaultCast(source, *cast, count);
			cast->ToUnifiedFormat(count, format);
		}
	}

	bool IsNull(idx_t row) const {
		return !format.validity.RowIsValid(format.sel->get_index(row));
	}
	template <class T>
	T Get(idx_t row) const {
		return UnifiedVectorFormat::GetData<T>(format)[format.sel->get_index(row)];
	}

private:
	//! Holds the values when the column is stored as another type.
	unique_ptr<Vector> cast;
	UnifiedVectorFormat format;
};

//! Which rows of a chunk meet the scan's conditions.
class RowConditions {
public:
	RowConditions(const CatalogScan &scan, ScannedColumns &columns) : scan(scan), in_values(scan.in_values) {
		if (scan.visible_at.IsValid()) {
			begin = columns.Add("begin_snapshot");
			end = columns.Add("end_snapshot");
		}
		for (auto &condition : scan.equals) {
			equals.push_back(columns.Add(condition.first));
		}
		for (auto &condition : scan.text_equals) {
			text_equals.push_back(columns.Add(condition.first));
		}
		if (!scan.in_column.empty()) {
			in_column = columns.Add(scan.in_column);
			std::sort(in_values.begin(), in_values.end());
		}
	}

	//! Fills `sel` with the rows of `chunk` that qualify; returns how many.
	idx_t Select(DataChunk &chunk, SelectionVector &sel) const {
		auto count = chunk.size();
		vector<unique_ptr<ConditionColumn>> integers;
		auto integer = [&](idx_t column) {
			integers.push_back(make_uniq<ConditionColumn>(chunk.data[column], LogicalType::BIGINT, count));
			return integers.back().get();
		};
		optional_ptr<ConditionColumn> begin_column, end_column, in;
		if (begin.IsValid()) {
			begin_column = integer(begin.GetIndex());
			end_column = integer(end.GetIndex());
		}
		vector<ConditionColumn *> equal_columns;
		for (auto column : equals) {
			equal_columns.push_back(integer(column));
		}
		if (in_column.IsValid()) {
			in = integer(in_column.GetIndex());
		}
		vector<unique_ptr<ConditionColumn>> texts;
		for (auto column : text_equals) {
			texts.push_back(make_uniq<ConditionColumn>(chunk.data[column], LogicalType::VARCHAR, count));
		}
		auto snapshot = scan.visible_at.IsValid() ? int64_t(scan.visible_at.GetIndex()) : 0;
		idx_t selected = 0;
		for (idx_t row = 0; row < count; row++) {
			// As SQL has it: a NULL never equals, and a row without a begin_snapshot is never visible.
			if (begin_column) {
				if (begin_column->IsNull(row) || begin_column->Get<int64_t>(row) > snapshot) {
					continue;
				}
				if (!end_column->IsNull(row) && end_column->Get<int64_t>(row) <= snapshot) {
					continue;
				}
			}
			bool match = true;
			for (idx_t i = 0; match && i < equal_columns.size(); i++) {
				match = !equal_columns[i]->IsNull(row) && equal_columns[i]->Get<int64_t>(row) == scan.equals[i].second;
			}
			for (idx_t i = 0; match && i < texts.size(); i++) {
				match = !texts[i]->IsNull(row) && texts[i]->Get<string_t>(row) == string_t(scan.text_equals[i].second);
			}
			if (match && in) {
				match = !in->IsNull(row) &&
				        std::binary_search(in_values.begin(), in_values.end(), in->Get<int64_t>(row));
			}
			if (match) {
				sel.set_index(selected++, row);
			}
		}
		return selected;
	}

	//! Filters DuckDB's storage applies while scanning (columns by position in the scan), for the
	//! conditions it can: a filtered column is read first, the others only for the rows that pass,
	//! and zone maps skip whole row groups. `complete` tells whether they are all the conditions
	//! (equalities only); otherwise Select decides every row.
	unique_ptr<TableFilterSet> StorageFilters(const ScannedColumns &columns, bool &complete) const {
		auto filters = make_uniq<TableFilterSet>();
		// Visibility's end_snapshot test and the IN list's values themselves stay with Select.
		complete = !begin.IsValid() && !in_column.IsValid();
		auto push = [&](idx_t column, ExpressionType comparison, const Value &value) {
			Value typed;
			// A constant outside the stored type's range is left to Select.
			if (TryCastValue(value, columns.types[column], typed)) {
				filters->PushFilter(ColumnIndex(column), make_uniq<ConstantFilter>(comparison, std::move(typed)));
			} else {
				complete = false;
			}
		};
		if (begin.IsValid()) {
			push(begin.GetIndex(), ExpressionType::COMPARE_LESSTHANOREQUALTO,
			     Value::BIGINT(NumericCast<int64_t>(scan.visible_at.GetIndex())));
		}
		for (idx_t i = 0; i < equals.size(); i++) {
			push(equals[i], ExpressionType::COMPARE_EQUAL, Value::BIGINT(scan.equals[i].second));
		}
		for (idx_t i = 0; i < text_equals.size(); i++) {
			if (columns.types[text_equals[i]].id() == LogicalTypeId::VARCHAR) {
				push(text_equals[i], ExpressionType::COMPARE_EQUAL, Value(scan.text_equals[i].second));
			} else {
				complete = false;
			}
		}
		if (in_column.IsValid() && !in_values.empty()) {
			// The range of the values: few ids mostly lie close together.
			push(in_column.GetIndex(), ExpressionType::COMPARE_GREATERTHANOREQUALTO, Value::BIGINT(in_values.front()));
			push(in_column.GetIndex(), ExpressionType::COMPARE_LESSTHANOREQUALTO, Value::BIGINT(in_values.back()));
		}
		return filters;
	}

private:
	const CatalogScan &scan;
	vector<int64_t> in_values;
	optional_idx begin, end, in_column;
	vector<idx_t> equals, text_equals;
};

unique_ptr<ColumnDataCollection> ScanStorage(ClientContext &context, const CatalogScan &scan,
                                             const string &schema_name) {
	auto &database = DatabaseManager::GetDefaultDatabase(context);
	auto &entry = Catalog::GetEntry<TableCatalogEntry>(context, database, schema_name, scan.table);
	if (!entry.IsDuckTable()) {
		throw InvalidInputException("%s is not a table", scan.table);
	}
	auto &table = entry.Cast<DuckTableEntry>();
	ScannedColumns columns(table);
	for (auto &name : scan.columns) {
		columns.Add(name);
	}
	RowConditions conditions(scan, columns);

	vector<LogicalType> result_types;
	for (idx_t i = 0; i < scan.columns.size(); i++) {
		result_types.push_back(DuckDBMetadataConnection::ResultType(columns.types[i]));
	}
	auto &allocator = Allocator::DefaultAllocator();
	auto result = make_uniq<ColumnDataCollection>(allocator, result_types);
	auto &storage = table.GetStorage();
	auto &transaction = DuckTransaction::Get(context, table.catalog);
	TableScanState state;
	bool complete;
	auto filters = conditions.StorageFilters(columns, complete);
	storage.InitializeScan(context, transaction, state, columns.ids, filters.get());
	DataChunk chunk;
	chunk.Initialize(allocator, columns.types);
	DataChunk output;
	output.Initialize(allocator, result_types);
	SelectionVector sel(STANDARD_VECTOR_SIZE);
	while (true) {
		chunk.Reset();
		storage.Scan(transaction, chunk, state);
		if (chunk.size() == 0) {
			break;
		}
		auto count = complete ? chunk.size() : conditions.Select(chunk, sel);
		if (count == 0) {
			continue;
		}
		output.Reset();
		for (idx_t i = 0; i < result_types.size(); i++) {
			Vector selected(chunk.data[i]);
			if (count < chunk.size()) {
				selected.Slice(sel, count);
			}
			ReferenceOrCast(selected, output.data[i], count);
		}
		output.SetCardinality(count);
		result->Append(output);
	}
	return result;
}

} // namespace

vector<unique_ptr<ColumnDataCollection>> DuckDBMetadataConnection::Scan(const vector<CatalogScan> &scans) {
	vector<unique_ptr<ColumnDataCollection>> results;
	auto &context = *connection->context;
	auto schema_name = location.metadata_schema.empty() ? string(DEFAULT_SCHEMA) : location.metadata_schema;
	try {
		// All in one transaction (this connection's open one, if any, as its statements would run).
		context.RunFunctionInTransaction([&]() {
			for (auto &scan : scans) {
				results.push_back(ScanStorage(context, scan, schema_name));
			}
		});
	} catch (std::exception &ex) {
		ErrorData error(ex);
		throw IOException("DuckDB catalog %s: %s", location.DisplayName(), error.Message());
	}
	return results;
}

} // namespace duckdb
