#!/usr/bin/env bash
# 8 processes, each deleting rows of its own data file of one lake table, one row per statement,
# while a 9th inserts: deletes of different data files and inserts never conflict, so every
# statement commits (losers of the race for a snapshot id retry). Afterwards every live delete
# file tags each of its positions with the snapshot that deleted it, even when a retry moved the
# commit to a later snapshot than the one the file was first written for.
# Usage: concurrent_deletes.sh MALLARD sqlite|postgres   (a DuckDB-file catalog is single-process)
source "$(dirname "$0")/lib.sh" "$@"

writers=8
per_writer=20
{
  echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
  echo "CREATE TABLE lake.t (w INTEGER, i INTEGER);"
  for w in $(seq 1 $writers); do
    echo "INSERT INTO lake.t SELECT $w, i FROM range(100) r(i);"
  done
} >"$dir/setup.sql"
"$MALLARD" -bail -f "$dir/setup.sql" >/dev/null || exit 1

pids=()
for w in $(seq 0 $writers); do
  {
    echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
    for i in $(seq 1 $per_writer); do
      if [ "$w" -eq 0 ]; then
        echo "INSERT INTO lake.t VALUES (0, $i);"
      else
        echo "DELETE FROM lake.t WHERE w = $w AND i = $((i * 3));"
      fi
    done
  } >"$dir/writer_$w.sql"
  "$MALLARD" -bail -f "$dir/writer_$w.sql" >"$dir/writer_$w.out" 2>"$dir/writer_$w.err" &
  pids+=($!)
done
for w in $(seq 0 $writers); do
  wait "${pids[$w]}"
  check "writer $w exit code" 0 $?
  check "writer $w printed no error" "" "$(grep -v '^$' "$dir/writer_$w.err" | head -3)"
done

check "rows" "$((writers * (100 - per_writer) + per_writer))" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t")"
check "deleted rows are gone" "0" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t WHERE w > 0 AND i % 3 = 0 AND i BETWEEN 3 AND $((per_writer * 3))")"
check "live delete files" "$writers" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.ducklake_delete_file WHERE end_snapshot IS NULL")"
# Each live delete file's newest positions were deleted in the snapshot that added the file.
tagged=0
while IFS=, read -r path begin; do
  newest=$("$MALLARD" -csv -c "SELECT max(_ducklake_internal_snapshot_id) FROM read_parquet('$data/main/t/$path')" | tail -n +2)
  [ "$newest" == "$begin" ] && tagged=$((tagged + 1))
done < <(lake_query "$catalog" "$data" "SELECT path, begin_snapshot FROM lake.ducklake_delete_file WHERE end_snapshot IS NULL")
check "delete files tagged with their snapshot" "$writers" "$tagged"
check "table_changes reports every delete once" "$((writers * per_writer))" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.table_changes('t', 0, 1000000) WHERE change_type = 'delete'")"
finish
