#!/bin/sh
# Debian's /usr/sbin/nginx with clang's ASan runtime (which carries UBSan)
# preloaded, so that an ASan-built ngx_xtream_module.so (scripts/asan.sh,
# -shared-libasan) can be loaded into it:
# the runtime must come before every other library, and nginx itself is
# not linked against it.  Used as TEST_NGINX_BINARY.
#
# Leak checking is off in nginx (detect_leaks=0): nginx frees its pools by
# exiting, the cycle's memory is never released on purpose, and the LSan
# reports would be nginx's, not the module's.  Use-after-free, overflows
# and UBSan reports in the module are all still caught.
lib=$(${XT_ASAN_CC:-clang-14} -print-file-name=libclang_rt.asan-x86_64.so)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
LD_PRELOAD="$lib${LD_PRELOAD:+ $LD_PRELOAD}" exec /usr/sbin/nginx "$@"
