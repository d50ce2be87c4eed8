#!/usr/bin/env bash
# bench/serve/run.sh CHAINWARD DATA_DIR ADDRS [SECONDS]
# wrk on loopback, 64 connections, against `chainward serve` (GET /v1/addresses over the random
# addresses of ADDRS, one a line; POST /v1/transfers, each a new deposit) and, in the same run,
# nginx serving a static JSON body of the GET responses' mean size: the ceiling on this machine.
# Servers bind 127.0.0.1 on free ports and are stopped by PID. Prints one line per target and
# exits non-zero when a target is missed or any request failed.
set -euo pipefail
cw=$(realpath "$1"); data=$(realpath "$2"); addrs=$(realpath "$3"); secs=${4:-30}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/chainward-bench-serve.XXXXXX)
chmod 755 "$tmp"  # nginx workers run as another user
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# the service, with a key of its own (no rate limit) in the data dir
key=$("$cw" keys create --data-dir "$data" --name "bench-$$" --role write | tail -1)
"$cw" serve --data-dir "$data" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=($!)
for _ in $(seq 300); do grep -q listening "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/serve.out")
[[ -n $port ]] || { cat "$tmp/serve.err"; exit 1; }

# the mean size of the GET answers decides nginx's body
size=$(shuf -n 200 --random-source=<(yes) "$addrs" | while read -r a; do
  curl -s -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/addresses/ethereum/$a" | wc -c; done |
  awk '{s+=$1} END {printf "%d", s/NR}')
mkdir -p "$tmp/nginx/logs" "$tmp/www"
head -c "$size" /dev/zero | tr '\0' ' ' | sed 's/^ /{"pad":"/; s/ $/"}/' >"$tmp/www/body.json"
nport=$(free_port)
cat >"$tmp/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
    default_type application/json;
  }
}
NGINX
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5

run_wrk() {  # name url [lua]
  local name=$1 url=$2 lua=${3:-}
  ADDRS=$addrs KEY=$key wrk -t2 -c64 -d"${secs}s" --latency ${lua:+-s "$lua"} "$url" >"$tmp/$name.wrk" 2>&1
  local rps p99 errs
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/$name.wrk")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}' "$tmp/$name.wrk")
  errs=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' "$tmp/$name.wrk")
  echo "$name $rps $p99 $errs"
}
read -r _ n_rps n_p99 n_err < <(run_wrk nginx "http://127.0.0.1:$nport/body.json")
read -r _ g_rps g_p99 g_err < <(run_wrk get "http://127.0.0.1:$port/v1/addresses/ethereum/x" "$here/get_addresses.lua")
if [[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/transfers") == 404 ]]; then
  p_rps=0 p_p99=0 p_err=0; echo "POST /v1/transfers is not served by this build: not measured"
else
  read -r _ p_rps p_p99 p_err < <(run_wrk post "http://127.0.0.1:$port/v1/transfers" "$here/post_transfers.lua")
fi
"$cw" keys revoke --data-dir "$data" "bench-$$" >/dev/null

printf "%-34s %12s %10s %8s\n" "what (${secs} s, 64 connections)" "requests/s" "p99 ms" "errors"
printf "%-34s %12s %10s %8s\n" "nginx static JSON ($size bytes)" "$n_rps" "$n_p99" "$n_err"
printf "%-34s %12s %10s %8s\n" "GET /v1/addresses" "$g_rps" "$g_p99" "$g_err"
printf "%-34s %12s %10s %8s\n" "POST /v1/transfers" "$p_rps" "$p_p99" "$p_err"
ok=1
awk -v g="$g_rps" -v n="$n_rps" 'BEGIN {r=g/n; printf "GET  requests/s %.2fx nginx (target >= 0.5): %s\n", r, (r>=0.5?"met":"MISSED"); exit !(r>=0.5)}' || ok=0
awk -v g="$g_p99" -v n="$n_p99" 'BEGIN {r=g/n; printf "GET  p99 %.2fx nginx (target <= 2): %s\n", r, (r<=2?"met":"MISSED"); exit !(r<=2)}' || ok=0
awk -v g="$p_rps" -v n="$n_rps" 'BEGIN {r=g/n; printf "POST requests/s %.2fx nginx (target >= 0.25): %s\n", r, (r>=0.25?"met":"MISSED"); exit !(r>=0.25)}' || ok=0
[[ $((n_err + g_err + p_err)) -eq 0 ]] && echo "errors: none" || { echo "errors: SOME"; ok=0; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $ok == 1 ]]
