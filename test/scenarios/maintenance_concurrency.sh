#!/usr/bin/env bash
# Maintenance beside readers and writers: one process inserts 150 single-row commits (i = 1..150,
# in order), a second loops over time-travel queries to recent snapshots, and a third repeatedly
# merges files, expires snapshots older than 3 s and deletes files scheduled more than 3 s ago.
# The reader travels only to snapshots younger than 1 s (or the current one).
# Every snapshot holds rows 1..k for some k, so each reader result must have sum = k(k+1)/2; no
# reader may fail (a reader at a live snapshot never meets a missing file), and the final table
# is exact, with its files merged.
# Usage: maintenance_concurrency.sh MALLARD sqlite|postgres (a DuckDB-file catalog takes one process)
source "$(dirname "$0")/lib.sh" "$@"

# Compaction of data files is what this checks: the lake is created without data inlining.
"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data', DATA_INLINING_ROW_LIMIT 0)" \
  -c "CREATE TABLE lake.t (i INTEGER)" || exit 1

rows=150
{
  echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
  for i in $(seq 1 $rows); do
    echo "INSERT INTO lake.t VALUES ($i);"
  done
} >"$dir/writer.sql"

{
  echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
  for i in $(seq 1 300); do
    # The newest snapshot and up to two before it, none older than 1 s (the compactor expires
    # snapshots older than 3 s: a reader asking for an expired one rightly gets an error).
    echo "SET VARIABLE v = (SELECT max(snapshot_id) FROM lake.snapshots());"
    echo "SET VARIABLE lo = (SELECT coalesce(min(snapshot_id), getvariable('v')) FROM lake.snapshots() WHERE snapshot_time > now() - INTERVAL '1 second');"
    for back in 0 1 2; do
      echo "SELECT 'check', count(*) = 0 OR sum(i) = count(*) * (count(*) + 1) // 2 FROM lake.t AT (VERSION => greatest(getvariable('v') - $back, getvariable('lo'), 1));"
    done
    echo "SELECT 'check', count(*) = 0 OR sum(i) = count(*) * (count(*) + 1) // 2 FROM lake.t;"
  done
} >"$dir/reader.sql"

cat >"$dir/compactor.sql" <<SQL
ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');
CALL ducklake_merge_adjacent_files('lake');
CALL ducklake_expire_snapshots('lake', older_than => now() - INTERVAL '3 seconds');
CALL ducklake_cleanup_old_files('lake', older_than => now() - INTERVAL '3 seconds');
SQL
compact_rounds() { # one process per round, a little apart, while the writer runs
  for i in $(seq 1 25); do
    "$MALLARD" -csv -bail -f "$dir/compactor.sql" >>"$dir/compactor.out" 2>>"$dir/compactor.err" || return 1
    sleep 0.4
  done
}

"$MALLARD" -bail -f "$dir/writer.sql" >"$dir/writer.out" 2>"$dir/writer.err" &
writer=$!
"$MALLARD" -csv -bail -f "$dir/reader.sql" >"$dir/reader.out" 2>"$dir/reader.err" &
reader=$!
compact_rounds &
compactor=$!

wait $writer
check "writer exit code" 0 $?
wait $reader
check "reader exit code" 0 $?
wait $compactor
check "compactor exit code" 0 $?
check "writer printed no error" "" "$(grep -v '^$' "$dir/writer.err" | head -3)"
check "reader printed no error" "" "$(grep -v '^$' "$dir/reader.err" | head -3)"
check "compactor printed no error" "" "$(grep -v '^$' "$dir/compactor.err" | head -3)"
check "compactor merged files" yes "$(grep -q '^main,t,' "$dir/compactor.out" && echo yes)"
check "compactor deleted files" yes "$(grep -q 'ducklake-.*parquet' "$dir/compactor.out" && echo yes)"
check "reader checks run" 1200 "$(grep -c '^check,' "$dir/reader.out")"
check "reader results exact" 0 "$(grep -c '^check,false' "$dir/reader.out")"

check "rows" "$rows,$((rows * (rows + 1) / 2))" \
  "$(lake_query "$catalog" "$data" "SELECT count(*), sum(i) FROM lake.t")"
check "row ids unique" "$rows" "$(lake_query "$catalog" "$data" "SELECT count(DISTINCT rowid) FROM lake.t")"
# a last merge gathers whatever the writer added after the compactor's last round
lake_query "$catalog" "$data" "CALL ducklake_merge_adjacent_files('lake')" >/dev/null
check "files merged" 1 "$(lake_query "$catalog" "$data" "SELECT file_count FROM lake.table_info()")"
check "rows after the last merge" "$rows,$((rows * (rows + 1) / 2))" \
  "$(lake_query "$catalog" "$data" "SELECT count(*), sum(i) FROM lake.t")"

# A compaction killed at an arbitrary point leaves the lake consistent: either the merge committed
# or its files are orphans that delete_orphaned_files removes, and the rows are exact either way.
{
  echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
  for i in $(seq $((rows + 1)) $((rows + 200))); do
    echo "INSERT INTO lake.t VALUES ($i);"
  done
} >"$dir/writer2.sql"
"$MALLARD" -bail -f "$dir/writer2.sql" >/dev/null 2>"$dir/writer2.err"
check "second writer printed no error" "" "$(grep -v '^$' "$dir/writer2.err" | head -3)"
total=$((rows + 200))
"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
  -c "CALL ducklake_merge_adjacent_files('lake')" >/dev/null 2>&1 &
victim=$!
sleep 0.3
kill -9 $victim 2>/dev/null
wait $victim 2>/dev/null
check "rows after a killed compaction" "$total,$((total * (total + 1) / 2))" \
  "$(lake_query "$catalog" "$data" "SELECT count(*), sum(i) FROM lake.t")"
lake_query "$catalog" "$data" "CALL ducklake_delete_orphaned_files('lake', cleanup_all => true)" >/dev/null
lake_query "$catalog" "$data" "CALL ducklake_merge_adjacent_files('lake')" >/dev/null
check "rows after orphan cleanup and a new merge" "$total,$((total * (total + 1) / 2)),1" \
  "$(lake_query "$catalog" "$data" "SELECT count(*), sum(i), (SELECT file_count FROM lake.table_info()) FROM lake.t")"
check "files on disk = live files + files older snapshots still read" yes \
  "$(lake_query "$catalog" "$data" "SELECT CASE WHEN (SELECT count(*) FROM glob('$data**/*.parquet')) = (SELECT count(*) FROM lake.ducklake_data_file) + (SELECT count(*) FROM lake.ducklake_files_scheduled_for_deletion) THEN 'yes' ELSE 'no' END")"
finish
