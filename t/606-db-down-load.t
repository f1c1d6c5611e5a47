# MariaDB stopped for 60 s under player load: the API and delivery keep
# answering from the snapshot and the running workers (0 failed requests
# out of thousands), a TS viewer keeps receiving; xtreamd reports the
# database down in its metrics and survives; a change made after MariaDB
# returns reaches players.
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

my $Outage = $ENV{XT_DB_OUTAGE_SECONDS} || 60;
my $ng = fault_setup(streams => 1);

my $load = $ng->load_start(4, player_requests());
my ($ts, $st) = $ng->open_stream('/live/demo/demo-pass/1.ts');
is($st, 200, 'a TS viewer watches through the outage');
my $sel = IO::Select->new($ts);
my $bytes = 0;
my $drain = sub { while ($sel->can_read(0)) { my $n = sysread($ts, my $b, 1 << 16); last unless $n; $bytes += $n } };

sleep 2;
XtreamTest::db_stop();
my $t0 = time;
my ($down_seen, $during) = (0, 0);
while (time - $t0 < $Outage) {
    $drain->();
    my ($v) = $ng->scrape;
    $down_seen = 1 if defined $v->{xtreamd_db_up} && $v->{xtreamd_db_up} == 0;
    sleep 0.5;
}
$during = $bytes;
ok($down_seen, 'xtreamd_db_up went to 0 during the outage');
ok(XtreamTest::daemon_alive(), "xtreamd is still running after $Outage s without MariaDB");
ok($during > 500_000, "the TS viewer kept receiving during the outage ($during bytes)");
XtreamTest::db_start();

# a change after the return reaches players
XtreamTest::import_json({ lines => [{ username => 'after', password => 'after-pass', bouquets => [1],
                                      allowed_outputs => ['ts', 'm3u8'] }] });
my $t = XtreamSup::wait_for(30, sub { XtreamTest::login_ok_ng($ng, 'after', 'after-pass') });
ok(defined $t, 'a line added after MariaDB returned logs in' . (defined $t ? sprintf(' (%.1f s)', $t) : ''));
my ($hst) = $ng->get('/live/after/after-pass/1.m3u8');
is($hst, 200, 'and plays');

my ($ok, $bad, $why) = $ng->load_stop($load);
close $ts;
ok($ok > 200, "player load: $ok answers");
is($bad, 0, 'no failed request during the outage') or diag("@$why");
my $v;
$ng->wait_for(10, sub { ($v) = $ng->scrape; ($v->{xtreamd_db_up} // 0) == 1 });
is($v->{xtreamd_db_up}, 1, 'xtreamd_db_up back to 1 (its file is rewritten every 2 s)');
ok(($v->{xtreamd_db_connection_losses_total} // 0) >= 1, 'the loss was counted');
is_deeply([$ng->alerts], [], 'no alerts in the nginx error log');
done_testing();
