# Clock steps (libfaketime on nginx, the wall clock only: an NTP step
# leaves CLOCK_MONOTONIC alone) do not stretch or cut tokens, sessions or
# lock-outs beyond their stated windows:
#  - +1 h: a segment token issued before is expired (403); a fresh
#    playlist plays; the HLS session (monotonic idle timer) is not dropped;
#  - back to 0: a token issued at +1 h is not valid for an hour more;
#  - a lock-out (5 s) lasts 5 s whichever way the clock is stepped.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use Test::More;
use IO::Socket::INET ();
use Time::HiRes qw(sleep time);
require './t/fault-helpers.pl';

my $Lib = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
plan skip_all => "libfaketime is not installed ($Lib)" unless -f $Lib;

my $Clock = "$XtreamTest::Tmp/faketime";
XtreamTest::spew($Clock, "+0\n");
my $ng = fault_setup(streams => 1,
    http => "    xtream_token_ttl 30s;\n    xtream_hls_idle 20s;\n    xtream_login_failures 3 60s 5s;\n",
    nginx => { env => { LD_PRELOAD => $Lib, FAKETIME_TIMESTAMP_FILE => $Clock, FAKETIME_NO_CACHE => 1,
                        FAKETIME_DONT_FAKE_MONOTONIC => 1 } });

# step the clock of nginx, and wait until both workers see it (their
# time is updated every event loop turn)
sub step {
    my $off = shift;
    XtreamTest::spew($Clock, "$off\n");
    my $want = time + ($off =~ /^([+-]\d+)h$/ ? $1 * 3600 : 0);
    my %seen;
    $ng->wait_for(10, sub {
        my ($st, $h) = $ng->get('/__xt_ping');
        my $t = HTTP_date($h->{date} // '');
        my ($v) = $ng->scrape;
        $seen{ $v->{xtream_worker_pid} } = 1 if defined $t && abs($t - $want) < 30;
        keys %seen >= 2;
    }) or die "nginx did not take the clock step $off";
}

sub HTTP_date {
    my $d = shift;
    my %m = (Jan => 0, Feb => 1, Mar => 2, Apr => 3, May => 4, Jun => 5, Jul => 6, Aug => 7, Sep => 8,
             Oct => 9, Nov => 10, Dec => 11);
    return undef unless $d =~ /^\w+, (\d+) (\w+) (\d+) (\d+):(\d+):(\d+) GMT$/;
    require Time::Local;
    return Time::Local::timegm($6, $5, $4, $1, $m{$2}, $3);
}

sub segment_url {
    my ($st, $h, $pl) = $ng->get('/live/demo/demo-pass/1.m3u8', ua => 'clock-player');
    return $st == 200 && $pl =~ m{^(/hls/1/0/\d+\.ts\?t=\S+)$}m ? $1 : undef;
}

sub login_from {
    my ($local, $pw) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $ng->port, LocalAddr => $local,
                                  Proto => 'tcp', Timeout => 5) or return 0;
    print $s "GET /player_api.php?username=demo&password=$pw HTTP/1.0\r\nHost: localhost\r\n\r\n";
    my $resp = XtreamNginx::read_until($s, 5);
    return $resp =~ m{^HTTP/1\.\d (\d{3})} ? $1 : 0;
}

# --- tokens and sessions across +1 h -------------------------------------------
step('+0');
my $seg0 = segment_url();
ok($seg0, 'a playlist with a segment token');
is(($ng->get($seg0, ua => 'clock-player'))[0], 200, 'the segment plays');
my ($v) = $ng->scrape;
is($v->{xtream_hls_sessions}, 1, 'one HLS session');

step('+1h');
is(($ng->get($seg0, ua => 'clock-player'))[0], 403, '+1 h: the token issued before the step has expired (403)');
($v) = $ng->scrape;
is($v->{xtream_hls_sessions}, 1, '+1 h: the session is not dropped (its idle timer is monotonic)');
ok(XtreamTest::login_ok_ng($ng), '+1 h: logins work (no expiry date)');
my $seg1 = segment_url();
ok($seg1, '+1 h: a fresh playlist');
is(($ng->get($seg1, ua => 'clock-player'))[0], 200, '+1 h: its segment plays');

step('+0');
is(($ng->get($seg1, ua => 'clock-player'))[0], 403,
   'back 1 h: a token issued at +1 h is not valid for an hour more (403)');
my $seg2 = segment_url();
is(($ng->get($seg2, ua => 'clock-player'))[0], 200, 'back 1 h: a fresh playlist plays');
like($ng->error_log, qr/hls token refused \(expires \d+ s ahead/, 'the refusal is logged with its reason');

# --- a 5 s lock-out, the clock stepped back then forward -----------------------------
for my $off ('-1h', '+1h') {
    step('+0');
    login_from('127.0.0.3', 'wrong') for 1 .. 3;
    is(login_from('127.0.0.3', 'demo-pass'), 429, "lock-out: three failures, locked (429)");
    my $t0 = time;
    step($off);
    is(login_from('127.0.0.3', 'demo-pass'), 429, "clock stepped $off: still locked right after") if time - $t0 < 4;
    my $free = $ng->wait_for(20, sub { login_from('127.0.0.3', 'demo-pass') == 200 });
    my $took = time - $t0;
    ok(defined $free && $took < 12, sprintf("clock stepped $off: the lock ends after its 5 s (%.1f s)", $took));
    ok($took >= 3, "clock stepped $off: and not at once");
}

is_deeply([$ng->alerts], [], 'no alerts in the error log');
done_testing();
