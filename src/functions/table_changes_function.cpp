// The change feed is derived from the catalog alone (spec: data and delete files carry the
// snapshots that added them): rows of data files added in the range are insertions; positions
// a delete file added in the range (beyond those of the delete file it replaced) and the
// remaining rows of data files ended in the range are deletions; a deletion and an insertion of
// one row id in one snapshot are an update. The bind turns this into one query over the few
// files involved, so filters and projections on the feed run in DuckDB's engine.
#include "mallard/functions/table_changes_function.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/inlined_data.hpp"
#include "mallard/catalog/metadata_reader.hpp"
#include "mallard/catalog/name_mapping.hpp"
#include "mallard/catalog/snapshot_changes.hpp"
#include "mallard/functions/inlined_changes.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/scan/data_file_reader.hpp"
#include "mallard/storage/file_encryption.hpp"
#include "mallard/storage/lake_paths.hpp"

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

string Quote(const string &text) {
	return "'" + StringUtil::Replace(text, "'", "''") + "'";
}

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

struct ChangeFile {
	idx_t id;
	string path;
	idx_t row_id_start;
	idx_t begin_snapshot;
	optional_idx end_snapshot;
	//! For delete files: the data file they belong to.
	idx_t data_file_id = 0;
	//! The raw key of an encrypted file (file_encryption.hpp); empty for a plain one.
	string encryption_key;
};

string BuildChangesQuery(ClientContext &context, DuckLakeCatalog &catalog, DuckLakeTableEntry &table, idx_t start,
                         idx_t end, ChangeKind kind) {
	auto &columns = table.GetTableInfo().columns;
	auto table_id = table.GetTableId();
	auto folder = table.GetDataFolder();
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
	// Start with an empty, typed result: the range may hold no change at all.
	string changes = "SELECT NULL::BIGINT AS snapshot_id, NULL::BIGINT AS rowid, NULL::VARCHAR AS change_type" +
	                 typed_nulls + " WHERE false";
	if (start <= end && !DuckLakeTransaction::IsLocalId(table_id)) {
		auto in_range = [&](const string &column) {
			return "(" + column + " >= " + std::to_string(start) + " AND " + column + " <= " + std::to_string(end) + ")";
		};
		vector<ChangeFile> data_files;
		vector<ChangeFile> delete_files;
		//! Data files without field ids, read through their column name mapping.
		NameMappedFiles mapped;
		//! DuckLake's small deletes of file rows kept in the catalog (InlinedData::DeleteTableName):
		//! (data file id, snapshot) -> the positions deleted then.
		map<pair<idx_t, idx_t>, vector<idx_t>> inlined_file_deletes;
		catalog.WithMetadata([&](MetadataConnection &conn) {
			string inlined_delete_files;
			auto inlined_delete_table = InlinedData::DeleteTableName(table_id);
			if (conn.TableExists(inlined_delete_table)) {
				auto rows = conn.Query(StringUtil::Format("SELECT file_id, row_id, begin_snapshot FROM %s WHERE %s",
				                                          conn.Table(inlined_delete_table),
				                                          in_range("begin_snapshot")));
				set<idx_t> file_ids;
				for (auto &row : rows.rows) {
					auto key = make_pair(NumericCast<idx_t>(row[0].GetValue<int64_t>()),
					                     NumericCast<idx_t>(row[2].GetValue<int64_t>()));
					inlined_file_deletes[key].push_back(NumericCast<idx_t>(row[1].GetValue<int64_t>()));
					file_ids.insert(key.first);
				}
				// The files those rows delete from, named: the rows were just read.
				for (auto id : file_ids) {
					inlined_delete_files += (inlined_delete_files.empty() ? " OR data_file_id IN (" : ", ") +
					                        std::to_string(id);
				}
				inlined_delete_files += inlined_delete_files.empty() ? "" : ")";
			}
			auto deletes = conn.Query(StringUtil::Format(
			    "SELECT delete_file_id, path, path_is_relative, begin_snapshot, end_snapshot, data_file_id, "
			    "encryption_key FROM %s "
			    "WHERE table_id = %llu AND (%s OR %s)",
			    conn.Table("ducklake_delete_file"), table_id, in_range("begin_snapshot"), in_range("end_snapshot")));
			for (auto &row : deletes.rows) {
				ChangeFile file;
				file.id = NumericCast<idx_t>(row[0].GetValue<int64_t>());
				file.path = LakePaths::Resolve(folder, row[1].ToString(), row[2].IsNull() || row[2].GetValue<bool>());
				file.row_id_start = 0;
				file.begin_snapshot = NumericCast<idx_t>(row[3].GetValue<int64_t>());
				if (!row[4].IsNull()) {
					file.end_snapshot = NumericCast<idx_t>(row[4].GetValue<int64_t>());
				}
				file.data_file_id = NumericCast<idx_t>(row[5].GetValue<int64_t>());
				if (!row[6].IsNull()) {
					file.encryption_key = FileEncryption::FromCatalog(row[6].ToString());
				}
				delete_files.push_back(std::move(file));
			}
			auto data = conn.Query(StringUtil::Format(
			    "SELECT data_file_id, path, path_is_relative, row_id_start, begin_snapshot, end_snapshot, mapping_id, "
			    "encryption_key FROM %s "
			    "WHERE table_id = %llu AND (%s OR %s OR data_file_id IN (SELECT data_file_id FROM %s WHERE "
			    "table_id = %llu AND %s)%s)",
			    conn.Table("ducklake_data_file"), table_id, in_range("begin_snapshot"), in_range("end_snapshot"),
			    conn.Table("ducklake_delete_file"), table_id, in_range("begin_snapshot"), inlined_delete_files));
			vector<idx_t> mapping_ids;
			for (auto &row : data.rows) {
				if (!row[6].IsNull()) {
					mapping_ids.push_back(NumericCast<idx_t>(row[6].GetValue<int64_t>()));
				}
			}
			auto mappings = NameMappings::Read(conn, mapping_ids);
			for (auto &row : data.rows) {
				ChangeFile file;
				file.id = NumericCast<idx_t>(row[0].GetValue<int64_t>());
				file.path = LakePaths::Resolve(folder, row[1].ToString(), row[2].IsNull() || row[2].GetValue<bool>());
				file.row_id_start = row[3].IsNull() ? 0 : NumericCast<idx_t>(row[3].GetValue<int64_t>());
				file.begin_snapshot = NumericCast<idx_t>(row[4].GetValue<int64_t>());
				if (!row[5].IsNull()) {
					file.end_snapshot = NumericCast<idx_t>(row[5].GetValue<int64_t>());
				}
				if (!row[6].IsNull()) {
					mapped[file.path] = mappings[NumericCast<idx_t>(row[6].GetValue<int64_t>())];
				}
				if (!row[7].IsNull()) {
					file.encryption_key = FileEncryption::FromCatalog(row[7].ToString());
				}
				data_files.push_back(std::move(file));
			}
		});
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
					    change.kind == "rewrite_delete" || change.kind == "inline_flush") {
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
		auto rows_of = [&](const ChangeFile &file, idx_t snapshot, const string &type, const string &where) {
			EncryptedFiles encrypted;
			if (!file.encryption_key.empty()) {
				encrypted[file.path] = file.encryption_key;
			}
			return " UNION ALL SELECT " + std::to_string(snapshot) +
			       ", coalesce(_ducklake_internal_row_id, " + std::to_string(file.row_id_start) +
			       " + file_row_number), '" + type + "'" + read_list + " FROM " +
			       DataFileRead(Quote(file.path), columns, "c", mapped, encrypted) +
			       (where.empty() ? "" : " WHERE " + where);
		};
		auto positions_of = [&](const ChangeFile &file) {
			return "SELECT pos FROM " + ReadParquetSQL(file.path, file.encryption_key);
		};
		// The delete file of a data file that ended at (or was replaced at) a snapshot.
		auto delete_file_ending_at = [&](idx_t data_file_id, idx_t snapshot) -> const ChangeFile * {
			for (auto &file : delete_files) {
				if (file.data_file_id == data_file_id && file.end_snapshot.IsValid() &&
				    file.end_snapshot.GetIndex() == snapshot) {
					return &file;
				}
			}
			return nullptr;
		};
		// A delete file added with its data file holds rows inserted and deleted in one transaction:
		// they were never visible, so they are no change at all.
		auto delete_file_added_with = [&](const ChangeFile &data_file) -> const ChangeFile * {
			for (auto &file : delete_files) {
				if (file.data_file_id == data_file.id && file.begin_snapshot == data_file.begin_snapshot) {
					return &file;
				}
			}
			return nullptr;
		};
		for (auto &file : data_files) {
			if (file.begin_snapshot >= start && file.begin_snapshot <= end &&
			    !rewrite_snapshots.count(file.begin_snapshot)) {
				auto same_snapshot = delete_file_added_with(file);
				changes += rows_of(file, file.begin_snapshot, "insert",
				                   same_snapshot ? "file_row_number NOT IN (" + positions_of(*same_snapshot) + ")" : "");
			}
			if (file.end_snapshot.IsValid() && file.end_snapshot.GetIndex() >= start &&
			    file.end_snapshot.GetIndex() <= end && !rewrite_snapshots.count(file.end_snapshot.GetIndex())) {
				// Ended: its rows not deleted before are deleted now.
				auto previous = delete_file_ending_at(file.id, file.end_snapshot.GetIndex());
				changes += rows_of(file, file.end_snapshot.GetIndex(), "delete",
				                   previous ? "file_row_number NOT IN (" + positions_of(*previous) + ")" : "");
			}
		}
		for (auto &file : delete_files) {
			if (file.begin_snapshot < start || file.begin_snapshot > end || rewrite_snapshots.count(file.begin_snapshot)) {
				continue;
			}
			const ChangeFile *data_file = nullptr;
			for (auto &candidate : data_files) {
				if (candidate.id == file.data_file_id) {
					data_file = &candidate;
				}
			}
			if (!data_file || data_file->begin_snapshot == file.begin_snapshot) {
				continue;
			}
			// A delete file holds every deleted position: the new ones are those its predecessor lacks.
			auto previous = delete_file_ending_at(file.data_file_id, file.begin_snapshot);
			auto positions = positions_of(file);
			if (previous) {
				positions += " EXCEPT " + positions_of(*previous);
			}
			changes += rows_of(*data_file, file.begin_snapshot, "delete", "file_row_number IN (" + positions + ")");
		}
		for (auto &entry : inlined_file_deletes) {
			for (auto &candidate : data_files) {
				if (candidate.id != entry.first.first) {
					continue;
				}
				string positions;
				for (auto position : entry.second) {
					positions += (positions.empty() ? "" : ", ") + std::to_string(position);
				}
				changes += rows_of(candidate, entry.first.second, "delete", "file_row_number IN (" + positions + ")");
			}
		}
		// Inlined rows (inlined_changes.hpp).
		changes += InlinedChangeRows(catalog, table.GetTableInfo(), start, end, rewrite_snapshots);
	}
	string filter;
	if (kind == ChangeKind::INSERTIONS) {
		filter = " WHERE change_type IN ('insert', 'update_postimage')";
	} else if (kind == ChangeKind::DELETIONS) {
		filter = " WHERE change_type IN ('delete', 'update_preimage')";
	}
	// A row id deleted and inserted in one snapshot is an update (spec: UPDATE keeps the row id).
	return "SELECT * FROM (SELECT snapshot_id, rowid, CASE WHEN count(*) OVER (PARTITION BY snapshot_id, rowid) > 1 "
	       "THEN (CASE change_type WHEN 'insert' THEN 'update_postimage' ELSE 'update_preimage' END) ELSE "
	       "change_type END AS change_type" +
	       column_list + " FROM (" + changes + ") changes)" + filter;
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
	auto &table_entry = Catalog::GetEntry<TableCatalogEntry>(context, catalog->GetName(), schema_name, table_name);
	auto &table = table_entry.Cast<DuckLakeTableEntry>();
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
