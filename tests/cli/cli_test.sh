#!/usr/bin/env bash
# The CLI as a user meets it: --help everywhere, errors on stderr with non-zero exit codes,
# JSON that parses, amounts as decimal strings, balances that add up.
set -euo pipefail
bin=$1
src=$2
work=$(mktemp -d /tmp/cw-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" --help > /dev/null || fail "--help"
for cmd in ingest stats transfers balance rollback compact; do
  "$bin" "$cmd" --help | grep -q -- "--data-dir" || fail "$cmd --help does not list --data-dir"
done

# Ingest the bundled mainnet sample.
d=$work/store
"$bin" ingest -q --data-dir "$d" --chain-id 1 "$src/samples/mainnet-483920" > "$work/out.txt" || fail "ingest sample"
grep -q "ingested 1 blocks" "$work/out.txt" || fail "ingest summary: $(cat "$work/out.txt")"

# stats --json parses and counts what the block holds.
"$bin" stats --data-dir "$d" --json --hash > "$work/stats.json"
python3 - "$work/stats.json" <<'PY' || fail "stats --json"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["blocks"] == 1 and s["first_block"] == 483920 == s["last_block"], s
assert s["transfers"] == 4 + 2 + 2 + 1, s   # 4 fees, 2 token transfers, 2 ETH values, 1 block reward
assert s["content_hash"].startswith("0x") and len(s["content_hash"]) == 66
PY

# transfers --json: decimal strings, chain order; the sender of the first token transfer.
a=0x1b63142628311395ceafeea5667e7c9026c862ca
"$bin" transfers --data-dir "$d" "$a" --json > "$work/t.json"
python3 - "$work/t.json" <<'PY' || fail "transfers --json"
import json, sys
t = json.load(open(sys.argv[1]))
assert [x["kind"] for x in t] == ["token", "fee"], t
assert t[0]["amount"] == "100000" and t[0]["asset"] == "0xf4eced2f682ce333f96f2d8966c613ded8fc95dd"
assert t[1]["amount"] == str(50853 * 50000000000) and t[1]["asset"] == "native"
assert all(isinstance(x["amount"], str) for x in t)
PY

# balance: the miner got 5 ETH reward plus the four fees; --at before the block gives 0.
miner=0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5
"$bin" balance --data-dir "$d" "$miner" --json > "$work/b.json"
python3 - "$work/b.json" <<'PY' || fail "balance --json"
import json, sys
b = json.load(open(sys.argv[1]))
fees = (50853 + 50853 + 21000 + 21000) * 50000000000
assert b["balance"] == str(5 * 10**18 + fees), b
assert b["asset"] == "native" and b["decimals"] == 18
PY
"$bin" balance --data-dir "$d" "$miner" --at 483919 --json | grep -q '"balance":"0"' || fail "balance --at"
"$bin" balance --data-dir "$d" "$a" --asset 0xf4eced2f682ce333f96f2d8966c613ded8fc95dd | grep -q -- "-100000" || fail "token balance"

# Errors: stderr, non-zero, naming what is wrong; the store stays as it was.
before=$("$bin" stats --data-dir "$d" --json --hash)
echo '{"jsonrpc":"2.0","id":1,"result":{"number":"0x76251","hash":"0x12"}}' > "$work/bad.json"
if "$bin" ingest -q --data-dir "$d" "$work/bad.json" > "$work/o" 2> "$work/e"; then fail "bad input accepted"; fi
grep -q "bad.json: record 1" "$work/e" || fail "error does not name file and record: $(cat "$work/e")"
[[ ! -s "$work/o" ]] || fail "error output went to stdout"
[[ "$("$bin" stats --data-dir "$d" --json --hash)" == "$before" ]] || fail "store changed by a bad ingest"
if "$bin" balance --data-dir "$d" 0x1234 2> "$work/e"; then fail "short address accepted"; fi
grep -q "40 hex digits" "$work/e" || fail "address error: $(cat "$work/e")"
if "$bin" stats --data-dir "$work/nothing-here" 2> "$work/e"; then fail "stats on a missing store"; fi
grep -q "no store" "$work/e" || fail "missing store message: $(cat "$work/e")"
if "$bin" transfers --data-dir "$d" "$a" --asset NOPE 2> "$work/e"; then fail "unknown asset accepted"; fi

# rollback then compact keep the store consistent.
"$bin" rollback --data-dir "$d" --blocks 1 | grep -q "rolled back" || fail "rollback"
"$bin" stats --data-dir "$d" --json | grep -q '"transfers":0' || fail "rollback left transfers"
"$bin" ingest -q --data-dir "$d" --chain-id 1 "$src/samples/mainnet-483920" > /dev/null
[[ "$("$bin" stats --data-dir "$d" --json --hash)" == "$before" ]] || fail "re-ingest after rollback differs"
"$bin" compact --data-dir "$d" | grep -q "compacted" || fail "compact"
echo PASS
