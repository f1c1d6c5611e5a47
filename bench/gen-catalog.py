#!/usr/bin/env python3
"""Print an `xtreamctl import` document (docs/CONTRACTS.md) of the given
size, for benchmarks: gen-catalog.py --lines N --channels M --bouquets K.
Deterministic (fixed seed) so runs compare."""
import argparse
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--channels", type=int, default=100)
    ap.add_argument("--bouquets", type=int, default=5)
    ap.add_argument("--categories", type=int, default=20)
    ap.add_argument("--source", default="file:///var/lib/xtream/loop.ts")
    a = ap.parse_args()
    if min(a.lines, a.channels) < 0 or a.bouquets < 1 or a.categories < 1:
        ap.error("counts must be >= 0 (bouquets, categories >= 1)")
    rnd = random.Random(42)
    now = 1700000000
    cats = [{"id": i, "type": "live", "name": "Category %d" % i,
             "parent_id": 0, "sort_order": i}
            for i in range(1, a.categories + 1)]
    streams = []
    for i in range(1, a.channels + 1):
        archive = i % 10 == 0
        streams.append({
            "id": i, "name": "Channel %d" % i,
            "category_id": 1 + i % a.categories,
            "icon": "http://img.example/%d.png" % i,
            "epg_channel_id": "ch%d.example" % i if i % 3 else "",
            "is_adult": i % 50 == 0, "tv_archive": archive,
            "tv_archive_duration": 3 if archive else 0,
            "sort_order": i, "added": now + i, "sources": [a.source]})
    # bouquet b holds every channel whose id % K == b - 1, plus the first 10
    bouquets = []
    for b in range(1, a.bouquets + 1):
        live = [s["id"] for s in streams
                if s["id"] % a.bouquets == b - 1 or s["id"] <= 10]
        bouquets.append({"id": b, "name": "Bouquet %d" % b,
                         "sort_order": b, "live": live})
    lines = []
    for i in range(1, a.lines + 1):
        nb = rnd.randint(1, min(3, a.bouquets))
        lines.append({
            "username": "user%d" % i, "password": "pass%d" % i,
            "status": "active" if i % 100 else "disabled",
            "exp_date": None if i % 2 else now + 86400 * 365,
            "max_connections": 1 + i % 3, "is_trial": i % 20 == 0,
            "allowed_outputs": ["ts", "m3u8"],
            "bouquets": rnd.sample(range(1, a.bouquets + 1), nb),
            "created_at": now})
    doc = {"settings": {"server_name": "xtream-bench",
                        "timezone": "Europe/London"},
           "categories": cats, "streams": streams, "bouquets": bouquets,
           "lines": lines}
    json.dump(doc, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
