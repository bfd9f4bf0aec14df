#include "mallard/lake/ducklake_alter.hpp"

#include "mallard/scan/inlined_data_reader.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/catalog/metadata_writer.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_partitioning.hpp"
#include "mallard/lake/ducklake_sort.hpp"
#include "mallard/lake/ducklake_table_entry.hpp"
#include "mallard/lake/ducklake_transaction.hpp"
#include "mallard/scan/scan_file_list.hpp"

#include "duckdb/common/enum_util.hpp"
#include "duckdb/execution/expression_executor.hpp"
#include "duckdb/parser/expression/cast_expression.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/parsed_data/alter_table_info.hpp"
#include "duckdb/planner/binder.hpp"
#include "duckdb/planner/expression/bound_function_expression.hpp"
#include "duckdb/planner/expression_iterator.hpp"
#include "duckdb/planner/expression_binder/constant_binder.hpp"

namespace duckdb {

namespace {

optional_ptr<LakeColumnInfo> FindColumn(vector<LakeColumnInfo> &columns, const string &name) {
	for (auto &column : columns) {
		if (StringUtil::CIEquals(column.name, name)) {
			return &column;
		}
	}
	return nullptr;
}

LakeColumnInfo &GetColumn(LakeTableInfo &table, const string &name) {
	auto column = FindColumn(table.columns, name);
	if (!column) {
		throw BinderException("Table \"%s\" has no column named \"%s\"", table.name, name);
	}
	return *column;
}

idx_t MaxColumnId(const vector<LakeColumnInfo> &columns) {
	idx_t result = 0;
	for (auto &column : columns) {
		result = MaxValue(result, MaxValue(column.column_id, MaxColumnId(column.children)));
	}
	return result;
}

//! The next column id of the table: ids of dropped columns are never reused, since old files
//! still carry them as field ids.
idx_t NextColumnId(LakeTableInfo &table) {
	return MaxValue(table.max_column_id, MaxColumnId(table.columns)) + 1;
}

//! A nested column's type from its (changed) children: struct fields, a list's element, a map's
//! key and value.
void RebuildNestedType(LakeColumnInfo &column) {
	switch (column.type.id()) {
	case LogicalTypeId::STRUCT: {
		child_list_t<LogicalType> fields;
		for (auto &child : column.children) {
			fields.emplace_back(child.name, child.type);
		}
		column.type = LogicalType::STRUCT(std::move(fields));
		break;
	}
	case LogicalTypeId::LIST:
		column.type = LogicalType::LIST(column.children[0].type);
		break;
	case LogicalTypeId::MAP:
		column.type = LogicalType::MAP(column.children[0].type, column.children[1].type);
		break;
	default:
		break;
	}
}

bool IsNested(const LakeColumnInfo &column) {
	auto id = column.type.id();
	return id == LogicalTypeId::STRUCT || id == LogicalTypeId::LIST || id == LogicalTypeId::MAP;
}

//! now(), current_date, ...: foldable within one query, but not a literal.
bool DependsOnQueryTime(Expression &expression) {
	bool result = false;
	if (expression.GetExpressionClass() == ExpressionClass::BOUND_FUNCTION &&
	    expression.Cast<BoundFunctionExpression>().function.stability != FunctionStability::CONSISTENT) {
		result = true;
	}
	ExpressionIterator::EnumerateChildren(expression, [&](Expression &child) { result = result || DependsOnQueryTime(child); });
	return result;
}

//! The value a DEFAULT expression denotes, which must be a constant: files written before the
//! column existed read as it (spec: initial_default), so it cannot depend on the time or a sequence.
Value LiteralDefault(ClientContext &context, const ParsedExpression &expression, const LogicalType &type,
                     const string &column_name) {
	auto binder = Binder::CreateBinder(context);
	ConstantBinder constant_binder(*binder, context, "DEFAULT");
	auto copy = expression.Copy();
	auto bound = constant_binder.Bind(copy);
	if (!bound->IsFoldable() || DependsOnQueryTime(*bound)) {
		throw NotImplementedException("ADD COLUMN \"%s\" on a lake table needs a literal DEFAULT, not %s: rows written "
		                              "before the column existed read as that value",
		                              column_name, expression.ToString());
	}
	auto value = ExpressionExecutor::EvaluateScalar(context, *bound);
	Value result;
	string error;
	if (!value.DefaultTryCastAs(type, result, &error)) {
		throw InvalidInputException("DEFAULT %s of column \"%s\" cannot be cast to %s: %s", expression.ToString(),
		                            column_name, type.ToString(), error);
	}
	return result;
}

LakeColumnInfo NewColumn(ClientContext &context, LakeTableInfo &table, const ColumnDefinition &definition) {
	if (definition.Generated()) {
		throw NotImplementedException("Lake tables do not support generated columns");
	}
	RefuseColumnCompression(definition, table.name);
	auto next_id = NextColumnId(table);
	// As DuckDB's own ADD COLUMN: a type the parser left by name (JSON, an extension's) is bound here;
	// CREATE TABLE gets its columns bound by DuckDB's binder.
	auto type = definition.Type();
	Binder::CreateBinder(context)->BindLogicalType(type);
	auto column = MakeLakeColumn(definition.Name(), type, next_id);
	table.max_column_id = next_id - 1;
	if (definition.HasDefaultValue()) {
		column.initial_default = LiteralDefault(context, definition.DefaultValue(), column.type, column.name);
		column.default_value = definition.DefaultValue().ToString();
	}
	return column;
}

//! The column (or nested field) at `path`. As in DuckDB, a path steps into a list through
//! `element` and into a map through `key` / `value`: the names of their child columns in the format.
LakeColumnInfo &ResolvePath(LakeTableInfo &table, const vector<string> &path, idx_t length,
                            vector<LakeColumnInfo *> &chain) {
	auto *columns = &table.columns;
	LakeColumnInfo *current = nullptr;
	for (idx_t i = 0; i < length; i++) {
		if (current && !IsNested(*current)) {
			throw BinderException("Column \"%s\" is not a STRUCT: it has no field \"%s\"", current->name, path[i]);
		}
		auto next = FindColumn(*columns, path[i]);
		if (!next) {
			throw BinderException("Table \"%s\" has no column or field \"%s\"", table.name,
			                      StringUtil::Join(vector<string>(path.begin(), path.begin() + NumericCast<int64_t>(i) + 1), "."));
		}
		current = next.get();
		chain.push_back(current);
		columns = &current->children;
	}
	return *current;
}

//! The struct holding the field at `path` (struct path + field name).
LakeColumnInfo &ResolveFieldParent(LakeTableInfo &table, const vector<string> &path, vector<LakeColumnInfo *> &chain) {
	if (path.size() < 2) {
		throw BinderException("A struct field is named by its path, e.g. s.field");
	}
	auto &parent = ResolvePath(table, path, path.size() - 1, chain);
	if (parent.type.id() != LogicalTypeId::STRUCT) {
		throw BinderException("Column \"%s\" is not a STRUCT: it has no field \"%s\"", parent.name, path.back());
	}
	return parent;
}

void RebuildChain(vector<LakeColumnInfo *> &chain) {
	for (idx_t i = chain.size(); i > 0; i--) {
		RebuildNestedType(*chain[i - 1]);
	}
}

bool IsPartitionColumn(const LakeTableInfo &table, idx_t column_id) {
	for (auto &field : table.partition_fields) {
		if (field.column_id == column_id) {
			return true;
		}
	}
	return false;
}

//! SET NOT NULL must hold for the rows already there: every visible file's statistics must show no
//! NULL in the column (files written before it existed hold its initial default).
void CheckNoNulls(ClientContext &context, DuckLakeTableEntry &entry, const LakeColumnInfo &column) {
	auto &table = entry.GetTableInfo();
	auto &catalog = entry.GetLakeCatalog();
	auto &transaction = DuckLakeTransaction::Get(context, catalog);
	vector<DataFileInfo> files;
	if (!DuckLakeTransaction::IsLocalId(table.table_id)) {
		auto committed = catalog.GetDataFiles(entry, transaction.GetSnapshot());
		for (auto &file : committed->files) {
			files.push_back(file->info);
		}
	}
	auto local = transaction.GetLocalDataFiles(table.table_id);
	if (local) {
		files.insert(files.end(), local->begin(), local->end());
	}
	for (auto &file : files) {
		if (file.record_count == 0) {
			continue;
		}
		const ColumnStatsInfo *stats = nullptr;
		for (auto &file_stats : file.column_stats) {
			if (file_stats.column_id == column.column_id) {
				stats = &file_stats;
			}
		}
		bool no_nulls = stats ? stats->null_count.IsValid() && stats->null_count.GetIndex() == 0
		                      : !column.initial_default.IsNull() && column.children.empty();
		if (!no_nulls) {
			throw ConstraintException("Cannot SET NOT NULL on column \"%s\" of lake table \"%s\": data file \"%s\" "
			                          "holds (or may hold) NULL values in it",
			                          column.name, table.name, file.path);
		}
	}
	CheckInlinedNoNulls(context, entry, column);
}

} // namespace

namespace {

bool SamePartitionKeys(const vector<LakePartitionField> &a, const vector<LakePartitionField> &b) {
	if (a.size() != b.size()) {
		return false;
	}
	for (idx_t i = 0; i < a.size(); i++) {
		if (a[i].column_id != b[i].column_id || !StringUtil::CIEquals(a[i].transform, b[i].transform)) {
			return false;
		}
	}
	return true;
}

enum class PromotionClass { NONE, NUMBER, TIME };

//! The kinds of types a promotion stays within: numbers (integers, floats, decimals) and points in
//! time. Both keep their order under the widening cast, so file bounds written as the old type stay
//! bounds of the values read as the new one.
PromotionClass GetPromotionClass(const LogicalType &type) {
	if (type.IsNumeric()) {
		return PromotionClass::NUMBER;
	}
	switch (type.id()) {
	case LogicalTypeId::DATE:
	case LogicalTypeId::TIMESTAMP:
	case LogicalTypeId::TIMESTAMP_SEC:
	case LogicalTypeId::TIMESTAMP_MS:
	case LogicalTypeId::TIMESTAMP_NS:
	case LogicalTypeId::TIMESTAMP_TZ:
		return PromotionClass::TIME;
	default:
		return PromotionClass::NONE;
	}
}

} // namespace

void RefuseColumnCompression(const ColumnDefinition &column, const string &table_name) {
	if (column.CompressionType() != CompressionType::COMPRESSION_AUTO) {
		throw NotImplementedException("Column \"%s\" of lake table \"%s\": a compression type for a column is not "
		                              "supported; set the lake's parquet_compression option instead",
		                              column.Name(), table_name);
	}
}

bool IsAllowedTypePromotion(const LogicalType &from, const LogicalType &to) {
	auto kind = GetPromotionClass(from);
	if (kind == PromotionClass::NONE || kind != GetPromotionClass(to) || from == to) {
		return false;
	}
	// As DuckLake: the new type is the one DuckDB widens both to (INTEGER and DOUBLE to DOUBLE, DATE
	// and TIMESTAMP to TIMESTAMP, DECIMAL(9,2) and DECIMAL(18,4) to DECIMAL(18,4), TIMESTAMP and
	// TIMESTAMPTZ to TIMESTAMPTZ), so every old value has its place among the new ones.
	return LogicalType::ForceMaxLogicalType(from, to) == to && LogicalType::ForceMaxLogicalType(to, from) == to;
}

bool AlterLakeTable(ClientContext &context, DuckLakeTableEntry &entry, AlterTableInfo &info, LakeTableInfo &result) {
	result = entry.GetTableInfo();
	auto &table = result;
	switch (info.alter_table_type) {
	case AlterTableType::RENAME_TABLE: {
		auto &rename = info.Cast<RenameTableInfo>();
		table.name = rename.new_table_name;
		return true;
	}
	case AlterTableType::RENAME_COLUMN: {
		auto &rename = info.Cast<RenameColumnInfo>();
		auto &column = GetColumn(table, rename.old_name);
		CheckColumnNameNotReserved(rename.new_name);
		auto existing = FindColumn(table.columns, rename.new_name);
		if (existing && existing.get() != &column) {
			throw CatalogException("Column \"%s\" already exists in table \"%s\"", rename.new_name, table.name);
		}
		auto old_name = column.name;
		column.name = rename.new_name;
		if (RenameSortColumn(table, old_name, rename.new_name)) {
			// The keys name the column: a new sort order, as DuckLake writes it.
			table.sort_id = DuckLakeTransaction::Get(context, entry.GetLakeCatalog()).NewLocalId();
		}
		return true;
	}
	case AlterTableType::ADD_COLUMN: {
		auto &add = info.Cast<AddColumnInfo>();
		if (FindColumn(table.columns, add.new_column.Name())) {
			if (add.if_column_not_exists) {
				return false;
			}
			throw CatalogException("Column \"%s\" already exists in table \"%s\"", add.new_column.Name(), table.name);
		}
		CheckColumnNameNotReserved(add.new_column.Name());
		table.columns.push_back(NewColumn(context, table, add.new_column));
		return true;
	}
	case AlterTableType::REMOVE_COLUMN: {
		auto &remove = info.Cast<RemoveColumnInfo>();
		auto column = FindColumn(table.columns, remove.removed_column);
		if (!column) {
			if (remove.if_column_exists) {
				return false;
			}
			throw BinderException("Table \"%s\" has no column named \"%s\"", table.name, remove.removed_column);
		}
		if (table.columns.size() == 1) {
			throw CatalogException("Cannot drop column \"%s\": it is the only column of table \"%s\"", column->name,
			                       table.name);
		}
		if (IsPartitionColumn(table, column->column_id)) {
			throw CatalogException("Cannot drop column \"%s\": table \"%s\" is partitioned by it (RESET or SET "
			                       "PARTITIONED BY first)",
			                       column->name, table.name);
		}
		CheckSortColumnDrop(table, column->name);
		table.columns.erase(table.columns.begin() + (column.get() - table.columns.data()));
		return true;
	}
	case AlterTableType::ALTER_COLUMN_TYPE: {
		auto &change = info.Cast<ChangeColumnTypeInfo>();
		auto &column = GetColumn(table, change.column_name);
		// Without USING the parser gives CAST(column AS type); anything else would rewrite data.
		bool plain_cast = false;
		if (change.expression && change.expression->GetExpressionClass() == ExpressionClass::CAST) {
			auto &cast = change.expression->Cast<CastExpression>();
			plain_cast = cast.child->GetExpressionClass() == ExpressionClass::COLUMN_REF &&
			             StringUtil::CIEquals(cast.child->Cast<ColumnRefExpression>().GetColumnName(), column.name);
		}
		if (!plain_cast) {
			throw NotImplementedException("ALTER COLUMN ... TYPE ... USING is not supported on lake tables: data files "
			                              "are never rewritten");
		}
		if (change.target_type == column.type) {
			return false;
		}
		if (!IsAllowedTypePromotion(column.type, change.target_type)) {
			throw NotImplementedException(
			    "Cannot change the type of column \"%s\" from %s to %s: a lake table only allows type promotions that "
			    "keep old data files readable (to a wider number or point in time: the type DuckDB would widen both "
			    "to)",
			    column.name, column.type.ToString(), change.target_type.ToString());
		}
		column.promoted = true;
		column.type = change.target_type;
		if (!column.initial_default.IsNull()) {
			column.initial_default = column.initial_default.DefaultCastAs(column.type);
		}
		return true;
	}
	case AlterTableType::SET_DEFAULT: {
		auto &set_default = info.Cast<SetDefaultInfo>();
		auto &column = GetColumn(table, set_default.column_name);
		column.default_value = set_default.expression ? set_default.expression->ToString() : string();
		return true;
	}
	case AlterTableType::SET_NOT_NULL: {
		auto &column = GetColumn(table, info.Cast<SetNotNullInfo>().column_name);
		if (!column.nulls_allowed) {
			return false;
		}
		CheckNoNulls(context, entry, column);
		column.nulls_allowed = false;
		return true;
	}
	case AlterTableType::DROP_NOT_NULL: {
		auto &column = GetColumn(table, info.Cast<DropNotNullInfo>().column_name);
		if (column.nulls_allowed) {
			return false;
		}
		column.nulls_allowed = true;
		return true;
	}
	case AlterTableType::SET_PARTITIONED_BY: {
		auto &partition = info.Cast<SetPartitionedByInfo>();
		auto &transaction = DuckLakeTransaction::Get(context, entry.GetLakeCatalog());
		auto fields = BindPartitionKeys(table, partition.partition_keys);
		if (SamePartitionKeys(fields, table.partition_fields)) {
			return false; // the spec the table has (or RESET of an unpartitioned table): no new snapshot
		}
		table.partition_fields = std::move(fields);
		if (table.partition_fields.empty()) {
			table.partition_id = optional_idx();
		} else {
			// A new spec: files written from now on point at it; older files keep theirs.
			table.partition_id = transaction.NewLocalId();
		}
		return true;
	}
	case AlterTableType::ADD_FIELD: {
		auto &add = info.Cast<AddFieldInfo>();
		vector<LakeColumnInfo *> chain;
		auto &parent = ResolvePath(table, add.column_path, add.column_path.size(), chain);
		if (parent.type.id() != LogicalTypeId::STRUCT) {
			throw BinderException("Column \"%s\" is not a STRUCT: fields can only be added to structs", parent.name);
		}
		if (FindColumn(parent.children, add.new_field.Name())) {
			if (add.if_field_not_exists) {
				return false;
			}
			throw CatalogException("Field \"%s\" already exists in \"%s\"", add.new_field.Name(),
			                       StringUtil::Join(add.column_path, "."));
		}
		auto field = NewColumn(context, table, add.new_field);
		if (!field.initial_default.IsNull()) {
			// Inlined rows hold the struct as text, which casts to the wider struct with the new field
			// NULL: right without a default, wrong with one.
			RefuseNestedChangeWithInlinedRows(context, entry);
		}
		parent.children.push_back(std::move(field));
		RebuildChain(chain);
		return true;
	}
	case AlterTableType::REMOVE_FIELD: {
		RefuseNestedChangeWithInlinedRows(context, entry);
		auto &remove = info.Cast<RemoveFieldInfo>();
		vector<LakeColumnInfo *> chain;
		auto &parent = ResolveFieldParent(table, remove.column_path, chain);
		auto field = FindColumn(parent.children, remove.column_path.back());
		if (!field) {
			if (remove.if_column_exists) {
				return false;
			}
			throw BinderException("Struct \"%s\" has no field \"%s\"", parent.name, remove.column_path.back());
		}
		if (parent.children.size() == 1) {
			throw CatalogException("Cannot drop field \"%s\": it is the only field of struct \"%s\"", field->name,
			                       parent.name);
		}
		parent.children.erase(parent.children.begin() + (field.get() - parent.children.data()));
		RebuildChain(chain);
		return true;
	}
	case AlterTableType::RENAME_FIELD: {
		RefuseNestedChangeWithInlinedRows(context, entry);
		auto &rename = info.Cast<RenameFieldInfo>();
		vector<LakeColumnInfo *> chain;
		auto &parent = ResolveFieldParent(table, rename.column_path, chain);
		auto field = FindColumn(parent.children, rename.column_path.back());
		if (!field) {
			throw BinderException("Struct \"%s\" has no field \"%s\"", parent.name, rename.column_path.back());
		}
		auto existing = FindColumn(parent.children, rename.new_name);
		if (existing && existing.get() != field.get()) {
			throw CatalogException("Field \"%s\" already exists in struct \"%s\"", rename.new_name, parent.name);
		}
		field->name = rename.new_name;
		RebuildChain(chain);
		return true;
	}
	case AlterTableType::SET_SORTED_BY: {
		auto &sorted_by = info.Cast<SetSortedByInfo>();
		LakeSortScope scope {entry.GetLakeCatalog().GetName(), entry.ParentSchema().name};
		auto keys = MakeSortKeys(context, scope, table, sorted_by.orders);
		if (SameSortKeys(keys, table.sort_keys)) {
			return false;
		}
		table.sort_keys = std::move(keys);
		// RESET SORTED BY (no keys) ends the order; files already written stay as they are.
		table.sort_id = table.sort_keys.empty()
		                    ? optional_idx()
		                    : optional_idx(DuckLakeTransaction::Get(context, entry.GetLakeCatalog()).NewLocalId());
		return true;
	}
	default:
		throw NotImplementedException("ALTER TABLE (%s) is not supported on lake table \"%s\"",
		                              EnumUtil::ToString(info.alter_table_type), table.name);
	}
}

} // namespace duckdb

namespace duckdb {

namespace {

struct ColumnRowVersion {
	const LakeColumnInfo *column;
	optional_idx parent;
};

void FlattenColumns(const vector<LakeColumnInfo> &columns, optional_idx parent, map<idx_t, ColumnRowVersion> &result) {
	for (auto &column : columns) {
		result[column.column_id] = ColumnRowVersion {&column, parent};
		FlattenColumns(column.children, column.column_id, result);
	}
}

bool SameColumnRow(const ColumnRowVersion &a, const ColumnRowVersion &b) {
	auto &x = *a.column;
	auto &y = *b.column;
	return x.name == y.name && ToDuckLakeTypeName(x.type) == ToDuckLakeTypeName(y.type) &&
	       Value::NotDistinctFrom(x.initial_default, y.initial_default) && x.default_value == y.default_value &&
	       x.nulls_allowed == y.nulls_allowed && a.parent == b.parent;
}

} // namespace

void WriteColumnChanges(const LakeTableInfo &original, const LakeTableInfo &altered, SnapshotWriter &writer) {
	map<idx_t, ColumnRowVersion> before, after;
	FlattenColumns(original.columns, optional_idx(), before);
	FlattenColumns(altered.columns, optional_idx(), after);
	idx_t max_order = 0;
	for (auto &entry : before) {
		auto &column = *entry.second.column;
		max_order = MaxValue(max_order, column.column_order.IsValid() ? column.column_order.GetIndex() : entry.first);
	}
	for (auto &entry : before) {
		if (after.find(entry.first) == after.end()) {
			writer.EndColumn(altered.table_id, entry.first);
			writer.DropColumnStats(altered.table_id, entry.first);
		}
	}
	for (auto &entry : after) {
		auto &column = *entry.second.column;
		auto previous = before.find(entry.first);
		if (previous != before.end()) {
			if (SameColumnRow(previous->second, entry.second)) {
				continue;
			}
			writer.EndColumn(altered.table_id, entry.first);
			auto &old_type = previous->second.column->type;
			if (old_type.id() == LogicalTypeId::FLOAT && column.type.id() == LogicalTypeId::DOUBLE) {
				writer.RecastFloatStats(altered.table_id, entry.first);
			} else if (old_type != column.type && CastNeedsSession(old_type, column.type)) {
				writer.ClearZonelessBounds(altered.table_id, entry.first);
			}
		}
		// A changed column keeps its position; a new one goes last (column_order may have holes).
		idx_t order;
		if (previous != before.end() && previous->second.column->column_order.IsValid()) {
			order = previous->second.column->column_order.GetIndex();
		} else if (previous != before.end()) {
			order = entry.first;
		} else {
			order = ++max_order;
		}
		writer.AddColumnRow(altered.table_id, column, entry.second.parent, order);
	}
}

} // namespace duckdb
