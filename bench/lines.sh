#!/usr/bin/env bash
# Issue 21, "a million lines", all in one run:
#  - full snapshot build (xtreamd --once: lines + catalog + epg + cluster)
#    of LINES lines + MOVIES movies + CHANNELS channels, and the lines.snap
#    part of it (xtreamd's log), against the same run's reference: the
#    mariadb client reading the same two result sets the lines build reads
#    (what the database alone costs; --quick, output to /dev/null)
#  - how long one changed line takes to reach players: `xtreamctl line set
#    U --password P` against a running xtreamd + nginx, then player_api
#    polled every 20 ms until the new password logs in
# Rounds are interleaved; medians; the load average is printed with them
# (the machine may be shared).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LINES=${LINES:-1000000}
CHANNELS=${CHANNELS:-20000}
MOVIES=${MOVIES:-100000}
ROUNDS=${ROUNDS:-5}

bench_start
xpid=
trap '[ -n "$xpid" ] && kill "$xpid" 2>/dev/null && wait "$xpid" 2>/dev/null; stop_nginx "$work/nginx"; [ -n "${KEEP:-}" ] && echo "kept $work" || bench_stop' EXIT
xtreamd_conf "$work/xtreamd.conf" xtbench "$work/snap"
ctl() { "$build/xtreamctl" -c "$work/xtreamd.conf" "$@"; }
now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "load before: $(load) ($(nproc) cpus)"
python3 "$repo/bench/gen-catalog.py" --lines "$LINES" --channels "$CHANNELS" \
    --movies "$MOVIES" --bouquets 10 > "$work/catalog.json"
t0=$(now)
ctl import "$work/catalog.json" >/dev/null
echo "import: $LINES lines + $CHANNELS channels + $MOVIES movies in $(echo "$(now) - $t0" | bc) s"

# the two result sets xt_compile_lines reads, through the text protocol
refsql="SELECT id, username, password_salt, password_hash, status + 0,
  COALESCE(exp_date, 0), max_connections, is_trial, allowed_outputs + 0,
  allowed_ips, allowed_uas, message, created_at, kick FROM \`lines\` ORDER BY id;
  SELECT line_id, bouquet_id, sort_order FROM line_bouquets
  ORDER BY line_id, bouquet_id"
# ms of the last "built NAME" line in xtreamd's log
built_ms() {
    grep "built $1 " "$work/xtreamd.log" | tail -1 | sed 's/.*, \([0-9.]*\) ms$/\1/'
}

full=(); lines=(); cat=(); ref=()
for _ in $(seq 1 "$ROUNDS"); do
    rm -f "$work/snap"/*.snap
    t0=$(now)
    "$build/xtreamd" -c "$work/xtreamd.conf" --once
    full+=("$(echo "$(now) - $t0" | bc)")
    lines+=("$(echo "scale=3; $(built_ms lines.snap) / 1000" | bc)")
    cat+=("$(echo "scale=3; $(built_ms catalog.snap) / 1000" | bc)")
    t0=$(now)
    mariadb -S "$db/mysqld.sock" -uroot --quick -N xtbench -e "$refsql" >/dev/null
    ref+=("$(echo "$(now) - $t0" | bc)")
done
med() { printf '%s\n' "$@" | median; }
fm=$(med "${full[@]}"); lm=$(med "${lines[@]}"); rm_=$(med "${ref[@]}")
echo "full build (xtreamd --once), median of $ROUNDS: $fm s  (rounds: ${full[*]})"
echo "  lines.snap part: $lm s  (rounds: ${lines[*]})"
echo "  catalog.snap part: $(med "${cat[@]}") s  (rounds: ${cat[*]})"
echo "reference, mariadb client reading the lines build's rows: $rm_ s  (rounds: ${ref[*]})"
echo "ratio lines build / reading its rows: $(echo "scale=2; $lm / $rm_" | bc)"
for f in "$work/snap"/*.snap; do
    echo "  $(basename "$f"): $(stat -c %s "$f") bytes"
done
echo "load after builds: $(load)"

# a running xtreamd and nginx: time from `line set` to the new password
# logging in
# every channel on demand first: a running xtreamd starts an always-on
# stream's worker itself, and 20 000 of them would be the benchmark
mariadb --no-defaults -S "$db/mysqld.sock" -uroot xtbench \
    -e "UPDATE streams SET on_demand = 1"
"$build/xtreamd" -c "$work/xtreamd.conf" --foreground >"$work/xtreamd.out" 2>&1 &
xpid=$!
port=$(free_port)
mkdir -p "$work/nginx/conf"
cat > "$work/nginx/conf/nginx.conf" <<CONF
load_module $build/ngx_xtream_module.so;
worker_processes 2;
pid logs/nginx.pid;
error_log logs/error.log info;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    xtream_snapshot_dir $work/snap;
    server {
        listen 127.0.0.1:$port;
        location = /player_api.php { xtream_api; }
    }
}
CONF
start_nginx "$work/nginx"
user=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); l=d['lines'][len(d['lines'])//2]; print(l['username'], l['password'])" "$work/catalog.json")
set -- $user
api="http://127.0.0.1:$port/player_api.php?username=$1"
# the body in a variable: `curl | grep -q` can fail under pipefail when grep
# exits before curl has written everything (SIGPIPE)
ok() { local b; b=$(curl -s "$api&password=$1") || return 1; [[ $b == *'"auth":1'* ]]; }
for _ in $(seq 1 600); do ok "$2" && break; sleep 0.1; done
ok "$2" || { echo "login never worked"; tail -5 "$work/nginx/logs/error.log"; exit 1; }

lat=(); set_t=()
for i in $(seq 1 "$ROUNDS"); do
    sleep 1             # let the previous generation settle
    pw="bench-pw-$i-$RANDOM"
    t0=$(now)
    ctl line set "$1" --password "$pw" >/dev/null
    t1=$(now)
    until ok "$pw"; do
        sleep 0.02
        if [ "$(echo "$(now) - $t0 > 60" | bc)" = 1 ]; then
            echo "the new password never worked"; tail -n 3 "$work/xtreamd.log" "$work/nginx/logs/error.log"; exit 1
        fi
    done
    lat+=("$(echo "$(now) - $t0" | bc)")
    set_t+=("$(echo "$t1 - $t0" | bc)")
done
echo "line change visible to players, median of $ROUNDS: $(med "${lat[@]}") s  (rounds: ${lat[*]})"
echo "  of which xtreamctl line set itself: $(med "${set_t[@]}") s"
echo "  lines.snap rebuilds meanwhile: $(grep -c 'built lines.snap' "$work/xtreamd.log")," \
     "last $(built_ms lines.snap) ms"
echo "load after: $(load)"
