#!/usr/bin/env bash
# The pipeline's data path: without --data-path, a new lake gets the default folder (made
# absolute, so it is right from anywhere) and an existing lake keeps the one its catalog stores,
# whatever the working directory; a --data-path that differs from the stored one is refused. A
# lake named by a persistent DuckLake secret (--catalog ducklake:<secret>) is created with the
# secret's data path, not the default.
# Usage: pipeline_data_path.sh MALLARD sqlite|postgres   (needs the test PostgreSQL server)
source "$(dirname "$0")/pipeline_lib.sh" "$@"

mkdir -p "$dir/a" "$dir/b"
mallard_path=$(realpath "$MALLARD")
run_in() { # run_in FOLDER ARGS...: mallard pipeline run from FOLDER, without --data-path
  local folder=$1
  shift
  (cd "$folder" && "$mallard_path" pipeline run --source "$src" --catalog "ducklake:$catalog" "$@")
}

"$MALLARD" generate --source "$src" --rows 300 --delay 0 --quiet >/dev/null
run_in "$dir/a" >>"$dir/runs.out" 2>&1
check "first run, from folder a, creates the lake" 0 $?
stored=$("$MALLARD" -csv -c "ATTACH 'ducklake:$catalog' AS lake" -c "SELECT data_path FROM ducklake_settings('lake')" | tail -n 1)
check "the new lake stores the default folder, absolute" "$dir/a/mallard-lake/data/" "$stored"

"$MALLARD" generate --source "$src" --rows 300 --delay 0 --quiet >/dev/null
run_in "$dir/b" >>"$dir/runs.out" 2>&1
check "second run, from folder b, without --data-path" 0 $?
check "it wrote nothing under folder b" 0 "$(find "$dir/b" -name '*.parquet' | wc -l)"
check "every file is under the stored data path" 0 \
  "$("$MALLARD" -csv -c "ATTACH 'ducklake:$catalog' AS lake" -c "SELECT count(*) FROM ducklake_list_files('lake', 'events') WHERE NOT starts_with(data_file, '$dir/a/mallard-lake/data/')" | tail -n 1)"

run_in "$dir/b" --data-path "$dir/elsewhere/" >"$dir/refused.out" 2>&1
check "a --data-path other than the stored one is refused" 1 "$([ $? -ne 0 ] && echo 1 || echo 0)"
check "the refusal says why" 1 "$(grep -c 'is not the data path' "$dir/refused.out")"
run_in "$dir/b" --data-path "$dir/a/mallard-lake/data/" >>"$dir/runs.out" 2>&1
check "the stored path given explicitly is accepted" 0 $?

data="$dir/a/mallard-lake/data/" # where compare_lake_with_source attaches the lake
compare_lake_with_source "data path"

mkdir -p "$dir/home" "$dir/s"
secret_catalog=$(new_catalog "$backend" "$dir/s" "$pg_base")
HOME="$dir/home" "$mallard_path" -c "CREATE PERSISTENT SECRET piped (TYPE ducklake, METADATA_PATH '$secret_catalog',
  DATA_PATH '$dir/secret_data/')" >/dev/null
check "a persistent DuckLake secret" 0 $?
(cd "$dir/b" && HOME="$dir/home" "$mallard_path" pipeline run --source "$src" --catalog ducklake:piped) >>"$dir/runs.out" 2>&1
check "a run into a new lake named by the secret" 0 $?
check "the lake uses the secret's data path" "$dir/secret_data/" \
  "$(HOME="$dir/home" "$mallard_path" -csv -c "ATTACH 'ducklake:piped' AS lake" -c "SELECT data_path FROM ducklake_settings('lake')" | tail -n 1)"
check "its files are there" 1 "$([ "$(find "$dir/secret_data" -name '*.parquet' | wc -l)" -gt 0 ] && echo 1 || echo 0)"
finish
