#!/usr/bin/env python3
"""Behaviour tests for xtream-worker. Media is made here with the ffmpeg CLI
from lavfi sources; outputs are checked with ffprobe. Every process started
is stopped by its pid."""
import json, os, re, shutil, signal, socket, subprocess, sys, time

BIN, TMP = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
passed = failed = 0
children = []

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name} {detail}")

def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)

def valgrind_unusable(rc, log):
    """Why valgrind itself failed on this CPU (an instruction its emulator
    lacks, e.g. RDTSCP probed by libhwy inside libavcodec), or None.
    A real leak or memory error exits 99 and never matches."""
    if rc == 99:
        return None
    m = re.search(r"unhandled instruction bytes: ([0-9A-Fa-fx ]+)", log)
    if m:
        return "unhandled instruction " + m.group(1).strip()[:40]
    if rc == 132 or rc == -4 or "signal 4 (SIGILL)" in log:
        return f"SIGILL under valgrind (exit {rc})"
    return None

def spawn(cmd, **kw):
    p = subprocess.Popen(cmd, **kw)
    children.append(p)
    return p

def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
        os.kill(p.pid, sig)
    try:
        return p.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(p.pid, signal.SIGKILL)
        return p.wait()

def make_media(path, secs, extra=()):
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
           "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", str(secs),
           "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", *extra, path]
    subprocess.run(cmd, check=True)

def make_media_single(path, args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, path], check=True)

def playlist(path):
    """Parses a variant playlist into (media_seq, entries[{seq,dur,disc,pdt}])."""
    seq0, entries, disc, pdt, dur = None, [], False, None, None
    target = None
    for line in open(path):
        line = line.strip()
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            seq0 = int(line.split(":")[1])
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            target = int(line.split(":")[1])
        elif line == "#EXT-X-DISCONTINUITY":
            disc = True
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = line.split(":", 1)[1]
        elif line.startswith("#EXTINF:"):
            dur = float(line[8:].rstrip(","))
        elif line and not line.startswith("#"):
            entries.append({"seq": int(line[:-3]), "dur": dur, "disc": disc, "pdt": pdt})
            disc, pdt = False, None
    return seq0, target, entries

def probe_streams(ts):
    r = run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height:format=start_time,duration",
             "-of", "json", ts])
    return json.loads(r.stdout) if r.returncode == 0 else None

def video_frames(ts, n=1):
    """First n video frames: list of (key_frame, pts_time)."""
    r = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame,pts_time",
             "-read_intervals", f"%+#{n}", "-of", "csv=p=0", ts])
    out = []
    for l in r.stdout.split():
        k, t = l.split(",")[:2]
        out.append((int(k), float(t)))
    return out

def wait_for(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False

def seg_count(d):
    try:
        return len(playlist(os.path.join(d, "index.m3u8"))[2])
    except (OSError, ValueError, TypeError):
        return 0

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def count_frames(ts, stream="v:0"):
    r = run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", stream, "-show_entries",
             "stream=nb_read_frames", "-of", "csv=p=0", ts])
    vals = [l.strip().rstrip(",") for l in r.stdout.splitlines() if l.strip().rstrip(",")]
    return int(vals[0]) if vals and vals[0].isdigit() else 0

def packets(ts, raw=False):
    """[(stream_index, pts, dts)] of a file (raw: without lavf's wrap correction)."""
    r = run(["ffprobe", "-v", "error", *(["-correct_ts_overflow", "0"] if raw else []), "-show_entries",
             "packet=stream_index,pts,dts", "-of", "csv=p=0", ts])
    out = []
    for l in r.stdout.splitlines():
        f = l.split(",")
        if len(f) >= 3 and f[1].lstrip("-").isdigit() and f[2].lstrip("-").isdigit():
            out.append((int(f[0]), int(f[1]), int(f[2])))
    return out

def cc_check(data):
    """MPEG-TS continuity per PID over 188-byte packets: the counter goes up by
    one (mod 16) on each packet with payload and stays on one without; any
    other value is allowed only on a packet whose adaptation field has
    discontinuity_indicator. Returns (problems, flagged packets, packets)."""
    last, bad, flagged, n = {}, [], 0, 0
    for i in range(0, len(data) - 187, 188):
        p = data[i:i + 188]
        n += 1
        if p[0] != 0x47:
            bad.append((i, "sync"))
            continue
        pid = ((p[1] & 0x1F) << 8) | p[2]
        if pid == 0x1FFF:
            continue
        afc, cc = (p[3] >> 4) & 3, p[3] & 15
        di = bool((afc & 2) and p[4] > 0 and (p[5] & 0x80))
        flagged += di
        if pid in last and not di:
            want = (last[pid] + 1) & 15 if afc & 1 else last[pid]
            if cc != want:
                bad.append((i, hex(pid), last[pid], cc))
        last[pid] = cc
    if len(data) % 188:
        bad.append((len(data), "partial packet"))
    return bad, flagged, n

def joined(files):
    return b"".join(open(f, "rb").read() for f in files)

def ffmpeg_complaints(path):
    """Lines of ffmpeg decoding path that report TS damage."""
    r = run(["ffmpeg", "-hide_banner", "-v", "verbose", "-i", path, "-f", "null", "-"])
    return [l for l in r.stderr.splitlines() if re.search(r"corrupt|continuity|discontinuity", l, re.I)]

def variant_files(d):
    return [os.path.join(d, f"{e['seq']}.ts") for e in playlist(os.path.join(d, "index.m3u8"))[2]]

def timeline_ok(files, max_gap=1.0):
    """Per stream: DTS strictly increasing, PTS >= DTS, no gap > max_gap s over all files in order."""
    last, bad = {}, []
    for f in files:
        for si, pts, dts in packets(f):
            if si in last and (dts <= last[si] or dts - last[si] > max_gap * 90000 or pts < dts):
                bad.append((f, si, last[si], dts, pts))
            last[si] = dts
    return not bad, bad[:5]

def start_http_nginx(root):
    port = free_port()
    d = os.path.join(TMP, "nginx-http")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    conf = f"""worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 64; }}
http {{ access_log {d}/access.log; client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi; uwsgi_temp_path {d}/tmp/uwsgi; scgi_temp_path {d}/tmp/scgi;
  types {{ video/mp2t ts; application/vnd.apple.mpegurl m3u8; }}
  server {{ listen 127.0.0.1:{port}; root {root}; location / {{ expires -1; }} }} }}
"""
    open(os.path.join(d, "nginx.conf"), "w").write(conf)
    ng = spawn(["nginx", "-c", f"{d}/nginx.conf", "-p", f"{d}/", "-e", f"{d}/error.log"])
    up = wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 5)
    return ng, port, up

class DropServer:
    """HTTP server for one file: the first GET is cut after `cut` bytes (no
    Connection: close, so the client sees a premature end); Range requests
    are honoured."""
    def __init__(self, path, cut):
        import http.server, threading
        data, outer = open(path, "rb").read(), self
        self.requests = []
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a):
                pass
            def do_GET(self):
                rng = self.headers.get("Range")
                outer.requests.append(rng)
                m = re.match(r"bytes=(\d+)-", rng or "")
                start = min(int(m.group(1)), len(data)) if m else 0
                self.send_response(206 if m else 200)
                self.send_header("Content-Type", "video/mp2t")
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(len(data) - start))
                if m:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if len(outer.requests) == 1:
                    self.wfile.write(data[start:cut])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(data[start:])
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
    def close(self):
        self.srv.shutdown()
        self.srv.server_close()

def check_variant(name, d, target, min_segs, contiguous_pts=True):
    seq0, tgt, ents = playlist(os.path.join(d, "index.m3u8"))
    check(f"{name}: {len(ents)} segments >= {min_segs}", len(ents) >= min_segs, str(ents))
    check(f"{name}: continuous sequence numbers", seq0 == ents[0]["seq"] and
          all(b["seq"] == a["seq"] + 1 for a, b in zip(ents, ents[1:])))
    check(f"{name}: durations near {target}s", all(abs(e["dur"] - target) < 0.5 for e in ents[:-1]),
          str([e["dur"] for e in ents]))
    check(f"{name}: TARGETDURATION covers EXTINF", all(round(e["dur"]) <= tgt for e in ents))
    check(f"{name}: PDT on every segment", all(e["pdt"] for e in ents))
    starts, ok_codecs, ok_key = [], True, True
    for e in ents:
        ts = os.path.join(d, f"{e['seq']}.ts")
        p = probe_streams(ts)
        if not p:
            ok_codecs = False
            continue
        codecs = sorted(s["codec_name"] for s in p["streams"])
        ok_codecs &= codecs == ["aac", "h264"]
        fr = video_frames(ts)
        ok_key &= bool(fr) and fr[0][0] == 1
        starts.append((float(p["format"]["start_time"]), fr[0][1] if fr else None, e["dur"]))
    check(f"{name}: segments are h264+aac", ok_codecs)
    check(f"{name}: every segment starts with a keyframe", ok_key)
    if contiguous_pts:
        mono = all(abs(b[1] - (a[1] + a[2])) < 0.1 for a, b in zip(starts, starts[1:]) if a[1] and b[1])
        check(f"{name}: PTS continue across segments", mono, str(starts))
    return ents, starts

def main():
    shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(TMP)
    os.chdir(TMP)
    make_media("src10.mp4", 10)
    make_media("src3.flv", 3, ["-f", "flv"])
    ladder = ('[{"name":"360p","height":360,"video_kbps":500,"audio_kbps":96},'
              '{"name":"240p","height":240,"video_kbps":250,"audio_kbps":96}]')

    # --- bad arguments: exit 2 with usage
    bad = [[], ["--stream-id", "1", "--output", "o", "--mode", "copy"],
           ["--stream-id", "x", "--output", "o", "--mode", "copy", "--input", "a"],
           ["--stream-id", "1", "--output", "o", "--mode", "copy", "--input", "a", "--segment-seconds", "0"],
           ["--stream-id", "1", "--output", "o", "--mode", "copy", "--input", "a", "--window", "99999999999999999999"],
           ["--stream-id", "1", "--output", "o", "--mode", "abr", "--input", "a"],
           ["--stream-id", "1", "--output", "o", "--mode", "abr", "--input", "a", "--ladder", "[{"],
           ["--stream-id", "1", "--output", "o", "--mode", "abr", "--input", "a", "--ladder",
            '[{"name":"a","height":361,"video_kbps":500,"audio_kbps":96}]'],
           ["--stream-id", "1", "--output", "o", "--mode", "abr", "--input", "a", "--ladder",
            '[{"name":"a","height":360,"video_kbps":500,"audio_kbps":96,"bogus":1}]'],
           ["--stream-id", "1", "--output", "o", "--mode", "abr", "--input", "a", "--ladder",
            '[{"name":"a","height":360,"video_kbps":500,"audio_kbps":96,"height":240}]'],
           ["--stream-id", "1", "--output", "o", "--mode", "copy", "--input", "a", "--preset", "x"],
           ["--stream-id", "1", "--output", "o", "--mode", "copy", "--input", "a", "--status-fd", "999"],
           ["--stream-id", "1", "--output", "o", "--mode", "copy", "--input", "a", "--frobnicate", "1"]]
    ok = True
    for args in bad:
        r = run([BIN, *args])
        if r.returncode != 2 or "usage:" not in r.stderr:
            ok = False
            print("  bad args accepted:", args, r.returncode, r.stderr[:200])
    check(f"bad arguments ({len(bad)} cases) exit 2 with usage", ok)

    # --- copy from a file
    r = run([BIN, "--stream-id", "1", "--output", "copy", "--mode", "copy", "--input", "src10.mp4",
             "--status-fd", "1"], timeout=60)
    check("copy: exit 0", r.returncode == 0, r.stderr)
    check_variant("copy", "copy/0", 4, 3)
    m = open("copy/master.m3u8").read()
    check("copy: master playlist has one variant with codecs",
          m.count("#EXT-X-STREAM-INF") == 1 and 'CODECS="avc1.' in m and "RESOLUTION=320x180" in m and "0/index.m3u8" in m, m)
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    last = lines[-1] if lines else {}
    check("copy: status line is JSON with every field",
          set(last) >= {"state", "fps", "bitrate_kbps", "speed", "width", "height", "video_codec",
                        "audio_codec", "segments", "last_error"} and last["segments"] == 3 and last["video_codec"] == "h264",
          str(last))
    check("copy: no temporary files left", not [f for f in os.listdir("copy/0") if f.endswith(".tmp")])

    # --- ABR ladder
    t0 = time.time()
    r = run([BIN, "--stream-id", "2", "--output", "abr", "--mode", "abr", "--ladder", ladder,
             "--input", "src10.mp4"], timeout=120)
    check(f"abr: exit 0 ({time.time() - t0:.1f}s)", r.returncode == 0, r.stderr)
    e0, s0 = check_variant("abr rung 0", "abr/0", 4, 3)
    e1, s1 = check_variant("abr rung 1", "abr/1", 4, 3)
    check("abr: rungs have the same segment numbers and durations",
          [(e["seq"], round(e["dur"], 3)) for e in e0] == [(e["seq"], round(e["dur"], 3)) for e in e1])
    check("abr: segment boundaries align across rungs",
          len(s0) == len(s1) and all(abs(a[1] - b[1]) < 0.001 for a, b in zip(s0, s1)), f"{s0} {s1}")
    h = [probe_streams(f"abr/{v}/{e0[0]['seq']}.ts")["streams"] for v in (0, 1)]
    dims = [[(s.get("width"), s.get("height")) for s in hv if s["codec_name"] == "h264"][0] for hv in h]
    check("abr: rung sizes 640x360 and 426x240", dims == [(640, 360), (426, 240)], str(dims))
    m = open("abr/master.m3u8").read()
    check("abr: master lists both rungs", m.count("#EXT-X-STREAM-INF") == 2 and "1/index.m3u8" in m, m)
    # all keyframes inside a segment: only at the start (fixed GOP = segment)
    r2 = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame",
              "-of", "csv=p=0", f"abr/1/{e1[1]['seq']}.ts"])
    keys = r2.stdout.split()
    check("abr: one keyframe per segment (GOP = segment)", keys[:1] == ["1"] and keys.count("1") == 1,
          f"{keys.count('1')} keyframes")

    # --- --loop keeps going with continuing timestamps, SIGTERM exits 0 fast
    st_r, st_w = os.pipe()
    p = spawn([BIN, "--stream-id", "3", "--output", "loop", "--mode", "copy", "--segment-seconds", "2",
               "--loop", "--input", "src3.flv", "--status-fd", str(st_w)], pass_fds=(st_w,))
    os.close(st_w)
    got = wait_for(lambda: seg_count("loop/0") >= 4, 20)
    check("loop: 4 x 2 s segments from a 3 s file", got)
    t0 = time.time()
    rc = stop(p)
    dt = time.time() - t0
    check(f"SIGTERM: exit 0 within 1 s (rc {rc}, {dt:.2f}s)", rc == 0 and dt < 1.0)
    status = os.read(st_r, 65536).decode()
    os.close(st_r)
    sl = [json.loads(l) for l in status.splitlines()]
    check("loop: status lines every second, running then stopped",
          len(sl) >= 3 and any(s["state"] == "running" for s in sl) and sl[-1]["state"] == "stopped", status[-300:])
    check_variant("loop", "loop/0", 2, 4)

    # --- kill -9 then restart: numbering continues after a discontinuity
    p = spawn([BIN, "--stream-id", "4", "--output", "k9", "--mode", "copy", "--segment-seconds", "1",
               "--loop", "--input", "src3.flv"])
    wait_for(lambda: seg_count("k9/0") >= 3, 15)
    stop(p, signal.SIGKILL)
    _, _, before = playlist("k9/0/index.m3u8")
    p = spawn([BIN, "--stream-id", "4", "--output", "k9", "--mode", "copy", "--segment-seconds", "1",
               "--loop", "--input", "src3.flv"])
    wait_for(lambda: seg_count("k9/0") >= len(before) + 2, 15)
    rc = stop(p)
    seq0, _, after = playlist("k9/0/index.m3u8")
    new = [e for e in after if e["seq"] > before[-1]["seq"]]
    check("kill -9 + restart: sequence continues", bool(new) and new[0]["seq"] == before[-1]["seq"] + 1,
          f"{[e['seq'] for e in before]} -> {[e['seq'] for e in after]}")
    check("kill -9 + restart: discontinuity before the first new segment", bool(new) and new[0]["disc"])
    check("kill -9 + restart: playlist keeps sequence order", all(b["seq"] == a["seq"] + 1 for a, b in zip(after, after[1:])))
    check("kill -9 + restart: PDT does not go backwards",
          all(a["pdt"] <= b["pdt"] for a, b in zip(after, after[1:])))
    files = sorted(int(f[:-3]) for f in os.listdir("k9/0") if f.endswith(".ts"))
    check("old segments deleted beyond window + 2", len(files) <= 6 + 2 + 1 and not [f for f in os.listdir("k9/0") if f.endswith(".tmp")],
          str(files))

    # --- bad input: non-zero exit, clear message, status error
    st_r, st_w = os.pipe()
    t0 = time.time()
    p = spawn([BIN, "--stream-id", "5", "--output", "bad", "--mode", "copy", "--retries", "1",
               "--input", "/nonexistent/x.ts", "--input", "rtmp://127.0.0.1:1/live/none",
               "--rw-timeout-ms", "1000", "--status-fd", str(st_w)], pass_fds=(st_w,), stderr=subprocess.PIPE, text=True)
    os.close(st_w)
    err = p.communicate(timeout=30)[1]
    status = os.read(st_r, 65536).decode()
    os.close(st_r)
    last = json.loads(status.splitlines()[-1])
    check(f"bad input: exit 1 after retries ({time.time() - t0:.1f}s)", p.returncode == 1, err)
    check("bad input: clear message on stderr", "no such file" in err and "giving up" in err, err)
    check("bad input: status line says failed with the reason in plain words (source 2: connection refused)",
          last["state"] == "failed" and last["last_error"] == "source 2: connection refused", str(last))

    # --- live RTMP from nginx-rtmp on a free loopback port
    rtmp_test()

    # --- audio-only and video-only sources
    make_media_single("aonly.ts", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "9",
                                   "-c:a", "aac", "-b:a", "64k"])
    make_media_single("vonly.ts", ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "9",
                                   "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"])
    for mode, src, want in (("copy", "aonly.ts", ["aac"]), ("abr", "aonly.ts", ["aac"]),
                            ("copy", "vonly.ts", ["h264"]), ("abr", "vonly.ts", ["h264"])):
        out = f"{mode}_{src[:-3]}"
        extra = ["--ladder", ladder] if mode == "abr" else []
        r = run([BIN, "--stream-id", "8", "--output", out, "--mode", mode, *extra, "--input", src], timeout=60)
        _, _, ents = playlist(f"{out}/0/index.m3u8")
        p = probe_streams(f"{out}/0/{ents[0]['seq']}.ts")
        codecs = sorted(s["codec_name"] for s in p["streams"]) if p else None
        check(f"{mode} {src}: exit 0, {len(ents)} segments of ~4 s, streams {codecs}",
              r.returncode == 0 and len(ents) == 3 and all(abs(e["dur"] - 4) < 0.2 for e in ents[:-1]) and codecs == want,
              f"{r.stderr} {ents}")

    # --- mid-stream resolution / audio format change, 33-bit wrap
    resolution_change_test(ladder)
    wrap_test(ladder)

    # --- HTTP progressive (nginx, and a server dropping mid-file), HLS vod/live, UDP unicast/multicast
    http_tests()
    cc_test(ladder)
    restart_playlist_test()
    switch_test()
    native_rate_test()
    udp_test()
    multicast_test()

    # --- valgrind on short copy and ABR jobs (not on a sanitizer build,
    # scripts/asan.sh: valgrind cannot run it, and ASan/LSan check every job)
    if os.environ.get("XTW_SANITIZED"):
        print("# valgrind jobs skipped: sanitizer build")
        return
    # the skip rule never hides a leak: a leak exits 99, valgrind's own SIGILL does not
    check("valgrind skip rule: a leak report (exit 99) is not a skip",
          valgrind_unusable(99, "==1== definitely lost: 64 bytes in 1 blocks") is None)
    check("valgrind skip rule: valgrind's own SIGILL is a skip",
          valgrind_unusable(132, "vex amd64->IR: unhandled instruction bytes: 0xF 0x1 0xF9\n"
                            "==1== Process terminating with default action of signal 4 (SIGILL)") is not None)
    r = run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite", "--error-exitcode=99",
             "--log-file=valgrind.log", BIN, "--stream-id", "6", "--output", "vg", "--mode", "copy",
             "--input", "src3.flv"], timeout=170)
    log = open("valgrind.log").read()
    why = valgrind_unusable(r.returncode, log)
    if why:
        print(f"# SKIP valgrind jobs: valgrind cannot run the worker on this CPU ({why}); "
              "not a leak, the sanitizer build (make asan) checks leaks here")
        return
    m = re.search(r"definitely lost: ([\d,]+) bytes", log)
    check("valgrind: copy job has no definite leaks and no errors",
          r.returncode == 0 and (m is None or m.group(1) == "0"), log[-800:])
    tiny = ('[{"name":"a","height":180,"video_kbps":300,"audio_kbps":64},'
            '{"name":"b","height":120,"video_kbps":150,"audio_kbps":48}]')
    t0 = time.time()
    r = run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite", "--error-exitcode=99",
             "--log-file=valgrind-abr.log", BIN, "--stream-id", "6", "--output", "vgabr", "--mode", "abr",
             "--ladder", tiny, "--input", "src3.flv"], timeout=170)
    log = open("valgrind-abr.log").read()
    m = re.search(r"definitely lost: ([\d,]+) bytes", log)
    check(f"valgrind: ABR job has no definite leaks and no errors ({time.time() - t0:.0f}s)",
          r.returncode == 0 and (m is None or m.group(1) == "0"), log[-800:])
    make_res_change("rc_vg.ts", 1.5)
    t0 = time.time()
    r = run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite", "--error-exitcode=99",
             "--log-file=valgrind-rc.log", BIN, "--stream-id", "6", "--output", "vgrc", "--mode", "abr",
             "--ladder", tiny, "--input", "rc_vg.ts"], timeout=170)
    log = open("valgrind-rc.log").read()
    m = re.search(r"definitely lost: ([\d,]+) bytes", log)
    check(f"valgrind: ABR job across a resolution + audio format change: no definite leaks, no errors ({time.time() - t0:.0f}s)",
          r.returncode == 0 and (m is None or m.group(1) == "0") and "video changed" in r.stderr, log[-800:] + r.stderr[-300:])


def make_ts(path, size, secs, rate=48000, channels=2, offset=0.0, freq=1000):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
                    "-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate={rate}", "-t", str(secs),
                    "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", str(channels), "-b:a", "64k",
                    "-output_ts_offset", str(offset), "-f", "mpegts", path], check=True)

def make_res_change(path, secs_each):
    """One MPEG-TS: 320x180 + 48 kHz stereo, then 480x360 (4:3) + 44.1 kHz mono,
    timestamps continuing (TS files cat-ed)."""
    make_ts(path + ".1", "320x180", secs_each)
    make_ts(path + ".2", "480x360", secs_each, rate=44100, channels=1, offset=secs_each, freq=500)
    with open(path, "wb") as o:
        for part in (path + ".1", path + ".2"):
            o.write(open(part, "rb").read())
            os.unlink(part)

def resolution_change_test(ladder):
    make_res_change("rc.ts", 4)
    src_frames = count_frames("rc.ts")
    t0 = time.time()
    r = run([BIN, "--stream-id", "9", "--output", "abr_rc", "--mode", "abr", "--ladder", ladder,
             "--segment-seconds", "2", "--window", "60", "--input", "rc.ts"], timeout=120)
    check(f"res change abr: exit 0, graphs rebuilt at the change ({time.time() - t0:.1f}s)",
          r.returncode == 0 and "video changed to 480x360" in r.stderr and "audio changed to 44100 Hz" in r.stderr, r.stderr)
    for v, dims in ((0, (640, 360)), (1, (426, 240))):
        d = f"abr_rc/{v}"
        ents, _ = check_variant(f"res change abr rung {v}", d, 2, 4)
        files = variant_files(d)
        shapes = set()
        for f in files:
            for st in probe_streams(f)["streams"]:
                shapes.add((st["codec_name"], st.get("width"), st.get("height")))
        check(f"res change abr rung {v}: every segment {dims[0]}x{dims[1]}",
              shapes == {("h264",) + dims, ("aac", None, None)}, str(shapes))
        rates = {(st.get("sample_rate"), st.get("channels")) for f in files for st in
                 json.loads(run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
                                 "stream=sample_rate,channels", "-of", "json", f]).stdout)["streams"]}
        check(f"res change abr rung {v}: audio stays 48000 Hz stereo", rates == {("48000", 2)}, str(rates))
        ok, bad = timeline_ok(files, 0.2)
        check(f"res change abr rung {v}: PTS/DTS continuous over every packet", ok, str(bad))
        n = sum(count_frames(f) for f in files)
        check(f"res change abr rung {v}: {n} of {src_frames} frames (<= 5 lost)", src_frames - 5 <= n <= src_frames,
              f"{n} vs {src_frames}")
    r = run([BIN, "--stream-id", "9", "--output", "copy_rc", "--mode", "copy", "--segment-seconds", "2",
             "--window", "60", "--input", "rc.ts"], timeout=60)
    files = variant_files("copy_rc/0")
    sizes = [[(s["width"], s["height"]) for s in probe_streams(f)["streams"] if s["codec_name"] == "h264"][0] for f in files]
    check("res change copy: exit 0, valid segments, 320x180 then 480x360",
          r.returncode == 0 and len(files) == 4 and sizes[0] == (320, 180) and sizes[-1] == (480, 360), f"{sizes} {r.stderr}")
    n = sum(count_frames(f) for f in files)
    check(f"res change copy: all {src_frames} frames kept, timeline continuous",
          n == src_frames and timeline_ok(files, 0.2)[0], f"{n} {timeline_ok(files, 0.2)[1]}")

def wrap_test(ladder):
    # starts 3.7 s before 2^33/90000 s: the TS timestamps wrap to 0 inside the file
    make_ts("wrap.ts", "320x180", 8, offset=95440)
    raw = [p[2] for p in packets("wrap.ts", raw=True)]
    check("wrap: source timestamps really wrap (33 bits)", raw and max(raw) > 2**33 - 90000 * 3 and min(raw) < 90000 * 5,
          f"{min(raw) if raw else None} {max(raw) if raw else None}")
    for mode in ("copy", "abr"):
        extra = ["--ladder", ladder] if mode == "abr" else []
        r = run([BIN, "--stream-id", "10", "--output", f"wrap_{mode}", "--mode", mode, *extra, "--segment-seconds", "2",
                 "--window", "60", "--input", "wrap.ts"], timeout=120)
        files = variant_files(f"wrap_{mode}/0")
        ok, bad = timeline_ok(files, 0.2)
        n = sum(count_frames(f) for f in files)
        check(f"wrap {mode}: exit 0, {len(files)} segments, {n} frames, output PTS/DTS monotonic across the wrap",
              r.returncode == 0 and len(files) == 4 and n >= 195 and ok, f"{bad} {r.stderr}")

def http_tests():
    os.makedirs("www/vod", exist_ok=True)
    os.makedirs("www/live", exist_ok=True)
    make_ts("www/prog.ts", "320x180", 4)
    src_frames = count_frames("www/prog.ts")
    # VOD HLS (1 s segments) and the parts of a live one
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", "www/prog.ts", "-c", "copy", "-f", "hls", "-hls_time", "1",
                    "-hls_playlist_type", "vod", "-hls_segment_filename", "www/vod/%d.ts", "www/vod/index.m3u8"], check=True)
    make_ts("live_src.ts", "320x180", 9, freq=700)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", "live_src.ts", "-c", "copy", "-f", "hls", "-hls_time", "1",
                    "-hls_list_size", "0", "-hls_segment_filename", "www/live/s%d.ts", "www/live/all.m3u8"], check=True)
    live_durs = [float(l[8:].strip().rstrip(",")) for l in open("www/live/all.m3u8") if l.startswith("#EXTINF:")]
    ng, port, up = start_http_nginx(os.path.join(TMP, "www"))
    check("http: nginx serving on a free loopback port", up)
    base = f"http://127.0.0.1:{port}"

    # progressive TS over HTTP: a network source is reopened at EOF, so it keeps going
    w = spawn([BIN, "--stream-id", "11", "--output", "http_prog", "--mode", "copy", "--segment-seconds", "1",
               "--window", "60", "--input", f"{base}/prog.ts"], stderr=subprocess.DEVNULL)
    got = wait_for(lambda: seg_count("http_prog/0") >= 6, 15)
    rc = stop(w)
    check(f"http progressive: segments from nginx, reopened at EOF (rc {rc})", got and rc == 0)
    check_variant("http progressive", "http_prog/0", 1, 6)

    # a server that drops the connection mid-file: resumed with a Range request
    # at the cut (paced at 1x; the first 3 segments must hold all 75 frames)
    cut = os.path.getsize("www/prog.ts") * 2 // 5
    ds = DropServer("www/prog.ts", cut)
    w = spawn([BIN, "--stream-id", "12", "--output", "http_drop", "--mode", "copy", "--segment-seconds", "1",
               "--window", "60", "--realtime", "--rw-timeout-ms", "3000", "--input", f"http://127.0.0.1:{ds.port}/prog.ts"],
              stderr=subprocess.DEVNULL)
    got = wait_for(lambda: seg_count("http_drop/0") >= 3, 15)
    rc = stop(w)
    ds.close()
    files = variant_files("http_drop/0")[:3]
    n = sum(count_frames(f) for f in files)
    check(f"http drop mid-file: resumed at the cut with Range, 3 segments, {n}/75 frames, continuous (rc {rc})",
          got and rc == 0 and f"bytes={cut}-" in ds.requests and n == 75 and timeline_ok(files, 0.2)[0],
          f"{ds.requests} {timeline_ok(files, 0.2)[1]}")

    # HLS VOD playlist with --loop: loops at 1x with continuing timestamps
    wv = spawn([BIN, "--stream-id", "13", "--output", "hls_vod", "--mode", "copy", "--segment-seconds", "1",
                "--loop", "--input", f"{base}/vod/index.m3u8"], stderr=subprocess.DEVNULL)
    # live HLS: a sliding 3-segment playlist advanced once a second by this test
    def write_live(first):
        segs = range(first, first + 3)
        txt = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1", f"#EXT-X-MEDIA-SEQUENCE:{first}"]
        for i in segs:
            txt += [f"#EXTINF:{live_durs[i]:.6f},", f"s{i}.ts"]
        open("www/live/index.m3u8.tmp", "w").write("\n".join(txt) + "\n")
        os.rename("www/live/index.m3u8.tmp", "www/live/index.m3u8")
    first = 0
    write_live(first)
    wl = spawn([BIN, "--stream-id", "14", "--output", "hls_live", "--mode", "copy", "--segment-seconds", "1",
                "--window", "60", "--input", f"{base}/live/index.m3u8"], stderr=subprocess.DEVNULL)
    t_next = time.time() + live_durs[0]
    while first + 3 < len(live_durs) and time.time() < t_next + 15:
        time.sleep(max(0, t_next - time.time()))
        first += 1
        write_live(first)
        t_next += live_durs[first]
    time.sleep(1.5)
    for p, name in ((wv, "vod --loop"), (wl, "live")):
        check(f"hls {name}: running, SIGTERM exit 0", p.poll() is None and stop(p) == 0)
    _, _, ents = playlist("hls_vod/0/index.m3u8")
    check(f"hls vod --loop: {len(ents)} segments > the 4 s playlist (looped)", len(ents) >= 6, str(ents))
    check_variant("hls vod --loop", "hls_vod/0", 1, 6)
    files = variant_files("hls_live/0")
    n = sum(count_frames(f) for f in files)
    check(f"hls live sliding playlist: {n} frames of the {len(live_durs)} x 1 s segments, continuous",
          n >= 25 * (len(live_durs) - 3) and timeline_ok(files, 0.2)[0], str(timeline_ok(files, 0.2)[1]))
    check_variant("hls live", "hls_live/0", 1, 5)
    stop(ng, signal.SIGQUIT)

def udp_sender(url, offset, secs=30, ns=()):
    return spawn([*ns, "ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                  "-f", "lavfi", "-i", "sine=frequency=800:sample_rate=48000", "-t", str(secs),
                  "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                  "-c:a", "aac", "-b:a", "64k", "-output_ts_offset", str(offset), "-f", "mpegts", url],
                 stdin=subprocess.DEVNULL)

def udp_test():
    port = free_port()
    out = f"udp://127.0.0.1:{port}?pkt_size=1316"
    w = spawn([BIN, "--stream-id", "15", "--output", "udp", "--mode", "copy", "--segment-seconds", "1",
               "--window", "60", "--rw-timeout-ms", "3000", "--input", f"udp://127.0.0.1:{port}"],
              stderr=open("udp.err", "w"))
    snd = udp_sender(out, 0)
    got = wait_for(lambda: seg_count("udp/0") >= 3, 15)
    check("udp: segments from a live MPEG-TS sender", got)
    # the sender restarts 0.5 s later at another position (+500 s): re-based, no reopen needed
    stop(snd)
    seq_before = playlist("udp/0/index.m3u8")[2][-1]["seq"]
    time.sleep(0.5)
    snd = udp_sender(out, 500)
    got = wait_for(lambda: playlist("udp/0/index.m3u8")[2][-1]["seq"] >= seq_before + 3, 15)
    check("udp: sender restarted at another position -> worker continues", got and w.poll() is None)
    rc = stop(w)
    stop(snd)
    check("udp: SIGTERM exit 0", rc == 0)
    check_variant("udp", "udp/0", 1, 6)
    ok, bad = timeline_ok(variant_files("udp/0"), 1.0)
    err = open("udp.err").read()
    check("udp: PTS/DTS monotonic across the restart (re-based on the same socket, gap < 1 s)",
          ok and "input udp" not in err, f"{bad} {err[-300:]}")

def multicast_test():
    ns = f"xtw{os.getpid()}"
    setup = [["ip", "netns", "add", ns], ["ip", "-n", ns, "link", "set", "lo", "up"],
             ["ip", "-n", ns, "link", "set", "lo", "multicast", "on"],
             ["ip", "-n", ns, "route", "add", "239.0.0.0/8", "dev", "lo"]]
    for c in setup:
        r = run(c)
        if r.returncode:
            print(f"# multicast test skipped: {' '.join(c)}: {r.stderr.strip()}")
            run(["ip", "netns", "del", ns])
            return
    try:
        exe = ["ip", "netns", "exec", ns]
        w = spawn([*exe, BIN, "--stream-id", "16", "--output", "mcast", "--mode", "copy", "--segment-seconds", "1",
                   "--window", "60", "--rw-timeout-ms", "3000", "--input", "udp://239.255.12.1:5004"],
                  stderr=subprocess.DEVNULL)
        snd = udp_sender("udp://239.255.12.1:5004?pkt_size=1316&ttl=1", 0, ns=exe)
        got = wait_for(lambda: seg_count("mcast/0") >= 4, 15)
        rc = stop(w)
        stop(snd)
        check(f"udp multicast (239.255.12.1 in netns {ns}): segments, SIGTERM exit {rc}", got and rc == 0)
        check_variant("udp multicast", "mcast/0", 1, 4)
    finally:
        run(["ip", "netns", "del", ns])

def rtmp_test():
    port = free_port()
    d = os.path.join(TMP, "nginx")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    conf = f"""load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 64; }}
rtmp {{ server {{ listen 127.0.0.1:{port}; application live {{ live on; record off; }} }} }}
http {{ access_log off; client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi; uwsgi_temp_path {d}/tmp/uwsgi; scgi_temp_path {d}/tmp/scgi; }}
"""
    open(os.path.join(d, "nginx.conf"), "w").write(conf)
    ng = spawn(["nginx", "-c", f"{d}/nginx.conf", "-p", f"{d}/", "-e", f"{d}/error.log"])
    up = wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 5)
    check("rtmp: nginx-rtmp listening", up)
    url = f"rtmp://127.0.0.1:{port}/live/x"
    pub = spawn(["ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                 "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000", "-t", "60",
                 "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                 "-c:a", "aac", "-b:a", "64k", "-f", "flv", url], stdin=subprocess.DEVNULL)
    time.sleep(1.5)
    w = spawn([BIN, "--stream-id", "7", "--output", "rtmp", "--mode", "copy", "--segment-seconds", "1",
               "--rw-timeout-ms", "3000", "--input", url])
    got = wait_for(lambda: seg_count("rtmp/0") >= 4, 20)
    check("rtmp: live segments produced", got)
    # publisher disappears: the worker must keep running and resume when it returns
    stop(pub)
    n_before = seg_count("rtmp/0")
    pub = spawn(["ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                 "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000", "-t", "60",
                 "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                 "-c:a", "aac", "-b:a", "64k", "-f", "flv", url], stdin=subprocess.DEVNULL)
    seq_before = playlist("rtmp/0/index.m3u8")[2][-1]["seq"]
    got = wait_for(lambda: playlist("rtmp/0/index.m3u8")[2][-1]["seq"] >= seq_before + 3, 30)
    check(f"rtmp: publisher restart -> worker reconnects and continues ({n_before} segs before)",
          got and w.poll() is None)
    t0 = time.time()
    rc = stop(w)
    check(f"rtmp: SIGTERM exit 0 ({time.time() - t0:.2f}s)", rc == 0 and time.time() - t0 < 1.5)
    check_variant("rtmp", "rtmp/0", 1, 4, contiguous_pts=False)
    stop(pub)
    stop(ng, signal.SIGQUIT)

def cc_test(ladder):
    """Continuity counters run on across segment files within a worker's life;
    a kill -9 + restart is flagged (discontinuity_indicator on each PID's first
    packet, #EXT-X-DISCONTINUITY); the same for every ABR variant."""
    make_media("cc_src.mp4", 6)
    for mode, extra in (("copy", []), ("abr", ["--ladder", ladder, "--preset", "ultrafast"])):
        out = f"cc_{mode}"
        cmd = [BIN, "--stream-id", "31", "--output", out, "--mode", mode, "--segment-seconds", "1",
               "--window", "60", "--loop", *extra, "--input", "cc_src.mp4"]
        w = spawn(cmd, stderr=subprocess.DEVNULL)
        wait_for(lambda: seg_count(f"{out}/0") >= 4, 30)
        stop(w, signal.SIGKILL)
        first = seg_count(f"{out}/0")
        w = spawn(cmd, stderr=subprocess.DEVNULL)
        wait_for(lambda: seg_count(f"{out}/0") >= first + 4, 30)
        rc = stop(w)
        variants = sorted(int(v) for v in os.listdir(out) if v.isdigit())
        for v in variants:
            d = f"{out}/{v}"
            _, _, ents = playlist(f"{d}/index.m3u8")
            files = [f"{d}/{e['seq']}.ts" for e in ents]
            missing = [f for f in files if not os.path.exists(f)]
            check(f"cc {mode} v{v}: every segment the playlist names exists", not missing, str(missing))
            files = [f for f in files if f not in missing]
            data = joined(files)
            bad, flagged, n = cc_check(data)
            discs = [e["seq"] for e in ents if e["disc"]]
            check(f"cc {mode} v{v}: {len(files)} segments over a kill -9 (rc {rc}), {n} packets, "
                  f"counters continuous across files, {flagged} flagged packets",
                  len(files) >= first + 3 and not bad and len(discs) == 1 and flagged >= 3, f"{bad[:5]} {discs}")
            # the flags sit on the first packets of the segment after the restart
            i = [e["seq"] for e in ents].index(discs[0]) if discs else 0
            before = joined(files[:i])
            _, fl_before, _ = cc_check(before)
            _, fl_seg, _ = cc_check(open(files[i], "rb").read())
            check(f"cc {mode} v{v}: flags only at the restart ({fl_before} before, {fl_seg} there)",
                  fl_before == 0 and fl_seg == flagged)
            open(f"{out}/joined{v}.ts", "wb").write(data)
            c = ffmpeg_complaints(f"{out}/joined{v}.ts")
            check(f"cc {mode} v{v}: ffmpeg reads the joined segments without damage reports", not c, str(c[:3]))

class OnceServer:
    """HTTP server that serves one file to the first GET, 404 afterwards."""
    def __init__(self, path):
        import http.server, threading
        data, outer = open(path, "rb").read(), self
        self.gets = 0
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass
            def do_GET(self):
                outer.gets += 1
                if outer.gets > 1:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "video/mp2t")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
    def close(self):
        self.srv.shutdown()
        self.srv.server_close()

def switch_test():
    """Copy mode, the first source disappears (404 after one pass): the
    worker fails over to the backup; that splice is flagged in the TS
    (discontinuity_indicator) and the playlist (#EXT-X-DISCONTINUITY), the
    counters are otherwise continuous, and the reason is in plain words."""
    make_ts("sw_a.ts", "320x180", 3)
    make_ts("sw_b.ts", "320x180", 3, freq=600)
    srv = OnceServer("sw_a.ts")
    r, wfd = os.pipe()
    lines = status_reader(r)
    w = spawn([BIN, "--stream-id", "33", "--output", "sw", "--mode", "copy", "--segment-seconds", "1",
               "--window", "60", "--loop", "--rw-timeout-ms", "2000", "--status-fd", str(wfd),
               "--input", f"http://127.0.0.1:{srv.port}/a.ts", "--input", "sw_b.ts"],
              pass_fds=(wfd,), stderr=subprocess.DEVNULL)
    os.close(wfd)
    wait_for(lambda: seg_count("sw/0") >= 6, 20)
    rc = stop(w)
    srv.close()
    _, _, ents = playlist("sw/0/index.m3u8")
    files = [f"sw/0/{e['seq']}.ts" for e in ents]
    bad, flagged, n = cc_check(joined(files))
    discs = [i for i, e in enumerate(ents) if e["disc"]]
    fl_at = cc_check(open(files[discs[0]], "rb").read())[1] if discs else 0
    errs = [l["last_error"] for _, l in lines if l and l["last_error"]]
    check(f"switch: {len(ents)} segments (rc {rc}), {n} packets, counters continuous, one "
          f"#EXT-X-DISCONTINUITY at the switch with {fl_at} of {flagged} flagged packets",
          len(ents) >= 5 and not bad and len(discs) == 1 and 0 < discs[0] and fl_at == flagged >= 3,
          f"{bad[:3]} {discs}")
    check(f"switch: the failed source's reason in plain words ({errs[:1]})", "source 1: HTTP 404" in errs)

def restart_playlist_test():
    """A restarted worker (kill -9, a smaller window, a source that never
    answers) rewrites index.m3u8 at once: it never names a deleted segment."""
    make_media("rp_src.mp4", 6)
    cmd = [BIN, "--stream-id", "32", "--output", "rp", "--mode", "copy", "--segment-seconds", "1", "--loop"]
    w = spawn([*cmd, "--window", "8", "--input", "rp_src.mp4"], stderr=subprocess.DEVNULL)
    wait_for(lambda: seg_count("rp/0") >= 8, 30)
    stop(w, signal.SIGKILL)
    w = spawn([*cmd, "--window", "3", "--retries", "1000", "--input", f"http://127.0.0.1:{free_port()}/x.ts"],
              stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    _, _, ents = playlist("rp/0/index.m3u8")
    missing = [e["seq"] for e in ents if not os.path.exists(f"rp/0/{e['seq']}.ts")]
    check(f"restart: playlist of {len(ents)} entries names no deleted segment (missing {missing})",
          ents and not missing and len(ents) <= 3 and w.poll() is None)
    stop(w)

def status_reader(fd):
    """Collects the worker's health lines (parsed; None for an unparsable one)."""
    import threading
    lines = []
    def rd():
        with os.fdopen(fd, "r", errors="replace") as f:
            for l in f:
                try:
                    lines.append((time.time(), json.loads(l)))
                except ValueError:
                    lines.append((time.time(), None))
    threading.Thread(target=rd, daemon=True).start()
    return lines

def pdt_epoch(s):
    import datetime
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()

def native_rate_test():
    """A 20 s file behind a real HTTP server (nginx) is read at ~1x with the
    default --read-native-rate auto: speed 0.8..1.25 over 20 s, PDT follows
    the wall clock, one GET per loop; --read-native-rate off still runs ahead."""
    os.makedirs("www_nr", exist_ok=True)
    make_ts("www_nr/lobby.ts", "320x180", 20)
    ng, port, up = start_http_nginx(os.path.join(TMP, "www_nr"))
    log = os.path.join(TMP, "nginx-http", "access.log")
    before = open(log).read().count("GET /lobby.ts") if os.path.exists(log) else 0
    r, wfd = os.pipe()
    lines = status_reader(r)
    t0 = time.time()
    # no --loop (that used to imply pacing): auto must find the file by itself
    w = spawn([BIN, "--stream-id", "41", "--output", "nr", "--mode", "copy", "--segment-seconds", "1",
               "--window", "60", "--status-fd", str(wfd), "--input", f"http://127.0.0.1:{port}/lobby.ts"],
              pass_fds=(wfd,), stderr=subprocess.DEVNULL)
    os.close(wfd)
    time.sleep(4)
    _, _, e0 = playlist("nr/0/index.m3u8")
    m0, t1 = sum(e["dur"] for e in e0), time.time()
    time.sleep(20)
    _, _, e1 = playlist("nr/0/index.m3u8")
    m1, t2 = sum(e["dur"] for e in e1), time.time()
    speed = (m1 - m0) / (t2 - t1)
    last = e1[-1]
    pdt_err = pdt_epoch(last["pdt"]) + last["dur"] - t2
    running = w.poll() is None
    stop(w)
    time.sleep(0.3)
    gets = open(log).read().count("GET /lobby.ts") - before
    media = m1
    check(f"native rate: http file read at {speed:.3f}x over 20 s (0.8..1.25)", running and 0.8 <= speed <= 1.25)
    check(f"native rate: PDT of the newest segment {pdt_err:+.1f} s from the wall clock (within 5 s)", abs(pdt_err) <= 5)
    check(f"native rate: {gets} GETs for {media:.0f} s of a 20 s file (one per loop)",
          1 <= gets <= int(media // 20) + 1)
    bad = [l for _, l in lines if l is None]
    states = [l["state"] for _, l in lines if l]
    check(f"native rate: {len(lines)} health lines, all parse, running, speeds <= 1.5 after 3 s",
          not bad and "running" in states and
          all(l["speed"] <= 1.5 for t, l in lines if l and t > t0 + 3 and l["state"] == "running"),
          str([l for _, l in lines][-5:]))
    # off: the same source runs ahead of real time (the override works)
    w = spawn([BIN, "--stream-id", "42", "--output", "nr_off", "--mode", "copy", "--segment-seconds", "1",
               "--window", "60", "--loop", "--read-native-rate", "off", "--input", f"http://127.0.0.1:{port}/lobby.ts"],
              stderr=subprocess.DEVNULL)
    time.sleep(4)
    stop(w)
    _, _, e = playlist("nr_off/0/index.m3u8")
    m = sum(x["dur"] for x in e)
    check(f"native rate off: {m:.0f} s of media in 4 s (runs ahead)", m > 12)
    stop(ng, signal.SIGQUIT)

def only(names):
    """XTW_ONLY=fn,fn runs just those test functions (for development)."""
    shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(TMP)
    os.chdir(TMP)
    ladder = ('[{"name":"360p","height":360,"video_kbps":500,"audio_kbps":96},'
              '{"name":"240p","height":240,"video_kbps":250,"audio_kbps":96}]')
    for n in names.split(","):
        f = globals()[n]
        f(ladder) if f.__code__.co_argcount else f()

try:
    only(os.environ["XTW_ONLY"]) if os.environ.get("XTW_ONLY") else main()
except Exception as e:  # a crash of the driver is a failure, not a pass
    import traceback
    traceback.print_exc()
    failed += 1
finally:
    for c in children:  # TERM first: nginx's master then takes its workers down
        if c.poll() is None:
            os.kill(c.pid, signal.SIGTERM)
    for c in children:
        try:
            c.wait(3)
        except subprocess.TimeoutExpired:
            os.kill(c.pid, signal.SIGKILL)
            c.wait()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
