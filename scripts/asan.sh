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
# Reports are collected through the sanitizers' log_path (one file per
# process, whichever process it is: nginx worker, xtreamd, worker, test
# program) under build-asan/sanitizer-logs/, printed and counted at the end.
# Debian's nginx is not instrumented: scripts/asan-nginx.sh starts it with
# libasan preloaded (see there for the leak-check choice).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${XT_ASAN_BUILD:-$repo/build-asan}
logs=$build/sanitizer-logs

# clang for everything: its ASan runtime carries UBSan too, so both write
# their reports to log_path files (gcc's UBSan beside ASan writes only to
# stderr).  The module is linked against the shared runtime, which
# asan-nginx.sh preloads into Debian's nginx.
export CC=${XT_ASAN_CC:-clang-14}
rt=$(dirname "$($CC -print-file-name=libclang_rt.asan-x86_64.so)")
# ODR indicators: the module defines its own "ngx_modules" (nginx's
# dynamic-module list), which the executable's symbol of that name
# interposes; without them ASan registers the module's 32-byte array at
# nginx's address and poisons the rest of nginx's list (a false
# global-buffer-overflow in ngx_cycle_modules on reload)
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fsanitize-address-use-odr-indicator"
# the daemon's, the worker's and the unit tests' Makefiles add their flags
# to CFLAGS from the environment.  Two clang warnings gcc does not give
# stay warnings here (still errors in the normal gcc build):
# conditional-uninitialized (a false positive in the HLS handler) and
# unused-but-set-variable (xtreamctl_main.c)
nowerr="-Wno-error=conditional-uninitialized -Wno-error=unused-but-set-variable"
export CFLAGS="-O1 -g $san $nowerr"
export XT_CC_OPT="$san -shared-libasan $nowerr"
export XT_LD_OPT="$san -shared-libasan -Wl,-rpath,$rt"

echo "asan: building into $build with $CC"
# objects of another compiler (another ASan runtime) must not be mixed in
if [ "$(cat "$build/.cc" 2>/dev/null)" != "$CC $san" ]; then
    rm -rf "$build"
    mkdir -p "$build"
    echo "$CC $san" > "$build/.cc"
fi
make -s -C xtreamd BUILD="$build" || exit 1
scripts/build-module.sh "$build" || exit 1

rm -rf "$logs"
mkdir -p "$logs"
chmod 1777 "$logs"      # nginx workers may run as another user
# leaks are checked in our own programs (daemon, worker, tests); nginx's
# master and workers are started with detect_leaks=0 by asan-nginx.sh
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0:strict_string_checks=1"
# UBSan reports and goes on, so one run lists them all
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$repo/scripts/asan-lsan.supp"
export XT_ASAN_LOGS=$logs
export XTW_SANITIZED=1      # the worker tests skip their valgrind jobs

# self-check, so that "zero reports" means something: a deliberate heap
# overflow and a signed overflow in instrumented programs must leave
# reports where we look, and nginx must load the instrumented module
# through asan-nginx.sh
canary=$build/asan-canary
printf '#include <stdlib.h>\nint main(void){volatile char *p=malloc(4);p[4]=1;return 0;}\n' \
    | $CC $san -x c -o "$canary" - || exit 1
"$canary" 2>/dev/null
if ! grep -qs 'ERROR: AddressSanitizer: heap-buffer-overflow' "$logs"/*; then
    echo "asan: self-check failed: the ASan canary's report is not in $logs" >&2; exit 1
fi
printf '#include <limits.h>\nint main(int c,char**v){(void)v;int x=INT_MAX-1+c;x+=c;return x==0;}\n' \
    | $CC $san -x c -o "$canary" - || exit 1
"$canary" 2>/dev/null
if ! grep -qs 'runtime error: signed integer overflow' "$logs"/*; then
    echo "asan: self-check failed: the UBSan canary's report is not in $logs" >&2; exit 1
fi
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
echo "asan: self-check ok (ASan and UBSan canaries caught; the instrumented module loads only with the ASan runtime preloaded)"

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
