# Admin API resources through a real nginx + xtreamd + MariaDB: CRUD of
# every resource, paging and filters, 409 on duplicates, 400 naming the
# field, one transaction per request (a bad item leaves nothing behind),
# an audit row per change, and changes reaching players through the
# snapshots (a line made by the API logs in through player_api.php).
# Also `xtreamctl api` / `xtreamctl admin`, which run the same code.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
require './t/admin-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();

admin_daemon();
my ($rc, $out) = XtreamTest::xtctl('admin', 'add', 'boss', '--password', 'boss-password-1');
die "admin add: $out" if $rc;

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
CONF
dv_blocks($HttpConfig, $main::AdminLocation . "    location = /player_api.php { xtream_api; }\n");
XtreamTest::hooks();

# poll the player API until pred(status, body) holds; seconds or undef
sub player_until {
    my ($q, $secs, $pred) = @_;
    return XtreamTest::poll_until("/player_api.php?$q", $secs, $pred);
}
sub audit_count { my $w = shift; my $n = XtreamTest::sql("SELECT COUNT(*) FROM admin_audit WHERE $w"); chomp $n; return $n }

our $C = AdminClient->new;

run_tests();

__DATA__

=== TEST 1: lines: create, login through player_api, paging, filters, errors, actions
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 90
--- dv_check
my ($st, $j) = $C->login('boss', 'boss-password-1');
is($st, 200, 'logged in');

# create without a password: one is generated and shown once
my $t0 = time;
($st, $j) = $C->call('POST', '/lines', { username => 'api-line', bouquets => [1], max_connections => 2,
                                         exp_date => undef, outputs => ['ts', 'm3u8'] });
is($st, 201, 'create 201');
my $pw = $j->{password} // '';
like($pw, qr/^[A-Za-z0-9]{16}$/, 'a generated password is shown');
my $id = $j->{id};
is_deeply($j->{bouquets}, [1], 'bouquets as given');
my $dt = player_until("username=api-line&password=$pw", 10, sub { $_[1] =~ /"auth":1[,}]/ });
ok(defined $dt && $dt < 5, sprintf('the new line logs in through player_api.php after %.2f s',
                                   defined $dt ? $dt : -1));
($st, $j) = $C->call('GET', "/lines/$id");
ok(!exists $j->{password}, 'the password is not shown again');
is(audit_count("resource = 'lines' AND resource_id = '$id' AND action = 'create'"), 1, 'audit row for the create');
unlike(XtreamTest::sql("SELECT detail FROM admin_audit WHERE resource = 'lines' AND resource_id = '$id'"),
       qr/\Q$pw\E/, 'the audit row does not hold the password');

# duplicate, bad fields (each names its field), nothing half-written
($st, $j) = $C->call('POST', '/lines', { username => 'api-line' });
is($st, 409, 'duplicate username 409');
is(err_of($j)->{field}, 'username', '409 names username');
for my $case ([{ username => 'x1', max_connections => -1 }, 'max_connections'],
              [{ username => 'x1', max_connections => '2' }, 'max_connections'],
              [{ username => 'bad name' }, 'username'],
              [{ username => 'x1', status => 'frozen' }, 'status'],
              [{ username => 'x1', outputs => ['ts', 'flv'] }, 'outputs[1]'],
              [{ username => 'x1', allowed_ips => ['1.2.3.4', 'not an ip'] }, 'allowed_ips[1]'],
              [{ username => 'x1', is_trial => 1 }, 'is_trial'],
              [{ username => 'x1', colour => 'red' }, 'colour'],
              [{ username => 'x1', id => 5 }, 'id'],
              [{ username => 'x1', created_at => 5 }, 'created_at'],
              [{ username => 'x1', password => 'has space' }, 'password'],
              [{ max_connections => 1 }, 'username'])
{
    ($st, $j) = $C->call('POST', '/lines', $case->[0]);
    is($st, 400, "bad $case->[1]: 400");
    is(err_of($j)->{field}, $case->[1], "the error names $case->[1]");
}
($st, $j) = $C->call('POST', '/lines', { username => 'half', bouquets => [1, 999] });
is($st, 400, 'unknown bouquet 400');
is(err_of($j)->{field}, 'bouquets[1]', 'names bouquets[1]');
is(XtreamTest::sql("SELECT COUNT(*) FROM `lines` WHERE username IN ('half', 'x1')"), "0\n",
   'no line was created by the failed requests');
($st, $j) = $C->call('POST', '/lines', undef, raw => '{"username":"dup","username":"dup2"}');
is($st, 400, 'a key given twice: 400');

# paging and filters
for my $n (1 .. 6) {
    ($st) = $C->call('POST', '/lines', { username => "page$n", password => "page-pass-$n",
                                         status => $n % 2 ? 'active' : 'disabled' });
}
($st, $j) = $C->call('GET', '/lines?q=page&limit=4');
is($j->{total}, 6, 'q=page: total 6');
is(scalar @{ $j->{items} }, 4, 'limit 4: four items');
($st, $j) = $C->call('GET', '/lines?q=page&limit=4&page=2');
is_deeply([map { $_->{username} } @{ $j->{items} }], ['page5', 'page6'], 'page 2 has the rest, in id order');
is($j->{offset}, 4, 'page 2 = offset 4');
($st, $j) = $C->call('GET', '/lines?q=PAGE&status=disabled');
is_deeply([map { $_->{username} } @{ $j->{items} }], ['page2', 'page4', 'page6'], 'q is case-insensitive, status filter');
($st, $j) = $C->call('GET', '/lines?status=expired');
is_deeply([map { $_->{username} } @{ $j->{items} }], ['expired'], 'status=expired');
($st, $j) = $C->call('GET', '/lines?bouquet=2');
ok((grep { $_->{username} eq 'prem' } @{ $j->{items} }) && !(grep { $_->{username} eq 'api-line' } @{ $j->{items} }),
   'bouquet filter');
($st, $j) = $C->call('GET', '/lines?q=%25');
is($j->{total}, 0, 'q=% matches a literal %, not everything');
for my $bad (['limit=0', 'limit'], ['limit=501', 'limit'], ['offset=-1', 'offset'], ['page=0', 'page'],
             ['colour=red', 'colour'], ['status=frozen', 'status'], ['limit=abc', 'limit'])
{
    ($st, $j) = $C->call('GET', "/lines?$bad->[0]");
    is($st, 400, "$bad->[0]: 400");
    is(err_of($j)->{field}, $bad->[1], "names $bad->[1]");
}

# PATCH only what is given
($st, $j) = $C->call('PATCH', "/lines/$id", { max_connections => 5, message => 'hello' });
is($st, 200, 'patch 200');
is($j->{max_connections}, 5, 'max_connections changed');
is_deeply($j->{bouquets}, [1], 'bouquets untouched');
($st, $j) = $C->call('PATCH', "/lines/$id", { max_connections => 'many' });
is($st, 400, 'bad patch 400');
is(XtreamTest::sql("SELECT max_connections FROM `lines` WHERE id = $id"), "5\n", 'bad patch changed nothing');

# password reset: the old one stops, the new one works
($st, $j) = $C->call('POST', "/lines/$id/password", {});
is($st, 200, 'password reset 200');
my $pw2 = $j->{password};
ok($pw2 && $pw2 ne $pw, 'a new password');
ok(defined player_until("username=api-line&password=$pw2", 10, sub { $_[1] =~ /"auth":1[,}]/ }), 'new password logs in');
ok(!XtreamTest::login_ok('api-line', $pw), 'old password does not');
($st, $j) = $C->call('POST', "/lines/$id/password", { password => 'chosen-pass' });
is($j->{password}, 'chosen-pass', 'a chosen password');

# extend
my $now = time;
($st, $j) = $C->call('POST', "/lines/$id/extend", { days => 30 });
ok(abs($j->{exp_date} - ($now + 30 * 86400)) < 60, 'extend from now when unlimited/expired');
my $exp = $j->{exp_date};
($st, $j) = $C->call('POST', "/lines/$id/extend", { days => 1 });
is($j->{exp_date}, $exp + 86400, 'extend adds to the current expiry');
($st, $j) = $C->call('POST', "/lines/$id/extend", { exp_date => undef });
is($j->{exp_date}, undef, 'exp_date null: never expires');
($st, $j) = $C->call('POST', "/lines/$id/extend", { days => 0 });
is($st, 400, 'days 0: 400');
($st, $j) = $C->call('POST', "/lines/$id/extend", {});
is(err_of($j)->{field}, 'days', 'neither days nor exp_date: 400 naming days');

# ban / unban reach players through the snapshot
($st, $j) = $C->call('POST', "/lines/$id/ban", {});
is($j->{status}, 'banned', 'banned');
ok(defined player_until("username=api-line&password=chosen-pass", 10, sub { $_[1] !~ /"auth":1[,}]/ }),
   'a banned line no longer logs in');
($st, $j) = $C->call('POST', "/lines/$id/unban", {});
is($j->{status}, 'active', 'unbanned');
ok(defined player_until("username=api-line&password=chosen-pass", 10, sub { $_[1] =~ /"auth":1[,}]/ }),
   'logs in again');
($st, $j) = $C->call('POST', "/lines/$id/kill", {});
is($st, 200, 'kill 200');
is($j->{kick}, 1, 'kick generation 1');
($st, $j) = $C->call('POST', "/lines/$id/fly", {});
is($st, 404, 'unknown action 404');
is(audit_count("resource = 'lines' AND resource_id = '$id'"), 10, 'one audit row per change of the line (create, patch, 2 passwords, 3 extends, ban, unban, kill)');

# delete
($st, $j) = $C->call('DELETE', "/lines/$id");
is($j->{deleted}, $id, 'deleted');
($st) = $C->call('GET', "/lines/$id");
is($st, 404, 'gone');
ok(defined player_until("username=api-line&password=chosen-pass", 10, sub { $_[1] !~ /"auth":1[,}]/ }),
   'a deleted line no longer logs in');

=== TEST 2: catalog resources: categories, bouquets, profiles, streams, movies, series, servers, settings
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 90
--- dv_check
my ($st, $j);
($st, $j) = $C->call('POST', '/categories', { type => 'live', name => 'API Live', sort_order => 9 });
is($st, 201, 'category 201');
my $cat = $j->{id};
($st, $j) = $C->call('POST', '/categories', { type => 'movie', name => 'API Films' });
my $mcat = $j->{id};
($st, $j) = $C->call('GET', '/categories?type=movie');
ok((grep { $_->{id} == $mcat } @{ $j->{items} }) && !(grep { $_->{type} ne 'movie' } @{ $j->{items} }), 'type filter');
($st, $j) = $C->call('PATCH', "/categories/$cat", { type => 'movie' });
is($st, 400, 'type cannot change');
is(err_of($j)->{field}, 'type', 'names type');

# profiles: abr needs a ladder, copy has none
($st, $j) = $C->call('POST', '/profiles', { name => 'abr2', mode => 'abr' });
is($st, 400, 'abr without ladder 400');
is(err_of($j)->{field}, 'ladder', 'names ladder');
($st, $j) = $C->call('POST', '/profiles', { name => 'abr2', mode => 'abr',
    ladder => [{ name => '360p', height => 360, video_kbps => 800, audio_kbps => 96 },
               { name => 'tiny', height => 20, video_kbps => 100, audio_kbps => 64 }] });
is(err_of($j)->{field}, 'ladder[1].height', 'a bad rung names ladder[1].height');
($st, $j) = $C->call('POST', '/profiles', { name => 'abr2', mode => 'abr', segment_seconds => 2,
    ladder => [{ name => '360p', height => 360, video_kbps => 800, audio_kbps => 96 }] });
is($st, 201, 'abr profile 201');
my $prof = $j->{id};
is($j->{ladder}[0]{height}, 360, 'ladder stored');
is(XtreamTest::sql("SELECT COUNT(*) FROM transcode_profiles WHERE name = 'abr2'"), "1\n", 'failed creates left nothing');
($st, $j) = $C->call('POST', '/profiles', { name => 'abr2', mode => 'copy' });
is($st, 409, 'duplicate profile name 409');
is(err_of($j)->{field}, 'name', 'names name');

# streams
($st, $j) = $C->call('POST', '/streams', { name => 'API Stream', category_id => $mcat });
is(err_of($j)->{field}, 'category_id', 'a movie category for a live stream: 400 category_id');
($st, $j) = $C->call('POST', '/streams', { name => 'API Stream', sources => ['file:///x.ts', 'ftp://y'] });
is(err_of($j)->{field}, 'sources[1]', 'bad source URL names sources[1]');
($st, $j) = $C->call('POST', '/streams', { name => 'API Stream', servers => [7] });
is(err_of($j)->{field}, 'servers[0]', 'unknown server names servers[0]');
($st, $j) = $C->call('POST', '/streams', { name => 'API Stream', category_id => $cat, on_demand => JSON::PP::true(),
    transcode_profile_id => $prof, sources => ['file:///nonexistent/a.ts', 'http://127.0.0.1:1/b.ts'],
    servers => [1], stream_key => 'push-key-123' });
is($st, 201, 'stream 201');
my $sid = $j->{id};
is_deeply($j->{sources}, ['file:///nonexistent/a.ts', 'http://127.0.0.1:1/b.ts'], 'sources in order');
ok($j->{has_stream_key} && !exists $j->{stream_key}, 'stream key write-only');
is($j->{status}{state}, 'stopped', 'status object, stopped');
is($j->{read_native_rate} . ',' . ($j->{source_loop} ? 'loop' : 'no-loop'), 'auto,loop', 'reading defaults: auto, loop');
($st, $j) = $C->call('PATCH', "/streams/$sid", { read_native_rate => 'sometimes' });
is(err_of($j)->{field}, 'read_native_rate', 'read_native_rate outside auto|on|off: 400 naming it');
($st, $j) = $C->call('PATCH', "/streams/$sid", { read_native_rate => 'off', source_loop => JSON::PP::false() });
ok($st == 200 && $j->{read_native_rate} eq 'off' && !$j->{source_loop}, 'read_native_rate off, source_loop false saved');
ok(exists $j->{status}{$_}, "status has $_") for qw(fps bitrate_kbps speed uptime restarts last_error);
($st, $j) = $C->call('POST', "/streams/$sid/start", {});
is($st, 202, 'start 202');
($st, $j) = $C->call('POST', "/streams/$sid/restart", {});
($st, $j) = $C->call('POST', "/streams/$sid/stop", {});
is(XtreamTest::sql("SELECT GROUP_CONCAT(action ORDER BY id) FROM stream_commands WHERE stream_id = $sid"),
   "start,restart,stop\n", 'commands queued for the supervisor');
($st, $j) = $C->call('GET', '/streams?category_id=' . $cat);
is($j->{total}, 1, 'category filter');
($st, $j) = $C->call('GET', '/streams?status=running&q=API');
is($j->{total}, 0, 'status filter');

# bouquets: contents in order; a stream reaches the player's list
($st, $j) = $C->call('POST', '/bouquets', { name => 'API Bouquet', live => [$sid, 11], movies => [501] });
is($st, 201, 'bouquet 201');
my $bq = $j->{id};
is_deeply($j->{live}, [$sid, 11], 'live items in order');
($st, $j) = $C->call('POST', '/bouquets', { name => 'API Bouquet' });
is($st, 409, 'duplicate bouquet 409');
($st, $j) = $C->call('POST', '/bouquets', { name => 'Other', live => [11, 99999] });
is(err_of($j)->{field}, 'live[1]', 'unknown stream names live[1]');
($st, $j) = $C->call('POST', '/lines', { username => 'bq-line', password => 'bq-pass', bouquets => [$bq] });
ok(defined player_until('username=bq-line&password=bq-pass&action=get_live_streams', 10,
                        sub { $_[1] =~ /"name":"API Stream"/ }),
   'the new stream is in the new line\'s live list');

# movies: path checked
($st, $j) = $C->call('POST', '/movies', { name => 'M', path => '../etc/passwd' });
is(err_of($j)->{field}, 'path', '.. in path: 400 path');
($st, $j) = $C->call('POST', '/movies', { name => 'M', path => '/abs/file.mp4' });
is(err_of($j)->{field}, 'path', 'absolute path: 400 path');
($st, $j) = $C->call('POST', '/movies', { name => 'M', container_extension => 'MP4!' });
is(err_of($j)->{field}, 'container_extension', 'bad extension');
($st, $j) = $C->call('POST', '/movies', { name => 'API Movie', category_id => $mcat, path => 'films/m.mp4',
                                          backdrop => ['http://img/1.jpg'], plot => "two\nlines" });
is($st, 201, 'movie 201');
is_deeply($j->{backdrop}, ['http://img/1.jpg'], 'backdrop array');
is($j->{plot}, "two\nlines", 'multi-line plot');
($st, $j) = $C->call('GET', '/movies?q=api');
is($j->{total}, 1, 'movie search');

# series, seasons, episodes
($st, $j) = $C->call('POST', '/series', { name => 'API Show' });
my $ser = $j->{id};
($st, $j) = $C->call('POST', "/series/$ser/seasons", { season_number => 1, name => 'S1' });
is($st, 201, 'season 201');
($st, $j) = $C->call('POST', "/series/$ser/seasons", { season_number => 1 });
is($st, 409, 'duplicate season 409');
($st, $j) = $C->call('PATCH', "/series/$ser/seasons/1", { name => 'Season One' });
is($j->{name}, 'Season One', 'season patched');
($st, $j) = $C->call('POST', '/episodes', { series_id => $ser, season_number => 1, episode_num => 1,
                                            title => 'Pilot', path => 'shows/p.mp4' });
is($st, 201, 'episode 201');
my $ep = $j->{id};
($st, $j) = $C->call('POST', '/episodes', { series_id => 99999, season_number => 1, episode_num => 2 });
is(err_of($j)->{field}, 'series_id', 'unknown series');
($st, $j) = $C->call('GET', "/episodes?series_id=$ser");
is($j->{total}, 1, 'episodes of the series');
($st, $j) = $C->call('GET', "/series/$ser");
is($j->{episodes}, 1, 'series counts its episodes');
($st, $j) = $C->call('DELETE', "/series/$ser/seasons/1");
is($st, 200, 'season deleted');
($st, $j) = $C->call('GET', "/series/99999/seasons");
is($st, 404, 'seasons of a missing series 404');

# servers, settings
($st, $j) = $C->call('POST', '/servers', { name => 'main', host => '10.0.0.2' });
is($st, 409, 'duplicate server name 409');
($st, $j) = $C->call('POST', '/servers', { name => 'edge', host => 'bad host!' });
is(err_of($j)->{field}, 'host', 'bad host');
($st, $j) = $C->call('POST', '/servers', { name => 'edge', host => 'edge.example', http_port => 70000 });
is(err_of($j)->{field}, 'http_port', 'port out of range');
($st, $j) = $C->call('POST', '/servers', { name => 'edge', host => 'edge.example', http_port => 8081 });
is($st, 201, 'server 201');
($st, $j) = $C->call('PATCH', "/servers/$j->{id}", { load_clients => 5 });
is(err_of($j)->{field}, 'load_clients', 'load is read-only');
($st, $j) = $C->call('PATCH', '/settings', { server_name => 'renamed', 'Bad-Name' => 'x' });
is(err_of($j)->{field}, 'Bad-Name', 'bad setting name');
is(XtreamTest::sql("SELECT value FROM settings WHERE name = 'server_name'"), "xtream-test\n", 'nothing written');
($st, $j) = $C->call('PATCH', '/settings', { server_name => 'renamed', timezone => 'Europe/Paris' });
is($j->{items}{server_name}, 'renamed', 'settings patched');
($st, $j) = $C->call('PATCH', '/settings', { timezone => undef });
ok(!exists $j->{items}{timezone}, 'null deletes a setting');

# deletes with references
($st, $j) = $C->call('DELETE', "/profiles/$prof");
is($st, 409, 'a profile in use cannot be deleted');
($st, $j) = $C->call('DELETE', "/streams/$sid");
is($st, 200, 'stream deleted');
($st, $j) = $C->call('DELETE', "/profiles/$prof");
is($st, 200, 'then the profile can be');

# the audit log lists it all, newest first, filterable
($st, $j) = $C->call('GET', '/audit?resource=streams&limit=500');
is_deeply([map { $_->{action} } @{ $j->{items} }], ['delete', 'stop', 'restart', 'start', 'update', 'create'],
          'audit of streams, newest first');
is($j->{items}[-1]{detail}{stream_key}, '***', 'secrets masked in the audit detail');
is($j->{items}[-1]{admin}, 'boss', 'audit names the admin');

=== TEST 3: admins, stats, read-only views, xtreamctl over the same code
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 90
--- dv_check
my ($st, $j);
($st, $j) = $C->call('POST', '/admins', { username => 'second', password => 'short' });
is(err_of($j)->{field}, 'password', 'password too short');
($st, $j) = $C->call('POST', '/admins', { username => 'second', password => 'second-pass-1', role => 'viewer' });
is($st, 201, 'admin 201');
ok(!exists $j->{password}, 'no password in the answer');
my $aid = $j->{id};
($st, $j) = $C->call('POST', '/admins', { username => 'second', password => 'second-pass-1' });
is($st, 409, 'duplicate admin 409');
my $boss = XtreamTest::sql("SELECT id FROM admins WHERE username = 'boss'"); chomp $boss;
($st, $j) = $C->call('PATCH', "/admins/$boss", { role => 'viewer' });
is($st, 409, 'the last admin cannot be demoted');
($st, $j) = $C->call('DELETE', "/admins/$boss");
is($st, 409, 'nor deleted');
($st, $j) = $C->call('DELETE', "/admins/$aid");
is($st, 200, 'another admin can be deleted');

($st, $j) = $C->call('GET', '/stats');
ok(exists $j->{streams}{running} && exists $j->{lines}{expiring_7d} && exists $j->{connections}, 'stats');
($st, $j) = $C->call('GET', '/connections?kind=hls');
is($st, 200, 'connections list');
($st, $j) = $C->call('GET', '/connections?kind=radio');
is($st, 400, 'bad kind 400');
($st, $j) = $C->call('POST', '/connections', {});
is($st, 405, 'connections are read-only');
($st, $j) = $C->call('DELETE', '/connections/nosuchkey');
is($st, 404, 'unknown connection 404');
($st, $j) = $C->call('GET', '/activity?line_id=1&since=0');
is($st, 200, 'activity list');
($st, $j) = $C->call('GET', '/epg-sources');
is($st, 200, 'epg-sources: served (its own test: t/503-admin-epg-sources.t)');

# xtreamctl: same handlers, exit codes, --json
my ($rc, $out) = XtreamTest::xtctl('api', 'GET', '/lines?q=demo&limit=1');
is($rc, 0, 'xtreamctl api GET exits 0');
like($out, qr/"username":"demo"/, 'and prints the JSON');
($rc, $out) = XtreamTest::xtctl('api', 'POST', '/lines', '{"username":"cli-line","max_connections":"x"}');
is($rc, 1, 'bad input exits 1');
like($out, qr/^xtreamctl: max_connections: must be an integer/m, 'names the field');
($rc, $out) = XtreamTest::xtctl('api', 'POST', '/lines', '{"username":"cli-line","password":"cli-pass"}');
is($rc, 0, 'create through xtreamctl');
ok(defined player_until('username=cli-line&password=cli-pass', 10, sub { $_[1] =~ /"auth":1[,}]/ }),
   'the xtreamctl line logs in');
like(XtreamTest::sql("SELECT admin FROM admin_audit WHERE resource = 'lines' ORDER BY id DESC LIMIT 1"),
     qr/^cli:/, 'xtreamctl changes are audited as cli:<user>');
($rc, $out) = XtreamTest::xtctl('admin', 'add', 'scripted');
is($rc, 0, 'admin add with a generated password');
my ($gen) = $out =~ /^([A-Za-z0-9]{16})$/m;
ok($gen, 'the generated password is printed');
my $c2 = AdminClient->new;
($st) = $c2->login('scripted', $gen);
is($st, 200, 'and logs in through nginx');
($rc, $out) = XtreamTest::xtctl('--json', 'admin', 'list');
is($rc, 0, '--json admin list');
like($out, qr/"username":"scripted"/, 'JSON output');
($rc, $out) = XtreamTest::xtctl('admin', 'passwd', 'scripted', '--password', 'new-scripted-1');
is($rc, 0, 'admin passwd');
($st) = $c2->call('GET', '/session');
is($st, 401, 'a new password ends the old sessions');
($rc, $out) = XtreamTest::xtctl('admin', 'del', 'nobody');
is($rc, 1, 'admin del of an unknown admin exits 1');
($rc, $out) = XtreamTest::xtctl('admin', 'del', 'scripted');
is($rc, 0, 'admin del');
($rc, $out) = XtreamTest::xtctl('line', 'list');
is($rc, 0, 'xtreamctl line list still works');

# `xtreamctl line add|set|del` go through the same API code now
($rc, $out) = XtreamTest::xtctl('line', 'add', 'cli-two', '--bouquets', '1', '--max-connections', '3');
is($rc, 0, 'line add');
my ($lpw) = $out =~ /^([A-Za-z0-9]{16})$/m;
ok($lpw, 'line add prints the generated password');
ok(defined player_until("username=cli-two&password=$lpw", 10, sub { $_[1] =~ /"auth":1[,}]/ }),
   'the line logs in');
($rc, $out) = XtreamTest::xtctl('line', 'add', 'cli-two');
is($rc, 1, 'duplicate line add exits 1');
like($out, qr/^xtreamctl: username: already exists/m, 'with the API message');
($rc, $out) = XtreamTest::xtctl('line', 'set', 'cli-two', '--bouquets', '1,999');
is($rc, 1, 'unknown bouquet exits 1');
like($out, qr/bouquets\[1\]: no such id 999/, 'names bouquets[1]');
($rc, $out) = XtreamTest::xtctl('line', 'set', 'cli-two', '--status', 'banned');
is($rc, 0, 'line set');
my $lid = XtreamTest::sql("SELECT id FROM `lines` WHERE username = 'cli-two'"); chomp $lid;
is(audit_count("resource = 'lines' AND resource_id = '$lid' AND admin LIKE 'cli:%'"), 2,
   'line add and set are audited as cli:<user>');
($rc, $out) = XtreamTest::xtctl('line', 'del', 'cli-two');
is($rc, 0, 'line del');
($rc, $out) = XtreamTest::xtctl('line', 'del', 'cli-two');
is($rc, 1, 'line del of a missing line exits 1');
