# Helpers shared by the event-pipeline scenarios (pipeline_*.sh).
# Usage in a script: source pipeline_lib.sh "$@"   (arguments: MALLARD BACKEND)
# On top of lib.sh: src, a fresh source database on the test PostgreSQL server (dropped at exit),
# `pipeline ARGS...` (mallard pipeline with this lake and source), and compare_lake_with_source.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

src_db="mallard_src_$$_$RANDOM"
psql "$pg_base dbname=postgres" -q -c "CREATE DATABASE $src_db" >/dev/null || {
  echo "cannot create the source database on '$pg_base'" >&2
  exit 1
}
src="$pg_base dbname=$src_db"
cleanup_pipeline() {
  # Processes this script started and did not stop (after a failure), then the source database.
  jobs -p | xargs -r kill -9 2>/dev/null
  wait 2>/dev/null
  psql "$pg_base dbname=postgres" -q -c "DROP DATABASE IF EXISTS $src_db WITH (FORCE)" >/dev/null 2>&1
  cleanup_scenario
}
trap cleanup_pipeline EXIT

# For a pipeline in the background, whose pid must be mallard's own (not a subshell's), write
# "$MALLARD" pipeline run "${pipeline_args[@]}" &
pipeline_args=(--source "$src" --catalog "ducklake:$catalog" --data-path "$data")
pipeline() { # pipeline run|schedule [ARGS...]
  "$MALLARD" pipeline "$@" "${pipeline_args[@]}"
}

# A transaction that inserts events stamped 40 days ago (older than anything the generator
# writes), holds them uncommitted for SECONDS, then commits: its rows become visible after
# newer ones, out of timestamp order. Their details hold characters COPY and JSON both escape.
slow_insert() { # slow_insert SECONDS ROWS
  psql "$src" -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
BEGIN;
INSERT INTO ducklake_src.events (event_type, event_timestamp, details)
SELECT 'error_occurred', now()::timestamp - interval '40 days' + i * interval '1 ms',
       jsonb_build_object('severity', 'critical', 'slow', true, 'i', i,
                          'text', E'tab\there, "quotes", back\\slash,\nnewline, \u00fcnicode')
FROM generate_series(1, $2) i;
SELECT pg_sleep($1);
COMMIT;
SQL
}

# The lake's events equal the source's: same rows (event_id, type, timestamp, details text,
# created_at), no duplicates, nothing missing.
compare_lake_with_source() { # compare_lake_with_source LABEL
  psql "$src" -q -c "\\copy (SELECT event_id, event_type, event_timestamp, details::text, created_at FROM ducklake_src.events) TO '$dir/source.csv' CSV HEADER" ||
    { check "$1: export the source" 0 1; return; }
  local result
  result=$("$MALLARD" -csv -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" -c "
    CREATE TEMP TABLE src AS FROM read_csv('$dir/source.csv', header = true, quote = '\"', escape = '\"',
      columns = {'event_id': 'UUID', 'event_type': 'VARCHAR', 'event_timestamp': 'TIMESTAMP',
                 'details': 'VARCHAR', 'created_at': 'TIMESTAMP'});
    CREATE TEMP TABLE lk AS SELECT event_id, event_type, event_timestamp, details::VARCHAR AS details, created_at
      FROM lake.events;
    SELECT (SELECT count(*) FROM src) AS source_rows,
           (SELECT count(*) FROM lk) - (SELECT count(*) FROM src) AS extra,
           (SELECT count(*) - count(DISTINCT event_id) FROM lk) AS duplicates,
           (SELECT count(*) FROM (FROM src EXCEPT ALL FROM lk)) AS missing,
           (SELECT count(*) FROM (FROM lk EXCEPT ALL FROM src)) AS different;" | tail -n 1)
  echo "$1: source_rows,extra,duplicates,missing,different = $result"
  local source_rows=${result%%,*}
  check "$1: the source has rows" 1 "$([ "${source_rows:-0}" -gt 0 ] 2>/dev/null && echo 1 || echo 0)"
  check "$1: lake has no extra rows, no duplicates, misses none, differs in none" "0,0,0,0" "${result#*,}"
}
