#!/usr/bin/env bash
# Issue 2 figures, all in one run:
#  - snapshot build time and file sizes for LINES lines and CHANNELS channels
#  - login requests/s through the module vs nginx serving the same bytes as
#    a static file (same server, same worker count, same wrk settings)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LINES=${LINES:-100000}
CHANNELS=${CHANNELS:-10000}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-5}
CONNS=${CONNS:-32}

bench_start
trap 'stop_nginx "$work/nginx"; bench_stop' EXIT
xtreamd_conf "$work/xtreamd.conf" xtbench "$work/snap"
ctl() { "$build/xtreamctl" -c "$work/xtreamd.conf" "$@"; }

python3 "$repo/bench/gen-catalog.py" --lines "$LINES" --channels "$CHANNELS" \
    --bouquets 10 > "$work/catalog.json"
t0=$(date +%s.%N)
ctl import "$work/catalog.json" >/dev/null
t1=$(date +%s.%N)
echo "import: $LINES lines + $CHANNELS channels in $(echo "$t1 - $t0" | bc) s"

builds=()
for _ in $(seq 1 "$ROUNDS"); do
    rm -f "$work/snap"/*.snap
    t0=$(date +%s.%N)
    "$build/xtreamd" -c "$work/xtreamd.conf" --once
    t1=$(date +%s.%N)
    builds+=("$(echo "$t1 - $t0" | bc)")
done
echo "snapshot build (xtreamd --once: connect + lines + catalog), median of $ROUNDS: $(printf '%s\n' "${builds[@]}" | median) s"
for f in "$work/snap"/*.snap; do
    echo "  $(basename "$f"): $(stat -c %s "$f") bytes"
done

user=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); l=d['lines'][len(d['lines'])//2]; print(l['username'], l['password'])" "$work/catalog.json")
set -- $user
port=$(free_port)
mkdir -p "$work/nginx/conf" "$work/nginx/html"
cat > "$work/nginx/conf/nginx.conf" <<CONF
load_module $build/ngx_xtream_module.so;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    xtream_snapshot_dir $work/snap;
    # the zone and the lock-out on, as in production: their cost counts
    xtream_zone xtream 8m;
    xtream_secret bench-secret-0123456789abcdef;
    xtream_login_failures 10 60s 5m;
    server {
        listen 127.0.0.1:$port;
        location = /player_api.php { xtream_api; }
        location = /static.json { root $work/nginx/html; default_type application/json; }
    }
}
CONF
start_nginx "$work/nginx"
sleep 0.5
api="http://127.0.0.1:$port/player_api.php?username=$1&password=$2"
code=$(curl -s -o "$work/nginx/html/static.json" -w '%{http_code}' "$api")
if [ "$code" != 200 ] || ! grep -q '"auth":1' "$work/nginx/html/static.json"; then
    echo "login failed: HTTP $code: $(head -c 300 "$work/nginx/html/static.json")"
    tail -5 "$work/nginx/logs/error.log"
    exit 1
fi
echo "login body: $(stat -c %s "$work/nginx/html/static.json") bytes"

mod=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do     # interleaved, so noise hits both
    mod+=("$(wrk_rps "$api" "$SECS" "$CONNS")")
    ref+=("$(wrk_rps "http://127.0.0.1:$port/static.json" "$SECS" "$CONNS")")
done
m=$(printf '%s\n' "${mod[@]}" | median)
r=$(printf '%s\n' "${ref[@]}" | median)
echo "login via module:        median $m req/s  (rounds: ${mod[*]})"
echo "same bytes, static file: median $r req/s  (rounds: ${ref[*]})"
echo "ratio module/static: $(echo "scale=3; $m / $r" | bc)"
