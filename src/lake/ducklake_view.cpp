#include "mallard/lake/ducklake_view.hpp"

#include "mallard/lake/ducklake_schema_entry.hpp"

#include "duckdb/parser/expression/subquery_expression.hpp"
#include "duckdb/parser/parsed_data/create_view_info.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/planner/binder.hpp"

namespace duckdb {

unique_ptr<DuckLakeViewEntry> CreateLakeViewEntry(Catalog &catalog, DuckLakeSchemaEntry &schema,
                                                  const LakeViewInfo &info) {
	CreateViewInfo create(schema, info.name);
	create.sql = info.sql;
	// The view is bound when it is used, as DuckDB does for views it reads back from storage.
	create.query = CreateViewInfo::ParseSelect(info.sql);
	if (!info.column_aliases.empty()) {
		create.aliases = StringUtil::Split(info.column_aliases, ',');
	}
	if (!info.comment.IsNull()) {
		create.comment = info.comment;
	}
	return make_uniq<DuckLakeViewEntry>(catalog, schema, create, info);
}

unique_ptr<DuckLakeViewEntry> BindLakeViewColumns(ClientContext &context, DuckLakeViewEntry &view) {
	auto result = CreateLakeViewEntry(view.ParentCatalog(), view.ParentSchema().Cast<DuckLakeSchemaEntry>(),
	                                  view.view_info);
	result->oid = view.oid;
	try {
		auto binder = Binder::CreateBinder(context);
		// Resolve names the way DuckDB binds a view: its own schema first, then its catalog.
		auto &catalog_name = view.ParentCatalog().GetName();
		binder->EntryRetriever().SetSearchPath({CatalogSearchEntry(catalog_name, view.ParentSchema().name),
		                                        CatalogSearchEntry(catalog_name, INVALID_SCHEMA)});
		auto statement = view.query->Copy();
		auto bound = binder->Bind(*statement->Cast<SelectStatement>().node);
		result->types = bound.types;
		result->names = bound.names;
	} catch (std::exception &) {
		// Listing must not fail because one view no longer binds.
	}
	return result;
}

namespace {

//! Calls `callback` on every base table reference of `node`, also in subqueries and CTEs.
void VisitBaseTables(QueryNode &node, const std::function<void(BaseTableRef &)> &callback) {
	std::function<void(unique_ptr<ParsedExpression> &)> visit_expression;
	visit_expression = [&](unique_ptr<ParsedExpression> &expression) {
		ParsedExpressionIterator::VisitExpressionMutable<SubqueryExpression>(
		    *expression, [&](SubqueryExpression &subquery) { VisitBaseTables(*subquery.subquery->node, callback); });
	};
	ParsedExpressionIterator::EnumerateQueryNodeChildren(node, visit_expression, [&](TableRef &ref) {
		if (ref.type == TableReferenceType::BASE_TABLE) {
			callback(ref.Cast<BaseTableRef>());
		}
	});
}

} // namespace

string LakeViewSQL(Catalog &catalog, const SelectStatement &query) {
	auto copy = query.Copy();
	auto &lake_name = catalog.GetName();
	VisitBaseTables(*copy->Cast<SelectStatement>().node, [&](BaseTableRef &ref) {
		if (StringUtil::CIEquals(ref.catalog_name, lake_name)) {
			ref.catalog_name.clear();
		} else if (ref.catalog_name.empty() && StringUtil::CIEquals(ref.schema_name, lake_name)) {
			// Two parts whose first is the lake: its default schema (a schema of the lake's name too
			// would have made DuckDB refuse the view as ambiguous).
			ref.schema_name = catalog.GetDefaultSchema();
		}
	});
	return copy->ToString();
}

} // namespace duckdb
