# Kill and ban from the admin API reach running viewers through lines.snap
# (no database access from nginx): a real xtreamd + xtream-worker makes a
# live channel from an ffmpeg-made file; a continuous TS viewer and an HLS
# viewer (refreshing its playlist like a player) are ended by
# POST /lines/{id}/kill and by a ban; a killed TS viewer may reconnect, a
# banned one may not.  Start/stop/restart reach the supervisor.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
require './t/admin-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();

our $Src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
admin_daemon(worker_hang_seconds => 10);
XtreamTest::import_json({
    categories => [{ id => 1, type => 'live', name => 'News', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [{ id => 71, name => 'Live', category_id => 1, transcode_profile_id => 1,
                  sources => ["file://$Src"] }],
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [71] }],
    lines => [{ username => 'viewer', password => 'viewer-pass', status => 'active',
                max_connections => 0, allowed_outputs => ['ts', 'm3u8'], bouquets => [1] }],
});
my ($rc, $out) = XtreamTest::xtctl('admin', 'add', 'boss', '--password', 'boss-password-1');
die "admin add: $out" if $rc;
XtreamSup::wait_for(20, sub { XtreamSup::segments(71) >= 3 }) or die 'stream 71 made no segments';

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
CONF
dv_blocks($HttpConfig, $main::AdminLocation . "    location = /player_api.php { xtream_api; }\n"
                       . "    location / { xtream_delivery; }\n");
XtreamTest::hooks();

our $C = AdminClient->new;
our $LineId;

# bytes read from an endless TS response within $secs (0 when closed)
sub read_for {
    my ($s, $secs) = @_;
    my $sel = IO::Select->new($s);
    my ($n, $end) = (0, time + $secs);
    while ((my $left = $end - time) > 0) {
        last unless $sel->can_read($left);
        my $k = sysread($s, my $buf, 65536);
        last unless $k;
        $n += $k;
    }
    return $n;
}

# an HLS player: fetch the playlist every 0.5 s until it is refused
sub hls_refused_within {
    my ($secs) = @_;
    my $t0 = time;
    while (time - $t0 < $secs) {
        my ($st) = req('/live/viewer/viewer-pass/71.m3u8', ua => 'hls-player');
        return time - $t0 if $st == 403;
        sleep 0.5;
    }
    return undef;
}

run_tests();

__DATA__

=== TEST 1: kill ends a running TS viewer; it may reconnect; ban ends it for good
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 120
--- dv_check
my ($st, $j) = $C->login('boss', 'boss-password-1');
is($st, 200, 'admin logged in');
($st, $j) = $C->call('GET', '/lines?q=viewer');
$LineId = $j->{items}[0]{id};
ok($LineId, 'the line');

my $s = send_req('/live/viewer/viewer-pass/71.ts', ua => 'ts-player');
my $n = read_for($s, 3);
ok($n > 10000, "the TS viewer receives media ($n bytes in 3 s)");
ok(defined XtreamSup::wait_for(10, sub {
    my (undef, $c) = $C->call('GET', "/connections?line_id=$LineId");
    return $c && $c->{total} >= 1;
}), 'the connection is listed by GET /connections');

my $t0 = time;
($st, $j) = $C->call('POST', "/lines/$LineId/kill", {});
is($st, 200, 'kill 200');
ok(ended_within($s, 10), sprintf('the TS viewer is cut within %.2f s of the kill', time - $t0));
close $s;
like(XtreamTest::slurp("$ENV{TEST_NGINX_SERVROOT}/logs/error.log"), qr/connections killed by an admin/,
     'nginx logged the kill');

# the line is still active: a new connection plays
$s = send_req('/live/viewer/viewer-pass/71.ts', ua => 'ts-player');
$n = read_for($s, 2);
ok($n > 10000, "after a kill the player may reconnect ($n bytes)");

# ban: cut, and refused afterwards
$t0 = time;
($st, $j) = $C->call('POST', "/lines/$LineId/ban", {});
is($j->{status}, 'banned', 'banned');
ok(ended_within($s, 10), sprintf('the banned TS viewer is cut within %.2f s', time - $t0));
close $s;
my $refused = XtreamSup::wait_for(5, sub { (req('/live/viewer/viewer-pass/71.ts', secs => 1))[0] == 403 });
ok(defined $refused, 'a banned line cannot reconnect (403)');
($st, $j) = $C->call('POST', "/lines/$LineId/unban", {});
is($j->{status}, 'active', 'unbanned');

=== TEST 2: kill and ban end an HLS viewer at its next playlist refresh
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 120
--- dv_check
my $ok = XtreamSup::wait_for(10, sub { (req('/live/viewer/viewer-pass/71.m3u8', ua => 'hls-player'))[0] == 200 });
ok(defined $ok, 'the HLS viewer plays (after the unban reached nginx)');
my ($st, $h, $pl) = req('/live/viewer/viewer-pass/71.m3u8', ua => 'hls-player');
my ($seg) = $pl =~ m{^(/hls/71/\S+\.ts\?t=\S+)$}m;
ok($seg, 'a playlist with a signed segment');
is((req($seg, ua => 'hls-player'))[0], 200, 'the segment plays');
my ($st2, $j) = $C->call('POST', "/lines/$LineId/kill", {});
is($j->{kick}, 2, 'kill: kick generation 2');
my $dt = hls_refused_within(10);
ok(defined $dt, sprintf('the HLS playlist refresh is refused %.2f s after the kill', $dt // -1));
is((req($seg, ua => 'hls-player'))[0], 403, 'and its segments too');

# another player (another address, so another session) still plays: kill
# ended what was open, it did not ban the line
is((req('/live/viewer/viewer-pass/71.m3u8', ua => 'other-player', from => '127.0.0.2'))[0], 200, 'a new session plays');
($st2, $j) = $C->call('POST', "/lines/$LineId/ban", {});
ok(defined XtreamSup::wait_for(10, sub { (req('/live/viewer/viewer-pass/71.m3u8', ua => 'other-player', from => '127.0.0.2'))[0] == 403 }),
   'a ban ends the HLS session too');

=== TEST 3: stop, start and restart reach the supervisor
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 120
--- dv_check
my @pids = XtreamSup::worker_pids(71);
is(scalar @pids, 1, 'one worker runs');
my ($st, $j) = $C->call('POST', '/streams/71/restart', {});
is($st, 202, 'restart 202');
ok(defined XtreamSup::wait_for(10, sub { my @p = XtreamSup::worker_pids(71); @p == 1 && $p[0] != $pids[0] }),
   'restart: a new worker process');
($st, $j) = $C->call('POST', '/streams/71/stop', {});
ok(defined XtreamSup::wait_for(10, sub { !XtreamSup::worker_pids(71) }), 'stop: the worker ends');
sleep 1.5;
ok(!XtreamSup::worker_pids(71), 'and stays stopped (always-on stream held by the admin)');
ok(defined XtreamSup::wait_for(5, sub { (($C->call('GET', '/streams/71'))[1]{status}{state} // '') eq 'stopped' }),
   'GET /streams/71 says stopped');
($st, $j) = $C->call('POST', '/streams/71/start', {});
ok(defined XtreamSup::wait_for(10, sub { XtreamSup::worker_pids(71) == 1 }), 'start: it runs again');
ok(defined XtreamSup::wait_for(15, sub {
    my $s = ($C->call('GET', '/streams/71'))[1]{status} // {};
    return ($s->{state} // '') eq 'running' && $s->{fps} > 0 && $s->{bitrate_kbps} > 0;
}), 'live status: running with fps and bitrate');
