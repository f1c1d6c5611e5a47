#!/usr/bin/env bash
# Run the Test::Nginx-style suite: scripts/prove.sh [t/file.t ...]
# Uses the installed Test::Nginx::Socket (openresty test-nginx, found through
# PERL5LIB or the system) when there is one, else our compatible harness in
# t/lib-compat.  Starts one private MariaDB for the whole run (shared by
# every file through XT_TEST_DB_DIR) and stops it at the end.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${BUILD:-$repo/build}

if perl -MTest::Nginx::Socket -e1 2>/dev/null; then
    echo "prove.sh: using installed Test::Nginx::Socket ($(perl -MTest::Nginx::Socket -e 'print $INC{"Test/Nginx/Socket.pm"}'))"
    # test-nginx listens on 1984 unless told otherwise: take a free port so
    # that two runs on one machine do not collide (our harness does this itself)
    if [ -z "${TEST_NGINX_SERVER_PORT:-}${TEST_NGINX_PORT:-}" ]; then
        export TEST_NGINX_SERVER_PORT=$(perl -MIO::Socket::INET -e \
            'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
    fi
else
    export PERL5LIB="$repo/t/lib-compat${PERL5LIB:+:$PERL5LIB}"
    echo "prove.sh: using t/lib-compat/Test/Nginx/Socket.pm"
fi
export PERL5LIB="$repo/t/lib:$PERL5LIB"
export TEST_NGINX_BINARY=${TEST_NGINX_BINARY:-/usr/sbin/nginx}
export TEST_NGINX_LOAD_MODULES=${TEST_NGINX_LOAD_MODULES:-$build/ngx_xtream_module.so}
export XT_BUILD=$build

# one private MariaDB for the run, under a short path (socket length limit)
dbdir=$(mktemp -d /tmp/xt-testdb.XXXXXX)
export XT_TEST_DB_DIR=$dbdir
# a servroot of this run's own, so two runs on one machine never collide
if [ -z "${TEST_NGINX_SERVROOT:-}" ]; then
    export TEST_NGINX_SERVROOT=$(mktemp -d /tmp/xt-servroot.XXXXXX)
    own_servroot=1
fi
started_db=0
stop_db() {
    if [ $started_db -eq 1 ]; then "$repo/scripts/db.sh" stop "$dbdir" >/dev/null || true; fi
    rm -rf "$dbdir"
    if [ -n "${own_servroot:-}" ] && [ -z "${XT_KEEP:-}" ]; then rm -rf "$TEST_NGINX_SERVROOT"; fi
}
trap stop_db EXIT
if "$repo/scripts/db.sh" start "$dbdir" >"$dbdir.log" 2>&1; then
    started_db=1
else
    echo "prove.sh: could not start MariaDB:" >&2; cat "$dbdir.log" >&2
fi
rm -f "$dbdir.log"

if [ $# -eq 0 ]; then set -- -r t/; fi
tini -s -- prove "$@"
