#include "mallard/lake/ducklake_macro.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/lake/ducklake_schema_entry.hpp"

#include "duckdb/function/scalar_macro_function.hpp"
#include "duckdb/function/table_macro_function.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/parsed_data/create_macro_info.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/statement/select_statement.hpp"

namespace duckdb {

namespace {

using LakeScalarMacroEntry = DuckLakeMacroEntry<ScalarMacroCatalogEntry>;
using LakeTableMacroEntry = DuckLakeMacroEntry<TableMacroCatalogEntry>;

// What DuckLake writes for a parameter without a default (the text of a NULL value).
const char *const NO_DEFAULT_TEXT = "NULL";

LakeMacroParameter ParameterFromCreate(const MacroFunction &function, idx_t index, const string &macro_name) {
	LakeMacroParameter parameter;
	parameter.name = function.parameters[index]->GetName();
	auto &type = function.types[index];
	if (type.id() != LogicalTypeId::UNKNOWN) {
		if (type.IsNested()) {
			throw NotImplementedException("Macro \"%s\": parameter \"%s\" is of type %s; a lake stores the types "
			                              "of macro parameters by name only, so they cannot be nested",
			                              macro_name, parameter.name, type.ToString());
		}
		parameter.type = ToDuckLakeTypeName(type);
	}
	auto default_entry = function.default_parameters.find(parameter.name);
	if (default_entry == function.default_parameters.end()) {
		parameter.default_value = Value(NO_DEFAULT_TEXT);
		return parameter;
	}
	auto &expression = *default_entry->second;
	if (expression.GetExpressionClass() != ExpressionClass::CONSTANT ||
	    expression.Cast<ConstantExpression>().value.IsNull()) {
		throw NotImplementedException("Macro \"%s\": the default of parameter \"%s\" (%s) cannot be stored in a "
		                              "lake, which keeps defaults as non-NULL constants",
		                              macro_name, parameter.name, expression.ToString());
	}
	auto &value = expression.Cast<ConstantExpression>().value;
	parameter.default_value = Value(value.ToString());
	parameter.default_type = ToDuckLakeTypeName(value.type());
	return parameter;
}

//! A stored parameter type; an unknown or nested name reads as untyped, so one odd macro does not
//! make every function lookup in the lake fail.
LogicalType ParameterType(const string &name) {
	if (name.empty() || StringUtil::CIEquals(name, "unknown") || IsNestedDuckLakeType(name)) {
		return LogicalType::UNKNOWN;
	}
	try {
		return FromDuckLakeTypeName(name);
	} catch (std::exception &) {
		return LogicalType::UNKNOWN;
	}
}

unique_ptr<MacroFunction> FunctionFromImpl(const LakeMacroInfo &macro, const LakeMacroImpl &impl) {
	unique_ptr<MacroFunction> function;
	if (impl.type == "table") {
		Parser parser;
		parser.ParseQuery(impl.sql);
		if (parser.statements.size() != 1 || parser.statements[0]->type != StatementType::SELECT_STATEMENT) {
			throw InvalidInputException("Lake macro \"%s\": its stored body is not one query: %s", macro.name,
			                            impl.sql);
		}
		function = make_uniq<TableMacroFunction>(std::move(parser.statements[0]->Cast<SelectStatement>().node));
	} else if (impl.type == "scalar") {
		auto expressions = Parser::ParseExpressionList(impl.sql);
		if (expressions.size() != 1) {
			throw InvalidInputException("Lake macro \"%s\": its stored body is not one expression: %s", macro.name,
			                            impl.sql);
		}
		function = make_uniq<ScalarMacroFunction>(std::move(expressions[0]));
	} else {
		throw InvalidInputException("Lake macro \"%s\" has an overload of type \"%s\" (expected scalar or table)",
		                            macro.name, impl.type);
	}
	for (auto &parameter : impl.parameters) {
		function->parameters.push_back(make_uniq<ColumnRefExpression>(parameter.name));
		function->types.push_back(ParameterType(parameter.type));
		if (StringUtil::CIEquals(parameter.default_type, "unknown") || parameter.default_value.IsNull()) {
			continue;
		}
		auto value =
		    Value(parameter.default_value.ToString()).DefaultCastAs(FromDuckLakeTypeName(parameter.default_type));
		function->default_parameters.insert(parameter.name, make_uniq<ConstantExpression>(std::move(value)));
	}
	return function;
}

} // namespace

bool IsMacroType(CatalogType type) {
	switch (type) {
	case CatalogType::MACRO_ENTRY:
	case CatalogType::TABLE_MACRO_ENTRY:
	case CatalogType::SCALAR_FUNCTION_ENTRY:
	case CatalogType::TABLE_FUNCTION_ENTRY:
		return true;
	default:
		return false;
	}
}

bool IsTableMacroType(CatalogType type) {
	return type == CatalogType::TABLE_MACRO_ENTRY || type == CatalogType::TABLE_FUNCTION_ENTRY;
}

string MacroKey(CatalogType type, const string &name) {
	return (IsTableMacroType(type) ? "table " : "scalar ") + name;
}

string MacroChangeKind(CatalogType type, bool created) {
	return string(created ? "created_" : "dropped_") + (IsTableMacroType(type) ? "table_macro" : "scalar_macro");
}

const LakeMacroInfo &GetLakeMacroInfo(const CatalogEntry &entry) {
	if (entry.type == CatalogType::TABLE_MACRO_ENTRY) {
		return entry.Cast<LakeTableMacroEntry>().macro_info;
	}
	return entry.Cast<LakeScalarMacroEntry>().macro_info;
}

LakeMacroInfo LakeMacroFromCreate(const CreateMacroInfo &info) {
	LakeMacroInfo result;
	result.name = info.name;
	for (auto &function : info.macros) {
		LakeMacroImpl impl;
		if (function->type == MacroType::TABLE_MACRO) {
			impl.type = "table";
			impl.sql = function->Cast<TableMacroFunction>().query_node->ToString();
		} else if (function->type == MacroType::SCALAR_MACRO) {
			impl.type = "scalar";
			impl.sql = function->Cast<ScalarMacroFunction>().expression->ToString();
		} else {
			throw NotImplementedException("Macro \"%s\": a lake stores scalar and table macros only", info.name);
		}
		for (idx_t i = 0; i < function->parameters.size(); i++) {
			impl.parameters.push_back(ParameterFromCreate(*function, i, info.name));
		}
		result.impls.push_back(std::move(impl));
	}
	return result;
}

unique_ptr<CatalogEntry> CreateLakeMacroEntry(Catalog &catalog, DuckLakeSchemaEntry &schema,
                                              const LakeMacroInfo &info) {
	if (info.impls.empty()) {
		throw InvalidInputException("Lake macro \"%s\" has no implementation (ducklake_macro_impl)", info.name);
	}
	auto type = info.IsTableMacro() ? CatalogType::TABLE_MACRO_ENTRY : CatalogType::MACRO_ENTRY;
	CreateMacroInfo create(type);
	create.schema = schema.name;
	create.name = info.name;
	for (auto &impl : info.impls) {
		create.macros.push_back(FunctionFromImpl(info, impl));
	}
	if (type == CatalogType::TABLE_MACRO_ENTRY) {
		return make_uniq<LakeTableMacroEntry>(catalog, schema, create, info);
	}
	return make_uniq<LakeScalarMacroEntry>(catalog, schema, create, info);
}

} // namespace duckdb
