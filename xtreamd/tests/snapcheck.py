#!/usr/bin/env python3
"""Validate snapshot files against common/xt_snap_format.h and check the
catalog's pre-rendered fragments (the JSON types docs/API-CHOICES.md gives):
    snapcheck.py SNAPDIR [--dump]"""
import json, struct, sys, zlib

HDR = struct.Struct("<8sIIQqQII")
SEC = struct.Struct("<IIQQ")
MAXSEC = 24
STR = "II"
LAYOUT = {  # section id: (record format, field names)
    20: ("<" + STR * 2, "key value"),
    21: ("<IIII" + STR * 2, "id type parent_id reserved name json"),
    22: ("<IIIIIIII", "id nlive live nmovies movies nseries series reserved"),
    23: ("<IIII" + STR * 6, "id category_id flags archive_days name icon epg_channel_id category_name json key_hash"),
    24: ("<IIII" + STR * 8, "id category_id duration_secs reserved name icon ext path category_name json info_json m3u"),
    25: ("<IIII" + STR * 5, "id category_id nepisodes reserved name cover category_name json info_json"),
    26: ("<IIII" + STR * 4, "id series_id season episode_num title ext path m3u"),
    27: ("<IIIIII" + STR * 2, "id is_main http_port https_port rtmp_port load_clients name host"),
    28: ("<" + STR, "line"),
    40: ("<" + STR * 3 + "II", "id display_name icon first count"),
    41: ("<qqQII" + STR * 3, "start stop id channel reserved title description lang"),
}
STRFIELDS = {"key", "value", "name", "json", "icon", "epg_channel_id", "category_name",
             "key_hash", "ext", "path", "info_json", "m3u", "cover", "title", "host",
             "line", "display_name", "description", "lang"}


def load(path, kind):
    b = open(path, "rb").read()
    magic, ver, k, gen, created, size, crc, nsec = HDR.unpack_from(b, 0)
    assert magic == b"XTSNAP\r\n" and ver == 1 and k == kind, path
    assert size == len(b), "file_size"
    hsize = HDR.size + MAXSEC * SEC.size
    assert zlib.crc32(b[hsize:]) & 0xffffffff == crc, "checksum"
    secs = {}
    for i in range(nsec):
        sid, count, off, sz = SEC.unpack_from(b, HDR.size + i * SEC.size)
        assert off % 8 == 0 and off + sz <= size and off >= hsize, ("section", sid)
        secs[sid] = (count, off, sz)
    strings = b[secs[1][1]:secs[1][1] + secs[1][2]] if 1 in secs else b""
    out = {}
    for sid, (count, off, sz) in secs.items():
        if sid not in LAYOUT:
            continue
        fmt, names = LAYOUT[sid]
        st = struct.Struct(fmt)
        assert st.size * count == sz, ("size", sid, st.size, count, sz)
        names = names.split()
        recs = []
        for i in range(count):
            vals = list(st.unpack_from(b, off + i * st.size))
            rec, j = {}, 0
            for n in names:
                if n in STRFIELDS or (sid == 40 and n == "id"):
                    so, sl = vals[j], vals[j + 1]
                    assert so + sl <= len(strings), ("string", sid, n)
                    rec[n] = strings[so:so + sl]
                    j += 2
                else:
                    rec[n] = vals[j]
                    j += 1
            recs.append(rec)
        out[sid] = recs
    u32 = b[secs[2][1]:secs[2][1] + secs[2][2]] if 2 in secs else b""
    return out, u32, gen


def T(v):
    return {str: "s", int: "n", float: "f", list: "a", dict: "o", type(None): "null", bool: "b"}[type(v)]


def check_types(obj, spec, what):
    assert list(obj.keys()) == [k for k, _ in spec], (what, list(obj.keys()))
    for k, t in spec:
        got = T(obj[k])
        ok = got in t.split("|") or (t == "num" and got in "nf")
        assert ok, (what, k, got, t)


VOD = [("name", "s"), ("stream_type", "s"), ("stream_id", "n"), ("stream_icon", "s"),
       ("rating", "s"), ("rating_5based", "num"), ("added", "s"), ("is_adult", "n"),
       ("category_id", "s|null"), ("category_ids", "a"), ("container_extension", "s"),
       ("custom_sid", "s"), ("direct_source", "s"), ("title", "s"), ("year", "s"),
       ("plot", "s"), ("cast", "s"), ("director", "s"), ("genre", "s"),
       ("release_date", "s"), ("youtube_trailer", "s"), ("episode_run_time", "s"), ("tmdb", "s")]
SERIES_INFO = [("name", "s"), ("cover", "s"), ("plot", "s"), ("cast", "s"), ("director", "s"),
               ("genre", "s"), ("releaseDate", "s"), ("release_date", "s"), ("last_modified", "s"),
               ("rating", "s"), ("rating_5based", "num"), ("backdrop_path", "a"),
               ("youtube_trailer", "s"), ("episode_run_time", "s"), ("category_id", "s|null"),
               ("category_ids", "a")]
SERIES = SERIES_INFO[:1] + [("stream_type", "s"), ("series_id", "n")] + SERIES_INFO[1:]
SEASON = [("air_date", "s"), ("episode_count", "n"), ("id", "n"), ("name", "s"), ("overview", "s"),
          ("season_number", "n"), ("cover", "s"), ("cover_big", "s")]
EPISODE = [("id", "s"), ("episode_num", "n"), ("title", "s"), ("container_extension", "s"),
           ("info", "o"), ("custom_sid", "s"), ("added", "s"), ("season", "n"), ("direct_source", "s")]
EP_INFO = [("movie_image", "s"), ("plot", "s"), ("releasedate", "s"), ("rating", "s"),
           ("duration_secs", "n"), ("duration", "s")]


def main():
    d = sys.argv[1]
    dump = "--dump" in sys.argv
    cat, u32, gen = load(d + "/catalog.snap", 2)
    n = {k: len(v) for k, v in cat.items()}
    for sid in (23, 24, 25, 26, 27):
        ids = [r["id"] for r in cat.get(sid, [])]
        assert ids == sorted(set(ids)), ("sorted", sid)
    assert n.get(28, 0) == n.get(23, 0), "LIVE_M3U count"
    for r, m in zip(cat.get(23, []), cat.get(28, [])):
        assert m["line"].startswith(b'#EXTINF:-1 tvg-id="' + r["epg_channel_id"] + b'"'), m
        assert b"\n" not in m["line"] and b"\r" not in m["line"]
        if r["flags"] & 1:
            assert b'catchup="xc"' in m["line"]
    for r in cat.get(21, []):
        json.loads(r["json"])
    for r in cat.get(24, []):
        j = json.loads(r["json"])
        check_types(j, VOD, "vod %d" % r["id"])
        assert r["json"].startswith(b'{"name":')
        info = json.loads(r["info_json"])
        assert list(info) == ["info", "movie_data"]
        assert T(info["info"]["tmdb_id"]) == "n" and T(info["info"]["backdrop_path"]) == "a"
        assert T(info["info"]["duration_secs"]) == "n" and T(info["info"]["bitrate"]) == "n"
        assert T(info["movie_data"]["stream_id"]) == "n"
        p = r["path"]
        assert p and not p.startswith(b"/") and b".." not in p.split(b"/") and b"\0" not in p
        assert r["m3u"].startswith(b'#EXTINF:-1 tvg-id="" tvg-name="')
    eps = {r["id"]: r for r in cat.get(26, [])}
    for r in cat.get(25, []):
        j = json.loads(r["json"])
        check_types(j, SERIES, "series %d" % r["id"])
        info = json.loads(r["info_json"])
        assert list(info) == ["seasons", "info", "episodes"]
        check_types(info["info"], SERIES_INFO, "series info")
        assert T(info["episodes"]) == "o"
        keys = list(info["episodes"])
        assert [str(s["season_number"]) for s in info["seasons"]] == keys, "season per key"
        total = 0
        for s in info["seasons"]:
            check_types(s, SEASON, "season")
        for k, lst in info["episodes"].items():
            for e in lst:
                check_types(e, EPISODE, "episode")
                check_types(e["info"], EP_INFO, "episode info")
                assert str(e["season"]) == k and int(e["id"]) in eps
                total += 1
        assert total == r["nepisodes"]
    for r in cat.get(26, []):
        assert r["m3u"].startswith(b'#EXTINF:-1 tvg-id=""')
    for b in cat.get(22, []):
        for cnt, off, sid in (("nlive", "live", 23), ("nmovies", "movies", 24), ("nseries", "series", 25)):
            for i in range(b[cnt]):
                (idx,) = struct.unpack_from("<I", u32, (b[off] + i) * 4)
                assert idx < n[sid], ("bouquet index", b["id"], off)
    print("catalog.snap gen %d ok: %s" % (gen, {k: v for k, v in sorted(n.items())}))
    epg, _, gen = load(d + "/epg.snap", 3)
    chs, progs = epg.get(40, []), epg.get(41, [])
    ids = [c["id"] for c in chs]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), "channels bytewise sorted"
    pos = 0
    for ci, c in enumerate(chs):
        if c["count"]:
            assert c["first"] == pos, ("contiguous", c["id"])
        run = progs[pos:pos + c["count"]]
        assert all(p["channel"] == ci for p in run)
        assert [p["start"] for p in run] == sorted(p["start"] for p in run)
        pos += c["count"]
    assert pos == len(progs)
    for p in progs:
        p["title"].decode("utf-8"), p["description"].decode("utf-8")
    print("epg.snap gen %d ok: %d channels, %d programmes" % (gen, len(chs), len(progs)))
    if dump:
        for sid in (21, 24, 25, 26, 27, 28, 22):
            for r in cat.get(sid, []):
                print(sid, {k: (v.decode() if isinstance(v, bytes) and k != "key_hash" else v)
                            for k, v in r.items()})
        for c in chs:
            print(40, c)
        print(41, progs[:2])


if __name__ == "__main__":
    main()
