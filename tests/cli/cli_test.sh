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

# Argument errors exit 1 (safe-check: 3, its documented code for input errors), not the
# parser's own codes; contradictory flags are refused.
expect_exit() {  # CODE MESSAGE-PATTERN COMMAND...
  local want=$1 pattern=$2 rc=0
  shift 2
  "$@" > "$work/o" 2> "$work/e" || rc=$?
  [[ $rc == "$want" ]] || fail "exit $rc (want $want): $* : $(cat "$work/e")"
  grep -qi -- "$pattern" "$work/e" || fail "message for $*: $(cat "$work/e")"
}
expect_exit 1 "no-such-flag" "$bin" stats --data-dir "$d" --no-such-flag
expect_exit 1 "ADDRESS" "$bin" balance --data-dir "$d"
expect_exit 1 "batch" "$bin" ingest --data-dir "$d" --batch 0 "$src/samples/mainnet-483920"
expect_exit 1 "excludes" "$bin" transfers --data-dir "$d" "$a" --in --out
expect_exit 1 "excludes" "$bin" trace --data-dir "$d" --address "$a" --json --csv
expect_exit 1 "excludes" "$bin" trace --data-dir "$d" --address "$a" --csv --dot
expect_exit 3 "no-such-flag" "$bin" safe-check --no-such-flag
expect_exit 3 "chain-id" "$bin" safe-check --chain-id
expect_exit 1 "" "$bin" no-such-command
[[ "$("$bin" stats --data-dir "$d" --json --hash)" == "$before" ]] || fail "store changed by refused commands"

# Repeatable options take one value per use (or comma-separated) and never swallow a path.
w1=0x00000000000000000000000000000000000000a1
w2=0x00000000000000000000000000000000000000a2
"$bin" ingest -q --data-dir "$work/weth1" --chain-id 1 --weth "$w1" "$src/samples/mainnet-483920" > /dev/null || fail "ingest --weth A DIR"
"$bin" stats --data-dir "$work/weth1" --json --hash > "$work/w1.json"
"$bin" ingest -q --data-dir "$work/weth2" --chain-id 1 --weth "$w1,$w2" --weth "$w2" "$src/samples/mainnet-483920" > /dev/null \
  || fail "ingest --weth A,B --weth B DIR"
[[ "$(cat "$work/w1.json")" == "$before" && "$("$bin" stats --data-dir "$work/weth2" --json --hash)" == "$before" ]] \
  || fail "ingest with --weth before the folder stored something else: $(cat "$work/w1.json")"
expect_exit 1 "weth" "$bin" ingest -q --data-dir "$work/weth3" --weth "$w1,nope" "$src/samples/mainnet-483920"

# rollback refuses a target beyond the head and says what it removes.
expect_exit 1 "beyond the newest stored block 483920" "$bin" rollback --data-dir "$d" --to 483921
expect_exit 1 "holds only 1 blocks" "$bin" rollback --data-dir "$d" --blocks 2
"$bin" rollback --data-dir "$d" --to 483920 | grep -q "nothing to remove" || fail "rollback to the head"
[[ "$("$bin" stats --data-dir "$d" --json --hash)" == "$before" ]] || fail "store changed by a refused rollback"

# rollback then compact keep the store consistent.
"$bin" rollback --data-dir "$d" --blocks 1 > "$work/o" || fail "rollback"
grep -q "removed blocks 483920..483920 (1 blocks, [0-9]* transactions, 9 transfers); the store now holds no blocks" "$work/o" \
  || fail "rollback message: $(cat "$work/o")"
"$bin" stats --data-dir "$d" --json | grep -q '"transfers":0' || fail "rollback left transfers"
"$bin" ingest -q --data-dir "$d" --chain-id 1 "$src/samples/mainnet-483920" > /dev/null
[[ "$("$bin" stats --data-dir "$d" --json --hash)" == "$before" ]] || fail "re-ingest after rollback differs"
"$bin" compact --data-dir "$d" | grep -q "compacted" || fail "compact"
echo PASS
