#!/usr/bin/env bash
# What a short-lived process pays: a script's `mallard -c`, a cron job, the pipeline's runs. On a
# small lake (a table of 1,000 inlined rows and one of 10,000 rows in one Parquet file), RUNS new
# processes each ATTACH and then run one statement, timed by the shell's .timer (the ATTACH is not
# in the figure): a point query on the inlined table, one on the file table, and a single-row
# INSERT (inlined). The reference line is plain DuckDB, the same statements on the same rows in
# tables of a DuckDB database file. Prints the median and range (ms) of each, per catalog.
# Usage: bench/new_process.sh [MALLARD] [WORKDIR] [RUNS]   (RUNS defaults to 9; PostgreSQL too when
# MALLARD_BENCH_PG is set)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${3:-9}
bench_workdir "${1:-}" "${2:-}"
work=$work/new_process
rm -rf "$work" && mkdir -p "$work"
cd "$work"

rows_inlined="SELECT i AS id, 'name ' || i AS name, i / 4.0 AS amount FROM range(1000) t(i)"
rows_file="SELECT i AS id, 'name ' || i AS name, i / 4.0 AS amount FROM range(10000) t(i)"
statements=(
  "SELECT count(*), sum(amount) FROM %s.small WHERE id = 500"
  "SELECT count(*), sum(amount) FROM %s.big WHERE id = 5000"
  "INSERT INTO %s.small VALUES (1000000, 'new', 1.5)"
)

# median_range ATTACH STATEMENT: runs ATTACH then STATEMENT in $runs new processes.
median_range() {
  for _ in $(seq "$runs"); do
    bench_time_last -c "$1" -c "$2"
  done | sort -g | awk '{a[NR]=$1 * 1000} END {printf "%.0f (%.0f-%.0f)", a[int((NR+1)/2)], a[1], a[NR]}'
}

echo "## A new process's first statement on a small lake: median (range) of $runs runs, ms"
echo "| catalog | point query, 1,000 inlined rows | point query, one 10,000-row file | single-row INSERT |"
echo "|---|---|---|---|"
"$MALLARD" -c "ATTACH 'plain.duckdb' AS db" -c "CREATE TABLE db.small AS $rows_inlined" \
  -c "CREATE TABLE db.big AS $rows_file" >/dev/null
line="| plain DuckDB (database file) |"
for statement in "${statements[@]}"; do
  # shellcheck disable=SC2059
  line+=" $(median_range "ATTACH 'plain.duckdb' AS db" "$(printf "$statement" db)") |"
done
echo "$line"
backends="duckdb sqlite${MALLARD_BENCH_PG:+ postgres}"
for backend in $backends; do
  mkdir "$backend"
  cat=$(bench_catalog "$backend" "$backend")
  attach="ATTACH 'ducklake:$cat' AS lake (DATA_PATH '$backend/data/')"
  # 1,000 rows in one insert stay inlined only when the limit allows: set for the small table alone.
  "$MALLARD" -c "$attach" -c "CREATE TABLE lake.small (id BIGINT, name VARCHAR, amount DOUBLE)" \
    -c "CALL lake.set_option('data_inlining_row_limit', 1000, table_name => 'small')" \
    -c "INSERT INTO lake.small $rows_inlined" -c "CREATE TABLE lake.big AS $rows_file" >/dev/null
  files=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.ducklake_data_file" | tail -1)
  if [ "$files" != 1 ]; then
    echo "expected one data file (the big table's), found $files" >&2
    exit 1
  fi
  line="| $backend |"
  for statement in "${statements[@]}"; do
    # shellcheck disable=SC2059
    line+=" $(median_range "$attach" "$(printf "$statement" lake)") |"
  done
  echo "$line"
done
