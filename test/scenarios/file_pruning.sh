#!/usr/bin/env bash
# File pruning from catalog statistics: a file whose min/max cannot match the filter is never
# opened. Proof: overwrite one data file with garbage; queries whose filters exclude it still
# answer, and a query that needs it fails with an error naming the file and the table.
# Usage: file_pruning.sh MALLARD sqlite|postgres|duckdb
source "$(dirname "$0")/lib.sh" "$@"
"$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" \
  -c "CREATE TABLE lake.t (i INTEGER, s VARCHAR, ts TIMESTAMP)" \
  -c "INSERT INTO lake.t SELECT i, 'alpha_' || i, TIMESTAMP '2025-01-01' + INTERVAL (i) MINUTE FROM range(0, 100) r(i)" \
  -c "INSERT INTO lake.t SELECT i, 'bravo_' || i, TIMESTAMP '2025-02-01' + INTERVAL (i) MINUTE FROM range(100, 200) r(i)" \
  -c "INSERT INTO lake.t SELECT i, 'charlie_' || i, TIMESTAMP '2025-03-01' + INTERVAL (i) MINUTE FROM range(200, 300) r(i)" \
  -c "CREATE TABLE lake.other AS SELECT 7 AS x" || exit 1

# Find the file holding rows 100..199 and damage it.
victim=$("$MALLARD" -csv -c "SELECT DISTINCT filename FROM read_parquet('${data}main/t/*.parquet', filename=true) WHERE i = 150" | tail -n +2)
check "found the second file" 1 "$([ -f "$victim" ] && echo 1 || echo 0)"
echo "this is not parquet" >"$victim"

check "integer filter skips the damaged file" "100,4950" \
  "$(lake_query "$catalog" "$data" "SELECT count(*), sum(i) FROM lake.t WHERE i < 100")"
check "range filter skips it" "100" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t WHERE i BETWEEN 200 AND 400")"
check "string filter skips it" "1" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t WHERE s = 'charlie_250'")"
check "timestamp filter skips it" "100" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t WHERE ts >= TIMESTAMP '2025-03-01'")"

check "count(*) without a filter is answered from the catalog" "300" \
  "$(lake_query "$catalog" "$data" "SELECT count(*) FROM lake.t")"

plan=$("$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" -c "EXPLAIN ANALYZE SELECT count(*) FROM lake.t WHERE i < 100")
check "EXPLAIN ANALYZE reports the pruned files" 1 "$(echo "$plan" | grep -c '1 of 3 read (2 pruned')"

error=$("$MALLARD" -c "ATTACH 'ducklake:$catalog' AS lake (DATA_PATH '$data')" -c "SELECT count(*) FROM lake.t WHERE i = 150" 2>&1 >/dev/null)
check "reading the damaged file fails naming the file" 1 "$(echo "$error" | grep -c "$(basename "$victim")")"
check "... and naming the table" 1 "$(echo "$error" | grep -c '"t"')"
check "other tables stay readable" "7" "$(lake_query "$catalog" "$data" "SELECT x FROM lake.other")"
finish
