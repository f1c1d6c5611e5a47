#!/bin/sh
# Runs the worker's tests (real ffmpeg-made media, real nginx-rtmp).
# Needs XTW_BIN (the worker) and XTW_TMP (scratch directory).
set -e
: "${XTW_BIN:?XTW_BIN not set}" "${XTW_TMP:?XTW_TMP not set}"
exec python3 "$(dirname "$0")/worker_test.py" "$XTW_BIN" "$XTW_TMP"
