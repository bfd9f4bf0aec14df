# What the benchmark scripts share; each sources it: source "$(dirname "$0")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lake_catalog.sh"

# bench_workdir [MALLARD] [WORKDIR]: sets $MALLARD and $work to absolute paths (defaults
# build/mallard and bench/data, relative to where the script was started), creates $work and
# makes it the current folder. PostgreSQL databases that bench_catalog makes are dropped at exit.
bench_workdir() {
  MALLARD=$(realpath "${1:-build/mallard}")
  work=$(realpath -m "${2:-bench/data}")
  mkdir -p "$work"
  cd "$work"
  trap bench_drop_databases EXIT
}

# bench_catalog BACKEND DIR: new_catalog (scripts/lake_catalog.sh) on the PostgreSQL server of
# $MALLARD_BENCH_PG (e.g. 'host=127.0.0.1 port=54329 user=postgres') for postgres.
bench_catalog() {
  new_catalog "$1" "$2" "${MALLARD_BENCH_PG:-}"
}

# Drops the databases bench_catalog made in this run (the PostgreSQL lakes are not kept).
bench_drop_databases() {
  [ -z "${MALLARD_BENCH_PG:-}" ] || drop_new_catalogs "$MALLARD_BENCH_PG"
}

# bench_times ARGS...: runs `mallard ARGS` in a new process and prints the real time (s) of each
# statement it timed, one a line (ARGS turn the timer on with -c ".timer on" where timing starts).
bench_times() {
  "$MALLARD" "$@" 2>/dev/null | grep -o 'real [0-9.]*' | cut -d' ' -f2
}

# bench_time_last ARGS...: the real time (s) of the last statement of `mallard ARGS`, all timed.
bench_time_last() {
  bench_times -c ".timer on" "$@" | tail -1
}

# bench_time_warm N SETUP QUERY: in one process, SETUP, QUERY once to warm up, then QUERY N times;
# prints the median real time (s) of the N.
bench_time_warm() {
  local n=$1 setup=$2 query=$3 args=()
  for _ in $(seq 0 "$n"); do args+=(-c "$query"); done
  bench_times -c "$setup" -c ".timer on" "${args[@]}" | tail -n "$n" | sort -g |
    awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
