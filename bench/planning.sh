#!/usr/bin/env bash
# Benchmark 4 (issue 3): planning a point query on a table of 100,000 data files and 10,000 snapshots.
# Usage: bench/planning.sh [MALLARD] [WORKDIR] [FILES]        (FILES defaults to 100000)
#
# How the lake is built (inserting 100,000 files one commit at a time would take hours): Mallard
# creates the lake and the table `events (event_id BIGINT, amount DOUBLE)` (snapshot 1), then the
# catalog rows are written with SQL straight into the catalog database, as 10,000 snapshots of 10
# files each: ducklake_snapshot, ducklake_snapshot_changes, ducklake_data_file and
# ducklake_file_column_stats (file k holds event_id 10k .. 10k+9 and amount = event_id / 4.0), and
# the table's stats. The DuckDB-file catalog is written by a plain DuckDB ATTACH of the catalog
# file, the SQLite one by the sqlite3 shell, with the same SQL. Both lakes share one data folder.
# File k = 54321, which the query reads, is a real Parquet file with those rows; every other data
# file is a hard link to a copy of one placeholder file (so each exists, but only its catalog statistics are
# meaningful: this lake is for planning, a full scan would read placeholder rows).
#
# Measured (`.timer` of the mallard shell): the point query `event_id = 543215` (prunes 99,999 of
# 100,000 files by column statistics and reads one) as the first query of a new process right after
# ATTACH, a second point query on another value right after it in the same process (a table whose
# whole file list is not read yet), the second value again after a commit of one more file (a new
# snapshot: what a query costs on a lake being written to), and warm (median of 5 in one process).
# With MALLARD_BENCH_PG set, a PostgreSQL catalog too (its rows written by psql with the same SQL).
# Run it with FILES=1000 as well to see how the times grow with the lake.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_workdir "${1:-}" "${2:-}"
work=$work/planning
FILES=${3:-100000}
PER_SNAPSHOT=10
SNAPSHOTS=$((FILES / PER_SNAPSHOT))
TARGET=54321
[ "$TARGET" -lt "$FILES" ] || TARGET=$((FILES / 2))
POINT=$((TARGET * 10 + 5))
# The second query's value lies in another file (a placeholder: the file is opened, no row matches).
POINT2=$(((TARGET / 2) * 10 + 5))
rm -rf "$work" && mkdir -p "$work/data/main/events"
cd "$work"

# The rows of the catalog, in SQL that DuckDB and SQLite both run; `nums(i)` holds 0 .. FILES-1.
catalog_sql() { # catalog_sql TABLE_ID
	local t=$1
	cat <<EOF
INSERT INTO ducklake_snapshot (snapshot_id, snapshot_time, schema_version, next_catalog_id, next_file_id)
  SELECT i + 2, (SELECT snapshot_time FROM ducklake_snapshot WHERE snapshot_id = 1),
         (SELECT schema_version FROM ducklake_snapshot WHERE snapshot_id = 1),
         (SELECT next_catalog_id FROM ducklake_snapshot WHERE snapshot_id = 1), (i + 1) * $PER_SNAPSHOT
  FROM nums WHERE i < $SNAPSHOTS;
INSERT INTO ducklake_snapshot_changes (snapshot_id, changes_made, author, commit_message, commit_extra_info)
  SELECT i + 2, 'inserted_into_table:$t', NULL, NULL, NULL FROM nums WHERE i < $SNAPSHOTS;
INSERT INTO ducklake_data_file (data_file_id, table_id, begin_snapshot, end_snapshot, file_order, path,
    path_is_relative, file_format, record_count, file_size_bytes, footer_size, row_id_start, partition_id,
    encryption_key, mapping_id, partial_max)
  SELECT i, $t, CAST((i - i % $PER_SNAPSHOT) / $PER_SNAPSHOT AS BIGINT) + 2, NULL, NULL,
         'file_' || i || '.parquet', true, 'parquet', 10, $PLACEHOLDER_BYTES, NULL, i * 10, NULL, NULL, NULL, NULL
  FROM nums;
INSERT INTO ducklake_file_column_stats (data_file_id, table_id, column_id, column_size_bytes, value_count,
    null_count, min_value, max_value, contains_nan, extra_stats)
  SELECT i, $t, 1, 100, 10, 0, CAST(i * 10 AS VARCHAR), CAST(i * 10 + 9 AS VARCHAR), NULL, NULL FROM nums;
INSERT INTO ducklake_file_column_stats (data_file_id, table_id, column_id, column_size_bytes, value_count,
    null_count, min_value, max_value, contains_nan, extra_stats)
  SELECT i, $t, 2, 100, 10, 0, CAST(i * 2.5 AS VARCHAR), CAST((i * 10 + 9) / 4.0 AS VARCHAR), false, NULL
  FROM nums;
INSERT INTO ducklake_table_stats (table_id, record_count, next_row_id, file_size_bytes)
  VALUES ($t, $((FILES * 10)), $((FILES * 10)), $((FILES * PLACEHOLDER_BYTES)));
DROP TABLE nums;
EOF
}

# The data files: one real file for the queried rows, hard links to a placeholder for the rest.
"$MALLARD" -c "COPY (SELECT i AS event_id, i / 4.0 AS amount FROM range(-10, 0) t(i)) TO 'placeholder.parquet' (FORMAT parquet, FIELD_IDS {event_id: 1, amount: 2})" \
	-c "COPY (SELECT i AS event_id, i / 4.0 AS amount FROM range($((TARGET * 10)), $((TARGET * 10 + 10))) t(i)) TO 'data/main/events/file_$TARGET.parquet' (FORMAT parquet, FIELD_IDS {event_id: 1, amount: 2})" >/dev/null
PLACEHOLDER_BYTES=$(stat -c %s placeholder.parquet)
python3 - "$FILES" "$TARGET" <<'EOF'
import os, sys
files, target = int(sys.argv[1]), int(sys.argv[2])
import shutil
for k in range(files):
    if k != target:
        # A file system allows some 65,000 links to one file: one copy of the placeholder per 50,000.
        source = 'placeholder_%d.parquet' % (k // 50000)
        if not os.path.exists(source):
            shutil.copyfile('placeholder.parquet', source)
        os.link(source, 'data/main/events/file_%d.parquet' % k)
EOF

build_lake() { # build_lake BACKEND
	case $1 in
	duckdb)
		"$MALLARD" -c "ATTACH 'ducklake:duckdb.ducklake' AS lake (DATA_PATH 'data/', DATA_INLINING_ROW_LIMIT 0)" \
			-c "CREATE TABLE lake.events (event_id BIGINT, amount DOUBLE)" >/dev/null
		{
			echo "ATTACH 'duckdb.ducklake' AS meta; USE meta;"
			echo "CREATE TABLE nums AS SELECT range AS i FROM range($FILES);"
			catalog_sql 1
		} | "$MALLARD" >/dev/null
		;;
	sqlite)
		"$MALLARD" -c "ATTACH 'ducklake:sqlite:sqlite.db' AS lake (DATA_PATH 'data/', DATA_INLINING_ROW_LIMIT 0)" \
			-c "CREATE TABLE lake.events (event_id BIGINT, amount DOUBLE)" >/dev/null
		{
			echo "CREATE TABLE nums AS SELECT value AS i FROM generate_series(0, $((FILES - 1)));"
			catalog_sql 1
		} | sqlite3 sqlite.db
		;;
	postgres)
		"$MALLARD" -c "ATTACH 'ducklake:$pg_catalog' AS lake (DATA_PATH 'data/', DATA_INLINING_ROW_LIMIT 0)" \
			-c "CREATE TABLE lake.events (event_id BIGINT, amount DOUBLE)" >/dev/null
		{
			echo "CREATE TABLE nums AS SELECT i FROM generate_series(0, $((FILES - 1))) i;"
			catalog_sql 1
			echo "ANALYZE;"
		} | psql -q "${pg_catalog#postgres:}" >/dev/null
		;;
	esac
}

query="SELECT count(*), sum(amount) FROM lake.events WHERE event_id = $POINT"
query2="SELECT count(*), sum(amount) FROM lake.events WHERE event_id = $POINT2"
# Ten rows in one new file (values no other file holds), a snapshot of their own.
commit="INSERT INTO lake.events SELECT $((FILES * 10)) + i, 1.0 FROM range(10) t(i)"
backends="duckdb sqlite"
if [ -n "${MALLARD_BENCH_PG:-}" ]; then
	backends="$backends postgres"
	pg_catalog=$(bench_catalog postgres "$work")
fi
echo "## 4. Planning a point query on $FILES files and $SNAPSHOTS snapshots"
echo "| catalog | first query after ATTACH (s) | second query, other value (s) | after a commit (s) | warm, median of 5 (s) | files read | answer |"
echo "|---|---|---|---|---|---|---|"
for backend in $backends; do
	build_lake $backend
	case $backend in
	duckdb) attach="ATTACH 'ducklake:duckdb.ducklake' AS lake" ;;
	sqlite) attach="ATTACH 'ducklake:sqlite:sqlite.db' AS lake" ;;
	postgres) attach="ATTACH 'ducklake:$pg_catalog' AS lake" ;;
	esac
	first=$(bench_time_last -c "$attach" -c "$query")
	second=$(bench_time_last -c "$attach" -c "$query" -c "$query2")
	warm=$(bench_time_warm 5 "$attach" "$query")
	read_files=$("$MALLARD" -c "$attach" -c "EXPLAIN ANALYZE $query" 2>/dev/null | grep -o '[0-9]* of [0-9]* read' | head -1)
	answer=$("$MALLARD" -csv -c "$attach" -c "$query" 2>/dev/null | tail -1)
	# Last: the commit changes the lake the others measure.
	after_commit=$(bench_time_last -c "$attach" -c "$query" -c "$query2" -c "$commit" -c "$query2")
	echo "| $backend | $first | $second | $after_commit | $warm | $read_files | $answer |"
done
