#!/usr/bin/env bash
# Peak memory of one large INSERT ... SELECT into the lake, beside plain DuckDB writing the same
# rows to one Parquet file (issue 3: a 50M-row INSERT must stay under 1.5 GB resident).
# Usage: bench/insert_memory.sh [MALLARD] [WORKDIR] [ROWS]   (defaults: build/mallard, bench/data, 50000000)
set -euo pipefail
MALLARD=$(realpath "${1:-build/mallard}")
work=$(realpath -m "${2:-bench/data}")/insert_memory
rows=${3:-50000000}
rm -rf "$work" && mkdir -p "$work"
cd "$work"

select="SELECT i, ['user_login','api_request','payment_processed','error_occurred','feature_usage'][i % 5 + 1],
  TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND, (i * 7919) % 10000, (i % 100000) / 10.0 FROM range($rows) t(i)"
# Prints "peak_MB wall_s" of one mallard process.
measure() {
  /usr/bin/time -f '%M %e' -o time.txt "$MALLARD" "$@" >/dev/null
  awk '{ printf "%.0f %s\n", $1 / 1024, $2 }' time.txt
}
read -r lake_mb lake_s < <(measure \
  -c "ATTACH 'ducklake:sqlite:catalog.sqlite' AS lake (DATA_PATH 'data/')" \
  -c "CREATE TABLE lake.events (event_id BIGINT, event_type VARCHAR, event_timestamp TIMESTAMP, user_id INTEGER, amount DOUBLE)" \
  -c "INSERT INTO lake.events $select")
read -r plain_mb plain_s < <(measure -c "COPY ($select) TO 'plain.parquet' (FORMAT parquet, COMPRESSION zstd)")
stored=$("$MALLARD" -csv -c "ATTACH 'ducklake:sqlite:catalog.sqlite' AS lake" -c "SELECT count(*) FROM lake.events" | tail -1)

echo "## INSERT ... SELECT of $rows rows: peak resident memory"
echo "| | Mallard INSERT into the lake | DuckDB COPY TO parquet |"
echo "|---|---|---|"
echo "| peak resident (MB) | $lake_mb | $plain_mb |"
echo "| wall (s) | $lake_s | $plain_s |"
echo
echo "rows in the lake afterwards: $stored"
