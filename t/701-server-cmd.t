# xtreamctl server add|set|del|list|place|unplace|streams (issue 11): the
# servers table, placement, loads and health as the operator sees them,
# and the clear errors bad input gets.  One private MariaDB (no replica:
# `list` says so), xtreamd reporting the load of server 1.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use XtreamSup;
use Test::More;
use Time::HiRes qw(sleep time);

sub ctl { my ($rc, $out) = XtreamTest::xtctl('server', @_); return ($rc, $out) }

my ($rc, $out) = ctl('add', 'node-a', '--host', '10.0.0.2', '--http-port', '8080');
is($rc, 0, 'server add');
like($out, qr/^\d+\n\z/, 'prints the new id');
my $id = $out + 0;
($rc, $out) = ctl('add', 'node-b', '--host', 'edge.example.net', '--enabled', '0');
is($rc, 0, 'a second server, disabled');
is(XtreamTest::sql("SELECT name, host, http_port, is_main, enabled FROM servers WHERE id = $id"),
   "node-a\t10.0.0.2\t8080\t0\t1\n", 'stored as given, defaults for the rest');

($rc, $out) = ctl('set', 'node-a', '--http-port', '8081', '--main', '0');
is($rc, 0, 'server set');
is(XtreamTest::sql("SELECT http_port FROM servers WHERE id = $id"), "8081\n", 'changed');

my ($stream) = XtreamTest::sql('SELECT MIN(id) FROM streams') =~ /(\d+)/;
($rc, $out) = ctl('place', 'node-a', $stream);
is($rc, 0, 'server place');
($rc, $out) = ctl('streams', 'node-a');
is($out, "$stream\n", 'server streams lists it');
($rc, $out) = ctl('place', 'node-a', $stream);
like($out, qr/stream $stream: not placed \(unknown stream, or placed already\)/, 'placing twice says so');
($rc, $out) = ctl('place', 'node-a', 999999);
like($out, qr/stream 999999: not placed/, 'an unknown stream says so');

($rc, $out) = ctl('list');
is($rc, 0, 'server list');
like($out, qr/^id\tname\thost:port\trole\tenabled\thealth\t/, 'with a header');
like($out, qr/^$id\tnode-a\t10\.0\.0\.2:8081\tnode\t1\tnever\t-1\t0\t0\t0\t0\t1$/m,
     'a node that never reported: health never, one stream placed');
like($out, qr/^replication\treplica\tnone \(this is not a replica\)$/m, 'no replica here');
like($out, qr/^replication\tthis\tserver_id=\d+\tread_only=0\t/m, 'this server\'s replication state');

# the daemon's load reports (server_id = 1 in its config; off by default)
XtreamSup::reconfigure(load_report_ms => 300);
my $up;
for (1 .. 200) {
    last if ($up = (ctl('list'))[1] =~ /^1\tmain\t127\.0\.0\.1:\d+\tmain\t1\tup\t\d+\t/m);
    sleep 0.1;
}
ok($up, 'xtreamd reports the load of its server (the fixture\'s main): health up');

($rc, $out) = ctl('unplace', 'node-a', $stream);
is($rc, 0, 'server unplace');
is((ctl('streams', 'node-a'))[1], '', 'nothing placed');

# bad input: exit 1, one clear line, nothing written
my @bad = (
    [['add', 'bad name', '--host', 'x'], qr/server name "bad name": 1\.\.64 characters of \[A-Za-z0-9\._-\]/],
    [['add', 'n1'], qr/server add n1: --host is required/],
    [['add', 'n1', '--host', 'a/b'], qr/--host "a\/b": a host name or address/],
    [['add', 'n1', '--host', 'h', '--http-port', '70000'], qr/--http-port must be a port 1\.\.65535/],
    [['add', 'n1', '--host', 'h', '--http-port', '08x'], qr/--http-port must be a port/],
    [['add', 'n1', '--host', 'h', '--main', '2'], qr/--main must be 0 or 1/],
    [['add', 'n1', '--host', 'h', '--host', 'i'], qr/--host given twice/],
    [['add', 'n1', '--host', 'h', '--bogus', '1'], qr/unknown option "--bogus"/],
    [['add', 'n1', '--host'], qr/--host needs a value/],
    [['add', 'node-a', '--host', 'h'], qr/server "node-a" exists/],
    [['set', 'node-a'], qr/server set node-a: nothing to change/],
    [['set', 'nope', '--http-port', '1'], qr/no server "nope"/],
    [['del', 'nope'], qr/no server "nope"/],
    [['place', 'nope', 1], qr/no server "nope"/],
    [['place', 'node-a', '0'], qr/stream id "0" is not an integer >= 1/],
    [['place', 'node-a', 'x1'], qr/stream id "x1" is not an integer >= 1/],
    [['place', 'node-a'], qr/server place NAME STREAM_ID/],
    [['list', '--window', '0'], qr/--window must be 1\.\.86400 seconds/],
    [['list', 'extra'], qr/usage: server list \[--window SECONDS\]/],
    [['frob', 'x'], qr/unknown server command "frob"/],
    [['add'], qr/server add needs a server name/],
);
my $before = XtreamTest::sql('SELECT COUNT(*), SUM(http_port) FROM servers');
for my $b (@bad) {
    my ($rc, $out) = ctl(@{ $b->[0] });
    is($rc, 1, "exit 1: server @{ $b->[0] }");
    like($out, qr/\Axtreamctl: .*\n\z/, 'one line') and like($out, $b->[1], 'saying what is wrong');
}
is(XtreamTest::sql('SELECT COUNT(*), SUM(http_port) FROM servers'), $before, 'nothing was written');

($rc, $out) = ctl('del', 'node-b');
is($rc, 0, 'server del');
is(XtreamTest::sql("SELECT COUNT(*) FROM servers WHERE name = 'node-b'"), "0\n", 'gone');

done_testing();
