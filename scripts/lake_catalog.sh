# Sourced by the test scenarios and the benchmarks: new lakes' catalogs on each backend.

# new_catalog BACKEND DIR PG: prints the catalog of a new lake, the text after `ducklake:` in an
# ATTACH. duckdb and sqlite: a file in DIR (which must hold no lake yet); postgres: a new database
# on the server of the libpq conninfo PG (e.g. 'host=127.0.0.1 port=54329 user=postgres').
new_catalog() {
  case $1 in
    duckdb) echo "$2/catalog.ducklake" ;;
    sqlite) echo "sqlite:$2/catalog.sqlite" ;;
    postgres)
      # Named after this shell ($$ is the script's even in a subshell, where new_catalog usually
      # runs) and the clock, since a subshell cannot count for its caller.
      local db
      db="mallard_lake_$$_$(date +%s%N)"
      psql "$3 dbname=postgres" -q -c "CREATE DATABASE $db" >/dev/null || return 1
      echo "postgres:$3 dbname=$db" ;;
    *)
      echo "new_catalog: unknown backend '$1' (duckdb, sqlite or postgres)" >&2
      return 1 ;;
  esac
}

# drop_new_catalogs PG: drops the databases new_catalog made in this shell on PG's server.
drop_new_catalogs() {
  local db
  for db in $(psql "$1 dbname=postgres" -Atq \
    -c "SELECT datname FROM pg_database WHERE datname LIKE 'mallard\_lake\_$$\_%'" 2>/dev/null); do
    psql "$1 dbname=postgres" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  done
}
