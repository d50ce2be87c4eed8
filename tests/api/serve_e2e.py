#!/usr/bin/env python3
"""End-to-end test of `chainward serve` on the simulator's tiny preset with its labels.

Starts the real server on 127.0.0.1 (a free port, stopped by its PID), calls every endpoint and
checks the answers against what the simulator's ground truth (truth.json, the chain files) says,
independently of the server's code. Every response is written to RESPONSES (JSON lines) for
validate_responses.mjs to check against docs/api.yaml.

usage: serve_e2e.py CHAINWARD WORKDIR RESPONSES.jsonl
"""
import hashlib
import json
import os
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time

CW, WORK, RESPONSES = sys.argv[1], sys.argv[2], sys.argv[3]
signal.alarm(600)  # the whole test is bounded in time
failures = []
recorded = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def run(*args, **kw):
    return subprocess.run([CW, *args], check=True, capture_output=True, text=True, **kw).stdout


def to_checksum(addr):
    """EIP-55 written from the EIP's rules (keccak of the lowercase hex), through the test's own keccak."""
    h = keccak256(addr[2:].lower().encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h[i], 16) >= 8 else c for i, c in enumerate(addr[2:].lower()))


# Keccak-256 (the original padding, as Ethereum uses it), from FIPS 202's permutation.
def keccak256(data):
    rc = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
          0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
          0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
          0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
          0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
    rot = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
    m = (1 << 64) - 1

    def f(a):
        for r in range(24):
            c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ (((c[(x + 1) % 5] << 1) | (c[(x + 1) % 5] >> 63)) & m) for x in range(5)]
            a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    v, n = a[x][y], rot[x][y]
                    b[y][(2 * x + 3 * y) % 5] = ((v << n) | (v >> (64 - n))) & m if n else v
            a = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
            a[0][0] ^= rc[r]
        return a

    rate = 136
    pad = rate - len(data) % rate
    p = bytearray(data) + (b"\x81" if pad == 1 else b"\x01" + b"\x00" * (pad - 2) + b"\x80")
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(p), rate):
        blk = p[off:off + rate]
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(blk[8 * i:8 * i + 8], "little")
        a = f(a)
    return b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


check(keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", "keccak256('') vector")
check(to_checksum("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "EIP-55 vector")

# ---- the workload -------------------------------------------------------------------------
data = os.path.join(WORK, "data")
sim = os.path.join(WORK, "sim")
run("simulate", "--preset", "tiny", "--seed", "7", "--out", sim, "--per-file", "100")
# the last file (blocks 201-240) is ingested while the server runs: it must see them
first_files = sorted(os.path.join(sim, "chain", f) for f in os.listdir(os.path.join(sim, "chain")))[:-1]
run("ingest", "-q", "--data-dir", data, "--genesis", os.path.join(sim, "genesis.json"), "--chain-id", "1337",
    *first_files)
run("labels", "import", "--data-dir", data, "--source", "simulator", os.path.join(sim, "labels.csv"))
run("exposure", "rebuild", "--data-dir", data)
truth = json.load(open(os.path.join(sim, "truth.json")))
heist = truth["heists"][0]
labelled = {l["address"].lower(): l for l in truth["labels"]}

# newest block, from the chain files
head = 0
for name in os.listdir(os.path.join(sim, "chain")):
    for line in open(os.path.join(sim, "chain", name)):
        r = json.loads(line).get("result")
        if isinstance(r, dict) and "transactions" in r:
            head = max(head, int(r["number"], 16))

# distance from the exploiter along the laundering playbook's plain moves (fan-out, pass-through)
dist = {heist["attacker"].lower(): 0}
moves = [t for t in heist["laundering_transfers"] if t["typology"] in ("fan-out", "pass-through")]
changed = True
while changed:
    changed = False
    for t in sorted(moves, key=lambda t: (t["block"], t["tx_index"], t["seq"])):
        f, to = t["from"].lower(), t["to"].lower()
        if f in dist and (to not in dist or dist[to] > dist[f] + 1):
            dist[to] = dist[f] + 1
            changed = True
hop1 = sorted(a for a, d in dist.items() if d == 1 and a not in labelled)
hop_n = sorted(a for a, d in dist.items() if 2 <= d <= 4 and a not in labelled)
check(hop1 and hop_n, f"workload has recipients at 1 and 2-4 hops ({len(hop1)}, {len(hop_n)})")
sanctioned = [a for a, l in labelled.items() if l["category"] == "sanctioned"]
heist_attackers = [a for a, l in labelled.items() if l["category"] == "heist_attacker"]
clean = ["0x" + keccak256(b"clean %d" % i).hex()[:40] for i in range(3)]  # never on the chain

# ---- keys --------------------------------------------------------------------------------


def new_key(name, role, rate=None):
    args = ["keys", "create", "--data-dir", data, "--name", name, "--role", role]
    if rate:
        args += ["--rate-limit", str(rate)]
    return run(*args).strip().splitlines()[-1]


admin = new_key("desk-admin", "admin")
writer = new_key("deposits-bot", "write")
reader = new_key("auditor", "read")
limited = new_key("slow-partner", "read", 2)
revoked = new_key("old-laptop", "write")
run("keys", "revoke", "--data-dir", data, "old-laptop")
listing = run("keys", "list", "--data-dir", data)
check(all(k not in listing for k in (admin, writer, reader)), "keys list never shows a key")
# only each key's SHA-256 is stored (hashlib, not the program's own hashing), never the key
db = sqlite3.connect(os.path.join(data, "api-keys.db"))
stored = dict(db.execute("SELECT name, hash FROM keys").fetchall())
db.close()
check(stored.get("desk-admin") == hashlib.sha256(admin.encode()).hexdigest(), "the admin key's SHA-256 is stored")
check(re.fullmatch(r"cwk_[0-9a-f]{64}", admin) is not None, f"a key is cwk_ and 64 hex digits: {admin[:8]}")
for f in os.listdir(data):
    if f.startswith("api-keys.db"):
        raw = open(os.path.join(data, f), "rb").read()
        check(all(k.encode() not in raw and k[4:].encode() not in raw for k in (admin, writer, reader)), f"{f} holds no key")

# ---- the server --------------------------------------------------------------------------
web = os.path.join(WORK, "web")
os.makedirs(os.path.join(web, "assets"))
open(os.path.join(web, "index.html"), "w").write("<!doctype html><title>chainward</title>")
open(os.path.join(web, "assets", "app.js"), "w").write("console.log(1)")
open(os.path.join(web, ".env"), "w").write("SECRET=1")
os.symlink(os.path.join(data, "api-keys.db"), os.path.join(web, "keys.db"))
srv = subprocess.Popen([CW, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--web", web], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
ready, _, _ = select.select([srv.stdout], [], [], 60)
line = srv.stdout.readline() if ready else ""
m = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
if not m:
    srv.kill()
    sys.exit(f"server did not start: {line!r} {srv.stderr.read() if srv.poll() is not None else ''}")
PORT = int(m.group(1))


def call(method, path, route, body=None, key=None, raw=None, headers=None, record=True):
    """One request on a fresh connection; returns (status, headers dict, body text)."""
    if body is not None and raw is None:
        raw = json.dumps(body).encode()
    h = {"Host": "127.0.0.1", "Connection": "close"}
    if key:
        h["Authorization"] = "Bearer " + key
    if raw is not None:
        h["Content-Type"] = "application/json"
        h["Content-Length"] = str(len(raw))
    h.update(headers or {})
    req = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    s.sendall(req.encode() + (raw or b""))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head_, _, payload = data.partition(b"\r\n\r\n")
    lines = head_.decode().split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    text = payload.decode()
    if record:
        recorded.append({"method": method, "path": path, "route": route, "status": status,
                         "content_type": hdrs.get("content-type", ""), "body": text})
    return status, hdrs, text


def jcall(*a, **kw):
    st, h, text = call(*a, **kw)
    try:
        return st, h, json.loads(text)
    except ValueError:
        return st, h, None


ADDR = "/v1/addresses/{chain}/{address}"
try:
    # health needs no key; blocks another process stores reach the server (store and exposure)
    st, _, health = jcall("GET", "/healthz", "/healthz")
    check(st == 200 and health["head_block"] == 200 and health["exposure_block"] == 200, f"healthz at block 200: {health}")
    run("ingest", "-q", "--data-dir", data, "--chain-id", "1337", os.path.join(sim, "chain"))
    deadline = time.time() + 30
    while time.time() < deadline:
        st, _, health = jcall("GET", "/healthz", "/healthz")
        if health["head_block"] == head and health["exposure_block"] == head:
            break
        time.sleep(0.1)
    check(st == 200 and health["head_block"] == head and health["exposure_block"] == head,
          f"healthz gives the newest block {head} after an ingest by another process: {health}")

    # keys: none, wrong, revoked, role too low
    a = to_checksum(hop1[0])
    for key, want, code in [(None, 401, "unauthorized"), ("cwk_" + "0" * 64, 401, "unauthorized"),
                            (revoked, 401, "key_revoked")]:
        st, h, b = jcall("GET", f"/v1/addresses/ethereum/{a}", ADDR, key=key)
        check(st == want and b["error"]["code"] == code and "www-authenticate" in h, f"key {key and key[:8]}: {st} {b}")
    st, _, b = jcall("POST", "/v1/labels", "/v1/labels", key=writer,
                     body={"chain": "ethereum", "address": clean[2], "category": "scam", "entity": "x", "source": "t"})
    check(st == 403 and b["error"]["code"] == "forbidden", f"a write key may not label: {st} {b}")
    st, _, b = jcall("POST", "/v1/traces", "/v1/traces", key=reader, body={"sources": [a]})
    check(st == 403, f"a read key may not trace: {st}")

    # screening on the labelled workload
    def screen(addr):
        st, _, b = jcall("GET", f"/v1/addresses/ethereum/{to_checksum(addr)}", ADDR, key=reader)
        check(st == 200, f"screen {addr}: {st} {b}")
        return b

    for addr in sanctioned + heist_attackers:
        b = screen(addr)
        check(b["decision"] == "block" and b["risk"] == "severe", f"labelled {addr} blocked: {b['decision']} {b['risk']}")
    for addr in hop1:
        b = screen(addr)
        check(b["decision"] == "block", f"hop-1 recipient {addr} (direct from the sanctioned exploiter) blocked: {b['decision']}")
        rows = [r for r in b["exposure"] if r["category"] == "sanctioned" and r["kind"] == "direct"]
        check(rows and rows[0]["path"] and rows[0]["path"][-1]["to"].lower() == addr, f"evidence path ends at {addr}")
    for addr in hop_n:
        b = screen(addr)
        check(b["decision"] == "review", f"recipient {addr} {dist[addr]} hops away reviewed: {b['decision']} {b['reasons']}")
        check(any(r["kind"] == "indirect" and r["hops"] == dist[addr] for r in b["exposure"]),
              f"{addr}: indirect row at hop {dist[addr]}")
    for addr in clean:
        b = screen(addr)
        check(b["decision"] == "allow" and b["risk"] == "none" and not b["exposure"], f"clean {addr} allowed")

    # bad input on the path
    st, _, b = jcall("GET", f"/v1/addresses/bitcoin/{a}", ADDR, key=reader)
    check(st == 404 and b["error"]["field"] == "chain", f"unknown chain: {st} {b}")
    bad = a[:2] + (a[2:].swapcase() if a[2:] != a[2:].swapcase() else a[2:])
    mixed = "0x" + a[2].swapcase() + a[3:] if a[2].isalpha() else "0x" + a[2:41] + a[41].swapcase()
    for wrong in {bad, mixed} - {a, a.lower()}:
        st, _, b = jcall("GET", f"/v1/addresses/ethereum/{wrong}", ADDR, key=reader)
        check(st == 400 and b["error"]["field"] == "address", f"bad checksum {wrong}: {st} {b}")
    st, _, b = jcall("GET", "/v1/addresses/ethereum/0x1234", ADDR, key=reader)
    check(st == 400 and b["error"]["field"] == "address", f"short address: {st} {b}")

    # traces: the freeze points of the simulator's truth, with their haircut amounts
    drains = sorted({t["tx_hash"] for t in heist["source_transfers"]})
    st, _, rep = jcall("POST", "/v1/traces", "/v1/traces", key=writer, body={"sources": drains, "model": "haircut"})
    check(st == 200, f"trace: {st}")
    if st == 200:
        got = {(f["address"].lower(), f["asset_name"]): f["amount"] for f in rep["freeze_points"]}
        want = {(f["address"].lower(), f["asset"]): f["haircut"] for f in heist["freeze_points"] if f["haircut"] != "0"}
        check(got == want, f"trace freeze points equal the truth ({len(got)} vs {len(want)})")
    st, _, b = jcall("POST", "/v1/traces", "/v1/traces", key=writer, body={"sources": drains, "model": "average"})
    check(st == 400 and b["error"]["field"] == "model", f"bad model: {st} {b}")
    st, _, b = jcall("POST", "/v1/traces", "/v1/traces", key=writer, body={"sources": ["0x" + "ab" * 32]})
    check(st == 404 and b["error"]["field"] == "sources[0]", f"unknown transaction: {st} {b}")
    st, _, b = jcall("POST", "/v1/traces", "/v1/traces", key=writer, body={"sources": drains, "hops": "three"})
    check(st == 400 and b["error"]["field"] == "hops", f"hops of the wrong type: {st} {b}")

    # malformed bodies
    st, _, b = jcall("POST", "/v1/labels", "/v1/labels", key=admin, raw=b'{"chain": "ethereum",')
    check(st == 400 and b["error"]["code"] == "invalid_json", f"malformed JSON: {st} {b}")
    st, _, b = jcall("POST", "/v1/labels", "/v1/labels", key=admin, raw=b"[1,2]")
    check(st == 400 and b["error"]["code"] == "invalid_type", f"not an object: {st} {b}")
    base = {"chain": "ethereum", "address": clean[2], "category": "scam", "entity": "x", "source": "e2e"}
    for field, value, code in [("entity", 5, "invalid_type"), ("chain", "dogecoin", "unknown_chain"),
                               ("address", to_checksum(clean[2]).swapcase().replace("0X", "0x"), "invalid_address"),
                               ("valid_from", "yesterday", "invalid_value"), ("colour", "red", "unknown_field")]:
        body = dict(base, **{field: value})
        st, _, b = jcall("POST", "/v1/labels", "/v1/labels", key=admin, body=body)
        check(400 <= st < 500 and b["error"]["field"] == field and b["error"]["code"] == code,
              f"label with bad {field}: {st} {b}")
    st, _, b = jcall("POST", "/v1/labels", "/v1/labels", key=admin, body={k: v for k, v in base.items() if k != "source"})
    check(st == 400 and b["error"]["field"] == "source" and b["error"]["code"] == "missing_field", f"missing source: {b}")
    st, _, b = jcall("POST", "/v1/labels", "/v1/labels", key=admin, raw=b'{"note": "' + b"a" * 70000 + b'"}')
    check(st == 413, f"oversize body: {st}")

    st, _, b = jcall("GET", "/healthz", "/healthz", headers={"X-Padding": "p" * 9000}, record=False)
    check(st == 431 and b["error"]["code"] == "header_too_large", f"oversize head: {st} {b}")
    st, _, b = jcall("GET", "/v1/addresses/ethereum/" + "0" * 5000, ADDR, key=reader, record=False)
    check(st in (400, 431), f"oversize target: {st}")

    # rate limit: 2 requests a second, a burst of 2
    statuses = []
    for _ in range(6):
        st, h, _ = call("GET", f"/v1/addresses/ethereum/{clean[0]}", ADDR, key=limited)
        statuses.append((st, h.get("retry-after")))
    check(statuses[0][0] == 200 and any(s == 429 and ra and int(ra) >= 1 for s, ra in statuses),
          f"rate limit gives 429 with Retry-After: {statuses}")

    # the web view's files under /, and nothing outside them
    st, h, text = call("GET", "/", "/", record=False)
    check(st == 200 and h["content-type"].startswith("text/html") and "<title>chainward" in text, f"/ serves index.html: {st}")
    st, h, text = call("GET", "/assets/app.js", "/", record=False)
    check(st == 200 and h["content-type"].startswith("text/javascript") and text == "console.log(1)", f"a JS asset: {st} {h}")
    for sneaky in ["/../api-keys.db", "/%2e%2e/api-keys.db", "/assets/..%2f..%2fapi-keys.db", "/.env", "/keys.db",
                   "/assets/%00x", "/nothing.js"]:
        st, _, _ = call("GET", sneaky, "/", record=False)
        check(st == 404, f"{sneaky} is not served: {st}")

    # unknown route, wrong method
    st, _, b = jcall("GET", "/v1/nothing", "/v1/nothing", key=reader, record=False)
    check(st == 404, f"unknown route: {st}")
    st, h, b = jcall("PUT", "/healthz", "/healthz", record=False)
    check(st == 405 and h.get("allow") == "GET", f"wrong method: {st} {h}")

    # labels: add, see it in the screening, end it
    st, _, lab = jcall("POST", "/v1/labels", "/v1/labels", key=admin,
                       body=dict(base, valid_from="block:1", note="reported by a customer"))
    check(st == 201 and lab["address"] == to_checksum(clean[2]) and lab["listed"] and lab["valid_from"] == "block:1",
          f"label added: {st} {lab}")
    st, _, again = jcall("POST", "/v1/labels", "/v1/labels", key=admin,
                         body=dict(base, valid_from="block:1", note="reported by a customer"))
    check(st == 200 and again["id"] == lab["id"], f"the same label again: {st} {again}")
    deadline = time.time() + 5
    while time.time() < deadline:
        b = screen(clean[2])
        if b["labels"]:
            break
        time.sleep(0.1)
    check([x["category"] for x in b["labels"]] == ["scam"] and b["risk"] == "high", f"label seen by screening: {b}")
    st, _, ended = jcall("DELETE", f"/v1/labels/{lab['id']}", "/v1/labels/{id}", key=admin)
    check(st == 200 and not ended["listed"] and ended["valid_to"], f"label ended: {st} {ended}")
    st, _, b = jcall("DELETE", "/v1/labels/999999", "/v1/labels/{id}", key=admin)
    check(st == 404 and b["error"]["field"] == "id", f"unknown label: {st} {b}")

    import serve_e2e_alerts  # transfers, withdrawals, alerts, the stream, re-screening
    serve_e2e_alerts.run(globals())

    # metrics pass promtool
    st, h, text = call("GET", "/metrics", "/metrics")
    check(st == 200 and h["content-type"].startswith("text/plain"), "metrics answered")
    for needed in ("chainward_http_requests_total{", "chainward_http_request_duration_seconds_bucket{",
                   "chainward_decisions_total{", "chainward_store_head_block " + str(head)):
        check(needed in text, f"metrics hold {needed}")
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    check(p.returncode == 0, f"promtool check metrics: {p.stdout} {p.stderr}")

    check(srv.poll() is None, "the server is still up")

    # connection limit and slow clients, on a second server with tight limits
    small = subprocess.Popen([CW, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--max-connections", "2",
                              "--request-timeout", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([small.stdout], [], [], 60)
        port2 = int(re.match(r"listening on 127\.0\.0\.1:(\d+)", small.stdout.readline()).group(1))
        slow = [socket.create_connection(("127.0.0.1", port2), timeout=30) for _ in range(2)]
        for c in slow:
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the end of the head
        time.sleep(0.3)
        third = socket.create_connection(("127.0.0.1", port2), timeout=30)
        third.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = third.recv(4096)
        check(answer.startswith(b"HTTP/1.1 503") and b"too_many_connections" in answer, f"connection limit: {answer[:80]}")
        for c in slow:  # the server cuts slow clients off (their request never completed)
            check(c.recv(4096) == b"", "a slow client's connection is closed by the server")
            c.close()
        third.close()
        ok = False
        for _ in range(50):  # once they are gone, the server takes connections again
            c = socket.create_connection(("127.0.0.1", port2), timeout=30)
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            ok = c.recv(4096).startswith(b"HTTP/1.1 200")
            c.close()
            if ok:
                break
            time.sleep(0.1)
        check(ok, "connections are taken again after the slow ones were closed")
    finally:
        small.send_signal(signal.SIGTERM)
        small.wait(timeout=20)
finally:
    srv.send_signal(signal.SIGTERM)
    try:
        srv.wait(timeout=20)
        err = srv.stderr.read()
        check(srv.returncode == 0, f"server exits 0 on SIGTERM (got {srv.returncode}): {err[-3000:]}")
    except subprocess.TimeoutExpired:
        srv.kill()
        failures.append("server did not stop on SIGTERM")
    with open(RESPONSES, "w") as f:
        for r in recorded:
            f.write(json.dumps(r) + "\n")

print(f"{len(recorded)} responses recorded, {len(failures)} failures")
sys.exit(1 if failures else 0)
