# Gated delivery, part 2: max_connections across two workers (both
# policies, 50 parallel clients), client abort, slow client, reload
# mid-stream, brute-force lock-out, activity datagrams, log variables.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use Test::Nginx::Socket 'no_plan';
use IO::Socket::UNIX ();
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
# big segments for the slow client (8 MB each)
master(13, 1);
{ no warnings "once"; local %main::o_data = (0 => "\x47" x (8 * 1024 * 1024)); publish(13, 0, 0); }

our $Base = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_ts_grace 30s;
    xtream_ts_poll 100ms;
    xtream_ondemand_stale 0;    # fixture media is published once
    log_format xt '$xtream_kind $xtream_line $xtream_line_id $xtream_stream $xtream_session $status';
CONF

our $Config = <<'CONF';
    location = /player_api.php { xtream_api; }
    location / { xtream_delivery; access_log logs/xt.log xt; }
CONF

dv_blocks($Base, $Config);
XtreamTest::hooks();


sub status_of {
    my $s = shift;
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $end = time + 3;
    while ($buf !~ /\r\n\r\n/ && time < $end) {
        last unless $sel->can_read($end - time);
        my $n = sysread($s, $buf, 4096, length $buf);
        last unless $n;
    }
    my ($st) = $buf =~ m{^HTTP/1\.\d (\d{3})};
    return $st // 0;
}

run_tests();

__DATA__

=== TEST 1: reject: max_connections 1 refuses a second TS stream (403) from either worker; aborting frees the slot
--- dv_http
    xtream_max_connections_policy reject;
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my $a = send_req("/live/three/three-pass/11.ts");
is(status_of($a), 200, "first stream: 200");
my @more = map { send_req("/live/three/three-pass/11.ts") } 1 .. 2;
is(status_of($_), 200, "streams 2 and 3: 200") for @more;
my @over = map { send_req("/live/three/three-pass/11.ts") } 1 .. 4;
is(status_of($_), 403, "over the limit, whichever worker: 403") for @over;
close $_ for @over;
close $a;                     # client abort
sleep 0.5;
my $b = send_req("/live/three/three-pass/11.ts");
is(status_of($b), 200, "after an abort the slot is free again: 200");
close $b; close $_ for @more;
sleep 0.5;
# one HLS viewer counts once however often it fetches
is((req("/live/one/one-pass/11.m3u8"))[0], 200, "HLS viewer: 200");
is((req("/live/one/one-pass/11.m3u8"))[0], 200, "same HLS viewer again: 200 (one session)");
is((req("/live/one/one-pass/11.ts", secs => 1))[0], 403, "a TS stream beside the HLS session: 403");
is((req("/live/one/one-pass/11.m3u8", from => '127.0.0.2'))[0], 403, "a second HLS viewer (another address): 403");
--- no_error_log
[alert]
[crit]



=== TEST 2: 50 parallel clients, max_connections 3, reject: exactly 3 stream
--- dv_http
    xtream_max_connections_policy reject;
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my @s = map { send_req("/live/three/three-pass/11.ts") } 1 .. 50;
my %n;
$n{status_of($_)}++ for @s;
is($n{200} // 0, 3, "exactly 3 streams admitted");
is($n{403} // 0, 47, "47 refused with 403");
close $_ for @s;
--- no_error_log
[alert]
[crit]



=== TEST 3: replace-oldest (default): the newcomer wins, the oldest ends at its next wake-up
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my $a = send_req("/live/one/one-pass/11.ts");
is(status_of($a), 200, "first: 200");
sleep 0.2;
my $b = send_req("/live/one/one-pass/11.ts");
is(status_of($b), 200, "second: 200 (the newcomer wins)");
ok(ended_within($a, 2), "the first stream ended");
ok(!ended_within($b, 0.5), "the second keeps streaming");
close $b;
sleep 0.3;
# 50 clients, max 3: at any time at most 3 keep streaming
my @s = map { send_req("/live/three/three-pass/11.ts") } 1 .. 50;
my $ok = grep { status_of($_) == 200 } @s;
is($ok, 50, "every newcomer is admitted");
sleep 1.5;
my $alive = grep { !ended_within($_, 0.05) } @s;
ok($alive <= 3, "at most 3 still streaming ($alive)");
ok($alive >= 1, "the newest still stream ($alive)");
close $_ for @s;
# HLS: a new viewer ends the old session; its next fetch gets 403
my ($st, $h, $pl) = req("/live/one/one-pass/11.m3u8", from => '127.0.0.3');
is($st, 200, "HLS viewer A: 200");
my ($seg) = $pl =~ m{^(/hls/\S+)$}m;
sleep 0.1;
is((req("/live/one/one-pass/11.m3u8", from => '127.0.0.4'))[0], 200, "HLS viewer B: 200");
is((req($seg, from => '127.0.0.3'))[0], 403, "A's segment after being replaced: 403");
is((req("/live/one/one-pass/11.m3u8", from => '127.0.0.3'))[0], 403, "A's playlist after being replaced: 403");
--- no_error_log
[alert]
[crit]



=== TEST 4: a client that stops reading is dropped after send_timeout and its slot freed
--- dv_http
    xtream_max_connections_policy reject;
--- config
    location / { xtream_delivery; send_timeout 1s; }
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my $slow = send_req("/live/one/one-pass/13.ts");
setsockopt($slow, Socket::SOL_SOCKET(), Socket::SO_RCVBUF(), 4096);
is(status_of($slow), 200, "slow client admitted");
is((req("/live/one/one-pass/13.ts", secs => 0.5))[0], 403, "while it hangs, the line is full");
sleep 3;
my $b = send_req("/live/one/one-pass/11.ts");
is(status_of($b), 200, "after send_timeout the slot is free");
close $b; close $slow;
--- error_log
client timed out
--- no_error_log
[alert]
[crit]



=== TEST 5: reload mid-stream: the stream ends cleanly, the zone keeps working
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my $a = send_req("/live/demo/demo-pass/11.ts");
is(status_of($a), 200, "streaming");
my $pid = XtreamTest::slurp(Test::Nginx::Socket::server_root() . "/logs/nginx.pid");
chomp $pid;
ok($pid, "master pid $pid");
kill 'HUP', $pid;
ok(ended_within($a, 3), "the stream ended after the reload");
sleep 0.5;
my $b = send_req("/live/one/one-pass/11.ts");
is(status_of($b), 200, "new workers stream");
close $b;
--- no_error_log
[alert]
[crit]
open socket



=== TEST 6: brute force: after 3 failures the address gets 429 everywhere, good password included
--- dv_http
    xtream_login_failures 3 60s 60s;
--- request
GET /live/demo/bad-pass/11.ts
--- error_code: 401
--- dv_check
is((req("/live/demo/bad-pass/11.ts"))[0], 401, "failure 2: 401");
is((req("/movie/demo/bad-pass/1.mp4"))[0], 401, "failure 3: 401");
is((req("/live/demo/demo-pass/11.m3u8"))[0], 429, "locked: the right password gets 429");
is((req("/hls/11/0/1.ts?t=x"))[0], 429, "locked: segments get 429");
is((req("/player_api.php?username=demo&password=demo-pass"))[0], 429, "locked: player_api gets 429");
--- no_error_log
[alert]
[crit]



=== TEST 7: activity datagrams (connect, disconnect with bytes) and access-log variables
--- dv_http
    xtream_event_socket $TEST_NGINX_XT_MEDIA/../run/dv-events.sock;
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my $path = "$Media/../run/dv-events.sock";
unlink $path;
my $sink = IO::Socket::UNIX->new(Type => Socket::SOCK_DGRAM(), Local => $path) or die "sink: $!";
my ($st, $h, $b) = req("/live/demo/demo-pass/11.ts", secs => 1, ua => 'Evt "Player"/1');
is($st, 200, "stream");
sleep 0.5;
my @ev;
my $sel = IO::Select->new($sink);
while ($sel->can_read(0.5)) { $sink->recv(my $d, 2048); push @ev, JSON::PP::decode_json($d) }
my ($c) = grep { $_->{ev} eq 'open' && $_->{kind} eq 'live' } @ev;
my ($d) = grep { $_->{ev} eq 'close' && $_->{kind} eq 'live' } @ev;
ok($c && $d, "open and close received (CONTRACTS.md format)");
is($c->{username}, 'demo', "username");
is($c->{line}, 1, "line id");
is($c->{stream}, 11, "stream id");
is($c->{ua}, 'Evt "Player"/1', "user agent");
is($c->{ip}, '127.0.0.1', "address");
is($d->{conn}, $c->{conn}, "same connection id");
ok($d->{bytes} > 1000, "bytes sent reported ($d->{bytes})");
my $log = XtreamTest::slurp(Test::Nginx::Socket::server_root() . "/logs/xt.log");
like($log, qr/^live-ts demo 1 11 - 200$/m, "access log: kind, line, id, stream");
like($log, qr/^live-hls demo 1 11 [0-9a-f]{16} 200$/m, "access log: HLS session");
unlink $path;
--- no_error_log
[alert]
[crit]



=== TEST 8: active_cons in the login answer counts open streams and HLS sessions across workers
--- request
GET /player_api.php?username=three&password=three-pass
--- response_body_like eval
qr/"active_cons":"0"/
--- dv_check
my @s = map { send_req("/live/three/three-pass/11.ts") } 1 .. 2;
is(status_of($_), 200, "stream open") for @s;
is((req("/live/three/three-pass/11.m3u8"))[0], 200, "plus one HLS session");
my ($st, $h, $b) = req("/player_api.php?username=three&password=three-pass");
like($b, qr/"active_cons":"3"/, "active_cons is 3");
close $_ for @s;
sleep 0.5;
($st, $h, $b) = req("/player_api.php?username=three&password=three-pass");
like($b, qr/"active_cons":"1"/, "streams closed: the HLS session remains");
--- no_error_log
[alert]
[crit]
