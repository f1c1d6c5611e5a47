#!/usr/bin/env bash
# `make stop`: stop what `make run` started (pusher, nginx, xtreamd and its
# workers, MariaDB), by pid.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
var=$repo/var

stop_pid() {   # name pidfile signal
    local name=$1 pidf=$2 sig=$3 pid
    [ -s "$pidf" ] || { echo "$name: not running"; return 0; }
    pid=$(cat "$pidf")
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name: not running (stale pid file)"; rm -f "$pidf"; return 0; fi
    kill "-$sig" "$pid"
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { echo "$name: stopped (pid $pid)"; return 0; }
        sleep 0.1
    done
    echo "$name: pid $pid still running after 10 s; sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
}

stop_pid pusher "$var/run/pusher.pid" TERM
stop_pid nginx "$var/nginx/logs/nginx.pid" QUIT
stop_pid xtreamd "$var/run/xtreamd.pid" TERM
[ -d "$var/mysql" ] && "$repo/scripts/db.sh" stop "$var/mysql"
rm -f "$var/run.env"
