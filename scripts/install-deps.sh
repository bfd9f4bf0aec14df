#!/usr/bin/env bash
# Installs the Debian packages Mallard builds and tests with, skipping those already present.
# Usage: scripts/install-deps.sh [build|test|demo]   (test adds the PostgreSQL server for the suite,
# demo the server `mallard demo` starts privately)
set -euo pipefail

want=(g++ make cmake ninja-build pkg-config libsqlite3-dev libpq-dev libssl-dev libedit-dev libgtest-dev
      ca-certificates util-linux procps)
if [ "${1:-build}" = "test" ]; then
  want+=(postgresql python3 tmux)
elif [ "${1:-build}" = "demo" ]; then
  want+=(postgresql)
fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
# npm fetches the pinned DuckDB sources; any npm on PATH will do (nodesource's bundles it).
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "mallard: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
echo "mallard: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
