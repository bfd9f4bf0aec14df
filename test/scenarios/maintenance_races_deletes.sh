#!/usr/bin/env bash
# Maintenance racing deletes: a flush, merge or rewrite read its rows at one snapshot and commits
# later; a DELETE committing in between must make it step back (or conflict), never bring the
# deleted row back in the file it writes. One process inserts small batches into a table whose
# rows are inlined and one whose rows go to Parquet, one deletes the newest row of each over and
# over, and one flushes, merges and rewrites in a loop. In the end each table's rows are unique,
# and as many as its record_count says (a row brought back is counted by the scan, not the stats).
# Usage: maintenance_races_deletes.sh MALLARD sqlite|postgres
source "$(dirname "$0")/lib.sh" "$@"

attach="ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
"$MALLARD" -c "$attach" \
  -c "CREATE TABLE lake.inlined (i INTEGER)" \
  -c "CREATE TABLE lake.files (i INTEGER)" \
  -c "CALL lake.set_option('data_inlining_row_limit', 0, table_name => 'files')" >/dev/null || exit 1

rounds=250
{
  echo "$attach"
  for k in $(seq 0 $((rounds - 1))); do
    echo "INSERT INTO lake.inlined SELECT range FROM range($((k * 4)), $((k * 4 + 4)));"
    echo "INSERT INTO lake.files SELECT range FROM range($((k * 4)), $((k * 4 + 4)));"
  done
} >"$dir/writer.sql"
{
  echo "$attach"
  for k in $(seq 1 $rounds); do
    echo "DELETE FROM lake.inlined WHERE i = (SELECT max(i) FROM lake.inlined);"
    echo "DELETE FROM lake.files WHERE i = (SELECT max(i) FROM lake.files);"
  done
} >"$dir/deleter.sql"
{
  echo "$attach"
  for k in $(seq 1 $((rounds / 2))); do
    echo "CALL ducklake_flush_inlined_data('lake');"
    echo "CALL ducklake_merge_adjacent_files('lake');"
    echo "CALL ducklake_rewrite_data_files('lake', delete_threshold => 0.0);"
  done
} >"$dir/maintainer.sql"

"$MALLARD" -bail -f "$dir/writer.sql" >/dev/null 2>"$dir/writer.err" &
writer=$!
# Without -bail: a delete that meets a concurrent change gets a conflict and the next one goes on.
"$MALLARD" -f "$dir/deleter.sql" >/dev/null 2>"$dir/deleter.err" &
deleter=$!
"$MALLARD" -f "$dir/maintainer.sql" >/dev/null 2>"$dir/maintainer.err" &
maintainer=$!
wait $writer
check "writer exit code" 0 $?
wait $deleter
wait $maintainer
check "writer printed no error" "" "$(grep -v '^$' "$dir/writer.err" | head -3)"
check "deleter failed only on conflicts" "" "$(grep -v '^$' "$dir/deleter.err" | grep -v -i 'conflict' | head -3)"
check "maintainer printed no error" "" "$(grep -v '^$' "$dir/maintainer.err" | head -3)"
check "some deletes committed" "true" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) > 0 FROM lake.snapshots() WHERE changes::VARCHAR LIKE '%delete%'")"
check "some maintenance committed" "true" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) > 0 FROM lake.snapshots() WHERE changes::VARCHAR LIKE '%compacted%' OR changes::VARCHAR LIKE '%flush%'")"

latest=$(lake_query "$catalog" "$data" "SELECT max(snapshot_id) FROM lake.snapshots()")
for table in inlined files; do
  stats=$(lake_query "$catalog" "$data" "SELECT record_count FROM lake.ducklake_table_stats s JOIN lake.ducklake_table t USING (table_id) WHERE t.table_name = '$table' AND t.end_snapshot IS NULL")
  check "$table: rows = record_count" "$stats" "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.$table")"
  check "$table: distinct rows = record_count" "$stats" "$(lake_query "$catalog" "$data" "SELECT count(DISTINCT i) FROM lake.$table")"
  # Every row a committed delete removed stays removed.
  check "$table: deleted rows stay deleted" "0" "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.$table WHERE i IN (SELECT i FROM lake.table_changes('$table', 0, $latest) WHERE change_type = 'delete')")"
done
finish
