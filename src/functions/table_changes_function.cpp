// The change feed is derived from the catalog and the files it names: the changes of data files
// (file_changes.hpp) and of inlined rows (inlined_changes.hpp); a deletion and an insertion of
// one row id in one snapshot are an update. The bind turns this into one query over the few
// files involved, so filters and projections on the feed run in DuckDB's engine.
#include "mallard/functions/table_changes_function.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/snapshot_changes.hpp"
#include "mallard/functions/file_changes.hpp"
#include "mallard/functions/inlined_changes.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/parser/keyword_helper.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/subqueryref.hpp"

namespace duckdb {

namespace {

enum class ChangeKind { ALL, INSERTIONS, DELETIONS };

struct ChangeFunctionInfo : public TableFunctionInfo {
	ChangeFunctionInfo(ChangeKind kind, optional_ptr<DuckLakeCatalog> catalog, string schema)
	    : kind(kind), catalog(catalog), schema(std::move(schema)) {
	}
	ChangeKind kind;
	//! Set for lake.table_changes(); unset for ducklake_table_changes('lake', 'schema', ...).
	optional_ptr<DuckLakeCatalog> catalog;
	string schema;
};

string Ident(const string &name) {
	return KeywordHelper::WriteQuoted(name, '"');
}

//! A bound as a snapshot id: ids as given; a timestamp start is the first snapshot at or after
//! it, a timestamp end the last one at or before it.
idx_t ResolveBound(DuckLakeCatalog &catalog, const Value &bound, bool is_start) {
	if (bound.IsNull()) {
		throw BinderException("table_changes: the snapshot bounds cannot be NULL");
	}
	auto type = bound.type().id();
	if (type == LogicalTypeId::TIMESTAMP || type == LogicalTypeId::TIMESTAMP_TZ || type == LogicalTypeId::DATE ||
	    type == LogicalTypeId::TIMESTAMP_MS || type == LogicalTypeId::TIMESTAMP_NS ||
	    type == LogicalTypeId::TIMESTAMP_SEC) {
		auto ts = bound.DefaultCastAs(LogicalType::TIMESTAMP_TZ);
		auto text = Timestamp::ToString(timestamp_t(ts.GetValue<timestamp_tz_t>().value)) + "+00";
		auto rows = catalog.WithMetadata([&](MetadataConnection &conn) {
			return conn.Query(StringUtil::Format(
			    "SELECT %s(snapshot_id) FROM %s WHERE snapshot_time %s %s", is_start ? "min" : "max",
			    conn.Table("ducklake_snapshot"), is_start ? ">=" : "<=", MetadataConnection::Literal(text)));
		});
		if (rows.RowCount() == 0 || rows.rows[0][0].IsNull()) {
			// No snapshot in that direction: an empty range.
			return is_start ? NumericLimits<int64_t>::Maximum() : 0;
		}
		return NumericCast<idx_t>(rows.rows[0][0].GetValue<int64_t>());
	}
	Value id;
	string error;
	if (!bound.DefaultTryCastAs(LogicalType::BIGINT, id, &error) || id.GetValue<int64_t>() < 0) {
		throw BinderException("table_changes: a bound is a snapshot id or a timestamp, not %s", bound.ToString());
	}
	return NumericCast<idx_t>(id.GetValue<int64_t>());
}

string BuildChangesQuery(ClientContext &context, DuckLakeCatalog &catalog, DuckLakeTableEntry &table, idx_t start,
                         idx_t end, ChangeKind kind) {
	auto &columns = table.GetTableInfo().columns;
	auto table_id = table.GetTableId();
	string column_list;
	string read_list;
	string typed_nulls;
	// Files are read with the columns named c0, c1, ... (DataFileRead): a column of the table named
	// like read_parquet's file_row_number or the row id column cannot capture them.
	for (idx_t i = 0; i < columns.size(); i++) {
		auto &column = columns[i];
		auto stored = "c" + std::to_string(i);
		column_list += ", " + Ident(column.name);
		read_list += column.type.HasAlias() ? ", CAST(" + stored + " AS " + column.type.ToString() + ") AS " +
		                                          Ident(column.name)
		                                    : ", " + stored + " AS " + Ident(column.name);
		typed_nulls += ", NULL::" + column.type.ToString() + " AS " + Ident(column.name);
	}
	// Start with an empty, typed result: the range may hold no change at all. Its names are the
	// union's, internal ones, so a table column named snapshot_id, rowid or change_type keeps its values.
	string changes = "SELECT NULL::BIGINT AS __ducklake_snapshot, NULL::BIGINT AS __ducklake_rowid, NULL::VARCHAR AS "
	                 "__ducklake_change" +
	                 typed_nulls + " WHERE false";
	if (start <= end && !DuckLakeTransaction::IsLocalId(table_id)) {
		// Snapshots that only rewrote files (compaction, merging) change no row: their ended and new
		// files are not changes (spec: the row ids of rewritten rows are kept).
		unordered_set<idx_t> rewrite_snapshots;
		catalog.WithMetadata([&](MetadataConnection &conn) {
			auto rows = conn.Query(StringUtil::Format(
			    "SELECT snapshot_id, changes_made FROM %s WHERE snapshot_id >= %llu AND snapshot_id <= %llu",
			    conn.Table("ducklake_snapshot_changes"), start, end));
			auto id = std::to_string(table_id);
			for (auto &row : rows.rows) {
				if (row[1].IsNull()) {
					continue;
				}
				bool rewrites = false;
				bool changes_rows = false;
				for (auto &change : SnapshotChanges::Parse(row[1].ToString())) {
					if (change.value != id) {
						continue;
					}
					if (change.kind == "compacted_table" || change.kind == "merge_adjacent" ||
					    change.kind == "rewrite_delete" || change.kind == "inline_flush" ||
					    change.kind == "flushed_inlined") {
						rewrites = true;
					} else if (change.kind == "inserted_into_table" || change.kind == "deleted_from_table" ||
					           change.kind == "inlined_insert" || change.kind == "inlined_delete") {
						changes_rows = true;
					}
				}
				if (rewrites && !changes_rows) {
					rewrite_snapshots.insert(NumericCast<idx_t>(row[0].GetValue<int64_t>()));
				}
			}
		});
		changes += FileChangeRows(context, table, start, end, rewrite_snapshots, read_list);
		// Inlined rows (inlined_changes.hpp).
		changes += InlinedChangeRows(catalog, table.GetTableInfo(), start, end, rewrite_snapshots);
	}
	// Insertions are inserts and update postimages: the rows the union has as inserts.
	string filter;
	if (kind == ChangeKind::INSERTIONS) {
		filter = " WHERE __ducklake_change = 'insert'";
	} else if (kind == ChangeKind::DELETIONS) {
		filter = " WHERE __ducklake_change = 'delete'";
	}
	// A row id deleted and inserted in one snapshot is an update (spec: UPDATE keeps the row id).
	return "SELECT __ducklake_snapshot AS snapshot_id, __ducklake_rowid AS rowid, CASE WHEN __ducklake_changes > 1 "
	       "THEN (CASE __ducklake_change WHEN 'insert' THEN 'update_postimage' ELSE 'update_preimage' END) ELSE "
	       "__ducklake_change END AS change_type" +
	       column_list + " FROM (SELECT *, count(*) OVER (PARTITION BY __ducklake_snapshot, __ducklake_rowid) AS "
	                     "__ducklake_changes FROM (" +
	       changes + ") changes) changes" + filter;
}

unique_ptr<TableRef> ChangesBindReplace(ClientContext &context, TableFunctionBindInput &input) {
	auto &info = input.info->Cast<ChangeFunctionInfo>();
	idx_t arg = 0;
	optional_ptr<DuckLakeCatalog> catalog = info.catalog;
	string schema_name = info.schema;
	if (!catalog) {
		auto lake_name = input.inputs[arg++].ToString();
		auto &entry = Catalog::GetCatalog(context, lake_name);
		if (entry.GetCatalogType() != "ducklake") {
			throw BinderException("\"%s\" is not a lake", lake_name);
		}
		catalog = &entry.Cast<DuckLakeCatalog>();
		schema_name = input.inputs[arg++].ToString();
	}
	auto table_name = input.inputs[arg++].ToString();
	auto start = ResolveBound(*catalog, input.inputs[arg++], true);
	auto end = ResolveBound(*catalog, input.inputs[arg++], false);
	EntryLookupInfo lookup(CatalogType::TABLE_ENTRY, table_name);
	auto &entry = Catalog::GetEntry(context, catalog->GetName(), schema_name, lookup);
	if (entry.type != CatalogType::TABLE_ENTRY) {
		// A view has no snapshots of its own (DuckDB's lookup would say "is not an table").
		throw BinderException("\"%s\" is a view of lake \"%s\": the change feed reads tables only", table_name,
		                      catalog->GetName());
	}
	auto &table = entry.Cast<DuckLakeTableEntry>();
	auto sql = BuildChangesQuery(context, *catalog, table, start, end, info.kind);
	Parser parser;
	parser.ParseQuery(sql);
	if (parser.statements.size() != 1 || parser.statements[0]->type != StatementType::SELECT_STATEMENT) {
		throw InternalException("table_changes built an unexpected query");
	}
	auto select = unique_ptr_cast<SQLStatement, SelectStatement>(std::move(parser.statements[0]));
	return make_uniq<SubqueryRef>(std::move(select));
}

TableFunction MakeChangeFunction(const string &name, ChangeKind kind, optional_ptr<DuckLakeCatalog> catalog,
                                 const string &schema) {
	vector<LogicalType> arguments;
	if (!catalog) {
		arguments = {LogicalType::VARCHAR, LogicalType::VARCHAR};
	}
	arguments.push_back(LogicalType::VARCHAR);
	arguments.push_back(LogicalType::ANY);
	arguments.push_back(LogicalType::ANY);
	TableFunction function(name, std::move(arguments), nullptr);
	function.bind_replace = ChangesBindReplace;
	function.function_info = make_shared_ptr<ChangeFunctionInfo>(kind, catalog, schema);
	return function;
}

const vector<pair<string, ChangeKind>> &ChangeFunctions() {
	static const vector<pair<string, ChangeKind>> FUNCTIONS = {{"table_changes", ChangeKind::ALL},
	                                                           {"table_insertions", ChangeKind::INSERTIONS},
	                                                           {"table_deletions", ChangeKind::DELETIONS}};
	return FUNCTIONS;
}

} // namespace

optional_ptr<CatalogEntry> LookupChangeFunction(DuckLakeCatalog &catalog, DuckLakeSchemaEntry &schema,
                                                const string &lower_name) {
	for (auto &function : ChangeFunctions()) {
		if (lower_name != function.first) {
			continue;
		}
		return &schema.GetFunctionEntry(lower_name, [&]() -> unique_ptr<CatalogEntry> {
			CreateTableFunctionInfo info(MakeChangeFunction(function.first, function.second, &catalog, schema.name));
			info.schema = schema.name;
			info.internal = true;
			return make_uniq<TableFunctionCatalogEntry>(catalog, schema, info);
		});
	}
	return nullptr;
}

void RegisterChangeFunctions(ExtensionLoader &loader) {
	for (auto &function : ChangeFunctions()) {
		loader.RegisterFunction(MakeChangeFunction("ducklake_" + function.first, function.second, nullptr, ""));
	}
}

} // namespace duckdb
