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

# How long a run takes here and now (the machine may be loaded): kills land at random moments
# across that span, and a little after it, so runs die in every phase and some commit first.
# Each kill widens the span by a tenth, since the backlog (and the next run) grows meanwhile; three
# kills in a row widen it by half more (a loaded machine made runs outgrow the span, and then
# every run died before committing).
start_ms=$(date +%s%3N)
pipeline run >>"$dir/runs.out" 2>&1
span_ms=$(( ($(date +%s%3N) - start_ms) * 13 / 10 + 50 ))
kills=0
streak=0
for round in $(seq 1 25); do
  "$MALLARD" pipeline run "${pipeline_args[@]}" >>"$dir/runs.out" 2>&1 &
  pid=$!
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % span_ms ))
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    kills=$((kills + 1))
    # The backlog grows while runs die, and runs get longer: widen the span to match.
    span_ms=$((span_ms * 11 / 10))
    streak=$((streak + 1))
    if [ "$streak" -ge 3 ]; then
      span_ms=$((span_ms * 3 / 2))
    fi
  else
    streak=0
  fi
  wait "$pid" 2>/dev/null
done
wait "$slow"
for pid in "${gens[@]}"; do kill -INT "$pid"; wait "$pid"; done
# The timing run above committed one state row; the others come from runs that beat their kill.
committed=$(( $(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.mallard_pipeline_state") - 1 ))
echo "$kills of 25 runs were killed (kill span grew to ${span_ms} ms); $committed runs committed between kills"
check "some runs committed between the kills" 1 "$([ "${committed:-0}" -gt 0 ] && echo 1 || echo 0)"
# The lake opens and recovers: plain runs until nothing is new.
pipeline run >>"$dir/runs.out" 2>&1
check "run after the kills" 0 $?
pipeline run >>"$dir/runs.out" 2>&1
check "second run after the kills" 0 $?
check "some runs were killed" 1 "$([ "$kills" -gt 0 ] && echo 1 || echo 0)"
compare_lake_with_source "killed runs"
finish
