#include "mallard/lake/ducklake_view.hpp"

#include "mallard/lake/ducklake_schema_entry.hpp"

#include "duckdb/parser/parsed_data/create_view_info.hpp"

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

} // namespace duckdb
