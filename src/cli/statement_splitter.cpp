#include "mallard/cli/statement_splitter.hpp"

#include "duckdb/common/string_util.hpp"

namespace duckdb {

static bool IsIdentifierChar(char c) {
	// Bytes >= 0x80 are parts of UTF-8 letters, which PostgreSQL-style identifiers allow.
	return StringUtil::CharacterIsAlphaNumeric(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

static bool IsTagStartChar(char c) {
	return StringUtil::CharacterIsAlpha(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

idx_t StatementSplitter::DollarTagLength(const string &text, idx_t i) const {
	// A '$' right after an identifier character belongs to that identifier (e.g. a$b), and $1 is a
	// parameter, not a quote: the tag must start like an identifier.
	if (!buffer.empty() && IsIdentifierChar(buffer.back())) {
		return 0;
	}
	idx_t j = i + 1;
	if (j < text.size() && IsTagStartChar(text[j])) {
		while (j < text.size() && IsIdentifierChar(text[j]) && text[j] != '$') {
			j++;
		}
	}
	if (j < text.size() && text[j] == '$') {
		return j - i + 1;
	}
	return 0;
}

void StatementSplitter::EndStatement(vector<string> &statements) {
	if (has_content) {
		StringUtil::Trim(buffer);
		statements.push_back(std::move(buffer));
	}
	buffer.clear();
	has_content = false;
}

void StatementSplitter::Feed(const string &text, vector<string> &statements) {
	for (idx_t i = 0; i < text.size(); i++) {
		char c = text[i];
		char next = i + 1 < text.size() ? text[i + 1] : '\0';
		switch (state) {
		case State::NORMAL:
			if (c == ';') {
				EndStatement(statements);
				continue; // the ';' itself is not part of the statement
			}
			if (c == '-' && next == '-') {
				state = State::LINE_COMMENT;
			} else if (c == '/' && next == '*') {
				state = State::BLOCK_COMMENT;
				comment_depth = 1;
				buffer += c;
				c = text[++i]; // consume the '*' so that "/*/" does not close the comment
			} else if (c == '\'') {
				// E'...' (or e'...') is an escape string, unless the E ends a longer word.
				bool escape = !buffer.empty() && (buffer.back() == 'E' || buffer.back() == 'e') &&
				              (buffer.size() < 2 || !IsIdentifierChar(buffer[buffer.size() - 2]));
				state = escape ? State::ESCAPE_STRING : State::SINGLE_QUOTE;
				has_content = true;
			} else if (c == '"') {
				state = State::DOUBLE_QUOTE;
				has_content = true;
			} else if (c == '$') {
				idx_t tag_length = DollarTagLength(text, i);
				has_content = true;
				if (tag_length > 0) {
					dollar_tag = text.substr(i, tag_length);
					state = State::DOLLAR_QUOTE;
					buffer += dollar_tag;
					i += tag_length - 1;
					continue;
				}
			} else if (!StringUtil::CharacterIsSpace(c)) {
				has_content = true;
			}
			break;
		case State::SINGLE_QUOTE:
		case State::DOUBLE_QUOTE: {
			char quote = state == State::SINGLE_QUOTE ? '\'' : '"';
			if (c == quote) {
				if (next == quote) {
					buffer += c; // a doubled quote stands for one quote and does not end the string
					c = text[++i];
				} else {
					state = State::NORMAL;
				}
			}
			break;
		}
		case State::ESCAPE_STRING:
			if (c == '\\' && i + 1 < text.size()) {
				buffer += c;
				c = text[++i];
			} else if (c == '\'') {
				if (next == '\'') {
					buffer += c;
					c = text[++i];
				} else {
					state = State::NORMAL;
				}
			}
			break;
		case State::DOLLAR_QUOTE:
			if (c == '$' && text.compare(i, dollar_tag.size(), dollar_tag) == 0) {
				buffer += dollar_tag;
				i += dollar_tag.size() - 1;
				state = State::NORMAL;
				continue;
			}
			break;
		case State::LINE_COMMENT:
			if (c == '\n') {
				state = State::NORMAL;
			}
			break;
		case State::BLOCK_COMMENT:
			if (c == '/' && next == '*') {
				comment_depth++;
				buffer += c;
				c = text[++i];
			} else if (c == '*' && next == '/') {
				buffer += c;
				c = text[++i];
				if (--comment_depth == 0) {
					state = State::NORMAL;
				}
			}
			break;
		}
		buffer += c;
	}
}

bool StatementSplitter::HasPending() const {
	// A line comment ends with its line, so it alone never keeps a statement open.
	return has_content || (state != State::NORMAL && state != State::LINE_COMMENT);
}

string StatementSplitter::TakeRemainder() {
	// Input that ends inside a string is handed over as it is (an open quote counts as content):
	// DuckDB's parser then reports the unterminated quote, which is the error a user should see.
	vector<string> statements;
	EndStatement(statements);
	state = State::NORMAL;
	comment_depth = 0;
	return statements.empty() ? string() : std::move(statements[0]);
}

} // namespace duckdb
