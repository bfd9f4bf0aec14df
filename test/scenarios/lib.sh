# Helpers shared by the end-to-end scenario scripts.
# Usage in a script: source lib.sh "$@"   (arguments: MALLARD BACKEND)
# Sets MALLARD, backend, dir (a temporary folder removed at exit, unless KEEP_SCENARIO_DIR is set), catalog (the text after
# `ducklake:` of a fresh catalog on that backend) and data (its DATA_PATH).
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

# A fresh catalog for BACKEND (sqlite|postgres|duckdb) in folder DIR: prints the text after
# `ducklake:` for ATTACH. PostgreSQL uses the test server of test/scripts/postgres.sh.
new_catalog() { # new_catalog BACKEND DIR
  case "$1" in
    sqlite) echo "sqlite:$2/catalog.sqlite" ;;
    duckdb) echo "$2/catalog.ducklake" ;;
    postgres)
      local base="${MALLARD_TEST_PG:-host=127.0.0.1 port=54329 user=postgres}"
      local db="mallard_s_$$_$RANDOM"
      psql "$base dbname=postgres" -q -c "CREATE DATABASE $db" >/dev/null || return 1
      echo "postgres:$base dbname=$db"
      ;;
  esac
}

# Runs SQL against the lake and prints the result as CSV without header.
lake_query() { # lake_query CATALOG DATA_PATH SQL
  "$MALLARD" -csv -c "ATTACH 'ducklake:$1' AS lake (DATA_PATH '$2')" -c "$3" | tail -n +2
}

dir=$(mktemp -d)
[ -n "${KEEP_SCENARIO_DIR:-}" ] && echo "scenario folder: $dir" >&2
trap '[ -n "${KEEP_SCENARIO_DIR:-}" ] || rm -rf "$dir"' EXIT
catalog=$(new_catalog "$backend" "$dir") || { echo "cannot create a $backend catalog" >&2; exit 1; }
data="$dir/data/"
