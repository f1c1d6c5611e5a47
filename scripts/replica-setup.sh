#!/usr/bin/env bash
# MariaDB replication for xtream's streaming nodes (README "Many servers").
# One primary takes every write; each node reads a local replica kept up
# by MariaDB's own GTID replication.  Usage:
#
#   replica-setup.sh mycnf primary|replica SERVER_ID
#       the [mariadbd] lines each side needs (restart after adding them)
#   replica-setup.sh primary CONN --repl-user U --repl-password P [--repl-host H]
#       on the primary: check log_bin and server_id, create the replication
#       user (REPLICATION SLAVE only)
#   replica-setup.sh replica CONN --primary-host H --primary-port N
#           --repl-user U --repl-password P [--copy PRIMARY_CONN] [--database D]
#       on a replica: (--copy) load a consistent dump of database D (default
#       xtream) taken from the primary together with its GTID position, then
#       CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos, read_only=1,
#       START SLAVE, and wait until both replication threads run
#   replica-setup.sh status CONN
#       replication threads, Seconds_Behind_Master, GTID positions
#
# CONN is --socket PATH, or --host H --port N; add --user U (default root)
# and --password P when needed.  Names and passwords are restricted to
# [A-Za-z0-9._-] (they go into SQL text and my.cnf lines).
set -euo pipefail

die() { echo "replica-setup.sh: $*" >&2; exit 1; }
safe() { [[ "$2" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "$1 must be 1..64 characters of [A-Za-z0-9._-]"; }
safe_host() { [[ "$2" =~ ^[A-Za-z0-9.:%_-]{1,255}$ ]] || die "$1 is not a host name or address"; }

cmd=${1:-}; [ -n "$cmd" ] || { sed -n '2,26p' "$0"; exit 2; }; shift

if [ "$cmd" = mycnf ]; then
    role=${1:-}; id=${2:-}
    [[ "$id" =~ ^[1-9][0-9]{0,9}$ ]] || die "SERVER_ID must be an integer >= 1"
    echo "[mariadbd]"
    echo "server_id         = $id"        # unique in the cluster
    echo "log_bin           = xtream-bin" # GTIDs are in the binary log
    echo "binlog_format     = ROW"        # triggers' effects replicate as rows
    echo "gtid_strict_mode  = 1"
    case $role in
    primary) echo "bind_address      = 0.0.0.0      # reachable by the replicas" ;;
    replica)
        echo "log_slave_updates = 1           # a replica can be promoted"
        echo "read_only         = 1           # xtreamd's writes go to the primary"
        ;;
    *) die "mycnf primary|replica SERVER_ID" ;;
    esac
    exit 0
fi

# connection options: --socket | --host/--port, --user, --password
parse_conn() {
    local -n out=$1; shift
    out=(--no-defaults)
    local user=root
    while [ $# -gt 0 ]; do
        case $1 in
        --socket) out+=("--socket=$2"); shift 2 ;;
        --host) safe_host --host "$2"; out+=("--host=$2" --protocol=TCP); shift 2 ;;
        --port) [[ "$2" =~ ^[0-9]{1,5}$ ]] || die "--port must be a number"; out+=("--port=$2"); shift 2 ;;
        --user) safe --user "$2"; user=$2; shift 2 ;;
        --password) out+=("--password=$2"); shift 2 ;;
        *) break ;;
        esac
    done
    out+=("--user=$user")
    REST=("$@")
}

q() { mariadb "${CONN[@]}" -N -B -e "$1"; }

case $cmd in
primary)
    parse_conn CONN "$@"; set -- "${REST[@]}"
    ruser=; rpass=; rhost=%
    while [ $# -gt 0 ]; do
        case $1 in
        --repl-user) ruser=$2; shift 2 ;;
        --repl-password) rpass=$2; shift 2 ;;
        --repl-host) rhost=$2; shift 2 ;;
        *) die "unknown option $1" ;;
        esac
    done
    safe --repl-user "$ruser"; safe --repl-password "$rpass"; safe_host --repl-host "$rhost"
    [ "$(q 'SELECT @@log_bin')" = 1 ] || die "log_bin is off on the primary: add the lines of 'mycnf primary ID' and restart"
    [ "$(q 'SELECT @@server_id')" != 0 ] || die "server_id is 0 on the primary"
    q "CREATE USER IF NOT EXISTS '$ruser'@'$rhost' IDENTIFIED BY '$rpass';
       ALTER USER '$ruser'@'$rhost' IDENTIFIED BY '$rpass';
       GRANT REPLICATION SLAVE ON *.* TO '$ruser'@'$rhost'"
    echo "primary: server_id=$(q 'SELECT @@server_id') gtid_binlog_pos=$(q 'SELECT @@gtid_binlog_pos') replication user $ruser@$rhost"
    ;;

replica)
    parse_conn CONN "$@"; set -- "${REST[@]}"
    phost=; pport=3306; ruser=; rpass=; db=xtream; copy=()
    while [ $# -gt 0 ]; do
        case $1 in
        --primary-host) phost=$2; shift 2 ;;
        --primary-port) pport=$2; shift 2 ;;
        --repl-user) ruser=$2; shift 2 ;;
        --repl-password) rpass=$2; shift 2 ;;
        --database) db=$2; shift 2 ;;
        --copy) shift; copy=()
            while [ $# -gt 0 ] && [[ "$1" =~ ^--(socket|host|port|user|password)$ ]]; do
                copy+=("$1" "$2"); shift 2
            done ;;
        *) die "unknown option $1" ;;
        esac
    done
    safe_host --primary-host "$phost"; [[ "$pport" =~ ^[0-9]{1,5}$ ]] || die "--primary-port must be a number"
    safe --repl-user "$ruser"; safe --repl-password "$rpass"; safe --database "$db"
    [ "$(q 'SELECT @@server_id')" != 0 ] || die "server_id is 0 on the replica"
    q "STOP SLAVE" >/dev/null 2>&1 || true
    if [ ${#copy[@]} -gt 0 ]; then
        parse_conn PCONN "${copy[@]}"
        [ "$(mariadb "${PCONN[@]}" -N -B -e 'SELECT @@server_id')" != "$(q 'SELECT @@server_id')" ] \
            || die "the replica's server_id equals the primary's"
        # one consistent snapshot with the GTID it stands for: the dump
        # carries "SET GLOBAL gtid_slave_pos=..." (--gtid --master-data)
        q "SET GLOBAL read_only = 0; RESET MASTER; RESET SLAVE ALL"
        mariadb-dump "${PCONN[@]}" --single-transaction --gtid --master-data=1 \
            --routines --triggers --databases "$db" >"${TMPDIR:-/tmp}/xt-replica-dump.$$.sql"
        # the CHANGE MASTER line in the dump has no host: ours follows
        sed -i '/^CHANGE MASTER TO/d' "${TMPDIR:-/tmp}/xt-replica-dump.$$.sql"
        # not into the replica's own binary log: its GTIDs would conflict
        # with the primary's position the dump sets
        mariadb "${CONN[@]}" --init-command="SET SESSION sql_log_bin = 0" \
            <"${TMPDIR:-/tmp}/xt-replica-dump.$$.sql"
        rm -f "${TMPDIR:-/tmp}/xt-replica-dump.$$.sql"
    fi
    q "CHANGE MASTER TO MASTER_HOST='$phost', MASTER_PORT=$pport,
         MASTER_USER='$ruser', MASTER_PASSWORD='$rpass',
         MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos;
       SET GLOBAL read_only = 1;
       START SLAVE"
    for _ in $(seq 1 100); do
        st=$(q "SHOW SLAVE STATUS" | awk -F'\t' '{print $11 "/" $12}')
        if [ "$st" = "Yes/Yes" ]; then
            echo "replica: replicating from $phost:$pport, gtid_slave_pos=$(q 'SELECT @@gtid_slave_pos'), read_only=$(q 'SELECT @@read_only')"
            exit 0
        fi
        sleep 0.1
    done
    mariadb "${CONN[@]}" -e "SHOW SLAVE STATUS\G" | grep -E 'Running|Error' >&2 || true
    die "replication did not start (IO/SQL threads: ${st:-none})"
    ;;

status)
    parse_conn CONN "$@"
    mariadb "${CONN[@]}" -e "SHOW SLAVE STATUS\G" \
        | grep -E '^ *(Master_Host|Master_Port|Slave_IO_Running|Slave_SQL_Running|Seconds_Behind_Master|Gtid_IO_Pos|Using_Gtid|Last_.*Error):' || echo "not a replica"
    q "SELECT CONCAT('server_id=', @@server_id, ' read_only=', @@read_only, ' gtid_binlog_pos=', @@gtid_binlog_pos, ' gtid_slave_pos=', @@gtid_slave_pos)"
    ;;

*) die "unknown command $cmd (mycnf, primary, replica, status)" ;;
esac
