#!/bin/sh
# HEVC rung bench: the worker's 2-rung libx265 ladder (veryfast) vs the ffmpeg
# CLI doing the same ladder with the same preset and x265 settings, on one
# ffmpeg-made 720p30 input, interleaved runs, medians and the speed ratio.
# usage: bench/worker/hevc.sh [BUILD_DIR] [RUNS] [SECONDS]
set -eu
BUILD=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
RUNS=${2:-5}
SECS=${3:-20}
W=$BUILD/xtream-worker
D=$BUILD/bench-worker-hevc
[ -x "$W" ] || { echo "build the worker first: make -C xtreamd/worker BUILD=$BUILD" >&2; exit 1; }
rm -rf "$D"; mkdir -p "$D"; cd "$D"

ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=1000:sample_rate=48000:beep_factor=4 -t "$SECS" \
  -map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 3000k -g 60 \
  -c:a aac -b:a 128k -ac 2 src.mp4

HLSF="-f hls -hls_time 4 -hls_list_size 6 -hls_flags delete_segments+independent_segments+program_date_time+temp_file"
# what xtreamd/worker/venc.c sets for an hevc rung
X265="-c:v libx265 -preset veryfast -profile:v main -pix_fmt yuv420p -g 120 -keyint_min 120 -forced-idr 1
  -x265-params scenecut=0:open-gop=0:repeat-headers=1:log-level=error"
LADDER='[{"name":"480p","height":480,"video_kbps":1000,"audio_kbps":128,"video_codec":"hevc"},{"name":"360p","height":360,"video_kbps":600,"audio_kbps":128,"video_codec":"hevc"}]'

measure() {
  name=$1; shift
  rm -rf out; mkdir -p out/0 out/1
  /usr/bin/time -f "%U %S %e %M" -o t.txt "$@" >/dev/null 2>err.txt || { cat err.txt >&2; exit 1; }
  awk '{printf "%.3f %.3f %d\n", $1+$2, $3, $4}' t.txt >> "$name.txt"
}

for i in $(seq "$RUNS"); do
  measure hevc_worker "$W" --stream-id 1 --output out --mode abr --read-native-rate off --preset veryfast --ladder "$LADDER" --input src.mp4
  measure hevc_cli ffmpeg -v error -y -i src.mp4 \
    -filter_complex "[0:v]split=2[a][b];[a]scale=-2:480[a2];[b]scale=-2:360[b2]" \
    -map "[a2]" -map "[b2]" -map 0:a -map 0:a $X265 \
    -b:v:0 1000k -maxrate:v:0 1100k -bufsize:v:0 2000k -b:v:1 600k -maxrate:v:1 660k -bufsize:v:1 1200k \
    -c:a aac -b:a 128k -ac 2 $HLSF -master_pl_name master.m3u8 \
    -var_stream_map "v:0,a:0 v:1,a:1" -hls_segment_filename 'out/%v/%d.ts' 'out/%v/index.m3u8'
done

med() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
col() { awk -v c="$2" '{print $c}' "$1.txt" | med; }
printf "%-12s %9s %9s %9s  (medians of %s interleaved runs, %ss 720p30 input, 2 HEVC rungs)\n" job cpu_s wall_s rss_mb "$RUNS" "$SECS"
for n in hevc_worker hevc_cli; do
  printf "%-12s %9s %9s %9.1f\n" $n "$(col $n 1)" "$(col $n 2)" "$(echo "$(col $n 3)" | awk '{print $1/1024}')"
done
awk -v a="$(col hevc_worker 2)" -v b="$(col hevc_cli 2)" -v s="$SECS" \
  'BEGIN {printf "HEVC speed: worker %.2fx realtime, cli %.2fx realtime, ratio worker/cli %.2f\n", s/a, s/b, b/a}'
awk -v a="$(col hevc_worker 1)" -v b="$(col hevc_cli 1)" 'BEGIN {printf "HEVC CPU ratio worker/cli: %.2f\n", a/b}'
