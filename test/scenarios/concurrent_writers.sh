#!/usr/bin/env bash
# 8 processes x 200 single-row autocommit inserts into one lake table through one catalog:
# every insert commits (writers that lose the race for a snapshot id retry), so the table ends
# with exactly 1,600 rows and the lake with 1,600 new snapshots, and no process fails.
# Usage: concurrent_writers.sh MALLARD sqlite|postgres
source "$(dirname "$0")/lib.sh" "$@"

"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
  -c "CREATE TABLE lake.t (writer INTEGER, i INTEGER)" || exit 1

writers=8
per_writer=200
pids=()
for w in $(seq 1 $writers); do
  {
    echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
    for i in $(seq 1 $per_writer); do
      echo "INSERT INTO lake.t VALUES ($w, $i);"
    done
  } >"$dir/writer_$w.sql"
  "$MALLARD" -bail -f "$dir/writer_$w.sql" >"$dir/writer_$w.out" 2>"$dir/writer_$w.err" &
  pids+=($!)
done
for w in $(seq 1 $writers); do
  wait "${pids[$((w - 1))]}"
  check "writer $w exit code" 0 $?
  check "writer $w printed no error" "" "$(grep -v '^$' "$dir/writer_$w.err" | head -3)"
done

check "rows" "$((writers * per_writer))" "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t")"
check "distinct rows" "$((writers * per_writer))" \
  "$(lake_query "$catalog" "$data" "SELECT count(DISTINCT (writer, i)) FROM lake.t")"
# snapshot 0 (created), 1 (CREATE TABLE), then one per insert
check "snapshots" "$((writers * per_writer + 2))" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.snapshots()")"
check "row ids are unique" "$((writers * per_writer))" \
  "$(lake_query "$catalog" "$data" "SELECT count(DISTINCT rowid) FROM lake.t")"
# the stats every commit builds on from its write cache (on PostgreSQL most first attempts lose the
# race to another writer and retry on the latest snapshot: none may count from a stale one)
check "table stats" "$((writers * per_writer)),$((writers * per_writer))" \
  "$(lake_query "$catalog" "$data" "SELECT record_count, next_row_id FROM lake.ducklake_table_stats")"
check "column stats" "1|$writers|1|$per_writer" \
  "$(lake_query "$catalog" "$data" "SELECT string_agg(min_value || '|' || max_value, '|' ORDER BY column_id) FROM lake.ducklake_table_column_stats")"
finish
