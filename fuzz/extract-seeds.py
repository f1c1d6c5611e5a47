#!/usr/bin/env python3
"""Seed corpus for the fuzz targets, from what the suite and the docs send.

    fuzz/extract-seeds.py        (re)writes fuzz/corpus/<target>/seed-*

Requests come from t/*.t and t/*.pl (request lines, --- request blocks,
req("...") calls; anything still holding a Perl variable is skipped), event
datagrams from docs/CONTRACTS.md, import documents from t/fixtures/,
xtreamd.conf from conf/ and t/lib/XtreamTest.pm, snapshots from the module
tests' real writer (build/module-tests/xt_mkfixture, made by `make -C
ngx_xtream_module test`).  Seeds are named by content hash, so re-running
is idempotent; files this script did not write (seed-* prefix) are kept.
"""
import glob
import hashlib
import hmac
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CORPUS = os.path.join(TOP, "fuzz", "corpus")
# fuzz/token.c keys its tokens with this secret
TOKEN_SECRET = b"fuzz-secret-0123456789abcdef"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def suite_texts():
    for p in sorted(glob.glob(os.path.join(TOP, "t", "*.t"))
                    + glob.glob(os.path.join(TOP, "t", "*.pl"))):
        yield p, read(p).decode("utf-8", "replace")


def perl_unescape(s):
    return s.replace("\\@", "@").replace("\\$", "$")


def requests():
    """(method, target, body) of every literal request in the suite."""
    out = set()
    for _, text in suite_texts():
        # --- request blocks and "request eval" strings: METHOD target\nbody
        for m in re.finditer(r'(?m)^\[?"?(GET|POST|HEAD) ([^\s"]+)"?\]?,?$\n?'
                             r'(?:([^\n"]*)"?\]?,?$)?', text):
            method, target, body = m.group(1), m.group(2), m.group(3) or ""
            if method != "POST" or body.startswith("---"):
                body = ""
            out.add((method, target, body))
        # raw request strings and req("...") helpers
        for m in re.finditer(r'"(GET|POST|HEAD) (/[^\s"\\]*)', text):
            out.add((m.group(1), m.group(2), ""))
        for m in re.finditer(r'req\w*\(\s*"(/[^"]*)"', text):
            out.add(("GET", m.group(1), ""))
    clean = set()
    for method, target, body in out:
        target, body = perl_unescape(target), perl_unescape(body)
        if "$" in target or "$" in body or not target.startswith("/"):
            continue
        clean.add((method, target, body))
    return sorted(clean)


def user_agents():
    uas = set()
    for _, text in suite_texts():
        for m in re.finditer(r"(?m)^User-Agent: (.+)$", text):
            if "$" not in m.group(1):
                uas.add(m.group(1).strip())
    return sorted(uas)


def token(expires, line, session, stream, variant):
    msg = b"xt1|%d|%d|%016x|%d|%d" % (expires, line, session, stream, variant)
    mac = hmac.new(TOKEN_SECRET, msg, hashlib.sha256).hexdigest()[:32]
    return b"%d_%d_%016x_%d_%s" % (expires, line, session, variant,
                                   mac.encode())


def snapshots():
    tool = os.path.join(TOP, "build", "module-tests", "xt_mkfixture")
    if not os.access(tool, os.X_OK):
        sys.exit("extract-seeds: %s is missing: run "
                 "'make -C ngx_xtream_module test' first" % tool)
    with tempfile.TemporaryDirectory() as d:
        # a frozen clock, so the seeds (EPG times, "created") are the same
        # on every run
        clock = (["faketime", "-f", "@2026-01-01 00:00:00"]
                 if shutil.which("faketime") else [])
        subprocess.run(clock + [tool, d], check=True)
        for kind, name in ((0, "lines.snap"), (1, "catalog.snap"),
                           (2, "epg.snap")):
            data = read(os.path.join(d, name))
            # byte 0: kind; byte 1: fix up size and CRC (1) or not (0)
            yield bytes([kind, 1]) + data
            yield bytes([kind, 0]) + data


def literals(path, pattern):
    text = read(os.path.join(TOP, path)).decode()
    return sorted(set(re.findall(pattern, text)))


def write_dicts():
    """libFuzzer dictionaries (fuzz/dict/<target>.dict): the keys and
    words each parser knows, taken from its own tables."""
    words = {
        "route": ["live", "movie", "series", "timeshift", "hls",
                  "index.m3u8", ".ts", ".m3u8", "%2e", "%2f", "%5c", "%00",
                  "..", "/"],
        "args": literals("ngx_xtream_module/core/xt_args.c",
                         r'\{ "([a-z_\[\]]+)", XT_ARG|XT_ID\("([a-z_]+)"')
                + ["=", "&", "%", "+", ","],
        "config": literals("xtreamd/xt_config.c", r'[SU]\((\w+),'),
        "import": literals("xtreamd/cmd/xt_import_schema.c", r'"([a-z_]+)"')
                  + literals("xtreamd/cmd/xt_import_validate.c",
                             r'"([a-z_]+)", (?:NULL|")'),
        "events_parse": literals("xtreamd/supervisor/xt_events_parse.c",
                                 r'"([a-z]+)"') + ["\\u0000", "\\\\"],
        "form": ["addr", "call", "name", "app", "publish", "publish_done",
                 "live", "=", "&", "%", "+"],
    }
    d = os.path.join(TOP, "fuzz", "dict")
    os.makedirs(d, exist_ok=True)
    for target, ws in words.items():
        flat = []
        for w in ws:
            flat.extend(x for x in (w if isinstance(w, tuple) else (w,)) if x)
        with open(os.path.join(d, target + ".dict"), "w") as f:
            f.write("# fuzz/extract-seeds.py: words of the %s parser\n"
                    % target)
            for w in sorted(set(flat)):
                f.write('"%s"\n' % w.replace("\\", "\\\\")
                        .replace('"', '\\"'))
        print("extract-seeds: %-13s %3d dictionary words"
              % (target, len(set(flat))))


def main():
    seeds = {t: set() for t in ("route", "args", "token", "form", "event",
                                "events_parse", "snapshot", "import",
                                "config", "access", "m3u8", "tz",
                                "health", "timeshift", "xmltv")}
    reqs = requests()
    for method, target, body in reqs:
        path, _, query = target.partition("?")
        seeds["route"].add(path.encode())
        if path.endswith(".php"):
            seeds["args"].add((query + ("\n" + body if body else "")).encode())
        if path == "/rtmp/publish" and body:
            seeds["form"].add(body.encode())
        m = re.search(r"[?&]t=([^&]+)", query)
        if m:
            seeds["token"].add(m.group(1).encode())

    # tokens as the module signs them (xt_token.h), for the target's key
    for args in ((1700000600, 7, 0x00000000000000a1, 42, 0),
                 (1699999999, 1, 0xffffffffffffffff, 42, 3),
                 (0, 4294967295, 0x0123456789abcdef, 42, 63)):
        seeds["token"].add(token(*args))

    # event datagrams: the contract's examples, concrete
    contracts = read(os.path.join(TOP, "docs", "CONTRACTS.md")).decode()
    for m in re.finditer(r'(?m)^(\{"ev":.*?\})\s', contracts):
        d = m.group(1).replace("<16 hex>", "00000000000000a1")
        d = d.replace('"live|hls|movie|episode|timeshift"', '"live"')
        d = d.replace('"ts":...', '"ts":1700000000')
        seeds["events_parse"].add(d.encode())

    # module-side events: 40 bytes of fields, addr \1 username \1 ua
    head = struct.pack(">IIQQQIHBB", 7, 42, 0xa1, 1700000000, 123456,
                       1700000000, 1234, 0, 0)
    for i, ua in enumerate(user_agents() + ["VLC/3.0.18 LibVLC/3.0.18"]):
        seeds["event"].add(head[:-2] + bytes([i % 2, i % 4])
                           + b"127.0.0.1\x01demo\x01" + ua.encode())

    for p in sorted(glob.glob(os.path.join(TOP, "t", "fixtures", "*.json"))):
        seeds["import"].add(read(p))

    seeds["config"].add(read(os.path.join(TOP, "conf",
                                          "xtreamd.conf.example")))
    xt = read(os.path.join(TOP, "t", "lib", "XtreamTest.pm")).decode()
    m = re.search(r'<<"CONF"\)?;\n(.*?)\nCONF\n', xt, re.S)
    if m:
        conf = re.sub(r"\$\w+", "/tmp/xt", m.group(1))
        seeds["config"].add(conf.encode())

    # access lists: the fixtures' allowed_ips / allowed_uas (joined with
    # "," as the snapshot stores them) and the unit tests' ip("list", ...)
    import json
    lists = set()
    for p in sorted(glob.glob(os.path.join(TOP, "t", "fixtures", "*.json"))):
        for line in json.loads(read(p)).get("lines", []):
            for k in ("allowed_ips", "allowed_uas"):
                if line.get(k):
                    lists.add(",".join(line[k]))
    ta = read(os.path.join(TOP, "ngx_xtream_module", "tests",
                           "test_access.c")).decode()
    lists.update(re.findall(r'(?:ip|ua)\("([^"]*)"', ta))
    uas = user_agents()
    for i, lst in enumerate(sorted(lists)):
        v4 = bytes([1, 10, 200, 3, 4]) + bytes(11)
        v6 = bytes(15) + b"\x01"
        ua = uas[i % len(uas)] if uas else "GoodPlayer/1.0"
        seeds["access"].add((v4 if i % 2 == 0 else v6) + lst.encode()
                            + b"\0" + ua.encode())

    # playlists: the m3u8 unit tests' literals (as the worker writes them)
    tm = read(os.path.join(TOP, "ngx_xtream_module", "tests",
                           "test_m3u8.c")).decode()
    for m in re.finditer(r'((?:"(?:[^"\\]|\\.)*"\s*)+)', tm):
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        if text.startswith("#EXTM3U"):
            seeds["m3u8"].add(text.encode().decode("unicode_escape")
                              .encode("latin-1"))

    # time zones: a few TZif files of the system's tzdata (table-only,
    # rule footers north and south, half-hour offsets), instant 1700000000
    for z in ("UTC", "Europe/London", "America/New_York",
              "Australia/Lord_Howe", "Asia/Kolkata"):
        p = os.path.join("/usr/share/zoneinfo", z)
        if os.path.exists(p):
            seeds["tz"].add(b"\0" + struct.pack(">q", 1700000000) + read(p))
    for name in ("Europe/London", "../etc/passwd", "Etc/GMT+5"):
        seeds["tz"].add(b"\1" + struct.pack(">q", 0) + name.encode())

    # worker health lines: the worker README's example and the supervisor
    # tests' hp("...") literals
    readme = read(os.path.join(TOP, "xtreamd", "worker", "README.md")).decode()
    for m in re.finditer(r'(?ms)^(\{"state".*?\})$', readme):
        seeds["health"].add(m.group(1).replace("\n", "").encode())
    ts = read(os.path.join(TOP, "xtreamd", "tests",
                           "test_supervisor.c")).decode()
    for m in re.finditer(r'hp\(((?:\s*"(?:[^"\\]|\\.)*")+)', ts):
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        if text:
            seeds["health"].add(text.encode().decode("unicode_escape")
                                .encode("latin-1"))

    # catch-up (fuzz/timeshift.c): byte 0 picks the parser
    starts, ranges = set(), set()
    for path in sorted(glob.glob(os.path.join(TOP, "t", "*.t"))
                       + glob.glob(os.path.join(TOP, "ngx_xtream_module",
                                                "tests", "*.c"))):
        text = read(path).decode("utf-8", "replace")
        starts.update(re.findall(r"\d{4}-\d\d-\d\d:\d\d-\d\d(?:[-:]\d\d)?"
                                 r"|\b\d{8}-\d\d\b", text))
        ranges.update(re.findall(r"(?m)Range: (bytes=[^\r\n\\\"]*)", text))
    for st in sorted(starts):
        seeds["timeshift"].add(b"\0" + st.encode())
        seeds["timeshift"].add(b"\1" + st.encode())
    for ep in ("1700000000", "99999999999", "0"):
        seeds["timeshift"].add(b"\2" + ep.encode())
    for mi in ("60", "1440", "1441"):
        seeds["timeshift"].add(b"\3" + mi.encode())
    for rg in sorted(ranges) + ["bytes=-500", "bytes=100-"]:
        seeds["timeshift"].add(b"\4" + struct.pack(">Q", 1000) + rg.encode())
    # an archive hour index as xt_timeshift.c documents its records:
    # "SSSSSSSSSSSSS DDDDDDDD BBBBBBBBBBBB F\n" (start ms, duration ms,
    # bytes, D = discontinuity before)
    index = b"".join(b"%013d %08d %012d %s\n" % (1700000000000 + i * 4000,
                                                 4000, 188 * 100 + i,
                                                 b"D" if i == 3 else b"-")
                     for i in range(6))
    seeds["timeshift"].add(b"\5" + struct.pack(">qq", 1700000002000,
                                                1700000030000) + index)

    # XMLTV (fuzz/xmltv.c, once the EPG import is in the tree): the EPG
    # unit tests' documents and small guides from scripts/gen-xmltv.pl,
    # plain and gzip (the input layer tells them by their magic bytes)
    te = os.path.join(TOP, "xtreamd", "tests", "test_epg.c")
    if os.path.exists(te):
        text = read(te).decode("utf-8", "replace")
        text = re.sub(r'\bP\("([^"]*)", "([^"]*)"\)',
                      lambda m: '"<programme %s>%s</programme>\\n"'
                      % (m.group(1), m.group(2)), text)
        text = text.replace("OK_T", '"start=\\"20261206143000 +0100\\" '
                            'stop=\\"20261206150000 +0100\\" "')
        for m in re.finditer(r'((?:"(?:[^"\\]|\\.)*"\s*)+)', text):
            doc = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
            if "<tv" in doc:
                seeds["xmltv"].add(doc.encode("utf-8").decode("unicode_escape")
                                   .encode("latin-1"))
    gen = os.path.join(TOP, "scripts", "gen-xmltv.pl")
    if os.path.exists(gen):
        with tempfile.TemporaryDirectory() as d:
            for gz in ([], ["--gzip"]):
                out = os.path.join(d, "g.xml")
                subprocess.run([gen, "--out", out, "--channels", "2",
                                "--days", "1", "--slot", "240", "--desc", "40",
                                "--start", "1796500000"] + gz, check=True,
                               stdout=subprocess.DEVNULL)
                seeds["xmltv"].add(read(out))

    for s in snapshots():
        seeds["snapshot"].add(s)

    write_dicts()

    for target, items in seeds.items():
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "seed-*")):
            os.unlink(old)
        for data in items:
            name = "seed-" + hashlib.sha1(data).hexdigest()[:12]
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("extract-seeds: %-13s %3d seeds" % (target, len(items)))


if __name__ == "__main__":
    main()
