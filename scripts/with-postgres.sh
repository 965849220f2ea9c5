#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server for the store tests:
#   scripts/with-postgres.sh swift test --filter PasserelleStoreTests
# When PASSERELLE_TEST_POSTGRES_URL is already set, the command just runs against that server.
# Otherwise: initdb into a temporary directory (as the `postgres` user when run as root), start
# on a free loopback port, create the database `passerelle_test`, export
# PASSERELLE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:<port>/passerelle_test, run the
# command, and stop and remove the server in a trap, even when the command fails.
# When no PostgreSQL binaries are found, the command runs without the variable (the PostgreSQL
# test cases then show as skipped); scripts/install-deps.sh installs Debian's postgresql package.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

if [ -n "${PASSERELLE_TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

find_bin() {
  local name="$1" dir
  if command -v "$name" >/dev/null 2>&1 && [ -x "$(dirname "$(readlink -f "$(command -v "$name")")")/pg_ctl" ]; then
    dirname "$(readlink -f "$(command -v "$name")")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/$name" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if ! bindir="$(find_bin initdb)"; then
  echo "with-postgres: initdb not found (install Debian's postgresql package); running without PostgreSQL" >&2
  exec "$@"
fi

tmpdir="$(mktemp -d /tmp/passerelle-pg.XXXXXX)"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$tmpdir" --shell /usr/sbin/nologin postgres
  chown postgres "$tmpdir"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  local status=$?
  if [ -f "$tmpdir/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$tmpdir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmpdir"
  exit "$status"
}
trap cleanup EXIT INT TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

"${as_pg[@]}" "$bindir/initdb" -D "$tmpdir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$tmpdir/initdb.log" 2>&1 || {
  cat "$tmpdir/initdb.log" >&2
  exit 1
}
"${as_pg[@]}" "$bindir/pg_ctl" -D "$tmpdir/data" -l "$tmpdir/server.log" -w \
  -o "-k $tmpdir -p $port -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || {
  cat "$tmpdir/server.log" >&2
  exit 1
}
"${as_pg[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres passerelle_test

export PASSERELLE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/passerelle_test"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
