#!/usr/bin/env bash
# The pipeline into an encrypted lake: the lake is created with ENCRYPTED in the shell, and
# `mallard pipeline run` then follows the catalog's setting without being told. Every file it and
# the scheduled maintenance write has its own key, no event text is readable in them, and the
# lake's events equal the source's.
# Usage: pipeline_encrypted.sh MALLARD sqlite|postgres   (needs the test PostgreSQL server)
source "$(dirname "$0")/pipeline_lib.sh" "$@"

"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data', ENCRYPTED)" >/dev/null
check "create the encrypted lake" 0 $?

for batch in 1 2 3; do
  "$MALLARD" generate --source "$src" --rows 500 --delay 0 --quiet >/dev/null
  pipeline run >>"$dir/runs.out" 2>&1
  check "pipeline run $batch" 0 $?
done
"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake" -c "CHECKPOINT lake" >>"$dir/runs.out" 2>&1
check "checkpoint (flush, merge, rewrite, cleanup)" 0 $?

files=$("$MALLARD" -csv -c "ATTACH 'ducklake:$catalog' AS lake" -c "
  SELECT count(*), count(*) FILTER (data_file_encryption_key IS NULL),
         count(*) FILTER (delete_file IS NOT NULL AND delete_file_encryption_key IS NULL)
  FROM ducklake_list_files('lake', 'events')" | tail -n 1)
check "the lake has data files, every one with a key" 1 "$([ "${files%%,*}" -gt 0 ] 2>/dev/null && echo 1 || echo 0)"
check "no file without its key" "0,0" "${files#*,}"
# Event types are plain words in the source; none may be readable in any file of the lake.
plain=$(grep -rl --include='*.parquet' -e 'user_login' -e 'page_view' -e 'error_occurred' "$data" | wc -l)
check "no event text readable in the lake's files" 0 "$plain"
compare_lake_with_source "encrypted lake"
finish
