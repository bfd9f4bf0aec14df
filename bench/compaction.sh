#!/usr/bin/env bash
# Benchmark 5 of the maintenance issue: compaction of N one-row-group files (default 10,000, of
# 1,000 rows each) into target-size files with ducklake_merge_adjacent_files, on a SQLite catalog;
# then the same for N/10 files that have delete files and explicit row ids (5b).
# Usage: bench/compaction.sh [MALLARD] [WORKDIR] [FILES]
# Prints a Markdown table; bench/README.md holds the figures of a recorded run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
files=${3:-10000}
rows=1000
bench_workdir "${1:-}" "${2:-}"
# write_load DIR COUNT: a fresh DIR and DIR/load.sql, which creates the lake's table and inserts
# COUNT files of $rows rows, one per commit; sets $attach for the lake in DIR.
write_load() {
  rm -rf "$1" && mkdir "$1"
  attach="ATTACH 'ducklake:sqlite:$1/catalog.sqlite' AS lake (DATA_PATH '$1/data/')"
  {
    echo "$attach;"
    echo "CREATE TABLE lake.events (event_id BIGINT, event_type VARCHAR, amount DOUBLE);"
    echo "CALL lake.set_option('target_file_size', '4MB');"
    for f in $(seq 0 $(($2 - 1))); do
      echo "INSERT INTO lake.events SELECT i, 'type_' || (i % 7), i / 3.0 FROM range($((f * rows)), $(((f + 1) * rows))) t(i);"
    done
  } >"$1/load.sql"
}
write_load compact "$files"
load_start=$(date +%s.%N)
"$MALLARD" -f compact/load.sql >/dev/null
load_end=$(date +%s.%N)
before=$("$MALLARD" -csv -c "$attach" -c "SELECT file_count, file_size_bytes FROM lake.table_info()" | tail -1)
query="SELECT count(*), sum(event_id), sum(amount::DECIMAL(18,3)) FROM lake.events"
check_before=$("$MALLARD" -csv -c "$attach" -c "$query" | tail -1)
scan_before=$(bench_time_last -c "$attach" -c "$query")
merge_time=$(bench_time_last -c "$attach" -c "CALL ducklake_merge_adjacent_files('lake')")
after=$("$MALLARD" -csv -c "$attach" -c "SELECT file_count, file_size_bytes FROM lake.table_info()" | tail -1)
check_after=$("$MALLARD" -csv -c "$attach" -c "$query" | tail -1)
scan_after=$(bench_time_last -c "$attach" -c "$query")
echo "## 5. Compaction of $files one-row-group files ($rows rows each) into 4 MB target files"
echo "| | value |"
echo "|---|---|"
echo "| load: $files single-insert commits (s) | $(awk -v a="$load_start" -v b="$load_end" 'BEGIN { printf "%.1f", b - a }') |"
echo "| files, bytes before | ${before/,/, } |"
echo "| ducklake_merge_adjacent_files (s) | $merge_time |"
echo "| files, bytes after | ${after/,/, } |"
echo "| full scan before / after (s) | $scan_before / $scan_after |"
echo "| results identical | $([ "$check_before" = "$check_after" ] && echo yes || echo "NO: $check_before vs $check_after") |"

# The same with deletes: a tenth as many files, each with a delete file and one UPDATE's file of
# rows that keep their row ids. Merging used to leave all of them behind.
dfiles=$(( files / 10 > 2 ? files / 10 : 2 ))
write_load compact_del "$dfiles"
{
  echo "DELETE FROM lake.events WHERE event_id % 100 = 7;"
  echo "UPDATE lake.events SET amount = -amount WHERE event_id % 1000 = 3;"
} >>compact_del/load.sql
"$MALLARD" -f compact_del/load.sql >/dev/null
before=$("$MALLARD" -csv -c "$attach" -c "SELECT file_count, delete_file_count FROM lake.table_info()" | tail -1)
query="SELECT count(*), sum(event_id), sum(amount::DECIMAL(18,3)), sum(rowid) FROM lake.events"
check_before=$("$MALLARD" -csv -c "$attach" -c "$query" | tail -1)
merge_time=$(bench_time_last -c "$attach" -c "CALL ducklake_merge_adjacent_files('lake')")
after=$("$MALLARD" -csv -c "$attach" -c "SELECT file_count, delete_file_count FROM lake.table_info()" | tail -1)
check_after=$("$MALLARD" -csv -c "$attach" -c "$query" | tail -1)
echo
echo "## 5b. The same for $dfiles files with deletes (1%) and an UPDATE's file"
echo "| | value |"
echo "|---|---|"
echo "| data files, delete files before | ${before/,/, } |"
echo "| ducklake_merge_adjacent_files (s) | $merge_time |"
echo "| data files, delete files after | ${after/,/, } |"
echo "| results and row ids identical | $([ "$check_before" = "$check_after" ] && echo yes || echo "NO: $check_before vs $check_after") |"
