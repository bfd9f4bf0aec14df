#!/usr/bin/env bash
# Benchmark 1 of the maintenance issue: streaming ingest in the style of DuckLake's inlining
# benchmark. One writer makes COMMITS autocommit inserts of 10 rows each (default 30,000), with
# data inlining (limit 10, the default) and without (limit 0), on a SQLite catalog and, when
# MALLARD_BENCH_PG is set (e.g. 'host=127.0.0.1 port=54329 user=postgres'), on a local
# PostgreSQL catalog; then 9 aggregation queries (total time) and CHECKPOINT lake.
# Usage: bench/inlining.sh [MALLARD] [WORKDIR] [COMMITS]   (MALLARD_BENCH_LIMITS="10" runs only the
# inlined configuration; default "10 0")
# Commit latencies come from the shell's .timer (millisecond resolution).
# Prints a Markdown table; bench/README.md holds the figures of a recorded run.
set -euo pipefail
MALLARD=$(realpath "${1:-build/mallard}")
work=$(realpath -m "${2:-bench/data}")
commits=${3:-30000}
mkdir -p "$work"
cd "$work"
queries=(
  "SELECT count(*) FROM lake.events"
  "SELECT sum(amount) FROM lake.events"
  "SELECT event_type, count(*) FROM lake.events GROUP BY event_type ORDER BY event_type"
  "SELECT user_id % 10 AS bucket, avg(amount) FROM lake.events GROUP BY bucket ORDER BY bucket"
  "SELECT min(event_timestamp), max(event_timestamp) FROM lake.events"
  "SELECT count(DISTINCT user_id) FROM lake.events"
  "SELECT event_type, sum(amount) FROM lake.events WHERE amount > 50 GROUP BY event_type ORDER BY event_type"
  "SELECT date_trunc('hour', event_timestamp) AS h, count(*) FROM lake.events GROUP BY h ORDER BY h LIMIT 10"
  "SELECT max(event_id) FROM lake.events WHERE event_type = 'payment'"
)
# The floor: the same statements into a table of an in-memory DuckDB database.
rm -rf ingest && mkdir ingest
{
  echo "CREATE TABLE events (event_id BIGINT, event_type VARCHAR, user_id INTEGER, amount DOUBLE, event_timestamp TIMESTAMP);"
  echo ".timer on"
  awk -v n="$commits" 'BEGIN { for (c = 0; c < n; c++) printf "INSERT INTO events SELECT i, [%s][i %% 4 + 1], (i * 7919) %% 1000, (i %% 1000) / 10.0, TIMESTAMP %s + INTERVAL (i) SECOND FROM range(%d, %d) t(i);\n", "'"'"'login'"'"', '"'"'click'"'"', '"'"'payment'"'"', '"'"'error'"'"'", "'"'"'2026-01-01'"'"'", c * 10, c * 10 + 10 }'
} >ingest/plain.sql
plain=$("$MALLARD" -f ingest/plain.sql 2>/dev/null | grep -o 'real [0-9.]*' | cut -d' ' -f2 | sort -g | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] * 1000}')
echo "## Streaming ingest: $commits commits of 10 rows, one writer (maintenance issue, benchmark 1)"
echo "| catalog | inlining | median commit (ms) | p99 (ms) | commits/s | 9 queries (s) | CHECKPOINT (s) | 9 queries after (s) |"
echo "|---|---|---|---|---|---|---|---|"
echo "| DuckDB in-memory table (floor) | - | $plain | | | | | |"
backends="sqlite${MALLARD_BENCH_PG:+ postgres}"
for backend in $backends; do
  for limit in ${MALLARD_BENCH_LIMITS:-10 0}; do
    rm -rf ingest && mkdir ingest
    case $backend in
      sqlite) cat="sqlite:ingest/catalog.sqlite" ;;
      postgres)
        db="mallard_ingest_$$_$limit"
        psql "$MALLARD_BENCH_PG dbname=postgres" -q -c "CREATE DATABASE $db" >/dev/null
        cat="postgres:$MALLARD_BENCH_PG dbname=$db" ;;
    esac
    attach="ATTACH 'ducklake:$cat' AS lake (DATA_PATH 'ingest/data/', DATA_INLINING_ROW_LIMIT $limit)"
    {
      echo "$attach;"
      echo "CREATE TABLE lake.events (event_id BIGINT, event_type VARCHAR, user_id INTEGER, amount DOUBLE, event_timestamp TIMESTAMP);"
      echo ".timer on"
      awk -v n="$commits" 'BEGIN { for (c = 0; c < n; c++) printf "INSERT INTO lake.events SELECT i, [%s][i %% 4 + 1], (i * 7919) %% 1000, (i %% 1000) / 10.0, TIMESTAMP %s + INTERVAL (i) SECOND FROM range(%d, %d) t(i);\n", "'"'"'login'"'"', '"'"'click'"'"', '"'"'payment'"'"', '"'"'error'"'"'", "'"'"'2026-01-01'"'"'", c * 10, c * 10 + 10 }'
    } >ingest/load.sql
    "$MALLARD" -f ingest/load.sql 2>/dev/null | grep -o 'real [0-9.]*' | cut -d' ' -f2 >ingest/lat.txt
    median=$(sort -g ingest/lat.txt | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] * 1000}')
    p99=$(sort -g ingest/lat.txt | awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)] * 1000}')
    rate=$(awk '{s+=$1} END {printf "%.0f", NR / s}' ingest/lat.txt)
    args=(-c "$attach" -c ".timer on")
    for q in "${queries[@]}"; do args+=(-c "$q"); done
    total_queries=$("$MALLARD" "${args[@]}" 2>/dev/null | grep -o 'real [0-9.]*' | cut -d' ' -f2 | awk '{s+=$1} END {printf "%.3f", s}')
    checkpoint=$("$MALLARD" -c "$attach" -c ".timer on" -c "CHECKPOINT lake" 2>/dev/null | grep -o 'real [0-9.]*' | tail -1 | cut -d' ' -f2)
    after=$("$MALLARD" "${args[@]}" 2>/dev/null | grep -o 'real [0-9.]*' | cut -d' ' -f2 | awk '{s+=$1} END {printf "%.3f", s}')
    check=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.events" | tail -1)
    if [ "$check" != "$((commits * 10))" ]; then
      echo "row count $check, expected $((commits * 10))" >&2
      exit 1
    fi
    echo "| $backend | $([ "$limit" = 0 ] && echo off || echo "limit $limit") | $median | $p99 | $rate | $total_queries | $checkpoint | $after |"
    if [ "$backend" = postgres ]; then
      psql "$MALLARD_BENCH_PG dbname=postgres" -q -c "DROP DATABASE $db" >/dev/null
    fi
  done
done
