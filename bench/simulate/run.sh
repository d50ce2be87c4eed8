#!/bin/sh
# Generation speed and peak memory of `chainward simulate`: run.sh CHAINWARD PRESET OUTDIR [ARGS...]
# (extra ARGS go to simulate, e.g. --format etl or --discard)
# Verifies its answer: the run must report transfers and write truth.json.
set -eu
cw=$1; preset=$2; out=$3
shift 3
rm -rf "$out"
/usr/bin/time -f "peak_rss_kb=%M elapsed_s=%e" "$cw" simulate --preset "$preset" --seed 1 --out "$out" "$@" 2>"$out.time" | tee "$out.log"
cat "$out.time"
grep -q " transfers" "$out.log"
test -s "$out/truth.json"
