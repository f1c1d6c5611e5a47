# Abuse, connection table (issue 18, finding 1): six lines with
# max_connections 1 request a live .m3u8 again and again, each time with
# another User-Agent and, every few requests, from another 127.x address
# (a new session each time under the old session id), against a small
# xtream_zone under replace-oldest.  Before the fix every evicted session
# kept its record and the table filled: every other line got 503 on TS,
# VOD and HLS.  Now each attacking line holds one record, the table stays
# bounded, and the other lines play throughout and afterwards.  Each new
# session used to write an activity row; a line now reports at most 30 new
# connections a minute to xtreamd.  Then sixteen unlimited lines fill the
# table with live sessions from many addresses (each at its cap, a
# sixteenth of the table): the other lines still get 200, the full table
# takes from the lines that filled it.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use XtreamSup;
use XtreamNginx;
use Test::More;
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
require './t/fault-helpers.pl';
our ($Vod, $Secret);

my $Lines = 6;
my $Rounds = $ENV{XT_FLOOD_ROUNDS} || 400;      # requests per attacking line

make_media();
master(11, 1);
publish(11, 0, 0, 1, 2);
XtreamTest::import_json({ lines => [(map { { username => "att$_", password => "att$_-pass", status => 'active',
                                             max_connections => 1, allowed_outputs => ['ts', 'm3u8'],
                                             bouquets => [1] } } 1 .. $Lines),
                                    (map { { username => "unl$_", password => "unl$_-pass", status => 'active',
                                             max_connections => 0, allowed_outputs => ['ts', 'm3u8'],
                                             bouquets => [1] } } 1 .. 16)] });

my $ng = XtreamNginx->start(http => <<"HTTP", server => <<"SERVER");
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_timezone $XtreamTest::Tz;
    xtream_zone xtream 128k;
    xtream_secret $main::Secret;
    xtream_media_root $XtreamTest::Tmp/media;
    xtream_vod_root $Vod;
    xtream_vod_location /_xtvod/;
    xtream_ondemand_stale 0;
    xtream_max_connections_policy replace-oldest;
    xtream_hls_idle 60s;
    xtream_event_socket $XtreamTest::Tmp/run/xtreamd.sock;
HTTP
        location = /player_api.php { xtream_api; }
        location = /metrics { allow 127.0.0.1; deny all; xtream_metrics; }
        location /_xtvod/ { internal; alias $Vod/; }
        location / { xtream_delivery; }
SERVER
XtreamSup::wait_for(20, sub { XtreamTest::login_ok_ng($ng, 'att1', 'att1-pass') })
    or BAIL_OUT('the imported lines never logged in');

my ($v) = $ng->scrape;
my $cap = $v->{xtream_connection_table_capacity};
ok($cap && $cap < $Lines * $Rounds, "a small table: $cap records, fewer than the attack's sessions");

# what other subscribers do: TS (one segment's worth), a movie, HLS
sub others_ok {
    my $tag = shift;
    my ($ts) = $ng->get('/live/demo/demo-pass/11.ts', timeout => 1);
    my ($vod) = $ng->get('/movie/demo/demo-pass/1.mp4');
    my ($hls) = $ng->get('/live/three/three-pass/11.m3u8', from => '127.0.9.9');
    is("$ts $vod $hls", '200 200 200', "$tag: another line gets 200 on TS, VOD and HLS");
}

others_ok('before');

my ($refused, $served, $t0) = (0, 0, time);
for my $i (1 .. $Rounds) {
    for my $l (1 .. $Lines) {
        my $from = sprintf('127.1.%d.%d', $l, 1 + int($i / 4) % 250);
        my ($st) = $ng->get("/live/att$l/att$l-pass/11.m3u8", ua => "Flood/$i.$l", from => $from);
        $st == 200 ? $served++ : $refused++;
    }
    others_ok("during (round $i)") if $i % 100 == 0;
}
note(sprintf('%d attack requests in %.1f s: %d answered 200, %d refused', $served + $refused,
             time - $t0, $served, $refused));
ok($served > 0, 'the attacking lines themselves are served (the newest session wins)');

($v) = $ng->scrape;
my $used = $v->{xtream_connection_table_used};
ok(defined $used && $used <= $Lines + 4, "the table stays bounded: $used records in use (of $cap)");

others_ok('right after');

# activity rows: xtreamd writes one per reported connection
sleep 1.5;
my %rows = map { split /\t/ } split /\n/, XtreamTest::sql(
    "SELECT l.username, COUNT(*) FROM activity a JOIN `lines` l ON l.id = a.line_id "
    . "WHERE l.username LIKE 'att%' GROUP BY l.username");
my @over = grep { ($rows{"att$_"} // 0) > 30 } 1 .. $Lines;
ok(!@over, 'at most 30 activity rows per attacking line: '
   . join(' ', map { "att$_=" . ($rows{"att$_"} // 0) } 1 .. $Lines));
ok(($rows{att1} // 0) >= 1, 'and their first connections are still reported');

ok($ng->error_log !~ /connection table full/, 'the flood never filled the table');

# sixteen unlimited lines, each from many addresses: each stops at its cap
my $share = int($cap / 16);
my %got;
for my $l (1 .. 16) {
    for my $k (1 .. $share + 8) {
        my ($st) = $ng->get("/live/unl$l/unl$l-pass/11.m3u8", from => sprintf('127.2.%d.%d', $l, $k));
        $got{$st}++;
    }
}
note('unlimited lines: ' . join(' ', map { "$_ x$got{$_}" } sort keys %got));
($v) = $ng->scrape;
ok($v->{xtream_connection_table_used} >= $cap - 16,
   "the table is (nearly) full: $v->{xtream_connection_table_used} of $cap");
ok(($got{403} // 0) >= 16 * 8 - 16, 'an unlimited line stops at a sixteenth of the table (403 beyond)');
others_ok('table full of unlimited lines\' sessions');
my ($st) = $ng->get('/live/three/three-pass/11.m3u8', from => '127.0.9.10');
is($st, 200, 'a new HLS viewer of another line: 200 (a line that filled the table gave way)');
ok(($got{503} // 0) > 0, 'the lines that filled the table got the 503s ("connection table full")');
like($ng->error_log, qr/xtream zone "xtream": \d+ connections/, 'nginx made the small zone');
is_deeply([$ng->alerts], [], 'no alerts in the nginx error log');
done_testing();
