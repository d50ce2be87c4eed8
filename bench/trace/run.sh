#!/bin/sh
# Trace speed on a simulated chain, and python3-igraph BFS reachability from the same sources on the
# same graph (load time excluded). usage: run.sh CHAINWARD EXPORT_EDGES SIMDIR DATADIR OUTDIR
#   SIMDIR: `chainward simulate` output (truth.json, labels.csv); DATADIR: its ingested store.
# Verifies its answers: every trace must balance, and the heist's first source must be reached.
set -eu
cw=$1; export_edges=$2; sim=$3; data=$4; out=$5
mkdir -p "$out"
py=/usr/bin/python3
# source transactions and the first receiver of stolen value, from the simulator's truth
$py - "$sim/truth.json" > "$out/sources.txt" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["heists"][0]
print(" ".join(sorted({s["tx_hash"] for s in h["source_transfers"]})))
print(h["attacker"])
PY
txs=$(sed -n 1p "$out/sources.txt"); attacker=$(sed -n 2p "$out/sources.txt")
txargs=""; for t in $txs; do txargs="$txargs --tx $t"; done
run_trace() {  # name, extra args
    name=$1; shift
    /usr/bin/time -f "peak_rss_kb=%M elapsed_s=%e" "$cw" trace --data-dir "$data" --labels "$sim/labels.csv" $txargs --json "$@" \
        > "$out/$name.json" 2> "$out/$name.time"
    $py - "$out/$name.json" "$out/$name.time" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); tm = open(sys.argv[2]).read().split()
kv = dict(x.split("=") for x in tm if "=" in x)
assert all(t["balanced"] for t in r["totals"]), "unbalanced trace"
assert r["freeze_points"], "no freeze points"
st = r["stats"]; el = float(kv["elapsed_s"])
print(f"{sys.argv[3]}: elapsed_s={el} (incl. open, tx lookup, report) trace_s={st.get('trace_seconds', 0):.4f} "
      f"transfers_visited={st['transfers_visited']} transfers_loaded={st['transfers_loaded']} addresses={st['addresses_followed']} "
      f"edges_per_s={st['transfers_visited'] / max(st.get('trace_seconds', el), 1e-9):.0f} freeze_points={len(r['freeze_points'])} "
      f"peak_rss_kb={kv['peak_rss_kb']}")
PY
}
run_trace haircut6 --model haircut --hops 6 | tee "$out/summary.txt"
run_trace poison --model poison | tee -a "$out/summary.txt"
# Full reach: no labels (no terminal stops the trace; only the built-in WETH9 converter, which
# passes taint on through the swap rule), no hop limit: taint goes everywhere it can in time order.
run_full() {  # name, model
    name=$1; model=$2
    /usr/bin/time -f "peak_rss_kb=%M elapsed_s=%e" "$cw" trace --data-dir "$data" $txargs --json --model "$model" \
        > "$out/$name.json" 2> "$out/$name.time"
    $py - "$out/$name.json" "$out/$name.time" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); tm = open(sys.argv[2]).read().split()
kv = dict(x.split("=") for x in tm if "=" in x)
assert all(t["balanced"] for t in r["totals"]), "unbalanced trace"
assert not any(r["limits"].values()), "a limit was hit"
st = r["stats"]; ts = st["trace_seconds"]
print(f"{sys.argv[3]}: elapsed_s={kv['elapsed_s']} trace_s={ts:.4f} transfers_visited={st['transfers_visited']} "
      f"transfers_loaded={st['transfers_loaded']} addresses_reached={st['addresses_followed']} "
      f"transfers_per_s={st['transfers_visited'] / max(ts, 1e-9):.0f} peak_rss_kb={kv['peak_rss_kb']}")
PY
}
run_full full_poison poison | tee -a "$out/summary.txt"
run_full full_haircut haircut | tee -a "$out/summary.txt"
# igraph: the same transfer graph, BFS from the receiver of the stolen value
"$export_edges" "$data" "$out/edges.txt" > "$out/export.txt"
vertices=$(sed -n 's/.*vertices=\([0-9]*\).*/\1/p' "$out/export.txt")
srcid=$("$export_edges" --id-of "$data" "$attacker")
$py "$(dirname "$0")/igraph_bfs.py" "$out/edges.txt" "$vertices" $srcid | tee -a "$out/summary.txt"
rm -f "$out/edges.txt"
