#!/usr/bin/env bash
# Soak: SOAK_SECONDS (default 600) of mixed traffic against a real nginx +
# module, xtreamd with running workers and a private MariaDB: player API,
# playlists, HLS viewers, TS viewers joining and leaving, admin changes
# through xtreamctl every few seconds.  Samples the RSS of the nginx
# workers, xtreamd and its stream workers and reports each one's slope
# (KiB/min, least squares), the error-log alerts, and the connection
# counts at the end (from the xtream_metrics endpoint: back to 0).
# Not part of `make test`.  Runs under nice; on a shared machine the
# figures are for leaks (slopes), not speed.
#   SOAK_SECONDS=120 bench/soak.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ -x build/xtreamd ] && [ -f build/ngx_xtream_module.so ] || { echo "run 'make build' first" >&2; exit 1; }
export XT_BUILD=$repo/build PERL5LIB=$repo/t/lib${PERL5LIB:+:$PERL5LIB}
exec nice -n 10 perl bench/soak.pl "$@"
