#!/usr/bin/env python3
"""Admin API traffic for bench/admin.sh: log in through nginx, then for
SECONDS send a mix of reads and writes (list lines, list streams with
status, stats, one line PATCH, audit page), one at a time over a
keep-alive connection, RATE requests a second at most (0: as fast as the
answers come), without the PATCH when WRITES is 0; print each request's latency in ms, one per line.
Any answer that is not 2xx aborts (an error page is never measured)."""
import http.client
import json
import sys
import time


def null_client(port, seconds, rate):
    """The reference: the same client at the same rate against an nginx
    location that answers {} by itself (no admin work behind it)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    start = time.monotonic()
    i = 0
    out = []
    while time.monotonic() < start + seconds:
        wait = start + i / rate - time.monotonic() if rate > 0 else 0
        if wait > 0:
            time.sleep(wait)
        i += 1
        t0 = time.monotonic()
        c.request("GET", "/bench-null")
        r = c.getresponse()
        r.read()
        if r.status != 200:
            sys.exit("/bench-null: %d" % r.status)
        out.append("%.3f" % ((time.monotonic() - t0) * 1000))
    print("\n".join(out))


def main():
    if sys.argv[2] == "--null":
        return null_client(int(sys.argv[1]), float(sys.argv[3]),
                           float(sys.argv[4]))
    port, user, password, seconds = (int(sys.argv[1]), sys.argv[2],
                                     sys.argv[3], float(sys.argv[4]))
    rate = float(sys.argv[5]) if len(sys.argv) > 5 else 0
    writes = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/admin/api/login",
              json.dumps({"username": user, "password": password}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = json.loads(r.read())
    if r.status != 200:
        sys.exit("login failed: %d %s" % (r.status, body))
    cookie = r.getheader("Set-Cookie").split(";")[0]
    csrf = body["csrf_token"]
    hdr = {"Cookie": cookie, "Content-Type": "application/json"}
    whdr = dict(hdr, **{"X-CSRF-Token": csrf})
    mix = [
        ("GET", "/admin/api/lines?limit=50&offset=100", None),
        ("GET", "/admin/api/streams?limit=50", None),
        ("GET", "/admin/api/stats", None),
        ("PATCH", "/admin/api/lines/5", {"message": "bench"}),
        ("GET", "/admin/api/lines?q=user1&status=active&limit=20", None),
        ("GET", "/admin/api/audit?limit=20", None),
    ]
    start = time.monotonic()
    end = start + seconds
    if not writes:
        mix = [x for x in mix if x[0] == "GET"]
    i = 0
    out = []
    while time.monotonic() < end:
        if rate > 0:
            wait = start + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        m, path, data = mix[i % len(mix)]
        i += 1
        t0 = time.monotonic()
        c.request(m, path, json.dumps(data) if data is not None else None,
                  whdr if m != "GET" else hdr)
        r = c.getresponse()
        r.read()
        dt = (time.monotonic() - t0) * 1000
        if r.status // 100 != 2:
            sys.exit("%s %s: %d" % (m, path, r.status))
        out.append("%.3f" % dt)
    print("\n".join(out))


main()
