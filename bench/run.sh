#!/usr/bin/env bash
# Mallard benchmarks, each side by side with plain DuckDB on the same data in one run.
# Usage: bench/run.sh [MALLARD] [WORKDIR]      (defaults: build/mallard, bench/data)
# Prints a Markdown table per benchmark; bench/README.md holds the figures of a recorded run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_workdir "${1:-}" "${2:-}"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
# Times the lake query and the read_parquet query, first and warm; prints the Markdown table.
# With "speedup" the last column is DuckDB/Mallard, else Mallard/DuckDB.
compare() { # compare ATTACH LAKE_QUERY PARQUET_QUERY ratio|speedup
  local lake_cold pq_cold lake_warm pq_warm label=ratio
  lake_cold=$(bench_time_last -c "$1" -c "$2")
  pq_cold=$(bench_time_last -c "$3")
  lake_warm=$(bench_time_warm 5 "$1" "$2")
  pq_warm=$(bench_time_warm 5 "SELECT 1" "$3")
  [ "$4" = speedup ] && label=speed-up
  echo "| | Mallard lake | DuckDB read_parquet | $label |"
  echo "|---|---|---|---|"
  if [ "$4" = speedup ]; then
    echo "| first query (s) | $lake_cold | $pq_cold | $(ratio "$pq_cold" "$lake_cold") |"
    echo "| warm, median of 5 (s) | $lake_warm | $pq_warm | $(ratio "$pq_warm" "$lake_warm") |"
  else
    echo "| first query (s) | $lake_cold | $pq_cold | $(ratio "$lake_cold" "$pq_cold") |"
    echo "| warm, median of 5 (s) | $lake_warm | $pq_warm | $(ratio "$lake_warm" "$pq_warm") |"
  fi
  echo
}
# The same query on another lake table of the same rows (unpartitioned, unsorted), first and warm,
# against the lake query's warm time; prints a Markdown table of one row.
compare_other_table() { # compare_other_table ATTACH LAKE_QUERY OTHER_QUERY HEADER ROW_LABEL
  local other_cold other_warm lake_warm
  other_cold=$(bench_time_last -c "$1" -c "$3")
  other_warm=$(bench_time_warm 5 "$1" "$3")
  lake_warm=$(bench_time_warm 5 "$1" "$2")
  echo "| $4 | first (s) | warm, median of 5 (s) | speed-up, warm |"
  echo "|---|---|---|---|"
  echo "| $5 | $other_cold | $other_warm | $(ratio "$other_warm" "$lake_warm") |"
}

echo "## 1. Aggregation over 10M rows in 20 files"
rm -rf agg && mkdir agg
"$MALLARD" -c "ATTACH 'ducklake:agg/catalog.ducklake' AS lake (DATA_PATH 'agg/data/')" \
  -c "CREATE TABLE lake.events (event_id BIGINT, event_type VARCHAR, event_timestamp TIMESTAMP, user_id INTEGER, amount DOUBLE)" \
  -c "$(for f in $(seq 0 19); do
          echo "INSERT INTO lake.events SELECT i, ['user_login','api_request','payment_processed','error_occurred','feature_usage'][i % 5 + 1], TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND, (i * 7919) % 10000, (i % 100000) / 10.0 FROM range($((f * 500000)), $(((f + 1) * 500000))) t(i);"
        done)"
attach="ATTACH 'ducklake:agg/catalog.ducklake' AS lake"
lake_q="SELECT event_type, count(*), avg(amount), max(event_timestamp) FROM lake.events GROUP BY event_type"
pq_q="SELECT event_type, count(*), avg(amount), max(event_timestamp) FROM read_parquet('agg/data/main/events/*.parquet') GROUP BY event_type"
compare "$attach" "$lake_q" "$pq_q" ratio

echo "## 8. Aggregation after deleting 1% of the 10M rows, spread over all 20 files"
# The lake of benchmark 1 with every 100th row deleted (one delete file per data file), against
# plain DuckDB reading the same files without deletes.
# The copy's catalog still stores agg/data/ as its data path: OVERRIDE_DATA_PATH points it at its own.
rm -rf del && cp -r agg del
"$MALLARD" -c "ATTACH 'ducklake:del/catalog.ducklake' AS lake (DATA_PATH 'del/data/', OVERRIDE_DATA_PATH true)" \
  -c "DELETE FROM lake.events WHERE event_id % 100 = 7" >/dev/null
attach="ATTACH 'ducklake:del/catalog.ducklake' AS lake (DATA_PATH 'del/data/', OVERRIDE_DATA_PATH true)"
lake_q="SELECT event_type, count(*), avg(amount), max(event_timestamp) FROM lake.events GROUP BY event_type"
pq_q="SELECT event_type, count(*), avg(amount), max(event_timestamp) FROM read_parquet('agg/data/main/events/*.parquet') GROUP BY event_type"
compare "$attach" "$lake_q" "$pq_q" ratio

echo "## 9. UPDATE of 10% of the 10M rows"
rm -rf upd && cp -r agg upd
upd_s=$(bench_time_last -c "ATTACH 'ducklake:upd/catalog.ducklake' AS lake (DATA_PATH 'upd/data/', OVERRIDE_DATA_PATH true)" \
  -c "UPDATE lake.events SET amount = amount + 1 WHERE event_id % 10 = 3")
written=$("$MALLARD" -c "ATTACH 'ducklake:upd/catalog.ducklake' AS lake" -csv \
  -c "SELECT (SELECT count(*) FROM lake.ducklake_data_file WHERE begin_snapshot = s) || ' data + ' || (SELECT count(*) FROM lake.ducklake_delete_file WHERE begin_snapshot = s) || ' delete' AS w FROM (SELECT max(snapshot_id) s FROM lake.ducklake_snapshot)" 2>/dev/null | tail -1)
plain_s=$(bench_time_last -c "CREATE TABLE events AS FROM read_parquet('agg/data/main/events/*.parquet')" \
  -c "UPDATE events SET amount = amount + 1 WHERE event_id % 10 = 3")
echo "| | Mallard lake | DuckDB table (in memory) |"
echo "|---|---|---|"
echo "| UPDATE of 1M rows (s) | $upd_s | $plain_s |"
echo "| files written | $written | - |"
echo

echo "## 2. 1%-selective time range on 1,000 files of 10,000 rows"
rm -rf many && mkdir many
{
  echo "ATTACH 'ducklake:many/catalog.ducklake' AS lake (DATA_PATH 'many/data/');"
  echo "CREATE TABLE lake.events (event_id BIGINT, event_timestamp TIMESTAMP, amount DOUBLE);"
  for f in $(seq 0 999); do
    echo "INSERT INTO lake.events SELECT i, TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND, i / 3.0 FROM range($((f * 10000)), $(((f + 1) * 10000))) t(i);"
  done
} >many/load.sql
"$MALLARD" -f many/load.sql >/dev/null
attach="ATTACH 'ducklake:many/catalog.ducklake' AS lake"
range="event_timestamp >= TIMESTAMP '2026-01-01' + INTERVAL 5000000 SECOND AND event_timestamp < TIMESTAMP '2026-01-01' + INTERVAL 5100000 SECOND"
lake_q="SELECT count(*), sum(amount) FROM lake.events WHERE $range"
pq_q="SELECT count(*), sum(amount) FROM read_parquet('many/data/main/events/*.parquet') WHERE $range"
compare "$attach" "$lake_q" "$pq_q" speedup

echo "## 3. Single-row autocommit inserts (500 commits, one writer)"
# mallard_commit_latency times each INSERT with a microsecond clock (the shell's .timer has ms).
LATENCY="$(dirname "$MALLARD")/bench/mallard_commit_latency"
echo "| catalog | Parquet file per commit: median / p99 (ms), commits/s | inlined (default limit): median / p99 (ms), commits/s |"
echo "|---|---|---|"
# PostgreSQL too when a server is given: MALLARD_BENCH_PG='host=127.0.0.1 port=54329 user=postgres'
backends="duckdb sqlite${MALLARD_BENCH_PG:+ postgres}"
latency() { # latency CATALOG INLINING_LIMIT|"" -> "median / p99, rate"
  local limit_args=()
  [ -n "$2" ] && limit_args=(--inlining-limit "$2")
  "$LATENCY" --attach "ducklake:$1" --data-path ins/data/ --commits 500 "${limit_args[@]}" |
    awk '{printf "%s / %s, %s", $6, $8, $10}'
}
for backend in $backends; do
  row="| $backend"
  for limit in 0 ""; do
    rm -rf ins && mkdir ins
    row="$row | $(latency "$(bench_catalog "$backend" ins)" "$limit")"
  done
  echo "$row |"
done
echo "| plain DuckDB table | $("$LATENCY" --plain --commits 500 | awk '{printf "%s / %s, %s", $6, $8, $10}') | |"

echo "## 5. One day out of a year of events partitioned by day (365 partitions, 4M rows)"
rm -rf part && mkdir part
# The same rows, in random order (events do not arrive sorted by day): one table partitioned by
# event_date (Hive folders event_date=YYYY-MM-DD/), one not.
"$MALLARD" -c "ATTACH 'ducklake:part/catalog.ducklake' AS lake (DATA_PATH 'part/data/')" \
  -c "SET partitioned_write_max_open_files = 1000" \
  -c "CREATE TABLE lake.events (event_id BIGINT, event_type VARCHAR, event_date DATE, user_id INTEGER, amount DOUBLE)" \
  -c "CREATE TABLE lake.events_flat (event_id BIGINT, event_type VARCHAR, event_date DATE, user_id INTEGER, amount DOUBLE)" \
  -c "ALTER TABLE lake.events SET PARTITIONED BY (event_date)" \
  -c "CREATE TEMP TABLE src AS SELECT i AS event_id, ['user_login','api_request','payment_processed','error_occurred','feature_usage'][i % 5 + 1] AS event_type, DATE '2025-01-01' + ((i * 7919) % 365)::INTEGER AS event_date, (i * 31) % 10000 AS user_id, (i % 100000) / 10.0 AS amount FROM range(4000000) t(i) ORDER BY hash(i)" \
  -c "INSERT INTO lake.events SELECT * FROM src" \
  -c "INSERT INTO lake.events_flat SELECT * FROM src" >/dev/null
attach="ATTACH 'ducklake:part/catalog.ducklake' AS lake"
day="event_date = DATE '2025-07-04'"
lake_q="SELECT event_type, count(*), sum(amount) FROM lake.events WHERE $day GROUP BY event_type"
flat_q="SELECT event_type, count(*), sum(amount) FROM lake.events_flat WHERE $day GROUP BY event_type"
pq_q="SELECT event_type, count(*), sum(amount) FROM read_parquet('part/data/main/events/*/*.parquet', hive_partitioning = true) WHERE $day GROUP BY event_type"
compare "$attach" "$lake_q" "$pq_q" speedup
files=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.ducklake_data_file WHERE table_id = (SELECT table_id FROM lake.ducklake_table WHERE table_name = 'events' AND end_snapshot IS NULL)" | tail -1)
compare_other_table "$attach" "$lake_q" "$flat_q" "unpartitioned lake table, same query" \
  "$files partitioned files vs the unpartitioned table"

echo "## 11. One user's events, in a table sorted by user_id (SET SORTED BY), 4M rows"
rm -rf sorted && mkdir sorted
# Events arrive in time order, not by user: one table sorted by user_id, one not, same rows, files
# of about 4 MB. A user's rows then sit in one file of the sorted table, which the catalog's
# min/max statistics find without opening the others.
"$MALLARD" -c "ATTACH 'ducklake:sorted/catalog.ducklake' AS lake (DATA_PATH 'sorted/data/')" \
  -c "CALL lake.set_option('target_file_size', '4MB')" \
  -c "CREATE TABLE lake.events (event_id BIGINT, event_type VARCHAR, event_timestamp TIMESTAMP, user_id INTEGER, amount DOUBLE)" \
  -c "CREATE TABLE lake.events_unsorted (event_id BIGINT, event_type VARCHAR, event_timestamp TIMESTAMP, user_id INTEGER, amount DOUBLE)" \
  -c "ALTER TABLE lake.events SET SORTED BY (user_id)" \
  -c "CREATE TEMP TABLE src AS SELECT i AS event_id, ['user_login','api_request','payment_processed','error_occurred','feature_usage'][i % 5 + 1] AS event_type, TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND AS event_timestamp, (i * 7919) % 100000 AS user_id, (i % 100000) / 10.0 AS amount FROM range(4000000) t(i)" \
  -c "INSERT INTO lake.events SELECT * FROM src" \
  -c "INSERT INTO lake.events_unsorted SELECT * FROM src" >/dev/null
attach="ATTACH 'ducklake:sorted/catalog.ducklake' AS lake"
user="user_id = 4242"
lake_q="SELECT count(*), sum(amount), max(event_timestamp) FROM lake.events WHERE $user"
pq_q="SELECT count(*), sum(amount), max(event_timestamp) FROM read_parquet('sorted/data/main/events/*.parquet') WHERE $user"
compare "$attach" "$lake_q" "$pq_q" speedup
unsorted_q="SELECT count(*), sum(amount), max(event_timestamp) FROM lake.events_unsorted WHERE $user"
files=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.list_files('events')" | tail -1)
compare_other_table "$attach" "$lake_q" "$unsorted_q" "unsorted lake table, same query" "$files files in each table"
