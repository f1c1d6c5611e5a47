#!/usr/bin/env bash
# Private MariaDB instance under DIR: db.sh start|stop|status DIR
#   DIR/data         datadir (created with mariadb-install-db on first start)
#   DIR/mysqld.sock  socket (no TCP: --skip-networking)
#   DIR/mysqld.pid   pid file;  DIR/mysqld.err  error log
# Root has an empty password (auth method "normal").  Never touches the
# system service or /var/lib/mysql.  Idempotent; stop waits for exit.
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|status DIR" >&2; exit 2; }
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
sock=$dir/mysqld.sock; pidf=$dir/mysqld.pid; err=$dir/mysqld.err; data=$dir/data
# a unix socket path must fit in sun_path (108 bytes)
[ ${#sock} -lt 100 ] || { echo "db.sh: socket path too long: $sock" >&2; exit 1; }

userarg=()
[ "$(id -u)" -eq 0 ] && userarg=(--user=root)

running_pid() {
    [ -s "$pidf" ] || return 1
    local pid; pid=$(cat "$pidf")
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

ping_db() { mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; }

case $cmd in
start)
    if pid=$(running_pid) && ping_db; then echo "db: running (pid $pid, socket $sock)"; exit 0; fi
    if [ ! -d "$data/mysql" ]; then
        rm -rf "$data"
        mariadb-install-db --no-defaults --datadir="$data" "${userarg[@]}" \
            --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
            >"$dir/install.log" 2>&1 || { tail -20 "$dir/install.log" >&2; exit 1; }
    fi
    rm -f "$sock" "$pidf"
    # setsid: own session, so a Ctrl-C in the caller's terminal doesn't reach it
    setsid /usr/sbin/mariadbd --no-defaults --datadir="$data" --socket="$sock" \
        --pid-file="$pidf" --log-error="$err" --skip-networking "${userarg[@]}" \
        --skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=32M \
        --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=2 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 300); do
        if ping_db; then echo "db: started (pid $(cat "$pidf"), socket $sock)"; exit 0; fi
        kill -0 $! 2>/dev/null || break
        sleep 0.1
    done
    echo "db.sh: mariadbd did not start; last lines of $err:" >&2
    tail -20 "$err" >&2 || true
    exit 1
    ;;
stop)
    if ! pid=$(running_pid); then echo "db: not running"; rm -f "$pidf"; exit 0; fi
    kill -TERM "$pid"
    for _ in $(seq 1 600); do
        kill -0 "$pid" 2>/dev/null || { echo "db: stopped (pid $pid)"; exit 0; }
        sleep 0.1
    done
    echo "db.sh: pid $pid did not exit in 60 s; killing" >&2
    kill -KILL "$pid" 2>/dev/null || true
    exit 1
    ;;
status)
    if pid=$(running_pid) && ping_db; then echo "db: running (pid $pid, socket $sock)"; exit 0; fi
    echo "db: not running"; exit 3
    ;;
*) echo "usage: $0 start|stop|status DIR" >&2; exit 2 ;;
esac
