# Gated delivery, part 4: max_connections for movies and episodes (an
# evicted transfer is cut, not only uncounted), HEAD probes that neither read
# media nor count, HLS tokens bound to the viewer's address and User-Agent,
# and the access-log variables on every kind.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use Test::Nginx::Socket 'no_plan';
use IO::Socket::UNIX ();
use Socket qw(PF_INET SOCK_STREAM SOL_SOCKET SO_RCVBUF inet_aton pack_sockaddr_in);
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
our ($Vod, $Media);

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

# 20 MB movie and episode (static serving does not care what is inside)
our $Big = 20 * 1024 * 1024;
{
    my $data = join '', map { chr(($_ * 7) & 0xff) x 4096 } 0 .. ($Big / 4096 - 1);
    spew_b("$Vod/films/a.mp4", $data);
    spew_b("$Vod/shows/s1e1.mp4", $data);
}

our $Base = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_root $TEST_NGINX_XT_VOD;
    xtream_vod_location /_xtvod/;
    xtream_ts_poll 100ms;
    xtream_ondemand_stale 0;    # fixture media is published once
    xtream_event_socket $TEST_NGINX_XT_MEDIA/../run/dv204.sock;
    log_format xt '$xtream_kind|$xtream_line|$xtream_line_id|$xtream_stream|$xtream_session|$status|$request_method';
CONF

our $Config = <<'CONF';
    location = /player_api.php { xtream_api; }
    location /_xtvod/ {
        internal;
        alias $TEST_NGINX_XT_VOD/;
        types { video/mp4 mp4; video/x-matroska mkv; }
        sendfile on;
        access_log logs/xt.log xt;
    }
    location / { xtream_delivery; access_log logs/xt.log xt; }
CONF

dv_blocks($Base, $Config);
XtreamTest::hooks();


# a client with a tiny receive window, set before connect (so the window
# stays small): it reads nothing until told to
sub slow_req {
    my ($target, %o) = @_;
    socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
    setsockopt($s, SOL_SOCKET, SO_RCVBUF, 4096) or die "rcvbuf: $!";
    if ($o{from}) {
        bind($s, pack_sockaddr_in(0, inet_aton($o{from}))) or die "bind: $!";
    }
    connect($s, pack_sockaddr_in($ENV{TEST_NGINX_SERVER_PORT}, inet_aton('127.0.0.1')))
        or die "connect: $!";
    my $h = "GET $target HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    $h .= "User-Agent: $o{ua}\r\n" if defined $o{ua};
    syswrite($s, "$h\r\n");
    return $s;
}

# reads the head (status) only
sub head_of {
    my $s = shift;
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $end = time + 3;
    while ($buf !~ /\r\n\r\n/ && time < $end) {
        last unless $sel->can_read($end - time);
        my $n = sysread($s, $buf, 1, length $buf);    # byte by byte: keep the body unread
        last unless $n;
    }
    my ($st) = $buf =~ m{^HTTP/1\.\d (\d{3})};
    my ($len) = $buf =~ m{^Content-Length:\s*(\d+)}mi;
    return ($st // 0, $len);
}

# drains the body to EOF; returns the number of bytes
sub drain {
    my ($s, $secs) = @_;
    my $sel = IO::Select->new($s);
    my ($n, $end) = (0, time + $secs);
    while ((my $left = $end - time) > 0) {
        last unless $sel->can_read($left);
        my $r = sysread($s, my $chunk, 1 << 20);
        last unless $r;
        $n += $r;
    }
    return $n;
}

sub active_cons {
    my ($u, $p) = @_;
    my ($st, $h, $b) = req("/player_api.php?username=$u&password=$p");
    my ($n) = $b =~ /"active_cons":"(\d+)"/;
    return $n // -1;
}

sub sink_open {
    my $path = "$Media/../run/dv204.sock";
    unlink $path;
    my $s = IO::Socket::UNIX->new(Type => Socket::SOCK_DGRAM(), Local => $path) or die "sink: $!";
    return $s;
}

sub sink_read {
    my $sink = shift;
    my @ev;
    my $sel = IO::Select->new($sink);
    while ($sel->can_read(0.3)) { $sink->recv(my $d, 2048); push @ev, JSON::PP::decode_json($d) }
    return @ev;
}

sub status_of { return (head_of(shift))[0] }

sub master_pid {
    my $pid = XtreamTest::slurp(Test::Nginx::Socket::server_root() . "/logs/nginx.pid");
    chomp $pid;
    return $pid;
}

run_tests();

__DATA__

=== TEST 1: replace-oldest: an evicted movie download is cut, the newcomer gets the whole file; one close each; clean reload
--- request
GET /player_api.php?username=one&password=one-pass
--- response_body_like eval
qr/"active_cons":"0"/
--- dv_check
my $sink = sink_open();
my $a = slow_req("/movie/one/one-pass/1.mp4", ua => 'First/1');
my ($st, $len) = head_of($a);
is($st, 200, "first download: 200");
is($len, $Big, "first download: Content-Length of the whole file");
sleep 0.3;
is(active_cons('one', 'one-pass'), 1, "one transfer counted");
my $b = slow_req("/movie/one/one-pass/1.mp4", ua => 'Second/1');
($st, $len) = head_of($b);
is($st, 200, "second download of the same line: 200 (the newcomer wins)");
# nothing read meanwhile (reading would let it finish at loopback speed)
sleep 0.8;
my $t0 = time;
my $got_a = drain($a, 5);
ok(time - $t0 < 4, "the first transfer was ended by the server (EOF)");
ok($got_a < $Big, "the first transfer got less than the file ($got_a bytes)");
close $a;
is(active_cons('one', 'one-pass'), 1, "active_cons 1 while the second runs");
my $got_b = drain($b, 20);
close $b;
is($got_b, $Big, "the second got the whole file");
sleep 0.3;
is(active_cons('one', 'one-pass'), 0, "both released");
my @ev = sink_read($sink);
my @open = grep { $_->{ev} eq 'open' && $_->{kind} eq 'movie' } @ev;
my @close = grep { $_->{ev} eq 'close' && $_->{kind} eq 'movie' } @ev;
is(scalar @open, 2, "two opens");
is(scalar @close, 2, "two closes (one per transfer)");
my %c; $c{$_->{conn}}++ for @close;
ok(!grep({ $_ != 1 } values %c), "each connection closed once");
my ($ca) = grep { $_->{ua} eq 'First/1' } @close;
ok($ca && $ca->{bytes} < $Big, "the evicted transfer sent less than the file ($ca->{bytes})");
# the same for an episode, then a reload with an evicted transfer behind us
my $e1 = slow_req("/series/one/one-pass/101.mp4");
is((head_of($e1))[0], 200, "episode: 200");
sleep 0.2;
my $e2 = slow_req("/series/one/one-pass/101.mp4");
is((head_of($e2))[0], 200, "second episode request: 200");
sleep 0.8;
my $got_e = drain($e1, 5);
ok($got_e < $Big, "the first episode transfer was cut ($got_e bytes)");
close $e1;
my $log = XtreamTest::slurp(Test::Nginx::Socket::server_root() . "/logs/xt.log");
like($log, qr/^movie\|one\|2\|1\|-\|200\|GET$/m, "access log of a movie transfer");
kill 'HUP', master_pid();
is(drain($e2, 20), $Big, "a transfer running over a reload completes");
close $e2;
sleep 0.5;
is(active_cons('one', 'one-pass'), 0, "released after the reload");
unlink "$Media/../run/dv204.sock";
--- error_log
movie transfer ended, replaced by a newer connection
episode transfer ended, replaced by a newer connection
--- no_error_log
[alert]
[crit]
[emerg]
open socket
double free
aborting



=== TEST 2: reject: the second download gets 403 and the first completes
--- dv_http
    xtream_max_connections_policy reject;
--- request
GET /player_api.php?username=one&password=one-pass
--- dv_check
my $a = slow_req("/movie/one/one-pass/1.mp4");
is((head_of($a))[0], 200, "first download: 200");
sleep 0.3;
is((req("/movie/one/one-pass/1.mp4"))[0], 403, "second download: 403");
is((req("/series/one/one-pass/101.mp4"))[0], 403, "an episode beside it: 403");
is(active_cons('one', 'one-pass'), 1, "active_cons 1");
sleep 0.6;
is(drain($a, 20), $Big, "the first download completes");
close $a;
sleep 0.3;
is(active_cons('one', 'one-pass'), 0, "released");
--- no_error_log
[alert]
[crit]
transfer ended



=== TEST 3: HEAD probes answer without counting, evicting or reading the playlist
--- request
HEAD /live/one/one-pass/11.m3u8
--- response_headers
Content-Type: application/vnd.apple.mpegurl
Cache-Control: no-cache
--- dv_check
is(active_cons('one', 'one-pass'), 0, "a HEAD on a playlist admits no session");
my $a = slow_req("/movie/one/one-pass/1.mp4");
is((head_of($a))[0], 200, "a download runs");
sleep 0.3;
my ($st, $h) = req("/movie/one/one-pass/1.mp4", method => 'HEAD');
is($st, 200, "HEAD on the movie: 200");
is($h->{'content-length'}, $Big, "HEAD on the movie: the file's length");
($st, $h) = req("/live/one/one-pass/11.ts", method => 'HEAD');
is($st, 200, "HEAD on a TS stream: 200");
is($h->{'content-type'}, 'video/mp2t', "HEAD on a TS stream: video/mp2t");
($st, $h) = req("/live/one/one-pass/11.m3u8", method => 'HEAD');
is($st, 200, "HEAD on the HLS playlist: 200");
ok(!defined $h->{'content-length'}, "no length (the playlist was not read)");
is(active_cons('one', 'one-pass'), 1, "only the download counts");
sleep 0.6;
is(drain($a, 20), $Big, "the download was not evicted by the HEADs");
close $a;
sleep 0.3;
is((req("/live/one/one-pass/99.m3u8", method => 'HEAD'))[0], 406, "HEAD still runs the checks (406)");
is((req("/live/one/bad-pass/11.ts", method => 'HEAD'))[0], 401, "HEAD still runs the checks (401)");
my ($pst, $ph, $pl) = req("/live/demo/demo-pass/13.m3u8", ua => 'H/1');
my ($v) = $pl =~ m{^(/hls/13/0/index\.m3u8\S+)$}m;
($st, $h) = req($v, method => 'HEAD', ua => 'H/1');
is($st, 200, "HEAD on a variant playlist by token: 200");
ok(!defined $h->{'content-length'}, "variant HEAD: not read");
--- no_error_log
[alert]
[crit]



=== TEST 4: HLS tokens are bound to the viewer's address (not its User-Agent, which it sets per request); the UA lock is checked on every request
--- request
GET /live/demo/demo-pass/11.m3u8
--- more_headers
User-Agent: Bound/1
--- dv_check
my ($seg) = $body =~ m{^(/hls/11/0/\d+\.ts\S+)$}m;
ok($seg, "a segment URL");
is((req($seg, ua => 'Bound/1'))[0], 200, "same address and UA: 200");
is((req($seg, ua => 'Other/1'))[0], 200, "another UA, same address: 200 (the same session)");
is((req($seg))[0], 200, "no UA: 200");
my $s = slow_req($seg, ua => 'Bound/1', from => '127.0.0.2');
is((head_of($s))[0], 403, "another address: 403");
close $s;
my ($st, $h, $pl) = req("/live/demo/demo-pass/13.m3u8", ua => 'Bound/1');
my ($v) = $pl =~ m{^(/hls/13/1/index\.m3u8\S+)$}m;
is((req($v, ua => 'Bound/1'))[0], 200, "variant playlist, same viewer: 200");
is((req($v, ua => 'Thief/1'))[0], 200, "variant playlist, another UA: 200");
# the ua lock: a token cannot carry a refused UA past it
is((req("/live/ualock/ualock-pass/11.m3u8", ua => 'BadPlayer/1'))[0], 403, "allowed_uas on the playlist");
($st, $h, $pl) = req("/live/ualock/ualock-pass/11.m3u8", ua => 'GoodPlayer/1.0');
is($st, 200, "allowed UA: 200");
($seg) = $pl =~ m{^(/hls/11/0/\d+\.ts\S+)$}m;
is((req($seg, ua => 'BadPlayer/1'))[0], 403, "its token from a refused UA: 403");
--- error_log
another address
--- no_error_log
[alert]
[crit]



=== TEST 5: access-log variables on every kind
--- request
GET /live/demo/demo-pass/11.m3u8
--- more_headers
User-Agent: Log/1
--- dv_check
my ($seg) = $body =~ m{^(/hls/11/0/\d+\.ts\S+)$}m;
is((req($seg, ua => 'Log/1'))[0], 200, "segment");
my ($st, $h, $pl) = req("/live/demo/demo-pass/13.m3u8", ua => 'Log/1');
my ($v) = $pl =~ m{^(/hls/13/0/index\.m3u8\S+)$}m;
is((req($v, ua => 'Log/1'))[0], 200, "variant playlist");
is((req("/live/demo/demo-pass/11.ts", secs => 0.5))[0], 200, "ts");
is((req("/movie/demo/demo-pass/1.mp4", range => 'bytes=0-9'))[0], 206, "movie");
is((req("/series/demo/demo-pass/101.mp4", range => 'bytes=0-9'))[0], 206, "episode");
is((req("/live/demo/demo-pass/99.ts"))[0], 406, "refused");
sleep 0.3;
my $log = XtreamTest::slurp(Test::Nginx::Socket::server_root() . "/logs/xt.log");
like($log, qr/^live-hls\|demo\|1\|11\|[0-9a-f]{16}\|200\|GET$/m, "live-hls");
like($log, qr/^hls-segment\|-\|1\|11\|[0-9a-f]{16}\|200\|GET$/m, "hls-segment (token: no username)");
like($log, qr/^hls-playlist\|-\|1\|13\|[0-9a-f]{16}\|200\|GET$/m, "hls-playlist");
like($log, qr/^live-ts\|demo\|1\|11\|-\|200\|GET$/m, "live-ts");
like($log, qr/^movie\|demo\|1\|1\|-\|206\|GET$/m, "movie (after the internal redirect)");
like($log, qr/^episode\|demo\|1\|101\|-\|206\|GET$/m, "episode (after the internal redirect)");
like($log, qr/^live-ts\|demo\|1\|99\|-\|406\|GET$/m, "a refusal is logged with its kind");
--- no_error_log
[alert]
[crit]



=== TEST 6: an HLS session counts while it fetches, expires after xtream_hls_idle; a variant URL outlives its token while the session is live
--- dv_http
    xtream_max_connections_policy reject;
    xtream_hls_idle 1200ms;
    xtream_token_ttl 1s;
--- request
GET /live/one/one-pass/13.m3u8
--- more_headers
User-Agent: Idle/1
--- dv_check
my ($v) = $body =~ m{^(/hls/13/0/index\.m3u8\S+)$}m;
ok($v, "variant URL");
my $seg;
for (1 .. 6) {          # 2.4 s of fetching: longer than both the idle time and the token
    my ($st, $h, $pl) = req($v, ua => 'Idle/1');
    is($st, 200, "variant playlist fetch $_: 200");
    ($seg) = $pl =~ m{^(/hls/13/0/\d+\.ts\S+)$}m;
    is((req($seg, ua => 'Idle/1'))[0], 200, "segment $_: 200");
    is(active_cons('one', 'one-pass'), 1, "counted while it fetches ($_)");
    is((req("/live/one/one-pass/11.ts", secs => 0.3))[0], 403, "line full while it fetches ($_)");
    sleep 0.4;
}
sleep 2.1;              # tokens carry whole seconds
is((req($seg, ua => 'Idle/1'))[0], 403, "a segment token past its ttl: 403");
is(active_cons('one', 'one-pass'), 0, "the session expired after the idle time");
is((req($v, ua => 'Idle/1'))[0], 403, "the stale variant URL of an idle session: 403");
is((req("/live/one/one-pass/11.ts", secs => 0.3))[0], 200, "the line is free again");
--- error_log
expired, session idle
--- no_error_log
[alert]
[crit]



=== TEST 7: TS grace: a stream whose segments stop ends after xtream_ts_grace and releases its count
--- dv_http
    xtream_ts_grace 1s;
--- request
GET /player_api.php?username=one&password=one-pass
--- dv_check
my $s = send_req("/live/one/one-pass/11.ts");
is(status_of($s), 200, "streaming");
sleep 0.3;
is(active_cons('one', 'one-pass'), 1, "counted");
my $t0 = time;
ok(ended_within($s, 3), "ended when no segment came");
my $dt = time - $t0;
ok($dt > 0.5 && $dt < 2, "after about the grace time ($dt s)");
sleep 0.2;
is(active_cons('one', 'one-pass'), 0, "released");
--- error_log
no new segment for 1000 ms
--- no_error_log
[alert]
[crit]



=== TEST 8: a ban reaches a running HLS session at its next playlist fetch (segments go by token alone)
--- request
GET /live/one/one-pass/13.m3u8
--- more_headers
User-Agent: Ban/1
--- dv_check
my ($v) = $body =~ m{^(/hls/13/0/index\.m3u8\S+)$}m;
ok($v, "variant URL");
my ($st, $h, $pl) = req($v, ua => 'Ban/1');
is($st, 200, "variant playlist before the ban: 200");
my ($rc, $out) = XtreamTest::xtctl('line', 'set', 'one', '--status', 'banned');
is($rc, 0, "xtreamctl bans the line") or diag($out);
my $t0 = time;
my $refused;
while (time - $t0 < 3) {
    if ((req($v, ua => 'Ban/1'))[0] == 403) { $refused = time - $t0; last }
    sleep 0.1;
}
ok(defined $refused, "the variant playlist is refused after the ban"
   . (defined $refused ? sprintf(" (%.2f s)", $refused) : ""));
($rc, $out) = XtreamTest::xtctl('line', 'set', 'one', '--status', 'active');
is($rc, 0, "the line is active again") or diag($out);
--- no_error_log
[alert]
[crit]
