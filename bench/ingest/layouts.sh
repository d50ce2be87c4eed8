#!/usr/bin/env bash
# The ingest benchmark's responses in other layouts: one response per file (as a curl loop writes
# them: block-N.block.json, .receipts.json, .traces.json) and without traces (blocks and receipts
# only, which makes ingest look through the whole input for traces before storing a block).
# Run bench/ingest/run.sh first (it generates the data and builds build-bench).
# usage: bench/ingest/layouts.sh   (env: MB=1100 SEED=1 OUT=bench/out/ingest, as run.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-bench
out=${OUT:-$root/bench/out/ingest}
mb=${MB:-1100}
seed=${SEED:-1}
data=$out/data-$mb-$seed
[[ -d $data ]] || { echo "no $data: run bench/ingest/run.sh first" >&2; exit 1; }

# Each generated file holds, per block, the block, receipts and traces responses, one per line.
per=$out/per-response-$mb-$seed notr=$out/no-traces-$mb-$seed
if [[ ! -d $per ]]; then
  python3 - "$data" "$per.tmp" "$notr.tmp" <<'PY'
import os, re, sys
data, per, notr = sys.argv[1:4]
os.makedirs(per); os.makedirs(notr)
kinds = ["block", "receipts", "traces"]
for name in sorted(os.listdir(data)):
    with open(os.path.join(data, name), "rb") as f, open(os.path.join(notr, name), "wb") as nt:
        for i, line in enumerate(f):
            kind = i % 3
            if kind == 0:
                block = int(re.search(rb'"number":"(0x[0-9a-f]+)"', line).group(1), 16)
            with open(os.path.join(per, "block-%09d.%s.json" % (block, kinds[kind])), "wb") as out:
                out.write(line)
            if kind != 2:
                nt.write(line)
PY
  mv "$per.tmp" "$per" && mv "$notr.tmp" "$notr"
fi

run() {  # name dir
  cat "$2"/* > /dev/null  # page cache warm
  rm -rf "$out/store-$1"
  local t0 t1
  t0=$(date +%s.%N)
  if ! /usr/bin/time -v -o "$out/time-$1.txt" "$build/chainward" ingest --data-dir "$out/store-$1" "$2" -q > "$out/ingest-$1.txt" 2>&1; then
    printf '%-14s failed: %s\n' "$1" "$(grep -m1 error "$out/ingest-$1.txt")"
    return
  fi
  t1=$(date +%s.%N)
  local rss files bytes
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time-$1.txt")
  files=$(find "$2" -type f | wc -l)
  bytes=$(du -sb "$2" | cut -f1)
  printf '%-14s %6d files %8.1f MB  %6.2f s  %7.1f MB/s  peak RSS %5d MiB  content %s\n' "$1" "$files" \
    "$(echo "$bytes / 1000000" | bc -l)" "$(echo "$t1 - $t0" | bc -l)" "$(echo "$bytes / ($t1 - $t0) / 1000000" | bc -l)" \
    "$((rss / 1024))" "$("$build/chainward" stats --data-dir "$out/store-$1" --json --hash | python3 -c 'import json,sys; print(json.load(sys.stdin)["content_hash"][:16])')"
}
run lines "$data"
run per-response "$per"
run no-traces "$notr"
