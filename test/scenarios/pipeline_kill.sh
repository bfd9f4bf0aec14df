#!/usr/bin/env bash
# Exactly once across crashes: like pipeline_exactly_once.sh, but every pipeline run is killed
# with SIGKILL at a random moment (extracting, promoting, committing, or after) and started
# again. A run's rows and its state commit together or not at all, so at the end the lake's events
# still equal the source's exactly.
# Usage: pipeline_kill.sh MALLARD sqlite|postgres   (needs the test PostgreSQL server)
source "$(dirname "$0")/pipeline_lib.sh" "$@"

"$MALLARD" generate --source "$src" --rows 2000 --delay 0 --quiet >/dev/null || exit 1
gens=()
for g in 1 2; do
  "$MALLARD" generate --source "$src" --continuous --rows 2000 --delay 0.1 --quiet >"$dir/gen_$g.out" 2>&1 &
  gens+=($!)
done
(for i in 1 2 3 4 5 6 7 8; do slow_insert "0.$((RANDOM % 9 + 1))" 100; done) &
slow=$!

kills=0
for round in $(seq 1 25); do
  "$MALLARD" pipeline run "${pipeline_args[@]}" >>"$dir/runs.out" 2>&1 &
  pid=$!
  sleep "$((RANDOM % 2)).$((RANDOM % 10))$((RANDOM % 10))"
  if kill -9 "$pid" 2>/dev/null; then
    kills=$((kills + 1))
  fi
  wait "$pid" 2>/dev/null
done
wait "$slow"
for pid in "${gens[@]}"; do kill -INT "$pid"; wait "$pid"; done
committed=$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.mallard_pipeline_state")
echo "$kills of 25 runs were killed; $committed runs committed before the final ones"
check "some runs committed between the kills" 1 "$([ "${committed:-0}" -gt 0 ] && echo 1 || echo 0)"
# The lake opens and recovers: plain runs until nothing is new.
pipeline run >>"$dir/runs.out" 2>&1
check "run after the kills" 0 $?
pipeline run >>"$dir/runs.out" 2>&1
check "second run after the kills" 0 $?
check "some runs were killed" 1 "$([ "$kills" -gt 0 ] && echo 1 || echo 0)"
compare_lake_with_source "killed runs"
finish
