#!/usr/bin/env bash
# Random schema changes against a catalog built incrementally. One process attaches the lake
# twice: `a` makes random DDL (tables, columns, renames, comments, views, schemas, several changes
# in one transaction, now and then a snapshot expiry), `b` reads the catalog only now and then, so
# each of its reads builds the new catalog from the one it had several changes before
# (MetadataReader::ReadCatalogSince). After each such read, b's tables, columns, comments and views
# must equal those of a fresh attachment `c`, which reads the whole catalog.
# Usage: ddl_random.sh MALLARD sqlite|postgres|duckdb [SEED] [STEPS]
source "$(dirname "$0")/lib.sh" "$@"
RANDOM=${3:-4242}
steps=${4:-300}

pick() { # pick N: a random number in 0..N-1
  echo $((RANDOM % $1))
}
table() { # a table name of a small pool, in main or in schema s1
  if [ "$(pick 4)" = 0 ]; then echo "a.s1.t$(pick 6)"; else echo "a.t$(pick 8)"; fi
}
column() {
  echo "c$(pick 5)"
}
types=(INTEGER BIGINT VARCHAR DOUBLE DATE "STRUCT(x INTEGER, y VARCHAR)" "INTEGER[]")
change() { # one random schema change
  case $(pick 13) in
    0 | 1) echo "CREATE TABLE IF NOT EXISTS $(table) (c0 INTEGER, c1 VARCHAR);" ;;
    2) echo "DROP TABLE IF EXISTS $(table);" ;;
    3 | 4) echo "ALTER TABLE $(table) ADD COLUMN IF NOT EXISTS $(column) ${types[$(pick ${#types[@]})]};" ;;
    5) echo "ALTER TABLE $(table) DROP COLUMN IF EXISTS $(column);" ;;
    6) echo "ALTER TABLE $(table) RENAME TO t$(pick 8);" ;;
    7) echo "ALTER TABLE $(table) RENAME COLUMN $(column) TO $(column);" ;;
    8) echo "COMMENT ON TABLE $(table) IS 'comment $(pick 100)';" ;;
    9) echo "COMMENT ON COLUMN $(table).$(column) IS 'column comment $(pick 100)';" ;;
    10) echo "CREATE OR REPLACE VIEW a.v$(pick 3) AS SELECT $(pick 100) AS n;" ;;
    11) echo "ALTER TABLE $(table) ALTER COLUMN c0 SET DATA TYPE BIGINT;" ;;
    12) if [ "$(pick 2)" = 0 ]; then echo "CREATE SCHEMA IF NOT EXISTS a.s1;"; else echo "DROP SCHEMA IF EXISTS a.s1 CASCADE;"; fi ;;
  esac
}
# b's catalog against a full read: rows of one side the other lacks, as an error naming the step.
compare() { # compare STEP
  local columns="schema_name, table_name, column_name, data_type, coalesce(comment, '') AS comment"
  local tables="schema_name, table_name, coalesce(comment, '') AS comment"
  local views="schema_name, view_name, sql"
  cat <<EOF
DETACH DATABASE IF EXISTS c;
ATTACH 'ducklake:$catalog' AS c;
SELECT CASE WHEN count(*) > 0 THEN error('catalog mismatch after step $1: ' || string_agg(d, '; ')) ELSE 'same' END FROM (
  SELECT 'b has column ' || table_name || '.' || column_name || ' ' || data_type AS d FROM (
    SELECT $columns FROM duckdb_columns() WHERE database_name = 'b'
    EXCEPT ALL SELECT $columns FROM duckdb_columns() WHERE database_name = 'c')
  UNION ALL SELECT 'c has column ' || table_name || '.' || column_name || ' ' || data_type FROM (
    SELECT $columns FROM duckdb_columns() WHERE database_name = 'c'
    EXCEPT ALL SELECT $columns FROM duckdb_columns() WHERE database_name = 'b')
  UNION ALL SELECT 'tables differ: ' || table_name FROM (
    (SELECT $tables FROM duckdb_tables() WHERE database_name = 'b'
     EXCEPT ALL SELECT $tables FROM duckdb_tables() WHERE database_name = 'c')
    UNION ALL (SELECT $tables FROM duckdb_tables() WHERE database_name = 'c'
     EXCEPT ALL SELECT $tables FROM duckdb_tables() WHERE database_name = 'b'))
  UNION ALL SELECT 'views differ: ' || view_name FROM (
    (SELECT $views FROM duckdb_views() WHERE database_name = 'b' AND NOT internal
     EXCEPT ALL SELECT $views FROM duckdb_views() WHERE database_name = 'c' AND NOT internal)
    UNION ALL (SELECT $views FROM duckdb_views() WHERE database_name = 'c' AND NOT internal
     EXCEPT ALL SELECT $views FROM duckdb_views() WHERE database_name = 'b' AND NOT internal)));
EOF
}

{
  echo "ATTACH 'ducklake:$catalog' AS a (DATA_PATH '$data');"
  echo "ATTACH 'ducklake:$catalog' AS b;"
  echo "CREATE SCHEMA a.s1;"
  compare 0
  for step in $(seq 1 "$steps"); do
    case $(pick 20) in
      0) echo "BEGIN;"; change; change; echo "COMMIT;" ;;
      1) echo "CALL ducklake_expire_snapshots('a', older_than => now());" ;;
      *) change ;;
    esac
    if [ "$(pick 4)" = 0 ]; then
      compare "$step"
    fi
  done
  compare "$steps"
  echo "SELECT 'snapshots ' || max(snapshot_id) FROM a.snapshots();"
} >"$dir/script.sql"

"$MALLARD" -csv <"$dir/script.sql" >"$dir/out" 2>"$dir/err"
mismatches=$(grep -c "catalog mismatch" "$dir/err")
check "b's catalog equals a full read after every step" "0" "$mismatches"
grep -m 3 "catalog mismatch" "$dir/err" >&2
# The checks must have run, and changes must have been made: each committed change is a snapshot
# (ids keep counting after expiry). Some fail for reasons of their own, e.g. renaming a table that
# does not exist.
check "every comparison ran" "$(grep -c "^ATTACH 'ducklake:$catalog' AS c" "$dir/script.sql")" "$(grep -c '^same$' "$dir/out")"
snapshots=$(grep -o '^snapshots [0-9]*' "$dir/out" | cut -d' ' -f2)
echo "changes committed: ${snapshots:-none}; statements failed: $(grep -c "Error" "$dir/err")" >&2
check "a quarter of the steps or more made a change" "yes" "$([ "${snapshots:-0}" -ge $((steps / 4)) ] && echo yes || echo no)"
finish
