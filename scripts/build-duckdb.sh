#!/usr/bin/env bash
# Fetches the pinned DuckDB npm package, checks its sha512 integrity, and compiles it once into a
# shared library in a cache outside the checkout, keyed by version and hash. Later calls (and
# every build or CI run on this machine) find the finished library and return at once.
# Prints the cache folder on stdout; progress goes to stderr.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pin="$repo/cmake/duckdb/VERSION"
version=$(sed -n 's/^version=//p' "$pin")
integrity=$(sed -n 's/^integrity=sha512-//p' "$pin")
expected_hex=$(printf '%s' "$integrity" | base64 -d | od -An -tx1 -v | tr -d ' \n')

cache_root="${MALLARD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mallard}"
dir="$cache_root/duckdb-$version-${expected_hex:0:16}"

if [ -f "$dir/READY" ]; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache_root"
exec 9>"$dir.lock"
echo "mallard: waiting for the DuckDB build lock $dir.lock" >&2
flock 9
if [ -f "$dir/READY" ]; then  # another build finished it while we waited
  echo "$dir"
  exit 0
fi

work=$(mktemp -d "$cache_root/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "mallard: fetching duckdb@$version from the npm registry" >&2
(cd "$work" && npm pack "duckdb@$version" --silent >/dev/null)
tarball="$work/duckdb-$version.tgz"
actual_hex=$(sha512sum "$tarball" | cut -d' ' -f1)
if [ "$actual_hex" != "$expected_hex" ]; then
  echo "mallard: duckdb-$version.tgz does not match the sha512 recorded in cmake/duckdb/VERSION" >&2
  echo "  expected $expected_hex" >&2
  echo "  got      $actual_hex" >&2
  exit 1
fi

rm -rf "$dir"
mkdir -p "$dir"
tar xzf "$tarball" -C "$dir" package/binding.gyp package/LICENSE package/src/duckdb

jobs="${MALLARD_DUCKDB_JOBS:-$(nproc)}"
echo "mallard: compiling DuckDB $version once into $dir ($jobs jobs; about 20 minutes on 2 cores)" >&2
start=$(date +%s)
cmake -S "$repo/cmake/duckdb" -B "$dir/build" -G Ninja -DDUCKDB_PACKAGE_DIR="$dir/package" >&2
ninja -C "$dir/build" -j "$jobs" >&2

mkdir -p "$dir/lib"
cp "$dir/build/libduckdb.so" "$dir/lib/"
cp "$dir/build/duckdb-flags.cmake" "$dir/"
rm -rf "$dir/build"  # objects are not needed once the library exists
touch "$dir/READY"
echo "mallard: DuckDB built in $(( $(date +%s) - start )) s" >&2
echo "$dir"
