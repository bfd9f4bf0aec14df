#!/usr/bin/env bash
# A private PostgreSQL server for the catalog-backend tests: Debian's postgresql binaries, a
# throw-away cluster on 127.0.0.1:54329, trust auth for loopback, fsync off (test data only;
# MALLARD_PG_DURABLE=1 keeps it on).
#
# Usage: test/scripts/postgres.sh start|stop|status|fixture-start|fixture-stop
#   MALLARD_PG_DIR   cluster folder (default /tmp/mallard-pg)
#   MALLARD_PG_PORT  port (default 54329; the runner's default MALLARD_TEST_PG expects 54329)
#   MALLARD_PG_DURABLE=1  a new cluster keeps PostgreSQL's durable defaults (fsync and synchronous
#                    commit on), for benchmarks that must pay what a production server pays
# fixture-start/-stop are CTest's pg_server fixture: start/stop, unless MALLARD_TEST_PG says the
# tests use another server (any other conninfo) or none (`skip`).
#
# initdb refuses to run as root, so as root the server runs as the `postgres` OS user.
set -euo pipefail

dir="${MALLARD_PG_DIR:-/tmp/mallard-pg}"
port="${MALLARD_PG_PORT:-54329}"
data="$dir/data"
log="$dir/server.log"

# Sets $bin to the highest installed major version, e.g. /usr/lib/postgresql/15/bin.
find_server() {
  bin=""
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    if [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ]; then
      bin="$candidate"
    fi
  done
  if [ -z "$bin" ]; then
    echo "postgres.sh: no PostgreSQL server found under /usr/lib/postgresql/*/bin;" \
         "install the Debian package 'postgresql' (apt-get install postgresql)" >&2
    exit 1
  fi
}

if [ "$(id -u)" -eq 0 ]; then
  run_as=(runuser -u postgres --)
  owner=postgres
else
  run_as=()
  owner=$(id -un)
fi

as_owner() {
  "${run_as[@]}" "$@"
}

is_ready() {
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U postgres
}

is_running() {
  [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

init_cluster() {
  mkdir -p "$dir"
  chown "$owner" "$dir"
  chmod 700 "$dir"
  echo "postgres.sh: creating a cluster in $data ($bin)" >&2
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  cat >>"$data/postgresql.conf" <<EOF

# mallard test server
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
max_connections = 200
EOF
  if [ "${MALLARD_PG_DURABLE:-0}" != 1 ]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$data/postgresql.conf"
  fi
  # Loopback only, no passwords: the cluster holds nothing but test catalogs.
  cat >"$data/pg_hba.conf" <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
host  all all ::1/128 trust
EOF
}

start() {
  if is_running && is_ready; then
    echo "postgres.sh: already running on 127.0.0.1:$port ($data)"
    return 0
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    init_cluster
  fi
  if ! is_running; then
    touch "$log"
    chown "$owner" "$log"
    as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null || {
      echo "postgres.sh: the server did not start; last lines of $log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    }
  fi
  for _ in $(seq 1 120); do
    if is_ready; then
      echo "postgres.sh: running on 127.0.0.1:$port ($data)"
      return 0
    fi
    sleep 0.5
  done
  echo "postgres.sh: the server does not accept connections on 127.0.0.1:$port; see $log" >&2
  exit 1
}

stop() {
  if ! is_running; then
    echo "postgres.sh: not running ($data)"
    return 0
  fi
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  echo "postgres.sh: stopped ($data)"
}

status() {
  if is_running && is_ready; then
    echo "postgres.sh: running on 127.0.0.1:$port ($data)"
  else
    echo "postgres.sh: not running ($data)"
    return 3
  fi
}

# Whether the tests use this server: MALLARD_TEST_PG unset or naming it.
tests_use_this_server() {
  case "${MALLARD_TEST_PG:-}" in
    "" | "host=127.0.0.1 port=$port user=postgres") return 0 ;;
    *) return 1 ;;
  esac
}

case "${1:-}" in
  start) find_server; start ;;
  stop) find_server; stop ;;
  status) find_server; status ;;
  fixture-start | fixture-stop)
    if tests_use_this_server; then
      find_server
      "${1#fixture-}"
    else
      echo "postgres.sh: MALLARD_TEST_PG='$MALLARD_TEST_PG'; not managing the local server"
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status|fixture-start|fixture-stop" >&2
    exit 2
    ;;
esac
