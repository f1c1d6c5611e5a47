#!/bin/sh
# Pacing bench: worker CPU for a file source read at native rate (auto) vs
# `ffmpeg -re -i FILE -c copy -f hls` on the same file, interleaved runs,
# medians, ratio worker/CLI.
# usage: bench/worker/pace.sh [BUILD_DIR] [RUNS] [SECONDS]
set -eu
BUILD=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
RUNS=${2:-5}
SECS=${3:-30}
W=$BUILD/xtream-worker
D=$BUILD/bench-pace
[ -x "$W" ] || { echo "build the worker first: make -C xtreamd/worker BUILD=$BUILD" >&2; exit 1; }
rm -rf "$D"; mkdir -p "$D"; cd "$D"

ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=1000:sample_rate=48000 -t "$SECS" \
  -map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 3000k \
  -g 60 -keyint_min 60 -sc_threshold 0 -c:a aac -b:a 128k src.ts

# measure NAME CMD...: appends "cpu_s wall_s" to NAME.txt
measure() {
  name=$1; shift
  rm -rf out; mkdir -p out/0
  /usr/bin/time -f "%U %S %e" -o t.txt "$@" >/dev/null 2>err.txt || { cat err.txt >&2; exit 1; }
  awk '{printf "%.3f %.3f\n", $1+$2, $3}' t.txt >> "$name.txt"
}

for i in $(seq "$RUNS"); do
  measure worker "$W" --stream-id 1 --output out --mode copy --segment-seconds 4 --input src.ts
  measure cli ffmpeg -v error -y -re -i src.ts -map 0 -c copy -f hls -hls_time 4 -hls_list_size 6 \
    -hls_flags delete_segments+program_date_time+temp_file -hls_segment_filename 'out/0/%d.ts' out/0/index.m3u8
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
wc=$(cut -d' ' -f1 worker.txt | median); ww=$(cut -d' ' -f2 worker.txt | median)
cc=$(cut -d' ' -f1 cli.txt | median);    cw=$(cut -d' ' -f2 cli.txt | median)
echo "file source, ${SECS} s of 720p30 H.264 + AAC, copy to HLS at native rate, medians of $RUNS interleaved runs"
echo "worker (auto pacing): cpu ${wc} s, wall ${ww} s"
echo "ffmpeg -re -c copy:   cpu ${cc} s, wall ${cw} s"
awk -v a="$wc" -v b="$cc" 'BEGIN {printf "CPU ratio worker/CLI: %.2f\n", (b > 0) ? a / b : 0}'
