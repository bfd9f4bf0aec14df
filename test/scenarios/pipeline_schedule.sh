#!/usr/bin/env bash
# `mallard pipeline schedule` keeps the lake up to date while a generator writes, logs one line per
# action (maintenance steps that this build lacks say so and the schedule goes on), and stops
# cleanly on SIGTERM. A run that cannot reach its source gives up after its retries and changes
# nothing.
# Usage: pipeline_schedule.sh MALLARD sqlite|postgres   (needs the test PostgreSQL server)
source "$(dirname "$0")/pipeline_lib.sh" "$@"

"$MALLARD" generate --source "$src" --rows 500 --delay 0 --quiet >/dev/null || exit 1
"$MALLARD" generate --source "$src" --continuous --rows 500 --delay 0.1 --quiet >/dev/null 2>&1 &
gen=$!
"$MALLARD" pipeline schedule "${pipeline_args[@]}" --interval 0.3 --expire-interval 1 --compact-interval 1.5 >"$dir/schedule.log" 2>&1 &
sched=$!
sleep 4
kill -TERM "$sched"
wait "$sched"
check "schedule exits 0 on SIGTERM" 0 $?
kill -INT "$gen"
wait "$gen"
cat "$dir/schedule.log" | head -5
check "several pipeline runs logged" 1 "$([ "$(grep -c ' pipeline: read [0-9]*, promoted' "$dir/schedule.log")" -ge 3 ] && echo 1 || echo 0)"
check "expiry logged" 1 "$([ "$(grep -c ' expire snapshots: ' "$dir/schedule.log")" -ge 1 ] && echo 1 || echo 0)"
check "cleanup logged" 1 "$([ "$(grep -c ' cleanup old files: ' "$dir/schedule.log")" -ge 1 ] && echo 1 || echo 0)"
check "compaction logged" 1 "$([ "$(grep -c ' compaction: ' "$dir/schedule.log")" -ge 1 ] && echo 1 || echo 0)"
check "no step failed" 0 "$(grep -c 'failed\|gave up' "$dir/schedule.log")"
check "stop logged last" "schedule: stopped" "$(tail -n 1 "$dir/schedule.log" | cut -d' ' -f4-)"

# Compaction commits with the pipeline's message (a lake requiring commit messages accepts it).
check "compaction snapshots carry the pipeline's message" 0 "$(lake_query "$catalog" "$data" \
  "SELECT count(*) FROM lake.snapshots() WHERE changes::VARCHAR LIKE '%compacted%' AND (author, commit_message) IS DISTINCT FROM ('mallard pipeline', 'compaction')")"
snapshots=$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.snapshots()")
"$MALLARD" pipeline run --source "host=127.0.0.1 port=1 user=postgres connect_timeout=2" \
  --catalog "ducklake:$catalog" --data-path "$data" --retries 1 >"$dir/giveup.out" 2>&1
check "an unreachable source: exit 1" 1 $?
check "it was retried" 1 "$(grep -c 'attempt 1 failed' "$dir/giveup.out")"
check "the error names the source" 1 "$(grep -c 'mallard pipeline: .*source database' "$dir/giveup.out")"
check "a run that gives up changes nothing" "$snapshots" "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.snapshots()")"

pipeline run >/dev/null
check "final run" 0 $?
compare_lake_with_source "after the schedule"
finish
