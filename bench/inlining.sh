#!/usr/bin/env bash
# Benchmark 1 of the maintenance issue: streaming ingest in the style of DuckLake's inlining
# benchmark. One writer makes COMMITS autocommit inserts of 10 rows each (default 30,000), with
# data inlining (limit 10, the default) and without (limit 0), on a SQLite catalog and, when
# MALLARD_BENCH_PG is set (e.g. 'host=127.0.0.1 port=54329 user=postgres'), on a local
# PostgreSQL catalog; then 9 aggregation queries (total time) and CHECKPOINT lake.
# Usage: bench/inlining.sh [MALLARD] [WORKDIR] [COMMITS]   (MALLARD_BENCH_LIMITS="10" runs only the
# inlined configuration; default "10 0")
# Commits are timed one by one with a microsecond clock by build/bench/mallard_commit_latency
# (--shape events: this benchmark's table and INSERT ... SELECT; MALLARD_BENCH_LATENCY names
# another build of it); queries and CHECKPOINT by the shell's .timer.
# Prints a Markdown table; bench/README.md holds the figures of a recorded run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
commits=${3:-30000}
bench_workdir "${1:-}" "${2:-}"
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
latency_tool=$(realpath "${MALLARD_BENCH_LATENCY:-$(dirname "$MALLARD")/bench/mallard_commit_latency}")
# The floor: the same statements into a table of an in-memory DuckDB database.
read -r plain <<<"$("$latency_tool" --plain --shape events --rows 10 --commits "$commits" | awk '{print $6}')"
echo "## Streaming ingest: $commits commits of 10 rows, one writer (maintenance issue, benchmark 1)"
echo "| catalog | inlining | median commit (ms) | p99 (ms) | commits/s | 9 queries (s) | CHECKPOINT (s) | 9 queries after (s) |"
echo "|---|---|---|---|---|---|---|---|"
echo "| DuckDB in-memory table (floor) | - | $plain | | | | | |"
backends="sqlite${MALLARD_BENCH_PG:+ postgres}"
for backend in $backends; do
  for limit in ${MALLARD_BENCH_LIMITS:-10 0}; do
    rm -rf ingest && mkdir ingest
    cat=$(bench_catalog "$backend" ingest)
    attach="ATTACH 'ducklake:$cat' AS lake (DATA_PATH 'ingest/data/', DATA_INLINING_ROW_LIMIT $limit)"
    # One line: commits N rows_per_commit R median_ms M p99_ms P commits_per_s C
    read -r _ _ _ _ _ median _ p99 _ rate <<<"$("$latency_tool" --attach "ducklake:$cat" --data-path ingest/data/ \
      --inlining-limit "$limit" --shape events --rows 10 --commits "$commits")"
    args=(-c "$attach" -c ".timer on")
    for q in "${queries[@]}"; do args+=(-c "$q"); done
    total_queries=$(bench_times "${args[@]}" | awk '{s+=$1} END {printf "%.3f", s}')
    checkpoint=$(bench_time_last -c "$attach" -c "CHECKPOINT lake")
    after=$(bench_times "${args[@]}" | awk '{s+=$1} END {printf "%.3f", s}')
    check=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.events" | tail -1)
    if [ "$check" != "$((commits * 10))" ]; then
      echo "row count $check, expected $((commits * 10))" >&2
      exit 1
    fi
    echo "| $backend | $([ "$limit" = 0 ] && echo off || echo "limit $limit") | $median | $p99 | $rate | $total_queries | $checkpoint | $after |"
  done
done
