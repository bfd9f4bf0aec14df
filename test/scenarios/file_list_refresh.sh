#!/usr/bin/env bash
# A long-lived reader keeps each table's file list cached per snapshot; other processes commit
# files between its queries. Each new transaction of the reader must see exactly the files of its
# snapshot: new files, deletes, a merge that replaces every file (the old files stay on disk, so a
# stale list would count rows twice), and a commit to another table; an open transaction keeps
# its snapshot's files.
# Usage: file_list_refresh.sh MALLARD sqlite|postgres
source "$(dirname "$0")/lib.sh" "$@"
attach="ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data', DATA_INLINING_ROW_LIMIT 0)"
writer() { "$MALLARD" -c "$attach" -c "$1" >/dev/null || echo "FAIL: writer: $1" >&2; }

writer "CREATE TABLE lake.t (i INTEGER); CREATE TABLE lake.other (x INTEGER)"
writer "INSERT INTO lake.t SELECT r FROM range(0, 100) t(r)"
writer "INSERT INTO lake.t SELECT r FROM range(100, 200) t(r)"

# The reader: one mallard process reading statements from a fifo as they arrive.
mkfifo "$dir/in"
"$MALLARD" -csv <"$dir/in" >"$dir/out" 2>"$dir/err" &
reader=$!
exec 3>"$dir/in"
echo "$attach;" >&3
step=0
# Runs one query in the reader and checks its result row (waits for the marker printed after it).
# Not in a subshell: `step` must count across calls.
check_query() { # check_query DESCRIPTION EXPECTED SQL
  local sql=$3
  step=$((step + 1))
  echo "$sql;" >&3
  echo "SELECT 'done_$step' AS marker;" >&3
  for _ in $(seq 1 300); do
    grep -q "^done_$step\$" "$dir/out" && break
    sleep 0.1
  done
  # The query's row is the last line before the marker's header.
  check "$1" "$2" "$(awk -v m="done_$step" '$0 == m { print prev2; exit } { prev2 = prev1; prev1 = $0 }' "$dir/out")"
}
q="SELECT count(*) || ' ' || sum(i) || ' ' || count(DISTINCT filename) FROM lake.t"
pruned="SELECT count(*) FROM lake.t WHERE i >= 150"

check_query "first read" "200 19900 2" "$q"
check_query "first pruned read" "50" "$pruned"

writer "INSERT INTO lake.t SELECT r FROM range(200, 300) t(r)"
check_query "a file another process added" "300 44850 3" "$q"
check_query "... also where pruning decides" "150" "$pruned"

writer "INSERT INTO lake.other VALUES (1)"
check_query "another table's commit changes nothing" "300 44850 3" "$q"

writer "DELETE FROM lake.t WHERE i >= 290"
check_query "rows another process deleted" "290 41905 3" "$q"
check_query "... also where pruning decides" "140" "$pruned"

echo "BEGIN;" >&3
check_query "open transaction" "290 41905 3" "$q"
writer "INSERT INTO lake.t SELECT r FROM range(1000, 1010) t(r)"
check_query "an open transaction keeps its snapshot's files" "290 41905 3" "$q"
echo "COMMIT;" >&3
check_query "the next transaction sees the new file" "300 51950 4" "$q"

writer "CALL ducklake_rewrite_data_files('lake', 't', delete_threshold => 0.0)"
writer "SELECT * FROM ducklake_merge_adjacent_files('lake', 't')"
# What a new process reads is the truth; the merge left fewer files than the 4 before.
fresh=$(lake_query "$catalog" "$data" "$q")
check "the merge merged" 1 "$([ "${fresh##* }" -lt 4 ] && echo 1 || echo 0)"
check_query "files another process rewrote and merged" "$fresh" "$q"
check_query "... also where pruning decides" "150" "$pruned"
check_query "time travel to before the merge" "300 51950 4" "$q AT (VERSION => 8)"

exec 3>&-
wait "$reader"
check "reader errors" "" "$(cat "$dir/err")"
finish
