# nginx reload (HUP) and binary upgrade (USR2, WINCH, QUIT to the old
# master) under player load: 0 failed requests.  Connection limits stay
# right across reloads: the zone (and its counts) survives them, so a
# line at max_connections with an HLS viewer stays refused by the new
# workers; a TS stream ends cleanly at a reload (as docs/DELIVERY.md says) and
# its count goes with it.
# A binary upgrade starts a new master with a new zone (nginx does not
# hand shared memory to the new binary): the test shows the new zone
# counting from zero and the metrics endpoint saying so.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use Test::More;
use IO::Select ();
use Time::HiRes qw(sleep time);
require './t/fault-helpers.pl';

my $ng = fault_setup(streams => 1,
    http => "    xtream_max_connections_policy reject;\n",
    lines => [map { { username => $_, password => "$_-pass", status => 'active', max_connections => 1,
                      allowed_outputs => ['ts', 'm3u8'], bouquets => [1] } } qw(one two)]);

sub ts_active { my ($v) = $ng->scrape; return $v->{'xtream_connections_active{kind="ts"}'} }

my $load = $ng->load_start(4, player_requests());

# --- reload with a line at its limit ----------------------------------------
# HLS: the viewer's session lives in the zone, so it survives reloads and
# keeps the line at its limit for the new workers (a second viewer is
# another address: a session is line + address + stream, not the UA)
my ($hst) = $ng->get('/live/one/one-pass/1.m3u8', ua => 'player-a');
is($hst, 200, "line 'one' (max_connections 1): an HLS viewer");
my ($hst2) = $ng->get('/live/one/one-pass/1.m3u8', ua => 'player-b', from => '127.0.0.2');
is($hst2, 403, 'a second viewer of the line: 403');
my ($v0) = $ng->scrape;
for my $r (1 .. 2) {
    $ng->reload;
    my ($v) = $ng->scrape;
    is($v->{xtream_zone_reloads_total}, ($v0->{xtream_zone_reloads_total} // 0) + $r,
       "reload $r: the zone was kept (xtream_zone_reloads_total)");
    ok($v->{'xtream_requests_total{endpoint="player_api",code="200"}'}
       >= $v0->{'xtream_requests_total{endpoint="player_api",code="200"}'}, "reload $r: counters kept");
    is($v->{xtream_hls_sessions}, $v0->{xtream_hls_sessions},
       "reload $r: the HLS sessions (this viewer's and the load's) are still counted");
    my ($a) = $ng->get('/live/one/one-pass/1.m3u8', ua => 'player-a');
    is($a, 200, "reload $r: the viewer goes on with the new workers");
    my ($b) = $ng->get('/live/one/one-pass/1.m3u8', ua => 'player-b', from => '127.0.0.2');
    is($b, 403, "reload $r: the new workers refuse a second viewer");
}

# TS: a reload ends the stream cleanly (docs/DELIVERY.md: the player
# reconnects); its count goes with it, none leaks
{
    my $lim = 'two';
    my ($viewer, $st) = $ng->open_stream("/live/$lim/$lim-pass/1.ts");
    is($st, 200, "line '$lim' (max_connections 1) watches TS");
    my (undef, $st2) = $ng->open_stream("/live/$lim/$lim-pass/1.ts");
    is($st2, 403, 'a second stream of the line: 403');
    is(ts_active(), 1, 'one TS connection counted');
    $ng->reload;
    ok($ng->wait_for(15, sub { (ts_active() // -1) == 0 }), 'after the reload the old stream ended: 0 counted');
    close $viewer;
    my ($s4, $st4) = $ng->open_stream("/live/$lim/$lim-pass/1.ts");
    is($st4, 200, 'the player reconnects to the new workers');
    my (undef, $st5) = $ng->open_stream("/live/$lim/$lim-pass/1.ts");
    is($st5, 403, 'and the limit holds there');
    close $s4;
    ok($ng->wait_for(15, sub { (ts_active() // -1) == 0 }), 'back to 0');
}

# --- binary upgrade --------------------------------------------------------------
my ($vu) = $ng->scrape;
my $old = $ng->master_pid;
my $new = $ng->upgrade;
isnt($new, $old, "binary upgrade: new master $new, old $old gone");
my ($vn) = $ng->scrape;
ok($vn->{xtream_zone_created_timestamp_seconds} >= $vu->{xtream_zone_created_timestamp_seconds},
   'the new master made its own zone (created timestamp)');
ok(($vn->{'xtream_requests_total{endpoint="player_api",code="200"}'} // 0)
   < $vu->{'xtream_requests_total{endpoint="player_api",code="200"}'},
   'its counters start again (a counter reset, which Prometheus rate() handles)');
my ($s5, $st5) = $ng->open_stream('/live/two/two-pass/1.ts');
is($st5, 200, 'after the upgrade the line watches');
my (undef, $st6) = $ng->open_stream('/live/two/two-pass/1.ts');
is($st6, 403, 'and the limit holds in the new zone');
close $s5;
$ng->reload;
ok($ng->wait_for(15, sub { (ts_active() // -1) == 0 }), 'a reload of the new master: counts right (0)');

my ($ok, $bad, $why) = $ng->load_stop($load);
ok($ok > 20, "player load: $ok answers");
is($bad, 0, 'no failed request across two reloads and a binary upgrade') or diag("@$why");
is_deeply([$ng->alerts], [], 'no alerts in the error log');
done_testing();
