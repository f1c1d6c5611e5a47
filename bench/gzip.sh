#!/usr/bin/env bash
# Issue 21, compressed lists (the interim: nginx's gzip filter, see
# docs/DIRECTIVES.md "Compressed lists"), in one run: get_live_streams
# with CHANNELS channels asked with Accept-Encoding: gzip, through the
# module + gzip filter, against the reference: nginx gzip_static serving
# the same compressed bytes from a .gz file (same server, same workers,
# same wrk settings); the module without gzip for scale.  Medians of
# interleaved rounds; load average printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CHANNELS=${CHANNELS:-10000}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
CONNS=${CONNS:-8}
AE="Accept-Encoding: gzip"

bench_start
trap 'rc=$?; [ $rc = 0 ] || tail -n 5 "$work/nginx/logs/error.log" 2>/dev/null; stop_nginx "$work/nginx"; bench_stop' EXIT
xtreamd_conf "$work/xtreamd.conf" xtbench "$work/snap"
python3 "$repo/bench/gen-catalog.py" --lines 10 --channels "$CHANNELS" --bouquets 1 > "$work/catalog.json"
"$build/xtreamctl" -c "$work/xtreamd.conf" import "$work/catalog.json" >/dev/null
"$build/xtreamd" -c "$work/xtreamd.conf" --once

port=$(free_port)
mkdir -p "$work/nginx/conf" "$work/nginx/html/static"
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
    gzip on;
    gzip_vary on;
    gzip_types application/json application/x-mpegurl audio/x-mpegurl
               audio/mpegurl application/xml text/xml;
    server {
        listen 127.0.0.1:$port;
        location = /player_api.php { xtream_api; }
        location /static/ { root $work/nginx/html; gzip_static on;
                            default_type application/json; }
    }
}
CONF
start_nginx "$work/nginx"
sleep 0.5
set -- $(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'], l['password'])" "$work/catalog.json")
api="http://127.0.0.1:$port/player_api.php?username=$1&password=$2&action=get_live_streams"
# the reference serves exactly the bytes the gzip filter produced
curl -fsS -o "$work/nginx/html/static/live.json" "$api"
curl -fsS -H "$AE" -o "$work/nginx/html/static/live.json.gz" "$api"
chmod -R a+rX "$work/nginx/html"
plain=$(stat -c %s "$work/nginx/html/static/live.json")
gz=$(stat -c %s "$work/nginx/html/static/live.json.gz")
if ! gunzip -c "$work/nginx/html/static/live.json.gz" | cmp -s - "$work/nginx/html/static/live.json"; then
    echo "the gzip body does not decode to the plain one"; exit 1
fi
echo "get_live_streams: $CHANNELS channels, $plain bytes, gzip $gz bytes"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cpus)"
static="http://127.0.0.1:$port/static/live.json"
code=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "$AE" "$static")
[ "$code" = "200 $gz" ] || { echo "gzip_static reference answered $code"; exit 1; }

mod=(); ref=(); raw=()
for _ in $(seq 1 "$ROUNDS"); do
    mod+=("$(wrk_rps "$api" "$SECS" "$CONNS" "$AE")")
    ref+=("$(wrk_rps "$static" "$SECS" "$CONNS" "$AE")")
    raw+=("$(wrk_rps "$api" "$SECS" "$CONNS")")
done
m=$(printf '%s\n' "${mod[@]}" | median); r=$(printf '%s\n' "${ref[@]}" | median)
echo "module + gzip filter:         median $m req/s  (rounds: ${mod[*]})"
echo "gzip_static, same gzip bytes: median $r req/s  (rounds: ${ref[*]})"
echo "module, no Accept-Encoding:   median $(printf '%s\n' "${raw[@]}" | median) req/s  (rounds: ${raw[*]})"
echo "ratio module+gzip / gzip_static: $(echo "scale=3; $m / $r" | bc)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
