#!/usr/bin/env bash
# `chainward labels` and `trace --labels` against PostgreSQL (run by with_postgres.sh, which
# exports CHAINWARD_TEST_PG): import, idempotent re-import, show, and a trace whose labels come
# from the server giving the same report as from the CSV.
set -euo pipefail
bin=$1
src=$2
data=$src/../shared/data
work=$(mktemp -d /tmp/cw-labels-pg.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db="${CHAINWARD_TEST_PG%/*}/cwcli_$$"
psql "$CHAINWARD_TEST_PG" -q -c "CREATE DATABASE cwcli_$$" || fail "create database"
"$bin" labels import --labels-db "$db" "$data/ofac-sdn-csv/sdn_2024-05-03.csv" > "$work/out" 2> /dev/null || fail "import into PostgreSQL"
n=$(sed -n 's/^source "ofac-sdn": \([0-9]*\) labels read from 1 file: \1 added.*/\1/p' "$work/out")
[[ -n "$n" ]] || fail "summary: $(cat "$work/out")"
"$bin" labels import --labels-db "$db" "$data/ofac-sdn-csv/sdn_2024-05-03.csv" 2> /dev/null | grep -q "0 added, 0 changed, 0 ended, $n unchanged" || fail "re-import"
"$bin" labels show --labels-db "$db" 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 | grep -q "LAZARUS GROUP" || fail "show"

"$bin" simulate --preset tiny --seed 5 --out "$work/sim" > /dev/null
"$bin" ingest -q --data-dir "$work/chain" --genesis "$work/sim/genesis.json" "$work/sim/chain" > /dev/null
"$bin" labels import --labels-db "$db" --source sim "$work/sim/labels.csv" > /dev/null
tx=$(python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print(' '.join('--tx '+s['tx_hash'] for s in t['heists'][0]['source_transfers']))" "$work/sim/truth.json")
# shellcheck disable=SC2086
"$bin" trace --json --data-dir "$work/chain" --labels "$work/sim/labels.csv" $tx > "$work/a.json"
# shellcheck disable=SC2086
"$bin" trace --json --data-dir "$work/chain" --labels "$db" $tx > "$work/b.json"
# shellcheck disable=SC2086
CHAINWARD_LABELS_DB=$db "$bin" trace --json --data-dir "$work/chain" --labels $tx > "$work/c.json"
python3 - "$work"/{a,b,c}.json <<'PY' || fail "trace with labels from PostgreSQL differs from the CSV"
import json, sys
def load(p):
    r = json.load(open(p))
    r["stats"].pop("trace_seconds")
    return r
a, b, c = map(load, sys.argv[1:4])
# the sanctioned SDN labels in the same database name no simulated address: same report
assert a == b == c
PY
echo "labels CLI on PostgreSQL: ok"
