#include "mallard/cli/result_renderer.hpp"

#include "duckdb/common/box_renderer.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/main/materialized_query_result.hpp"

#include <sstream>

namespace duckdb {

bool TryParseOutputMode(const string &name, OutputMode &mode) {
	if (name == "box") {
		mode = OutputMode::BOX;
	} else if (name == "csv") {
		mode = OutputMode::CSV;
	} else if (name == "json") {
		mode = OutputMode::JSON;
	} else if (name == "line") {
		mode = OutputMode::LINE;
	} else {
		return false;
	}
	return true;
}

const char *OutputModeName(OutputMode mode) {
	switch (mode) {
	case OutputMode::BOX:
		return "box";
	case OutputMode::CSV:
		return "csv";
	case OutputMode::JSON:
		return "json";
	case OutputMode::LINE:
		return "line";
	}
	return "box";
}

//===--------------------------------------------------------------------===//
// Row-by-row formats (csv, json, line)
//===--------------------------------------------------------------------===//

//! One row as text: DuckDB's VARCHAR form of each value, nullptr for NULL.
using TextRow = vector<const string_t *>;

//! A format that writes one row at a time, so large results stream instead of being held whole.
class RowFormat {
public:
	explicit RowFormat(std::ostream &out) : out(out) {
	}
	virtual ~RowFormat() = default;

	virtual void Begin(const vector<string> &names, const vector<LogicalType> &types) = 0;
	virtual void Row(const TextRow &row) = 0;
	virtual void End() {
	}

protected:
	std::ostream &out;
};

static void WriteCsvField(std::ostream &out, const char *data, idx_t size) {
	// An empty string is quoted so that it stays distinct from NULL, which is an empty field.
	bool quote = size == 0;
	for (idx_t i = 0; i < size && !quote; i++) {
		char c = data[i];
		quote = c == ',' || c == '"' || c == '\n' || c == '\r';
	}
	if (!quote) {
		out.write(data, static_cast<std::streamsize>(size));
		return;
	}
	out << '"';
	for (idx_t i = 0; i < size; i++) {
		if (data[i] == '"') {
			out << '"';
		}
		out << data[i];
	}
	out << '"';
}

class CsvFormat : public RowFormat {
public:
	using RowFormat::RowFormat;

	void Begin(const vector<string> &names, const vector<LogicalType> &types) override {
		for (idx_t c = 0; c < names.size(); c++) {
			if (c > 0) {
				out << ',';
			}
			WriteCsvField(out, names[c].data(), names[c].size());
		}
		out << '\n';
	}
	void Row(const TextRow &row) override {
		for (idx_t c = 0; c < row.size(); c++) {
			if (c > 0) {
				out << ',';
			}
			if (row[c]) {
				WriteCsvField(out, row[c]->GetData(), row[c]->GetSize());
			}
		}
		out << '\n';
	}
};

static void WriteJsonString(std::ostream &out, const char *data, idx_t size) {
	static const char *HEX = "0123456789abcdef";
	out << '"';
	for (idx_t i = 0; i < size; i++) {
		auto c = static_cast<unsigned char>(data[i]);
		switch (c) {
		case '"':
			out << "\\\"";
			break;
		case '\\':
			out << "\\\\";
			break;
		case '\n':
			out << "\\n";
			break;
		case '\r':
			out << "\\r";
			break;
		case '\t':
			out << "\\t";
			break;
		case '\b':
			out << "\\b";
			break;
		case '\f':
			out << "\\f";
			break;
		default:
			if (c < 0x20) {
				out << "\\u00" << HEX[c >> 4] << HEX[c & 0xF];
			} else {
				out << static_cast<char>(c); // UTF-8 passes through: JSON text is UTF-8
			}
		}
	}
	out << '"';
}

class JsonFormat : public RowFormat {
public:
	using RowFormat::RowFormat;

	void Begin(const vector<string> &names, const vector<LogicalType> &types) override {
		keys.clear();
		kinds.clear();
		for (idx_t c = 0; c < names.size(); c++) {
			std::ostringstream key;
			WriteJsonString(key, names[c].data(), names[c].size());
			keys.push_back(key.str() + ":");
			kinds.push_back(KindOf(types[c]));
		}
		row_count = 0;
	}
	void Row(const TextRow &row) override {
		out << (row_count++ == 0 ? "[{" : ",\n{");
		for (idx_t c = 0; c < row.size(); c++) {
			if (c > 0) {
				out << ',';
			}
			out << keys[c];
			WriteValue(row[c], kinds[c]);
		}
		out << '}';
	}
	void End() override {
		if (row_count > 0) {
			out << "]\n";
		}
	}

private:
	enum class Kind : uint8_t { NUMBER, FLOATING, BOOLEAN, JSON_TEXT, STRING };

	static Kind KindOf(const LogicalType &type) {
		switch (type.id()) {
		case LogicalTypeId::TINYINT:
		case LogicalTypeId::SMALLINT:
		case LogicalTypeId::INTEGER:
		case LogicalTypeId::BIGINT:
		case LogicalTypeId::HUGEINT:
		case LogicalTypeId::UTINYINT:
		case LogicalTypeId::USMALLINT:
		case LogicalTypeId::UINTEGER:
		case LogicalTypeId::UBIGINT:
		case LogicalTypeId::UHUGEINT:
		case LogicalTypeId::DECIMAL:
			return Kind::NUMBER;
		case LogicalTypeId::FLOAT:
		case LogicalTypeId::DOUBLE:
			return Kind::FLOATING;
		case LogicalTypeId::BOOLEAN:
			return Kind::BOOLEAN;
		case LogicalTypeId::VARCHAR:
			return type.IsJSONType() ? Kind::JSON_TEXT : Kind::STRING;
		default:
			return Kind::STRING;
		}
	}

	//! DuckDB prints NaN and infinities as nan/inf/-inf, which JSON has no number for.
	static bool IsFiniteNumber(const string_t &text) {
		for (idx_t i = 0; i < text.GetSize(); i++) {
			char c = text.GetData()[i];
			if (!StringUtil::CharacterIsDigit(c) && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
				return false;
			}
		}
		return text.GetSize() > 0;
	}

	void WriteValue(const string_t *value, Kind kind) {
		if (!value || (kind == Kind::FLOATING && !IsFiniteNumber(*value))) {
			out << "null";
		} else if (kind == Kind::STRING) {
			WriteJsonString(out, value->GetData(), value->GetSize());
		} else {
			out.write(value->GetData(), static_cast<std::streamsize>(value->GetSize()));
		}
	}

	vector<string> keys;
	vector<Kind> kinds;
	idx_t row_count = 0;
};

//! Display width in code points, so that names with non-ASCII letters still line up.
static idx_t TextWidth(const string &text) {
	idx_t width = 0;
	for (char c : text) {
		width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
	}
	return width;
}

class LineFormat : public RowFormat {
public:
	using RowFormat::RowFormat;

	void Begin(const vector<string> &names_p, const vector<LogicalType> &types) override {
		names = names_p;
		name_width = 0;
		for (auto &name : names) {
			name_width = MaxValue(name_width, TextWidth(name));
		}
		row_count = 0;
	}
	void Row(const TextRow &row) override {
		if (row_count++ > 0) {
			out << '\n';
		}
		for (idx_t c = 0; c < row.size(); c++) {
			out << string(name_width - TextWidth(names[c]), ' ') << names[c] << " = ";
			if (row[c]) {
				out.write(row[c]->GetData(), static_cast<std::streamsize>(row[c]->GetSize()));
			} else {
				out << "NULL";
			}
			out << '\n';
		}
	}

private:
	vector<string> names;
	idx_t name_width = 0;
	idx_t row_count = 0;
};

static unique_ptr<RowFormat> CreateRowFormat(OutputMode mode, std::ostream &out) {
	switch (mode) {
	case OutputMode::CSV:
		return make_uniq<CsvFormat>(out);
	case OutputMode::JSON:
		return make_uniq<JsonFormat>(out);
	case OutputMode::LINE:
		return make_uniq<LineFormat>(out);
	default:
		throw InternalException("no row format for output mode %s", OutputModeName(mode));
	}
}

static void RenderRows(ClientContext &context, QueryResult &result, RowFormat &format) {
	format.Begin(result.names, result.types);
	while (true) {
		unique_ptr<DataChunk> chunk;
		ErrorData error;
		if (!result.TryFetch(chunk, error)) {
			if (!error.HasError()) {
				error = result.GetErrorObject();
			}
			error.Throw();
		}
		if (!chunk || chunk->size() == 0) {
			break;
		}
		// Cast every column to VARCHAR with the client context, so values print as DuckDB prints
		// them (TIMESTAMPTZ in the session time zone through ICU, nested types in their literal form).
		idx_t count = chunk->size();
		vector<Vector> text_columns;
		text_columns.reserve(chunk->ColumnCount());
		for (idx_t c = 0; c < chunk->ColumnCount(); c++) {
			auto &source = chunk->data[c];
			if (source.GetType().id() == LogicalTypeId::VARCHAR) {
				text_columns.emplace_back(source);
			} else {
				text_columns.emplace_back(LogicalType::VARCHAR, count);
				VectorOperations::Cast(context, source, text_columns.back(), count);
			}
			text_columns.back().Flatten(count);
		}
		TextRow row(text_columns.size());
		for (idx_t r = 0; r < count; r++) {
			for (idx_t c = 0; c < text_columns.size(); c++) {
				auto &column = text_columns[c];
				row[c] = FlatVector::Validity(column).RowIsValid(r) ? &FlatVector::GetData<string_t>(column)[r] : nullptr;
			}
			format.Row(row);
		}
	}
	format.End();
}

//===--------------------------------------------------------------------===//
// Box
//===--------------------------------------------------------------------===//

static void RenderBox(ClientContext &context, QueryResult &result, std::ostream &out) {
	auto &materialized = result.Cast<MaterializedQueryResult>();
	// EXPLAIN returns the plan as one text cell, which boxing would cut to the column width: print
	// the plan itself, as the duckdb shell does.
	if (result.statement_type == StatementType::EXPLAIN_STATEMENT && result.names.size() == 2) {
		for (idx_t r = 0; r < materialized.RowCount(); r++) {
			out << materialized.GetValue(1, r).ToString() << '\n';
		}
		return;
	}
	BoxRendererConfig config;
	config.max_width = 0; // the terminal's width on a tty, else 120 columns (BoxRenderer decides)
	config.max_rows = 40; // the duckdb shell's default
	out << materialized.ToBox(context, config);
}

void RenderResult(ClientContext &context, QueryResult &result, OutputMode mode, std::ostream &out) {
	if (mode == OutputMode::BOX) {
		RenderBox(context, result, out);
	} else {
		auto format = CreateRowFormat(mode, out);
		RenderRows(context, result, *format);
	}
	out.flush();
}

} // namespace duckdb
