#!/usr/bin/env bash
# Smoke run of the ingest benchmark on a few generated blocks: the ingest succeeds and the store
# holds exactly the blocks and transfers the generator says it wrote.
# usage: smoke.sh GEN CHAINWARD PARSE_ONLY WORKDIR
set -euo pipefail
gen=$1 cw=$2 parse=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
expect=$("$gen" "$work/data" --blocks 5 --blocks-per-file 2 --seed 7)
"$parse" "$work/data" > "$work/parse.json"
"$cw" ingest --data-dir "$work/store" "$work/data" -q > "$work/ingest.txt"
"$cw" stats --data-dir "$work/store" --json > "$work/stats.json"
python3 - "$expect" "$work/stats.json" "$work/parse.json" <<'PY'
import json, sys
want = json.loads(sys.argv[1])
got = json.load(open(sys.argv[2]))
parse = json.load(open(sys.argv[3]))
print("generator:", want)
print("store:", got)
assert want["blocks"] == 5, want
assert got["blocks"] == want["blocks"], (got["blocks"], want["blocks"])
assert got["transfers"] == want["transfers"], (got["transfers"], want["transfers"])
assert parse["bytes"] == want["bytes"] and parse["documents"] == 3 * want["blocks"], parse
PY
echo "bench ingest smoke: ok"
