#!/usr/bin/python3
# BFS reachability with python3-igraph from the same sources as the trace; load time excluded.
# usage: igraph_bfs.py EDGES.txt VERTICES SOURCE_ID [SOURCE_ID...]
import sys, time, resource
import igraph

edges, n, sources = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
t0 = time.perf_counter()
g = igraph.Graph.Read_Edgelist(edges, directed=True)
if g.vcount() < n:
    g.add_vertices(n - g.vcount())
load = time.perf_counter() - t0
t1 = time.perf_counter()
seen = set()
for s in sources:
    vids, _, _ = g.bfs(s, mode="out")
    seen.update(vids)
bfs = time.perf_counter() - t1
# the edges a BFS walks: every out-edge of every vertex it reaches
walked = sum(g.outdegree(list(seen)))
print(f"igraph_load_s={load:.3f} igraph_bfs_s={bfs:.4f} reached={len(seen)} edges={g.ecount()} walked_edges={walked} "
      f"walked_edges_per_s={walked / max(bfs, 1e-9):.0f} "
      f"peak_rss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
