#!/usr/bin/env bash
# `make run`: private MariaDB + xtreamd (with its stream workers) + nginx
# with ngx_xtream_module and nginx-rtmp + a demo RTMP pusher, all under
# var/, listening on 127.0.0.1:$HTTP_PORT (8080) and RTMP $RTMP_PORT
# (1935).  Idempotent: when it is already running it prints the same info.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
var=$repo/var
HTTP_PORT=${HTTP_PORT:-8080}
RTMP_PORT=${RTMP_PORT:-1935}
ADMIN_PORT=${ADMIN_PORT:-$((HTTP_PORT + 2))}    # xtreamd's admin API (loopback)
for p in "$HTTP_PORT" "$RTMP_PORT" "$ADMIN_PORT"; do
    [[ $p =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] \
        || { echo "run.sh: bad port '$p'" >&2; exit 2; }
done
for f in "$build/xtreamd" "$build/xtreamctl" "$build/ngx_xtream_module.so"; do
    [ -e "$f" ] || { echo "run.sh: $f is missing: run 'make build'" >&2; exit 1; }
done
rtmp_so=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -e "$rtmp_so" ] || { echo "run.sh: $rtmp_so missing: run 'make deps'" >&2; exit 1; }

mkdir -p "$var"/{mysql,snap,media,archive,run,log,sources,nginx/conf,nginx/logs,nginx/tmp}
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# 0. demo sources (once): short looped files, a moving picture and a tone;
#    the workers play them as live channels (--loop), music.ts is pushed
#    over RTMP with the demo stream key
mksrc() {   # name tone-Hz
    local f=$var/sources/$1.ts
    [ -s "$f" ] && return 0
    ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=size=640x360:rate=25" \
        -f lavfi -i "sine=frequency=$2:sample_rate=48000" -t 20 \
        -c:v libx264 -preset veryfast -b:v 800k -g 50 -keyint_min 50 -sc_threshold 0 \
        -pix_fmt yuv420p -c:a aac -b:a 96k -shortest "$f.tmp.ts" \
        && mv -f "$f.tmp.ts" "$f" \
        || { echo "run.sh: ffmpeg could not make $f" >&2; exit 1; }
}
mksrc news 440; mksrc world 523; mksrc sport 659; mksrc kids 784; mksrc music 330

# demo VOD files and pictures (made once) and var/demo.json: sql/demo.json
# with the pictures' URLs on this address and port and each movie's and
# episode's duration as ffprobe reads it from its file
perl "$repo/scripts/demo-seed.pl" --var "$var" --base "http://127.0.0.1:$HTTP_PORT" \
    || { echo "run.sh: making the demo media failed" >&2; exit 1; }
# the secret that signs HLS segment tokens (made once, kept private)
[ -s "$var/run/secret" ] || { mkdir -p "$var/run"; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$var/run/secret"; }
chmod 600 "$var/run/secret"
# the key nginx sends xtreamd with each admin API request (X-Xtream-Proxy-Key):
# only with it is nginx's X-Real-IP believed, so a local process cannot claim
# another client address (docs/SECURITY.md "Local users")
[ -s "$var/run/admin-proxy.key" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$var/run/admin-proxy.key")
(umask 077; printf 'proxy_set_header X-Xtream-Proxy-Key %s;\n' "$(cat "$var/run/admin-proxy.key")" > "$var/run/admin-proxy-key.conf")
chmod 600 "$var/run/admin-proxy.key" "$var/run/admin-proxy-key.conf"

# 1. MariaDB
"$repo/scripts/db.sh" start "$var/mysql" >/dev/null
sock=$var/mysql/mysqld.sock
mariadb --no-defaults --socket="$sock" -uroot -e 'CREATE DATABASE IF NOT EXISTS xtream'

# 2. xtreamd configuration (CONTRACTS.md format)
conf=$var/xtreamd.conf
cat > "$conf.tmp" <<CONF
# written by scripts/run.sh
db_socket        = $sock
db_user          = root
db_password      =
db_name          = xtream
snapshot_dir     = $var/snap
media_root       = $var/media
event_socket     = $var/run/xtreamd.sock
pid_file         = $var/run/xtreamd.pid
log_file         = $var/log/xtreamd.log
poll_interval_ms = 250
server_id        = 1
archive_root     = $var/archive
admin_listen     = 127.0.0.1:$ADMIN_PORT
# nginx proxies /admin/api/ from here, with this key: its X-Real-IP is believed
admin_trusted_proxies = 127.0.0.1
admin_proxy_key_file = $var/run/admin-proxy.key
token_secret_file = $var/run/secret
CONF
mv -f "$conf.tmp" "$conf"
ctl() { "$build/xtreamctl" -c "$conf" "$@"; }

# 3. schema, demo data (first setup, or when var/demo.json changed: a new
#    sql/demo.json or another HTTP_PORT), ports
ctl migrate >>"$var/log/setup.log" 2>&1 || { tail -20 "$var/log/setup.log" >&2; exit 1; }
sum=$(sha256sum "$var/demo.json" | cut -d' ' -f1)
if [ "$(cat "$var/demo.sha256" 2>/dev/null)" != "$sum" ]; then
    ctl import "$var/demo.json" >>"$var/log/setup.log" 2>&1 \
        || { echo "run.sh: importing sql/demo.json failed:" >&2; tail -20 "$var/log/setup.log" >&2; exit 1; }
    # a guide around today for every channel with an EPG id
    ctl epg demo --days 2 >>"$var/log/setup.log" 2>&1 \
        || { echo "run.sh: making the demo guide failed:" >&2; tail -5 "$var/log/setup.log" >&2; exit 1; }
    echo "$sum" > "$var/demo.sha256"
    echo "run.sh: imported sql/demo.json and a demo guide"
fi
printf '{"servers":[{"id":1,"name":"main","host":"127.0.0.1","http_port":%d,"https_port":8443,"rtmp_port":%d,"is_main":true}]}\n' \
    "$HTTP_PORT" "$RTMP_PORT" > "$var/server.json"
ctl import "$var/server.json" >>"$var/log/setup.log" 2>&1 \
    || { echo "run.sh: importing the server ports failed:" >&2; tail -5 "$var/log/setup.log" >&2; exit 1; }
# an XMLTV source, so the EPG importer is at work in the demo: Demo Kids'
# guide comes from a file made for today at each run (xtreamd refreshes it)
mkdir -p "$var/epg"
perl "$repo/scripts/gen-xmltv.pl" --out "$var/epg/demo-kids.xml" --ids demo-kids.xt \
    --label "Demo Kids" --days 4 --slot 30 --desc 120 >/dev/null
ctl epg list 2>/dev/null | grep -q '^source [0-9]* "Demo XMLTV"' \
    || ctl epg add "Demo XMLTV" "$var/epg/demo-kids.xml" --interval 6h >>"$var/log/setup.log" 2>&1
ctl epg refresh "Demo XMLTV" --force >>"$var/log/setup.log" 2>&1 \
    || { echo "run.sh: importing the demo XMLTV source failed:" >&2; tail -5 "$var/log/setup.log" >&2; exit 1; }

# 3b. catch-up: Demo Sport (3) archives while it runs; so that a past
#     window plays at once, the first run seeds three minutes of archive
#     from 30 minutes ago: the real worker (copy of the sport source, as
#     360p as the ABR's first rung) under faketime, its PDT on that clock
seed_from=''
if [ ! -d "$var/archive/3" ] && command -v faketime >/dev/null; then
    seed_from=$(( ($(date +%s) - 1800) / 60 * 60 ))
    ffmpeg -v error -nostdin -y -stream_loop 8 -i "$var/sources/sport.ts" -c copy \
        "$var/sources/sport-seed.ts" \
        && TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$(date -u -d "@$seed_from" '+%Y-%m-%d %H:%M:%S')" \
            "$build/xtream-worker" --stream-id 3 --output "$var/run/seed-media" --mode copy \
            --segment-seconds 2 --archive "$var/archive/3" --input "$var/sources/sport-seed.ts" \
            >>"$var/log/setup.log" 2>&1 \
        || { echo "run.sh: seeding the demo archive failed (see $var/log/setup.log)" >&2; seed_from=''; }
    rm -rf "$var/run/seed-media" "$var/sources/sport-seed.ts"
    [ -n "$seed_from" ] && echo "$seed_from" > "$var/archive/seeded-at"
fi

# 3b. an admin account for the API and the panel (once; its password is
#     kept in var/admin.pass, mode 0600, so a second run prints it again)
if [ ! -s "$var/admin.pass" ] || ! ctl admin list 2>/dev/null | cut -f2 | grep -qx admin; then
    if ctl admin list 2>/dev/null | cut -f2 | grep -qx admin; then
        op=(passwd admin)           # the account is there, its password lost
    else
        op=(add admin --role admin)
    fi
    apass=$(ctl admin "${op[@]}" 2>>"$var/log/setup.log") \
        || { echo "run.sh: setting up the admin account failed:" >&2; tail -5 "$var/log/setup.log" >&2; exit 1; }
    (umask 077; echo "$apass" > "$var/admin.pass")
fi
apass=$(cat "$var/admin.pass")

# 4. xtreamd (daemonises itself, writes its pid file)
if ! alive "$var/run/xtreamd.pid"; then
    rm -f "$var/run/xtreamd.pid"
    "$build/xtreamd" -c "$conf" </dev/null >>"$var/log/xtreamd.out" 2>&1 \
        || { echo "run.sh: xtreamd failed to start:" >&2; tail -20 "$var/log/xtreamd.out" "$var/log/xtreamd.log" >&2 || true; exit 1; }
    for _ in $(seq 1 100); do alive "$var/run/xtreamd.pid" && break; sleep 0.1; done
    alive "$var/run/xtreamd.pid" || { echo "run.sh: xtreamd wrote no pid file" >&2; exit 1; }
fi
for _ in $(seq 1 150); do
    [ -s "$var/snap/lines.snap" ] && [ -s "$var/snap/catalog.snap" ] && break
    sleep 0.1
done
[ -s "$var/snap/lines.snap" ] || { echo "run.sh: no snapshot after 15 s; see $var/log/xtreamd.log" >&2; exit 1; }

# 5. nginx
tz=$(mariadb --no-defaults --socket="$sock" -uroot -N -B xtream \
       -e "SELECT value FROM settings WHERE name='timezone'" 2>/dev/null || true)
[[ ${tz:-} =~ ^[A-Za-z0-9_+/-]+$ ]] || tz=UTC
user_line=''
[ "$(id -u)" -eq 0 ] && user_line='user root;'
ngconf=$var/nginx/conf/nginx.conf
sed -e "s|@VAR@|$var|g" -e "s|@XTREAM_MODULE@|$build/ngx_xtream_module.so|g" \
    -e "s|@RTMP_MODULE@|$rtmp_so|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
    -e "s|@RTMP_PORT@|$RTMP_PORT|g" -e "s|@TIMEZONE@|$tz|g" -e "s|@USER_LINE@|$user_line|g" \
    -e "s|@PANEL_ROOT@|$repo/web/admin|g" \
    -e "s|@ADMIN_PORT@|$ADMIN_PORT|g" \
    "$repo/conf/nginx.run.conf.in" > "$ngconf.new"
ngx=(/usr/sbin/nginx -p "$var/nginx/" -e "$var/log/nginx-error.log")
npid=$var/nginx/logs/nginx.pid
if alive "$npid"; then
    if ! cmp -s "$ngconf.new" "$ngconf"; then
        echo "run.sh: nginx is running with another configuration (ports?): run 'make stop' first" >&2
        rm -f "$ngconf.new"; exit 1
    fi
    rm -f "$ngconf.new"
else
    mv -f "$ngconf.new" "$ngconf"
    "${ngx[@]}" -t -c "$ngconf" >"$var/log/nginx-t.log" 2>&1 \
        || { cat "$var/log/nginx-t.log" >&2; exit 1; }
    "${ngx[@]}" -c "$ngconf"
    for _ in $(seq 1 50); do alive "$npid" && break; sleep 0.1; done
fi

# 5b. the demo RTMP encoder: pushes music.ts with the demo stream key
#     (on_publish renames it to the stream id; xtreamd's worker reads it)
ppid_file=$var/run/pusher.pid
if ! alive "$ppid_file"; then
    nohup ffmpeg -v error -nostdin -re -stream_loop -1 -i "$var/sources/music.ts" \
        -c copy -f flv "rtmp://127.0.0.1:$RTMP_PORT/live/demo-music-key" \
        </dev/null >>"$var/log/pusher.log" 2>&1 &
    echo $! > "$ppid_file"
fi

# 6. wait for a real login, then tell the user
url=http://127.0.0.1:$HTTP_PORT
user=demo; pass=demo-pass
ok=0
for _ in $(seq 1 50); do
    if curl -fsS --max-time 2 "$url/player_api.php?username=$user&password=$pass" 2>/dev/null \
            | grep -q '"auth":1'; then ok=1; break; fi
    sleep 0.1
done
[ $ok -eq 1 ] || { echo "run.sh: login as $user does not answer; see $var/log/nginx-error.log" >&2; exit 1; }
# the admin API answers through nginx (401 without a session)
for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/admin/api/session")" = 401 ] && break
    sleep 0.1
done
printf 'URL=%s\nUSERNAME=%s\nPASSWORD=%s\n' "$url" "$user" "$pass" > "$var/run.env"
printf 'ADMIN_USER=%s\nADMIN_PASSWORD=%s\nADMIN_URL=%s\n' admin "$apass" "$url/admin/" >> "$var/run.env"
cat <<INFO
xtream is running
  player URL : $url   (RTMP ingest: rtmp://127.0.0.1:$RTMP_PORT/live)
  username   : $user
  password   : $pass
  admin      : $url/admin/  (API $url/admin/api/)  user admin  password $apass
  try        : curl '$url/player_api.php?username=$user&password=$pass'
  channels   : 1, 2 file loops (copy), 3 ABR 360p+180p, 4 on-demand, 5 RTMP push
               (key demo-music-key); HLS under $var/media/<id>/
  logs       : $var/log/   stop with: make stop
INFO
# catch-up on Demo Sport (3): a past minute of its archive, in the server's zone
seeded=$(cat "$var/archive/seeded-at" 2>/dev/null || true)
if [[ $seeded =~ ^[0-9]+$ ]] && [ -d "$var/archive/3/$(( seeded / 3600 ))" ]; then
    ts_start=$(TZ=$tz date -d "@$(( seeded + 60 ))" +%Y-%m-%d:%H-%M)
    cat <<INFO
  catch-up   : channel 3 archives 2 days; a window seeded by the first make run:
               ffprobe '$url/timeshift/$user/$pass/1/$ts_start/3.m3u8'
               curl -o past.ts '$url/timeshift/$user/$pass/1/$ts_start/3.ts'
INFO
fi
