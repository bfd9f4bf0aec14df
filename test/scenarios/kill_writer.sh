#!/usr/bin/env bash
# A writer killed with SIGKILL in the middle of its commits, again and again: after every kill the
# lake opens, and the committed rows are exactly 1..N with no gap and no duplicate (a commit is
# all or nothing, and the writer inserts in order).
# Usage: kill_writer.sh MALLARD sqlite|postgres|duckdb
source "$(dirname "$0")/lib.sh" "$@"
"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
  -c "CREATE TABLE lake.t (i INTEGER, payload VARCHAR)" || exit 1

next=1
for round in 1 2 3 4 5; do
  {
    echo "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
    for i in $(seq $next $((next + 3000))); do
      echo "INSERT INTO lake.t SELECT $i, repeat('x', 100);"
    done
  } >"$dir/writer.sql"
  "$MALLARD" -bail -f "$dir/writer.sql" >/dev/null 2>"$dir/writer.err" &
  pid=$!
  # Let it commit for a while, then kill it at a random moment.
  sleep "0.$((RANDOM % 9 + 1))"
  sleep 1
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  result=$(lake_query "$catalog" "$data" "SELECT count(*), coalesce(max(i), 0), count(DISTINCT i) FROM lake.t")
  check "round $round: lake opens and reads" 0 $?
  count=$(echo "$result" | cut -d, -f1)
  max=$(echo "$result" | cut -d, -f2)
  distinct=$(echo "$result" | cut -d, -f3)
  check "round $round: rows are 1..max with no gap" "$max" "$count"
  check "round $round: no duplicates" "$count" "$distinct"
  if [ "$max" -lt "$next" ]; then
    echo "note: round $round committed nothing before the kill" >&2
  fi
  next=$((max + 1))
done
check "some rows were committed" 1 "$([ "$next" -gt 1 ] && echo 1 || echo 0)"
finish
