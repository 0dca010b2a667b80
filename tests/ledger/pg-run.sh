#!/bin/sh
# pg-run.sh - run the ledger tests against a throw-away PostgreSQL server.
#
#   pg-run.sh TEST-BINARY
#
# Starts a private server (initdb + pg_ctl from the Debian postgresql
# package, or whatever initdb is on PATH) in a temporary directory, with no
# TCP listener, only a unix socket in that directory, as an unprivileged
# user (initdb refuses root: under root the server runs as nobody through
# runuser or setpriv). Runs TEST-BINARY with BC_LEDGER_PG_HOST set to the
# socket directory, stops the server and removes everything, also when
# interrupted. Exits 77 (meson: skipped) with the reason when no server can
# start; every step has a time limit.
set -u

test_bin=$1
skip () { echo "SKIP: $*" >&2; exit 77; }

bindir=""
for d in "${BC_PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; break; fi
done
if [ -z "$bindir" ]; then
  initdb_path=$(command -v initdb 2>/dev/null) || skip "no PostgreSQL server binaries (initdb) found; install the Debian package postgresql"
  bindir=$(dirname "$initdb_path")
fi
command -v timeout >/dev/null 2>&1 || skip "timeout(1) is missing"

# who runs the server
as=""
if [ "$(id -u)" = 0 ]; then
  if command -v runuser >/dev/null 2>&1; then as="runuser -u nobody --"
  elif command -v setpriv >/dev/null 2>&1; then
    as="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
  else skip "running as root and neither runuser nor setpriv is available to drop privileges"; fi
fi

base=$(mktemp -d "${TMPDIR:-/tmp}/bc-pg-XXXXXX") || skip "cannot create a temporary directory"
data=$base/data
sock=$base/sock
mkdir -p "$sock"
stop () {
  if [ -f "$data/postmaster.pid" ]; then
    timeout 30 $as "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || {
      pid=$(head -1 "$data/postmaster.pid" 2>/dev/null)
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    }
  fi
  rm -rf "$base"
}
trap stop EXIT
trap 'exit 1' INT TERM HUP

if [ -n "$as" ]; then
  chown -R nobody "$base" 2>/dev/null || skip "cannot give $base to nobody"
  chmod 755 "$base"
fi

if ! timeout 120 $as "$bindir/initdb" -D "$data" -U bc -A trust -E UTF8 --no-locale \
     >"$base/initdb.log" 2>&1; then
  cat "$base/initdb.log" >&2
  skip "initdb failed (see above)"
fi
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
fsync = off
max_connections = 40
CONF
if ! timeout 60 $as "$bindir/pg_ctl" -D "$data" -l "$base/server.log" -w -t 50 start \
     >/dev/null 2>&1; then
  cat "$base/server.log" >&2 2>/dev/null
  skip "the PostgreSQL server did not start (see above)"
fi
echo "PostgreSQL $("$bindir/pg_ctl" --version | sed 's/.* //') running on $sock" >&2

# generous: sanitizer builds are slow; meson's own timeout comes first
BC_LEDGER_PG_HOST=$sock BC_LEDGER_PG_USER=bc timeout "${BC_PG_TEST_TIMEOUT:-3000}" "$test_bin"
rc=$?
exit $rc
