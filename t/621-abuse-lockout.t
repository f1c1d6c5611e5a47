# Abuse, login lock-out (issue 18, findings 2 and 4): every endpoint that
# takes a password (player_api, get.php, xmltv.php, panel_api, stream URLs)
# checks the lock and counts failures; a locked address gets 429 for right
# and wrong passwords alike, on every endpoint.  A good login takes back
# only its own username's failures: interleaving logins of one's own line
# with guesses at another line still locks the address.  Before the fix
# get.php, xmltv.php and panel_api neither checked nor counted, and any
# success cleared the address's count.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use XtreamSup;
use XtreamNginx;
use Test::More;
require './t/delivery-helpers.pl';
our ($Secret);

my $Max = 5;

make_media();
master(11, 1);
publish(11, 0, 0, 1, 2);

my $ng = XtreamNginx->start(http => <<"HTTP", server => <<'SERVER');
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_timezone $XtreamTest::Tz;
    xtream_zone xtream 1m;
    xtream_secret $main::Secret;
    xtream_media_root $XtreamTest::Tmp/media;
    xtream_ondemand_stale 0;
    xtream_login_failures $Max 60s 60s;
HTTP
        location = /player_api.php { xtream_api; }
        location = /get.php { xtream_api; }
        location = /xmltv.php { xtream_api; }
        location = /panel_api.php { xtream_api; }
        location / { xtream_delivery; }
SERVER

# endpoint => [URI for user/password, status of a wrong password, body of
#              a wrong password, status of the right one]
my %ep = (
    player_api => ['/player_api.php?username=%s&password=%s', 200, qr/"auth":0/, 200],
    get        => ['/get.php?username=%s&password=%s&type=m3u_plus', 404, qr/^$/, 200],
    xmltv      => ['/xmltv.php?username=%s&password=%s', 401, qr/^$/, 200],
    panel_api  => ['/panel_api.php?username=%s&password=%s', 200, qr/"auth":0/, 200],
    live_ts    => ['/live/%s/%s/11.m3u8', 401, qr/^$/, 200],
);
sub uri { my ($e, $u, $p) = @_; return sprintf($ep{$e}[0], $u, $p) }

XtreamSup::wait_for(20, sub { ($ng->get(uri('player_api', 'demo', 'demo-pass')))[2] =~ /"auth":1/ })
    or BAIL_OUT('the fixture lines never logged in');

my $n = 0;
for my $e (sort keys %ep) {
    my $from = sprintf('127.3.%d.1', ++$n);
    my ($good) = $ng->get(uri($e, 'demo', 'demo-pass'), from => $from, timeout => 2);
    is($good, $ep{$e}[3], "$e: the right password answers $ep{$e}[3]");
    for my $i (1 .. $Max) {
        my ($st, $h, $body) = $ng->get(uri($e, 'demo', "wrong$i"), from => $from);
        ok($st == $ep{$e}[1] && $body =~ $ep{$e}[2], "$e: wrong password $i answers $ep{$e}[1] ($st)");
    }
    my ($st) = $ng->get(uri($e, 'demo', 'demo-pass'), from => $from);
    is($st, 429, "$e: after $Max failures the right password answers 429");
    ($st) = $ng->get(uri($e, 'demo', 'wrong'), from => $from);
    is($st, 429, "$e: and a wrong one 429 too (nothing to tell them apart)");
    for my $o (sort grep { $_ ne $e } keys %ep) {
        ($st) = $ng->get(uri($o, 'demo', 'demo-pass'), from => $from);
        is($st, 429, "$e locked the address: $o answers 429");
    }
    ($st) = $ng->get(uri($e, 'demo', 'demo-pass'), from => '127.3.99.1');
    is($st, $ep{$e}[3], "$e: another address is not locked");
}

# finding 4: a subscriber logs in to its own line between guesses at
# another line's password: locked after $Max guesses all the same
for my $e (qw(player_api get)) {
    my $from = sprintf('127.4.%d.1', ++$n);
    my ($locked_at, $st);
    for my $i (1 .. 3 * $Max) {
        ($st) = $ng->get(uri($e, 'demo', 'demo-pass'), from => $from);
        if ($st == 429) { $locked_at = $i; last }
        is($st, $ep{$e}[3], "$e: own line logs in ($i)") if $i == 1;
        $ng->get(uri($e, 'one', "guess$i"), from => $from);
    }
    is($locked_at, $Max + 1, "$e: interleaved own logins do not clear the guesses: locked after $Max");
}

# a typo of one's own, then the right password: forgiven (not locked after
# $Max typos spread over several good logins)
{
    my $from = '127.5.0.1';
    my $bad = 0;
    for my $i (1 .. 2 * $Max) {
        $ng->get(uri('player_api', 'demo', 'typo'), from => $from);
        my (undef, undef, $b) = $ng->get(uri('player_api', 'demo', 'demo-pass'), from => $from);
        $bad++ unless $b =~ /"auth":1/;
    }
    is($bad, 0, "own typos followed by the right password never lock ($bad refused)");
}

is_deeply([$ng->alerts], [], 'no alerts in the nginx error log');
done_testing();
