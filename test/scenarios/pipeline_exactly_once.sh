#!/usr/bin/env bash
# Exactly once under concurrency: three generators insert continuously, and transactions that hold
# older-stamped rows for a while commit out of timestamp order (some across several runs), while
# `mallard pipeline run` runs again and again. At the end the lake's events equal the source's:
# the same event_ids with the same values, no duplicates, none missing.
# Usage: pipeline_exactly_once.sh MALLARD sqlite|postgres   (needs the test PostgreSQL server)
source "$(dirname "$0")/pipeline_lib.sh" "$@"

"$MALLARD" generate --source "$src" --rows 10 --delay 0 --quiet >/dev/null || exit 1
gens=()
for g in 1 2 3; do
  "$MALLARD" generate --source "$src" --continuous --rows 300 --delay 0.05 --quiet >"$dir/gen_$g.out" 2>&1 &
  gens+=($!)
done
slow=()
for s in 1 2; do
  (for i in 1 2 3 4 5 6; do slow_insert "0.$((RANDOM % 9 + 1))" 50; done; slow_insert 3 50) &
  slow+=($!)
done

runs=0
failed_runs=0
end=$((SECONDS + 15))
while [ $SECONDS -lt $end ]; do
  pipeline run >>"$dir/runs.out" 2>&1 || failed_runs=$((failed_runs + 1))
  runs=$((runs + 1))
done
for pid in "${slow[@]}"; do wait "$pid"; done
for pid in "${gens[@]}"; do kill -INT "$pid"; done
for g in 1 2 3; do
  wait "${gens[$((g - 1))]}"
  check "generator $g stops cleanly on SIGINT" 0 $?
done
# Drain what is left; the second run finds nothing new.
pipeline run >>"$dir/runs.out" 2>&1
check "final run" 0 $?
last=$(pipeline run 2>&1)
check "a run with nothing new commits nothing" 1 "$(echo "$last" | grep -c 'read 0, promoted 0')"
echo "$runs pipeline runs, $failed_runs failed; last: $last"
check "pipeline runs that failed" 0 "$failed_runs"
[ "$failed_runs" -eq 0 ] || grep -iv '^read\|promoted' "$dir/runs.out" | sort | uniq -c | head -20 >&2
check "runs promoted rows more than once" 1 "$([ "$(grep -c 'promoted [1-9]' "$dir/runs.out")" -gt 1 ] && echo 1 || echo 0)"
check "slow transactions' rows all arrived" 700 "$(psql "$src" -At -c "SELECT count(*) FROM ducklake_src.events WHERE details ? 'slow'")"

# A transaction writing in another database of the same server, open across a run, holds back the
# server's oldest running transaction id; it cannot write the source table, so the next run must
# not read that run's rows again.
other_db="mallard_other_$$_$RANDOM"
psql "$pg_base dbname=postgres" -q -c "CREATE DATABASE $other_db" >/dev/null
psql "$pg_base dbname=$other_db" -q -c "BEGIN; CREATE TABLE held (i int); INSERT INTO held VALUES (1);
  SELECT pg_sleep(8); COMMIT;" >/dev/null 2>&1 &
held=$!
sleep 1
"$MALLARD" generate --source "$src" --rows 20 --delay 0 --quiet >/dev/null
check "a run beside another database's open transaction" 1 "$(pipeline run 2>&1 | grep -c 'read 20, promoted 20')"
check "the next run reads nothing again" 1 "$(pipeline run 2>&1 | grep -c 'read 0, promoted 0')"
wait "$held"
psql "$pg_base dbname=postgres" -q -c "DROP DATABASE IF EXISTS $other_db WITH (FORCE)" >/dev/null

compare_lake_with_source "concurrent generators"
finish
