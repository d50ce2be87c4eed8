#!/usr/bin/env bash
# Trace-paths node test (docs/tracing.md "Paths"): on a real anvil chain, a theft, a swap through a
# router that wraps ETH and a Uniswap-V2-style pair, then onward hops; every path chainward reports
# (forward, from the theft and from the swap itself, labelled and not; backward; DOT) must be the
# one written by hand in trace_paths.mjs. Usage: trace_paths.sh CHAINWARD_BINARY.
# CHAINWARD_KEEP_WORK=1 keeps the work directory.
set -euo pipefail

chainward=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
anvil=$root/tests/node/node_modules/.bin/anvil
if [[ ! -x $anvil ]]; then
  echo "trace_paths: $anvil is missing: run scripts/setup.sh (npm ci in tests/node)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/chainward-trace-paths.XXXXXX")
pid=
cleanup() {
  local rc=$?
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [[ $rc -ne 0 && -s $work/anvil.log ]]; then echo "--- anvil log (tail)"; tail -n 20 "$work/anvil.log"; fi
  if [[ ${CHAINWARD_KEEP_WORK:-0} == 1 ]]; then echo "trace_paths: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
node "$here/scenario.mjs" genesis "$work/genesis.json"
(
  ulimit -v 6000000
  exec timeout 300 "$anvil" --host 127.0.0.1 --port "$port" --chain-id 31337 --hardfork prague --accounts 0 \
    --init "$work/genesis.json" --quiet
) >"$work/anvil.log" 2>&1 &
pid=$!
node "$here/scenario.mjs" wait-ready "$url"

echo "== theft, swap, hops"
node "$here/trace_paths.mjs" run "$url" "$work/run.json" "$work/labels.csv"
head=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["head"])' "$work/run.json")

echo "== ingest blocks 0..$head"
"$chainward" ingest --rpc "$url" --from 0 --to "$head" --genesis "$work/genesis.json" --data-dir "$work/store" -q

echo "== paths"
node "$here/trace_paths.mjs" check "$chainward" "$work/store" "$work/run.json" "$work/labels.csv"
echo "trace_paths: PASS"
