#!/bin/sh
# Trace speed on a simulated chain, and python3-igraph BFS reachability from the same sources on the
# same graph (load time excluded). usage: run.sh CHAINWARD EXPORT_EDGES SIMDIR DATADIR OUTDIR
#   SIMDIR: `chainward simulate` output (truth.json, labels.csv); DATADIR: its ingested store.
# Runs: labelled haircut (6 hops) and poison traces that stop at terminals and converters (what a user
# runs), then full-reach poison and haircut (--through --through-converters, no hop limit: taint goes
# everywhere it can in time order), the work to compare with a BFS from the drain's receivers.
# Verifies its answers: every trace must balance and report freeze points.
set -eu
cw=$1; export_edges=$2; sim=$3; data=$4; out=$5
mkdir -p "$out"
py=/usr/bin/python3
# source transactions and the receivers of their stolen value, from the simulator's truth
$py - "$sim/truth.json" > "$out/sources.txt" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["heists"][0]
print(" ".join(sorted({s["tx_hash"] for s in h["source_transfers"]})))
print(" ".join(sorted({s["to"] for s in h["source_transfers"]})))
PY
txs=$(sed -n 1p "$out/sources.txt"); receivers=$(sed -n 2p "$out/sources.txt")
txargs=""; for t in $txs; do txargs="$txargs --tx $t"; done
run_trace() {  # name, extra args
    name=$1; shift
    /usr/bin/time -f "peak_rss_kb=%M elapsed_s=%e user_s=%U sys_s=%S" "$cw" trace --data-dir "$data" --labels "$sim/labels.csv" $txargs --json "$@" \
        > "$out/$name.json" 2> "$out/$name.time"
    $py - "$out/$name.json" "$out/$name.time" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); tm = open(sys.argv[2]).read().split()
kv = dict(x.split("=") for x in tm if "=" in x)
assert all(t["balanced"] for t in r["totals"]), "unbalanced trace"
assert r["freeze_points"], "no freeze points"
st = r["stats"]; el = float(kv["elapsed_s"])
print(f"{sys.argv[3]}: elapsed_s={el} cpu_s={float(kv['user_s']) + float(kv['sys_s']):.2f} (incl. open, tx lookup, report) "
      f"trace_s={st.get('trace_seconds', 0):.4f} "
      f"transfers_visited={st['transfers_visited']} transfers_loaded={st['transfers_loaded']} addresses={st['addresses_followed']} "
      f"edges_per_s={st['transfers_visited'] / max(st.get('trace_seconds', el), 1e-9):.0f} freeze_points={len(r['freeze_points'])} "
      f"peak_rss_kb={kv['peak_rss_kb']}")
PY
}
run_trace haircut6 --model haircut --hops 6 | tee "$out/summary.txt"
run_trace poison --model poison | tee -a "$out/summary.txt"
# Full reach: the text report (--top 1), since the JSON of every address reached runs to gigabytes on
# a big graph; its per-asset lines say UNBALANCED when conservation fails.
run_full() {  # name, extra args
    name=$1; shift
    /usr/bin/time -f "peak_rss_kb=%M elapsed_s=%e user_s=%U sys_s=%S" "$cw" trace --data-dir "$data" --labels "$sim/labels.csv" $txargs \
        --through --through-converters --top 1 "$@" > "$out/$name.txt" 2> "$out/$name.time"
    $py - "$out/$name.txt" "$out/$name.time" "$name" <<'PY'
import re, sys
rep = open(sys.argv[1]).read(); tm = open(sys.argv[2]).read().split()
kv = dict(x.split("=") for x in tm if "=" in x)
assert "UNBALANCED" not in rep and " traced " in rep, "unbalanced trace"
assert "LIMITS HIT" not in rep, "a limit was hit"
fp = int(re.search(r"freeze points \(terminals reached\) \((\d+)\)", rep).group(1))
assert fp > 0, "no freeze points"
m = re.search(r"(\d+) transfers visited \((\d+) read\), (\d+) addresses followed in ([0-9.]+) s", rep)
vis, loaded, addrs, ts = int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4))
el = float(kv["elapsed_s"])
print(f"{sys.argv[3]}: elapsed_s={el} cpu_s={float(kv['user_s']) + float(kv['sys_s']):.2f} (incl. open, tx lookup, report) "
      f"trace_s={ts:.4f} transfers_visited={vis} transfers_loaded={loaded} addresses={addrs} "
      f"edges_per_s={vis / max(ts, 1e-9):.0f} freeze_points={fp} peak_rss_kb={kv['peak_rss_kb']}")
PY
}
run_full full_poison --model poison | tee -a "$out/summary.txt"
run_full full_haircut --model haircut | tee -a "$out/summary.txt"
# igraph: the same transfer graph, BFS from the receivers of the stolen value
"$export_edges" "$data" "$out/edges.txt" > "$out/export.txt"
vertices=$(sed -n 's/.*vertices=\([0-9]*\).*/\1/p' "$out/export.txt")
srcids=""; for r in $receivers; do srcids="$srcids $("$export_edges" --id-of "$data" "$r")"; done
$py "$(dirname "$0")/igraph_bfs.py" "$out/edges.txt" "$vertices" $srcids | tee -a "$out/summary.txt"
rm -f "$out/edges.txt"
# full reach: tracer transfers/s (trace time) per igraph BFS edge/s (BFS time), both in this run
$py - "$out/summary.txt" <<'PY' | tee -a "$out/summary.txt"
import sys
rows = {}
for line in open(sys.argv[1]):
    name, _, rest = line.partition(": ") if ": " in line else ("igraph", "", line)
    rows[name] = dict(x.split("=", 1) for x in rest.split() if "=" in x)
ig = float(rows["igraph"]["edges_per_s"])
for name in ("full_poison", "full_haircut"):
    tr = float(rows[name]["edges_per_s"])
    print(f"ratio_{name}: tracer_transfers_per_s={tr:.0f} igraph_edges_per_s={ig:.0f} ratio={tr / max(ig, 1e-9):.4f}")
PY
