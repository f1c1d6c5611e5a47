#!/usr/bin/env bash
# Catch-up delivery vs nginx's static serving of the same bytes, in one run
# (medians of ROUNDS interleaved rounds, ratios):
#  1. throughput: VIEWERS concurrent loopback readers of a WINDOW-minute
#     /timeshift/U/P/WINDOW/START/1.ts (the archived segments one after
#     another) vs the same bytes pre-concatenated into one static file
#  2. request rate (wrk, CONNS connections) of a 1-minute window, the same
#     1 minute as one static file: the per-request cost (credentials,
#     entitlement, hour index reads, connection count) on top of the bytes
# The archive is the real worker's: xtream-worker --archive run under
# faketime on an ffmpeg-made source, 1 s segments, 640x360 ~1.5 Mbit/s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
VIEWERS=${VIEWERS:-10}
WINDOW=${WINDOW:-10}        # minutes
SECS=${SECS:-4}
CONNS=${CONNS:-16}

command -v faketime >/dev/null || { echo "bench/timeshift.sh needs faketime (make deps)" >&2; exit 1; }
bench_start
cleanup() { stop_nginx "$work/nginx"; bench_stop; }
trap cleanup EXIT

mkdir -p "$work/media" "$work/archive" "$work/nginx/conf" "$work/nginx/html/static"
chmod 755 "$work/media" "$work/archive" "$work/nginx" "$work/nginx/html"
xtreamd_conf "$work/xtreamd.conf" xtbench "$work/snap"
echo "archive_root = $work/archive" >> "$work/xtreamd.conf"
ctl() { "$build/xtreamctl" -c "$work/xtreamd.conf" "$@"; }
python3 "$repo/bench/gen-catalog.py" --lines 1 --channels 3 --bouquets 1 \
    | python3 -c 'import json,sys
d=json.load(sys.stdin); d["lines"][0]["max_connections"]=0
for s in d["streams"]:
    if s["id"] == 1: s.update(tv_archive=True, tv_archive_duration=2, on_demand=False)
json.dump(d,sys.stdout)' > "$work/catalog.json"
ctl import "$work/catalog.json" >/dev/null
"$build/xtreamd" -c "$work/xtreamd.conf" --once

# the archive: WINDOW+2 minutes of 1 s segments, from a minute 3 hours ago
ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=640x360:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 \
    -c:v libx264 -preset ultrafast -b:v 1500k -g 25 -pix_fmt yuv420p -c:a aac "$work/one.ts"
ffmpeg -nostdin -v error -stream_loop $((WINDOW + 1)) -i "$work/one.ts" -c copy "$work/src.ts"
t0=$(( ($(date +%s) - 3 * 3600) / 60 * 60 ))
TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$(date -u -d "@$t0" '+%Y-%m-%d %H:%M:%S')" \
    "$build/xtream-worker" --stream-id 1 --output "$work/seed" --mode copy --segment-seconds 1 \
    --archive "$work/archive/1" --input "$work/src.ts"
chmod -R a+rX "$work/archive"

# the same bytes as static files: the segments overlapping each window
concat() {     # FROM TO -> the window's archived segments, concatenated
    cat "$work"/archive/1/*/index | sort | while read -r s d b f; do
        s=$((10#$s)); d=$((10#$d))
        if [ "$s" -lt $(($2 * 1000)) ] && [ $((s + d)) -gt $(($1 * 1000)) ]; then
            cat "$work/archive/1/$((s / 3600000))/$s.ts"
        fi
    done
}
concat $((t0 + 60)) $((t0 + 60 + WINDOW * 60)) > "$work/nginx/html/static/window.ts"
concat $((t0 + 60)) $((t0 + 120)) > "$work/nginx/html/static/minute.ts"
chmod -R a+rX "$work/nginx/html"

port=$(free_port)
cat > "$work/nginx/conf/nginx.conf" <<CONF
load_module $build/ngx_xtream_module.so;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    xtream_snapshot_dir $work/snap;
    xtream_zone xtream 8m;
    xtream_secret bench-secret-0123456789abcdef;
    xtream_media_root $work/media;
    xtream_archive_root $work/archive;
    server {
        listen 127.0.0.1:$port backlog=4096;
        location /static/ { root $work/nginx/html; types { video/mp2t ts; } }
        location / { xtream_delivery; }
    }
}
CONF
start_nginx "$work/nginx"
sleep 0.5
base=http://127.0.0.1:$port
read -r user pass < <(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'], l['password'])" "$work/catalog.json")
start=$(TZ=UTC date -d "@$((t0 + 60))" +%Y-%m-%d:%H-%M)
win=/timeshift/$user/$pass/$WINDOW/$start/1.ts
one=/timeshift/$user/$pass/1/$start/1.ts
cmp <(curl -fsS "$base$win") "$work/nginx/html/static/window.ts" || { echo "timeshift window differs from its segments"; exit 1; }
cmp <(curl -fsS "$base$one") "$work/nginx/html/static/minute.ts" || { echo "1-minute window differs"; exit 1; }
wbytes=$(stat -c %s "$work/nginx/html/static/window.ts")
echo "window: $WINDOW min = $wbytes bytes ($(ls "$work"/archive/1/*/ | grep -c '\.ts$') archived segments); 1 min = $(stat -c %s "$work/nginx/html/static/minute.ts") bytes"

round() {    # PATH -> MB/s: VIEWERS readers, each reads the whole body
    python3 - "$port" "$1" "$VIEWERS" "$wbytes" <<'PY'
import asyncio, sys, time
port, path, n, want = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
async def one():
    r, w = await asyncio.open_connection('127.0.0.1', port)
    w.write(f'GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'.encode())
    got = 0
    while True:
        d = await r.read(262144)
        if not d: break
        got += len(d)
    w.close()
    return got
async def main():
    t0 = time.monotonic()
    got = await asyncio.gather(*[one() for _ in range(n)])
    if min(got) < want:
        sys.exit('short read: %d < %d' % (min(got), want))
    print('%.1f' % (sum(got) / (time.monotonic() - t0) / 1e6))
asyncio.run(main())
PY
}
mod=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do
    mod+=("$(round "$win")")
    ref+=("$(round /static/window.ts)")
done
m1=$(printf '%s\n' "${mod[@]}" | median); r1=$(printf '%s\n' "${ref[@]}" | median)
echo "timeshift .ts, $VIEWERS viewers x $wbytes B: median $m1 MB/s  (rounds: ${mod[*]})"
echo "same bytes, static file:          median $r1 MB/s  (rounds: ${ref[*]})"
echo "ratio timeshift/static (throughput): $(echo "scale=3; $m1 / $r1" | bc)"

mod=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do
    mod+=("$(wrk_rps "$base$one" "$SECS" "$CONNS")")
    ref+=("$(wrk_rps "$base/static/minute.ts" "$SECS" "$CONNS")")
done
m2=$(printf '%s\n' "${mod[@]}" | median); r2=$(printf '%s\n' "${ref[@]}" | median)
echo "timeshift .ts 1-minute window: median $m2 req/s  (rounds: ${mod[*]})"
echo "same bytes, static file:       median $r2 req/s  (rounds: ${ref[*]})"
echo "ratio timeshift/static (requests): $(echo "scale=3; $m2 / $r2" | bc)"
grep -E '\[(alert|crit|emerg)\]' "$work/nginx/logs/error.log" && { echo "errors in the nginx log"; exit 1; }
exit 0
