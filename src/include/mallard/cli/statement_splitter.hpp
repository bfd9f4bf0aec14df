//===----------------------------------------------------------------------===//
// mallard/cli/statement_splitter.hpp
//
// Splits shell input into SQL statements at ';' outside strings, quoted identifiers, dollar quotes
// and comments, so that one failing statement does not take its neighbours down with it.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"

namespace duckdb {

//! An incremental scanner: feed it a whole script, or one line at a time in interactive mode; it
//! keeps its state (open quote, comment, unfinished statement) between calls.
class StatementSplitter {
public:
	//! Scans `text` as the continuation of earlier input and appends every statement it completes to
	//! `statements`, without the terminating ';'. Statements holding only comments are dropped.
	void Feed(const string &text, vector<string> &statements);
	//! True while a statement is unfinished: SQL text without its ';', or an open quote or block
	//! comment. The shell shows its continuation prompt then, and reads no dot-command.
	bool HasPending() const;
	//! Returns the unfinished statement (empty when there is nothing but whitespace and comments)
	//! and resets the scanner. Batch input runs it at its end, like a final statement without ';'.
	string TakeRemainder();

private:
	enum class State : uint8_t {
		NORMAL,
		SINGLE_QUOTE,  // '...' with '' for a quote
		ESCAPE_STRING, // E'...' where a backslash escapes the next character
		DOUBLE_QUOTE,  // "..." identifier with "" for a quote
		DOLLAR_QUOTE,  // $$...$$ or $tag$...$tag$
		LINE_COMMENT,  // -- up to the end of the line
		BLOCK_COMMENT  // /* ... */, nesting like PostgreSQL's
	};

	//! Length of a dollar-quote opener ($$ or $tag$) at text[i], or 0 when there is none.
	idx_t DollarTagLength(const string &text, idx_t i) const;
	//! Moves the buffered statement (if it has content) to `statements` and starts a new one.
	void EndStatement(vector<string> &statements);

	State state = State::NORMAL;
	//! Text of the statement being scanned.
	string buffer;
	//! The opener of the current dollar quote, e.g. "$fn$"; the quote ends at its next occurrence.
	string dollar_tag;
	idx_t comment_depth = 0;
	//! Whether the buffer holds anything but whitespace and comments.
	bool has_content = false;
};

} // namespace duckdb
