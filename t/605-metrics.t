# The Prometheus endpoint (xtream_metrics): strict exposition format, and
# values that move with real traffic through a real nginx (two workers,
# counters in the shared zone), a real xtreamd with a running worker
# (fps, bitrate, state from its metrics file) and MariaDB changes.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use Test::More;
use IO::Socket::INET ();
use Time::HiRes qw(sleep time);

my $Src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
XtreamTest::import_json({
    categories => [{ id => 1, type => 'live', name => 'News', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy', segment_seconds => 1, window_segments => 6 }],
    streams => [{ id => 1, name => 'Live One', category_id => 1, transcode_profile_id => 1,
                  on_demand => JSON::PP::false(), sources => ["file://$Src"] }],
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [1] }],
    lines => [{ username => 'demo', password => 'demo-pass', status => 'active', max_connections => 0,
                allowed_outputs => ['ts', 'm3u8'], bouquets => [1] }],
});

my $port = XtreamNginx::free_port();
my $ng = XtreamNginx->start(
    port => $port,
    listen => ["127.0.0.1:$port", "127.0.0.2:$port"],
    http => <<"HTTP",
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_zone xtream 1m;
    xtream_secret metrics-test-secret-0123456789;
    xtream_media_root $XtreamTest::Tmp/media;
    xtream_event_socket $XtreamTest::Tmp/run/xtreamd.sock;
    xtream_login_failures 3 60s 300s;
HTTP
    server => <<'SERVER');
        location = /player_api.php { xtream_api; }
        location = /metrics { allow 127.0.0.1; deny all; xtream_metrics; }
        location / { xtream_delivery; }
SERVER

# the imported line must be in the mapped snapshot before anything logs in
# (a failed login would count toward the lock-out of 127.0.0.1); the
# answer is checked without logging in: the lines generation
my %mapped;     # worker pid => it maps lines generation >= 2
$ng->wait_for(20, sub {
    my ($v) = XtreamNginx::parse_prom(($ng->get('/metrics'))[2]);
    $mapped{$v->{xtream_worker_pid}} = 1
        if ($v->{'xtream_snapshot_generation{kind="lines"}'} // 0) >= 2;
    keys %mapped >= 2 })
    or BAIL_OUT('the imported lines never reached nginx');

sub metric {
    my ($key) = @_;
    my ($v) = $ng->scrape;
    return $v->{$key};
}

sub poll_metric {
    my ($key, $secs, $pred) = @_;
    my $val;
    my $ok = $ng->wait_for($secs, sub { $val = metric($key); defined $val && $pred->($val) });
    return ($ok, $val);
}

sub get_from {
    my ($local, $uri) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, LocalAddr => $local,
                                  Proto => 'tcp', Timeout => 5) or return 0;
    print $s "GET $uri HTTP/1.0\r\nHost: localhost\r\n\r\n";
    my $resp = XtreamNginx::read_until($s, 5);
    return $resp =~ m{^HTTP/1\.\d (\d{3})} ? $1 : 0;
}

# --- format -----------------------------------------------------------------
{
    my ($st, $h, $body) = $ng->get('/metrics');
    is($st, 200, 'metrics: 200');
    like($h->{'content-type'}, qr{^text/plain; version=0\.0\.4}, 'exposition content type');
    my ($v, $t, $e) = XtreamNginx::parse_prom($body);
    is_deeply($e, [], 'the answer parses as Prometheus text, strictly') or diag($body);
    is($v->{xtream_metrics_zone}, 1, 'counters come from the zone');
    is($t->{xtream_requests_total}, 'counter', 'requests are a counter');
    is($t->{xtream_connections_active}, 'gauge', 'connections are a gauge');
    is($h->{'content-length'}, length $body, 'content-length covers the module part and xtreamd\'s file');

    # the parser itself refuses what is not the format
    my @bad = ("x 1",                                   # no TYPE
               "# TYPE x gauge\nx{a=\"b} 1\n",           # unterminated label
               "# TYPE x gauge\nx{a=\"\\t\"} 1\n",       # bad escape
               "# TYPE x gauge\nx one\n",                # not a number
               "# TYPE x gauge\nx 1\nx 2\n",             # duplicate sample
               "# TYPE x gauge\nx 1\n# TYPE x gauge\n",  # second TYPE
               "# TYPE 9x gauge\n9x 1\n");               # bad name
    for my $b (@bad) {
        my (undef, undef, $err) = XtreamNginx::parse_prom($b);
        ok(@$err > 0, "the test's parser refuses " . ($b =~ s/\n/\\n/gr));
    }
}

# --- allow/deny -------------------------------------------------------------
is(get_from('127.0.0.2', '/metrics'), 403, 'a denied address (127.0.0.2) gets 403');
is(get_from('127.0.0.1', '/metrics'), 200, 'the allowed one gets 200');

# --- requests by endpoint and status ----------------------------------------
{
    my ($v0) = $ng->scrape;
    my $k200 = 'xtream_requests_total{endpoint="player_api",code="200"}';
    my $k404 = 'xtream_requests_total{endpoint="delivery_other",code="404"}';
    for (1 .. 5) { my ($st) = $ng->get('/player_api.php?username=demo&password=demo-pass'); }
    my ($st) = $ng->get('/nothing/here');
    my ($st2) = $ng->get('/live/demo/demo-pass/999.ts');
    my ($v1) = $ng->scrape;
    is(($v1->{$k200} // 0) - ($v0->{$k200} // 0), 5, 'five logins: player_api 200 +5 (across both workers)');
    is($st, 404, 'an unknown path: 404');
    my $kts = "xtream_requests_total{endpoint=\"live_ts\",code=\"$st2\"}";
    is(($v1->{$k404} // 0) - ($v0->{$k404} // 0), 1, 'counted as delivery_other 404');
    is(($v1->{$kts} // 0) - ($v0->{$kts} // 0), 1, "a stream outside the line's bouquets: live_ts $st2 +1");
    ok(($v1->{'xtream_requests_total{endpoint="metrics",code="200"}'} // 0) >= 1, 'scrapes count themselves');
    ok(($v1->{'xtream_requests_total{endpoint="metrics",code="403"}'} // 0) >= 1, 'the denied scrape counted 403');
}

# --- a running worker: state, fps, bitrate from xtreamd ----------------------
{
    my ($ok, $fps) = poll_metric('xtreamd_stream_fps{stream="1"}', 40, sub { $_[0] > 0 });
    ok($ok, "stream 1's worker reports fps (" . ($fps // 'none') . ')');
    my ($v) = $ng->scrape;
    ok(($v->{'xtreamd_stream_bitrate_bps{stream="1"}'} // 0) > 0,
       'and a bitrate (' . ($v->{'xtreamd_stream_bitrate_bps{stream="1"}'} // 'none') . ' bps)');
    is($v->{'xtreamd_stream_state{stream="1",state="running"}'}, 1, 'state running');
    is($v->{'xtreamd_stream_state{stream="1",state="error"}'}, 0, 'not error');
    is($v->{'xtreamd_stream_worker_up{stream="1"}'}, 1, 'worker up');
    ok(defined $v->{'xtreamd_stream_speed{stream="1"}'}, 'speed present');
    is($v->{xtreamd_db_up}, 1, 'xtreamd: database reachable');
    ok(($v->{'xtreamd_snapshot_builds_total{kind="lines"}'} // 0) >= 1, 'snapshot builds counted');
    ok(defined $v->{'xtreamd_snapshot_builds_last_duration_seconds{kind="catalog"}'}, 'compile duration per kind');
    ok(($v->{xtream_xtreamd_metrics_age_seconds} // 99) <= 10, 'xtreamd file is fresh');
}

# --- a TS viewer raises the active connections, which fall back to 0 --------
{
    XtreamSup::wait_for(20, sub { -s "$XtreamTest::Tmp/media/1/0/index.m3u8" });
    my ($s, $st) = $ng->open_stream('/live/demo/demo-pass/1.ts');
    is($st, 200, 'TS viewer: 200');
    my ($ok, $n) = poll_metric('xtream_connections_active{kind="ts"}', 10, sub { $_[0] == 1 });
    ok($ok, 'a TS viewer: xtream_connections_active{kind="ts"} 1');
    close $s;
    ($ok, $n) = poll_metric('xtream_connections_active{kind="ts"}', 15, sub { $_[0] == 0 });
    ok($ok, 'viewer gone: back to 0');
    my ($hst) = $ng->get('/live/demo/demo-pass/1.m3u8');
    is($hst, 200, 'HLS playlist: 200');
    ($ok) = poll_metric('xtream_hls_sessions', 5, sub { $_[0] == 1 });
    ok($ok, 'an HLS viewer is one session');
}

# --- failed logins raise the lock-out counters ---------------------------------
{
    my ($v0) = $ng->scrape;
    # from 127.0.0.3 so the address that scrapes is not the one locked out
    get_from('127.0.0.3', '/player_api.php?username=demo&password=wrong') for 1 .. 3;
    my $locked = get_from('127.0.0.3', '/player_api.php?username=demo&password=demo-pass');
    is($locked, 429, 'third failure locks the address out (429)');
    my ($v1) = $ng->scrape;
    is($v1->{xtream_login_failures_total} - $v0->{xtream_login_failures_total}, 3, 'login failures +3');
    is($v1->{xtream_lockouts_total} - $v0->{xtream_lockouts_total}, 1, 'lock-outs +1');
    is($v1->{xtream_lockout_addresses}, 1, 'one address locked out now');
    ok(($v1->{'xtream_requests_total{endpoint="player_api",code="429"}'} // 0) >= 1, 'the 429 is counted');
}

# --- snapshot generation moves after a DB change -------------------------------
{
    my ($v0) = $ng->scrape;
    my $g0 = $v0->{'xtream_snapshot_generation{kind="lines"}'};
    ok(defined $g0, "lines generation $g0");
    ok(defined $v0->{'xtream_snapshot_age_seconds{kind="lines"}'}, 'lines age present');
    XtreamTest::import_json({ lines => [{ username => 'new-line', password => 'new-line-pass', bouquets => [1] }] });
    my ($ok, $g1) = poll_metric('xtream_snapshot_generation{kind="lines"}', 10, sub { $_[0] > $g0 });
    ok($ok, "after a new line the generation moved ($g0 -> " . ($g1 // 'none') . ')');
    XtreamSup::wait_for(5, sub { (metric('xtreamd_snapshot_generation{kind="lines"}') // 0) >= $g1 });
    is(metric('xtreamd_snapshot_generation{kind="lines"}'), $g1, "xtreamd's built generation is the one nginx maps");
}

# --- stale xtreamd data is visible ------------------------------------------------
{
    XtreamTest::stop_daemon();
    my ($ok, $age) = poll_metric('xtream_xtreamd_metrics_age_seconds', 20, sub { $_[0] >= 5 });
    ok($ok, "xtreamd stopped: its metrics age grows ($age s)");
    my ($v, $t, $e) = $ng->scrape;
    is_deeply($e, [], 'still strict exposition text');
}

is_deeply([$ng->alerts], [], 'no alerts in the error log');
done_testing();
