#!/usr/bin/env bash
# `make test-install` (after `make deb`): the packages on this machine, the
# way an operator uses them, then removed again.  Root only; touches the
# system: installs dist/*.deb, starts Debian's MariaDB (`service mariadb
# start`), runs `xtreamctl setup` with the default paths, runs xtreamd as
# its unit's User= (systemd need not be PID 1) and the packaged nginx
# configuration on a free loopback port (its own pid and logs, not the
# nginx service), then purges the packages, drops what setup created and
# stops what it started, by pid.  Each check prints "ok - ..." or
# "not ok - ..."; the exit status is the number of failures (capped).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=$repo/dist
[ "$(id -u)" -eq 0 ] || { echo "test-install: must run as root (it installs packages)" >&2; exit 2; }
debs=("$dist"/libnginx-mod-http-xtream_*.deb "$dist"/xtreamd_*.deb)
for d in "${debs[@]}"; do [ -f "$d" ] || { echo "test-install: $d missing: make deb" >&2; exit 2; }; done
for p in xtreamd libnginx-mod-http-xtream; do
    if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv not-installed; then
        echo "test-install: $p is already installed here; not touching an existing installation" >&2
        exit 2
    fi
done
if [ -e /etc/xtream ] || getent passwd xtream >/dev/null; then
    echo "test-install: /etc/xtream or the user xtream exists already; not touching an existing installation" >&2
    exit 2
fi

tmp=$(mktemp -d /tmp/xt-install.XXXXXX)
chmod 755 "$tmp"
fails=0 n=0 started_db=0 made_policy=0 daemon_pid='' nginx_pid_file=$tmp/nginx.pid
ok()  { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@" >>"$tmp/checks.log" 2>&1; then ok "$what"; else bad "$what"; tail -5 "$tmp/checks.log" | sed 's/^/#   /'; fi; }
t0=$(date +%s)

cleanup() {
    set +e
    [ -s "$nginx_pid_file" ] && kill -QUIT "$(cat "$nginx_pid_file")" 2>/dev/null
    [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -f /etc/nginx/sites-enabled/xtream
    if dpkg-query -W -f='${db:Status-Status}' xtreamd 2>/dev/null | grep -q . ; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -q xtreamd libnginx-mod-http-xtream >>"$tmp/apt.log" 2>&1
    fi
    if [ $started_db -eq 1 ]; then
        mariadb -e "DROP DATABASE IF EXISTS xtream; DROP USER IF EXISTS 'xtream'@'localhost'" 2>/dev/null
        service mariadb stop >/dev/null 2>&1
    fi
    getent passwd xtream >/dev/null && deluser --system --quiet xtream >/dev/null 2>&1
    getent group xtream >/dev/null && delgroup --system --quiet xtream >/dev/null 2>&1
    [ $made_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    [ -n "${XT_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

# package scripts must not start Debian's nginx (other suites run here)
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
fi

# 0. the previous commit's packages (XT_UPGRADE_FROM, default HEAD~1),
#    built in a clone of their own, to upgrade from
old_debs=()
from=${XT_UPGRADE_FROM:-HEAD~1}
if oldrev=$(git -C "$repo" rev-parse --verify -q "$from^{commit}") \
   && git -C "$repo" cat-file -e "$oldrev:debian/control" 2>/dev/null; then
    git clone -q --no-checkout "$repo" "$tmp/old" && git -C "$tmp/old" checkout -q "$oldrev" \
        && mkdir -p "$tmp/old/web/admin/vendor" && cp "$repo/web/admin/vendor/hls.min.js" "$tmp/old/web/admin/vendor/" \
        && (cd "$tmp/old" && BUILD="$tmp/old/build" scripts/build-deb.sh) >"$tmp/old-build.log" 2>&1 \
        && old_debs=("$tmp"/old/dist/libnginx-mod-http-xtream_*.deb "$tmp"/old/dist/xtreamd_*.deb) \
        || { bad "packages of $from ($oldrev) build"; tail -5 "$tmp/old-build.log" | sed 's/^/#   /'; }
    newv=$(dpkg-deb -f "${debs[1]}" Version)
    if [ ${#old_debs[@]} -eq 2 ] && ! dpkg --compare-versions "$(dpkg-deb -f "${old_debs[1]}" Version)" lt "$newv"; then
        echo "# SKIP upgrade: $from's version is not lower than $newv (same commit?)"
        old_debs=()
    fi
else
    echo "# SKIP upgrade: $from has no debian/ (the first packaged commit)"
fi

if [ ${#old_debs[@]} -eq 2 ]; then
    if ! mariadb-admin ping >/dev/null 2>&1; then
        check "service mariadb start" service mariadb start
        started_db=1
    fi
    check "install the previous commit's packages ($(dpkg-deb -f "${old_debs[1]}" Version))" \
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${old_debs[@]}"
    check "old: xtreamctl setup" sh -c "xtreamctl setup > $tmp/setup-old.out 2>&1"
    check "old: a line" xtreamctl line add keeper --password keeper-pass-1
    oldmig=$(mariadb -N -e 'SELECT COUNT(*) FROM xtream.schema_migrations')
    # dpkg keeps the configuration setup changed (a conffile) without asking
    check "upgrade to $newv" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${debs[@]}"
    check "upgraded: the installed version is $newv" test "$(dpkg-query -W -f='${Version}' xtreamd)" = "$newv"
    check "upgraded: the line and the migrations are kept" \
        sh -c "xtreamctl line list | grep -q '^[0-9]*	keeper	' && [ \$(mariadb -N -e 'SELECT COUNT(*) FROM xtream.schema_migrations') -ge $oldmig ]"
fi

# 1. install
abi=$(sed -n 's/^nginx:abi=//p' /usr/share/nginx/src/debian/libnginx-mod.abisubstvars)
check "the module package depends on the exact nginx ABI it was built for ($abi)" \
    sh -c "dpkg-deb -f '${debs[0]}' Depends | grep -Eq '(^|, )$abi(,|\$)'"
check "nginx provides that ABI here" sh -c "apt-cache show nginx | grep -q 'Provides:.*$abi'"
# beside an nginx of another ABI, apt refuses the module: simulated on a
# copy of dpkg's status where nginx (and nginx-rtmp) carry another ABI
other_abi() {
    local d=$tmp/other-abi
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts"
    : > "$d/sources.list"
    sed "s/$abi/nginx-abi-0.0.1-1/g" /var/lib/dpkg/status > "$d/status"
    ! apt-get install -s -o Dir::State::status="$d/status" -o Dir::State::Lists="$d/lists" \
        -o Dir::Cache="$d/cache" -o Dir::Etc::sourcelist="$d/sources.list" \
        -o Dir::Etc::sourceparts="$d/parts" "${debs[0]}" > "$d/out" 2>&1 \
      && grep -q "libnginx-mod-http-xtream : Depends: $abi but it is not installable" "$d/out"
}
check "the module is refused beside an nginx of another ABI (apt-get -s)" other_abi
check "apt-get install ./dist/*.deb" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${debs[@]}"
check "module: .so in /usr/lib/nginx/modules" test -f /usr/lib/nginx/modules/ngx_xtream_module.so
check "module: load_module snippet in modules-available" grep -qx 'load_module modules/ngx_xtream_module.so;' /usr/share/nginx/modules-available/mod-http-xtream.conf
check "module: enabled through modules-enabled" test "$(readlink /etc/nginx/modules-enabled/50-mod-http-xtream.conf)" = /usr/share/nginx/modules-available/mod-http-xtream.conf
check "system user xtream" getent passwd xtream
check "xtreamd.conf 0640 root:xtream" test "$(stat -c '%a %U:%G' /etc/xtream/xtreamd.conf)" = "640 root:xtream"
check "/var/lib/xtream/{snap,media,archive} owned by xtream" \
    sh -c 'for d in snap media archive; do [ "$(stat -c %U /var/lib/xtream/$d)" = xtream ] || exit 1; done'
check "/run/xtream made by tmpfiles.d" test "$(stat -c %U /run/xtream)" = xtream
check "panel and hls.js in /usr/share/xtream/panel" test -s /usr/share/xtream/panel/index.html -a -s /usr/share/xtream/panel/vendor/hls.min.js
check "nginx -t with the module enabled" nginx -t -q

# 2. the unit
unit=/lib/systemd/system/xtreamd.service
check "systemd-analyze verify xtreamd.service" systemd-analyze verify "$unit"
check "unit: sandboxing" sh -c "grep -qx 'User=xtream' $unit && grep -qx 'ProtectSystem=strict' $unit && grep -qx 'ProtectHome=yes' $unit && grep -qx 'PrivateTmp=yes' $unit && grep -qx 'NoNewPrivileges=yes' $unit && grep -qx 'Restart=on-failure' $unit"

# 3. MariaDB the Debian way (unless the upgrade phase started it), then setup
if [ $started_db -eq 0 ] && ! mariadb-admin ping >/dev/null 2>&1; then
    check "service mariadb start" service mariadb start
    started_db=1
fi
not_root() {
    local out rc before
    before=$(ls -l --time-style=full-iso /etc/xtream; sha256sum /etc/xtream/*)
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups xtreamctl setup 2>&1); rc=$?
    [ $rc -ne 0 ] && echo "$out" | grep -q 'must run as root' \
        && [ "$(ls -l --time-style=full-iso /etc/xtream; sha256sum /etc/xtream/*)" = "$before" ]
}
check "setup refused without root, nothing changed" not_root
xtreamctl setup > "$tmp/setup.out" 2>&1; rc=$?
cat "$tmp/setup.out" | sed 's/^/#   /'
[ $rc -eq 0 ] && ok "xtreamctl setup" || bad "xtreamctl setup (exit $rc)"
sum1=$(sha256sum /etc/xtream/xtreamd.conf /etc/xtream/secret 2>/dev/null)
xtreamctl setup > "$tmp/setup2.out" 2>&1; rc=$?
[ $rc -eq 0 ] && ! grep -q created "$tmp/setup2.out" && [ "$(sha256sum /etc/xtream/xtreamd.conf /etc/xtream/secret)" = "$sum1" ] \
    && ok "xtreamctl setup again: nothing changed" || bad "xtreamctl setup again changed something (exit $rc)"
check "secret 0640 root:www-data" test "$(stat -c '%a %U:%G' /etc/xtream/secret)" = "640 root:www-data"
ln -sf /etc/nginx/sites-available/xtream /etc/nginx/sites-enabled/xtream
check "nginx -t with the module and the xtream site enabled" nginx -t -q

# the admin API on a free port (8082 may be another engineer's make run)
aport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/^admin_listen .*/admin_listen     = 127.0.0.1:$aport/" /etc/xtream/xtreamd.conf

# 4. xtreamd as the unit runs it (its User=, its ExecStart)
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
sup=$(sed -n 's/^SupplementaryGroups=//p' "$unit")
# shellcheck disable=SC2086
setpriv --reuid="$user" --regid="$user" --groups="$sup" --no-new-privs $exec_start >"$tmp/xtreamd.out" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 100); do [ -s /var/lib/xtream/snap/lines.snap ] && break; sleep 0.1; done
check "xtreamd (as $user) compiles the snapshots" test -s /var/lib/xtream/snap/lines.snap
check "xtreamd made its event socket for group www-data" test "$(stat -c '%G' /run/xtream/xtreamd.sock)" = www-data

# a channel from a file made by ffmpeg
ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t 30 -c:v libx264 -preset ultrafast -g 25 -keyint_min 25 -sc_threshold 0 -pix_fmt yuv420p \
    -c:a aac -b:a 64k -shortest "$tmp/src.ts" >"$tmp/ffmpeg.log" 2>&1
chmod 644 "$tmp/src.ts"
cat > "$tmp/channel.json" <<JSON
{"categories":[{"id":1,"type":"live","name":"Test","parent_id":0,"sort_order":1}],
 "transcode_profiles":[{"id":1,"name":"copy","mode":"copy","segment_seconds":1,"window_segments":6}],
 "streams":[{"id":1,"name":"Test One","category_id":1,"transcode_profile_id":1,"on_demand":false,"sources":["file://$tmp/src.ts"]}],
 "bouquets":[{"id":1,"name":"Basic","sort_order":1,"live":[1]}]}
JSON
check "xtreamctl import (a channel)" xtreamctl import "$tmp/channel.json"
pass=$(xtreamctl line add tester --bouquets 1 2>>"$tmp/checks.log")
[ -n "$pass" ] && ok "xtreamctl line add (generated password)" || bad "xtreamctl line add"

# 5. the packaged site in an nginx of its own on a free loopback port
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/ngx"
sed "s|proxy_pass http://127.0.0.1:8082;|proxy_pass http://127.0.0.1:$aport;|" \
    /etc/nginx/snippets/xtream-locations.conf > "$tmp/ngx/locations.conf"
sed -e "s|listen 80;|listen 127.0.0.1:$port;|" -e '/listen \[::\]:80;/d' \
    /etc/nginx/sites-available/xtream > "$tmp/ngx/site.conf"
# the shipped HTTPS block (commented out in the site), filled in the way
# docs/INSTALL.md says, with a throwaway self-signed certificate
tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout "$tmp/ngx/key.pem" -out "$tmp/ngx/cert.pem" >/dev/null 2>&1
sed -n '/^#server {/,/^#}/p' /etc/nginx/sites-available/xtream | sed 's/^#//' \
    | sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$tport ssl http2;|" -e '/listen \[::\]:443/d' \
          -e "s|/etc/letsencrypt/live/iptv.example.net/fullchain.pem|$tmp/ngx/cert.pem|" \
          -e "s|/etc/letsencrypt/live/iptv.example.net/privkey.pem|$tmp/ngx/key.pem|" >> "$tmp/ngx/site.conf"
sed -i "s|include /etc/nginx/snippets/xtream-locations.conf;|include $tmp/ngx/locations.conf;|" "$tmp/ngx/site.conf"
cat > "$tmp/ngx/nginx.conf" <<NGX
user www-data;
worker_processes 1;
pid $nginx_pid_file;
error_log $tmp/ngx/error.log info;
include /etc/nginx/modules-enabled/*.conf;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $tmp/ngx/access.log;
    client_body_temp_path $tmp/ngx/cb; proxy_temp_path $tmp/ngx/px;
    fastcgi_temp_path $tmp/ngx/fc; uwsgi_temp_path $tmp/ngx/uw; scgi_temp_path $tmp/ngx/sc;
    include $tmp/ngx/site.conf;
}
NGX
check "nginx (packaged site) starts on 127.0.0.1:$port" nginx -e "$tmp/ngx/error.log" -c "$tmp/ngx/nginx.conf"
url=http://127.0.0.1:$port
login() { curl -fsS --max-time 3 "$url/player_api.php?username=tester&password=$pass" | grep -q '"auth":1'; }
wait_login() { for _ in $(seq 1 100); do login && return 0; sleep 0.2; done; return 1; }
check "the line logs in through the installed nginx" wait_login
if [ ${#old_debs[@]} -eq 2 ]; then
    check "the line made before the upgrade logs in" \
        sh -c "curl -fsS --max-time 3 '$url/player_api.php?username=keeper&password=keeper-pass-1' | grep -q '\"auth\":1'"
fi
plays() {
    for _ in $(seq 1 60); do
        curl -s --max-time 4 -o "$tmp/play.ts" "$url/live/tester/$pass/1.ts"
        [ "$(stat -c %s "$tmp/play.ts" 2>/dev/null || echo 0)" -gt 50000 ] \
            && [ "$(head -c1 "$tmp/play.ts" | od -An -tx1 | tr -d ' ')" = 47 ] && return 0
        sleep 0.5
    done
    return 1
}
check "the line plays the channel (MPEG-TS through /live/)" plays
turl=https://127.0.0.1:$tport
check "HTTPS (the shipped block): server_info says server_protocol https" \
    sh -c "curl -ksS --max-time 3 '$turl/player_api.php?username=tester&password=$pass' | grep -q '\"server_protocol\":\"https\"'"
check "HTTP: server_info says server_protocol http" \
    sh -c "curl -sS --max-time 3 '$url/player_api.php?username=tester&password=$pass' | grep -q '\"server_protocol\":\"http\"'"
check "HTTPS: the playlist's URLs are https://" \
    sh -c "curl -ksS --max-time 3 '$turl/get.php?username=tester&password=$pass&type=m3u_plus&output=ts' | tee $tmp/m3u | grep -q '^https://127.0.0.1:$tport/' && ! grep -q '^http://' $tmp/m3u"
check "xtreamctl admin add" xtreamctl admin add tlsadmin --password Tls-admin-pass-1
cookie() {   # URL: the login's Set-Cookie header
    curl -ksS --max-time 5 -D - -o /dev/null -H 'Content-Type: application/json' \
        -d '{"username":"tlsadmin","password":"Tls-admin-pass-1"}' "$1/admin/api/login" | grep -i '^set-cookie: xt_admin='
}
secure_https() { cookie "$turl" | grep -q '; Secure'; }
plain_http() { local c; c=$(cookie "$url") && ! echo "$c" | grep -q Secure; }
check "panel login over HTTPS: the session cookie is Secure" secure_https
check "panel login over HTTP: the session cookie is not Secure" plain_http
check "/metrics answers on loopback" sh -c "curl -fsS --max-time 3 $url/metrics | grep -q '^xtream_'"
check "the panel is served" sh -c "curl -fsS --max-time 3 $url/admin/ | grep -qi '<html'"

# 6. backup -> drop -> restore -> logs in again
check "xtreamctl backup" xtreamctl backup "$tmp/full.xtb"
kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=''
check "drop the database" mariadb -e 'DROP DATABASE xtream'
check "restore of a truncated file is refused" sh -c "head -c 500 $tmp/full.xtb > $tmp/cut.xtb; ! xtreamctl restore $tmp/cut.xtb"
check "xtreamctl restore" xtreamctl restore "$tmp/full.xtb"
check "restore into a non-empty database is refused" sh -c "! xtreamctl restore $tmp/full.xtb"
# shellcheck disable=SC2086
setpriv --reuid="$user" --regid="$user" --groups="$sup" --no-new-privs $exec_start >>"$tmp/xtreamd.out" 2>&1 &
daemon_pid=$!
check "the line logs in again after the restore" wait_login
kill -QUIT "$(cat "$nginx_pid_file")"; for _ in $(seq 1 50); do [ -s "$nginx_pid_file" ] || break; sleep 0.1; done
kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=''

# 7. remove keeps the configuration and the database; purge removes files
rm -f /etc/nginx/sites-enabled/xtream
check "apt-get remove" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q xtreamd libnginx-mod-http-xtream
check "remove keeps /etc/xtream/xtreamd.conf" test -s /etc/xtream/xtreamd.conf
check "remove keeps the database" sh -c "mariadb -N -e 'SELECT COUNT(*) FROM xtream.\`lines\`' | grep -qx '[12]'"
check "remove disables the module (modules-enabled link set aside)" test ! -e /etc/nginx/modules-enabled/50-mod-http-xtream.conf
check "apt-get purge" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q xtreamd libnginx-mod-http-xtream
check "purge removes /etc/xtream and /var/lib/xtream" test ! -e /etc/xtream -a ! -e /var/lib/xtream
check "purge keeps the database (docs/INSTALL.md: dropped by hand)" sh -c "mariadb -N -e 'SHOW DATABASES' | grep -qx xtream"
check "nginx -t still passes after the purge" nginx -t -q

echo "1..$n"
echo "test-install: $fails of $n checks failed, $(( $(date +%s) - t0 )) s"
[ $fails -eq 0 ]
