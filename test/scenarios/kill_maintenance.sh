#!/usr/bin/env bash
# A maintenance run killed with SIGKILL at a random moment, again and again: each round adds
# inlined rows, small Parquet files and deletes, then starts CHECKPOINT (flush, expire, merge,
# rewrite, cleanup, with options that make every step do something) and kills it. After every
# kill the lake opens, holds exactly the rows it held before the CHECKPOINT, and the oldest
# snapshot left still reads (no file a live snapshot needs was removed). At the end an
# uninterrupted CHECKPOINT and an orphan cleanup leave no file the catalog does not know.
# Usage: kill_maintenance.sh MALLARD sqlite|postgres|duckdb
source "$(dirname "$0")/lib.sh" "$@"

attach="ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data');"
"$MALLARD" -c "$attach" \
  -c "CREATE TABLE lake.t (i INTEGER, payload VARCHAR)" \
  -c "CALL lake.set_option('expire_older_than', '1 second')" \
  -c "CALL lake.set_option('delete_older_than', '1 second')" >/dev/null || exit 1

contents="SELECT count(*), coalesce(sum(i), 0), count(DISTINCT i) FROM lake.t"
next=0
killed=0
write_round() { # write_round ROUND: inlined rows, small files and a delete
  {
    echo "$attach"
    for k in 1 2 3; do
      echo "INSERT INTO lake.t SELECT i, 'inlined' FROM range($next, $((next + 5))) r(i);"
      next=$((next + 5))
      echo "INSERT INTO lake.t SELECT i, repeat('x', 50) FROM range($next, $((next + 40))) r(i);"
      next=$((next + 40))
    done
    echo "DELETE FROM lake.t WHERE i % 7 = $(($1 % 7));"
  } >"$dir/round.sql"
  "$MALLARD" -bail -f "$dir/round.sql" >/dev/null || return 1
  sleep 1 # older than expire_older_than: the CHECKPOINT has snapshots to expire
}
# How long a whole CHECKPOINT of one round's changes takes here: the kills land within it.
write_round 0 || exit 1
start=$(date +%s%N)
"$MALLARD" -c "$attach" -c "CHECKPOINT lake" >/dev/null || exit 1
duration_ms=$((($(date +%s%N) - start) / 1000000))
for round in $(seq 1 8); do
  write_round "$round" || { check "round $round: writes" ok failed; break; }
  before=$(lake_query "$catalog" "$data" "$contents")
  "$MALLARD" -c "$attach" -c "CHECKPOINT lake" >/dev/null 2>"$dir/checkpoint.err" &
  pid=$!
  delay_ms=$((RANDOM % (duration_ms * 8 / 10 + 1)))
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    killed=$((killed + 1))
  else
    # It had finished: CHECKPOINTs run faster now than the measured one (a busy machine when it
    # was measured, less work per round). Aim the next kills within the time this one took at most.
    duration_ms=$((delay_ms > 10 ? delay_ms : 10))
  fi
  wait "$pid" 2>/dev/null
  after=$(lake_query "$catalog" "$data" "$contents" 2>&1)
  check "round $round: rows after the killed CHECKPOINT" "$before" "$after"
  # (Snapshot 1 created the table: a kill before the expiry leaves snapshot 0 too.)
  oldest=$(lake_query "$catalog" "$data" "SELECT min(snapshot_id) FROM lake.snapshots() WHERE snapshot_id >= 1")
  check "round $round: the oldest snapshot left reads" 0 \
    "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t AT (VERSION => $oldest)" >/dev/null 2>"$dir/oldest.err"; echo $?)"
  cat "$dir/oldest.err" >&2 # what went wrong, when something did
done
# Whether a kill landed inside the CHECKPOINT depends on timing; most rounds must have (the delay is
# at most 80% of a whole CHECKPOINT's time).
check "most CHECKPOINTs were killed" true "$([ "$killed" -ge 4 ] && echo true || echo "false ($killed)")"

final=$(lake_query "$catalog" "$data" "$contents")
"$MALLARD" -c "$attach" -c "CHECKPOINT lake" >/dev/null 2>"$dir/checkpoint.err"
check "an uninterrupted CHECKPOINT succeeds" "" "$(head -3 "$dir/checkpoint.err")"
check "rows after it" "$final" "$(lake_query "$catalog" "$data" "$contents")"
sleep 1
"$MALLARD" -c "$attach" -c "CALL ducklake_cleanup_old_files('lake', cleanup_all => true)" \
  -c "CALL ducklake_delete_orphaned_files('lake', cleanup_all => true)" >/dev/null 2>"$dir/cleanup.err"
check "cleanup succeeds" "" "$(head -3 "$dir/cleanup.err")"
known=$(lake_query "$catalog" "$data" "SELECT (SELECT count(*) FROM lake.ducklake_data_file) + (SELECT count(*) FROM lake.ducklake_delete_file)")
check "every file on disk is known to the catalog" "$known" "$(find "$data" -name '*.parquet' | wc -l)"
check "rows after cleanup" "$final" "$(lake_query "$catalog" "$data" "$contents")"
finish
