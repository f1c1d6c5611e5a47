# Many servers (issue 11) on one machine: a MariaDB primary and a GTID
# replica set up by scripts/replica-setup.sh, the main server on 127.0.0.1
# and three streaming nodes on 127.0.0.2..4, each nginx + module + xtreamd
# with its own snapshot dir (t/lib/XtreamClusterSetup.pm).  Nodes report
# load every 0.5 s; a node is healthy while its last report is at most 3 s
# old (xtream_cluster_node_timeout 3s).  Every wait below polls with a
# generous deadline; the times measured are printed, never asserted tight.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Time::HiRes qw(time sleep);
use XtreamCluster;
use XtreamClusterSetup;

my $C = XtreamClusterSetup::build();
my ($main, $n2, $n3, $n4) = map { $C->{s}{$_} } 1 .. 4;
my $port = $main->{port};
my $U = 'u1/u1-pass';
my %line = (u1 => 1, lim => 2, ban => 3);

sub http { return XtreamCluster::http(@_) }
# the window of the module's xtream_cluster_node_timeout
sub list { my ($s) = @_; my ($rc, $out) = XtreamCluster::xtctl($s, 'server', 'list', '--window', 3); return $out }
sub row {
    my ($out, $id) = @_;
    my ($r) = grep { /^$id\t/ } split /\n/, $out;
    return [ split /\t/, $r // '' ];
}
# the main's view: column 5 health, 7 connections
sub health { return row(list($main), $_[0])->[5] // '' }
sub conns { return row(list($main), $_[0])->[7] // -1 }
sub redirect {
    my ($path, %a) = @_;
    my ($st, $h) = http(url => "$main->{url}$path", %a);
    return ($st, $h->{location} // '');
}
sub node_of { my ($loc) = @_; return $loc =~ m{^http://127\.0\.0\.(\d+):} ? $1 : 0 }
sub tok {
    my (%t) = @_;
    return XtreamCluster::token(expires => int(time) + 30, kind => 'l', stream => 1, %t);
}

# ---- servers, loads and the replica
ok(XtreamCluster::wait_for(30, sub { !grep { health($_) ne 'up' } 2 .. 4 }),
   'every node reports load and is healthy in the main\'s view');
my $l2 = list($n2);
like($l2, qr/^replication\treplica\tSlave_IO_Running=Yes\tSlave_SQL_Running=Yes\tSeconds_Behind_Master=\d+\tGtid_IO_Pos=0-1-\d+/m,
     'xtreamctl server list on a node shows the replica running, its lag and GTID position');
like($l2, qr/^replication\tthis\tserver_id=2\tread_only=1\t/m, 'the replica is read-only');
like($C->{setup_replica}, qr/replicating from 127\.0\.0\.1:\d+, gtid_slave_pos=0-1-\d+, read_only=1/,
     'replica-setup.sh set up GTID replication');
like(row(list($main), 4)->[11] // '', qr/^1$/, 'placement is listed (node 4 carries one stream)');
ok(XtreamCluster::wait_for(20, sub { (row(list($main), 2)->[10] // 0) >= 1 }),
   'node 2 reports its running worker');
like(row(list($main), 2)->[9] // '', qr/^\d+$/, 'and its CPU use');

# ---- what players see: the main, everywhere
my ($ps, undef, $pb) = http(url => "$main->{url}/player_api.php?username=u1&password=u1-pass");
like($pb, qr/"server_info":\{"url":"127\.0\.0\.1","port":"$port"/, 'server_info names the main');
my ($gs, undef, $gb) = http(url => "$main->{url}/get.php?username=u1&password=u1-pass&type=m3u_plus&output=ts");
like($gb, qr{^http://127\.0\.0\.1:$port/u1/u1-pass/1\r?$}m, 'playlist URLs are the main\'s');
unlike($gb, qr{127\.0\.0\.[234]}, 'no node in the playlist');

# ---- redirect to a node carrying the stream, the node serves it
my ($st, $loc) = redirect("/live/$U/1.ts");
is($st, 302, 'the main answers a live request with a redirect');
like($loc, qr{^http://127\.0\.0\.([23]):$port/live/_h/([23])-1-\d+-[0-9a-f]{32}/1\.ts$},
     'to a node carrying stream 1 (2 or 3), with a hand-off token for that node and line');
unlike($loc, qr/u1-pass/, 'the password is not in the hand-off URL');
my $x = node_of($loc);
my $y = $x == 2 ? 3 : 2;
my ($vs, $vh, $vb, $viewer) = http(url => $loc, max => 188 * 64, keep => 1);
is($vs, 200, "node $x serves the hand-off");
ok(XtreamCluster::is_ts($vb), 'with MPEG-TS from its worker');

# ---- least loaded: once node x reports the viewer, a new viewer goes to
# y (the main's snapshot follows the primary within a poll or two)
ok(XtreamCluster::wait_for(20, sub { conns($x) >= 1 }), "node $x reports the viewer");
sleep 0.5;
is(node_of((redirect("/live/$U/1.ts"))[1]), $y, "a new viewer of stream 1 goes to the least-loaded node $y");

# ---- placement and on-demand: stream 2 is placed on node 4 only
($st, $loc) = redirect("/live/$U/2.ts");
like($loc, qr{^http://127\.0\.0\.4:$port/live/_h/4-1-}, 'the on-demand stream goes to the node it is placed on');
my $t0 = time;
my ($os, $oh, $ob) = http(url => $loc, max => 188 * 32, timeout => 40);
is($os, 200, 'node 4 starts the on-demand stream and serves it');
ok(XtreamCluster::is_ts($ob), 'real segments of the on-demand worker');
note(sprintf 'on-demand start on node 4: %.1f s', time - $t0);
ok(XtreamCluster::worker_pids($n4) >= 1 && !XtreamCluster::worker_pids($main),
   'the worker runs on node 4 (and nothing runs on the main)');

# ---- HLS through a node
($st, $loc) = redirect("/live/$U/1.m3u8");
like($loc, qr{/live/_h/[23]-1-\d+-[0-9a-f]{32}/1\.m3u8$}, 'HLS is handed off too');
my ($hs, $hh, $hb) = http(url => $loc);
is($hs, 200, 'the node answers the playlist');
my ($seg) = $hb =~ m{^(/hls/1/0/\d+\.ts\?t=\S+)$}m;
ok($seg, 'whose segment URLs are the node\'s own signed ones');
my ($base) = $loc =~ m{^(http://[^/]+)};
my ($ss, $sh, $sb) = http(url => "$base$seg");
is($ss, 200, 'a segment from the node');
ok(XtreamCluster::is_ts($sb), 'is MPEG-TS');

# ---- VOD through a node
($st, $loc) = redirect("/movie/$U/1.mp4");
like($loc, qr{^http://127\.0\.0\.[234]:$port/movie/_h/[234]-1-\d+-[0-9a-f]{32}/1\.mp4$}, 'a movie goes to any node');
my ($ms, $mh, $mb) = http(url => $loc);
is($ms, 200, 'the node serves the movie');
is(substr($mb, 4, 4), 'ftyp', 'the file itself');
is(length($mb), -s "$XtreamCluster::Tmp/film.mp4", 'all of it');

# ---- tokens the nodes refuse
my $good = tok(server => 3, line => 1);
is((http(url => "$n3->{url}/live/_h/$good/1.ts", max => 188 * 8))[0], 200,
   'a token made with the cluster secret is accepted (so the refusals below mean something)');
my $forged = $good;
substr($forged, -1, 1) = substr($forged, -1, 1) eq '0' ? '1' : '0';
my %refused = (
    'a forged MAC'           => "$n3->{url}/live/_h/$forged/1.ts",
    'an expired token'       => "$n3->{url}/live/_h/" . tok(server => 3, line => 1, expires => int(time) - 5) . '/1.ts',
    'another node\'s token'  => "$n2->{url}/live/_h/$good/1.ts",
    'another stream'         => "$n3->{url}/live/_h/$good/2.ts",
    'another kind'           => "$n3->{url}/live/_h/$good/1.m3u8",
    'another secret'         => "$n3->{url}/live/_h/" . tok(server => 3, line => 1, secret => 'x' x 32) . '/1.ts',
    'another line id'        => "$n3->{url}/live/_h/" . join('-', 3, 2, (split /-/, $good)[2, 3]) . '/1.ts',
);
for my $what (sort keys %refused) {
    is((http(url => $refused{$what}))[0], 403, "refused: $what");
}
is((http(url => "$n3->{url}/live/_h/$good/1.ts", from => '127.0.0.9'))[0], 403,
   'refused: the token used from another client address');
is((http(url => "$n3->{url}/live/_h/zz-1/1.ts"))[0], 400, 'a malformed hand-off URL is a 400');
is((http(url => "$main->{url}/live/_h/$good/1.ts"))[0], 404, 'the main takes no hand-offs');
like(XtreamCluster::slurp("$n3->{dir}/log/nginx-error.log"),
     qr/hand-off token for stream 1 refused: expired/, 'the node logs why');

# ---- max_connections across nodes (line lim, 1 connection)
my ($as, undef, undef, $a) = http(url => "$n2->{url}/live/_h/" . tok(server => 2, line => 2) . '/1.ts',
                                  max => 188 * 8, keep => 1);
is($as, 200, 'line lim: a viewer on node 2');
my ($t_held, $admitted, $window) = (time, 0);
$window = XtreamCluster::wait_for(30, sub {
    my ($s) = http(url => "$n3->{url}/live/_h/" . tok(server => 3, line => 2) . '/1.ts', max => 188 * 8);
    $admitted++ if $s == 200;
    return $s == 403;
});
ok(defined $window, 'node 3 refuses line lim once node 2\'s connection reached it');
note(sprintf 'max_connections across nodes: refused on node 3 after %.2f s, %d extra viewer(s) admitted meanwhile',
     $window // -1, $admitted);
like(XtreamCluster::slurp("$n3->{dir}/log/nginx-error.log"),
     qr/line 2 at max_connections 1 across servers \(1 elsewhere\), refused/, 'and says so');
ok(XtreamCluster::wait_for(20, sub {
    (http(url => "$main->{url}/player_api.php?username=lim&password=lim-pass"))[2] =~ /"active_cons":"?1"?[,}]/;
}), 'the main\'s user_info.active_cons counts the viewer on node 2');
close $a;
ok(XtreamCluster::wait_for(30, sub {
    (http(url => "$n3->{url}/live/_h/" . tok(server => 3, line => 2) . '/1.ts', max => 188 * 8))[0] == 200;
}), 'when the viewer on node 2 leaves, node 3 admits the line again');

# ---- a change on the primary reaches a node's players
is((http(url => "$n2->{url}/live/_h/" . tok(server => 2, line => 3) . '/1.ts', max => 188 * 8))[0], 200,
   'line ban plays on node 2');
my ($rc, $out) = XtreamCluster::xtctl($main, 'line', 'set', 'ban', '--status', 'banned');
is($rc, 0, 'ban the line on the primary') or diag $out;
$t0 = time;
my $seen = XtreamCluster::wait_for(30, sub {
    (http(url => "$n2->{url}/live/_h/" . tok(server => 2, line => 3) . '/1.ts', max => 188 * 8))[0] == 403;
});
ok(defined $seen, 'node 2 (reading the replica) refuses the banned line');
note(sprintf 'primary -> replica -> node 2 snapshot -> player: %.2f s', $seen // -1);

# ---- a node stops: new viewers go elsewhere; it restarts and rejoins.
# Node 3 is made busier (3 viewers) so only node 2's health can explain
# a viewer sent to node 3.
my @hold3 = map { (http(url => "$n3->{url}/live/_h/" . tok(server => 3, line => 1) . '/1.ts',
                        max => 188 * 8, keep => 1))[3] } 1 .. 3;
is(scalar(grep { defined } @hold3), 3, 'three viewers held on node 3');
close $viewer;     # the first viewer leaves node x
ok(XtreamCluster::wait_for(20, sub { conns(2) == 0 && conns(3) >= 3 }), 'node 2 idle, node 3 busy');
sleep 0.5;
is(node_of((redirect("/live/$U/1.ts"))[1]), 2, 'so stream 1 goes to node 2');
$t0 = time;
XtreamCluster::crash($n2);
my $gone = XtreamCluster::wait_for(30, sub { health(2) eq 'down' });
ok(defined $gone, 'node 2 crashed: xtreamctl server list shows it down');
note(sprintf 'crash to "down": %.2f s (bound: 3 s node timeout after its last report, reports every 0.5 s)',
     $gone // -1);
my @after = map { node_of((redirect("/live/$U/1.ts"))[1]) } 1 .. 5;
is_deeply(\@after, [3, 3, 3, 3, 3], 'new viewers go to node 3 although it is busier');

# a clean stop says so at once (last_seen = 0): node 4's xtreamd
XtreamCluster::stop_pid($n4->{xpid});
is(XtreamCluster::sql($C->{primary}, 'SELECT last_seen FROM server_load WHERE server_id = 4', 'xtream'),
   "0\n", 'a node stopped cleanly marks itself stopped');
is(health(4), 'stopped', 'xtreamctl server list shows it stopped');
ok(XtreamCluster::wait_for(10, sub { (redirect("/live/$U/2.ts"))[0] == 503 }),
   'its only stream has no node then: the main tries itself and has no media for it (503)');

XtreamCluster::start_xtreamd($n2);
XtreamCluster::start_nginx($n2);
$t0 = time;
my $back = XtreamCluster::wait_for(30, sub { node_of((redirect("/live/$U/1.ts"))[1]) == 2 });
ok(defined $back, 'node 2 restarted: it rejoins and takes new viewers again');
note(sprintf 'restart to first redirect: %.2f s', $back // -1);
# the restarted worker's first segment (the live edge a TS viewer starts
# at must be a file of the new worker: see the report on stale entries)
ok(XtreamCluster::wait_for(30, sub {
    my $pl = XtreamCluster::slurp("$n2->{dir}/media/1/0/index.m3u8");
    my ($last) = $pl =~ /(\d+\.ts)\s*\z/;
    $pl =~ /DISCONTINUITY/ && $last && -e "$n2->{dir}/media/1/0/$last";
}), 'node 2\'s worker publishes segments again');
($st, $loc) = redirect("/live/$U/1.ts");
my ($rs, undef, $rb) = http(url => $loc, max => 188 * 32, timeout => 40);
is($rs, 200, 'and serves them');
ok(XtreamCluster::is_ts($rb), 'from its restarted worker')
    or diag(sprintf '%d bytes: %s', length $rb, unpack('H64', $rb));
close $_ for @hold3;

done_testing();
