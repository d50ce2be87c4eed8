#!/usr/bin/env bash
# Sets everything up, builds chainward, and runs its main jobs with embedded defaults:
#  1. ingest real mainnet node responses (bundled sample) and query the store;
#  2. simulate a Bybit-like heist in node format, ingest it, and trace the stolen funds to the
#     addresses that can freeze them; import its labels, keep exposure and screen a freeze point;
#     import the shipped DPRK attribution list and show one of its labels;
#  3. verify the Safe transaction that drained Bybit, from its on-chain fields, before "signing".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target chainward
cw=build/chainward
work=$(mktemp -d /tmp/chainward-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. Ingest mainnet block 483,920 (node responses) and query the store"
$cw ingest --data-dir "$work/mainnet" --chain-id 1 samples/mainnet-483920
$cw stats --data-dir "$work/mainnet"
$cw transfers --data-dir "$work/mainnet" 0x1b63142628311395ceafeea5667e7c9026c862ca
$cw balance --data-dir "$work/mainnet" 0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5

say "2. A Bybit-like heist, simulated in node format, ingested and traced (haircut model)"
$cw simulate --preset bybit --seed 1 --out "$work/sim"
$cw ingest -q --data-dir "$work/heist" --genesis "$work/sim/genesis.json" --chain-id 1337 "$work/sim/chain"
sources=$(python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["heists"][0]; print(" ".join(sorted({"--tx "+s["tx_hash"] for s in h["source_transfers"]})))' "$work/sim/truth.json")
# shellcheck disable=SC2086
$cw trace --data-dir "$work/heist" --labels "$work/sim/labels.csv" --model haircut $sources --top 10

say "2b. Labels and exposure: the heist's labels imported, exposure kept, a freeze point screened"
$cw labels import --data-dir "$work/heist" --source simulator "$work/sim/labels.csv"
$cw exposure rebuild --data-dir "$work/heist"
screened=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["heists"][0]["freeze_points"][0]["address"])' "$work/sim/truth.json")
$cw screen --data-dir "$work/heist" "$screened"
$cw labels import --data-dir "$work/mainnet" --source dprk-attribution data/labels/dprk-attribution.csv
$cw labels show --data-dir "$work/mainnet" 0xe8b36709dd86893bf7bb78a7f9746b826f0e8c84

say "3. The Bybit cold-wallet transaction (nonce 71) checked before signing"
status=0
$cw safe-check --chain-id 1 --safe 0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4 --safe-version 1.1.1 \
  --to 0x96221423681A6d52E184D440a8eFCEbB105C7242 --value 0 --operation 1 --safe-tx-gas 45746 --nonce 71 \
  --data 0xa9059cbb000000000000000000000000bdd077f651ebe7f7b3ce16fe5f2b025be29695160000000000000000000000000000000000000000000000000000000000000000 \
  || status=$?
echo "safe-check exit code: $status (2 = critical: do not sign)"
