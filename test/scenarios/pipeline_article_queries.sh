#!/usr/bin/env bash
# `mallard demo` runs (its own private PostgreSQL, generator, pipeline runs), and afterwards every
# query of the article's list (docs: event-pipeline.md) runs verbatim against the demo's lake, with
# the one fix the JSON arrows need: (details->>'...') = '...' in parentheses.
# Usage: pipeline_article_queries.sh MALLARD BACKEND   (BACKEND unused: the demo's lake is SQLite)
set -uo pipefail
MALLARD=$(realpath "$1")
fail=0
pass=0
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: expected '$2', got '$3'" >&2; fi
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ "$(id -u)" -eq 0 ]; then chmod 755 "$dir"; fi


(cd "$dir" && "$MALLARD" demo --lake lake) >"$dir/demo.out" 2>&1
status=$?
check "demo exit code" 0 "$status"
[ "$status" -eq 0 ] || { tail -n 30 "$dir/demo.out" >&2; echo "$pass passed, $fail failed"; exit 1; }
check "demo says it is done" 1 "$(grep -c '^Done in' "$dir/demo.out")"
check "demo stopped its PostgreSQL" 0 "$(pgrep -fc "mallard-demo-pg-" || true)"

attach="ATTACH 'ducklake:sqlite:$dir/lake/catalog.sqlite' AS lake (DATA_PATH '$dir/lake/data/')"

# The lake is seconds old, so "as of a day ago" has no snapshot. Age it: every snapshot two days
# older in the catalog (SQLite stores the times as text).
python3 - "$dir/lake/catalog.sqlite" <<'PY'
import sqlite3, sys, datetime
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT snapshot_id, snapshot_time FROM ducklake_snapshot").fetchall()
for snapshot_id, text in rows:
    head, tail = text[:19], text[19:]
    older = datetime.datetime.strptime(head, "%Y-%m-%d %H:%M:%S") - datetime.timedelta(days=2)
    db.execute("UPDATE ducklake_snapshot SET snapshot_time = ? WHERE snapshot_id = ?",
               (older.strftime("%Y-%m-%d %H:%M:%S") + tail, snapshot_id))
db.commit()
PY
check "snapshot times moved back" 0 $?

# run_query NAME SQL: runs SQL against the lake; prints its CSV output (without header) on success.
run_query() {
  local out
  out=$("$MALLARD" -csv -bail -c "$attach" -c "$2" 2>&1)
  local status=$?
  if grep -q '^Error\|Error:' <<<"$out"; then status=1; fi
  check "$1 runs" 0 $status
  [ $status -eq 0 ] || { echo "$out" | head -5 >&2; return 1; }
  echo "$out" | tail -n +2
}

out=$(run_query counts_last_hour "SELECT event_type, COUNT(*) as count FROM lake.events
WHERE event_timestamp > NOW() - INTERVAL '1 hour' GROUP BY event_type;")
check "counts in the last hour: the five types" 5 "$(echo "$out" | grep -c .)"

out=$(run_query as_of_yesterday "SELECT * FROM lake.events AT (TIMESTAMP => NOW() - INTERVAL '1 day');")
then=$("$MALLARD" -csv -c "$attach" -c "SELECT max(snapshot_id) FROM lake.snapshots() WHERE snapshot_time <= now() - INTERVAL '1 day'" | tail -n 1)
check "as of a day ago: the whole lake of then" \
  "$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.events AT (VERSION => $then)" | tail -n 1)" \
  "$(echo "$out" | grep -c .)"

out=$(run_query table_changes "FROM lake.table_changes('events', 100, 150)
WHERE change_type = 'insert' AND (details->>'severity') = 'critical';")
# The same rows another way: critical events at version 150 that were not there at version 99.
expected=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM (SELECT event_id FROM lake.events AT (VERSION => 150)
  WHERE json_extract_string(details, 'severity') = 'critical' EXCEPT
  SELECT event_id FROM lake.events AT (VERSION => 99))" | tail -n 1)
check "table_changes: critical inserts of snapshots 100-150" "$expected" "$(echo "$out" | grep -c .)"

out=$(run_query user_journey "SELECT * FROM lake.events AT (VERSION => 42)
WHERE (details->>'user_id') = 'user_1234' ORDER BY event_timestamp;")
expected=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.events AT (VERSION => 42) WHERE json_extract_string(details, 'user_id') = 'user_1234'" | tail -n 1)
check "user journey at version 42" "$expected" "$(echo "$out" | grep -c .)"
check "version 42 exists (the demo makes more than 150 snapshots)" 1 \
  "$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) FROM lake.snapshots() WHERE snapshot_id IN (42, 100, 150)" | tail -n 1 | sed 's/^3$/1/')"

before=$("$MALLARD" -csv -c "$attach" -c "SELECT count(*), sum(hash(event_id)) FROM lake.events" | tail -n 1)
out=$(run_query merge_adjacent_files "SELECT * FROM ducklake_merge_adjacent_files('lake');")
check "the demo compacted the pipeline's small files" 1 \
  "$("$MALLARD" -csv -c "$attach" -c "SELECT count(*) > 0 FROM lake.snapshots() WHERE changes::VARCHAR LIKE '%compacted%'" | tail -n 1 | sed 's/true/1/')"
check "merge keeps every event" "$before" \
  "$("$MALLARD" -csv -c "$attach" -c "SELECT count(*), sum(hash(event_id)) FROM lake.events" | tail -n 1)"

out=$(run_query column_stats "SELECT * FROM lake.ducklake_table_column_stats;")
check "column statistics are visible" 1 "$([ "$(echo "$out" | grep -c .)" -gt 0 ] && echo 1 || echo 0)"

# event_date is not a column of the article's table: the user adds it (or partitions by day()).
run_query add_column "ALTER TABLE lake.events ADD COLUMN event_date DATE;" >/dev/null
run_query partition_event_date "ALTER TABLE lake.events SET PARTITIONED BY (event_date);" >/dev/null
run_query partition_day "ALTER TABLE lake.events SET PARTITIONED BY (day(event_timestamp));" >/dev/null

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
