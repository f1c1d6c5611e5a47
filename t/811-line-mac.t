# MAG boxes bound to lines (issue 17, the data half of the Stalker portal):
# the admin API's "mac" on /lines (normal form, either case and separator
# in, 400 naming the field for anything else, 409 for a box bound twice,
# null unbinds), `xtreamctl line add|set --mac`, `xtreamctl import` with
# "mac", and the binding reaching lines.snap (its LINE_MACS section) and
# leaving when unbound.  Real MariaDB + xtreamd + nginx.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();

dv_blocks($XtreamTest::DefaultHttpConfig, $XtreamTest::DefaultConfig);
XtreamTest::hooks();

# 1 when lines.snap holds the six bytes of mac (only LINE_MACS holds raw
# MAC bytes), polled for up to 10 s after a change
sub snap_has {
    my ($hex, $want) = @_;
    my $bytes = pack 'H*', $hex;
    my $end = time + 10;
    while (time < $end) {
        my $f = "$ENV{TEST_NGINX_XT_SNAPDIR}/lines.snap";
        my $has = -e $f && index(slurp_b($f), $bytes) >= 0 ? 1 : 0;
        return 1 if $has == $want;
        sleep 0.2;
    }
    return 0;
}

sub api {
    my ($m, $p, $b) = @_;
    my ($rc, $out) = XtreamTest::xtctl('api', $m, $p, defined $b ? ($b) : ());
    my $j = eval { JSON::PP->new->decode($out) };
    return ($rc, $j, $out);
}

run_tests();

__DATA__

=== TEST 1: admin API, xtreamctl and import: normal form, 400, 409, unbind; the snapshot follows
--- request
GET /player_api.php?username=demo&password=demo-pass
--- error_code: 200
--- timeout: 60
--- dv_check
my ($rc, $j, $out) = api('POST', '/lines', '{"username":"box1","password":"box1-pass","mac":"00:1a:79:ab:cd:ef"}');
is($rc, 0, 'POST /lines with a mac') or diag($out);
is($j->{mac}, '00:1A:79:AB:CD:EF', 'stored upper-case with colons');
my $id = $j->{id};
ok(snap_has('001a79abcdef', 1), 'lines.snap holds the box');
($rc, $j, $out) = api('GET', "/lines/$id");
is($j->{mac}, '00:1A:79:AB:CD:EF', 'GET shows it');
($rc, $j, $out) = api('POST', '/lines', '{"username":"box2","password":"box2-pass","mac":"00-1A-79-AB-CD-EF"}');
is($rc, 1, 'the same box in another spelling: refused');
like($out, qr/mac/, 'naming mac');
like(XtreamTest::sql("SELECT COUNT(*) FROM `lines` WHERE username = 'box2'"), qr/^0$/m, 'and nothing was created');
for my $bad ('00:1A:79:AB:CD', '00:1A:79:AB:CD:EG', '00:1A-79:AB:CD:EF', '01:1A:79:AB:CD:EF',
             '00:00:00:00:00:00', ' 00:1A:79:AB:CD:EF', '001A79ABCDEF', 'x' x 300) {
    ($rc, $j, $out) = api('POST', '/lines', JSON::PP->new->encode({ username => 'box3', password => 'box3-pass', mac => $bad }));
    is($rc, 1, "bad mac \"" . substr($bad, 0, 20) . "\": refused");
    like($out, qr/^xtreamctl: mac: a MAC address/m, 'names the field');
}
($rc, $j, $out) = api('POST', '/lines', '{"username":"box3","password":"box3-pass","mac":17}');
is($rc, 1, 'a number: refused');
($rc, $j, $out) = api('PATCH', "/lines/$id", '{"mac":"00:1a:79:00:00:02"}');
is($rc, 0, 'PATCH moves the binding') or diag($out);
is($j->{mac}, '00:1A:79:00:00:02', 'to the new box');
ok(snap_has('001a79000002', 1) && snap_has('001a79abcdef', 0), 'the snapshot follows');
($rc, $j, $out) = api('PATCH', "/lines/$id", '{"mac":null}');
is($rc, 0, 'null unbinds');
ok(!defined $j->{mac}, 'mac is null');
ok(snap_has('001a79000002', 0), 'and the box leaves the snapshot');
($rc, $j, $out) = api('PATCH', "/lines/$id", '{"status":"active"}');
is($j->{mac}, undef, 'a PATCH without mac leaves it');

# xtreamctl line add/set --mac
($rc, $out) = XtreamTest::xtctl('line', 'add', 'box4', '--password', 'box4-pass', '--mac', '00:1a:79:44:44:44');
is($rc, 0, 'line add --mac') or diag($out);
like(XtreamTest::sql("SELECT mac FROM `lines` WHERE username = 'box4'"), qr/^00:1A:79:44:44:44$/m, 'stored normalised');
($rc, $out) = XtreamTest::xtctl('line', 'add', 'box5', '--password', 'box5-pass', '--mac', '00:1A:79:44:44:44');
is($rc, 1, 'line add with a bound box: exit 1');
($rc, $out) = XtreamTest::xtctl('line', 'set', 'box4', '--mac', 'nonsense');
is($rc, 1, 'line set --mac nonsense: exit 1');
like($out, qr/mac/, 'names mac');
($rc, $out) = XtreamTest::xtctl('line', 'set', 'box4', '--mac', '');
is($rc, 0, 'line set --mac "" unbinds');
like(XtreamTest::sql("SELECT COALESCE(mac, 'NULL') FROM `lines` WHERE username = 'box4'"), qr/^NULL$/m, 'mac NULL');

# import
XtreamTest::import_json({ lines => [{ username => 'box6', password => 'box6-pass', status => 'active',
                                      bouquets => [], mac => '00-1a-79-66-66-66' }] });
like(XtreamTest::sql("SELECT mac FROM `lines` WHERE username = 'box6'"), qr/^00:1A:79:66:66:66$/m, 'import: stored normalised');
ok(snap_has('001a79666666', 1), 'import: in the snapshot');
my $f = "$XtreamTest::Tmp/badmac.json";
XtreamTest::spew($f, '{"lines":[{"username":"box7","password":"box7-pass","mac":"00:1A:79"}]}');
($rc, $out) = XtreamTest::xtctl('import', $f);
isnt($rc, 0, 'import: a bad mac is refused');
like($out, qr/mac.*MAC address/, 'naming the field');
--- no_error_log
[alert]
[crit]
