#!/usr/bin/env python3
"""Print an `xtreamctl import` document (docs/CONTRACTS.md) of the given
size, for benchmarks:
  gen-catalog.py --lines N --channels M --bouquets K
                 [--movies N] [--series N --episodes-per-series E]
                 [--epg-days D [--epg-start UNIX]]
Movies and series get categories of their own, full metadata and relative
paths; every bouquet also carries a share of them.  --epg-days fills hourly
programmes for every channel with an epg_channel_id, from --epg-start
(default: today 00:00 UTC minus one day).
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
    ap.add_argument("--movies", type=int, default=0)
    ap.add_argument("--series", type=int, default=0)
    ap.add_argument("--episodes-per-series", type=int, default=10)
    ap.add_argument("--epg-days", type=int, default=0)
    ap.add_argument("--epg-start", type=int, default=None)
    ap.add_argument("--source", default="file:///var/lib/xtream/loop.ts")
    a = ap.parse_args()
    if min(a.lines, a.channels, a.movies, a.series, a.epg_days,
           a.episodes_per_series) < 0 or a.bouquets < 1 or a.categories < 1:
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
            "epg_channel_id": "ch%d.example" % i if i % 3 or a.epg_days else "",
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
    ncat = a.categories
    movies, series = [], []
    mcats = [{"id": ncat + i, "type": "movie", "name": "Movies %d" % i,
              "parent_id": 0, "sort_order": i} for i in range(1, 11)]
    scats = [{"id": ncat + 10 + i, "type": "series", "name": "Series %d" % i,
              "parent_id": 0, "sort_order": i} for i in range(1, 11)]
    if a.movies or a.series:
        cats += mcats + scats
    for i in range(1, a.movies + 1):
        movies.append({
            "id": i, "name": "Movie %d" % i, "category_id": ncat + 1 + i % 10,
            "icon": "http://img.example/m%d.jpg" % i,
            "container_extension": "mkv" if i % 4 == 0 else "mp4",
            "path": "vod/%d/movie%d.%s" % (i % 100, i, "mkv" if i % 4 == 0 else "mp4"),
            "rating": "%d.%d" % (rnd.randint(1, 9), rnd.randint(0, 9)),
            "plot": "The plot of movie %d, told in a couple of sentences "
                    "so the JSON has a realistic size." % i,
            "cast": "Actor %d, Actress %d" % (i, i + 1), "director": "Director %d" % (i % 500),
            "genre": "Drama / Thriller", "release_date": "20%02d-0%d-1%d" % (i % 24, 1 + i % 9, i % 10),
            "duration_secs": 5400 + i % 1800, "tmdb_id": 100000 + i,
            "youtube_trailer": "yt%08d" % i,
            "backdrop": ["http://img.example/m%d-bg.jpg" % i], "added": now + i})
    eid = 1
    for i in range(1, a.series + 1):
        eps = []
        for k in range(a.episodes_per_series):
            season = 1 + k // 5
            eps.append({"id": eid, "season_number": season, "episode_num": 1 + k % 5,
                        "title": "Episode %d" % (k + 1), "container_extension": "mp4",
                        "path": "series/%d/s%02de%02d.mp4" % (i, season, 1 + k % 5),
                        "plot": "Episode %d of series %d." % (k + 1, i),
                        "release_date": "2020-01-01", "rating": "7",
                        "duration_secs": 2520, "added": now + eid})
            eid += 1
        series.append({
            "id": i, "name": "Series %d" % i, "category_id": ncat + 11 + i % 10,
            "cover": "http://img.example/s%d.jpg" % i,
            "plot": "The plot of series %d." % i, "cast": "Cast %d" % i,
            "director": "Director %d" % i, "genre": "Drama", "release_date": "2019-01-01",
            "rating": "8", "backdrop": ["http://img.example/s%d-bg.jpg" % i],
            "episode_run_time": 42, "last_modified": now + i,
            "seasons": [{"season_number": 1, "name": "Season 1"}],
            "episodes": eps})
    for b in bouquets:
        bi = b["id"]
        b["movies"] = [m["id"] for m in movies if m["id"] % a.bouquets == bi - 1 or m["id"] <= 10]
        b["series"] = [x["id"] for x in series if x["id"] % a.bouquets == bi - 1 or x["id"] <= 10]
    doc = {"settings": {"server_name": "xtream-bench",
                        "timezone": "Europe/London"},
           "categories": cats, "streams": streams, "bouquets": bouquets,
           "lines": lines}
    if movies:
        doc["movies"] = movies
    if series:
        doc["series"] = series
    if a.epg_days:
        start = a.epg_start
        if start is None:
            import time
            start = int(time.time()) // 86400 * 86400 - 86400
        chans, progs = [], []
        for st in streams:
            if not st["epg_channel_id"]:
                continue
            chans.append({"id": st["epg_channel_id"], "display_name": st["name"], "icon": ""})
            for h in range(a.epg_days * 24):
                t = start + h * 3600
                progs.append({"channel": st["epg_channel_id"], "start": t, "stop": t + 3600,
                              "title": "Programme %d" % (h % 24),
                              "description": "What happens at hour %d on %s." % (h % 24, st["name"]),
                              "lang": "en"})
        doc["epg"] = {"channels": chans, "programmes": progs}
    json.dump(doc, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
