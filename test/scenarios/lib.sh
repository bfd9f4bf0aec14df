# Helpers shared by the end-to-end scenario scripts.
# Usage in a script: source lib.sh "$@"   (arguments: MALLARD BACKEND)
# Sets MALLARD, backend, pg_base (the test PostgreSQL server's conninfo), dir (a temporary folder
# removed at exit, unless KEEP_SCENARIO_DIR is set), catalog (the text after `ducklake:` of a fresh
# catalog on that backend, a database on pg_base's server for postgres, also dropped at exit) and
# data (its DATA_PATH).
set -uo pipefail
MALLARD=$1
backend=$2

fail=0
pass=0

check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $1: expected '$2', got '$3'" >&2
  fi
}

finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lake_catalog.sh"
# PostgreSQL catalogs live on the test server of test/scripts/postgres.sh.
pg_base="${MALLARD_TEST_PG:-host=127.0.0.1 port=54329 user=postgres}"

# Runs SQL against the lake and prints the result as CSV without header.
lake_query() { # lake_query CATALOG DATA_PATH SQL
  "$MALLARD" -csv -c "ATTACH 'ducklake:$1' AS lake (DATA_PATH '$2')" -c "$3" | tail -n +2
}

dir=$(mktemp -d)
[ -n "${KEEP_SCENARIO_DIR:-}" ] && echo "scenario folder: $dir" >&2
# What a scenario made goes at exit: its folder and its PostgreSQL catalogs (all kept with KEEP_SCENARIO_DIR).
cleanup_scenario() {
  [ -n "${KEEP_SCENARIO_DIR:-}" ] && return
  rm -rf "$dir"
  [ "$backend" != postgres ] || drop_new_catalogs "$pg_base"
}
trap cleanup_scenario EXIT
catalog=$(new_catalog "$backend" "$dir" "$pg_base") || { echo "cannot create a $backend catalog" >&2; exit 1; }
data="$dir/data/"
