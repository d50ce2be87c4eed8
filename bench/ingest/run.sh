#!/usr/bin/env bash
# Ingest benchmark: `chainward ingest` on >= 1 GB of generated node responses against a simdjson
# parse-only pass over the same bytes, plus bytes on disk per transfer. See docs/benchmarks.md.
# usage: bench/ingest/run.sh   (env: MB=1100 size of the set, SEED=1, OUT=bench/out/ingest)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-bench
out=${OUT:-$root/bench/out/ingest}
mb=${MB:-1100}
seed=${SEED:-1}
data=$out/data-$mb-$seed
expect=$out/expect-$mb-$seed.json  # beside the data: ingest reads every .json inside it

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" -j1 --target chainward cw_bench_gen cw_bench_parse_only > /dev/null

if [[ ! -f $expect || ! -d $data ]]; then
  rm -rf "$data" && mkdir -p "$out"
  echo "generating ${mb} MB of node responses into $data" >&2
  "$build/bench/ingest/cw_bench_gen" "$data" --mb "$mb" --seed "$seed" > "$out/expect.tmp"
  mv "$out/expect.tmp" "$expect"
fi

echo "parse-only (simdjson DOM, files in memory)" >&2
"$build/bench/ingest/cw_bench_parse_only" "$data" > "$out/parse.json"

cat "$data"/*.jsonl > /dev/null  # page cache warm, as for the parse-only pass
store=$out/store
rm -rf "$store"
echo "chainward ingest" >&2
t0=$(date +%s.%N)
/usr/bin/time -v -o "$out/time.txt" "$build/chainward" ingest --data-dir "$store" "$data" -q > "$out/ingest.txt"
t1=$(date +%s.%N)
"$build/chainward" stats --data-dir "$store" --json > "$out/stats.json"
du -sb "$store" | cut -f1 > "$out/du.txt"

python3 - "$expect" "$out/parse.json" "$out/stats.json" "$out/time.txt" "$out/du.txt" "$t0" "$t1" <<'PY'
import json, re, sys
expect, parse, stats = (json.load(open(p)) for p in sys.argv[1:4])
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[4]).read()).group(1))
du = int(open(sys.argv[5]).read())
secs = float(sys.argv[7]) - float(sys.argv[6])
mb = expect["bytes"] / 1e6
assert stats["transfers"] == expect["transfers"], (stats["transfers"], expect["transfers"])
ingest_gbs = expect["bytes"] / secs / 1e9
b = stats["bytes"]
print(f"input              {mb:.1f} MB in {parse['files']} files, {expect['blocks']} blocks, {expect['txs']} txs")
print(f"transfers          {stats['transfers']} (as the generator expects)")
print(f"parse-only         {parse['gb_per_s']:.3f} GB/s ({parse['seconds']:.2f} s, {parse['elements']} elements)")
print(f"ingest             {secs:.2f} s wall: {mb / secs:.1f} MB/s, {expect['txs'] / secs:.0f} tx/s, {stats['transfers'] / secs:.0f} transfers/s")
print(f"ratio              {ingest_gbs / parse['gb_per_s']:.3f} x parse-only (target >= 0.5)")
print(f"bytes/transfer     {b['transfers_and_indexes'] / stats['transfers']:.2f} (transfers + both indexes; target <= 40)")
print(f"hashes             {b['hashes'] / stats['transfers']:.2f} B/transfer ({b['hashes']} B); dictionaries {b['dictionaries']} B; other {b['other']} B")
print(f"store on disk      {du} B = {du / stats['transfers']:.2f} B/transfer all included")
print(f"peak RSS (ingest)  {rss_kb / 1024:.0f} MiB")
PY
