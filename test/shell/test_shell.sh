#!/usr/bin/env bash
# Checks the `mallard` shell from the outside, as a script or a person uses it: options, output
# formats, statement splitting, errors and exit codes, database files, dot-commands, the bundled
# extensions and (under tmux) interactive line editing.
# Usage: test/shell/test_shell.sh path/to/mallard
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/mallard" >&2
  exit 2
fi
MALLARD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TMP=$(mktemp -d)
TMUX_SOCKET="mallard-shell-test-$$"
cleanup() {
  tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
# The interactive check writes ~/.mallard_history: keep it out of the real home.
export HOME="$TMP/home"
mkdir -p "$HOME"

passed=0
failed=0

# run [--stdin TEXT] ARGS...: runs mallard with ARGS and sets OUT, ERR and RC. Standard input is
# TEXT, or empty so that the shell never waits on a terminal.
run() {
  local input=/dev/null
  if [ "$1" = "--stdin" ]; then
    printf '%s' "$2" >"$TMP/stdin"
    input="$TMP/stdin"
    shift 2
  fi
  "$MALLARD" "$@" <"$input" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  # The trailing x keeps trailing newlines, which the exact-output checks compare too.
  OUT=$(cat "$TMP/out"; printf x); OUT=${OUT%x}
  ERR=$(cat "$TMP/err"; printf x); ERR=${ERR%x}
}

ok() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $1"
  shift
  for line in "$@"; do echo "    $line"; done
}

# expect_out NAME EXPECTED: stdout is exactly EXPECTED (a printf format).
expect_out() {
  local expected
  expected=$(printf "$2"; printf x); expected=${expected%x}
  if [ "$OUT" = "$expected" ]; then ok; else
    fail "$1: stdout" "expected: $(printf '%q' "$expected")" "actual:   $(printf '%q' "$OUT")" \
      "stderr:   $(printf '%q' "$ERR")"
  fi
}

# expect_rc NAME CODE: the exit code is CODE ("nonzero" for any failure).
expect_rc() {
  if [ "$2" = nonzero ] && [ "$RC" -ne 0 ]; then ok
  elif [ "$2" = "$RC" ]; then ok
  else fail "$1: exit code" "expected: $2" "actual:   $RC" "stderr:   $(printf '%q' "$ERR")"; fi
}

# expect_in NAME OUT|ERR TEXT: stdout or stderr contains TEXT.
expect_in() {
  local haystack=$OUT
  [ "$2" = ERR ] && haystack=$ERR
  if [[ "$haystack" == *"$3"* ]]; then ok; else
    fail "$1: $2 should contain $(printf '%q' "$3")" "actual: $(printf '%q' "$haystack")"
  fi
}

# expect_not_in NAME OUT|ERR TEXT: stdout or stderr does not contain TEXT.
expect_not_in() {
  local haystack=$OUT
  [ "$2" = ERR ] && haystack=$ERR
  if [[ "$haystack" != *"$3"* ]]; then ok; else
    fail "$1: $2 should not contain $(printf '%q' "$3")" "actual: $(printf '%q' "$haystack")"
  fi
}

# --- options -------------------------------------------------------------------------------------

run -c "SELECT 42"
expect_rc "box -c" 0
expect_in "box -c" OUT 42
expect_in "box -c draws a box" OUT "┌"

run --version
expect_rc "--version" 0
if [[ "$OUT" =~ ^mallard\ [0-9]+\.[0-9]+\.[0-9]+\ \(DuckDB\ v1\.4\.4\)$'\n'$ ]]; then ok; else
  fail "--version" "actual: $(printf '%q' "$OUT")"
fi

run --help
expect_rc "--help" 0
expect_in "--help lists -csv" OUT "-csv"
expect_in "--help lists dot-commands" OUT ".tables"

run --frobnicate
expect_rc "unknown option" 1
expect_in "unknown option is named" ERR "--frobnicate"

run -c
expect_rc "-c without SQL" 1
expect_in "-c without SQL" ERR "-c"

run -f "$TMP/no_such_file.sql"
expect_rc "missing -f file" 1
expect_in "missing -f file names it" ERR "$TMP/no_such_file.sql"
expect_in "missing -f file says why" ERR "No such file"

# --- the launcher ---------------------------------------------------------------------------------
# `mallard` starts `mallard_cli` beside it (src/cli/launcher.cpp) with glibc's malloc on transparent
# huge pages; the program keeps the process id.

# started_environment [VAR=VALUE]: starts mallard waiting on its input and sets STARTED_EXE (the
# program the process runs) and STARTED_ENV (the environment it was started with, one a line).
started_environment() {
  mkfifo "$TMP/hold"
  env "$@" "$MALLARD" <"$TMP/hold" >/dev/null 2>&1 &
  local pid=$!
  exec 9>"$TMP/hold"
  STARTED_EXE=""
  for _ in $(seq 1 100); do
    STARTED_EXE=$(readlink "/proc/$pid/exe" 2>/dev/null)
    [[ "$STARTED_EXE" == */mallard_cli ]] && break
    sleep 0.05
  done
  STARTED_ENV=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null)
  exec 9>&-
  wait "$pid"
  rm -f "$TMP/hold"
}

started_environment
if [[ "$STARTED_EXE" == */mallard_cli ]]; then ok; else
  fail "launcher: the process runs mallard_cli" "actual: $STARTED_EXE"
fi
if grep -q '\[\(always\|madvise\)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
  if grep -qx 'GLIBC_TUNABLES=glibc.malloc.hugetlb=1' <<<"$STARTED_ENV"; then ok; else
    fail "launcher: the program starts with the huge-page tunable" "environment: $(grep GLIBC <<<"$STARTED_ENV")"
  fi
  # (glibc cuts the variable at the first tunable as it reads it, so only the user's part shows.)
  started_environment GLIBC_TUNABLES=glibc.malloc.check=0
  if grep -qx 'MALLARD_USER_GLIBC_TUNABLES==glibc.malloc.check=0' <<<"$STARTED_ENV"; then ok; else
    fail "launcher: the user's tunables are kept to be put back" "environment: $(grep GLIBC <<<"$STARTED_ENV")"
  fi
else
  echo "SKIP: launcher huge-page checks (transparent huge pages are off on this machine)"
fi
started_environment GLIBC_TUNABLES=glibc.malloc.hugetlb=0
if grep -qx 'GLIBC_TUNABLES=glibc.malloc.hugetlb=0' <<<"$STARTED_ENV" &&
  ! grep -q MALLARD_USER_GLIBC_TUNABLES <<<"$STARTED_ENV"; then ok; else
  fail "launcher: GLIBC_TUNABLES=glibc.malloc.hugetlb=0 opts out" "environment: $(grep GLIBC <<<"$STARTED_ENV")"
fi

# Through a symbolic link elsewhere, the program is found beside the launcher's real file.
mkdir -p "$TMP/bin"
ln -s "$MALLARD" "$TMP/bin/mallard"
OUT=$("$TMP/bin/mallard" -csv -c "SELECT 42 AS x" 2>&1)
if [ "$OUT" = $'x\n42' ]; then ok; else fail "launcher: runs through a symbolic link" "output: $OUT"; fi

# Without the program beside it: a clear error, not a crash.
mkdir -p "$TMP/alone"
cp "$MALLARD" "$TMP/alone/mallard"
"$TMP/alone/mallard" -c "SELECT 1" >"$TMP/out" 2>"$TMP/err"
RC=$?
ERR=$(cat "$TMP/err")
expect_rc "launcher without mallard_cli" 127
expect_in "launcher without mallard_cli names it" ERR "$TMP/alone/mallard_cli"

# --- output modes --------------------------------------------------------------------------------

run -csv -c "SELECT 42 AS x"
expect_out "csv simple" 'x\n42\n'
expect_rc "csv simple" 0

run -csv -c "SELECT 'a,b' AS s, 'say \"hi\"' AS q, NULL AS n, '' AS e, 'x' || chr(10) || 'y' AS nl, 7 AS i"
expect_out "csv quoting and NULL" 's,q,n,e,nl,i\n"a,b","say ""hi""",,"","x\ny",7\n'

run -csv -c "SELECT 1 AS \"a,b\" WHERE false"
expect_out "csv empty result keeps its header" '"a,b"\n'

run -json -c "SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(i, s)"
expect_out "json rows" '[{"i":1,"s":"x"},\n{"i":2,"s":"y"}]\n'

run -json -c "SELECT 1.5::DOUBLE AS d, 2.50::DECIMAL(4,2) AS dec, true AS b, NULL AS n, 'nan'::DOUBLE AS nan, 'a\"b\\c' || chr(10) || chr(1) AS s, [1, 2] AS l, '{\"k\": [1]}'::JSON AS j, -3::BIGINT AS neg"
expect_out "json types" '[{"d":1.5,"dec":2.50,"b":true,"n":null,"nan":null,"s":"a\\"b\\\\c\\n\\u0001","l":"[1, 2]","j":{"k": [1]},"neg":-3}]\n'
if printf '%s' "$OUT" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert rows == [{"d": 1.5, "dec": 2.5, "b": True, "n": None, "nan": None, "s": "a\"b\\c\n\x01",
                 "l": "[1, 2]", "j": {"k": [1]}, "neg": -3}], rows
'; then ok; else fail "json parses with python and holds the values"; fi

run -json -c "SELECT 1 AS a WHERE false"
expect_out "json empty result prints nothing" ''

run -line -c "SELECT * FROM (VALUES (1, 'x'), (2, NULL)) t(a, long_name)"
expect_out "line mode" '        a = 1\nlong_name = x\n\n        a = 2\nlong_name = NULL\n'

run -csv -c "CREATE TABLE t(a INT); INSERT INTO t VALUES (1), (2); SELECT sum(a) AS s FROM t"
expect_out "DDL and DML print nothing" 's\n3\n'

run -c "CREATE TABLE t(a INT)"
expect_out "box prints nothing for DDL" ''

# --- several statements, errors, -bail -----------------------------------------------------------

run -csv -c "SELECT 1 AS a" -c "SELECT 2 AS b"
expect_out "several -c run in order" 'a\n1\nb\n2\n'

printf 'SELECT 10 AS a;\nSELECT 20 AS b;\n' >"$TMP/two.sql"
run -csv -f "$TMP/two.sql" -c "SELECT 30 AS c"
expect_out "-f then -c" 'a\n10\nb\n20\nc\n30\n'
expect_rc "-f then -c" 0

run --stdin $'SELECT 1;\nSELECT nope;\n'
expect_rc "stdin error exits non-zero" 1
expect_in "stdin error on stderr names the column" ERR "nope"
expect_in "stdin statement before the error still prints" OUT "1"
expect_not_in "the error is not on stdout" OUT "nope"

run -csv -c "SELECT 1 AS a; SELECT nope; SELECT 2 AS b;"
expect_out "a failed statement does not stop the others" 'a\n1\nb\n2\n'
expect_rc "a failed statement gives exit 1" 1
expect_in "a failed statement prints DuckDB's error" ERR "Binder Error"

run -csv -bail -c "SELECT 1 AS a; SELECT nope; SELECT 2 AS b;"
expect_out "-bail stops at the first error" 'a\n1\n'
expect_rc "-bail exit code" 1

run -csv -bail -c "SELECT nope" -c "SELECT 2 AS b"
expect_out "-bail skips later -c" ''

run --stdin $'SELECT 1 AS a;\nSELECT nope;\nSELECT 2 AS b;\n' -csv -bail
expect_out "-bail on stdin" 'a\n1\n'

run -csv -c "SELECT 5 AS a"
expect_rc "all statements succeeded" 0

run -csv -c "SELECT 'unterminated"
expect_rc "unterminated string is a parser error" 1
expect_in "unterminated string is a parser error" ERR "Parser Error"

# --- statement splitting -------------------------------------------------------------------------

run -csv -c "SELECT 'a;b' AS s; SELECT 'it''s;' AS s; SELECT \"x;y\" FROM (SELECT 1 AS \"x;y\");"
expect_out "split: strings and identifiers" 's\na;b\ns\nit'"'"'s;\nx;y\n1\n'

run -csv -c 'SELECT $$c;d$$ AS s; SELECT $tag$ e;$$f $tag$ AS s; SELECT E'"'"'g\'"'"';'"'"' AS s;'
expect_out "split: dollar quotes and escape strings" 's\nc;d\ns\n e;$$f \ns\ng'"'"';\n'

run -csv -c $'-- first; comment\nSELECT 3 /* ; */ AS n; /* block;\n more; */ SELECT 4 AS m; -- trailing;'
expect_out "split: comments" 'n\n3\nm\n4\n'

run -csv -c "/* nested /* comment; */ still comment; */ SELECT 5 AS n"
expect_out "split: nested block comments" 'n\n5\n'

run -csv -c ";; ; -- nothing here"
expect_out "split: empty statements are skipped" ''
expect_rc "split: empty statements are skipped" 0

run -csv -c "SELECT 6 AS last"
expect_out "split: last statement without ;" 'last\n6\n'

run --stdin $'SELECT\n.5::DOUBLE AS x;\n' -csv
expect_out "a line starting with . inside a statement is SQL" 'x\n0.5\n'

run --stdin $'SELECT \'a\n.tables\' AS s;\n' -csv
expect_out "a line starting with . inside a string is SQL" 's\n"a\n.tables"\n'

# --- database files ------------------------------------------------------------------------------

run "$TMP/lake.duckdb" -c "CREATE TABLE birds AS SELECT 'mallard' AS name"
expect_rc "file: create" 0
run -csv "$TMP/lake.duckdb" -c "SELECT name FROM birds"
expect_out "file: table persists across runs" 'name\nmallard\n'

run -readonly "$TMP/lake.duckdb" -c "CREATE TABLE other(a INT)"
expect_rc "-readonly rejects CREATE" 1
expect_in "-readonly rejects CREATE" ERR "read-only"
run -readonly -csv "$TMP/lake.duckdb" -c "SELECT count(*) AS n FROM birds"
expect_out "-readonly still reads" 'n\n1\n'

# A lake as the database, as `duckdb ducklake:file` opens one: it becomes the default catalog.
run "ducklake:$TMP/birds.ducklake" -c "CREATE TABLE birds AS SELECT 'teal' AS name"
expect_rc "ducklake: create in the lake" 0
run -csv "ducklake:$TMP/birds.ducklake" -c "SELECT current_database() AS db, name FROM birds"
expect_out "ducklake: the lake is the default catalog, across runs" 'db,name
birds,teal
'
if [ -d "$TMP/birds.ducklake.files" ]; then ok; else fail "ducklake: data under birds.ducklake.files/"; fi
run -readonly "ducklake:$TMP/birds.ducklake" -c "INSERT INTO birds VALUES ('smew')"
expect_rc "ducklake: -readonly rejects INSERT" 1
expect_in "ducklake: -readonly rejects INSERT" ERR "read-only"

# --- dot-commands --------------------------------------------------------------------------------

run --stdin $'.mode csv\nSELECT 5 AS f;\n.mode json\nSELECT 6 AS g;\n.mode line\nSELECT 7 AS h;\n'
expect_out ".mode switches formats" 'f\n5\n[{"g":6}]\nh = 7\n'

run --stdin $'.mode\n'
expect_out ".mode shows the mode" 'box\n'

run --stdin $'.mode nonsense\n'
expect_rc ".mode with a bad name" 1
expect_in ".mode with a bad name" ERR "nonsense"

run --stdin $'CREATE TABLE birds(name VARCHAR, wingspan DOUBLE);\nCREATE VIEW big_birds AS SELECT * FROM birds WHERE wingspan > 1;\n.tables\n'
expect_out ".tables" 'big_birds  birds\n'

run --stdin $'CREATE TABLE birds(name VARCHAR);\nCREATE TABLE ducks(name VARCHAR);\n.schema birds\n'
expect_out ".schema TABLE" 'CREATE TABLE birds("name" VARCHAR);\n'
run --stdin $'CREATE TABLE birds(name VARCHAR);\nCREATE TABLE ducks(name VARCHAR);\n.schema\n'
expect_in ".schema lists all" OUT "CREATE TABLE birds"
expect_in ".schema lists all" OUT "CREATE TABLE ducks"

printf "SELECT 'from file' AS r;\n.mode line\nSELECT 1 AS one;\n" >"$TMP/script.sql"
run -csv -c ".read $TMP/script.sql"
expect_out ".read" 'r\nfrom file\none = 1\n'
run -c ".read $TMP/no_such_script.sql"
expect_rc ".read of a missing file" 1

run --stdin $'.timer on\nSELECT 1;\n' -csv
if [[ "$OUT" =~ Run\ Time\ \(s\):\ real\ [0-9]+\.[0-9]{3}$'\n'$ ]]; then ok; else
  fail ".timer on prints the run time" "actual: $(printf '%q' "$OUT")"
fi

run --stdin $'.help\n'
expect_in ".help" OUT ".schema"

run --stdin $'SELECT 1 AS a;\n.quit\nSELECT 2 AS b;\n' -csv
expect_out ".quit stops reading" 'a\n1\n'
expect_rc ".quit exit code" 0

run --stdin $'.frobnicate\n'
expect_rc "unknown dot-command" 1
expect_in "unknown dot-command is named" ERR "frobnicate"

# --- bundled extensions: parquet, json, icu ------------------------------------------------------

run -csv -c "COPY (SELECT 1 AS a) TO '$TMP/x.parquet'" -c "SELECT * FROM '$TMP/x.parquet'"
expect_out "parquet round trip" 'a\n1\n'

run -csv -c "SELECT '{\"a\":\"b\"}'::JSON->>'a' AS v"
expect_out "json extension" 'v\nb\n'

run -csv -c "SELECT (now() - INTERVAL 1 HOUR) < now() AS earlier, typeof(now()) AS t"
expect_out "icu: timestamptz arithmetic" 'earlier,t\ntrue,TIMESTAMP WITH TIME ZONE\n'

# --- interactive mode ----------------------------------------------------------------------------

# Waits until the tmux pane shows TEXT (at most ~10 s); the pane's text is left in PANE.
wait_for_pane() {
  for _ in $(seq 1 100); do
    PANE=$(tmux -L "$TMUX_SOCKET" capture-pane -p -t shell 2>/dev/null)
    [[ "$PANE" == *"$1"* ]] && return 0
    sleep 0.1
  done
  return 1
}

if command -v tmux >/dev/null 2>&1; then
  tmux -L "$TMUX_SOCKET" new-session -d -s shell -x 100 -y 30 "HOME='$HOME' '$MALLARD'"
  if wait_for_pane "mallard>"; then ok; else fail "interactive: prompt" "pane: $PANE"; fi
  tmux -L "$TMUX_SOCKET" send-keys -t shell "SELECT 40 +" Enter
  if wait_for_pane "...>"; then ok; else fail "interactive: continuation prompt" "pane: $PANE"; fi
  # tmux reads an argument's final ';' as its own command separator unless it is escaped.
  tmux -L "$TMUX_SOCKET" send-keys -t shell '2 AS answer\;' Enter
  if wait_for_pane "42"; then ok; else fail "interactive: multi-line statement result" "pane: $PANE"; fi
  [[ "$PANE" == *answer* ]] && ok || fail "interactive: result has the column name" "pane: $PANE"
  # Ctrl-C at the prompt drops the unfinished statement instead of ending the shell.
  # Ctrl-C is sent once the shell waits at its continuation prompt again, not while it still
  # handles the Enter.
  tmux -L "$TMUX_SOCKET" send-keys -t shell "SELECT 'unfinished" Enter
  wait_for_pane $'unfinished\n   ...>' >/dev/null
  sleep 0.2
  tmux -L "$TMUX_SOCKET" send-keys -t shell C-c
  tmux -L "$TMUX_SOCKET" send-keys -t shell 'SELECT 7::SMALLINT AS seven\;' Enter
  if wait_for_pane "int16"; then ok; else fail "interactive: Ctrl-C drops the statement being typed" "pane: $PANE"; fi
  # Ctrl-C right behind the Enter, before the shell waits for the next line: it still drops the
  # unfinished statement (the signal cannot end a read that has not begun).
  tmux -L "$TMUX_SOCKET" send-keys -t shell "SELECT 'unfinished again" Enter C-c
  tmux -L "$TMUX_SOCKET" send-keys -t shell 'SELECT 8::TINYINT AS eight\;' Enter
  if wait_for_pane "int8"; then ok; else fail "interactive: Ctrl-C right after Enter drops the statement" "pane: $PANE"; fi
  [[ "$PANE" != *"Error"* ]] && ok || fail "interactive: no error after Ctrl-C" "pane: $PANE"
  tmux -L "$TMUX_SOCKET" send-keys -t shell ".quit" Enter
  for _ in $(seq 1 100); do
    tmux -L "$TMUX_SOCKET" has-session -t shell 2>/dev/null || break
    sleep 0.1
  done
  if ! tmux -L "$TMUX_SOCKET" has-session -t shell 2>/dev/null; then ok; else fail "interactive: .quit ends the shell"; fi
  # libedit escapes whitespace in its history file (\040), so look for a word without any.
  if grep -q "answer;" "$HOME/.mallard_history" 2>/dev/null; then ok; else
    fail "interactive: history saved to ~/.mallard_history" "file: $(cat "$HOME/.mallard_history" 2>&1)"
  fi
else
  echo "SKIP: interactive checks (tmux is not installed)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
