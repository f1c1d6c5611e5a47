#!/usr/bin/env bash
# Runs every benchmark; each prints medians and ratios against its own
# reference measured in the same run.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
for b in "$dir"/login.sh "$dir"/*/run.sh; do
    [ -x "$b" ] || continue
    echo "== $b"
    "$b"
done
