#!/usr/bin/env bash
# Runs every benchmark; each prints medians and ratios against its own
# reference measured in the same run (nginx serving the same bytes
# statically, the ffmpeg CLI doing the same job).
#   login.sh      issue 2: snapshot build, login vs static
#   api.sh        issue 3: get_live_streams, get.php vs static; slow-client RSS
#   delivery.sh   issue 4: token-checked segments, continuous TS, 1000 viewers
#   delivery-callgrind.sh  instructions per segment request vs static
#   worker/run.sh issue 5: remux and ABR worker vs the ffmpeg CLI
#   worker/hevc.sh issue 16: HEVC ladder worker vs the ffmpeg CLI
#   admin.sh      issue 10: admin API latency under player load, player
#                 throughput with/without admin traffic
#   cluster.sh    issue 11: redirects vs logins, primary-to-player time
#   epg.sh        issue 8: XMLTV import rate and peak RSS vs xmllint --stream
#   guide.sh      issue 17: xmltv.php 1000 channels x 14 days vs static, RSS
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
for b in login.sh api.sh guide.sh delivery.sh delivery-callgrind.sh admin.sh; do
    echo "== bench/$b"
    "$dir/$b"
done
echo "== bench/epg.sh"
"$dir/epg.sh"
echo "== bench/worker/run.sh"
"$dir/worker/run.sh" "$dir/../build"
echo "== bench/worker/hevc.sh"
"$dir/worker/hevc.sh" "$dir/../build" 3 10
echo "== bench/cluster.sh"
"$dir/cluster.sh"
