#!/usr/bin/env bash
# `make panel`: install the web panel's npm packages from the committed
# lockfile (npm ci; skipped when node_modules already matches it) and copy
# hls.js into the served directory web/admin/vendor/.  Nothing is fetched
# at run time: nginx serves web/admin/ as it is.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
web=$repo/web
command -v npm >/dev/null || { echo "build-panel: npm is missing (this machine's Node.js ships it; on plain Debian: apt-get install npm)" >&2; exit 1; }

stamp=$web/node_modules/.xt-lock.sha256
sum=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    echo "build-panel: npm ci (web/package-lock.json)"
    # --ignore-scripts: no package needs an install script here, and
    # playwright-core must not try to download a browser (we use Debian's)
    (cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$sum" > "$stamp"
fi

src=$web/node_modules/hls.js/dist/hls.min.js
[ -s "$src" ] || { echo "build-panel: $src missing after npm ci" >&2; exit 1; }
mkdir -p "$web/admin/vendor"
if ! cmp -s "$src" "$web/admin/vendor/hls.min.js"; then
    cp "$src" "$web/admin/vendor/hls.min.js.tmp"
    mv -f "$web/admin/vendor/hls.min.js.tmp" "$web/admin/vendor/hls.min.js"
    echo "build-panel: web/admin/vendor/hls.min.js from hls.js $(cd "$web" && node -p 'require("hls.js/package.json").version')"
fi
