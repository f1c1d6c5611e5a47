#!/usr/bin/env bash
# `make asan`: the module, xtreamd, xtreamctl and the worker built with
# AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ (never
# mixed with build/), then the C unit tests and the t/ suite run against
# them.  Any sanitizer report fails the run.
#
#   scripts/asan.sh                     build, unit tests, whole t/ suite
#   scripts/asan.sh t/001-login.t ...   build, unit tests, these files
#   XT_ASAN_SKIP_UNIT=1 scripts/asan.sh t/...     t/ files only
#
# ASan/LSan reports are collected through log_path (one file per process,
# whichever process it is: nginx worker, xtreamd, worker, test program)
# under build-asan/sanitizer-logs/, printed and counted at the end; a UBSan
# report aborts its process (see UBSAN_OPTIONS below).
# Debian's nginx is not instrumented: scripts/asan-nginx.sh starts it with
# libasan preloaded (see there for the leak-check choice).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${XT_ASAN_BUILD:-$repo/build-asan}
logs=$build/sanitizer-logs

san="-fsanitize=address,undefined -fno-omit-frame-pointer"
# the daemon's, the worker's and the unit tests' Makefiles add their flags
# to CFLAGS from the environment.  gcc's -Wformat-truncation sees the
# sanitizers' null checks as "argument is null" (a false positive under
# -fsanitize only): a warning here, still an error in the normal build
export CFLAGS="-O1 -g $san -Wno-error=format-truncation"
export XT_CC_OPT="$san" XT_LD_OPT="$san"

echo "asan: building into $build"
make -s -C xtreamd BUILD="$build" || exit 1
scripts/build-module.sh "$build" || exit 1

rm -rf "$logs"
mkdir -p "$logs"
chmod 1777 "$logs"      # nginx workers may run as another user
# leaks are checked in our own programs (daemon, worker, tests); nginx's
# master and workers are started with detect_leaks=0 by asan-nginx.sh
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0:strict_string_checks=1"
# UBSan: with ASan in the same gcc build it ignores log_path and writes to
# stderr, so a report aborts the process instead (SIGABRT): an nginx worker
# dying on signal 6 is an [alert] the tests check for, a dead xtreamd or
# test program fails its tests; the report is on that process's stderr
# (for nginx: its error log)
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$repo/scripts/asan-lsan.supp"
export XT_ASAN_LOGS=$logs
export XTW_SANITIZED=1      # the worker tests skip their valgrind jobs

# self-check, so that "zero reports" means something: a deliberate heap
# overflow in an instrumented program must leave a report where we look,
# and nginx must load the instrumented module through asan-nginx.sh
canary=$build/asan-canary
printf '#include <stdlib.h>\nint main(void){volatile char *p=malloc(4);p[4]=1;return 0;}\n' \
    | gcc $san -x c -o "$canary" - || exit 1
"$canary" 2>/dev/null
if ! grep -qs 'ERROR: AddressSanitizer: heap-buffer-overflow' "$logs"/asan.*; then
    echo "asan: self-check failed: the canary's report is not in $logs" >&2; exit 1
fi
printf '#include <limits.h>\nint main(int c,char**v){(void)v;int x=INT_MAX-1+c;x+=c;return x==0;}\n' \
    | gcc $san -x c -o "$canary" - || exit 1
"$canary" 2>"$build/asan-canary.err"
crc=$?
if [ $crc -ne 134 ] || ! grep -qs 'runtime error: signed integer overflow' "$build/asan-canary.err"; then
    echo "asan: self-check failed: the UBSan canary did not abort with its report (exit $crc)" >&2; exit 1
fi
rm -f "$build/asan-canary.err"
rm -f "$logs"/* "$canary"
ngxconf=$build/asan-selfcheck.conf
printf 'load_module %s;\npid %s/asan-selfcheck.pid;\nerror_log stderr;\nevents {}\nhttp {}\n' \
    "$build/ngx_xtream_module.so" "$build" > "$ngxconf"
if ! scripts/asan-nginx.sh -t -q -p "$build" -c "$ngxconf" 2>/dev/null; then
    echo "asan: self-check failed: nginx does not load $build/ngx_xtream_module.so" >&2; exit 1
fi
if ASAN_OPTIONS= /usr/sbin/nginx -t -q -p "$build" -c "$ngxconf" >/dev/null 2>&1; then
    echo "asan: self-check failed: the module loads without the ASan runtime (not instrumented?)" >&2; exit 1
fi
echo "asan: self-check ok (ASan and UBSan canaries caught; the instrumented module loads only with libasan preloaded)"

rc=0
if [ -z "${XT_ASAN_SKIP_UNIT:-}" ]; then
    echo "asan: unit tests"
    make -s -C xtreamd BUILD="$build" test || rc=1
    make -s -C ngx_xtream_module BUILD="$build" test || rc=1
fi

echo "asan: t/ suite"
BUILD="$build" TEST_NGINX_BINARY="$repo/scripts/asan-nginx.sh" \
    scripts/prove.sh "$@" || rc=1

# one file per process that reported; an empty file is not a report
reports=0
for f in "$logs"/*; do
    [ -s "$f" ] || continue
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: ' "$f"; then
        reports=$((reports + 1))
        echo "=== sanitizer report: $f"
        head -60 "$f"
    fi
done
echo "asan: $reports process(es) with sanitizer reports (logs in $logs)"
[ "$reports" -eq 0 ] || rc=1
exit $rc
