#!/usr/bin/env bash
# Issue 17 figure: xmltv.php for CHANNELS channels x DAYS days of guide
# (7 back, the rest ahead, hourly programmes imported from XMLTV with
# `xtreamctl epg refresh`) against nginx serving the same bytes as a static
# file (same server, one worker, same wrk settings): medians of
# interleaved rounds and the ratio; the worker's RSS before, after, and
# every second during a slow client download.
#   bench/guide.sh        (CHANNELS=1000 DAYS=14 ROUNDS=5 SECS=4 CONNS=4)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CHANNELS=${CHANNELS:-1000} DAYS=${DAYS:-14} ROUNDS=${ROUNDS:-5} SECS=${SECS:-4}
CONNS=${CONNS:-4} RATE=${RATE:-2M} SLOW_SECS=${SLOW_SECS:-8}

bench_start
trap 'stop_nginx "$work/nginx"; bench_stop' EXIT

xtreamd_conf "$work/xtreamd.conf" guide "$work/snap"
python3 "$repo/bench/gen-catalog.py" --lines 10 --channels "$CHANNELS" --bouquets 1 \
    --epg-days 1 --epg-start 0 \
    | python3 -c 'import json,sys
d = json.load(sys.stdin)
d.pop("epg", None)
for s in d["streams"]:
    s["epg_channel_id"] = "ch%d.gen" % s["id"] if s.get("epg_channel_id") is not None else ""
json.dump(d, sys.stdout)' > "$work/cat.json"
"$build/xtreamctl" -c "$work/xtreamd.conf" import "$work/cat.json" >/dev/null
ids=$(python3 -c 'import json,sys; print(",".join(s["epg_channel_id"] for s in json.load(open(sys.argv[1]))["streams"]))' "$work/cat.json")
now=$(date +%s)
read -r nprog nch bytes < <(perl "$repo/scripts/gen-xmltv.pl" --out "$work/guide.xml" --ids "$ids" \
    --days "$DAYS" --slot 60 --desc 120 --start $((now - now % 3600 - 7 * 86400)))
echo "guide: $nprog programmes, $nch channels, $bytes bytes of XMLTV"
"$build/xtreamctl" -c "$work/xtreamd.conf" epg add bench "$work/guide.xml" >/dev/null
"$build/xtreamctl" -c "$work/xtreamd.conf" epg refresh bench | tail -1
"$build/xtreamd" -c "$work/xtreamd.conf" --once

port=$(free_port)
bench_nginx_conf "$work/nginx" "$port" "$work/snap" \
    "        location = /xmltv.php { xtream_api; }
        location /static/ { root $work/nginx/html; types { application/xml xml; } }"
start_nginx "$work/nginx"
sleep 0.5
set -- $(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'] + ' ' + l['password'])" "$work/cat.json")
url="http://127.0.0.1:$port/xmltv.php?username=$1&password=$2&prev_days=7&next_days=$((DAYS - 7))"
curl -fsS -o "$work/nginx/html/static/guide.xml" "$url"
chmod a+r "$work/nginx/html/static/guide.xml"
static="http://127.0.0.1:$port/static/guide.xml"
size=$(stat -c %s "$work/nginx/html/static/guide.xml")
echo "xmltv.php: $(grep -c '<programme ' "$work/nginx/html/static/guide.xml") programmes," \
     "$(grep -c '<channel ' "$work/nginx/html/static/guide.xml") channels, $size bytes"

wpid=$(nginx_workers "$work/nginx" | head -1)
rss0=$(rss_kb "$wpid")
mod=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do
    mod+=("$(wrk_rps "$url" "$SECS" "$CONNS")")
    ref+=("$(wrk_rps "$static" "$SECS" "$CONNS")")
done
m=$(printf '%s\n' "${mod[@]}" | median); r=$(printf '%s\n' "${ref[@]}" | median)
echo "xmltv.php via module: median $m req/s ($(echo "scale=1; $m * $size / 1000000" | bc) MB/s; rounds: ${mod[*]})"
echo "same bytes, static:   median $r req/s (rounds: ${ref[*]})"
echo "ratio module/static: $(echo "scale=3; $m / $r" | bc)"
rss1=$(rss_kb "$wpid")
curl -s -o /dev/null --limit-rate "$RATE" -m "$SLOW_SECS" "$url" &
cpid=$!
samples=()
for _ in $(seq 1 $((SLOW_SECS - 1))); do sleep 1; samples+=("$(rss_kb "$wpid")"); done
wait "$cpid" || true
echo "worker RSS: before $rss0 KiB, after the wrk rounds $rss1 KiB, during a slow download" \
     "($RATE/s, 1/s): ${samples[*]} KiB"
