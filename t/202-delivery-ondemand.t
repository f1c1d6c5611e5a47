# Gated delivery, part 3: on-demand start (module side).  A live request
# whose media is missing sends {"ev":"start"} (CONTRACTS.md) to the event
# socket, which this test binds itself, and waits on nginx timers for the
# media; the test then writes the segments itself after a delay, in the
# worker's way (the file-system contract), and checks the answer.  Also:
# timeout (503 on-demand / 404 always-on) with the count released, client
# abort and reload while waiting, stale media of a stopped on-demand worker.
# The end-to-end run with real xtreamd + xtream-worker is t/203.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use Test::Nginx::Socket 'no_plan';
use IO::Socket::UNIX ();
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
our $Media;

repeat_each(1);
no_shuffle();
no_root_location();
master_on();
workers(2);

make_media();
# 11 is there all along (an on-demand stream that is running)
master(11, 1);
publish(11, 0, 0, 1, 2);
mkdir "$Media/../run";
our $Sock = "$Media/../run/od-events.sock";

our $Base = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_ts_grace 30s;
    xtream_ts_poll 100ms;
    xtream_event_socket $TEST_NGINX_XT_MEDIA/../run/od-events.sock;
    xtream_max_connections_policy reject;
CONF

our $Config = <<'CONF';
    location = /player_api.php { xtream_api; }
    location / { xtream_delivery; }
CONF

dv_blocks($Base, $Config);
XtreamTest::hooks();


our $Sink;
sub sink {
    unlink $Sock;
    $Sink = IO::Socket::UNIX->new(Type => Socket::SOCK_DGRAM(), Local => $Sock) or die "sink: $!";
    chmod 0666, $Sock;
}
sub datagrams {
    my @d;
    my $sel = IO::Select->new($Sink);
    while ($sel->can_read(0.3)) { $Sink->recv(my $d, 4096); push @d, $d }
    return @d;
}
sub unpublish { File::Path::remove_tree("$Media/$_[0]") }

# the status line of a response, waiting up to $secs
sub status_in {
    my ($s, $secs) = @_;
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $end = time + $secs;
    while ($buf !~ /\r\n\r\n/ && time < $end) {
        last unless $sel->can_read($end - time);
        my $n = sysread($s, $buf, 65536, length $buf);
        last unless $n;
    }
    my ($st) = $buf =~ m{^HTTP/1\.\d (\d{3})};
    return ($st // 0, $buf);
}

run_tests();

__DATA__

=== TEST 1: HLS: a request for an on-demand stream without media sends "start", waits, answers once the master appears
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
sink();
unpublish(12);
my $t0 = time;
my @s = map { send_req("/live/demo/demo-pass/12.m3u8", ua => "P/$_") } 1 .. 4;
sleep 0.7;
my ($st0) = status_in($s[0], 0.01);
is($st0, 0, "no answer while the media is missing");
publish(12, 0, 0, 1);
master(12, 1);
for my $s (@s) {
    my ($st, $h, $b) = parse_resp(read_all($s, 3));
    is($st, 200, "answered once the media is there");
    like($b, qr{^/hls/12/0/1\.ts\?t=\S+$}m, "a playlist with tokens");
}
my $dt = time - $t0;
ok($dt >= 0.7 && $dt < 2, sprintf("answered %.2f s after the request", $dt));
my @d = grep { /"ev":"start","stream":12,/ } datagrams();
ok(@d >= 1 && @d <= 2, "start for 12 sent once per worker at most (" . scalar(@d) . ")");
like($d[0], qr/^\{"ev":"start","stream":12,"ts":\d{10}\}$/, "CONTRACTS.md start datagram: $d[0]");
# a running on-demand stream answers at once, and still tells the daemon
sleep 1.1;
my $t1 = time;
is((req("/live/demo/demo-pass/12.m3u8"))[0], 200, "running: 200");
ok(time - $t1 < 0.5, "running: at once");
@d = datagrams();
ok((grep { /"stream":12/ } @d) >= 1, "running on-demand stream: start keeps demand fresh");
--- error_log
start requested
ready after
--- no_error_log
[alert]
[crit]



=== TEST 2: TS: the headers wait for the first finished segment, then the stream flows from the live edge
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
sink();
unpublish(12);
my $s = send_req("/live/demo/demo-pass/12.ts");
sleep 0.6;
my ($st0) = status_in($s, 0.01);
is($st0, 0, "no headers before a segment exists");
# a playlist that lists nothing yet is not a segment
File::Path::make_path("$Media/12/0");
spew_b("$Media/12/0/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n");
sleep 0.4;
($st0) = status_in($s, 0.01);
is($st0, 0, "still waiting on an empty playlist");
publish(12, 0, 0, 1);
my ($st, $h, $b) = parse_resp(read_all($s, 1.5));
close $s;
is($st, 200, "200 once the first segment is there");
is($h->{'content-type'}, 'video/mp2t', "video/mp2t");
ok(length $b && $b eq slurp_b("$Media/12/0/1.ts"), "the live edge segment, byte-identical (" . length($b) . ")");
my @d = datagrams();
like($d[0] // '', qr/^\{"ev":"start","stream":12,/, "start datagram sent");
--- no_error_log
[alert]
[crit]



=== TEST 3: timeout: 503 for on-demand, 404 for always-on; the waiting TS connection counted, then released
--- dv_http
    xtream_ondemand_wait 1s;
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
sink();
unpublish(12);
my $t0 = time;
my $a = send_req("/live/one/one-pass/12.ts");
sleep 0.3;
is((req("/live/one/one-pass/11.ts", secs => 0.5))[0], 403, "max_connections 1: the waiting request counts");
my ($st, $h, $b) = parse_resp(read_all($a, 3));
my $dt = time - $t0;
is($st, 503, "on-demand, no media within xtream_ondemand_wait: 503");
is(length $b, 0, "empty body");
ok($dt >= 0.9 && $dt < 2, sprintf("after %.2f s", $dt));
my $b2 = send_req("/live/one/one-pass/11.ts");
is((status_in($b2, 2))[0], 200, "the slot was released");
close $b2;
sleep 0.3;
is((req("/live/demo/demo-pass/14.ts"))[0], 404, "always-on stream not there: 404 after the wait");
is((req("/live/demo/demo-pass/14.m3u8"))[0], 404, "always-on, HLS: 404");
is((req("/live/demo/demo-pass/12.m3u8"))[0], 503, "on-demand, HLS: 503");
my @d = datagrams();
ok((grep { /^\{"ev":"start","stream":14,/ } @d), "always-on stream restarting: start sent too");
--- error_log
no media after 1000 ms
--- no_error_log
[alert]
[crit]



=== TEST 4: client abort while waiting frees the slot; xtream_ondemand_wait 0 answers at once
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
sink();
unpublish(12);
my $a = send_req("/live/one/one-pass/12.ts");
sleep 0.3;
close $a;                     # the player gives up
sleep 0.3;
my $b = send_req("/live/one/one-pass/11.ts");
is((status_in($b, 2))[0], 200, "after an abort while waiting the slot is free");
close $b;
--- no_error_log
[alert]
[crit]



=== TEST 5: reload while requests wait: they end with 503 promptly, the old workers exit cleanly
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
sink();
unpublish(12);
my @s = (send_req("/live/demo/demo-pass/12.ts"), send_req("/live/demo/demo-pass/12.m3u8"));
sleep 0.4;
my $pid = XtreamTest::slurp(Test::Nginx::Socket::server_root() . "/logs/nginx.pid");
chomp $pid;
my $t0 = time;
kill 'HUP', $pid;
for my $s (@s) {
    my ($st) = parse_resp(read_all($s, 3));
    is($st, 503, "waiting request answered 503 on reload");
}
ok(time - $t0 < 1.5, sprintf("within %.2f s", time - $t0));
sleep 0.5;
is((req("/live/demo/demo-pass/11.m3u8"))[0], 200, "new workers answer");
--- no_error_log
[alert]
[crit]
open socket



=== TEST 6: stale media of a stopped on-demand worker is not live: start, then wait for a fresh playlist
--- dv_http
    xtream_ondemand_stale 2s;
--- request
GET /player_api.php?username=demo&password=demo-pass
--- dv_check
sink();
unpublish(12);
publish(12, 0, 0, 1);
master(12, 1);
my $old = time - 60;
utime $old, $old, "$Media/12/0/index.m3u8";
my $s = send_req("/live/demo/demo-pass/12.m3u8");
sleep 0.5;
is((status_in($s, 0.01))[0], 0, "stale playlist: waiting");
publish(12, 0, 1, 2);          # the restarted worker writes on
my ($st, $h, $b) = parse_resp(read_all($s, 2));
is($st, 200, "fresh playlist: 200");
like($b, qr{^/hls/12/0/2\.ts\?t=}m, "the fresh playlist");
my @d = datagrams();
ok((grep { /"stream":12/ } @d), "start sent for the stale stream");
--- no_error_log
[alert]
[crit]
