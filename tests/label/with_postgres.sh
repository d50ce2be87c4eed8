#!/usr/bin/env bash
# Runs a test binary (or a .sh script) against a private PostgreSQL server: initdb in a scratch directory, listen on
# 127.0.0.1 at a free port, export CHAINWARD_TEST_PG, run, stop the server by its PID. As root the
# server runs as the unprivileged `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
bin=$1
shift
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$pgbin/initdb" ]] || { echo "with_postgres: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/cw-pg.XXXXXX)
as_db_user() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) == 0 ]] && chown postgres "$dir"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid"  # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_db_user "$pgbin/initdb" -D "$dir/data" -U cw --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
as_db_user "$pgbin/pg_ctl" -D "$dir/data" -o "-k $dir -h 127.0.0.1 -p $port -F" -l "$dir/server.log" -w -t 60 start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }
pid=$(head -1 "$dir/data/postmaster.pid")
export CHAINWARD_TEST_PG="postgresql://cw@127.0.0.1:$port/postgres"
if [[ "$bin" == *.sh ]]; then
  timeout 240 bash "$bin" "$@"
  exit
fi
# the run must include tests against this server (a filter matching nothing would pass silently)
"$bin" --gtest_list_tests "$@" | grep -q postgres || { echo "with_postgres: no PostgreSQL tests selected" >&2; exit 1; }
timeout 240 "$bin" "$@"
