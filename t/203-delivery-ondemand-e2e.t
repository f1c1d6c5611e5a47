# On-demand start end to end: real MariaDB + xtreamd + xtream-worker +
# nginx.  The first request for a stopped on-demand stream (copy profile,
# 1 s segments, an ffmpeg-made source) gets a playable answer; the time to
# the first segment is measured over several runs (median printed), each
# on its own never-started stream (xtreamd keeps counting an HLS viewer
# whose session it never ends, so a stream once watched over HLS does not
# idle-stop yet: see docs/DELIVERY.md "On-demand streams").
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();
master_on();
workers(2);

our $Src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
XtreamSup::reconfigure(ondemand_idle_seconds => 2);
XtreamTest::import_json({
    categories => [{ id => 1, type => 'live', name => 'News', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [map { { id => $_, name => "OnDemand $_", category_id => 1, transcode_profile_id => 1,
                        on_demand => JSON::PP::true(), sources => ["file://$Src"] } } 21 .. 28],
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [21 .. 28] }],
    lines => [{ username => 'demo', password => 'demo-pass', status => 'active',
                max_connections => 0, allowed_outputs => ['ts', 'm3u8'], bouquets => [1] }],
});
sleep 1.5;

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
    xtream_ondemand_wait 15s;
    xtream_ondemand_stale 3s;
CONF

dv_blocks($HttpConfig, "    location / { xtream_delivery; }\n");
XtreamTest::hooks();


sub stopped { my $id = shift; return !XtreamSup::worker_pids($id) && !-e XtreamSup::media() . "/$id/0/index.m3u8" }

sub median { my @v = sort { $a <=> $b } @_; return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2 }

run_tests();

__DATA__

=== TEST 1: HLS: first request starts the stream and gets a playable answer (5 runs, median time to first segment)
--- request
GET /live/demo/demo-pass/999.m3u8
--- error_code: 406
--- timeout: 120
--- dv_check
my @t;
for my $run (1 .. 5) {
    my $id = 20 + $run;
    ok(stopped($id), "run $run: stream $id is not running, no media");
    my $t0 = time;
    my ($st, $h, $pl) = req("/live/demo/demo-pass/$id.m3u8", secs => 16);
    my $dt = time - $t0;
    is($st, 200, "run $run: 200");
    my ($seg) = $pl =~ m{^(/hls/$id/0/\d+\.ts\?t=\S+)$}m;
    ok($seg, "run $run: a playlist with a segment");
    next unless $seg;
    my ($st2, $h2, $ts) = req($seg);
    is($st2, 200, "run $run: segment 200");
    XtreamTest::spew("$XtreamTest::Tmp/seg.ts", $ts);
    like(XtreamSup::ffprobe_ok("$XtreamTest::Tmp/seg.ts") // '', qr/h264/, "run $run: the segment is playable (ffprobe: h264)");
    push @t, $dt;
}
my $m = median(@t);
Test::More::diag(sprintf("on-demand HLS, request -> playlist with a first segment: median %.2f s over %d runs (%s)",
                         $m, scalar @t, join(' ', map { sprintf '%.2f', $_ } @t)));
ok($m < 8, "median under 8 s");
--- no_error_log
[alert]
[crit]



=== TEST 2: TS: first request starts the stream, video/mp2t bytes flow (3 runs)
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 120
--- dv_check
my @t;
for my $run (1 .. 3) {
    my $id = 25 + $run;
    ok(stopped($id), "run $run: stream $id is not running, no media");
    my $t0 = time;
    my $s = send_req("/live/demo/demo-pass/$id.ts");
    my $sel = IO::Select->new($s);
    my ($buf, $first) = ('', undef);
    my $end = time + 16;
    while (time < $end && length($buf) < 400_000) {
        last unless $sel->can_read($end - time);
        my $n = sysread($s, $buf, 65536, length $buf);
        last unless $n;
        $first //= time - $t0 if $buf =~ /\r\n\r\n[0-9a-fA-F]+\r\n\x47/;
    }
    close $s;
    my ($st) = $buf =~ m{^HTTP/1\.1 (\d+)};
    is($st, 200, "run $run: 200");
    ok(defined $first, "run $run: TS bytes arrived");
    push @t, $first if defined $first;
}
Test::More::diag(sprintf("on-demand TS, request -> first TS byte: median %.2f s (%s)",
                         median(@t), join(' ', map { sprintf '%.2f', $_ } @t))) if @t;
--- no_error_log
[alert]
[crit]
