#!/usr/bin/env bash
# Issue 3 figures, all in one run (medians of interleaved rounds, ratios
# against nginx serving the same bytes as a static file, same server, same
# worker count, same wrk settings):
#  1. player_api get_live_streams with CHANNELS channels
#  2. get.php m3u_plus with LIVE live + MOVIES movies entries
#  3. worker RSS during a slow client download (curl --limit-rate) of the
#     big playlist, sampled every second: it stays flat
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CHANNELS=${CHANNELS:-10000}
LIVE=${LIVE:-15000}
MOVIES=${MOVIES:-50000}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
CONNS=${CONNS:-8}
RATE=${RATE:-1M}
SLOW_SECS=${SLOW_SECS:-8}

bench_start
trap 'stop_nginx "$work/nginx"; stop_nginx "$work/nginx2"; bench_stop' EXIT

# two catalogs: A (CHANNELS live) for get_live_streams, B (LIVE + MOVIES)
# for get.php; one snapshot dir each
for c in a b; do
    mkdir -p "$work/$c"; chmod 755 "$work/$c"
    xtreamd_conf "$work/$c/xtreamd.conf" "$c" "$work/$c/snap"
done
python3 "$repo/bench/gen-catalog.py" --lines 10 --channels "$CHANNELS" --bouquets 1 > "$work/a.json"
python3 "$repo/bench/gen-catalog.py" --lines 10 --channels "$LIVE" --movies "$MOVIES" --bouquets 1 > "$work/b.json"
for c in a b; do
    "$build/xtreamctl" -c "$work/$c/xtreamd.conf" import "$work/$c.json" >/dev/null
    "$build/xtreamd" -c "$work/$c/xtreamd.conf" --once
done

port_a=$(free_port); port_b=$(free_port)
# nginx 1: catalog A (player_api) and the static copies; nginx 2, same
# settings: catalog B (get.php).  A snapshot dir is per http{}.
conf() {    # PREFIX PORT SNAPDIR
    mkdir -p "$1/conf" "$1/html/static"; chmod 755 "$1" "$1/html" "$1/html/static"
    cat > "$1/conf/nginx.conf" <<CONF
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
    xtream_snapshot_dir $3;
    server {
        listen 127.0.0.1:$2;
        location = /player_api.php { xtream_api; }
        location = /get.php { xtream_api; }
        location /static/ { root $1/html; types { application/json json; audio/x-mpegurl m3u; } }
    }
}
CONF
}
conf "$work/nginx" "$port_a" "$work/a/snap"
conf "$work/nginx2" "$port_b" "$work/b/snap"
start_nginx "$work/nginx"
start_nginx "$work/nginx2"
sleep 0.5
ua=$(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'] + ' ' + l['password'])" "$work/a.json")
ub=$(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'] + ' ' + l['password'])" "$work/b.json")
set -- $ua
api="http://127.0.0.1:$port_a/player_api.php?username=$1&password=$2&action=get_live_streams"
set -- $ub
getphp="http://127.0.0.1:$port_b/get.php?username=$1&password=$2&type=m3u_plus&output=ts"
curl -fsS -o "$work/nginx/html/live.json" "$api"
curl -fsS -o "$work/nginx/html/big.m3u" "$getphp"
mkdir -p "$work/nginx/html/static"; mv "$work/nginx/html/live.json" "$work/nginx/html/big.m3u" "$work/nginx/html/static/"
chmod -R a+rX "$work/nginx/html"
nlive=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$work/nginx/html/static/live.json")
nent=$(grep -c '^#EXTINF' "$work/nginx/html/static/big.m3u")
echo "get_live_streams: $nlive items, $(stat -c %s "$work/nginx/html/static/live.json") bytes"
echo "get.php m3u_plus: $nent entries, $(stat -c %s "$work/nginx/html/static/big.m3u") bytes"
static_a="http://127.0.0.1:$port_a/static/live.json"
static_b="http://127.0.0.1:$port_a/static/big.m3u"

bench_pair() {     # label URL STATIC_URL
    local mod=() ref=() m r
    for _ in $(seq 1 "$ROUNDS"); do
        mod+=("$(wrk_rps "$2" "$SECS" "$CONNS")")
        ref+=("$(wrk_rps "$3" "$SECS" "$CONNS")")
    done
    m=$(printf '%s\n' "${mod[@]}" | median); r=$(printf '%s\n' "${ref[@]}" | median)
    echo "$1 via module: median $m req/s  (rounds: ${mod[*]})"
    echo "$1 same bytes, static: median $r req/s  (rounds: ${ref[*]})"
    echo "$1 ratio module/static: $(echo "scale=3; $m / $r" | bc)"
}
bench_pair "get_live_streams ($nlive)" "$api" "$static_a"
bench_pair "get.php m3u_plus ($nent)" "$getphp" "$static_b"

# slow client of the big playlist: worker RSS every second
wpid=$(nginx_workers "$work/nginx2" | head -1)
rss0=$(rss_kb "$wpid")
curl -s -o /dev/null --limit-rate "$RATE" -m "$SLOW_SECS" "$getphp" &
cpid=$!
samples=()
for _ in $(seq 1 $((SLOW_SECS - 1))); do sleep 1; samples+=("$(rss_kb "$wpid")"); done
wait "$cpid" || true
echo "slow download of get.php ($RATE/s for ${SLOW_SECS}s): worker RSS before $rss0 KiB," \
     "during (1/s): ${samples[*]} KiB; max-min $(printf '%s\n' "${samples[@]}" | sort -n | awk 'NR==1{a=$1} {b=$1} END {print b-a}') KiB"
stop_nginx "$work/nginx2"
