#!/usr/bin/env bash
# `chainward labels` as a user meets it, on published data: OFAC's legacy SDN.CSV (with its cut
# Remarks), the per-currency OFAC lists, the shipped DPRK attribution list; idempotent re-imports,
# show/list/export, errors that name file and line and leave the store as it was; and
# `trace --labels` from the store giving the same report as from the CSV it was imported from.
set -euo pipefail
bin=$1
src=$2
data=$src/../shared/data
work=$(mktemp -d /tmp/cw-labels-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
d=$work/data

"$bin" labels --help | grep -q import || fail "labels --help"

# SDN.CSV: the cut Remarks are reported, naming the entries
"$bin" labels import --data-dir "$d" "$data/ofac-sdn-csv/sdn_2024-05-03.csv" > "$work/out" 2> "$work/err" || fail "import sdn.csv: $(cat "$work/err")"
for who in "LAZARUS GROUP" "TORNADO CASH" "BLENDER.IO"; do
  grep -q "warning: .*entry [0-9]* $who: Remarks cut at 1000 characters" "$work/err" || fail "no truncation warning for $who"
done
n=$(sed -n 's/^source "ofac-sdn": \([0-9]*\) labels read from 1 file: \1 added, 0 changed, 0 ended, 0 unchanged.*/\1/p' "$work/out")
[[ -n "$n" && "$n" -gt 250 ]] || fail "sdn.csv summary: $(cat "$work/out")"
"$bin" labels import --data-dir "$d" "$data/ofac-sdn-csv/sdn_2024-05-03.csv" > "$work/out" 2> /dev/null
grep -q "$n labels read from 1 file: 0 added, 0 changed, 0 ended, $n unchanged" "$work/out" || fail "re-import not idempotent: $(cat "$work/out")"

# show: entity, category, note and history of Lazarus Group's Ronin address (any case works)
"$bin" labels show --data-dir "$d" 0x098b716b8aaf21512996dc57eb0615e2383e2f96 --json > "$work/show.json"
python3 - "$work/show.json" <<'PY' || fail "labels show --json"
import json, sys
s = json.load(open(sys.argv[1]))
(l,) = s["labels"]
assert l["category"] == "sanctioned" and l["entity"] == "LAZARUS GROUP" and l["chain"] == "eth" and l["source"] == "ofac-sdn", l
assert "27307" in l["note"] and l["listed"] is True and l["valid_to"] is None, l
assert [h["action"] for h in s["history"]] == ["add"], s["history"]
PY
"$bin" labels show --data-dir "$d" 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 | grep -q "LAZARUS GROUP" || fail "labels show text"

# the per-currency lists as one snapshot of another source; then drop one file: its labels end
lists=()
for f in "$data"/ofac-b10c/sanctioned_addresses_{ETH,XBT,TRX,USDT}.txt; do lists+=("$f"); done
"$bin" labels import --data-dir "$d" --format list --category sanctioned --entity "OFAC SDN" --source ofac-lists "${lists[@]}" > "$work/out" 2> /dev/null
want=$(cat "${lists[@]}" | python3 -c 'import sys; print(len({l.strip().lower() if l.startswith(("0x","bc1")) else l.strip() for l in sys.stdin if l.strip()}))')
grep -q "$want added" "$work/out" || fail "lists: want $want added: $(cat "$work/out")"
"$bin" labels import --data-dir "$d" --format list --category sanctioned --entity "OFAC SDN" --source ofac-lists "${lists[@]:0:3}" > "$work/out" 2> /dev/null
usdt_only=$(python3 - "${lists[@]}" <<'PY'
import sys
norm = lambda l: l.strip().lower() if l.startswith(("0x", "bc1")) else l.strip()
rest = set()
for f in sys.argv[1:4]: rest |= {norm(l) for l in open(f) if l.strip()}
print(len({norm(l) for l in open(sys.argv[4]) if l.strip()} - rest))
PY
)
grep -q "0 added, 0 changed, $usdt_only ended" "$work/out" || fail "ending: want $usdt_only ended: $(cat "$work/out")"
"$bin" labels list --data-dir "$d" --source ofac-lists --json | python3 -c "import json,sys; assert len(json.load(sys.stdin)) == $want - $usdt_only" || fail "list after ending"
"$bin" labels list --data-dir "$d" --source ofac-lists --all --json | python3 -c "import json,sys; l=json.load(sys.stdin); assert len(l) == $want and sum(not x['listed'] for x in l) == $usdt_only and all(x['valid_to'] for x in l if not x['listed'])" || fail "list --all"

# the shipped DPRK attribution list, with its documented command; every FBI PSA 250226 address is in
"$bin" labels import --data-dir "$d" --source dprk-attribution --columns "note=incident+role+date+source_url+note" \
  "$src/data/labels/dprk-attribution.csv" > "$work/out" || fail "import dprk list"
"$bin" labels list --data-dir "$d" --source dprk-attribution --json > "$work/dprk.json"
python3 - "$work/dprk.json" "$data/lazarus-bybit/fbi_psa250226_bybit_eth_addresses.txt" <<'PY' || fail "dprk list content"
import json, sys
labels = json.load(open(sys.argv[1]))
fbi = {l.strip().lower() for l in open(sys.argv[2]) if l.strip()}
by = {}
for l in labels: by.setdefault(l["address"], []).append(l)
assert len(fbi) == 51
for a in fbi:
    assert a in by, a
    assert any("ic3.gov/PSA/2025/PSA250226" in l["note"] and l["valid_from"] == "2025-02-21T00:00:00Z" for l in by[a]), by[a]
assert {l["chain"] for l in labels} >= {"eth", "btc", "trx", "bsc"}
PY
"$bin" labels show --data-dir "$d" 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 --json |
  python3 -c 'import json,sys; e={x["name"]: x for x in json.load(sys.stdin)["entities"]}; assert e["Lazarus Group"]["jurisdiction"] == "KP", e' ||
  fail "entity jurisdiction from the DPRK list"

# export as TagPack, import into a fresh store: the same labels
"$bin" labels export --data-dir "$d" --format tagpack --source dprk-attribution --out "$work/dprk.yaml"
"$bin" labels import --data-dir "$work/other" --source dprk-attribution "$work/dprk.yaml" > /dev/null
"$bin" labels list --data-dir "$work/other" --json > "$work/rt.json"
python3 - "$work/dprk.json" "$work/rt.json" <<'PY' || fail "TagPack round trip through the CLI"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a == b, [x for x in a if x not in b][:3]
PY
"$bin" labels export --data-dir "$d" --format csv --category sanctioned > "$work/s.csv"
head -1 "$work/s.csv" | grep -q "^address,chain,entity,category" || fail "export csv"

# errors: file and line named, non-zero exit, nothing stored
before=$("$bin" labels list --data-dir "$d" --all --json | md5sum)
printf 'address,entity,category\n0x098B716B8Aaf21512996dC57EB0615e2383E2f96,x,mixer\n0x098B716B8Aaf21512996dC57EB0615e2383E2f97,y,mixer\n' > "$work/bad.csv"
if "$bin" labels import --data-dir "$d" --source bad "$work/bad.csv" > /dev/null 2> "$work/err"; then fail "bad checksum accepted"; fi
grep -q "bad.csv: line 3: field address: EIP-55 checksum mismatch" "$work/err" || fail "error text: $(cat "$work/err")"
[[ "$("$bin" labels list --data-dir "$d" --all --json | md5sum)" == "$before" ]] || fail "a failed import changed the store"
if "$bin" labels list --data-dir "$work/none" 2> "$work/err"; then fail "list without a store"; fi
grep -q "no label store" "$work/err" || fail "missing store message"

# trace --labels: the store answers exactly as the CSV it was imported from
"$bin" simulate --preset tiny --seed 3 --out "$work/sim" > /dev/null
"$bin" ingest -q --data-dir "$work/chain" --genesis "$work/sim/genesis.json" "$work/sim/chain" > /dev/null
"$bin" labels import --data-dir "$work/chain" --source sim "$work/sim/labels.csv" > /dev/null
tx=$(python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print(' '.join('--tx '+s['tx_hash'] for s in t['heists'][0]['source_transfers']))" "$work/sim/truth.json")
# shellcheck disable=SC2086
"$bin" trace --json --data-dir "$work/chain" --labels "$work/sim/labels.csv" $tx > "$work/t_csv.json"
# shellcheck disable=SC2086
"$bin" trace --json --data-dir "$work/chain" --labels $tx > "$work/t_store.json"
# shellcheck disable=SC2086
"$bin" trace --json --data-dir "$work/chain" --labels "$work/chain/labels.db" $tx > "$work/t_db.json"
python3 - "$work"/t_{csv,store,db}.json <<'PY' || fail "trace --labels from the store differs from --labels CSV"
import json, sys
def load(p):
    r = json.load(open(p))
    r["stats"].pop("trace_seconds")  # wall time, the only field that may differ
    return r
a, b, c = map(load, sys.argv[1:4])
assert a == b and a == c
PY
grep -q '"category":"exchange_deposit"' "$work/t_store.json" || fail "no labelled freeze point in the trace"
echo "labels CLI: ok"
