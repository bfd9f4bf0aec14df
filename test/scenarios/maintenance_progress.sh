#!/usr/bin/env bash
# Long maintenance calls drive the client's progress bar (the mallard shell enables it on a
# terminal, as the duckdb shell does). Here it is enabled by hand with no wait time: merging four
# tables of equal files shows the bar at 25%, 50% and 75% on the way, before DuckDB's final 100%.
# Usage: maintenance_progress.sh MALLARD duckdb|sqlite|postgres
source "$(dirname "$0")/lib.sh" "$@"

attach="ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data', DATA_INLINING_ROW_LIMIT 0)"
{
  echo "$attach;"
  for t in 1 2 3 4; do
    echo "CREATE TABLE lake.t$t (i BIGINT, s VARCHAR);"
    for f in 0 1 2; do
      echo "INSERT INTO lake.t$t SELECT range, 'row ' || range FROM range($((f * 1000)), $(((f + 1) * 1000)));"
    done
  done
} >"$dir/load.sql"
"$MALLARD" -bail -f "$dir/load.sql" >/dev/null || exit 1

out=$("$MALLARD" -csv -c "$attach" -c "SET enable_progress_bar = true" -c "SET progress_bar_time = 0" \
  -c "SELECT count(*) FROM ducklake_merge_adjacent_files('lake')" 2>&1)
for p in 25 50 75; do
  check "progress bar at $p%" yes "$(grep -q " $p%" <<<"$out" && echo yes || echo no)"
done
check "merged tables" yes "$(grep -q '^4$' <<<"$(tr '\r' '\n' <<<"$out")" && echo yes || echo no)"
check "files after the merge" 4 "$("$MALLARD" -csv -c "$attach" -c "SELECT sum(file_count) FROM lake.table_info()" | tail -1)"

# Without the progress bar enabled (scripts, pipes), nothing but the result is printed.
"$MALLARD" -c "$attach" -c "INSERT INTO lake.t1 VALUES (1, 'a')" -c "INSERT INTO lake.t1 VALUES (2, 'b')" >/dev/null
quiet=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM ducklake_merge_adjacent_files('lake')" 2>&1)
check "no progress bar when not enabled" no "$(grep -q '%' <<<"$quiet" && echo yes || echo no)"
finish
