# xtreamd killed with SIGKILL under player load, then started again:
# nginx keeps serving (0 failed API and playlist requests), the workers of
# the dead daemon end (PR_SET_PDEATHSIG), the new daemon starts one worker
# per stream and never two at once (sampled all along), and the gap
# (kill -> a new worker publishing) is measured.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use Test::More;
use Time::HiRes qw(sleep time);
require './t/fault-helpers.pl';

my @Ids = (1, 2);
my $ng = fault_setup(streams => 2);

my %old = map { $_ => [XtreamSup::worker_pids($_)] } @Ids;
is(scalar @{ $old{$_} }, 1, "stream $_: one worker before the kill (pid @{ $old{$_} })") for @Ids;

my $load = $ng->load_start(3, player_requests('demo', 'demo-pass', @Ids));
sleep 1;

my %max = map { $_ => 0 } @Ids;
my $sample = sub { for my $id (@Ids) { my $n = () = XtreamSup::worker_pids($id); $max{$id} = $n if $n > $max{$id} } };

my $stuck;
for my $round (1 .. 3) {
    my $dpid = $XtreamTest::DaemonPid;
    # round 3: stream 1's worker cannot act on its PDEATHSIG (stopped, as
    # one stuck in the kernel would be): the new daemon must not run a
    # second worker beside it
    if ($round == 3) {
        ($stuck) = XtreamSup::worker_pids(1);
        kill 'STOP', $stuck;
    }
    my %before = map { $_ => { map { $_ => 1 } XtreamSup::worker_pids($_) } } @Ids;
    my $seg0 = { map { $_ => (XtreamSup::segments($_))[-1] // 0 } @Ids };
    kill 'KILL', $dpid;
    waitpid($dpid, 0);
    undef $XtreamTest::DaemonPid;
    my $t0 = time;
    if ($round == 1) {
        my $gone = XtreamSup::wait_for(15, sub { $sample->(); !grep { XtreamSup::worker_pids($_) } @Ids });
        ok(defined $gone, sprintf("round 1: the dead daemon's workers ended (%.2f s after the kill)",
                                  $gone // -1));
    }
    # rounds 2, 3: started again at once, as an init system would, while the
    # old workers may still be ending
    XtreamTest::start_daemon();
    my %gap;
    XtreamSup::wait_for(60, sub {
        $sample->();
        for my $id (@Ids) {
            next if $gap{$id};
            my @p = XtreamSup::worker_pids($id);
            my $last = (XtreamSup::segments($id))[-1] // 0;
            $gap{$id} = time - $t0 if @p == 1 && !$before{$id}{ $p[0] } && $last > $seg0->{$id};
        }
        keys %gap == @Ids;
    });
    for my $id (@Ids) {
        ok($gap{$id}, sprintf("round $round: stream $id has a new worker publishing again, %.2f s after the kill",
                              $gap{$id} // -1));
    }
    # a few more seconds of watching for a second worker
    my $end = time + 3;
    $sample->(), sleep 0.05 while time < $end;
    for my $id (@Ids) {
        my @p = XtreamSup::worker_pids($id);
        is(scalar @p, 1, "round $round: stream $id: exactly one worker now");
        my ($state, $pid) = XtreamSup::status_row($id);
        is($pid, $p[0], "round $round: stream $id: stream_status has the new worker's pid");
    }
}
ok(!kill(0, $stuck), "round 3: the stuck worker of the dead daemon ($stuck) was ended by the new one");
like(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"), qr/worker pid $stuck .*left by a previous xtreamd/,
     'and logged');
is($max{$_}, 1, "stream $_: never two workers at once (sampled every ~50 ms)") for @Ids;

my ($ok, $bad, $why) = $ng->load_stop($load);
ok($ok > 100, "player load: $ok answers");
is($bad, 0, 'no failed request while xtreamd was dead or restarting') or diag("@$why");
my ($v) = $ng->scrape;
is($v->{xtreamd_workers_running}, 2, 'metrics: two workers running');
is_deeply([$ng->alerts], [], 'no alerts in the nginx error log');
done_testing();
