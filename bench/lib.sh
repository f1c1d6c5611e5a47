# Shared helpers for bench/*.sh (sourced).  Benchmarks report medians and
# ratios against a reference measured in the same run, never absolute
# pass/fail thresholds: these machines are shared and noisy.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$repo/build}   # BUILD: another build dir, e.g. a copy to bench while rebuilding

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

median() {      # numbers on stdin -> median
    sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# every bench client says the same User-Agent (a line may lock its UAs)
BENCH_UA=xtream-bench/1

# wrk_rps URL SECONDS CONNECTIONS [HEADER] -> requests/s; fails when any
# answer was not 2xx/3xx, so an error page is never measured as speed
wrk_rps() {
    local out
    out=$(wrk -t1 -c"$3" -d"$2"s -H "User-Agent: $BENCH_UA" ${4:+-H "$4"} "$1" 2>&1)
    if grep -q 'Non-2xx or 3xx' <<<"$out"; then
        echo "wrk: error answers from $1: $(grep 'Non-2xx' <<<"$out")" >&2
        return 1
    fi
    awk '/^Requests\/sec/ {print $2}' <<<"$out"
}

# start_nginx PREFIX: nginx with PREFIX/conf/nginx.conf, in the background
start_nginx() {
    mkdir -p "$1/logs" "$1/tmp"
    /usr/sbin/nginx -p "$1/" -c conf/nginx.conf -e "$1/logs/error.log"
}

stop_nginx() {
    local pid
    pid=$(cat "$1/logs/nginx.pid" 2>/dev/null) || return 0
    kill -QUIT "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
}

# rss_kb PID -> resident set in KiB
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# the nginx worker pids of a prefix
nginx_workers() { pgrep -P "$(cat "$1/logs/nginx.pid")"; }

# bench_start: a work dir nginx workers (nobody) can read, with a private
# MariaDB in it; sets $work and $db.  Stop with bench_stop.
bench_start() {
    work=$(mktemp -d /tmp/xtbench.XXXXXX)
    chmod 755 "$work"
    db=$work/db
    "$repo/scripts/db.sh" start "$db" >/dev/null
}

bench_stop() {
    "$repo/scripts/db.sh" stop "$db" >/dev/null
    rm -rf "$work"
}

# xtreamd_conf FILE DBNAME SNAPDIR [RUNDIR]: an xtreamd/xtreamctl config
# against the bench's MariaDB (the database is created, the schema applied)
xtreamd_conf() {
    local run=${4:-$(dirname "$1")}
    mkdir -p "$3"
    chmod 755 "$3"
    cat > "$1" <<CONF
db_socket = $db/mysqld.sock
db_user = root
db_name = $2
snapshot_dir = $3
media_root = $work/media
event_socket = $run/xtreamd.sock
pid_file = $run/xtreamd.pid
log_file = $run/xtreamd.log
CONF
    mariadb --no-defaults --socket="$db/mysqld.sock" -uroot -e "CREATE DATABASE IF NOT EXISTS $2"
    "$build/xtreamctl" -c "$1" migrate >/dev/null
}

# bench_nginx_conf PREFIX PORT SNAPDIR LOCATIONS: PREFIX/conf/nginx.conf,
# one worker with the module on 127.0.0.1:PORT, LOCATIONS inside server {}
bench_nginx_conf() {
    mkdir -p "$1/conf" "$1/html/static"
    chmod 755 "$1" "$1/html" "$1/html/static"
    printf '%s\n' "load_module $build/ngx_xtream_module.so;" "worker_processes 1;" \
        "pid logs/nginx.pid;" "error_log logs/error.log warn;" \
        "events { worker_connections 1024; }" "http {" "    access_log off;" "    sendfile on;" \
        "    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;" \
        "    fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;" \
        "    xtream_snapshot_dir $3;" "    server {" "        listen 127.0.0.1:$2;" "$4" "    }" "}" \
        > "$1/conf/nginx.conf"
}
