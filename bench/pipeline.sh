#!/usr/bin/env bash
# The event pipeline's two figures (issue 7):
#   throughput  events/s of one `pipeline run` over a bulk backlog (source commit -> lake commit)
#   freshness   seconds from an event's insert in PostgreSQL until a lake query sees it, with the
#               generator at about 10,000 events/s and `pipeline schedule --interval 1`
# Usage: bench/pipeline.sh [MALLARD] [WORKDIR]
#   MALLARD_BENCH_PG   the PostgreSQL server for the source (default host=127.0.0.1 port=54329
#                      user=postgres; `bash test/scripts/postgres.sh start` gives one)
#   BACKLOG            events in the backlog (default 1000000)
#   PROBES             freshness probes (default 20)
# The lake's catalog is SQLite (the default), and PostgreSQL too when MALLARD_BENCH_PG is set.
set -uo pipefail
MALLARD=$(realpath "${1:-build/mallard}")
work=${2:-$(mktemp -d)}
mkdir -p "$work"
pg="${MALLARD_BENCH_PG:-host=127.0.0.1 port=54329 user=postgres}"
backlog=${BACKLOG:-1000000}
probes=${PROBES:-20}
db=mallard_bench_src_$$
psql "$pg dbname=postgres" -q -c "CREATE DATABASE $db" || exit 1
src="$pg dbname=$db"
cleanup() {
  jobs -p | xargs -r kill -INT 2>/dev/null
  wait 2>/dev/null
  psql "$pg dbname=postgres" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
}
trap cleanup EXIT

lake_args() { # lake_args NAME: the --catalog/--data-path of a fresh lake
  rm -rf "$work/$1"
  echo "--catalog ducklake:sqlite:$work/$1/catalog.sqlite --data-path $work/$1/data/"
}

echo "## throughput: one run over a backlog of $backlog events"
start=$(date +%s.%N)
"$MALLARD" generate --source "$src" --truncate --rows 100000 --loops $((backlog / 100000)) --delay 0 --quiet >/dev/null
echo "generating the backlog: $(echo "$(date +%s.%N) - $start" | bc) s"
psql "$src" -q -c "VACUUM ANALYZE ducklake_src.events"
for catalog in sqlite postgres; do
  if [ "$catalog" = postgres ]; then
    [ -n "${MALLARD_BENCH_PG:-}" ] || continue
    psql "$pg dbname=postgres" -q -c "DROP DATABASE IF EXISTS ${db}_lake" -c "CREATE DATABASE ${db}_lake"
    args="--catalog ducklake:postgres:$pg dbname=${db}_lake --data-path $work/pglake/data/"
    rm -rf "$work/pglake"
    line=$("$MALLARD" pipeline run --source "$src" --catalog "ducklake:postgres:$pg dbname=${db}_lake" \
      --data-path "$work/pglake/data/")
  else
    line=$("$MALLARD" pipeline run --source "$src" $(lake_args throughput))
  fi
  seconds=$(echo "$line" | sed -E 's/.* ([0-9.]+) s \(extract.*/\1/')
  echo "$catalog catalog: $line"
  echo "$catalog catalog: $(echo "$backlog / $seconds" | bc) events/s"
  [ "$catalog" = postgres ] && psql "$pg dbname=postgres" -q -c "DROP DATABASE IF EXISTS ${db}_lake WITH (FORCE)"
done

echo
echo "## freshness: generator at ~10,000 events/s, schedule every 1 s, $probes probes"
"$MALLARD" generate --source "$src" --truncate --rows 0 --delay 0 --quiet >/dev/null
args=$(lake_args fresh)
"$MALLARD" pipeline run --source "$src" $args >/dev/null
# Two generators of 1,000 events every ~0.1 s (plus their COPY time): about 10,000 events/s.
for g in 1 2; do
  "$MALLARD" generate --source "$src" --continuous --rows 1000 --delay 0.1 --quiet >/dev/null 2>&1 &
done
"$MALLARD" pipeline schedule --source "$src" $args --interval 1 >"$work/schedule.log" 2>&1 &
sleep 3
before=$(psql "$src" -At -c "SELECT count(*) FROM ducklake_src.events")
t_before=$(date +%s.%N)
results=()
for i in $(seq 1 "$probes"); do
  id=$(psql "$src" -qAt -c "INSERT INTO ducklake_src.events (event_type, event_timestamp, details) VALUES ('probe', now(), '{}') RETURNING event_id")
  t0=$(date +%s.%N)
  while true; do
    seen=$("$MALLARD" -csv -c "ATTACH 'ducklake:sqlite:$work/fresh/catalog.sqlite' AS lake (DATA_PATH '$work/fresh/data/', READ_ONLY)" \
      -c "SELECT count(*) FROM lake.events WHERE event_id = '$id' AND event_timestamp > now() - INTERVAL '1 hour'" | tail -n 1)
    [ "$seen" = 1 ] && break
    sleep 0.05
  done
  results+=("$(echo "$(date +%s.%N) - $t0" | bc)")
  sleep 0.$((RANDOM % 9 + 1))
done
after=$(psql "$src" -At -c "SELECT count(*) FROM ducklake_src.events")
rate=$(echo "($after - $before) / ($(date +%s.%N) - $t_before)" | bc)
sorted=$(printf '%s\n' "${results[@]}" | sort -n)
echo "source insert rate during the probes: $rate events/s"
echo "freshness (s): median $(echo "$sorted" | sed -n "$(((probes + 1) / 2))p"), max $(echo "$sorted" | tail -n 1), min $(echo "$sorted" | head -n 1)"
echo "schedule log (last lines):"
tail -n 3 "$work/schedule.log"
