#!/usr/bin/env bash
# Issue 4 figures, all in one run (medians of interleaved rounds, ratios
# against nginx serving the same bytes statically from the same server,
# same worker count, same client settings):
#  1. token-checked HLS segment delivery (/hls/ID/0/SEQ.ts?t=TOKEN, token
#     taken from a real playlist answer) vs the same .ts as a static file (wrk)
#  2. continuous TS throughput, VIEWERS concurrent loopback readers of
#     /live/U/P/ID.ts, each reading NSEG segments' bytes, vs the same bytes
#     as one static file (aggregate MB/s over the round's wall time)
#  3. worker RSS and CPU per viewer with MANY concurrent TS viewers of one
#     live-paced channel (a new segment every second), bounded in time
# Segments are made with ffmpeg here.  Loopback only.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
CONNS=${CONNS:-32}
VIEWERS=${VIEWERS:-10}
TS_SECS=${TS_SECS:-4}
MANY=${MANY:-1000}
MANY_SECS=${MANY_SECS:-20}
NSEG=${NSEG:-300}           # segments a throughput viewer can read back to back

# as many open files as allowed (1000 viewers + wrk); nginx gets exactly
# this, as worker_rlimit_nofile above the hard limit fails with EPERM
# ("[alert] setrlimit(RLIMIT_NOFILE, ...) failed") without CAP_SYS_RESOURCE
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
nofile=$(ulimit -n)
bench_start
feeder=
cleanup() {
    [ -n "$feeder" ] && kill "$feeder" 2>/dev/null || true
    stop_nginx "$work/nginx"
    bench_stop
}
trap cleanup EXIT

mkdir -p "$work/media" "$work/nginx/conf" "$work/nginx/html/static"
chmod 755 "$work/media" "$work/nginx" "$work/nginx/html"
xtreamd_conf "$work/xtreamd.conf" xtbench "$work/snap"
ctl() { "$build/xtreamctl" -c "$work/xtreamd.conf" "$@"; }
python3 "$repo/bench/gen-catalog.py" --lines 1 --channels 3 --bouquets 1 \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); d["lines"][0]["max_connections"]=0; json.dump(d,sys.stdout)' \
    > "$work/catalog.json"
ctl import "$work/catalog.json" >/dev/null
"$build/xtreamd" -c "$work/xtreamd.conf" --once

# six 1 s segments, 640x360 ~1.5 Mbit/s
src=$work/src; mkdir -p "$src"
ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=640x360:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 6 \
    -c:v libx264 -preset ultrafast -b:v 1500k -g 25 -pix_fmt yuv420p -c:a aac \
    -f segment -segment_time 1 -segment_format mpegts "$src/%d.ts"
seg_bytes=$(stat -c %s "$src/1.ts")
echo "segments: 6 x 1 s, segment 1 = $seg_bytes bytes"

# channel 1: HLS + throughput (segments 0..NSEG-1 hard-linked, playlist
# lists only 0, so a TS viewer reads all of them back to back)
m=$work/media/1
mkdir -p "$m/0"
for i in $(seq 0 $((NSEG - 1))); do ln "$src/$((i % 6)).ts" "$m/0/$i.ts"; done
printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\n0.ts\n' > "$m/0/index.m3u8"
printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=1600000\n0/index.m3u8\n' > "$m/master.m3u8"
cp "$src/1.ts" "$work/nginx/html/static/seg.ts"
for i in $(seq 0 $((NSEG - 1))); do cat "$src/$((i % 6)).ts"; done > "$work/nginx/html/static/all.ts"
chmod -R a+rX "$work/media" "$work/nginx/html"

port=$(free_port)
cat > "$work/nginx/conf/nginx.conf" <<CONF
load_module $build/ngx_xtream_module.so;
worker_processes 1;
worker_rlimit_nofile $nofile;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 8192; }
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
    xtream_ts_grace 3s;
    xtream_ts_poll 250ms;
    xtream_ondemand_stale 0;
    xtream_ondemand_wait 0;
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

# 1. HLS segments: a real playlist answer gives the token URL
pl=$(curl -fsS -A "$BENCH_UA" "$base/live/$user/$pass/1.m3u8")
segurl=$(printf '%s\n' "$pl" | grep '^/hls/' | head -1)
[ -n "$segurl" ] || { echo "no segment URL in: $pl"; tail -5 "$work/nginx/logs/error.log"; exit 1; }
segurl=${segurl/\/0.ts/\/1.ts}
cmp <(curl -fsS -A "$BENCH_UA" "$base$segurl") "$src/1.ts" || { echo "segment differs"; exit 1; }
echo "token URL: $segurl"
mod=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do
    mod+=("$(wrk_rps "$base$segurl" "$SECS" "$CONNS")")
    ref+=("$(wrk_rps "$base/static/seg.ts" "$SECS" "$CONNS")")
done
m1=$(printf '%s\n' "${mod[@]}" | median); r1=$(printf '%s\n' "${ref[@]}" | median)
echo "HLS segment ($seg_bytes B), token-checked: median $m1 req/s  (rounds: ${mod[*]})"
echo "same file, static:                     median $r1 req/s  (rounds: ${ref[*]})"
echo "ratio token-checked/static: $(echo "scale=3; $m1 / $r1" | bc)"

# 2. continuous TS throughput: VIEWERS concurrent readers, each reading the
#    bytes of NSEG segments (the TS stream runs through the hard-linked
#    segments back to back; the static file is their concatenation)
ts_round() {    # PATH -> MB/s: VIEWERS readers, each reads the bytes of all.ts
    python3 - "$port" "$1" "$VIEWERS" "$(stat -c %s "$work/nginx/html/static/all.ts")" <<'PY'
import asyncio, sys, time
port, path, n, want = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
async def one():
    r, w = await asyncio.open_connection('127.0.0.1', port)
    w.write(f'GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'.encode())
    got = 0
    while got < want:
        d = await r.read(262144)
        if not d: break
        got += len(d)
    w.close()
    return min(got, want)
async def main():
    t0 = time.monotonic()
    got = await asyncio.gather(*[one() for _ in range(n)])
    print('%.1f' % (sum(got) / (time.monotonic() - t0) / 1e6))
asyncio.run(main())
PY
}
mod=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do
    mod+=("$(ts_round "/live/$user/$pass/1.ts")")
    ref+=("$(ts_round "/static/all.ts")")
done
m2=$(printf '%s\n' "${mod[@]}" | median); r2=$(printf '%s\n' "${ref[@]}" | median)
echo "continuous TS, $VIEWERS viewers x $(stat -c %s "$work/nginx/html/static/all.ts") B each: median $m2 MB/s  (rounds: ${mod[*]})"
echo "same bytes, static file:            median $r2 MB/s  (rounds: ${ref[*]})"
echo "ratio continuous-TS/static: $(echo "scale=3; $m2 / $r2" | bc)"

# 3. MANY viewers of channel 2, live-paced: a feeder renames a new segment
#    into place every second and rewrites the playlist (the worker's way)
m=$work/media/2
mkdir -p "$m/0"; chmod 755 "$m" "$m/0"
printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=1600000\n0/index.m3u8\n' > "$m/master.m3u8"
(
    seq_=0
    while :; do
        ln -f "$src/$((seq_ % 6)).ts" "$m/0/$seq_.ts.tmp"; mv "$m/0/$seq_.ts.tmp" "$m/0/$seq_.ts"
        first=$((seq_ > 5 ? seq_ - 5 : 0))
        { printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:%d\n' $first
          for i in $(seq $first $seq_); do printf '#EXTINF:1.0,\n%d.ts\n' "$i"; done; } > "$m/0/index.m3u8.tmp"
        mv "$m/0/index.m3u8.tmp" "$m/0/index.m3u8"
        [ $seq_ -gt 8 ] && rm -f "$m/0/$((seq_ - 9)).ts"
        seq_=$((seq_ + 1)); sleep 1
    done
) &
feeder=$!
sleep 2
wpid=$(nginx_workers "$work/nginx" | head -1)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss0=$(rss_kb "$wpid")
python3 - "$port" "/live/$user/$pass/2.ts" "$MANY" "$MANY_SECS" "$wpid" > "$work/many.out" <<'PY'
import asyncio, os, sys, time
port, path, n, secs, wpid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
tick = os.sysconf('SC_CLK_TCK')
def cpu():
    f = open(f'/proc/{wpid}/stat').read().rsplit(')', 1)[1].split()
    return int(f[11]) + int(f[12])
def rss():
    for l in open(f'/proc/{wpid}/status'):
        if l.startswith('VmRSS'): return int(l.split()[1])
total = [0]; ok = [0]; samples = []
async def viewer(stop):
    try:
        r, w = await asyncio.open_connection('127.0.0.1', port)
    except OSError:
        return
    w.write(f'GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'.encode())
    first = True
    while time.monotonic() < stop:
        try:
            d = await asyncio.wait_for(r.read(65536), stop - time.monotonic())
        except (asyncio.TimeoutError, OSError):
            break
        if not d: break
        if first and d.startswith(b'HTTP/1.1 200'): ok[0] += 1
        first = False
        total[0] += len(d)
    w.close()
async def main():
    stop = time.monotonic() + secs
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(viewer(stop)))
        if i % 100 == 99: await asyncio.sleep(0.05)
    await asyncio.sleep(3)              # all connected and streaming
    c0, t0 = cpu(), time.monotonic()
    while time.monotonic() < stop - 1:
        samples.append(rss()); await asyncio.sleep(1)
    c1, t1 = cpu(), time.monotonic()
    await asyncio.gather(*tasks)
    print(ok[0], max(samples), sorted(samples)[len(samples)//2], (c1 - c0) / tick / (t1 - t0) * 100, total[0] / secs / 1e6)
asyncio.run(main())
PY
kill "$feeder" 2>/dev/null; wait "$feeder" 2>/dev/null || true; feeder=
read -r okv rssmax rssmed cpu mbs < "$work/many.out"
echo "$MANY TS viewers of one channel (1 segment/s, $seg_bytes B segments), ${MANY_SECS}s:"
echo "  admitted (200): $okv; delivered $mbs MB/s in total"
echo "  worker RSS idle $rss0 KiB; while streaming median $rssmed KiB, max $rssmax KiB;" \
     "per viewer $(echo "scale=2; ($rssmed - $rss0) / $okv" | bc) KiB"
echo "  worker CPU $(printf '%.1f' "$cpu") % of a core; per viewer $(echo "scale=4; $cpu / $okv" | bc) %"
echo "  error log alert|crit lines: $(grep -c '\[alert\]\|\[crit\]' "$work/nginx/logs/error.log" || true)"
grep -m3 '\[alert\]\|\[crit\]' "$work/nginx/logs/error.log" | sed 's/^/    /' || true
