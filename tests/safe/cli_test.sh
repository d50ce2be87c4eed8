#!/usr/bin/env bash
# Exit codes and JSON of `chainward safe-check` (0 ok, 1 warnings, 2 critical, 3 input error).
# Usage: cli_test.sh CHAINWARD SHARED_DATA_DIR
set -u
cw=$1
data=$2/lazarus-bybit
fail=0
expect() {  # expect CODE DESCRIPTION -- ARGS...
    local want=$1 what=$2
    shift 3
    "$cw" safe-check "$@" >/tmp/safe-cli-$$.out 2>/tmp/safe-cli-$$.err
    local got=$?
    if [[ $got != "$want" ]]; then
        echo "FAIL $what: exit $got, want $want"; cat /tmp/safe-cli-$$.err; fail=1
    else
        echo "ok   $what (exit $got)"
    fi
}
bob=0x0000000000000000000000000000000000000b0b
safe=0x1111111111111111111111111111111111111111
owners=0x1F4EB0a903619ac168b19A82F1a6e2e426522211,0x3Cc3A225769900e003E264dd4CB43E90896BC21A,0xe3dF2cCEAc61B1aFA311372ecC5B40A3A6585a9E

expect 2 "bybit record" -- --safe-version 1.1.1 --owners "$owners" "$data/bybit-safe-tx-71.json"
expect 2 "bybit raw tx" -- --nonce 71 --safe-version 1.1.1 "$data/bybit_exploit_tx_0x46deef0f_raw.txt"
expect 3 "raw tx without nonce" -- --safe-version 1.1.1 "$data/bybit_exploit_tx_0x46deef0f_raw.txt"
expect 0 "plain transfer from flags" -- --safe "$safe" --to "$bob" --value 5 --nonce 1 --safe-version 1.3.0 --chain-id 1
expect 1 "gas refund" -- --safe "$safe" --to "$bob" --value 5 --nonce 1 --gas-price 1 --safe-version 1.3.0 --chain-id 1
expect 2 "expectation mismatch" -- --safe "$safe" --to "$bob" --value 5 --nonce 1 --safe-version 1.3.0 --chain-id 1 --expect-value 6
expect 3 "bad hex" -- --safe "$safe" --to "$bob" --data 0xzz --nonce 1 --safe-version 1.3.0 --chain-id 1
expect 3 "short address" -- --safe 0x1234 --to "$bob" --nonce 1 --safe-version 1.3.0 --chain-id 1
expect 3 "unknown version" -- --safe "$safe" --to "$bob" --nonce 1 --safe-version 9.9.9
grep -q "unknown Safe version '9.9.9'" /tmp/safe-cli-$$.err || { echo "FAIL unknown version message"; fail=1; }
expect 3 "1.3.0 without chain id" -- --safe "$safe" --to "$bob" --nonce 1 --safe-version 1.3.0

# JSON: valid, and carries the computed safeTxHash of the malicious record.
"$cw" safe-check --json --chain-id 1 "$data/bybit-safe-tx-71.json" >/tmp/safe-cli-$$.json
python3 - /tmp/safe-cli-$$.json <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
p = r["proposals"][0]
assert r["exitCode"] == 2 and r["worst"] == "critical", r["worst"]
assert p["safeTxHash"] == "0xb3476d061aeb8fc1d605a873c483a2402d88a68a9cdd1a8b47655dd55ba004f8", p["safeTxHash"]
assert p["recordHashMatches"] is True
assert p["call"]["operation"] == "DELEGATECALL" and p["call"]["function"] == "transfer(address,uint256)"
assert len(p["hashes"]) == 8, len(p["hashes"])
codes = {(f["code"], f["proposal"]) for f in r["findings"]}
assert ("delegatecall-untrusted", 0) in codes and ("signature-wrong-signer", 1) in codes and ("duplicate-nonce", None) in codes
print("ok   json report")
PY
rm -f /tmp/safe-cli-$$.*
exit $fail
