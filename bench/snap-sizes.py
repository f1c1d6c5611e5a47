#!/usr/bin/env python3
"""Where do a snapshot's bytes go?  (common/xt_snap_format.h)
    snap-sizes.py FILE.snap [--inner]
Prints: per section size; per string kind (section.field) the references,
the bytes they point at, the bytes of their distinct values and the bytes
of the STRINGS section they actually occupy (shared offsets counted once);
how much exact-duplicate interning saves (the writer's job); with --inner,
how much of each movie/series info_json repeats text of the same title's
json (what a fragment-composed format would save, net of 8-byte piece
references), and what per-record deflate against a shared dictionary would
leave (the upper bound of a compressed-info_json format)."""
import struct
import sys
import zlib
from collections import defaultdict

HDR = struct.Struct("<8sIIQqQII")
SEC = struct.Struct("<IIQQ")
MAXSEC = 24
S = "II"
# section id: (name, record format, field names; strings are "II" pairs)
LAYOUT = {
    10: ("LINES", "<IIqqIIIIII16s32s" + S * 4,
         "id status exp created maxc flags outputs nb bq res salt hash "
         "username message allowed_ips allowed_uas"),
    11: ("LINE_INDEX", "<I", "slot"),
    20: ("SETTINGS", "<" + S * 2, "key value"),
    21: ("CATEGORIES", "<IIII" + S * 2, "id type parent res name json"),
    22: ("BOUQUETS", "<8I", "id nl l nm m ns s res"),
    23: ("LIVE", "<IIII" + S * 6,
         "id cat flags days name icon epg_channel_id category_name json "
         "key_hash"),
    24: ("MOVIES", "<IIII" + S * 8,
         "id cat dur res name icon ext path category_name json info_json "
         "m3u"),
    25: ("SERIES", "<IIII" + S * 5,
         "id cat nep res name cover category_name json info_json"),
    26: ("EPISODES", "<IIII" + S * 4, "id sid season num title ext path m3u"),
    27: ("SERVERS", "<6I" + S * 2, "id main http https rtmp load name host"),
    28: ("LIVE_M3U", "<" + S, "line"),
    40: ("EPG_CHANNELS", "<" + S * 3 + "II",
         "id display_name icon first count"),
    41: ("EPG_PROGS", "<qqQII" + S * 3,
         "start stop id channel res title description lang"),
}
STRF = {"username", "message", "allowed_ips", "allowed_uas", "key", "value",
        "name", "json", "icon", "epg_channel_id", "category_name", "key_hash",
        "ext", "path", "info_json", "m3u", "cover", "title", "host", "line",
        "display_name", "description", "lang"}
SECNAME = {1: "STRINGS", 2: "U32"}
SECNAME.update({k: v[0] for k, v in LAYOUT.items()})


def mb(n):
    return "%9.2f MB" % (n / 1e6)


def load(path):
    b = open(path, "rb").read()
    magic, ver, kind, gen, created, size, crc, nsec = HDR.unpack_from(b, 0)
    if magic != b"XTSNAP\r\n" or size != len(b):
        sys.exit("%s: not a snapshot" % path)
    secs = {}
    for i in range(nsec):
        sid, count, off, sz = SEC.unpack_from(b, HDR.size + i * SEC.size)
        secs[sid] = (count, off, sz)
    return b, kind, secs


def records(b, secs, strings):
    """yield (section id, field names, record tuple) with strings as
    (off, len) pairs"""
    for sid, (count, off, sz) in secs.items():
        if sid not in LAYOUT or sid == 11:
            continue
        _, fmt, names = LAYOUT[sid]
        st = struct.Struct(fmt)
        names = names.split()
        for vals in st.iter_unpack(b[off:off + st.size * count]):
            rec, j = {}, 0
            for n in names:
                if n in STRF or (sid == 40 and n == "id"):
                    rec[n] = (vals[j], vals[j + 1])
                    j += 2
                else:
                    rec[n] = vals[j]
                    j += 1
            yield sid, rec


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    b, kind, secs = load(path)
    total = len(b)
    print("%s: kind %d, %s (%d bytes)" % (path, kind, mb(total).strip(),
                                           total))
    print("\n== sections")
    for sid, (count, off, sz) in sorted(secs.items(), key=lambda x: -x[1][2]):
        print("  %-13s %8d recs %s  %5.1f%%" % (SECNAME.get(sid, sid), count,
                                                 mb(sz), 100.0 * sz / total))
    so, ssz = secs[1][1], secs[1][2]
    strings = b[so:so + ssz]

    # per kind: refs, referenced bytes, distinct-value bytes
    refs = defaultdict(int)
    refb = defaultdict(int)
    values = defaultdict(set)
    spans = defaultdict(set)       # kind -> distinct (off, len) it points at
    allspans = set()
    bykind_val = defaultdict(set)  # bytes -> kinds (for cross-kind sharing)
    recs = defaultdict(list)
    for sid, rec in records(b, secs, strings):
        for n, v in rec.items():
            if not isinstance(v, tuple):
                continue
            k = "%s.%s" % (SECNAME[sid], n)
            o, l = v
            refs[k] += 1
            refb[k] += l
            spans[k].add(v)
            allspans.add(v)
            values[k].add(strings[o:o + l])
        if sid in (24, 25):
            recs[sid].append(rec)

    occupied = sum(l for o, l in allspans)
    allvals = set()
    for k in values:
        allvals |= values[k]
    uniq = sum(len(v) for v in allvals)
    print("\n== strings by kind (sorted by referenced bytes)")
    print("  %-26s %8s %12s %12s %12s %6s" % ("kind", "refs", "referenced",
          "stored", "distinct", "avg"))
    for k in sorted(refb, key=lambda k: -refb[k]):
        stored = sum(l for o, l in spans[k])
        dv = sum(len(v) for v in values[k])
        print("  %-26s %8d %s %s %s %6.0f" % (k, refs[k], mb(refb[k]),
              mb(stored), mb(dv), refb[k] / max(refs[k], 1)))
    print("\n== STRINGS section %s; distinct (off,len) spans cover %s;"
          % (mb(ssz).strip(), mb(occupied).strip()))
    print("   referenced %s; distinct values %s "
          "(exact-duplicate interning saves %s = %.1f%% of the file)"
          % (mb(sum(refb.values())).strip(), mb(uniq).strip(),
             mb(occupied - uniq).strip(), 100.0 * (occupied - uniq) / total))
    # crude upper bound on remaining redundancy
    z = len(zlib.compress(strings, 1))
    print("   zlib -1 of STRINGS: %s (redundancy left beyond exact dups)"
          % mb(z).strip())

    if "--inner" in sys.argv:
        inner(strings, recs)


def inner(strings, recs):
    """For movies and series: how many info_json bytes are a copy of a
    substring of the same record's json (the list item).  Greedy: split
    json into its "key":value members and count each member's value found
    verbatim inside info_json."""
    import json as J
    print("\n== inner duplication (info_json vs the same title's json)")
    print("   (net = shared bytes - 16 per shared value: a reference plus the"
          " extra literal piece it splits off)")
    for sid, label in ((24, "movies"), (25, "series")):
        if not recs.get(sid):
            continue
        tot_info = tot_json = shared = nshared = 0
        keys = defaultdict(int)
        for r in recs[sid]:
            jo, jl = r["json"]
            io, il = r["info_json"]
            js = strings[jo:jo + jl]
            info = strings[io:io + il]
            tot_info += il
            tot_json += jl
            try:
                d = J.loads(js)
            except ValueError:
                continue
            seen = set()                    # a value under two keys
            for key, val in d.items():      # (name, title) counts once
                enc = J.dumps(val, ensure_ascii=False,
                              separators=(",", ":")).encode()
                if isinstance(val, str):
                    enc = enc[1:-1]         # bare text, quotes aside
                if enc in seen:
                    continue
                seen.add(enc)
                if len(enc) >= 8 and enc in info:
                    shared += len(enc) * info.count(enc)
                    nshared += info.count(enc)
                    keys[key] += len(enc) * info.count(enc)
        print("  %s: info_json %s, json %s; values of json found verbatim "
              "in info_json: %s (%.0f%% of info_json)"
              % (label, mb(tot_info).strip(), mb(tot_json).strip(),
                 mb(shared).strip(), 100.0 * shared / max(tot_info, 1)))
        top = sorted(keys.items(), key=lambda x: -x[1])[:8]
        print("    by key: " + ", ".join("%s %s" % (k, mb(v).strip())
                                          for k, v in top))
        print("    fragment-composed info_json would save net %s"
              % mb(shared - 16 * nshared).strip())
        # per-record deflate with a 32 KiB dictionary of sample records
        infos = [strings[r["info_json"][0]:sum(r["info_json"])]
                 for r in recs[sid]]
        zd = b"".join(infos[::max(1, len(infos) // 64)])[-32768:]
        zsum = 0
        for x in infos:
            c = zlib.compressobj(6, zlib.DEFLATED, -15, 9,
                                 zlib.Z_DEFAULT_STRATEGY, zd)
            zsum += len(c.compress(x) + c.flush())
        print("    info_json deflated one by one with a shared 32 KiB "
              "dictionary: %s (from %s)" % (mb(zsum).strip(),
                                            mb(tot_info).strip()))


if __name__ == "__main__":
    main()
