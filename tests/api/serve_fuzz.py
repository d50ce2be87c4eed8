#!/usr/bin/env python3
"""Request fuzzing of `chainward serve`: N random and mutated requests against the real server
(run under the ASan+UBSan build by ctest). Every answer must be 2xx or 4xx (or, for a request
that is not HTTP at all, the connection closed without an answer); the server must stay up and
report no sanitizer error.

usage: serve_fuzz.py CHAINWARD N [SEED]
"""
import json
import os
import random
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

CW, N = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20260224)
signal.alarm(1100)


def run(*args):
    return subprocess.run([CW, *args], check=True, capture_output=True, text=True).stdout


work = tempfile.mkdtemp(prefix="chainward-serve-fuzz.")
data, sim = os.path.join(work, "data"), os.path.join(work, "sim")
run("simulate", "--preset", "tiny", "--seed", "3", "--out", sim)
run("ingest", "-q", "--data-dir", data, "--genesis", os.path.join(sim, "genesis.json"), "--chain-id", "1337",
    os.path.join(sim, "chain"))
run("labels", "import", "--data-dir", data, "--source", "simulator", os.path.join(sim, "labels.csv"))
run("exposure", "rebuild", "--data-dir", data)
keys = [run("keys", "create", "--data-dir", data, "--name", n, "--role", r).strip().splitlines()[-1]
        for n, r in (("a", "admin"), ("w", "write"), ("r", "read"))]
truth = json.load(open(os.path.join(sim, "truth.json")))
addresses = [l["address"] for l in truth["labels"]][:40] + ["0x" + "ab" * 20, "0x" + "00" * 20]
txs = sorted({t["tx_hash"] for t in truth["heists"][0]["laundering_transfers"]})[:20]

srv = subprocess.Popen([CW, "serve", "--data-dir", data, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
ready, _, _ = select.select([srv.stdout], [], [], 120)
m = re.match(r"listening on 127\.0\.0\.1:(\d+)", srv.stdout.readline() if ready else "")
if not m:
    srv.kill()
    sys.exit("server did not start: " + srv.stderr.read())
PORT = int(m.group(1))


def rand_str():
    alphabet = ["a", "Z", "0", "_", "-", "/", "%", "%00", "\\", "\"", "'", "é", "\u202e", "😀", " ", "\t", "{", "}", "..",
                "0x", "ethereum", "null", "\x00", "\x7f"]
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def rand_json(depth=0):
    r = rng.random()
    if depth > 3 or r < 0.3:
        return rng.choice([None, True, False, 0, -1, 2 ** 64, 2 ** 200, -2 ** 63, 1.5e308, 1e-320, rand_str(),
                           rng.choice(addresses), rng.choice(txs), "native", "received", "sent", "haircut", "1" * 90])
    if r < 0.6:
        return [rand_json(depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["chain", "address", "asset", "amount", "sources", "model", "hops", "status", "comment", "user_id",
                        "tx_hash", "direction", "category", "entity", "source", "valid_from", "x", rand_str()]):
            rand_json(depth + 1) for _ in range(rng.randint(0, 6))}


def valid_body(path):
    a = rng.choice(addresses)
    if path == "/v1/transfers":
        return {"chain": "ethereum", "asset": rng.choice(["native", "0x" + "12" * 20]), "tx_hash": rng.choice(txs),
                "address": a, "direction": rng.choice(["received", "sent"]), "amount": str(rng.randint(0, 10 ** 20)),
                "user_id": "u%d" % rng.randint(0, 9)}
    if path == "/v1/withdrawal-attempts":
        return {"chain": "ethereum", "asset": "native", "address": a, "amount": "1000", "user_id": "u1"}
    if path == "/v1/traces":
        return {"sources": [rng.choice(txs + addresses)], "model": rng.choice(["haircut", "poison", "fifo"]),
                "hops": rng.randint(1, 4)}
    if path == "/v1/labels":
        return {"chain": "ethereum", "address": a, "category": rng.choice(["scam", "mixer", "exchange"]),
                "entity": "fuzz", "source": "fuzz"}
    return {"status": rng.choice(["acknowledged", "closed"]), "comment": "fuzz"}


def valid_request():
    a = rng.choice(addresses)
    choices = [
        ("GET", "/healthz", None), ("GET", "/metrics", None), ("GET", f"/v1/addresses/ethereum/{a}", None),
        ("GET", f"/v1/addresses/{rand_str()}/{a}", None), ("GET", f"/v1/transfers/{rng.randint(0, 50)}", None),
        ("GET", f"/v1/users/u{rng.randint(0, 9)}/transfers", None),
        ("GET", "/v1/alerts?" + rng.choice(["status=open", "severity=high", "kind=rescreen", "since=0", "x=%zz", ""]), None),
        ("PATCH", f"/v1/alerts/{rng.randint(0, 30)}", valid_body("")),
        ("POST", "/v1/transfers", valid_body("/v1/transfers")),
        ("POST", "/v1/withdrawal-attempts", valid_body("/v1/withdrawal-attempts")),
        ("POST", "/v1/traces", valid_body("/v1/traces")),
        ("POST", "/v1/labels", valid_body("/v1/labels")),
        ("DELETE", f"/v1/labels/{rng.randint(200, 260)}", None),
    ]
    method, path, body = rng.choice(choices)
    if body is not None and rng.random() < 0.5:  # mutate the JSON: drop, retype or add members
        for _ in range(rng.randint(1, 3)):
            k = rng.choice(list(body) + ["extra"])
            op = rng.random()
            if op < 0.3:
                body.pop(k, None)
            else:
                body[k] = rand_json()
    if body is None and rng.random() < 0.1:
        body = rand_json()
    raw = json.dumps(body).encode() if body is not None else b""
    return method, path, raw


def render(method, path, raw, key):
    h = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if key:
        h.append("Authorization: Bearer " + key)
    if raw:
        h += ["Content-Type: application/json", f"Content-Length: {len(raw)}"]
    return ("\r\n".join(h) + "\r\n\r\n").encode() + raw


def mutate(b):
    b = bytearray(b)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        i = rng.randrange(len(b) + 1)
        if op < 0.3 and b:
            b[min(i, len(b) - 1)] = rng.randrange(256)
        elif op < 0.5:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op < 0.7 and b:
            del b[i:i + rng.randint(1, 16)]
        elif op < 0.8:
            b[i:i] = rng.choice([b"\r\n", b"\r\n\r\n", b"Content-Length: 99999999999999999999\r\n",
                                 b"Transfer-Encoding: chunked\r\n", b"X-" + b"a" * 9000 + b": 1\r\n", b"%", b"\x00"])
        else:
            j = rng.randrange(len(b) + 1)
            b[i:i] = b[min(i, j):max(i, j)]  # duplicate a stretch
    return bytes(b)


def send(payload):
    s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    try:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)  # a request cut short ends here (the server sees end of stream)
    except OSError:
        pass
    out = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            out += c
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    return out


bad, counts, slow = [], {}, []
t0 = time.time()
for i in range(N):
    method, path, raw = valid_request()
    key = rng.choice(keys + [None, "cwk_" + "1" * 64])
    payload = render(method, path, raw, key)
    if rng.random() < 0.1:  # pipelined: more requests on the same connection, kept alive
        payload = payload.replace(b"Connection: close", b"Connection: keep-alive", 1)
        for _ in range(rng.randint(1, 3)):
            payload += render(*valid_request(), rng.choice(keys)).replace(b"Connection: close", b"Connection: keep-alive", 1)
    kind = rng.random()
    if kind < 0.35:
        payload = mutate(payload)
    elif kind < 0.4:
        payload = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
    t1 = time.time()
    out = send(payload)
    if time.time() - t1 > 5:
        slow.append((round(time.time() - t1, 1), payload[:200], out[:100]))
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", out)
    status = int(m.group(1)) if m else 0
    counts[status // 100] = counts.get(status // 100, 0) + 1
    if status >= 500 or (status == 0 and out):
        bad.append((status, payload[:300], out[:300]))
    if srv.poll() is not None:
        bad.append(("server exited", payload[:300], srv.returncode))
        break

health = send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
alive = srv.poll() is None and health.startswith(b"HTTP/1.1 200")
srv.send_signal(signal.SIGTERM)
try:
    srv.wait(timeout=30)
except subprocess.TimeoutExpired:
    srv.kill()
err = srv.stderr.read()
sanitizer = [l for l in err.splitlines() if "AddressSanitizer" in l or "runtime error" in l or "LeakSanitizer" in l]
print(f"{N} requests in {time.time() - t0:.0f}s; answers by class: " +
      ", ".join(f"{k}xx: {v}" if k else f"closed without answer: {v}" for k, v in sorted(counts.items())))
for x in slow[:5]:
    print("SLOW (answered only after the client's wait):", x)
for b in bad[:10]:
    print("BAD:", b)
if sanitizer:
    print("server stderr (sanitizer report):")
    print("\n".join(err.splitlines()[:80]))
subprocess.run(["rm", "-rf", work])
sys.exit(0 if alive and not bad and not sanitizer else 1)
