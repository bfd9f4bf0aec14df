#!/usr/bin/env bash
# Benchmark 11: schema changes on a lake of many tables. Creates TABLES tables (default 300) of 20
# BIGINT columns, one statement each, then in a new process times one more CREATE TABLE and the
# query right after it (which needs the catalog at the new schema version). The first line is
# plain DuckDB doing the same in a database file.
# Usage: bench/ddl.sh [MALLARD] [WORKDIR] [TABLES]
# PostgreSQL too when MALLARD_BENCH_PG is set (e.g. 'host=127.0.0.1 port=54329 user=postgres').
# Prints a Markdown table; bench/README.md holds the figures of a recorded run.
set -euo pipefail
MALLARD=$(realpath "${1:-build/mallard}")
work=$(realpath -m "${2:-bench/data}")
tables=${3:-300}
mkdir -p "$work"
cd "$work"
columns=$(for c in $(seq 0 19); do printf 'c%d BIGINT, ' "$c"; done)
columns="(${columns%, })"

echo "## 11. $tables tables of 20 columns: creating them, then one more CREATE TABLE and the next query"
echo "| catalog | $tables CREATE TABLE, one statement each (s) | peak memory of that (MB) | one more CREATE TABLE (s) | query after it (s) |"
echo "|---|---|---|---|---|"
for backend in plain duckdb sqlite${MALLARD_BENCH_PG:+ postgres}; do
  rm -rf ddl && mkdir ddl
  case $backend in
    plain) attach="ATTACH 'ddl/plain.duckdb' AS lake" ;;
    duckdb) attach="ATTACH 'ducklake:ddl/catalog.ducklake' AS lake (DATA_PATH 'ddl/data/')" ;;
    sqlite) attach="ATTACH 'ducklake:sqlite:ddl/catalog.sqlite' AS lake (DATA_PATH 'ddl/data/')" ;;
    postgres)
      db="mallard_ddl_$$"
      psql "$MALLARD_BENCH_PG dbname=postgres" -q -c "CREATE DATABASE $db" >/dev/null
      attach="ATTACH 'ducklake:postgres:$MALLARD_BENCH_PG dbname=$db' AS lake (DATA_PATH 'ddl/data/')" ;;
  esac
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
  times=$("$MALLARD" -c "$attach" -c "SELECT count(*) FROM lake.t1" -c ".timer on" \
    -c "CREATE TABLE lake.extra $columns" -c "SELECT count(*) FROM lake.t1" 2>/dev/null |
    grep -o 'real [0-9.]*' | cut -d' ' -f2 | paste -sd' ')
  read -r create_time query_time <<<"$times"
  label=$backend
  [ "$backend" = plain ] && label="plain DuckDB (database file)"
  echo "| $label | $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') | $rss | $create_time | $query_time |"
  if [ "$backend" = postgres ]; then
    psql "$MALLARD_BENCH_PG dbname=postgres" -q -c "DROP DATABASE $db" >/dev/null
  fi
done
