#!/usr/bin/env bash
# `make deb`: Debian packages into dist/ (libnginx-mod-http-xtream and
# xtreamd) with debhelper, from a copy of the tree under build/deb/ so the
# worktree stays clean.  The version grows with each commit
# (0.1.0+gYYYYMMDDHHMMSS.HASH), so a newer commit's packages upgrade an
# older one's.  lintian must pass (overrides in debian/*.lintian-overrides).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
dist=$repo/dist
cd "$repo"
[ -s web/admin/vendor/hls.min.js ] || { echo "build-deb: run 'make panel' first" >&2; exit 1; }
for t in dpkg-buildpackage dh lintian; do
    command -v "$t" >/dev/null || { echo "build-deb: $t is missing: run 'make deps'" >&2; exit 1; }
done

base=$(dpkg-parsechangelog -l debian/changelog -S Version)
# +gYYYYMMDDHHMMSS.HASH (commit time, UTC); uncommitted changes: the build
# time and a trailing .d, so they sort after the commit they start from
if git rev-parse --verify -q HEAD >/dev/null; then
    hash=$(git rev-parse --short=7 HEAD)
    if git diff --quiet HEAD -- . 2>/dev/null; then
        ver="$base+g$(TZ=UTC git log -1 --date=format-local:%Y%m%d%H%M%S --format=%cd).$hash"
    else
        ver="$base+g$(date -u +%Y%m%d%H%M%S).$hash.d"
    fi
else
    ver="$base+g$(date -u +%Y%m%d%H%M%S)"
fi

stage=$build/deb
src=$stage/xtream-$ver
rm -rf "$stage"
mkdir -p "$src" "$dist"
# the tracked and new (not ignored) files, plus the panel's vendored hls.js
{ git ls-files -co --exclude-standard -z 2>/dev/null || find . -path ./build -prune -o -type f -print0; } \
    | grep -zv -e '^dist/' -e '^build' -e '^var/' \
    | tar --null -T - -cf - | tar -C "$src" -xf -
mkdir -p "$src/web/admin/vendor"
cp web/admin/vendor/hls.min.js "$src/web/admin/vendor/"

# this build's changelog entry
{
    printf 'xtream (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- %s  %s\n\n' \
        "$ver" "$(git describe --always --dirty 2>/dev/null || echo 'a source tree')" \
        "$(dpkg-parsechangelog -l debian/changelog -S Maintainer)" "$(date -R)"
    cat debian/changelog
} > "$src/debian/changelog"

echo "build-deb: dpkg-buildpackage $ver (log: $stage/build.log)"
(cd "$src" && dpkg-buildpackage -b -us -uc) > "$stage/build.log" 2>&1 \
    || { tail -40 "$stage/build.log" >&2; exit 1; }
rm -f "$dist"/*.deb "$dist"/*.changes "$dist"/*.buildinfo
mv "$stage"/*.deb "$stage"/*.changes "$stage"/*.buildinfo "$dist"/
ls -1 "$dist"

echo "build-deb: lintian"
lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$dist"/xtream_"$ver"_*.changes
