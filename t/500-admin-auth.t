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

=== TEST 2: wrong password, lock-out per address+username and per address
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 120
--- dv_check
# clients on other loopback addresses: nginx (a trusted proxy, 127.0.0.1)
# passes each one's address to xtreamd in X-Real-IP
my $c = AdminClient->new(local => '127.0.0.2');
my ($st, $j) = $c->login('victim', 'wrong');
is($st, 401, 'wrong password 401');
is(err_of($j)->{code}, 'bad_login', 'code bad_login');
($st, $j) = $c->login('nobody-here', 'wrong');
is($st, 401, 'unknown user: the same 401');
is(err_of($j)->{message}, 'wrong username or password', 'same message for both');
$c->login('victim', 'wrong') for 2 .. 5;
my $hd;
($st, $j, $hd) = $c->login('victim', 'victim-pass-1');
is($st, 429, 'after 5 failures from 127.0.0.2 the right password is refused there: 429');
is(err_of($j)->{code}, 'locked', 'code locked');
ok(($hd->{'retry-after'} // 0) > 800, 'Retry-After about 15 min');

# the owner, from an address that did not fail, still gets in (issue 18:
# the old per-username lock let anyone lock the owner out)
my $owner = AdminClient->new(local => '127.0.0.3');
($st) = $owner->login('victim', 'victim-pass-1');
is($st, 200, 'the right password from 127.0.0.3 logs in');
($st) = $c->login('victim', 'victim-pass-1');
is($st, 429, '127.0.0.2 stays locked for victim');
($st) = $c->login('boss', 'boss-password-1');
is($st, 200, 'another username from the locked address still logs in');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_audit WHERE action = 'login_fail' AND admin = 'victim' "
                   . "AND address = '127.0.0.2'"), "5\n",
   'five failed logins audited under the client address nginx passed on');

# per address: 20 failures with any usernames lock the address for all
my $d = AdminClient->new(local => '127.0.0.4');
$d->login("ghost$_", 'x') for 1 .. 20;
($st) = $d->login('boss', 'boss-password-1');
is($st, 429, 'after 20 failures from one address, that address is locked');
($st) = AdminClient->new(local => '127.0.0.5')->login('boss', 'boss-password-1');
is($st, 200, 'another address is not');

# a success does not clear the address counter (else interleaved own
# logins would allow unlimited guesses)
my $e = AdminClient->new(local => '127.0.0.8');
$e->login("ghost$_", 'x') for 1 .. 4;
($st) = $e->login('boss', 'boss-password-1');
is($st, 200, 'a success after 4 failures');
is(XtreamTest::sql("SELECT failures FROM admin_login_failures WHERE scope_key = 'a:127.0.0.8'"), "4\n",
   'the address still counts its 4 failures');

# the lock lifts: (simulate 15 min passing in the table)
my $pair = "CONCAT('p:', SHA2(CONCAT('127.0.0.2', '\\n', 'victim'), 256))";
is(XtreamTest::sql("SELECT failures FROM admin_login_failures WHERE scope_key = $pair"), "5\n",
   'the address+username counter holds the failures');
XtreamTest::sql("UPDATE admin_login_failures SET locked_until = 0, window_start = 0 WHERE scope_key = $pair");
($st) = $c->login('victim', 'victim-pass-1');
is($st, 200, 'after the lock time the right password works');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_login_failures WHERE scope_key = $pair"), "0\n",
   'a success resets the address+username counter');

# a session expired by idleness or age is refused
($st, $j) = $c->call('GET', '/session');
is($st, 200, 'fresh session works');
XtreamTest::sql("UPDATE admin_sessions SET last_seen = last_seen - 3600");
($st, $j) = $c->call('GET', '/session');
is($st, 401, 'after 30 min idle: 401');

=== TEST 3: X-Real-IP is believed from admin_trusted_proxies holding nginx's key only
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 120
--- dv_check
# a local process straight to xtreamd's port from 127.0.0.6, claiming to
# be 10.9.8.7: counted, locked and audited as 127.0.0.6 (issue 18)
my $d = AdminClient->new(local => '127.0.0.6');
my %forged = (port => $main::AdminPort, headers => { 'X-Real-IP' => '10.9.8.7' });
for my $i (1 .. 20) {
    $d->call('POST', '/login', { username => "spoof$i", password => 'x' }, %forged);
}
my ($st) = $d->call('POST', '/login', { username => 'boss', password => 'boss-password-1' },
                    port => $main::AdminPort, headers => { 'X-Real-IP' => '10.9.8.8' });
is($st, 429, 'the real address is locked after 20 failures, whatever X-Real-IP says');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_audit WHERE action = 'login_fail' AND admin LIKE 'spoof%' "
                   . "AND address = '127.0.0.6'"), "20\n", 'audited under the real address');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_audit WHERE address LIKE '10.9.8.%'"), "0\n",
   'the forged address is nowhere in the audit log');
is(XtreamTest::sql("SELECT COUNT(*) FROM admin_login_failures WHERE scope_key LIKE 'a:10.9.8.%'"), "0\n",
   'nor in the lock-out table');
($st) = AdminClient->new(local => '127.0.0.7')->login('boss', 'boss-password-1');
is($st, 200, 'through nginx, another address logs in');

# from the trusted address itself, without nginx's key (a local process can
# connect from 127.0.0.1 too): still not believed
$d = AdminClient->new;
for my $key (undef, 'f' x 64, substr($main::AdminProxyKey, 0, 63)) {
    $d->call('POST', '/login', { username => 'forger', password => 'x' }, port => $main::AdminPort,
             headers => { 'X-Real-IP' => '10.9.8.9', defined $key ? ('X-Xtream-Proxy-Key' => $key) : () });
}
is(XtreamTest::sql("SELECT GROUP_CONCAT(address) FROM admin_audit WHERE admin = 'forger'"),
   "127.0.0.1,127.0.0.1,127.0.0.1\n", 'from 127.0.0.1 without the key (none, wrong, short): audited as 127.0.0.1');
# with the key, the forwarded address is believed (what nginx does)
$d->call('POST', '/login', { username => 'keyholder', password => 'x' }, port => $main::AdminPort,
         headers => { 'X-Real-IP' => '10.9.8.10', 'X-Xtream-Proxy-Key' => $main::AdminProxyKey });
is(XtreamTest::sql("SELECT address FROM admin_audit WHERE admin = 'keyholder'"), "10.9.8.10\n",
   'with the key from a trusted address: the forwarded address');
# a client of nginx cannot pass a key of its own: nginx replaces the header
($st) = AdminClient->new(local => '127.0.0.9')->call('POST', '/login', { username => 'via-nginx', password => 'x' },
    headers => { 'X-Real-IP' => '10.9.8.11', 'X-Xtream-Proxy-Key' => 'f' x 64 });
is(XtreamTest::sql("SELECT address FROM admin_audit WHERE admin = 'via-nginx'"), "127.0.0.9\n",
   "a client's own X-Real-IP and key headers through nginx change nothing");
my ($st2, $j2) = AdminClient->new(local => '127.0.0.6')->login('boss', 'boss-password-1');
is($st2, 429, 'through nginx, 127.0.0.6 is the locked address (nginx sets X-Real-IP)');

