#!/usr/bin/env bash
# Real-nginx smoke test of the module: fixture snapshots made with the
# daemon's writer, Debian's nginx on a free loopback port at debug log level
# (catches the timer ev->data trap), curl assertions, stop by pid.
#   tests/smoke.sh /abs/build      (needs build/ngx_xtream_module.so and
#                                   build/module-tests/xt_mkfixture)
set -euo pipefail
. "$(dirname "$0")/smoke_lib.sh"

check "no snapshot -> 503" 503 "$(get "$b?username=demo&password=demo-pass")"

"$mk" "$dir/snap" 2000
sleep 0.6

check "login" 200 "$(get "$b?username=demo&password=demo-pass")"
check "login auth" "1 Active None ['m3u8', 'ts'] 0" \
    "$(json 'd["user_info"]["auth"], d["user_info"]["status"], d["user_info"]["exp_date"], d["user_info"]["allowed_output_formats"], d["user_info"]["active_cons"]')"
check "server_info" "Europe/London http 25462 True" \
    "$(json 'd["server_info"]["timezone"], d["server_info"]["server_protocol"], d["server_info"]["rtmp_port"], d["server_info"]["process"]')"
check "time_now" "True" "$(TZ=Europe/London json '__import__("time").strftime("%Y-%m-%d %H:%M:%S", __import__("time").localtime(d["server_info"]["timestamp_now"])) == d["server_info"]["time_now"]')"
check "host port" 200 "$(get -H 'Host: tv.example.com:25461' "$b?username=demo&password=demo-pass&action=get_profile")"
check "host port url" "tv.example.com 25461" "$(json 'd["server_info"]["url"], d["server_info"]["port"]')"
check "wrong pw" "200 {\"user_info\":{\"auth\":0}}" "$(get "$b?username=demo&password=x") $(cat "$dir/body")"
check "unknown" "200 {\"user_info\":{\"auth\":0}}" "$(get "$b?username=nobody&password=x") $(cat "$dir/body")"
check "missing" "200 {\"user_info\":{\"auth\":0}}" "$(get "$b?username=demo") $(cat "$dir/body")"
check "categories" 200 "$(get "$b?username=demo&password=demo-pass&action=get_live_categories")"
check "categories ids" "['2', '1']" "$(json '[c["category_id"] for c in d]')"
check "streams 202" 200 "$(get "$b?username=demo&password=demo-pass&action=202")"
check "streams order" "[(1, 3), (2, 1), (3, 2)]" "$(json '[(s["num"], s["stream_id"]) for s in d]')"
check "filter" 200 "$(get "$b?username=demo&password=demo-pass&action=202&category_id=2")"
check "filter ids" "[(1, 2)]" "$(json '[(s["num"], s["stream_id"]) for s in d]')"
check "POST wins" 200 "$(get -d 'username=demo&password=demo-pass&action=201' "$b?username=x&password=y")"
check "POST body" "2" "$(json 'len(d)')"
check "big list" 200 "$(get "$b?username=trial&password=pw4&action=get_live_streams")"
check "big list n" "2002 2002 2002" "$(json 'len(d), d[-1]["num"], len(set(s["stream_id"] for s in d))')"
check "expired any action" "Expired" "$(get "$b?username=expired&password=pw1&action=202" >/dev/null; json 'd["user_info"]["status"]')"
check "banned" "Banned" "$(get "$b?username=banned&password=pw2" >/dev/null; json 'd["user_info"]["status"]')"
check "disabled" "Disabled" "$(get "$b?username=disabled&password=pw3" >/dev/null; json 'd["user_info"]["status"]')"
check "%00" 400 "$(get "$b?username=a%00b&password=x")"
check "bad escape" 400 "$(get "$b?username=%zz&password=x")"
check "long" 400 "$(get "$b?username=$(printf 'a%.0s' $(seq 70))&password=x")"
check "bad id" 400 "$(get "$b?username=demo&password=demo-pass&action=202&category_id=1x")"
check "error json" "invalid category_id" "$(json 'd["error"]')"
check "body too large" 413 "$(head -c 5000 /dev/zero | tr '\0' a | get --data-binary @- "$b")"
check "method" 405 "$(get -X PUT "$b")"
check "unknown endpoint" 404 "$(get "http://127.0.0.1:$port/nope.php")"
check "cors" "https://a.example" "$(curl -s -D - -o /dev/null -H 'Origin: https://a.example' "$b" | tr -d '\r' | sed -n 's/^Access-Control-Allow-Origin: //p')"
check "cors refused" "" "$(curl -s -D - -o /dev/null -H 'Origin: x\"y' "$b" | tr -d '\r' | sed -n 's/^Access-Control-Allow-Origin: //p')"

# a corrupt file is refused, the old generation keeps serving
head -c 3000 "$dir/snap/catalog.snap" > "$dir/snap/.c" && mv "$dir/snap/.c" "$dir/snap/catalog.snap"
sleep 0.8
check "corrupt kept" 200 "$(get "$b?username=demo&password=demo-pass&action=202")"
check "corrupt logged" "True" "$(grep -c 'catalog.snap" refused' "$dir/error.log" | python3 -c 'import sys; print(int(sys.stdin.read()) >= 1)')"
# a new valid generation is picked up within a second
"$mk" "$dir/snap" 0
sleep 0.8
check "swap" 200 "$(get "$b?username=trial&password=pw4&action=get_live_streams")"
check "swap n" "2" "$(json 'len(d)')"

smoke_end
