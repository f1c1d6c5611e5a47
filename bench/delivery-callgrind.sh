#!/usr/bin/env bash
# Instructions per request (valgrind callgrind, user space only) of a
# token-checked HLS segment request vs nginx serving the same file
# statically: one single-process nginx (master_process off, daemon off),
# keep-alive clients, warm-up first, then N requests of each kind between
# callgrind dumps.  Instruction counts are the robust measure on a noisy
# machine (bench/delivery.sh measures req/s).  Also counts the system calls
# per request of each kind (strace -c on the same nginx, no valgrind).
#   N=2000 bench/delivery-callgrind.sh
# KIND=login measures a player_api login (lock-out on) against the same
# bytes as a static file instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

N=${N:-2000}
KIND=${KIND:-segment}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }

bench_start
vpid=
cleanup() {
    [ -n "$vpid" ] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null || true
    bench_stop
}
trap cleanup EXIT

mkdir -p "$work/media/1/0" "$work/nginx/conf" "$work/nginx/html/static" \
    "$work/nginx/logs" "$work/nginx/tmp"
xtreamd_conf "$work/xtreamd.conf" xtcg "$work/snap"
ctl() { "$build/xtreamctl" -c "$work/xtreamd.conf" "$@"; }
python3 "$repo/bench/gen-catalog.py" --lines 1 --channels 3 --bouquets 1 \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); d["lines"][0]["max_connections"]=0; json.dump(d,sys.stdout)' \
    > "$work/catalog.json"
ctl import "$work/catalog.json" >/dev/null
"$build/xtreamd" -c "$work/xtreamd.conf" --once

m=$work/media/1
ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=640x360:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 2 \
    -c:v libx264 -preset ultrafast -b:v 1500k -g 25 -pix_fmt yuv420p -c:a aac \
    -f segment -segment_time 1 -segment_format mpegts "$m/0/%d.ts"
printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\n0.ts\n#EXTINF:1.0,\n1.ts\n' > "$m/0/index.m3u8"
printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=1600000\n0/index.m3u8\n' > "$m/master.m3u8"
cp "$m/0/1.ts" "$work/nginx/html/static/seg.ts"
chmod -R a+rX "$work/media" "$work/nginx"

port=$(free_port)
cat > "$work/nginx/conf/nginx.conf" <<CONF
load_module $build/ngx_xtream_module.so;
master_process off;
daemon off;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    xtream_snapshot_dir $work/snap;
    xtream_zone xtream 8m;
    xtream_secret bench-secret-0123456789abcdef;
    xtream_media_root $work/media;
    xtream_token_ttl 3600s;
    xtream_login_failures 10 60s 5m;
    server {
        listen 127.0.0.1:$port;
        location = /player_api.php { xtream_api; }
        location /static/ { root $work/nginx/html; types { video/mp2t ts; } }
        location / { xtream_delivery; }
    }
}
CONF
read -r user pass < <(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'], l['password'])" "$work/catalog.json")

# GET PATH N times over one keep-alive connection, reading every body
client() {
    python3 - "$port" "$1" "$2" <<'PY'
import http.client, sys
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
for _ in range(n):
    c.request('GET', path, headers={'User-Agent': 'xtream-bench/1'})
    r = c.getresponse(); r.read()
    if r.status != 200:
        sys.exit(f'{path}: {r.status}')
PY
}

wait_port() {
    for _ in $(seq 1 600); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/static/seg.ts" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nginx did not come up"; cat "$work/nginx/logs/error.log"; exit 1
}

segurl() {
    if [ "$KIND" = login ]; then
        curl -fsS -o "$work/nginx/html/static/seg.ts" \
            "http://127.0.0.1:$port/player_api.php?username=$user&password=$pass"
        echo "/player_api.php?username=$user&password=$pass"
        return
    fi
    curl -fsS -A xtream-bench/1 "http://127.0.0.1:$port/live/$user/$pass/1.m3u8" | grep '^/hls/' | tail -1
}

# 1. callgrind
cg=$work/cg.out
valgrind --tool=callgrind --callgrind-out-file="$cg" \
    /usr/sbin/nginx -p "$work/nginx/" -c conf/nginx.conf 2>"$work/valgrind.log" &
vpid=$!
wait_port
seg=$(segurl)
[ -n "$seg" ] || { echo "no segment URL"; exit 1; }
client /static/seg.ts 200; client "$seg" 200          # warm-up
total() { awk '/^(summary|totals):/ {print $2; exit}' "$1"; }
callgrind_control -z "$vpid" >/dev/null 2>&1
client /static/seg.ts "$N"
callgrind_control -d static "$vpid" >/dev/null 2>&1
client "$seg" "$N"
callgrind_control -d token "$vpid" >/dev/null 2>&1
kill "$vpid"; wait "$vpid" 2>/dev/null || true; vpid=
fs=$(ls "$cg"*.1 | head -1); ft=$(ls "$cg"*.2 | head -1)
is=$(total "$fs"); it=$(total "$ft")
echo "callgrind, $N keep-alive requests of each kind (user-space instructions per request):"
echo "  static /static/seg.ts:      $((is / N))"
echo "  token-checked $seg: $((it / N))"
echo "  ratio token/static: $(echo "scale=3; $it / $is" | bc)"
if [ -n "${CG_KEEP:-}" ]; then cp "$fs" "$CG_KEEP.static"; cp "$ft" "$CG_KEEP.token"; fi
echo "  token-checked run, inclusive instructions per request of the module's and libcrypto's top functions:"
callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$ft" 2>/dev/null \
    | awk -v n="$N" '/ngx_xtream|xt_[a-z_]+ |EVP_|HMAC|SHA256/ && $1 ~ /^[0-9,]+$/ {
        v = $1; gsub(/,/, "", v); f = $NF; if (f ~ /^\[/) f = $(NF-1)
        sub(/.*:/, "", f); if (!seen[f]++) printf "    %8d  %s\n", v / n, f }' | head -12
# 2. system calls per request (no valgrind)
if command -v strace >/dev/null; then
    /usr/sbin/nginx -p "$work/nginx/" -c conf/nginx.conf &
    vpid=$!
    wait_port
    seg=$(segurl)
    client /static/seg.ts 50; client "$seg" 50
    for kind in static token; do
        path=/static/seg.ts; [ $kind = token ] && path=$seg
        strace -c -f -p "$vpid" -o "$work/strace.$kind" 2>/dev/null &
        spid=$!; sleep 0.5
        client "$path" 500
        kill -INT "$spid"; wait "$spid" 2>/dev/null || true
        awk -v k=$kind 'NR > 2 && $1 ~ /^[0-9.]+$/ {
                if ($NF == "total") t = $4; else l = l sprintf(" %s %.2f", $NF, $4 / 500) }
            END { printf "  syscalls per request, %s: %.2f (%s )\n", k, t / 500, l }' "$work/strace.$kind"
    done
    kill "$vpid"; wait "$vpid" 2>/dev/null || true; vpid=
fi
