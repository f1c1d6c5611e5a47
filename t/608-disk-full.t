# Disk full on the media root: a small tmpfs mounted over the test's
# media root (we are root; skipped where mounting is not allowed).  Filled
# up under a running worker: the worker reports it (stream_status
# last_error, the log, the metrics), xtreamd does not crash, nginx keeps
# answering; when space returns the stream publishes again by itself.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use Test::More;
use Time::HiRes qw(sleep time);
require './t/fault-helpers.pl';

my $Media = "$XtreamTest::Tmp/media";
my $Mounted;
if ($> != 0 || system('mount', '-t', 'tmpfs', '-o', 'size=6m,mode=0755', 'xt-disk-full', $Media) != 0) {
    plan skip_all => 'cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)';
}
$Mounted = 1;
END {
    if ($Mounted) {
        XtreamTest::stop_daemon();          # its workers write there
        system('umount', '-l', $Media);
    }
}

my $ng = fault_setup(streams => 1);
my $log = "$XtreamTest::Tmp/log/xtreamd.log";

# fill the file system
my $fill = "$Media/filler";
{
    open my $fh, '>:raw', $fill or die "$fill: $!";
    my $chunk = "\0" x 65536;
    1 while syswrite($fh, $chunk);
    like("$!", qr/No space left/, 'the media root is full');
    close $fh;
}
my $seg_full = (XtreamSup::segments(1))[-1] // 0;

my $reported = XtreamSup::wait_for(40, sub {
    my (undef, undef, undef, undef, undef, $err) = XtreamSup::status_row(1);
    ($err // '') =~ /No space left on device/;
});
my ($state, $pid, $restarts, undef, undef, $err) = XtreamSup::status_row(1);
ok($reported, "the full disk is reported: stream_status state '$state', last_error '$err'");
like(XtreamTest::slurp($log), qr/stream 1: worker reports: .*No space left on device/, 'and logged by xtreamd');
ok(XtreamTest::daemon_alive(), 'xtreamd runs on');
ok($ng->wait_for(10, sub { my ($v) = $ng->scrape;
                           grep { /^xtreamd_stream_last_error\{stream="1",error=".*No space left.*"\}$/ } keys %$v }),
   'the metrics carry the error (xtreamd_stream_last_error)');
ok(XtreamTest::login_ok_ng($ng), 'nginx answers logins');
my ($st) = $ng->get('/player_api.php?username=demo&password=demo-pass&action=get_live_streams');
is($st, 200, 'and lists');

# space returns
unlink $fill or die "unlink: $!";
my $back = XtreamSup::wait_for(60, sub {
    my @s = XtreamSup::segments(1);
    my ($st) = XtreamSup::status_row(1);
    @s && $s[-1] > $seg_full + 2 && $st eq 'running';
});
ok(defined $back, sprintf('space back: the stream publishes again and is running (%.1f s)', $back // -1));
my ($hst, $h, $pl) = $ng->get('/live/demo/demo-pass/1.m3u8');
is($hst, 200, 'and plays through nginx');
ok(XtreamTest::daemon_alive(), 'xtreamd never crashed');
is_deeply([$ng->alerts], [], 'no alerts in the nginx error log');
done_testing();
