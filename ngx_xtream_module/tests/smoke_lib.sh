# Shared set-up of the smoke scripts (sourced): fixture snapshots, nginx
# with the module on a free loopback port at debug log level, helpers.
# The caller sets nothing; it gets $dir, $port, $b, $mk, check, get, json,
# stop, and smoke_end (prints the tally, cleans up, sets the exit status).
set -euo pipefail
build=${1:?usage: smoke.sh BUILD_DIR}
so=$build/ngx_xtream_module.so
mk=$build/module-tests/xt_mkfixture
dir=$(mktemp -d /tmp/xt-smoke.XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
pass=0 fail=0

stop() {
    if [ -f "$dir/nginx.pid" ]; then kill -QUIT "$(cat "$dir/nginx.pid")" 2>/dev/null || true; fi
    sleep 0.3
}
trap stop EXIT

check() {   # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL $1: expected [$2] got [$3]" >&2; fi
}

mkdir -p "$dir/snap" "$dir/tmp"
chmod 755 "$dir"
cat > "$dir/nginx.conf" <<CONF
load_module $so;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log debug;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fcgi; uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    xtream_snapshot_dir $dir/snap;
    xtream_timezone Europe/London;
    xtream_rtmp_port 25462;
    server {
        listen 127.0.0.1:$port;
        location / { xtream_api; }
    }
}
CONF

nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log"
sleep 0.3
b="http://127.0.0.1:$port/player_api.php"
get() { curl -s -o "$dir/body" -w '%{http_code}' "$@"; }
json() { python3 -c "import json,sys; d=json.load(open('$dir/body')); print($1)"; }

smoke_end() {
    check "no alert/crit" 0 "$(grep -cE '\[(alert|crit|emerg)\]|signal 11' "$dir/error.log" || true)"
    stop
    trap - EXIT
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ] && rm -rf "$dir"
    [ "$fail" -eq 0 ]
}
