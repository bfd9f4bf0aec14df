#!/usr/bin/env bash
# Data inlining under concurrency: 6 processes x 100 small autocommit inserts (3 rows each, so
# inlined into the catalog) into one table, while a 7th process deletes inlined rows and an 8th
# flushes the inlined rows to Parquet now and then. Every insert commits (racing writers retry);
# a delete or flush that meets a concurrent change to its rows gets a clear conflict or does
# nothing, never wrong data: in the end the table holds exactly the inserted rows minus the
# deleted ones, with unique row ids.
# Usage: concurrent_inlined.sh MALLARD sqlite|postgres
source "$(dirname "$0")/lib.sh" "$@"

"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
  -c "CREATE TABLE lake.t (writer INTEGER, i INTEGER, payload VARCHAR)" || exit 1

writers=6
per_writer=100
pids=()
for w in $(seq 1 $writers); do
  {
    echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
    for i in $(seq 1 $per_writer); do
      echo "INSERT INTO lake.t VALUES ($w, $((i * 3)), 'p$w'), ($w, $((i * 3 + 1)), 'q$w'), ($w, $((i * 3 + 2)), 'r$w');"
    done
  } >"$dir/writer_$w.sql"
  "$MALLARD" -bail -f "$dir/writer_$w.sql" >"$dir/writer_$w.out" 2>"$dir/writer_$w.err" &
  pids+=($!)
done
# Deletes every row with i % 3 = 1 of writer 1 as it appears; conflicts are allowed, so each
# statement runs in a process of its own and the failures are counted, not fatal.
(
  for round in $(seq 1 15); do
    "$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
      -c "DELETE FROM lake.t WHERE writer = 1 AND i % 3 = 1" >/dev/null 2>>"$dir/deleter.err"
  done
) &
deleter=$!
(
  for round in $(seq 1 5); do
    sleep 0.5
    "$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
      -c "CALL ducklake_flush_inlined_data('lake')" >/dev/null 2>>"$dir/flusher.err"
  done
) &
flusher=$!
for w in $(seq 1 $writers); do
  wait "${pids[$((w - 1))]}"
  check "writer $w exit code" 0 $?
  check "writer $w printed no error" "" "$(grep -v '^$' "$dir/writer_$w.err" | head -3)"
done
wait $deleter
wait $flusher
# Only conflicts are acceptable failures of the deleter and the flusher.
check "deleter failed only on conflicts" "" "$(grep -v '^$' "$dir/deleter.err" | grep -v -i 'conflict' | head -3)"
check "flusher printed no error" "" "$(grep -v '^$' "$dir/flusher.err" | head -3)"
# A last delete after the writers finished removes what the racing deletes missed.
"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
  -c "DELETE FROM lake.t WHERE writer = 1 AND i % 3 = 1" >/dev/null

expected=$((writers * per_writer * 3 - per_writer))
check "rows" "$expected" "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t")"
check "distinct rows" "$expected" \
  "$(lake_query "$catalog" "$data" "SELECT count(DISTINCT (writer, i)) FROM lake.t")"
check "row ids are unique" "$expected" "$(lake_query "$catalog" "$data" "SELECT count(DISTINCT rowid) FROM lake.t")"
check "payloads match" "$expected" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t WHERE payload = ['p','q','r'][i % 3 + 1] || writer")"
check "record_count in table stats" "$expected" \
  "$(lake_query "$catalog" "$data" "SELECT record_count FROM lake.ducklake_table_stats")"
# Flushing the rest leaves nothing inlined and the same rows.
"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" -c "CALL ducklake_flush_inlined_data('lake')" >/dev/null
check "rows after the last flush" "$expected" "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t")"
check "row ids after the last flush" "$expected" "$(lake_query "$catalog" "$data" "SELECT count(DISTINCT rowid) FROM lake.t")"
finish
