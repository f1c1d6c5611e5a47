# Careless input refused where it enters (issue 18 item 10), through a real
# nginx, xtreamd and MariaDB: allowed_ips items the module could never
# match (999.1.1.1, 10.0.0.0/33, 300.0.0.1/8) by the admin API, `xtreamctl
# line` and `xtreamctl import` alike, with the field named; settings only
# known names with valid values (a timezone must be in the tz database);
# deleting a stream, movie or series takes it out of every bouquet, so
# saving such a bouquet unchanged works.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
require './t/delivery-helpers.pl';
require './t/admin-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();

admin_daemon();
{
    my ($rc, $out) = XtreamTest::xtctl('admin', 'add', 'boss', '--password', 'boss-password-1', '--role', 'admin');
    die "admin add: $out" if $rc;
}

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
CONF
{ no warnings 'once'; dv_blocks($HttpConfig, $main::AdminLocation); }
XtreamTest::hooks();

our $C = AdminClient->new;

# `xtreamctl import` of a document in a file: (exit code, output)
sub import_doc {
    my $doc = shift;
    my $f = "$XtreamTest::Tmp/careless-" . int(rand(1e9)) . '.json';
    XtreamTest::spew_raw($f, JSON::PP->new->canonical->encode($doc));
    return XtreamTest::xtctl('import', $f);
}

run_tests();

__DATA__

=== TEST 1: allowed_ips: the same rule in the API, xtreamctl line and import
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 60
--- dv_check
my ($st, $j) = $C->login('boss', 'boss-password-1');
is($st, 200, 'admin logged in');
for my $bad ('999.1.1.1', '10.0.0.0/33', '300.0.0.1/8', '10.0.0.0/', '1.2.3') {
    ($st, $j) = $C->call('POST', '/lines', { username => 'ips-api', allowed_ips => ['10.1.1.1', $bad] });
    is($st, 400, "POST allowed_ips $bad: 400");
    is(err_of($j)->{field}, 'allowed_ips[1]', "$bad: the field is named");
    like(err_of($j)->{message} // '', qr/^allowed_ips\[1\]: an IPv4\/IPv6 address or CIDR/, "$bad: the message says what is wanted");
}
($st, $j) = $C->call('POST', '/lines', { username => 'ips-api', allowed_ips => ['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'] });
is($st, 201, 'good addresses and blocks: 201');
my $id = $j->{id};
($st, $j) = $C->call('PATCH', "/lines/$id", { allowed_ips => ['300.0.0.1/8'] });
is($st, 400, 'PATCH with 300.0.0.1/8: 400');
is(XtreamTest::sql("SELECT allowed_ips FROM `lines` WHERE id = $id"), "10.0.0.0/8,192.168.1.7,2001:db8::/32\n",
   'the stored list is unchanged');

# xtreamctl line add|set goes through the same check
my ($rc, $out) = XtreamTest::xtctl('line', 'add', 'ips-ctl', '--password', 'ctl-pass-1', '--allowed-ips', '10.0.0.1,999.1.1.1');
isnt($rc, 0, 'xtreamctl line add --allowed-ips 10.0.0.1,999.1.1.1 fails');
like($out, qr/allowed_ips\[1\]/, 'and names allowed_ips[1]') or diag($out);
($rc, $out) = XtreamTest::xtctl('line', 'set', 'ips-api', '--allowed-ips', '10.0.0.0/33');
isnt($rc, 0, 'xtreamctl line set --allowed-ips 10.0.0.0/33 fails');

# and import
($rc, $out) = import_doc({ lines => [{ username => 'ips-imp', password => 'imp-pass-1', allowed_ips => ['300.0.0.1/8'] }] });
isnt($rc, 0, 'import with allowed_ips 300.0.0.1/8 fails');
like($out, qr/lines\[0\]\.allowed_ips\[0\]: must be an IPv4\/IPv6 address or CIDR/, 'naming the item') or diag($out);
is(XtreamTest::sql("SELECT COUNT(*) FROM `lines` WHERE username IN ('ips-ctl', 'ips-imp')"), "0\n",
   'no refused line was stored');

=== TEST 2: settings: known names, valid values, field errors; docs/SETTINGS.md lists them
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 60
--- dv_check
my ($st, $j) = $C->login('boss', 'boss-password-1');
my $before = XtreamTest::sql("SELECT GROUP_CONCAT(name, '=', value ORDER BY name) FROM settings");
($st, $j) = $C->call('PATCH', '/settings', { motd => 'hi' });
is($st, 400, 'an unknown name: 400');
is(err_of($j)->{field}, 'motd', 'names it');
like(err_of($j)->{message}, qr/unknown setting; known: server_name, timezone/, 'and lists the known ones');
($st, $j) = $C->call('PATCH', '/settings', { server_name => 'changed', timezone => 'Mars/Olympus' });
is($st, 400, 'timezone Mars/Olympus: 400');
is(err_of($j)->{field}, 'timezone', 'names timezone');
like(err_of($j)->{message}, qr/no such time zone in the tz database/, 'says why');
for my $tz ('../../../etc/passwd', '/etc/localtime', 'Europe//London', '') {
    ($st, $j) = $C->call('PATCH', '/settings', { timezone => $tz });
    is($st, 400, "timezone '$tz': 400");
}
($st, $j) = $C->call('PATCH', '/settings', { server_name => '' });
is(err_of($j)->{field}, 'server_name', 'an empty server_name: 400 naming it');
is(XtreamTest::sql("SELECT GROUP_CONCAT(name, '=', value ORDER BY name) FROM settings"), $before,
   'nothing refused was written, not even the valid half');
($st, $j) = $C->call('PATCH', '/settings', { timezone => 'America/New_York', server_name => 'careful' });
is($st, 200, 'a real zone and a name: 200');
is($j->{items}{timezone}, 'America/New_York', 'stored');
# a stale name from an older version can still be deleted
XtreamTest::sql("INSERT INTO settings (name, value) VALUES ('stale_key', 'x')");
($st, $j) = $C->call('PATCH', '/settings', { stale_key => undef });
is($st, 200, 'null deletes an unknown stale name');
ok(!exists $j->{items}{stale_key}, 'gone');

my ($rc, $out) = main::import_doc({ settings => { timezone => 'Mars/Olympus' } });
isnt($rc, 0, 'import refuses the same timezone');
like($out, qr/settings\.timezone: no such time zone/, 'naming settings.timezone') or diag($out);

# every known setting is documented with type, default and meaning
open my $fh, '<', 'docs/SETTINGS.md' or die "docs/SETTINGS.md: $!";
my $doc = do { local $/; <$fh> };
for my $name (qw(server_name timezone)) {
    like($doc, qr/^\| `$name` \| [^|]+ \| [^|]+ \| [^|]+ \|$/m, "docs/SETTINGS.md has a row for $name");
}

=== TEST 3: deleting a stream, movie or series takes it out of every bouquet
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 60
--- dv_check
my ($st, $j) = $C->login('boss', 'boss-password-1');
($st, $j) = $C->call('POST', '/streams', { name => 'Short-lived' });
is($st, 201, 'a stream');
my $sid = $j->{id};
($st, $j) = $C->call('POST', '/bouquets', { name => 'Careless', live => [$sid, 11], movies => [504, 501], series => [602] });
is($st, 201, 'a bouquet with it, a movie and a series');
my $bq = $j->{id};
($st, $j) = $C->call('GET', '/bouquets/1');
my $basic = $j;
ok((grep { $_ == 601 } @{ $basic->{series} }), 'fixture bouquet 1 holds series 601');

for my $del (["/streams/$sid", 'stream'], ['/movies/504', 'movie'], ['/series/602', 'series'], ['/series/601', 'series 601']) {
    ($st, $j) = $C->call('DELETE', $del->[0]);
    is($st, 200, "delete the $del->[1]: 200");
}
($st, $j) = $C->call('GET', "/bouquets/$bq");
is_deeply([$j->{live}, $j->{movies}, $j->{series}], [[11], [501], []], 'the bouquet lost exactly the deleted items');
is(XtreamTest::sql("SELECT COUNT(*) FROM bouquet_items WHERE (item_type = 'live' AND item_id = $sid) "
                   . "OR (item_type = 'movie' AND item_id = 504) OR (item_type = 'series' AND item_id IN (601, 602))"),
   "0\n", 'no bouquet_items row points at a deleted item');

# saving them unchanged works (it was a 400 naming the missing item)
($st, $j) = $C->call('GET', "/bouquets/$bq");
my %same = map { $_ => $j->{$_} } qw(name live movies series);
($st, $j) = $C->call('PATCH', "/bouquets/$bq", \%same);
is($st, 200, 'PATCH the bouquet with what GET gave: 200');
($st, $j) = $C->call('GET', '/bouquets/1');
%same = map { $_ => $j->{$_} } qw(name live movies series);
($st, $j) = $C->call('PATCH', '/bouquets/1', \%same);
is($st, 200, 'the same for fixture bouquet 1, which held series 601');
