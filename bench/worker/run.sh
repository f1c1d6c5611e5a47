#!/bin/sh
# Worker bench: remux CPU vs `ffmpeg -c copy -f hls`, ABR speed vs the CLI with
# the same encoder settings, on one ffmpeg-made input, interleaved runs,
# medians and ratios, peak RSS per process.
# usage: bench/worker/run.sh [BUILD_DIR] [RUNS] [SECONDS]
set -eu
BUILD=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
RUNS=${2:-5}
SECS=${3:-20}
W=$BUILD/xtream-worker
D=$BUILD/bench-worker
[ -x "$W" ] || { echo "build the worker first: make -C xtreamd/worker BUILD=$BUILD" >&2; exit 1; }
rm -rf "$D"; mkdir -p "$D"; cd "$D"

ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=1000:sample_rate=48000:beep_factor=4 -t "$SECS" \
  -map 0:v -map 1:a -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p \
  -b:v 3000k -maxrate 3000k -bufsize 6000k -g 60 -keyint_min 60 -sc_threshold 0 \
  -c:a aac -b:a 128k -ac 2 src.mp4

HLSF="-f hls -hls_time 4 -hls_list_size 6 -hls_flags delete_segments+independent_segments+program_date_time+temp_file"
X264="-c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -g 120 -keyint_min 120 -sc_threshold 0"
LADDER='[{"name":"480p","height":480,"video_kbps":1400,"audio_kbps":128},{"name":"360p","height":360,"video_kbps":800,"audio_kbps":128}]'

# measure NAME CMD...: appends "cpu_s wall_s rss_kb" to NAME.txt
measure() {
  name=$1; shift
  rm -rf out; mkdir -p out/0 out/1
  /usr/bin/time -f "%U %S %e %M" -o t.txt "$@" >/dev/null 2>err.txt || { cat err.txt >&2; exit 1; }
  awk '{printf "%.3f %.3f %d\n", $1+$2, $3, $4}' t.txt >> "$name.txt"
}

for i in $(seq "$RUNS"); do
  measure remux_worker "$W" --stream-id 1 --output out --mode copy --read-native-rate off --input src.mp4
  measure remux_cli ffmpeg -v error -y -i src.mp4 -map 0 -c copy $HLSF -hls_segment_filename 'out/0/%d.ts' out/0/index.m3u8
  measure abr_worker "$W" --stream-id 1 --output out --mode abr --read-native-rate off --preset veryfast --ladder "$LADDER" --input src.mp4
  measure abr_cli ffmpeg -v error -y -i src.mp4 \
    -filter_complex "[0:v]split=2[a][b];[a]scale=-2:480[a2];[b]scale=-2:360[b2]" \
    -map "[a2]" -map "[b2]" -map 0:a -map 0:a $X264 \
    -b:v:0 1400k -maxrate:v:0 1540k -bufsize:v:0 2800k -b:v:1 800k -maxrate:v:1 880k -bufsize:v:1 1600k \
    -c:a aac -b:a 128k -ac 2 $HLSF -master_pl_name master.m3u8 \
    -var_stream_map "v:0,a:0 v:1,a:1" -hls_segment_filename 'out/%v/%d.ts' 'out/%v/index.m3u8'
done

med() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
col() { awk -v c="$2" '{print $c}' "$1.txt" | med; }
printf "%-13s %9s %9s %9s  (medians of %s interleaved runs, %ss 720p30 input)\n" job cpu_s wall_s rss_mb "$RUNS" "$SECS"
for n in remux_worker remux_cli abr_worker abr_cli; do
  printf "%-13s %9s %9s %9.1f\n" $n "$(col $n 1)" "$(col $n 2)" "$(echo "$(col $n 3)" | awk '{print $1/1024}')"
done
awk -v a="$(col remux_worker 1)" -v b="$(col remux_cli 1)" 'BEGIN {printf "remux CPU ratio worker/cli: %.2f\n", a/b}'
awk -v a="$(col abr_worker 2)" -v b="$(col abr_cli 2)" -v s="$SECS" \
  'BEGIN {printf "ABR speed: worker %.2fx realtime, cli %.2fx realtime, ratio worker/cli %.2f\n", s/a, s/b, b/a}'
awk -v a="$(col abr_worker 1)" -v b="$(col abr_cli 1)" 'BEGIN {printf "ABR CPU ratio worker/cli: %.2f\n", a/b}'
