#!/usr/bin/env bash
# Benchmark 11: schema changes on a lake of many tables. Creates TABLES tables (default 300) of 20
# BIGINT columns, one statement each, then in a new process times one more CREATE TABLE and the
# query right after it (which needs the catalog at the new schema version). The first line is
# plain DuckDB doing the same in a database file.
# Usage: bench/ddl.sh [MALLARD] [WORKDIR] [TABLES]
# PostgreSQL too when MALLARD_BENCH_PG is set (e.g. 'host=127.0.0.1 port=54329 user=postgres').
# Prints a Markdown table; bench/README.md holds the figures of a recorded run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
tables=${3:-300}
bench_workdir "${1:-}" "${2:-}"
columns=$(for c in $(seq 0 19); do printf 'c%d BIGINT, ' "$c"; done)
columns="(${columns%, })"

echo "## 11. $tables tables of 20 columns: creating them, then one more CREATE TABLE and the next query"
echo "| catalog | $tables CREATE TABLE, one statement each (s) | peak memory of that (MB) | one more CREATE TABLE (s) | query after it (s) |"
echo "|---|---|---|---|---|"
for backend in plain duckdb sqlite${MALLARD_BENCH_PG:+ postgres}; do
  rm -rf ddl && mkdir ddl
  if [ "$backend" = plain ]; then
    attach="ATTACH 'ddl/plain.duckdb' AS lake"
  else
    attach="ATTACH 'ducklake:$(bench_catalog "$backend" ddl)' AS lake (DATA_PATH 'ddl/data/')"
  fi
  {
    echo "$attach;"
    for t in $(seq 1 "$tables"); do echo "CREATE TABLE lake.t$t $columns;"; done
  } >ddl/create.sql
  start=$(date +%s.%N)
  # Peak resident memory from GNU time when installed (Debian package `time`).
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o ddl/rss "$MALLARD" -f ddl/create.sql >/dev/null
    rss=$(awk '{ printf "%.0f", $1 / 1024 }' ddl/rss)
  else
    "$MALLARD" -f ddl/create.sql >/dev/null
    rss="-"
  fi
  end=$(date +%s.%N)
  times=$(bench_times -c "$attach" -c "SELECT count(*) FROM lake.t1" -c ".timer on" \
    -c "CREATE TABLE lake.extra $columns" -c "SELECT count(*) FROM lake.t1" | paste -sd' ')
  read -r create_time query_time <<<"$times"
  label=$backend
  [ "$backend" = plain ] && label="plain DuckDB (database file)"
  echo "| $label | $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') | $rss | $create_time | $query_time |"
done
