#!/usr/bin/env bash
# Real-nginx smoke test of the module: fixture snapshots made with the
# daemon's writer, Debian's nginx on a free loopback port at debug log level
# (catches the timer ev->data trap), curl assertions, stop by pid.
#   tests/smoke.sh /abs/build      (needs build/ngx_xtream_module.so and
#                                   build/module-tests/xt_mkfixture)
set -euo pipefail
. "$(dirname "$0")/smoke_lib.sh"

"$mk" "$dir/snap" 100
sleep 0.6
u="username=demo&password=demo-pass"
p="http://127.0.0.1:$port"
check "vod cats" "['10']" "$(get "$b?$u&action=200" >/dev/null; json '[c["category_id"] for c in d]')"
check "series cats" "['20']" "$(get "$b?$u&action=get_series_categories" >/dev/null; json '[c["category_id"] for c in d]')"
check "vod streams" "[(1, 1, 'mkv')]" "$(get "$b?$u&action=203" >/dev/null; json '[(s["num"], s["stream_id"], s["container_extension"]) for s in d]')"
check "series" "[(1, 1)]" "$(get "$b?$u&action=208&category_id=20" >/dev/null; json '[(s["num"], s["series_id"]) for s in d]')"
check "vod info" "1 mkv" "$(get "$b?$u&action=get_vod_info&vod_id=1" >/dev/null; json 'd["movie_data"]["stream_id"], d["movie_data"]["container_extension"]')"
check "vod info unentitled" '{"info":[]}' "$(get "$b?$u&action=209&vod_id=2" >/dev/null; cat "$dir/body")"
check "vod info missing" '{"info":[]}' "$(get "$b?$u&action=209" >/dev/null; cat "$dir/body")"
check "series info" "['1']" "$(get "$b?$u&action=204&series_id=1" >/dev/null; json 'list(d["episodes"].keys())')"
check "series info none" "None {}" "$(get "$b?$u&action=204&series_id=9" >/dev/null; json 'd["info"]["name"], d["episodes"]')"
check "short epg" "4" "$(get "$b?$u&action=get_short_epg&stream_id=1" >/dev/null; json 'len(d["epg_listings"])')"
check "short epg limit" "2" "$(get "$b?$u&action=205&stream_id=1&limit=2" >/dev/null; json 'len(d["epg_listings"])')"
check "short epg huge limit" "5" "$(get "$b?$u&action=205&stream_id=1&limit=4000000000" >/dev/null; json 'len(d["epg_listings"])')"
check "short epg b64" "True" "$(get "$b?$u&action=205&stream_id=1&limit=100" >/dev/null; json 'all(__import__("base64").b64decode(r["title"]).decode("utf-8") for r in d["epg_listings"])')"
check "epg time zone" "True" "$(TZ=Europe/London json 'all(__import__("time").strftime("%Y-%m-%d %H:%M:%S", __import__("time").localtime(int(r["start_timestamp"]))) == r["start"] for r in d["epg_listings"])')"
check "multi epg" "['1', '2']" "$(get "$b?$u&action=205&stream_id=1,2,1" >/dev/null; json 'list(d["epg_listings"].keys())')"
check "table" "8 1" "$(get "$b?$u&action=get_simple_data_table&stream_id=1" >/dev/null; json 'len(d["epg_listings"]), sum(r["now_playing"] for r in d["epg_listings"])')"
check "date table alias" "8" "$(get "$b?$u&action=get_simple_date_table&stream_id=1" >/dev/null; json 'len(d["epg_listings"])')"
check "epg unentitled" '{"epg_listings":[]}' "$(get "$b?$u&action=205&stream_id=4" >/dev/null; cat "$dir/body")"
check "epg bad id" 400 "$(get "$b?$u&action=205&stream_id=1,x")"
check "paging" "[1001, 1002]" "$(get "$b?username=trial&password=pw4&action=202&params%5Boffset%5D=1&params%5Bitems_per_page%5D=2" >/dev/null; json '[s["stream_id"] for s in d]')"
check "m3u" 200 "$(get -H 'Host: tv.example:25461' "$p/get.php?$u&type=m3u_plus&output=ts")"
check "m3u head" '#EXTM3U url-tvg="http://tv.example:25461/xmltv.php?username=demo&password=demo-pass" x-tvg-url="http://tv.example:25461/xmltv.php?username=demo&password=demo-pass"' "$(head -1 "$dir/body" | tr -d '\r')"
check "m3u urls" "6" "$(grep -c '^http://tv.example:25461/' "$dir/body")"
check "m3u hls" "1" "$(get "$p/get.php?$u&output=hls" >/dev/null; grep -c '/live/demo/demo-pass/3.m3u8' "$dir/body")"
check "m3u headers" "audio/x-mpegurl|attachment; filename=\"tv_channels_demo_plus.m3u\"" "$(curl -s -D - -o /dev/null "$p/get.php?$u" | tr -d '\r' | sed -n 's/^Content-Type: //p;s/^Content-Disposition: //p' | paste -sd'|')"
check "m3u bad output" 400 "$(get "$p/get.php?$u&output=rtmp")"
check "m3u bad cred" "404 0" "$(get "$p/get.php?username=demo&password=x") $(stat -c %s "$dir/body")"
check "m3u expired" 404 "$(get "$p/get.php?username=expired&password=pw1")"
check "m3u big" "105" "$(get "$p/get.php?username=trial&password=pw4&type=m3u" >/dev/null; grep -c '^#EXTINF:-1,' "$dir/body")"
check "xmltv" 200 "$(get "$p/xmltv.php?$u")"
check "xmltv wellformed" "['ch1.uk', 'ch2.uk', 'ch3.uk']" "$(python3 -c "import xml.etree.ElementTree as E; t=E.parse('$dir/body'); print(sorted(c.get('id') for c in t.findall('channel')))")"
check "xmltv bad" "401" "$(get "$p/xmltv.php?username=demo&password=x")"
check "xmltv type" "application/xml; charset=utf-8" "$(curl -s -D - -o /dev/null "$p/xmltv.php?$u" | tr -d '\r' | sed -n 's/^Content-Type: //p')"
check "panel" 200 "$(get "$p/panel_api.php?$u")"
check "panel keys" "['user_info', 'server_info', 'categories', 'available_channels'] False ['3', '1', '2']" "$(json 'list(d), "message" in d["user_info"], list(d["available_channels"])')" 
check "panel bad" '{"user_info":{"auth":0}}' "$(get "$p/panel_api.php?username=demo&password=x" >/dev/null; cat "$dir/body")"
smoke_end
