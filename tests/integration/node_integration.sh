#!/usr/bin/env bash
# Node integration test: a real anvil node runs tests/integration/scenario.mjs, chainward ingests
# it over JSON-RPC, and every touched account's balance must equal the node's, exactly, at every
# block. Usage: node_integration.sh CHAINWARD_BINARY. Set CHAINWARD_KEEP_WORK=1 to keep the work
# directory (genesis, stores, node log) for inspection.
set -euo pipefail

chainward=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
anvil=$root/tests/node/node_modules/.bin/anvil
scenario=$here/scenario.mjs
if [[ ! -x $anvil ]]; then
  echo "node_integration: $anvil is missing: run scripts/setup.sh (npm ci in tests/node)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/chainward-node-test.XXXXXX")
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $rc -ne 0 && -s $work/anvil.log ]]; then echo "--- anvil log (tail)"; tail -n 20 "$work/anvil.log"; fi
  if [[ ${CHAINWARD_KEEP_WORK:-0} == 1 ]]; then echo "node_integration: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
step() { echo "== $*"; }
json_field() { node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(j[process.argv[1]])' "$1"; }

step "genesis and node"
node "$scenario" genesis "$work/genesis.json"
port=$(free_port)
url=http://127.0.0.1:$port
# --accounts 0: anvil funds no dev accounts of its own; the genesis alloc is every opening balance.
(
  ulimit -v 6000000
  exec "$anvil" --host 127.0.0.1 --port "$port" --chain-id 31337 --hardfork prague --accounts 0 \
    --init "$work/genesis.json" --quiet
) >"$work/anvil.log" 2>&1 &
pids+=($!)
node "$scenario" wait-ready "$url"

step "scenario"
node "$scenario" run "$url" "$work/touched.json"
head=$(json_field head <"$work/touched.json")

step "ingest blocks 0..$head with traces"
store=$work/store
"$chainward" ingest --rpc "$url" --from 0 --to "$head" --genesis "$work/genesis.json" --data-dir "$store" -q | tee "$work/ingest1.txt"
grep -q "receipts eth_getBlockReceipts, traces debug_traceBlockByNumber" "$work/ingest1.txt" ||
  { echo "node_integration: FAIL: expected anvil to serve eth_getBlockReceipts and debug_traceBlockByNumber" >&2; exit 1; }

step "token metadata read from the node with eth_call"
python3 - "$store/tokens.json" <<'PY' || { echo "node_integration: FAIL: tokens.json lacks the test token (TT, 18 decimals)" >&2; exit 1; }
import json, sys
tokens = json.load(open(sys.argv[1]))
assert any(t == {"symbol": "TT", "decimals": 18} for t in tokens.values()), tokens
PY

step "balances: chainward vs node"
node "$scenario" check "$url" "$work/touched.json" "$chainward" "$store"

step "ingest again: idempotent"
"$chainward" stats --json --hash --data-dir "$store" >"$work/stats1.json"
# The very same command again, then a part of the range.
"$chainward" ingest --rpc "$url" --from 0 --to "$head" --genesis "$work/genesis.json" --data-dir "$store" -q | tee "$work/ingest2.txt"
"$chainward" ingest --rpc "$url" --from 5 --to 12 --data-dir "$store" -q | tee -a "$work/ingest2.txt"
"$chainward" stats --json --hash --data-dir "$store" >"$work/stats2.json"
for field in blocks transfers content_hash; do
  a=$(json_field "$field" <"$work/stats1.json")
  b=$(json_field "$field" <"$work/stats2.json")
  if [[ $a != "$b" ]]; then
    echo "node_integration: FAIL: stats $field changed on re-ingest: $a -> $b" >&2
    exit 1
  fi
done
if [[ $(grep -c '^ingested ' "$work/ingest2.txt") != 2 || $(grep -c '^ingested 0 blocks' "$work/ingest2.txt") != 2 ]]; then
  echo "node_integration: FAIL: re-ingest stored blocks again" >&2
  exit 1
fi
echo "stats unchanged: $(json_field transfers <"$work/stats2.json") transfers, content hash $(json_field content_hash <"$work/stats2.json")"

step "node without eth_getBlockReceipts and debug_traceBlockByNumber: fallbacks"
proxy_port=$(free_port)
node "$scenario" proxy "$url" "$proxy_port" eth_getBlockReceipts,debug_traceBlockByNumber &
pids+=($!)
node "$scenario" wait-ready "http://127.0.0.1:$proxy_port"
"$chainward" ingest --rpc "http://127.0.0.1:$proxy_port" --from 0 --to "$head" --genesis "$work/genesis.json" \
  --data-dir "$work/store-fallback" -q | tee "$work/ingest3.txt"
grep -q "receipts eth_getTransactionReceipt, traces trace_block" "$work/ingest3.txt" ||
  { echo "node_integration: FAIL: expected the fallbacks eth_getTransactionReceipt and trace_block" >&2; exit 1; }
node "$scenario" check "$url" "$work/touched.json" "$chainward" "$work/store-fallback"
# Parity-style traces and callTracer frames must yield the very same transfers.
"$chainward" stats --json --hash --data-dir "$work/store-fallback" >"$work/stats3.json"
a=$(json_field content_hash <"$work/stats1.json")
b=$(json_field content_hash <"$work/stats3.json")
if [[ $a != "$b" ]]; then
  echo "node_integration: FAIL: content hash with trace_block $b differs from debug_traceBlockByNumber's $a" >&2
  exit 1
fi
echo "same content hash as with debug_traceBlockByNumber: $b"

step "flaky node (HTTP 503, stalls past the timeout): retries with backoff give the same store"
flaky_port=$(free_port)
node "$scenario" proxy "$url" "$flaky_port" - flaky &
pids+=($!)
node "$scenario" wait-ready "http://127.0.0.1:$flaky_port"
"$chainward" ingest --rpc "http://127.0.0.1:$flaky_port" --from 0 --to "$head" --genesis "$work/genesis.json" \
  --timeout-ms 500 --retries 6 --data-dir "$work/store-flaky" -q | tee "$work/ingest5.txt"
"$chainward" stats --json --hash --data-dir "$work/store-flaky" >"$work/stats5.json"
c=$(json_field content_hash <"$work/stats5.json")
if [[ $c != "$a" ]]; then
  echo "node_integration: FAIL: content hash through a flaky node $c differs from $a" >&2
  exit 1
fi
if "$chainward" ingest --rpc "http://127.0.0.1:$flaky_port" --from 0 --to "$head" --retries 0 \
  --data-dir "$work/store-flaky-no-retry" -q 2>"$work/flaky-err.txt"; then
  echo "node_integration: FAIL: without retries a flaky node should make the ingest fail" >&2
  exit 1
fi
grep -q "HTTP 503\|connection failed" "$work/flaky-err.txt" ||
  { echo "node_integration: FAIL: unclear error without retries: $(cat "$work/flaky-err.txt")" >&2; exit 1; }
echo "retries: same content hash $c; without retries: $(cat "$work/flaky-err.txt")"

step "ingest without traces: internal transfers are missing"
"$chainward" ingest --rpc "$url" --from 0 --to "$head" --genesis "$work/genesis.json" --no-traces \
  --data-dir "$work/store-no-traces" -q | tee "$work/ingest4.txt"
node "$scenario" missing-internal "$url" "$work/touched.json" "$chainward" "$work/store-no-traces"

echo "node_integration: PASS"
