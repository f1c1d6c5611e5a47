#!/usr/bin/env bash
# Build ngx_xtream_module.so against Debian's nginx-dev tree with Debian's own
# configure flags, so the .so is binary compatible with the packaged nginx
# (and loads beside Debian's ngx_rtmp_module).  configure runs only when the
# addon `config` changed; afterwards only `make modules` runs.
# XT_CC_OPT / XT_LD_OPT add compiler / linker flags (scripts/asan.sh: the
# sanitizer build, into its own build directory).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
obj=$build/nginx
src=/usr/share/nginx/src
[ -f "$src/conf_flags" ] || { echo "nginx-dev is missing: run 'make deps'" >&2; exit 1; }
mkdir -p "$obj"
# configure again when `config` or the set of module sources changed
sources=$(cd "$repo" && ls config ngx_xtream_module/*.c ngx_xtream_module/*.h ngx_xtream_module/core/*.c ngx_xtream_module/core/*.h 2>/dev/null | md5sum)
if [ -n "${XT_CC_OPT:-}${XT_LD_OPT:-}" ]; then sources="$sources ${XT_CC_OPT:-} ${XT_LD_OPT:-}"; fi
if [ ! -f "$obj/Makefile" ] || [ "$repo/config" -nt "$obj/Makefile" ] \
   || [ "$(cat "$obj/.sources" 2>/dev/null)" != "$sources" ]; then
    # shellcheck disable=SC1091
    . "$src/conf_flags"
    (cd "$src" && ./configure \
        --with-cc-opt="$(dpkg-buildflags --get CFLAGS) -fPIC $(dpkg-buildflags --get CPPFLAGS) -I$repo/common ${XT_CC_OPT:-}" \
        --with-ld-opt="$(dpkg-buildflags --get LDFLAGS) -fPIC ${XT_LD_OPT:-}" \
        "${NGX_CONF_FLAGS[@]}" \
        --add-dynamic-module="$repo" --builddir="$obj") > "$obj/configure.log" 2>&1 \
        || { tail -30 "$obj/configure.log" >&2; exit 1; }
    echo "$sources" > "$obj/.sources"
fi
make -s -f "$obj/Makefile" -C "$src" modules
cp -f "$obj/ngx_xtream_module.so" "$build/ngx_xtream_module.so.tmp"
mv -f "$build/ngx_xtream_module.so.tmp" "$build/ngx_xtream_module.so"
