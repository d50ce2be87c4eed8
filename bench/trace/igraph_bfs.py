#!/usr/bin/python3
# BFS reachability with python3-igraph from the same sources as the trace; load time excluded.
# usage: igraph_bfs.py EDGES.txt VERTICES SOURCE_ID [SOURCE_ID...]
# Several sources are searched in one BFS from an extra vertex with an edge to each (its own edges
# are not counted). edges_walked: out-edges of every reached vertex, each examined once by the BFS.
import sys, time, resource
import igraph

edges, n, sources = sys.argv[1], int(sys.argv[2]), sorted({int(x) for x in sys.argv[3:]})
t0 = time.perf_counter()
g = igraph.Graph.Read_Edgelist(edges, directed=True)
if g.vcount() < n:
    g.add_vertices(n - g.vcount())
root = sources[0]
if len(sources) > 1:
    g.add_vertices(1)
    root = g.vcount() - 1
    g.add_edges([(root, s) for s in sources])
load = time.perf_counter() - t0
c0 = time.process_time()
t1 = time.perf_counter()
vids, _, _ = g.bfs(root, mode="out")
bfs = time.perf_counter() - t1
cpu = time.process_time() - c0
reached = [v for v in vids if v != root or len(sources) == 1]
walked = sum(g.outdegree(reached))
print(f"igraph_load_s={load:.3f} igraph_bfs_s={bfs:.4f} igraph_bfs_cpu_s={cpu:.4f} reached={len(reached)} "
      f"edges_walked={walked} edges_per_s={walked / max(bfs, 1e-9):.0f} edges={g.ecount() - (len(sources) if len(sources) > 1 else 0)} "
      f"peak_rss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
