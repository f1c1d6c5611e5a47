# Admin API /epg-sources through a real nginx + xtreamd + MariaDB: CRUD
# with the checks of `xtreamctl epg add|set` (400 naming the field, 409 on
# a duplicate name), viewer 403, audit rows, POST {id}/import answering 202
# and xtreamd's own scheduler importing the file (its status fields then
# show in GET), and DELETE taking the source's guide rows with it.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
require './t/admin-helpers.pl';
require './t/epg-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();

# the scheduler looks for due sources every second
admin_daemon(epg_check_seconds => 1);
for my $a (['boss', 'boss-password-1', 'admin'], ['watcher', 'watcher-pass-1', 'viewer']) {
    my ($rc, $out) = XtreamTest::xtctl('admin', 'add', $a->[0], '--password', $a->[1], '--role', $a->[2]);
    die "admin add: $out" if $rc;
}

# a small guide: two channels, 6 hourly programmes each around now
our $NOW = time;
our ($Guide, $Expect) = gen_guide(h0 => $NOW - $NOW % 3600, tag => 'api',
                                  channels => [['api1.tv', 0, -1, 5], ['api2.tv', 60, -1, 5]]);
our $GuideFile = "$XtreamTest::Tmp/api-guide.xml";
XtreamTest::spew_raw($GuideFile, $Guide);

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
CONF
{ no warnings 'once'; dv_blocks($HttpConfig, $main::AdminLocation); }
XtreamTest::hooks();

sub audit_count { my $w = shift; my $n = XtreamTest::sql("SELECT COUNT(*) FROM admin_audit WHERE $w"); chomp $n; return $n }

our $C = AdminClient->new;
our $V = AdminClient->new;

run_tests();

__DATA__

=== TEST 1: epg-sources: create, list, errors, viewer, import through the scheduler, delete
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 90
--- dv_check
my ($st, $j) = $C->login('boss', 'boss-password-1');
is($st, 200, 'admin logged in');

# create a file source, disabled at first so the scheduler leaves it alone
($st, $j) = $C->call('POST', '/epg-sources', { name => 'API guide', url => "file://$main::GuideFile",
                                              refresh_interval => 3600, lang => 'en', enabled => JSON::PP::false });
is($st, 201, 'create 201');
my $id = $j->{id};
ok($id, 'an id');
is($j->{last_status}, 'never', 'never imported yet');
is($j->{programmes}, 0, 'no programmes yet');
is($j->{enabled}, JSON::PP::false, 'disabled as sent');
is($j->{refresh_interval}, 3600, 'interval as sent');
is_deeply($j->{skipped_detail}, {}, 'skipped_detail is an object');
is(audit_count("resource = 'epg-sources' AND resource_id = '$id' AND action = 'create'"), 1, 'audit row for the create');

# list, search, filter
($st, $j) = $C->call('GET', '/epg-sources?q=API');
is($st, 200, 'list 200');
is($j->{total}, 1, 'q finds it');
is($j->{items}[0]{url}, "file://$main::GuideFile", 'the url in the list');
($st, $j) = $C->call('GET', '/epg-sources?enabled=true');
is($j->{total}, 0, 'enabled=true filters it out');
($st, $j) = $C->call('GET', '/epg-sources?enabled=false');
is($j->{total}, 1, 'enabled=false finds it');
($st, $j) = $C->call('GET', '/epg-sources?last_status=bogus');
is($st, 400, 'a bad filter value 400');

# bad fields, each named; a duplicate name 409; nothing half-written
for my $case ([{ name => 'x', url => 'ftp://example.com/g.xml' }, 'url'],
              [{ name => 'x', url => 'relative/guide.xml' }, 'url'],
              [{ name => 'x', url => '/srv/../etc/passwd' }, 'url'],
              [{ name => 'x', url => 'file://relative' }, 'url'],
              [{ name => '12345', url => '/srv/g.xml' }, 'name'],
              [{ name => 'x', url => '/srv/g.xml', refresh_interval => 10 }, 'refresh_interval'],
              [{ name => 'x', url => '/srv/g.xml', lang => 'e n' }, 'lang'],
              [{ name => 'x', url => '/srv/g.xml', programmes => 5 }, 'programmes'],
              [{ name => 'x' }, 'url']) {
    ($st, $j) = $C->call('POST', '/epg-sources', $case->[0]);
    is($st, 400, "bad $case->[1]: 400");
    is(err_of($j)->{field}, $case->[1], "the 400 names $case->[1]");
}
($st, $j) = $C->call('POST', '/epg-sources', { name => 'API guide', url => '/srv/other.xml' });
is($st, 409, 'duplicate name 409');
is(err_of($j)->{field}, 'name', '409 names name');
is(XtreamTest::sql("SELECT COUNT(*) FROM epg_sources"), "1\n", 'the bad requests stored nothing');
($st, $j) = $C->call('PATCH', "/epg-sources/$id", { url => 'gopher://x' });
is($st, 400, 'PATCH with a bad url 400');
is(err_of($j)->{field}, 'url', 'names url');

# viewer: reads yes, changes no
($st) = $main::V->login('watcher', 'watcher-pass-1');
is($st, 200, 'viewer logged in');
($st, $j) = $main::V->call('GET', "/epg-sources/$id");
is($st, 200, 'viewer reads a source');
($st, $j) = $main::V->call('POST', '/epg-sources', { name => 'ByViewer', url => '/srv/v.xml' });
is($st, 403, 'viewer POST 403');
($st, $j) = $main::V->call('POST', "/epg-sources/$id/import");
is($st, 403, 'viewer import 403');
($st, $j) = $main::V->call('DELETE', "/epg-sources/$id");
is($st, 403, 'viewer DELETE 403');

# import of a disabled source is refused (the scheduler would skip it)
($st, $j) = $C->call('POST', "/epg-sources/$id/import");
is($st, 409, 'import of a disabled source 409');
($st, $j) = $C->call('POST', "/epg-sources/$id/frobnicate");
is($st, 404, 'an unknown action 404');
($st, $j) = $C->call('POST', '/epg-sources/999999/import');
is($st, 404, 'import of a missing source 404');

# enable (PATCH), push next_due far away so only /import makes it due
($st, $j) = $C->call('PATCH', "/epg-sources/$id", { enabled => JSON::PP::true });
is($st, 200, 'PATCH 200');
is($j->{enabled}, JSON::PP::true, 'enabled now');
XtreamTest::sql("UPDATE epg_sources SET next_due = UNIX_TIMESTAMP() + 86400 WHERE id = $id");
sleep 2.5;
is(XtreamTest::sql("SELECT last_status FROM epg_sources WHERE id = $id"), "never\n",
   'not due: the scheduler leaves it alone');

($st, $j) = $C->call('POST', "/epg-sources/$id/import");
is($st, 202, 'import 202');
is($j->{id}, $id, 'the 202 shows the source');
is($j->{next_due}, 0, 'due now');
is(audit_count("resource = 'epg-sources' AND resource_id = '$id' AND action = 'import'"), 1, 'audit row for the import');

my $s;
my $dt = XtreamSup::wait_for(30, sub {
    (undef, $s) = $C->call('GET', "/epg-sources/$id");
    return ref $s eq 'HASH' && $s->{last_status} ne 'never';
});
ok(defined $dt, sprintf('the scheduler imported it after %.1f s', $dt // -1));
is($s->{last_status}, 'ok', 'last_status ok') or diag("last_error: $s->{last_error}");
is($s->{programmes}, $main::Expect->{stored}, 'every programme');
ok($s->{programmes} > 0, 'programmes > 0');
is($s->{channels}, 2, 'two channels');
my $nskip = 0;
$nskip += $_ for values %{ $main::Expect->{skipped} };
is($s->{skipped}, $nskip, 'the broken entries of the guide are counted as skipped');
is_deeply($s->{skipped_detail}, $main::Expect->{skipped}, 'skipped_detail by reason');
ok($s->{last_import} >= $main::NOW - 5, 'last_import set');
is($s->{last_error}, '', 'no error');
is($s->{progress_state}, 'idle', 'progress idle after the import');
ok($s->{next_due} > time, 'next refresh scheduled');
is(XtreamTest::sql("SELECT COUNT(*) FROM epg_programmes WHERE source_id = $id"), "$main::Expect->{stored}\n",
   'the programmes are in the store');

# a url change: another file, due now (as `epg set --url`)
XtreamTest::sql("UPDATE epg_sources SET etag = 'x' WHERE id = $id");
($st, $j) = $C->call('PATCH', "/epg-sources/$id", { url => $main::GuideFile });
is($st, 200, 'PATCH url 200');
is(XtreamTest::sql("SELECT CONCAT(etag, '|', next_due <= UNIX_TIMESTAMP()) FROM epg_sources WHERE id = $id"), "|1\n",
   'a new url drops the validators and is due now');

# delete takes the guide with it; gone afterwards
XtreamSup::wait_for(30, sub { q1("SELECT progress_state FROM epg_sources WHERE id = $id") eq 'idle'
                              && q1("SELECT next_due FROM epg_sources WHERE id = $id") > 0 });
# while another session holds the import lock (an import running), the
# delete waits 5 s, then 409, and leaves everything in place
my $pid = fork // die "fork: $!";
if ($pid == 0) {
    exec('mariadb', '--no-defaults', "--socket=$XtreamTest::DbDir/mysqld.sock", '-uroot', '-N', '-B',
         '-e', "SELECT GET_LOCK('xtream_epg_import', 10); SELECT SLEEP(7)", $XtreamTest::DbName);
    exit 127;
}
ok(XtreamSup::wait_for(10, sub { q1("SELECT IS_USED_LOCK('xtream_epg_import') IS NOT NULL") eq '1' }),
   'another session holds the import lock');
($st, $j) = $C->call('DELETE', "/epg-sources/$id");
is($st, 409, 'DELETE during an import: 409');
is(err_of($j)->{code}, 'busy', 'code busy');
is(XtreamTest::sql("SELECT COUNT(*) FROM epg_programmes WHERE source_id = $id"), "$main::Expect->{stored}\n",
   'the programmes are still there');
waitpid($pid, 0);
ok(XtreamSup::wait_for(10, sub { q1("SELECT IS_USED_LOCK('xtream_epg_import') IS NULL") eq '1' }),
   'the lock is free again');

($st, $j) = $C->call('DELETE', "/epg-sources/$id");
is($st, 200, 'DELETE 200');
is($j->{deleted}, $id, 'deleted id');
($st, $j) = $C->call('GET', "/epg-sources/$id");
is($st, 404, 'GET after delete 404');
($st, $j) = $C->call('DELETE', "/epg-sources/$id");
is($st, 404, 'DELETE again 404');
is(XtreamTest::sql("SELECT COUNT(*) FROM epg_programmes WHERE source_id = $id"), "0\n", 'its programmes are gone');
is(XtreamTest::sql("SELECT COUNT(*) FROM epg_channels WHERE source_id = $id"), "0\n", 'its channels are gone');
is(audit_count("resource = 'epg-sources' AND resource_id = '$id' AND action = 'delete'"), 1, 'audit row for the delete');
is(q1("SELECT IS_USED_LOCK('xtream_epg_import') IS NULL"), '1', 'the import lock is released after the delete');

# an import that waited for the lock while its source was deleted stores
# nothing (it looks again once it holds the lock)
($st, $j) = $C->call('POST', '/epg-sources', { name => 'raced', url => $main::GuideFile, enabled => JSON::PP::false });
is($st, 201, 'second source 201');
my $id2 = $j->{id};
XtreamTest::sql("UPDATE epg_sources SET next_due = UNIX_TIMESTAMP() + 86400 WHERE id = $id2");
($st) = $C->call('PATCH', "/epg-sources/$id2", { enabled => JSON::PP::true });
is($st, 200, 'enabled');
$pid = fork // die "fork: $!";
if ($pid == 0) {
    exec('mariadb', '--no-defaults', "--socket=$XtreamTest::DbDir/mysqld.sock", '-uroot', '-N', '-B',
         '-e', "SELECT GET_LOCK('xtream_epg_import', 10); SELECT SLEEP(4)", $XtreamTest::DbName);
    exit 127;
}
ok(XtreamSup::wait_for(10, sub { q1("SELECT IS_USED_LOCK('xtream_epg_import') IS NOT NULL") eq '1' }),
   'the lock is held elsewhere');
($st) = $C->call('POST', "/epg-sources/$id2/import");
is($st, 202, 'import 202');
ok(XtreamSup::wait_for(10, sub { q1("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                    . "WHERE INFO LIKE 'SELECT GET_LOCK(%600)'") > 0 }),
   'the scheduled import waits for the lock');
XtreamTest::sql("DELETE FROM epg_sources WHERE id = $id2");
waitpid($pid, 0);
ok(XtreamSup::wait_for(15, sub { q1("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                    . "WHERE INFO LIKE 'SELECT GET_LOCK(%600)'") == 0
                                 && q1("SELECT IS_USED_LOCK('xtream_epg_import') IS NULL") eq '1' }),
   'the import went on and ended');
sleep 1;
is(q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id = $id2"), '0', 'no programmes for the deleted source');
is(q1("SELECT COUNT(*) FROM epg_channels WHERE source_id = $id2"), '0', 'no channels for the deleted source');

# xtreamctl api runs the same code
my ($rc, $out) = XtreamTest::xtctl('api', 'POST', '/epg-sources', '{"name":"cli guide","url":"ftp://x"}');
is($rc, 1, 'xtreamctl api: bad url exits 1');
like($out, qr/url:/, 'and names url');
($rc, $out) = XtreamTest::xtctl('api', 'GET', '/epg-sources');
is($rc, 0, 'xtreamctl api GET /epg-sources');
like($out, qr/"total":0/, 'empty after the delete');
