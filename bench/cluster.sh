#!/usr/bin/env bash
# Many servers (issue 11): see bench/cluster.pl for what is measured.
# ROUNDS (5), SECS (3), CONNS (16), CHANGES (7) tune it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export XT_BUILD=${XT_BUILD:-$repo/build}
exec nice perl "$repo/bench/cluster.pl"
