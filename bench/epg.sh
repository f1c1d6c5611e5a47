#!/usr/bin/env bash
# EPG import (issue 8): a generated ~100 MB, 1 000-channel, 7-day XMLTV
# guide (scripts/gen-xmltv.pl), imported with `xtreamctl epg refresh --force` into a
# private MariaDB, plain and gzip.  Per round (3, interleaved): the
# reference passes over the same file first (`xmllint --stream --noout`,
# libxml2's own streaming reader with nothing stored; `gzip -dc | wc -c`),
# then the imports.  Reports medians: programmes/s, seconds, peak RSS
# (GNU time), and the import/xmllint time ratio.  Round 1 is a first
# import; rounds 2 and 3 replace the previous guide in the same transaction
# (DELETE of the source's rows + INSERTs), as every scheduled refresh does.
#   bench/epg.sh [CHANNELS] [DAYS]      (default 1000 7)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

channels=${1:-1000}
days=${2:-7}
rounds=3
bench_start
trap bench_stop EXIT

xtreamd_conf "$work/plain.conf" xtbench_epg_plain "$work/snap-plain"
xtreamd_conf "$work/gzip.conf" xtbench_epg_gzip "$work/snap-gzip"
echo "generating the guide: $channels channels, $days days, 30-minute slots"
read -r nprog nch bytes < <(perl "$repo/scripts/gen-xmltv.pl" --out "$work/guide.xml" \
    --channels "$channels" --days "$days" --slot 30 --desc 70)
gzip -1 -c "$work/guide.xml" > "$work/guide.xml.gz"
gzbytes=$(stat -c %s "$work/guide.xml.gz")
printf 'guide: %d programmes, %d channels, %.1f MB plain, %.1f MB gzip\n' \
    "$nprog" "$nch" "$(bc -l <<<"$bytes/1000000")" "$(bc -l <<<"$gzbytes/1000000")"
"$build/xtreamctl" -c "$work/plain.conf" epg add bench "$work/guide.xml" >/dev/null
"$build/xtreamctl" -c "$work/gzip.conf" epg add bench "$work/guide.xml.gz" >/dev/null

# timed CMD... -> "seconds maxrss_kb" on fd 3's file
timed() {
    /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >"$work/cmd.out" 2>&1 || {
        echo "failed: $*" >&2; cat "$work/cmd.out" >&2; return 1; }
    cat "$work/time.out"
}

: >"$work/r.delete"; : >"$work/r.xmllint"; : >"$work/r.gunzip"; : >"$work/r.plain"; : >"$work/r.gzip"
for r in $(seq 1 $rounds); do
    timed xmllint --stream --noout "$work/guide.xml" >>"$work/r.xmllint"
    timed sh -c "gzip -dc '$work/guide.xml.gz' | wc -c" >>"$work/r.gunzip"
    timed "$build/xtreamctl" -c "$work/plain.conf" epg refresh bench --force >>"$work/r.plain"
    grep -q ": ok, $nprog programmes" "$work/cmd.out" || { cat "$work/cmd.out"; exit 1; }
    sed -n 's/.* previous programmes deleted in \([0-9.]*\) s.*/\1/p' "$work/cmd.out" >>"$work/r.delete"
    timed "$build/xtreamctl" -c "$work/gzip.conf" epg refresh bench --force >>"$work/r.gzip"
    grep -q ": ok, $nprog programmes" "$work/cmd.out" || { cat "$work/cmd.out"; exit 1; }
    echo "round $r: xmllint $(cut -d' ' -f1 <(tail -1 "$work/r.xmllint")) s," \
         "import plain $(cut -d' ' -f1 <(tail -1 "$work/r.plain")) s," \
         "gzip $(cut -d' ' -f1 <(tail -1 "$work/r.gzip")) s"
done

med() { cut -d' ' -f"$2" "$work/r.$1" | median; }
x=$(med xmllint 1); g=$(med gunzip 1); p=$(med plain 1); z=$(med gzip 1)
printf '%-28s %8s %12s %10s\n' "median of $rounds" seconds programmes/s "peak RSS"
printf '%-28s %8.2f %12s %8.1f MB\n' "xmllint --stream (ref)" "$x" - "$(bc -l <<<"$(med xmllint 2)/1024")"
printf '%-28s %8.2f %12s %8.1f MB\n' "gzip -dc | wc -c (ref)" "$g" - "$(bc -l <<<"$(med gunzip 2)/1024")"
printf '%-28s %8.2f %12.0f %8.1f MB\n' "import plain" "$p" "$(bc -l <<<"$nprog/$p")" "$(bc -l <<<"$(med plain 2)/1024")"
printf '%-28s %8.2f %12.0f %8.1f MB\n' "import gzip" "$z" "$(bc -l <<<"$nprog/$z")" "$(bc -l <<<"$(med gzip 2)/1024")"
printf 'replacing the previous guide: DELETE of its rows inside the transaction, median %.2f s (rounds 2-3)\n' \
    "$(tail -n +2 "$work/r.delete" | median)"
printf 'ratio import plain / xmllint --stream: %.1f x; peak RSS / file size: %.3f\n' \
    "$(bc -l <<<"$p/$x")" "$(bc -l <<<"$(med plain 2)*1024/$bytes")"
