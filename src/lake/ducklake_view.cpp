#include "mallard/lake/ducklake_view.hpp"

#include "mallard/lake/ducklake_schema_entry.hpp"

#include "duckdb/parser/parsed_data/create_view_info.hpp"
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

} // namespace duckdb
