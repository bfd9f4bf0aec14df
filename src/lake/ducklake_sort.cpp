#include "mallard/lake/ducklake_sort.hpp"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/common/exception/binder_exception.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/parser/expression/lambda_expression.hpp"
#include "duckdb/parser/expression/lambdaref_expression.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/planner/binder.hpp"
#include "duckdb/planner/expression/bound_reference_expression.hpp"
#include "duckdb/planner/expression_binder.hpp"

#include <functional>

namespace duckdb {

namespace {

//! The column references of an expression, without the parameters of its lambdas.
void VisitColumnRefs(ParsedExpression &expression, const std::function<void(ColumnRefExpression &)> &callback,
                     const case_insensitive_set_t &lambda_parameters = case_insensitive_set_t()) {
	if (expression.GetExpressionClass() == ExpressionClass::COLUMN_REF) {
		auto &column_ref = expression.Cast<ColumnRefExpression>();
		if (column_ref.IsQualified() || !lambda_parameters.count(column_ref.GetColumnName())) {
			callback(column_ref);
		}
		return;
	}
	if (expression.GetExpressionClass() == ExpressionClass::LAMBDA) {
		auto &lambda = expression.Cast<LambdaExpression>();
		auto parameters = lambda_parameters;
		string error;
		for (auto &parameter : lambda.ExtractColumnRefExpressions(error)) {
			parameters.insert(parameter.get().Cast<ColumnRefExpression>().GetColumnName());
		}
		VisitColumnRefs(*lambda.expr, callback, parameters);
		return;
	}
	ParsedExpressionIterator::EnumerateChildren(
	    expression, [&](ParsedExpression &child) { VisitColumnRefs(child, callback, lambda_parameters); });
}

optional_idx FindColumnIndex(const LakeTableInfo &table, const string &name) {
	for (idx_t i = 0; i < table.columns.size(); i++) {
		if (StringUtil::CIEquals(table.columns[i].name, name)) {
			return i;
		}
	}
	return optional_idx();
}

unique_ptr<ParsedExpression> ParseSortKey(const LakeSortKey &key, const LakeTableInfo &table) {
	vector<unique_ptr<ParsedExpression>> parsed;
	try {
		parsed = Parser::ParseExpressionList(key.expression);
	} catch (std::exception &ex) {
		ErrorData error(ex);
		throw InvalidInputException("Sort key \"%s\" of lake table \"%s\" does not parse: %s", key.expression,
		                            table.name, error.RawMessage());
	}
	if (parsed.size() != 1) {
		throw InvalidInputException("Sort key \"%s\" of lake table \"%s\" is not one expression", key.expression,
		                            table.name);
	}
	return std::move(parsed[0]);
}

//! A key may call a macro of the table's schema by its bare name, as DuckLake allows. Wherever the key
//! is used (a session without USE lake, the connection that writes a compacted file), such a name is
//! qualified with the lake and schema first; other names stay DuckDB's functions.
void QualifyLakeMacros(ClientContext &context, const LakeSortScope &scope, ParsedExpression &expression) {
	if (expression.GetExpressionClass() == ExpressionClass::FUNCTION) {
		auto &function = expression.Cast<FunctionExpression>();
		if (function.catalog.empty() && function.schema.empty()) {
			EntryLookupInfo lookup(CatalogType::SCALAR_FUNCTION_ENTRY, function.function_name);
			auto macro = Catalog::GetEntry(context, scope.catalog_name, scope.schema_name, lookup,
			                               OnEntryNotFound::RETURN_NULL);
			if (macro) {
				function.catalog = scope.catalog_name;
				function.schema = scope.schema_name;
			}
		}
	}
	ParsedExpressionIterator::EnumerateChildren(
	    expression, [&](ParsedExpression &child) { QualifyLakeMacros(context, scope, child); });
}

//! Binds a sort key over the table's columns: column i becomes input column i of the sort.
class SortKeyBinder : public ExpressionBinder {
public:
	SortKeyBinder(Binder &binder, ClientContext &context, const LakeTableInfo &table)
	    : ExpressionBinder(binder, context), table(table) {
	}

protected:
	BindResult BindExpression(unique_ptr<ParsedExpression> &expression, idx_t depth,
	                          bool root_expression = false) override {
		switch (expression->GetExpressionClass()) {
		case ExpressionClass::WINDOW:
			return BindResult("window functions are not allowed in a sort key");
		case ExpressionClass::SUBQUERY:
			return BindResult("subqueries are not allowed in a sort key");
		case ExpressionClass::COLUMN_REF: {
			auto &column_ref = expression->Cast<ColumnRefExpression>();
			if (!column_ref.IsQualified() &&
			    LambdaRefExpression::FindMatchingBinding(lambda_bindings, column_ref.GetColumnName())) {
				// A lambda's parameter (list_transform(l, lambda x: -x)), also inside a macro.
				return ExpressionBinder::BindExpression(expression, depth, root_expression);
			}
			auto index = FindColumnIndex(table, column_ref.GetColumnName());
			if (column_ref.IsQualified() || !index.IsValid()) {
				return BindResult(StringUtil::Format("sort key of lake table \"%s\" names column \"%s\", which it "
				                                     "does not have",
				                                     table.name, column_ref.ToString()));
			}
			auto &column = table.columns[index.GetIndex()];
			return BindResult(make_uniq<BoundReferenceExpression>(column.type, index.GetIndex()));
		}
		default:
			return ExpressionBinder::BindExpression(expression, depth, root_expression);
		}
	}

	string UnsupportedAggregateMessage() override {
		return "aggregate functions are not allowed in a sort key";
	}

private:
	const LakeTableInfo &table;
};

OrderType KeyOrder(const LakeSortKey &key) {
	return key.descending ? OrderType::DESCENDING : OrderType::ASCENDING;
}

OrderByNullType KeyNullOrder(const LakeSortKey &key) {
	return key.nulls_first ? OrderByNullType::NULLS_FIRST : OrderByNullType::NULLS_LAST;
}

//! `keys` parsed, with bare names of the lake's macros qualified: what both the insert's sort and the
//! ORDER BY of a rewritten file are made of.
vector<unique_ptr<ParsedExpression>> ResolveSortKeys(ClientContext &context, const LakeSortScope &scope,
                                                     const LakeTableInfo &table, const vector<LakeSortKey> &keys) {
	vector<unique_ptr<ParsedExpression>> result;
	for (auto &key : keys) {
		auto parsed = ParseSortKey(key, table);
		QualifyLakeMacros(context, scope, *parsed);
		result.push_back(std::move(parsed));
	}
	return result;
}

//! One resolved key bound over the table's columns.
unique_ptr<Expression> BindSortKey(ClientContext &context, const LakeTableInfo &table, const LakeSortKey &key,
                                   unique_ptr<ParsedExpression> resolved) {
	auto binder = Binder::CreateBinder(context);
	SortKeyBinder key_binder(*binder, context, table);
	try {
		return key_binder.Bind(resolved);
	} catch (std::exception &ex) {
		// A key that bound when it was set may not any more (a macro dropped, a column's type
		// changed): say which key of which table, and how to get out.
		ErrorData error(ex);
		throw BinderException("Sort key \"%s\" of lake table \"%s\" does not bind: %s (SET SORTED BY with "
		                      "other keys, or RESET SORTED BY, replaces it)",
		                      key.expression, table.name, error.RawMessage());
	}
}

} // namespace

vector<LakeSortKey> MakeSortKeys(ClientContext &context, const LakeSortScope &scope, const LakeTableInfo &table,
                                 const vector<OrderByNode> &orders) {
	vector<LakeSortKey> keys;
	vector<string> unknown;
	for (auto &order : orders) {
		bool any_column = false;
		VisitColumnRefs(*order.expression, [&](ColumnRefExpression &column_ref) {
			if (column_ref.IsQualified()) {
				// DuckLake takes unqualified names only; a struct field is reached as s['x'].
				throw InvalidInputException("Sort key \"%s\" of lake table \"%s\": columns are named without a "
				                            "table or schema (\"%s\"; a struct field is written s['field'])",
				                            order.expression->ToString(), table.name, column_ref.ToString());
			}
			any_column = true;
			if (!FindColumnIndex(table, column_ref.GetColumnName()).IsValid()) {
				unknown.push_back(column_ref.GetColumnName());
			}
		});
		if (!any_column) {
			throw BinderException("Sort key \"%s\" of lake table \"%s\" uses none of its columns",
			                      order.expression->ToString(), table.name);
		}
		LakeSortKey key;
		key.expression = order.expression->ToString();
		// DuckLake stores the defaults as ASC and NULLS_LAST (DuckDB's own defaults).
		key.descending = order.type == OrderType::DESCENDING;
		key.nulls_first = order.null_order == OrderByNullType::NULLS_FIRST;
		keys.push_back(std::move(key));
	}
	if (!unknown.empty()) {
		throw BinderException("SET SORTED BY on lake table \"%s\" names columns it does not have: %s", table.name,
		                      StringUtil::Join(unknown, ", "));
	}
	auto resolved = ResolveSortKeys(context, scope, table, keys);
	for (idx_t i = 0; i < keys.size(); i++) {
		BindSortKey(context, table, keys[i], std::move(resolved[i]));
	}
	return keys;
}

bool SameSortKeys(const vector<LakeSortKey> &a, const vector<LakeSortKey> &b) {
	if (a.size() != b.size()) {
		return false;
	}
	for (idx_t i = 0; i < a.size(); i++) {
		if (a[i].expression != b[i].expression || !StringUtil::CIEquals(a[i].dialect, b[i].dialect) ||
		    a[i].descending != b[i].descending || a[i].nulls_first != b[i].nulls_first) {
			return false;
		}
	}
	return true;
}

bool HasSortOrder(const LakeTableInfo &table) {
	if (table.sort_keys.empty()) {
		return false;
	}
	for (auto &key : table.sort_keys) {
		if (!StringUtil::CIEquals(key.dialect, "duckdb")) {
			return false;
		}
	}
	return true;
}

vector<BoundOrderByNode> BindSortOrders(ClientContext &context, const LakeSortScope &scope,
                                        const LakeTableInfo &table) {
	auto resolved = ResolveSortKeys(context, scope, table, table.sort_keys);
	vector<BoundOrderByNode> result;
	for (idx_t i = 0; i < resolved.size(); i++) {
		auto &key = table.sort_keys[i];
		result.emplace_back(KeyOrder(key), KeyNullOrder(key), BindSortKey(context, table, key, std::move(resolved[i])));
	}
	return result;
}

string SortedQuery(ClientContext &context, const LakeSortScope &scope, const LakeTableInfo &table,
                   const string &query, const string &tie_breaker) {
	auto resolved = ResolveSortKeys(context, scope, table, table.sort_keys);
	string order_by;
	for (idx_t i = 0; i < resolved.size(); i++) {
		auto &key = table.sort_keys[i];
		// Bound only for its error: a key that does not bind fails here as it fails an INSERT, not
		// later inside the COPY with the binder's bare message.
		BindSortKey(context, table, key, resolved[i]->Copy());
		order_by += "(" + resolved[i]->ToString() + ")" + (key.descending ? " DESC" : " ASC") +
		            (key.nulls_first ? " NULLS FIRST" : " NULLS LAST") + ", ";
	}
	return "SELECT * FROM (" + query + ") AS sorted_rows ORDER BY " + order_by +
	       KeywordHelper::WriteOptionallyQuoted(tie_breaker);
}

bool RenameSortColumn(LakeTableInfo &table, const string &old_name, const string &new_name) {
	bool changed = false;
	for (auto &key : table.sort_keys) {
		if (!StringUtil::CIEquals(key.dialect, "duckdb")) {
			continue;
		}
		auto parsed = ParseSortKey(key, table);
		bool renamed = false;
		VisitColumnRefs(*parsed, [&](ColumnRefExpression &column_ref) {
			if (!column_ref.IsQualified() && StringUtil::CIEquals(column_ref.GetColumnName(), old_name)) {
				column_ref.column_names.back() = new_name;
				renamed = true;
			}
		});
		if (renamed) {
			key.expression = parsed->ToString();
			changed = true;
		}
	}
	return changed;
}

void CheckSortColumnDrop(const LakeTableInfo &table, const string &column_name) {
	for (auto &key : table.sort_keys) {
		if (!StringUtil::CIEquals(key.dialect, "duckdb")) {
			continue;
		}
		auto parsed = ParseSortKey(key, table);
		VisitColumnRefs(*parsed, [&](ColumnRefExpression &column_ref) {
			if (StringUtil::CIEquals(column_ref.GetColumnName(), column_name)) {
				throw CatalogException("Cannot drop column \"%s\": table \"%s\" is sorted by it (sort key %s; RESET "
				                       "or SET SORTED BY first)",
				                       column_name, table.name, key.expression);
			}
		});
	}
}

} // namespace duckdb
