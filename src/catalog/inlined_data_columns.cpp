// The column-wise read of inlined rows for scans: the catalog result arrives as vectors
// (MetadataConnection::QueryColumns) and is cast to the table's types a vector at a time, instead
// of one Value per field and a vector per row (a scan's first read of 300,000 inlined rows spent
// about half its time allocating those).
#include "mallard/catalog/inlined_data.hpp"

#include "mallard/catalog/catalog_chunk.hpp"
#include "mallard/catalog/catalog_scan.hpp"
#include "mallard/catalog/ducklake_types.hpp"

#include "duckdb/common/types/column/column_data_collection.hpp"

namespace duckdb {

vector<InlinedRows> InlinedData::ReadVisibleColumns(MetadataConnection &conn, idx_t table_id, idx_t snapshot_id,
                                                    const unordered_map<idx_t, LogicalType> &column_types) {
	vector<InlinedRows> result;
	for (auto &table : ListTables(conn, table_id)) {
		InlinedRows rows;
		rows.table_name = table.table_name;
		CatalogScan scan(table.table_name, {"row_id", "begin_snapshot"});
		for (auto &column : ReadColumns(conn, table)) {
			scan.columns.push_back(column.name);
			rows.column_ids.push_back(column.column_id);
			rows.written_types.push_back(column.written_type);
		}
		unique_ptr<ColumnDataCollection> source;
		if (conn.ScansStorage()) {
			// A DuckDB file answers from its storage: a statement there is planned for milliseconds.
			source = conn.Scan(scan.VisibleAt(snapshot_id));
		} else {
			// The statement itself, as the scan's SQL would not quote the user's column names.
			string sql = "SELECT row_id, begin_snapshot";
			for (idx_t i = 2; i < scan.columns.size(); i++) {
				sql += ", " + MetadataConnection::Identifier(scan.columns[i]);
			}
			source = conn.QueryColumns(sql + " FROM " + conn.Table(table.table_name) + " WHERE " +
			                           VisibleCondition(snapshot_id));
		}
		if (source->Count() == 0) {
			continue;
		}
		auto &source_types = source->Types();
		if (source_types.size() != rows.column_ids.size() + 2 || source_types[0].id() != LogicalTypeId::BIGINT ||
		    source_types[1].id() != LogicalTypeId::BIGINT) {
			throw IOException("Inlined-data table %s of the catalog does not hold integer row ids and snapshots and "
			                  "the table's columns",
			                  table.table_name);
		}
		// Value columns: the source's columns after row_id and begin_snapshot, in the table's types,
		// except those the session's settings cast (CastNeedsSession): the reader casts those.
		vector<LogicalType> types;
		for (idx_t col = 0; col < rows.column_ids.size(); col++) {
			auto type = column_types.find(rows.column_ids[col]);
			auto &written = rows.written_types[col];
			if (type != column_types.end() && CastNeedsSession(written, type->second)) {
				types.push_back(written);
			} else {
				types.push_back(type != column_types.end() ? type->second : source_types[col + 2]);
			}
		}
		auto stored = make_shared_ptr<ColumnDataCollection>(Allocator::DefaultAllocator(), types);
		DataChunk values;
		values.Initialize(Allocator::DefaultAllocator(), types);
		rows.row_ids.reserve(source->Count());
		rows.begin_snapshots.reserve(source->Count());
		for (auto &chunk : source->Chunks()) {
			auto count = chunk.size();
			auto &row_ids = chunk.data[0];
			auto &snapshots = chunk.data[1];
			auto ids = FlatVector::GetData<int64_t>(row_ids);
			auto begins = FlatVector::GetData<int64_t>(snapshots);
			for (idx_t i = 0; i < count; i++) {
				if (!FlatVector::Validity(row_ids).RowIsValid(i) || !FlatVector::Validity(snapshots).RowIsValid(i)) {
					throw IOException("Inlined-data table %s of the catalog holds a row without a row id or snapshot",
					                  table.table_name);
				}
				rows.row_ids.push_back(ids[i]);
				rows.begin_snapshots.push_back(NumericCast<idx_t>(begins[i]));
			}
			values.Reset();
			for (idx_t col = 0; col < types.size(); col++) {
				CastStored(chunk.data[col + 2], rows.written_types[col], values.data[col], count);
			}
			values.SetCardinality(count);
			stored->Append(values);
		}
		rows.stored = std::move(stored);
		result.push_back(std::move(rows));
	}
	return result;
}

} // namespace duckdb
