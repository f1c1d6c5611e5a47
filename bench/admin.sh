#!/usr/bin/env bash
# Admin API cost, all in one run (medians of interleaved rounds):
#  1. player API throughput (wrk, get_live_streams) alone and while an
#     admin client works the admin API through the same nginx: the ratio
#     says whether admin work slows players down;
#     the same client at the same rate against a location nginx answers by
#     itself is the reference for "any client on this host";
#  2. admin API request latency (median, p99) with the player API under
#     that wrk load, and without it (reference).
# The admin API runs in xtreamd (its own threads and MariaDB connections);
# nginx only proxies /admin/api/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LINES=${LINES:-2000}
CHANNELS=${CHANNELS:-500}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-5}
CONNS=${CONNS:-8}
RATE=${RATE:-20}        # admin requests/s: a busy panel (0 = flat out)
WRITES=${WRITES:-1}     # 1: one request in six is a line PATCH (each change
                        # rebuilds lines.snap and nginx maps the new file)

bench_start
xtpid=
trap 'stop_nginx "$work/nginx"; [ -n "$xtpid" ] && kill "$xtpid" 2>/dev/null; bench_stop' EXIT

mkdir -p "$work/x"; chmod 755 "$work/x"
conf=$work/x/xtreamd.conf
xtreamd_conf "$conf" admbench "$work/x/snap"
admin_port=$(free_port); port=$(free_port)
echo "admin_listen = 127.0.0.1:$admin_port" >> "$conf"
echo "poll_interval_ms = 250" >> "$conf"
python3 "$repo/bench/gen-catalog.py" --lines "$LINES" --channels "$CHANNELS" --bouquets 2 > "$work/cat.json"
"$build/xtreamctl" -c "$conf" import "$work/cat.json" >/dev/null
# no workers: the channels are on-demand and nobody watches them
mariadb --no-defaults --socket="$db/mysqld.sock" -uroot admbench -e "UPDATE streams SET on_demand = 1"
"$build/xtreamctl" -c "$conf" admin add bench --password bench-admin-pass >/dev/null
"$build/xtreamd" -c "$conf" --foreground >"$work/x/xtreamd.out" 2>&1 &
xtpid=$!
for _ in $(seq 1 100); do [ -s "$work/x/snap/lines.snap" ] && break; sleep 0.1; done

mkdir -p "$work/nginx/conf"; chmod 755 "$work/nginx"
cat > "$work/nginx/conf/nginx.conf" <<CONF
load_module $build/ngx_xtream_module.so;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    xtream_snapshot_dir $work/x/snap;
    upstream xtream_admin { server 127.0.0.1:$admin_port; keepalive 4; }
    server {
        listen 127.0.0.1:$port;
        location = /player_api.php { xtream_api; }
        location = /bench-null { default_type application/json; return 200 '{}'; }
        location /admin/api/ {
            proxy_pass http://xtream_admin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Real-IP \$remote_addr;
        }
    }
}
CONF
start_nginx "$work/nginx"
sleep 0.5
set -- $(python3 -c "import json,sys; l=json.load(open(sys.argv[1]))['lines'][0]; print(l['username'] + ' ' + l['password'])" "$work/cat.json")
api="http://127.0.0.1:$port/player_api.php?username=$1&password=$2&action=get_live_streams"
curl -fsS -o /dev/null "$api"
echo "catalog: $LINES lines, $CHANNELS channels; wrk -c$CONNS ${SECS}s per round, $ROUNDS rounds;" \
     "admin client at ${RATE} req/s (0 = flat out), writes $WRITES"

# CPU ticks (user + system) of a process
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
dbpid=$(cat "$db/mysqld.pid")
hz=$(getconf CLK_TCK)
cpu_admin=0
alone=(); loaded=(); nulled=(); : > "$work/lat-loaded"; : > "$work/lat-idle"
for r in $(seq 1 "$ROUNDS"); do
    # admin alone (reference latency), then players alone, then both
    t0=$(( $(ticks "$xtpid") + $(ticks "$dbpid") ))
    python3 "$repo/bench/admin-load.py" "$port" bench bench-admin-pass 2 "$RATE" "$WRITES" >> "$work/lat-idle"
    cpu_admin=$(( cpu_admin + $(ticks "$xtpid") + $(ticks "$dbpid") - t0 ))
    alone+=("$(wrk_rps "$api" "$SECS" "$CONNS")")
    python3 "$repo/bench/admin-load.py" "$port" bench bench-admin-pass "$SECS" "$RATE" "$WRITES" > "$work/lat-r$r" &
    apid=$!
    loaded+=("$(wrk_rps "$api" "$SECS" "$CONNS")")
    wait "$apid"
    cat "$work/lat-r$r" >> "$work/lat-loaded"
    # reference: the same client and rate, nothing behind nginx
    python3 "$repo/bench/admin-load.py" "$port" --null "$SECS" "$RATE" > /dev/null &
    apid=$!
    nulled+=("$(wrk_rps "$api" "$SECS" "$CONNS")")
    wait "$apid"
done
a=$(printf '%s\n' "${alone[@]}" | median); l=$(printf '%s\n' "${loaded[@]}" | median)
pct() { sort -g "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print a[i]}'; }
echo "player API alone:               median $a req/s  (rounds: ${alone[*]})"
echo "player API with admin traffic:  median $l req/s  (rounds: ${loaded[*]})"
nl=$(printf '%s\n' "${nulled[@]}" | median)
echo "player API with a null client:  median $nl req/s  (rounds: ${nulled[*]})"
echo "  (the same client at the same rate against an nginx 'return 200')"
echo "ratio with/without admin traffic: $(echo "scale=3; $l / $a" | bc)"
echo "ratio with admin traffic / with the null client: $(echo "scale=3; $l / $nl" | bc)"
echo "admin API latency under player load: median $(median < "$work/lat-loaded") ms," \
     "p99 $(pct "$work/lat-loaded" 99) ms over $(wc -l < "$work/lat-loaded") requests"
echo "admin API latency, players idle:     median $(median < "$work/lat-idle") ms," \
     "p99 $(pct "$work/lat-idle" 99) ms over $(wc -l < "$work/lat-idle") requests"
n_idle=$(wc -l < "$work/lat-idle")
echo "server CPU per admin request (xtreamd + MariaDB, players idle):" \
     "$(echo "scale=2; $cpu_admin * 1000 / $hz / $n_idle" | bc) ms"
