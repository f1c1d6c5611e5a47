#!/usr/bin/env bash
# Install the Debian packages xtream needs to build, run and test.
# Fast no-op when everything is present.  Never leaves the Debian nginx or
# MariaDB services running: xtream starts its own private instances.
set -euo pipefail

# one line per room, so each duty adds its own packages without touching others
pkgs=(nginx nginx-dev libnginx-mod-rtmp mariadb-server mariadb-client libmariadb-dev
      libyajl-dev libssl-dev zlib1g-dev pkg-config build-essential
      libavformat-dev libavcodec-dev libavfilter-dev libswscale-dev libswresample-dev
      libavutil-dev ffmpeg tini curl python3 valgrind bc wrk iproute2
      libtest-base-perl libtext-diff-perl libtest-longstring-perl liblist-moreutils-perl
      libipc-run-perl libhttp-message-perl liburi-perl libxml-libxml-perl)
# EPG import: streaming XMLTV parse, HTTP(S) fetch
pkgs+=(libxml2-dev libcurl4-openssl-dev libxml2-utils time)   # xmllint, /usr/bin/time: tests and bench
# admin API (xtreamd) and web panel browser tests
pkgs+=(libmicrohttpd-dev nodejs chromium)   # nodejs ships npm
# hardening: fuzzers and sanitizers, clock-jump tests
pkgs+=(clang libclang-rt-14-dev faketime)
# catch-up: tests and make run seed a past archive with a worker under faketime
pkgs+=(faketime)
# Debian packages (make deb, make test-install): debhelper, dh_nginx (nginx-dev), lintian
pkgs+=(debhelper dpkg-dev lintian fakeroot)
# streaming nodes: nothing beyond MariaDB (replication is built in)

missing=()
for p in "${pkgs[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#pkgs[@]} packages present"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: not root and no sudo" >&2; exit 1; }
    sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
# Keep package scripts from starting services (no systemd here; be safe anyway).
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
fi
cleanup() { [ $created_policy -eq 1 ] && "${sudo[@]}" rm -f /usr/sbin/policy-rc.d; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null

# If a package script started a service anyway, stop it (pid files only).
for pidf in /run/nginx.pid /run/mysqld/mysqld.pid; do
    if [ -s "$pidf" ]; then
        pid=$(cat "$pidf")
        if "${sudo[@]}" kill -0 "$pid" 2>/dev/null; then
            echo "install-deps: stopping service started by apt (pid $pid from $pidf)"
            "${sudo[@]}" kill -TERM "$pid" || true
            for _ in $(seq 1 100); do "${sudo[@]}" kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
    fi
done
echo "install-deps: done"
