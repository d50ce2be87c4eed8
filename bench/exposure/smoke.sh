#!/bin/sh
# Smoke run of the exposure benchmark on the tiny preset: smoke.sh CHAINWARD EXPOSURE_BENCH OUTDIR
set -eu
cw=$1; bench=$2; out=$3
rm -rf "$out"; mkdir -p "$out"
"$cw" simulate --preset tiny --seed 1 --out "$out/sim" > /dev/null
"$cw" ingest --data-dir "$out/data" --genesis "$out/sim/genesis.json" "$out/sim/chain" > /dev/null
"$bench" "$out/data" "$out/sim/labels.csv" --extra 200 --tail 20 --lookups 20000 --sqlite yes --out "$out/exposure" | tee "$out/summary.txt"
grep -q "^lookups: " "$out/summary.txt"
grep -q "^sqlite: " "$out/summary.txt"
grep -q "^maintenance: 20 blocks" "$out/summary.txt"
