# On-demand streams and the event sink, with real MariaDB + xtreamd +
# xtream-worker: a "start" datagram starts an on-demand stream (time to
# first segment measured), it stops after ondemand_idle_seconds without
# viewers and stays up while one is open; open/close datagrams become
# activity and live_connections rows; hostile datagrams are dropped and
# counted without harm.  Datagrams are sent as CONTRACTS.md defines them.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use Test::More;
use Time::HiRes qw(sleep time);

my $src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
XtreamSup::reconfigure(ondemand_idle_seconds => 3);
XtreamTest::import_json({
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [{ id => 21, name => 'OnDemand', transcode_profile_id => 1,
                  on_demand => JSON::PP::true(), sources => ["file://$src"] }],
});
sleep 1;    # the catalog change reaches the supervisor
ok(!XtreamSup::worker_pids(21), 'on-demand stream is not running before a request');
ok(-S XtreamSup::event_socket(), 'event socket exists');
is((stat XtreamSup::event_socket())[2] & 07777, 0600, 'event socket mode 0600: only the daemon user (the nginx workers) may write');

# 1. start by datagram; time to first segment
my $t0 = time;
XtreamSup::send_event('{"ev":"start","stream":21,"ts":' . int(time) . '}');
my $t = XtreamSup::wait_for(10, sub { -e XtreamSup::media() . '/21/0/index.m3u8' });
ok(defined $t, 'first segment after a start datagram');
diag(sprintf('on-demand time to first segment (copy, 1 s segments): %.2f s', $t)) if defined $t;
ok(defined $t && $t < 3, 'first segment within 3 s');

# 2. idle stop: no viewer -> stopped about 3 s after the request
$t = XtreamSup::wait_for(8, sub { !XtreamSup::worker_pids(21) });
my $idle = time - $t0;
ok(defined $t && $idle >= 2.9 && $idle < 6, sprintf('idle on-demand stream stopped %.1f s after the start', $idle));

# 3. a viewer keeps it up; its close lets it stop
my $conn = '0123456789abcdef';
XtreamSup::send_event('{"ev":"start","stream":21,"ts":1700000000}',
    qq({"ev":"open","conn":"$conn","line":7,"stream":21,"kind":"hls","ip":"10.1.2.3","ua":"VLC/3.0 (test)","ts":1700000000,"server":1}));
ok(XtreamSup::wait_for(5, sub { XtreamSup::worker_pids(21) == 1 }), 'started again with a viewer');
sleep 4.5;
is(scalar XtreamSup::worker_pids(21), 1, 'still running after the idle time while a viewer is open');
is(XtreamTest::sql("SELECT line_id, stream_id, kind, ip, user_agent, server_id, started FROM live_connections WHERE conn_key = '$conn'"),
   "7\t21\thls\t10.1.2.3\tVLC/3.0 (test)\t1\t1700000000\n", 'open -> live_connections row');
is(XtreamTest::sql("SELECT line_id, stream_id, kind, started, ended IS NULL FROM activity"),
   "7\t21\thls\t1700000000\t1\n", 'open -> activity row without end');
XtreamSup::send_event(qq({"ev":"close","conn":"$conn","line":7,"stream":21,"kind":"hls","ts":1700000100,"bytes":123456}));
ok(XtreamSup::wait_for(2, sub { XtreamTest::sql("SELECT COUNT(*) FROM live_connections") eq "0\n" }),
   'close -> live_connections row gone');
is(XtreamTest::sql("SELECT ended, bytes FROM activity"), "1700000100\t123456\n", 'close -> activity ended and bytes');
$t = XtreamSup::wait_for(6, sub { !XtreamSup::worker_pids(21) });
ok(defined $t, 'stopped once idle after the last viewer left');

# 4. hostile datagrams: dropped, counted, the daemon carries on
my @bad = ('', 'x' x 3000, '{', '[]', 'null', '{"ev":"open"}', '{"ev":"start","stream":-1}',
           '{"ev":"start","stream":"21"}', '{"ev":"start","stream":1e99}', '[' x 2000,
           qq({"ev":"open","conn":"$conn","line":1,"stream":21,"kind":"live","ua":"a\\u0000b"}),
           '{"ev":"start","stream":21,"stream":22}', "\xff\xfe\x00garbage");
XtreamSup::send_event(@bad);
# a close without its open (daemon restarted meanwhile) still ends the newest open row
XtreamSup::send_event(qq({"ev":"open","conn":"aaaaaaaaaaaaaaaa","line":8,"stream":21,"kind":"live","ts":1700000200}));
ok(XtreamSup::wait_for(2, sub { XtreamTest::sql("SELECT COUNT(*) FROM live_connections") eq "1\n" }), 'second open recorded');
XtreamSup::reconfigure(ondemand_idle_seconds => 3);
is(XtreamTest::sql("SELECT COUNT(*) FROM live_connections"), "0\n", 'daemon start clears stale live_connections');
XtreamSup::send_event(qq({"ev":"close","conn":"aaaaaaaaaaaaaaaa","line":8,"stream":21,"kind":"live","ts":1700000300,"bytes":5}));
ok(XtreamSup::wait_for(2, sub { XtreamTest::sql("SELECT ended, bytes FROM activity WHERE line_id = 8") eq "1700000300\t5\n" }),
   'close after a daemon restart ends the open activity row');
ok(XtreamTest::daemon_alive(), 'daemon alive after hostile datagrams');
my $log = XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log");
my $drops = () = $log =~ /event datagram dropped/g;
ok($drops >= 10, "bad datagrams logged as dropped ($drops)");

# 5. an HLS session has no close: it stays while its playlist fetches
#    repeat the open, and ends hls_idle_seconds after the last one; the
#    on-demand stream then idles out
XtreamSup::reconfigure(ondemand_idle_seconds => 3, hls_idle_seconds => 5);
my $hls = 'b0b0b0b0b0b0b0b0';
my $open = qq({"ev":"open","conn":"$hls","line":9,"stream":21,"kind":"hls","ip":"10.9.9.9","ua":"hls.js","ts":) . int(time) . '}';
XtreamSup::send_event('{"ev":"start","stream":21,"ts":' . int(time) . '}', $open);
ok(XtreamSup::wait_for(5, sub { XtreamSup::worker_pids(21) == 1 }), 'HLS viewer: stream started');
for (1 .. 4) { sleep 1.5; XtreamSup::send_event($open); }       # 6 s of refreshes
is(scalar XtreamSup::worker_pids(21), 1, 'still running while the HLS session refreshes');
is(XtreamTest::sql("SELECT COUNT(*) FROM live_connections WHERE conn_key = '$hls'"), "1\n",
   'refreshes keep one live_connections row');
my $quiet = time;
$t = XtreamSup::wait_for(9, sub { XtreamTest::sql("SELECT COUNT(*) FROM live_connections WHERE conn_key = '$hls'") eq "0\n" });
ok(defined $t && time - $quiet >= 4, sprintf('quiet HLS session ended %.1f s after its last refresh', time - $quiet));
is(XtreamTest::sql("SELECT COUNT(*) FROM activity WHERE line_id = 9 AND kind = 'hls' AND ended IS NOT NULL"), "1\n",
   'its activity row is ended');
ok(XtreamSup::wait_for(6, sub { !XtreamSup::worker_pids(21) }), 'on-demand stream stopped after its HLS viewer went quiet');

done_testing();
