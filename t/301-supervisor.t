# Supervisor with real MariaDB + xtreamd + xtream-worker and ffmpeg-made
# media: an always-on file stream produces segments; a worker killed with
# -9 comes back within 3 s and its numbering continues; a stream disabled
# in the database stops within 2 s; SIGTERM to xtreamd stops every worker
# and kill -9 of xtreamd leaves no orphan (PR_SET_PDEATHSIG).
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use Test::More;
use Time::HiRes qw(sleep time);

my $src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
XtreamSup::reconfigure(worker_hang_seconds => 10, worker_stop_grace_ms => 2000);
XtreamTest::import_json({
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [
        { id => 11, name => 'Always', transcode_profile_id => 1, sources => ["file://$src"] },
        { id => 12, name => 'Second', transcode_profile_id => 1, sources => [$src] },
    ],
});

# 1. segments appear and are valid MPEG-TS
my $t = XtreamSup::wait_for(10, sub { XtreamSup::segments(11) >= 2 });
ok(defined $t, 'always-on stream 11 has 2 segments' . (defined $t ? sprintf(' after %.1f s', $t) : ''));
my @seg = XtreamSup::segments(11);
my $probe = XtreamSup::ffprobe_ok(XtreamSup::media() . "/11/0/$seg[0].ts");
ok(defined $probe && $probe =~ /h264,320,180/ && $probe =~ /aac/, "segment $seg[0] probes as h264 320x180 + aac")
    or diag($probe // 'ffprobe failed');
ok(XtreamSup::wait_for(5, sub { ((XtreamSup::status_row(11))[0] // '') eq 'running' }), 'stream_status says running');
my @st = XtreamSup::status_row(11);
is($st[3], 'h264', 'stream_status video_codec');
is($st[4], '320', 'stream_status width');
my @pids = XtreamSup::worker_pids(11);
is(scalar @pids, 1, 'one worker for stream 11');
is($st[1], $pids[0], 'stream_status pid is the worker');

# 2. kill -9: back within 3 s, numbering continues
XtreamSup::wait_for(3, sub { XtreamSup::segments(11) >= 3 });
my @before = XtreamSup::playlist_seqs(11);
my $last = $before[-1];
kill 'KILL', $pids[0];
my $t0 = time;
$t = XtreamSup::wait_for(3, sub { my @s = XtreamSup::playlist_seqs(11); @s && $s[-1] > $last });
ok(defined $t, sprintf('after kill -9 a new segment is listed within 3 s (%s)',
                       defined $t ? sprintf('%.2f s', $t) : 'timeout'));
my @after = XtreamSup::playlist_seqs(11);
is($after[-1], $last + 1, "numbering continues: $last then " . ($after[-1] // 'none'));
like(XtreamTest::slurp(XtreamSup::media() . '/11/0/index.m3u8'), qr/#EXT-X-DISCONTINUITY/,
     'the restart is marked with a discontinuity');
my @new = XtreamSup::worker_pids(11);
ok(@new == 1 && $new[0] != $pids[0], 'a new worker process runs');
ok(XtreamSup::wait_for(3, sub { ((XtreamSup::status_row(11))[2] // 0) >= 1 }), 'stream_status counts the restart');

# 3. disabled in the database: stops within 2 s, the other keeps running
ok(XtreamSup::wait_for(5, sub { XtreamSup::worker_pids(12) == 1 }), 'stream 12 runs');
XtreamTest::sql('UPDATE streams SET enabled = 0 WHERE id = 11');
$t = XtreamSup::wait_for(2, sub { !XtreamSup::worker_pids(11) });
ok(defined $t, sprintf('disabled stream stopped within 2 s (%s)', defined $t ? sprintf('%.2f s', $t) : 'timeout'));
is(scalar XtreamSup::worker_pids(12), 1, 'stream 12 still runs');
XtreamTest::sql('UPDATE streams SET enabled = 1 WHERE id = 11');
ok(XtreamSup::wait_for(3, sub { XtreamSup::worker_pids(11) == 1 }), 're-enabled stream starts again');

# 4. SIGTERM to xtreamd: every worker stops, status rows say stopped
my @all = (XtreamSup::worker_pids(11), XtreamSup::worker_pids(12));
is(scalar @all, 2, 'two workers before SIGTERM');
XtreamTest::stop_daemon();
ok(XtreamSup::wait_for(2, sub { !grep { kill 0, $_ } @all }), 'no worker left after SIGTERM to xtreamd');
is(XtreamTest::sql("SELECT COUNT(*) FROM stream_status WHERE state <> 'stopped'"), "0\n",
   'every status row says stopped');

# 5. a daemon restart starts them again; kill -9 of the daemon kills them
XtreamTest::start_daemon();
ok(XtreamSup::wait_for(5, sub { XtreamSup::worker_pids(11) == 1 && XtreamSup::worker_pids(12) == 1 }),
   'workers start again with the daemon');
@all = (XtreamSup::worker_pids(11), XtreamSup::worker_pids(12));
kill 'KILL', $XtreamTest::DaemonPid;
waitpid($XtreamTest::DaemonPid, 0);
undef $XtreamTest::DaemonPid;
ok(XtreamSup::wait_for(3, sub { !grep { kill 0, $_ } @all }), 'kill -9 of xtreamd leaves no orphan worker');
XtreamTest::start_daemon();
unlike(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"), qr/\[error\]/, 'no error in the daemon log');

done_testing();
