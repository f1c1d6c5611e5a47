# Gated delivery, part 1: HLS playlists and tokens, continuous TS, the
# checks in XC's order with their codes, traversal attempts, VOD.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use Test::Nginx::Socket 'no_plan';
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();
master_on();
workers(2);

make_media();
master(11, 1);
publish(11, 0, 0, 1, 2);
master(13, 2);
publish(13, 0, 0, 1);
publish(13, 1, 0, 1);

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_root $TEST_NGINX_XT_VOD;
    xtream_vod_location /_xtvod/;
    xtream_ts_grace 1500ms;
    xtream_ts_poll 100ms;
    xtream_ondemand_wait 1s;
    xtream_ondemand_stale 0;    # fixture media is published once
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
CONF

our $Config = <<'CONF';
    location = /player_api.php { xtream_api; }
    location /_xtvod/ {
        internal;
        alias $TEST_NGINX_XT_VOD/;
        types { video/mp4 mp4; video/x-matroska mkv; }
    }
    location / { xtream_delivery; }
CONF

dv_blocks($HttpConfig, $Config);
XtreamTest::hooks();

# --- dv_check: perl run after the block's first response, with $body

run_tests();

__DATA__

=== TEST 1: one variant: the media playlist, rewritten with tokens, no-cache
--- request
GET /live/demo/demo-pass/11.m3u8
--- response_headers
Content-Type: application/vnd.apple.mpegurl
Cache-Control: no-cache
--- response_body_like
^#EXTM3U\n(?s:.*)#EXT-X-MEDIA-SEQUENCE:0\n(?s:.*)/hls/11/0/2\.ts\?t=\d+_\d+_[0-9a-f]{16}_0_[0-9a-f]{32}
--- dv_check
my @urls = $body =~ m{^(/hls/\S+)$}mg;
is(scalar @urls, 3, "three segment URLs");
my ($st, $h, $b) = req($urls[2]);
is($st, 200, "segment with its token: 200");
is($h->{'content-type'}, 'video/mp2t', "segment content type");
ok($b eq slurp_b("$Media/11/0/2.ts"), "segment bytes are the file's");
my ($u, $tok) = $urls[2] =~ m{^(.*)\?t=(.*)$};
my ($exp, $line, $sess, $var, $mac) = split /_/, $tok;
# forged mac, missing token, another stream, another variant, expired
(my $forged = $tok) =~ s/(.)$/$1 eq '0' ? '1' : '0'/e;
is((req("$u?t=$forged"))[0], 403, "forged token: 403");
is((req($u))[0], 403, "no token: 403");
is((req("$u?t=garbage"))[0], 403, "malformed token: 403");
is((req("/hls/13/0/1.ts?t=$tok"))[0], 403, "token moved to another stream: 403");
is((req("/hls/11/1/1.ts?t=$tok"))[0], 403, "token moved to another variant: 403");
my $past = sign_token(int(time) - 5, $line, $sess, 11, 0);
is((req("/hls/11/0/1.ts?t=$past"))[0], 403, "expired token: 403");
my $fresh = sign_token(int(time) + 30, $line, $sess, 11, 0);
is((req("/hls/11/0/1.ts?t=$fresh"))[0], 200, "the same token, not expired: 200 (signing agrees)");
is((req("/hls/11/0/77.ts?t=$fresh"))[0], 404, "a segment that is not there: 404");
# one viewer = one session: the same client gets the same session id
my ($st2, $h2, $b2) = req("/live/demo/demo-pass/11.m3u8");
my ($sess2) = $b2 =~ m{\?t=\d+_\d+_([0-9a-f]{16})_};
is($sess2, $sess, "same line, address, stream: same session");
my ($st3, $h3, $b3) = req("/live/demo/demo-pass/11.m3u8", ua => "OtherPlayer/2");
my ($sess3) = $b3 =~ m{\?t=\d+_\d+_([0-9a-f]{16})_};
is($sess3, $sess, "another user agent: the same session (a client sets its UA per request)");
my ($st4, $h4, $b4) = req("/live/demo/demo-pass/11.m3u8", from => '127.0.0.2');
my ($sess4) = $b4 =~ m{\?t=\d+_\d+_([0-9a-f]{16})_};
isnt($sess4, $sess, "another address: another session");
is((req("/demo/demo-pass/11.m3u8"))[0], 200, "short form /U/P/ID.m3u8: 200");
--- no_error_log
[alert]
[crit]



=== TEST 2: several variants: the master, rewritten with per-variant tokens
--- request
GET /live/demo/demo-pass/13.m3u8
--- response_headers
Content-Type: application/vnd.apple.mpegurl
--- response_body_like
^#EXTM3U\n(?s:.*)\n/hls/13/0/index\.m3u8\?t=\d+_\d+_[0-9a-f]{16}_0_[0-9a-f]{32}\n(?s:.*)\n/hls/13/1/index\.m3u8\?t=\d+_\d+_[0-9a-f]{16}_1_[0-9a-f]{32}
--- dv_check
my @v = $body =~ m{^(/hls/\S+)$}mg;
my ($st, $h, $b) = req($v[1]);
is($st, 200, "variant playlist by token: 200");
like($b, qr{^/hls/13/1/1\.ts\?t=\d+_\d+_[0-9a-f]{16}_1_[0-9a-f]{32}$}m, "variant playlist segment URLs");
my ($seg) = $b =~ m{^(/hls/13/1/1\.ts\S+)$}m;
my ($st2, $h2, $b2) = req($seg);
is($st2, 200, "variant segment: 200");
ok($b2 eq slurp_b("$Media/13/1/1.ts"), "variant segment bytes");
(my $other = $v[1]) =~ s{/13/1/}{/13/0/};
is((req($other))[0], 403, "variant 1's token on variant 0's playlist: 403");
--- no_error_log
[alert]
[crit]



=== TEST 3: continuous TS starts at the live edge and follows new segments
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
publish(11, 0, 0, 1, 2);
my $s = send_req("/live/demo/demo-pass/11.ts");
sleep 0.5;
publish(11, 0, 1, 2, 3);
sleep 0.4;
publish(11, 0, 2, 3, 4);
my $resp = read_all($s, 6);   # ends by itself after xtream_ts_grace
my ($st, $h, $b) = parse_resp($resp);
is($st, 200, "TS: 200");
is($h->{'content-type'}, 'video/mp2t', "TS content type");
my $want = join '', map { slurp_b("$Media/11/0/$_.ts") } 2, 3, 4;
is(length $b, length $want, "TS length is segments 2+3+4");
ok($b eq $want, "TS bytes are segments 2, 3, 4 concatenated");
for my $t ("/demo/demo-pass/11", "/demo/demo-pass/11.ts") {
    my ($st2, $h2, $b2) = req($t, secs => 4);
    is($st2, 200, "$t: 200");
    is($h2->{'content-type'}, 'video/mp2t', "$t: video/mp2t");
    ok(length $b2 >= length(slurp_b("$Media/11/0/4.ts")), "$t: media bytes");
}
--- no_error_log
[alert]
[crit]



=== TEST 4: checks in XC's order, with XC's codes, never media for a bad request
--- request
GET /live/demo/wrong-pass/11.ts
--- error_code: 401
--- response_body:
--- dv_check
my @cases = (
  ["/live/nobody/wrong-pass/11.ts", 401, "unknown user"],
  ["/movie/demo/wrong-pass/1.mp4", 401, "VOD wrong password"],
  ["/hls/11/0/1.ts", 403, "segment without token"],
  ["/live/expired/exp-pass/11.ts", 403, "expired line"],
  ["/live/banned/ban-pass/11.m3u8", 403, "banned line"],
  ["/live/iplock/iplock-pass/11.ts", 403, "address not allowed"],
  ["/live/ipok/ipok-pass/11.m3u8", 200, "address allowed by CIDR"],
  ["/live/ualock/ualock-pass/11.m3u8", 403, "user agent not allowed"],
  ["/live/tsonly/tsonly-pass/11.m3u8", 405, "output m3u8 not allowed"],
  ["/live/demo/demo-pass/41.ts", 406, "stream outside the bouquets"],
  ["/live/demo/demo-pass/999.ts", 406, "unknown stream"],
  ["/live/demo/demo-pass/12.ts", 503, "on-demand stream that does not start (TS)"],
  ["/live/demo/demo-pass/12.m3u8", 503, "on-demand stream that does not start (HLS)"],
  ["/live/demo/demo-pass/14.ts", 404, "always-on stream that is not running (TS)"],
  ["/live/demo/demo-pass/abc.ts", 400, "non-numeric id"],
  ["/timeshift/demo/demo-pass/60/2024-01-01:10-00/11.ts", 404, "timeshift: not yet"],
);
for my $c (@cases) {
    my ($st, $h, $b) = req($c->[0], secs => 3, ua => 'Tester/1');
    is($st, $c->[1], "$c->[2]: $c->[1]");
    if ($st >= 400) {
        is(length $b, 0, "$c->[2]: empty body");
    }
}
is((req("/live/ualock/ualock-pass/11.m3u8", ua => 'GoodPlayer/1.0'))[0], 200, "allowed user agent: 200");
is((req("/live/demo/demo-pass/11.ts", method => 'POST'))[0], 405, "POST: 405");
--- no_error_log
[alert]
[crit]



=== TEST 5: traversal attempts get 4xx and nothing from disk
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my @t = (
  "/live/demo/demo-pass/../../../../etc/passwd",
  "/movie/demo/demo-pass/..%2f..%2fetc%2fpasswd",
  "/movie/demo/demo-pass/%2e%2e/1.mp4",
  "/movie/demo/demo-pass/1.mp4%00.ts",
  "/movie/demo/demo-pass/1%2emp4",
  "/live/demo%2fdemo-pass/11.ts",
  "/hls/11/0/..%2f..%2f..%2fetc%2fpasswd?t=x",
  "/hls/11/0/%2e%2e/index.m3u8?t=x",
  "/hls/11/../11/0/1.ts",
  "/live/demo/demo-pass/11.ts%5c..%5c",
  "/_xtvod/films/a.mp4",
  "/_xtvod/../../../../etc/passwd",
  "/movie/demo/demo-pass/1.mp4/..",
  "/series/demo/demo-pass/101.mp4/../../1.mp4",
);
for my $t (@t) {
    my ($st, $h, $b) = req($t, secs => 3);
    like($st, qr/^4\d\d$/, "$t: 4xx ($st)");
    unlike($b, qr/root:|ftyp|\x47/, "$t: no file bytes");
}
--- no_error_log
[alert]
[crit]



=== TEST 6: VOD and episodes: static serving after the checks; Range 206/416
--- request
GET /movie/demo/demo-pass/1.mp4
--- response_headers
Content-Type: video/mp4
Accept-Ranges: bytes
--- dv_check
my $file = slurp_b("$Vod/films/a.mp4");
ok($body eq $file, "full movie bytes");
my ($st, $h, $b) = req("/movie/demo/demo-pass/1.mp4", range => "bytes=100-199");
is($st, 206, "Range: 206");
is($h->{'content-range'}, "bytes 100-199/" . length($file), "Content-Range");
ok($b eq substr($file, 100, 100), "range bytes");
($st) = req("/movie/demo/demo-pass/1.mp4", range => "bytes=" . (length($file) + 10) . "-");
is($st, 416, "unsatisfiable range: 416");
($st, $h, $b) = req("/movie/demo/demo-pass/1.mp4", range => "bytes=" . (length($file) - 10) . "-");
is($st, 206, "bytes=N-: 206");
is(length $b, 10, "bytes=N-: the tail");
is((req("/movie/demo/demo-pass/1.mkv"))[0], 404, "wrong extension: 404");
is((req("/movie/demo/demo-pass/2.mp4"))[0], 406, "movie outside the bouquets: 406");
is((req("/movie/demo/demo-pass/3.mkv"))[0], 404, "movie whose file is missing: 404");
is((req("/movie/demo/demo-pass/99.mp4"))[0], 406, "unknown movie: 406");
($st, $h, $b) = req("/series/demo/demo-pass/101.mp4", range => "bytes=0-9");
is($st, 206, "episode Range: 206");
ok($b eq substr(slurp_b("$Vod/shows/s1e1.mp4"), 0, 10), "episode bytes");
is((req("/series/demo/demo-pass/101.mkv"))[0], 404, "episode wrong extension: 404");
is((req("/series/demo/demo-pass/102.mp4"))[0], 406, "unknown episode: 406");
--- no_error_log
[alert]
[crit]
