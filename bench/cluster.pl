#!/usr/bin/env perl
# Many servers (issue 11), measured on one machine with the topology of
# t/700 (t/lib/XtreamClusterSetup.pm: primary + GTID replica, main +
# three nodes):
#  1. redirect throughput of the main (a live request answered with a
#     302 and a signed hand-off token) against the login throughput of
#     the same nginx (player_api.php), interleaved rounds, wrk, medians
#  2. time for a change on the primary to reach a node's players: a line
#     banned / unbanned with xtreamctl on the primary, then the node is
#     asked (with a hand-off token) every 10 ms until its answer flips;
#     node 2 reads the replica, node 4 the primary
#  3. the max_connections overshoot window across nodes: a viewer of a
#     1-connection line held on node 2, node 3 asked until it refuses
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use Time::HiRes qw(time sleep);
BEGIN { $ENV{XT_CLUSTER_LOG_LEVEL} //= 'warn' }
use XtreamCluster;
use XtreamClusterSetup;

my $ROUNDS = $ENV{ROUNDS} // 7;
my $SECS = $ENV{SECS} // 3;
my $CONNS = $ENV{CONNS} // 16;
my $CHANGES = $ENV{CHANGES} // 7;
$| = 1;

sub median { my @a = sort { $a <=> $b } @_; return @a % 2 ? $a[$#a / 2] : ($a[@a / 2 - 1] + $a[@a / 2]) / 2 }

sub wrk {
    my ($url) = @_;
    my ($rc, $out) = XtreamCluster::run_cmd('wrk', '-t1', "-c$CONNS", "-d${SECS}s",
                                            '-H', 'User-Agent: xtream-bench/1', $url);
    die "wrk failed: $out" if $rc;
    die "wrk: error answers from $url: $out" if $out =~ /Non-2xx or 3xx/;
    my ($rps) = $out =~ /^Requests\/sec:\s+([\d.]+)/m or die "wrk: no rate: $out";
    return $rps;
}

my $C = XtreamClusterSetup::build();
my ($main, $n2, $n3, $n4) = map { $C->{s}{$_} } 1 .. 4;
XtreamCluster::wait_for(30, sub {
    my (undef, $out) = XtreamCluster::xtctl($main, 'server', 'list', '--window', 3);
    (() = $out =~ /\tnode\t1\tup\t/g) == 3;
}) or die "nodes not healthy";

# 1. redirects against logins
my $login = "$main->{url}/player_api.php?username=u1&password=u1-pass";
my $redir = "$main->{url}/live/u1/u1-pass/1.ts";
my ($st, $h) = XtreamCluster::http(url => $redir);
die "no redirect ($st)" unless $st == 302 && $h->{location} =~ m{/live/_h/};
my (@l, @r, @ratio);
for my $i (1 .. $ROUNDS) {
    my ($a, $b) = $i % 2 ? (wrk($login), wrk($redir)) : reverse(wrk($redir), wrk($login));
    push @l, $a; push @r, $b; push @ratio, $b / $a;
}
printf "login (player_api.php, main): median %.0f req/s over %d rounds (%s)\n", median(@l), $ROUNDS, join(' ', map { int } @l);
printf "redirect (/live/U/P/1.ts -> 302 + token): median %.0f req/s (%s)\n", median(@r), join(' ', map { int } @r);
printf "redirect / login: median ratio %.2f (%s)\n", median(@ratio), join(' ', map { sprintf '%.2f', $_ } @ratio);

# 2. primary -> node player
# node 2 carries live stream 1; node 4 does not (its stream is on-demand),
# so it is asked for the movie
sub tokurl {
    my ($s, $line) = @_;
    my $vod = $s->{id} == 4;
    my $t = XtreamCluster::token(server => $s->{id}, line => $line, kind => $vod ? 'm' : 'l',
                                 stream => 1, expires => int(time) + 60);
    return $vod ? "$s->{url}/movie/_h/$t/1.mp4" : "$s->{url}/live/_h/$t/1.ts";
}
for my $s ($n2, $n4) {
    my @t;
    my $banned = 0;
    for my $i (1 .. $CHANGES) {
        my $want = $banned ? 200 : 403;
        my ($rc, $out) = XtreamCluster::xtctl($main, 'line', 'set', 'ban', '--status', $banned ? 'active' : 'banned');
        die "xtreamctl: $out" if $rc;
        my $t0 = time;
        my $dt = XtreamCluster::wait_for(30, sub {
            (XtreamCluster::http(url => tokurl($s, 3), max => 188))[0] == $want;
        }) // die "node $s->{id} never answered $want";
        push @t, $dt * 1000;
        $banned = !$banned;
        sleep 0.3;
    }
    printf "change on the primary -> node %d's players (%s): median %.0f ms over %d changes (%s)\n",
        $s->{id}, $s->{id} == 2 ? 'replica' : 'primary', median(@t), $CHANGES, join(' ', map { int } @t);
}

# 3. overshoot window of max_connections across nodes
my (@w, @extra);
for my $i (1 .. $CHANGES) {
    my ($s2, undef, undef, $held) = XtreamCluster::http(url => tokurl($n2, 2), max => 188 * 4, keep => 1);
    die "lim viewer refused on node 2 ($s2)" unless $s2 == 200;
    my $n = 0;
    my $dt = XtreamCluster::wait_for(30, sub {
        my ($s3) = XtreamCluster::http(url => tokurl($n3, 2), max => 188);
        $n++ if $s3 == 200;
        $s3 == 403;
    }) // die "node 3 never refused";
    push @w, $dt * 1000; push @extra, $n;
    close $held;
    XtreamCluster::wait_for(30, sub { (XtreamCluster::http(url => tokurl($n3, 2), max => 188))[0] == 200 });
    sleep 0.5;
}
printf "max_connections=1 across nodes: a second node refuses after median %.0f ms (%s), admitting median %d extra viewer(s) meanwhile (%s); load_report_ms=500, poll 100 ms\n",
    median(@w), join(' ', map { int } @w), median(@extra), join(' ', @extra);
