# Continuous MPEG-TS end to end: real MariaDB + xtreamd + xtream-worker +
# nginx.  60 s of the /live/U/P/ID.ts body (a byte join of the worker's
# segments) is checked packet by packet: every PID's continuity counter
# runs on across segment boundaries, and jumps only where the packet says
# discontinuity_indicator, i.e. after the worker's kill -9 at ~35 s (not
# before it); ffmpeg decodes the body without "Packet corrupt".
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

our $Src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 6);
XtreamTest::import_json({
    categories => [{ id => 1, type => 'live', name => 'News', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [{ id => 31, name => 'Always', category_id => 1, transcode_profile_id => 1,
                  sources => ["file://$Src"] }],
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [31] }],
    lines => [{ username => 'demo', password => 'demo-pass', status => 'active',
                max_connections => 0, allowed_outputs => ['ts', 'm3u8'], bouquets => [1] }],
});
XtreamSup::wait_for(20, sub { XtreamSup::segments(31) >= 3 }) or die 'stream 31 did not start';

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
    xtream_ts_grace 15s;
CONF

dv_blocks($HttpConfig, "    location / { xtream_delivery; }\n");
XtreamTest::hooks();

sub dechunk {
    my ($raw) = @_;
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    return ($head, $body) unless $head =~ /^Transfer-Encoding:\s*chunked/mi;
    my $out = '';
    while ($body =~ s/^([0-9a-fA-F]+)\r\n//) {
        my $len = hex $1;
        last if $len == 0 || length($body) < $len;
        $out .= substr($body, 0, $len, '');
        $body =~ s/^\r\n//;
    }
    return ($head, $out);
}

run_tests();

__DATA__

=== TEST 1: 60 s of continuous TS over a worker kill -9: counters continuous, the restart flagged
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 150
--- dv_check
my $s = send_req("/live/demo/demo-pass/31.ts");
my $sel = IO::Select->new($s);
my ($raw, $killed_at) = ('', undef);
my $t0 = time;
while (time - $t0 < 60) {
    if (!defined $killed_at && time - $t0 >= 35) {
        my @p = XtreamSup::worker_pids(31);
        kill 'KILL', @p if @p;
        $killed_at = length $raw;
    }
    next unless $sel->can_read(0.5);
    my $n = sysread($s, $raw, 65536, length $raw);
    last unless $n;
}
my $open = $sel->can_read(0) ? (sysread($s, my $x, 1) // 0) : 1;
close $s;
my ($head, $body) = dechunk($raw);
like($head, qr{^HTTP/1\.1 200}, 'status 200');
ok(defined $killed_at, 'the worker was killed with -9 at 35 s');
ok($open, 'the connection was still open after 60 s (the restart did not cut it)');
my $cut = int(($killed_at // 0) * 0.8 / 188) * 188;   # well before the kill
my ($bad1, $fl1, $n1) = ts_cc_check(substr($body, 0, $cut));
is($bad1, 0, "before the kill: $n1 packets, no counter jump at any of the segment joins");
is($fl1, 0, 'before the kill: no discontinuity flag');
my ($bad, $fl, $n, $first) = ts_cc_check($body);
is($bad, 0, "the whole body: $n packets, no counter jump without discontinuity_indicator");
ok($fl >= 3, "the restart is flagged ($fl packets with discontinuity_indicator, first at byte " . ($first // '-') . ')');
ok(length($body) > 200_000, 'bytes flowed after the restart (' . length($body) . ' bytes)');
XtreamTest::spew_raw("$XtreamTest::Tmp/body.ts", $body);
my ($rc, $out) = XtreamTest::run_cmd('ffmpeg', '-hide_banner', '-v', 'verbose', '-i', "$XtreamTest::Tmp/body.ts", '-f', 'null', '-');
my @corrupt = grep { /corrupt|continuity/i } split /\n/, $out;
is(scalar @corrupt, 0, 'ffmpeg reads the body without "Packet corrupt"') or diag(join "\n", @corrupt[0 .. ($#corrupt < 4 ? $#corrupt : 4)]);
--- no_error_log
[alert]
[crit]
