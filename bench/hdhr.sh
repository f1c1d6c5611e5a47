#!/usr/bin/env bash
# Issue 17: HDHomeRun lineup.json for CHANNELS channels, against nginx
# serving the same bytes as a static file (same server, worker count and
# wrk settings; medians of interleaved rounds), plus the worker's RSS
# during a slow download of it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CHANNELS=${CHANNELS:-10000}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
CONNS=${CONNS:-8}
RATE=${RATE:-100k}
SLOW_SECS=${SLOW_SECS:-6}

bench_start
trap 'stop_nginx "$work/nginx"; bench_stop' EXIT

mkdir -p "$work/a"; chmod 755 "$work/a"
xtreamd_conf "$work/a/xtreamd.conf" hdhr "$work/a/snap"
python3 "$repo/bench/gen-catalog.py" --lines 10 --channels "$CHANNELS" --bouquets 1 > "$work/a.json"
"$build/xtreamctl" -c "$work/a/xtreamd.conf" import "$work/a.json" >/dev/null
"$build/xtreamd" -c "$work/a/xtreamd.conf" --once

port=$(free_port)
p=$work/nginx
mkdir -p "$p/conf" "$p/html/static"; chmod 755 "$p" "$p/html" "$p/html/static"
cat > "$p/conf/nginx.conf" <<CONF
load_module $build/ngx_xtream_module.so;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    xtream_snapshot_dir $work/a/snap;
    server {
        listen 127.0.0.1:$port;
        location /hdhr/ { xtream_hdhr; }
        location /static/ { root $p/html; types { application/json json; } }
    }
}
CONF
start_nginx "$p"
sleep 0.5
set -- $(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'] + ' ' + l['password'])" "$work/a.json")
url="http://127.0.0.1:$port/hdhr/$1/$2/lineup.json"
curl -fsS -o "$p/html/static/lineup.json" "$url"
chmod -R a+rX "$p/html"
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$p/html/static/lineup.json")
echo "lineup.json: $n channels, $(stat -c %s "$p/html/static/lineup.json") bytes"
static="http://127.0.0.1:$port/static/lineup.json"

mod=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do
    mod+=("$(wrk_rps "$url" "$SECS" "$CONNS")")
    ref+=("$(wrk_rps "$static" "$SECS" "$CONNS")")
done
m=$(printf '%s\n' "${mod[@]}" | median); r=$(printf '%s\n' "${ref[@]}" | median)
echo "lineup.json via module: median $m req/s  (rounds: ${mod[*]})"
echo "lineup.json same bytes, static: median $r req/s  (rounds: ${ref[*]})"
echo "lineup.json ratio module/static: $(echo "scale=3; $m / $r" | bc)"

wpid=$(nginx_workers "$p" | head -1)
rss0=$(rss_kb "$wpid")
curl -s -o /dev/null --limit-rate "$RATE" -m "$SLOW_SECS" "$url" &
cpid=$!
samples=()
for _ in $(seq 1 $((SLOW_SECS - 1))); do sleep 1; samples+=("$(rss_kb "$wpid")"); done
wait "$cpid" || true
echo "slow download of lineup.json ($RATE/s for ${SLOW_SECS}s): worker RSS before $rss0 KiB, during (1/s): ${samples[*]} KiB"
