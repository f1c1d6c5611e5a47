# `xtreamctl setup` (xtreamd/cmd/xt_setup_cmd.c) against the harness's
# private MariaDB with every path in a temporary directory: the first run
# creates the database, a least-privilege user whose password lands in the
# configuration, the token secret (0640, group www-data), the schema and
# the first admin; a second run changes nothing; bad states (not root, no
# database, another schema, an unwritable configuration directory, a site
# that disagrees) exit non-zero with a clear message and nothing changed.
# Then `xtreamctl backup` / `restore` (cmd/xt_backup_cmd.c,
# xt_restore_cmd.c): lines created, backed up, the database dropped and
# restored, every line logs in again through nginx; truncated, foreign and
# non-empty-target restores are refused.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamNginx;
use Test::More;
use Digest::SHA ();
use File::Temp ();

plan skip_all => 'setup needs root (it creates a MariaDB user and chowns files)' if $> != 0;

my $T = "$XtreamTest::Tmp/setup";
mkdir $T;
mkdir "$T/$_" for qw(etc snap media archive run);
my $Sock = "$XtreamTest::DbDir/mysqld.sock";
(my $DbU = "xtu_$$") =~ s/[^A-Za-z0-9_]//g;
my $Db = "xt_setup_$$";
my $Ctl = "$XtreamTest::Build/xtreamctl";
my $Conf = "$T/etc/xtreamd.conf";
my $Site = "$T/site";

sub conf_text {
    my ($db) = @_;
    return <<"CONF";
# test configuration
db_socket        = $Sock
db_user          = $DbU
db_password      =
db_name          = $db
snapshot_dir     = $T/snap
media_root       = $T/media
archive_root     = $T/archive
event_socket     = $T/run/xtreamd.sock
pid_file         = $T/run/xtreamd.pid
log_file         = $T/run/xtreamd.log
poll_interval_ms = 100
server_id        = 1
CONF
}
sub site_text {
    my ($snap) = @_;
    return <<"SITE";
# a site like the packaged one
xtream_snapshot_dir   $snap;
xtream_secret         file:$T/etc/secret;
xtream_media_root     $T/media;
xtream_archive_root   $T/archive;
# xtream_event_socket /somewhere/else.sock;   (a comment: ignored)
xtream_event_socket   $T/run/xtreamd.sock;
server { listen 1; location / { xtream_delivery; } }
SITE
}
sub setup { return XtreamTest::run_cmd($Ctl, '-c', $Conf, 'setup', '--site', $Site, @_) }
sub sum_of { my $f = shift; return -e $f ? Digest::SHA->new(256)->addfile($f)->hexdigest : 'none' }
sub db_state {
    return XtreamTest::sql("SELECT COUNT(*) FROM mysql.user WHERE User = '$DbU'", 'mysql')
         . XtreamTest::sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$Db'", 'mysql')
         . sum_of($Conf) . sum_of("$T/etc/secret");
}
# a refused setup: non-zero, the message, nothing changed
sub refused {
    my ($what, $re, @cmd) = @_;
    my $before = db_state();
    my ($rc, $out) = @cmd ? XtreamTest::run_cmd(@cmd) : setup();
    isnt($rc, 0, "$what: exits non-zero ($rc)");
    like($out, $re, "$what: says why") or diag($out);
    is(db_state(), $before, "$what: nothing changed");
}

XtreamTest::spew($Conf, conf_text($Db));
chmod 0644, $Conf;
XtreamTest::spew($Site, site_text("$T/snap"));

# --- bad states first, each with nothing changed
# (a copy nobody can reach: the tree and the test's directory may be 0700)
my $Pub = File::Temp::tempdir('/tmp/xt-setup-pub.XXXXXX', CLEANUP => 1);
chmod 0755, $Pub;
system('cp', $Ctl, "$Pub/xtreamctl") == 0 or die "cp: $?";
refused('not root', qr/must run as root/,
        'setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', "$Pub/xtreamctl", '-c', $Conf, 'setup', '--site', $Site);
XtreamTest::spew($Site, site_text("$T/elsewhere"));
refused('site disagrees', qr/xtream_snapshot_dir "\Q$T\E\/elsewhere" but xtreamd.conf snapshot_dir/);
XtreamTest::spew($Site, site_text("$T/snap"));
{
    my $good = XtreamTest::slurp($Conf);
    XtreamTest::spew($Conf, $good =~ s/^db_socket .*$/db_socket = $T\/no-such.sock/mr);
    refused('no database', qr/cannot reach MariaDB as root through \Q$T\E\/no-such.sock.*service mariadb start/s);
    XtreamTest::spew($Conf, $good);
}
XtreamTest::sql("CREATE DATABASE `$Db`; CREATE TABLE `$Db`.wp_posts (id INT)", 'mysql');
refused('another schema', qr/database "\Q$Db\E" holds another schema \(1 tables/);
XtreamTest::sql("DROP DATABASE `$Db`", 'mysql');
# root without CAP_DAC_OVERRIDE meets the directory's mode bits
chmod 0555, "$T/etc";
refused('unwritable conf dir', qr/cannot write in the directory of \Q$Conf\E/,
        'setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-all',
        $Ctl, '-c', $Conf, 'setup', '--site', $Site);
chmod 0755, "$T/etc";

# --- the first run
my ($rc, $out) = setup();
is($rc, 0, 'setup: first run exits 0') or diag($out);
like($out, qr/created MariaDB user '\Q$DbU\E'\@'localhost'/, 'setup: creates the user');
like($out, qr/created the token secret \Q$T\E\/etc\/secret \(0640, group www-data\)/, 'setup: creates the secret');
like($out, qr/admin account "admin" created.*\n([A-Za-z0-9]{12,})\n/, 'setup: prints the admin password once');
my ($apass) = $out =~ /admin account "admin" created.*\n([A-Za-z0-9]{12,})\n/;
like($out, qr/sites-enabled.*systemctl enable --now xtreamd/s, 'setup: says what to do next');
my ($pw) = XtreamTest::slurp($Conf) =~ /^db_password\s*=\s*([A-Za-z0-9]{32})\s/m;
ok($pw, 'setup: a 32-character password in the configuration');
is((stat $Conf)[2] & 07777, 0640, 'setup: the configuration is no longer world-readable');
my @st = stat "$T/etc/secret";
is($st[2] & 07777, 0640, 'secret: mode 0640');
is($st[5], scalar getgrnam('www-data'), 'secret: group www-data');
like(XtreamTest::slurp("$T/etc/secret"), qr/^[0-9a-f]{64}\n\z/, 'secret: 32 random bytes in hex');
my $grants = XtreamTest::sql("SHOW GRANTS FOR '$DbU'\@'localhost'", 'mysql');
like($grants, qr/ON `\Q$Db\E`\.\*/, 'grants: its own database');
unlike($grants, qr/ON \*\.\*.*(SELECT|ALL)/, 'grants: nothing on other databases') or diag($grants);
# the daemon's own user can work
my ($lrc, $lout) = XtreamTest::run_cmd($Ctl, '-c', $Conf, 'admin', 'list');
is($lrc, 0, 'the configured user runs xtreamctl') or diag($lout);
like($lout, qr/\badmin\b/, 'the first admin exists');
isnt(XtreamTest::run_cmd('mariadb', '--no-defaults', "--socket=$Sock", "-u$DbU", "-p$pw", '-e', 'SELECT 1', 'mysql'), 0,
     'the user cannot open another database');

# --- the second run changes nothing
my $before = db_state();
my $mig = XtreamTest::sql('SELECT name, applied_at FROM schema_migrations ORDER BY name', $Db);
($rc, $out) = setup();
is($rc, 0, 'setup again: exits 0') or diag($out);
unlike($out, qr/created/, 'setup again: creates nothing');
like($out, qr/kept 1 admin account/, 'setup again: keeps the admin');
unlike($out, qr/\Q$apass\E/, 'setup again: no password printed');
is(db_state(), $before, 'setup again: user, schema, configuration and secret unchanged');
is(XtreamTest::sql('SELECT name, applied_at FROM schema_migrations ORDER BY name', $Db), $mig,
   'setup again: no migration re-applied');

# ===== backup and restore, with the harness's own daemon and nginx
XtreamTest::import_json({
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1 }],
    lines => [map { { username => "user$_", password => "pass-$_-x", status => 'active',
                      max_connections => 2, bouquets => [1] } } 1 .. 5],
});
my $BConf = $XtreamTest::Conf;
my $Bk = "$XtreamTest::Tmp/full.xtb";
my $port = XtreamNginx::free_port();
my $ng = XtreamNginx->start(
    port => $port,
    http => <<"HTTP",
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_zone xtream 1m;
    xtream_secret backup-test-secret-0123456789;
    xtream_media_root $XtreamTest::Tmp/media;
    xtream_event_socket $XtreamTest::Tmp/run/xtreamd.sock;
HTTP
    server => <<'SERVER');
        location = /player_api.php { xtream_api; }
        location / { xtream_delivery; }
SERVER
sub logins {
    my $n = 0;
    for my $i (1 .. 5) {
        my ($st, undef, $body) = $ng->get("/player_api.php?username=user$i&password=pass-$i-x");
        $n++ if $st == 200 && $body =~ /"auth":1[,}]/;
    }
    return $n;
}
ok($ng->wait_for(20, sub { logins() == 5 }), 'before: the 5 lines log in through nginx');

($rc, $out) = XtreamTest::run_cmd($Ctl, '-c', $BConf, 'backup', $Bk, '--site', $Site);
is($rc, 0, 'backup exits 0') or diag($out);
like($out, qr/backup: \Q$Bk\E: \d+ tables, \d+ rows/, 'backup: counts tables and rows');
like($out, qr/media \S+: \d+ file\(s\), \d+ bytes \(not in the backup\)/, 'backup: lists media with its size');
is((stat $Bk)[2] & 07777, 0600, 'backup: the file is 0600 (secrets, hashes)');

my $data = XtreamTest::sql('SELECT username, password_hash, password_salt, status, max_connections FROM `lines` ORDER BY id');

# refused: non-empty target, truncated file, a file of another kind
my $tables = XtreamTest::sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$XtreamTest::DbName'", 'mysql');
($rc, $out) = XtreamTest::run_cmd($Ctl, '-c', $BConf, 'restore', $Bk);
isnt($rc, 0, 'restore into a non-empty database: refused');
like($out, qr/is not empty .* --force/, 'restore into a non-empty database: says --force');
my $raw = XtreamTest::slurp_raw($Bk);
XtreamTest::spew_raw("$XtreamTest::Tmp/cut.xtb", substr($raw, 0, int(length($raw) / 2)));
XtreamTest::spew_raw("$XtreamTest::Tmp/other.gz", `printf 'CREATE TABLE x (a int);\n' | gzip`);
# the operator stops xtreamd before a restore (a running one would make
# the schema again as soon as the database is gone)
XtreamTest::stop_daemon();
XtreamTest::sql("DROP DATABASE `$XtreamTest::DbName`", 'mysql');
for my $c (['cut.xtb', qr/truncated or damaged/], ['other.gz', qr/not an xtream backup/],
           ['nonexistent.xtb', qr/No such file/]) {
    ($rc, $out) = XtreamTest::run_cmd($Ctl, '-c', $BConf, 'restore', "$XtreamTest::Tmp/$c->[0]");
    isnt($rc, 0, "restore $c->[0]: refused");
    like($out, $c->[1], "restore $c->[0]: says why") or diag($out);
    like($out, qr/nothing was changed|No such file/, "restore $c->[0]: nothing changed");
    is(XtreamTest::sql("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '$XtreamTest::DbName'", 'mysql'),
       "0\n", "restore $c->[0]: no database created");
}

($rc, $out) = XtreamTest::run_cmd($Ctl, '-c', $BConf, 'restore', $Bk);
is($rc, 0, 'restore into the dropped database: exits 0') or diag($out);
is(XtreamTest::sql('SELECT username, password_hash, password_salt, status, max_connections FROM `lines` ORDER BY id'),
   $data, 'restore: the lines are back byte for byte');
XtreamTest::start_daemon();
ok($ng->wait_for(20, sub { logins() == 5 }), 'after restore: the 5 lines log in through nginx again');

# --force replaces a non-empty database
XtreamTest::import_json({ lines => [{ username => 'extra', password => 'extra-pass', status => 'active', bouquets => [1] }] });
XtreamTest::stop_daemon();
($rc, $out) = XtreamTest::run_cmd($Ctl, '-c', $BConf, 'restore', $Bk, '--force');
is($rc, 0, 'restore --force: exits 0') or diag($out);
is(XtreamTest::sql("SELECT COUNT(*) FROM `lines` WHERE username = 'extra'"), "0\n", 'restore --force: the later line is gone');
XtreamTest::start_daemon();

# ---- clean up what setup made in the shared MariaDB
XtreamTest::sql("DROP USER IF EXISTS '$DbU'\@'localhost'; DROP DATABASE IF EXISTS `$Db`", 'mysql');
$ng->stop;
done_testing();
