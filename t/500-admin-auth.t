# Admin API authentication through a real nginx proxying /admin/api/ to a
# real xtreamd (libmicrohttpd) on a real MariaDB: login and the cookie's
# flags, wrong password, lock-out per username and per address, session,
# CSRF missing/wrong, role viewer read-only, logout, 401/404/405/413,
# PBKDF2 hashes in the table, audit rows for logins.
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
for my $a (['boss', 'boss-password-1', 'admin'], ['watcher', 'watcher-pass-1', 'viewer'],
           ['victim', 'victim-pass-1', 'admin'])
{
    my ($rc, $out) = XtreamTest::xtctl('admin', 'add', $a->[0], '--password', $a->[1], '--role', $a->[2]);
    die "admin add $a->[0]: $out" if $rc;
}

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
CONF
dv_blocks($HttpConfig, $main::AdminLocation . "    location = /player_api.php { xtream_api; }\n");
XtreamTest::hooks();

run_tests();

__DATA__

=== TEST 1: login, cookie, session, CSRF, roles, logout
--- request
GET /admin/api/session
--- error_code: 401
--- response_body_like: "code":"unauthorized"
--- timeout: 60
--- dv_check
my $c = AdminClient->new;
my ($st, $j, $hd) = $c->login('boss', 'boss-password-1');
is($st, 200, 'login 200');
is($j->{role}, 'admin', 'role admin');
like($j->{csrf_token} // '', qr/^[0-9a-f]{64}$/, 'a CSRF token');
my $ck = $c->{set_cookie} // '';
like($ck, qr/^xt_admin=[0-9a-f]{64};/, 'session cookie');
like($ck, qr/; HttpOnly(;|$)/, 'cookie HttpOnly');
like($ck, qr/; SameSite=Strict(;|$)/, 'cookie SameSite=Strict');
like($ck, qr/; Path=\/admin\/(;|$)/, 'cookie Path=/admin/');
like($ck, qr/; Max-Age=43200(;|$)/, 'cookie expires (Max-Age 12 h)');
is($hd->{'cache-control'}, 'no-store', 'no-store');

($st, $j) = $c->call('GET', '/session');
is($st, 200, 'session with the cookie');
is($j->{username}, 'boss', 'session names the admin');
is($j->{csrf_token}, $c->{csrf}, 'session gives the same CSRF token');

# the session id is stored hashed only
my ($sid) = $ck =~ /^xt_admin=([0-9a-f]{64})/;
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_sessions WHERE HEX(id_hash) = UPPER('$sid')"), "0\n",
   'the cookie value is not in admin_sessions');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_sessions WHERE id_hash = UNHEX(SHA2(UNHEX('$sid'), 256))"), "1\n",
   'its SHA-256 is');
like(XtreamTest::sql("SELECT password_kdf FROM admins WHERE username = 'boss'"),
     qr/^pbkdf2-sha256\$210000\$[0-9a-f]{32}\$[0-9a-f]{64}$/, 'password stored as PBKDF2');

# CSRF
($st, $j) = $c->call('POST', '/categories', { type => 'live', name => 'NoCsrf' }, no_csrf => 1);
is($st, 403, 'POST without X-CSRF-Token: 403');
is(err_of($j)->{code}, 'csrf', 'code csrf');
($st, $j) = $c->call('POST', '/categories', { type => 'live', name => 'BadCsrf' },
                     headers => { 'X-CSRF-Token' => 'f' x 64 });
is($st, 403, 'POST with a wrong token: 403');
($st, $j) = $c->call('DELETE', '/categories/1', undef, no_csrf => 1);
is($st, 403, 'DELETE without token: 403');
is(XtreamTest::sql("SELECT COUNT(*) FROM categories WHERE name IN ('NoCsrf', 'BadCsrf') OR id = 1"), "1\n",
   'nothing was written, nothing deleted');
($st, $j) = $c->call('POST', '/categories', { type => 'live', name => 'WithCsrf' });
is($st, 201, 'with the token: 201');

# a token of another session does not work
my $v = AdminClient->new;
($st) = $v->login('watcher', 'watcher-pass-1');
is($st, 200, 'viewer logs in');
($st, $j) = $c->call('POST', '/categories', { type => 'live', name => 'X' },
                     headers => { 'X-CSRF-Token' => $v->{csrf} });
is($st, 403, "another session's token: 403");

# viewer: reads yes, changes no, admins no
($st, $j) = $v->call('GET', '/lines');
is($st, 200, 'viewer reads lines');
($st, $j) = $v->call('POST', '/categories', { type => 'live', name => 'ByViewer' });
is($st, 403, 'viewer POST: 403');
is(err_of($j)->{code}, 'forbidden', 'code forbidden');
($st, $j) = $v->call('PATCH', '/lines/1', { max_connections => 9 });
is($st, 403, 'viewer PATCH: 403');
($st, $j) = $v->call('GET', '/admins');
is($st, 403, 'viewer cannot list admins');
is(XtreamTest::sql("SELECT COUNT(*) FROM categories WHERE name = 'ByViewer'"), "0\n", 'viewer wrote nothing');

# 404, 405, 413, bad JSON
($st, $j) = $c->call('GET', '/nosuch');
is($st, 404, 'unknown resource 404');
($st, $j) = $c->call('GET', '/lines/abc');
is($st, 404, 'bad id 404');
($st, $j) = $c->call('GET', '/lines/99999');
is($st, 404, 'missing id 404');
($st, $j) = $c->call('PATCH', '/lines');
is($st, 405, 'PATCH on a collection 405');
($st, $j, $hd) = $c->call('GET', '/login');
is($st, 405, 'GET /login 405');
is($hd->{allow}, 'POST', 'Allow: POST');
($st, $j) = $c->call('POST', '/categories', undef, raw => '{"type":"live","name":' . ('"' . ('x' x 300000) . '"') . '}');
is($st, 413, 'a 300 KB body: 413');
is(err_of($j)->{code}, 'too_large', 'code too_large');
($st, $j) = $c->call('POST', '/categories', undef, raw => '{"type":"live",');
is($st, 400, 'truncated JSON: 400');
is(err_of($j)->{code}, 'bad_json', 'code bad_json');
($st, $j) = $c->call('POST', '/categories', undef, raw => '[1,2]');
is($st, 400, 'a JSON array body: 400');

# logout ends the session
($st, $j, $hd) = $c->call('POST', '/logout', {});
is($st, 200, 'logout 200');
like($hd->{'set-cookie'} // '', qr/^xt_admin=; .*Max-Age=0/, 'logout clears the cookie');
($st, $j) = $c->call('GET', '/session');
is($st, 401, 'the old cookie is refused after logout');

# audit has the logins and the one category change
like(XtreamTest::sql("SELECT GROUP_CONCAT(action ORDER BY id) FROM admin_audit WHERE admin = 'boss'"),
     qr/^login,create,logout$/m, 'audit: login, create, logout');

=== TEST 2: wrong password, lock-out per username and per address
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 120
--- dv_check
my $c = AdminClient->new;
my ($st, $j) = $c->login('victim', 'wrong');
is($st, 401, 'wrong password 401');
is(err_of($j)->{code}, 'bad_login', 'code bad_login');
($st, $j) = $c->login('nobody-here', 'wrong');
is($st, 401, 'unknown user: the same 401');
is(err_of($j)->{message}, 'wrong username or password', 'same message for both');
$c->login('victim', 'wrong') for 2 .. 5;
my $hd;
($st, $j, $hd) = $c->login('victim', 'victim-pass-1');
is($st, 429, 'after 5 failures the right password is refused: 429');
is(err_of($j)->{code}, 'locked', 'code locked');
ok(($hd->{'retry-after'} // 0) > 800, 'Retry-After about 15 min');
($st) = $c->login('boss', 'boss-password-1');
is($st, 200, 'another username from the same address still logs in');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_audit WHERE action = 'login_fail' AND admin = 'victim'"), "5\n",
   'five failed logins audited');

# per address: straight to xtreamd from loopback, which trusts X-Real-IP
my $d = AdminClient->new;
for my $i (1 .. 20) {
    $d->call('POST', '/login', { username => "ghost$i", password => 'x' },
             port => $main::AdminPort, headers => { 'X-Real-IP' => '10.9.8.7' });
}
($st, $j) = $d->call('POST', '/login', { username => 'boss', password => 'boss-password-1' },
                     port => $main::AdminPort, headers => { 'X-Real-IP' => '10.9.8.7' });
is($st, 429, 'after 20 failures from one address, that address is locked');
($st, $j) = $d->call('POST', '/login', { username => 'boss', password => 'boss-password-1' },
                     port => $main::AdminPort, headers => { 'X-Real-IP' => '10.9.8.6' });
is($st, 200, 'another address is not');

# the lock lifts: (simulate 15 min passing in the table)
XtreamTest::sql("UPDATE admin_login_failures SET locked_until = 0, window_start = 0 WHERE scope_key = 'u:victim'");
($st) = $c->login('victim', 'victim-pass-1');
is($st, 200, 'after the lock time the right password works');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_login_failures WHERE scope_key = 'u:victim'"), "0\n",
   'a success resets the username counter');

# a session expired by idleness or age is refused
($st, $j) = $c->call('GET', '/session');
is($st, 200, 'fresh session works');
XtreamTest::sql("UPDATE admin_sessions SET last_seen = last_seen - 3600");
($st, $j) = $c->call('GET', '/session');
is($st, 401, 'after 30 min idle: 401');
