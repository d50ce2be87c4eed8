#!/bin/sh
# Smoke run of bench/trace/run.sh on the tiny preset: smoke.sh CHAINWARD EXPORT_EDGES OUTDIR
set -eu
cw=$1; ex=$2; out=$3
rm -rf "$out"; mkdir -p "$out"
"$cw" simulate --preset tiny --seed 1 --out "$out/sim" > /dev/null
"$cw" ingest --data-dir "$out/data" --genesis "$out/sim/genesis.json" "$out/sim/chain" > /dev/null
sh "$(dirname "$0")/run.sh" "$cw" "$ex" "$out/sim" "$out/data" "$out/run"
grep -q "igraph_bfs_s=" "$out/run/summary.txt"
grep -q "haircut6:" "$out/run/summary.txt"
