# Migrations are recorded by name with the SHA-256 of their file
# (schema_migrations, xtreamd/xt_migrate.c): each one not recorded is
# applied, in name order, also when names after it were applied first (two
# branches that each add one, merged in either order); an applied one that
# was edited or renamed is refused, naming the file, with a non-zero exit
# and the schema untouched; a database migrated by the old single
# schema_version number is converted on first run.  Driven through
# `xtreamctl migrate` and `xtreamd` with the real compiled-in list and a
# manipulated schema_migrations table.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use Test::More;
use Digest::SHA ();

XtreamTest::stop_daemon();          # only the migrator touches the schema here

my $Db = $XtreamTest::DbName;
my $Dir = "$XtreamTest::Repo/sql/migrations";
opendir my $dh, $Dir or die "$Dir: $!";
my @files = sort grep { /^\d{3}_.*\.sql$/ } readdir $dh;
closedir $dh;
my %sum = map { $_ => Digest::SHA->new(256)->addfile("$Dir/$_", 'b')->hexdigest } @files;
my $all = join '', map { "$_\t$sum{$_}\n" } @files;
ok(@files >= 7, scalar(@files) . ' migration files');

sub sql { return XtreamTest::sql(shift) }
sub q1 { my $v = sql(shift); chomp $v; return $v }
sub recorded { return sql('SELECT name, checksum FROM schema_migrations ORDER BY name') }
sub migrate { return XtreamTest::xtctl('migrate') }
sub has_table {
    return q1("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$Db' AND table_name = '$_[0]'");
}
# everything a migration could change, and the record itself
sub schema {
    return sql("SELECT table_name, column_name, column_type, column_key FROM information_schema.columns "
               . "WHERE table_schema = '$Db' ORDER BY table_name, column_name")
         . sql("SELECT trigger_name, action_statement FROM information_schema.triggers "
               . "WHERE trigger_schema = '$Db' ORDER BY trigger_name")
         . sql('SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name')
         . sql('SELECT * FROM schema_version');
}
# migrate must refuse: non-zero exit, a message matching $re, no change
sub refused {
    my ($what, $re) = @_;
    my $before = schema();
    my ($rc, $out) = migrate();
    isnt($rc, 0, "$what: xtreamctl migrate exits non-zero ($rc)");
    like($out, $re, "$what: the message names the file") or diag($out);
    is(schema(), $before, "$what: schema untouched");
    return $before;
}
sub fresh {
    sql("DROP DATABASE `$Db`; CREATE DATABASE `$Db`");
}

# (a) a new database gets every migration, recorded by name and checksum
fresh();
my ($rc, $out) = migrate();
is($rc, 0, 'fresh: migrate exits 0') or diag($out);
like($out, qr/^${\ scalar @files} migration\(s\) applied/m, 'fresh: every migration applied');
is(recorded(), $all, 'fresh: each file recorded by name with its SHA-256');
($rc, $out) = migrate();
like($out, qr/^0 migration\(s\) applied/m, 'fresh: a second run applies nothing');

# (b) two branches each add one: the database has the later name, the
# earlier one arrives (merge order A then B) ...
sql("DELETE FROM schema_migrations WHERE name = '005_archive_usage.sql'; DROP TABLE archive_usage");
($rc, $out) = migrate();
is($rc, 0, 'earlier name arrives after a later one: exit 0') or diag($out);
like($out, qr/^1 migration\(s\) applied/m, 'earlier name arrives after a later one: applied');
is(has_table('archive_usage'), 1, '005 ran: archive_usage is back');
is(recorded(), $all, '005 recorded again');
# ... and the other merge order: the earlier name is there, the later one arrives
sql("DELETE FROM schema_migrations WHERE name = '006_admin.sql'; DROP TABLE stream_commands");
($rc, $out) = migrate();
like($out, qr/^1 migration\(s\) applied/m, 'later name arrives: applied') or diag($out);
is(has_table('stream_commands'), 1, '006 ran: stream_commands is back');
is(recorded(), $all, '006 recorded again');
# both missing at once: both come
sql("DELETE FROM schema_migrations WHERE name IN ('005_archive_usage.sql', '006_admin.sql'); "
    . "DROP TABLE archive_usage; DROP TABLE stream_commands");
($rc, $out) = migrate();
like($out, qr/^2 migration\(s\) applied/m, 'two missing: both applied') or diag($out);
is(has_table('archive_usage') + has_table('stream_commands'), 2, 'two missing: both tables back');
is(recorded(), $all, 'two missing: both recorded');

# (c) an applied migration edited after it ran: refused before anything
# else happens, also a pending one (005 is missing again)
sql("DELETE FROM schema_migrations WHERE name = '005_archive_usage.sql'; DROP TABLE archive_usage");
sql("UPDATE schema_migrations SET checksum = REPEAT('0', 64) WHERE name = '003_bulk_triggers.sql'");
my $before = refused('edited', qr/migration 003_bulk_triggers\.sql was edited after it was applied/);
is(has_table('archive_usage'), 0, 'edited: the pending 005 not applied either');
# every xtreamctl command migrates first, so none runs on such a database
($rc, $out) = XtreamTest::xtctl('import', "$XtreamTest::Repo/t/fixtures/slice.json");
isnt($rc, 0, 'edited: xtreamctl import refused too');
# xtreamd stops rather than waiting for a database that cannot get better
($rc, $out) = XtreamTest::run_cmd('timeout', '30', "$XtreamTest::Build/xtreamd",
                                  '-c', $XtreamTest::Conf, '--foreground');
ok($rc != 0 && $rc != 124, "edited: xtreamd exits non-zero at once ($rc)");
like(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"),
     qr/migration 003_bulk_triggers\.sql was edited/, 'edited: xtreamd logs the file');
is(schema(), $before, 'edited: schema untouched by xtreamd');
sql("UPDATE schema_migrations SET checksum = '$sum{'003_bulk_triggers.sql'}' WHERE name = '003_bulk_triggers.sql'");

# (d) an applied migration renamed (its old name no longer in the build),
# and a name this build never had: refused, naming it
sql("UPDATE schema_migrations SET name = '004_epg_sources_old.sql' WHERE name = '004_epg_sources.sql'");
refused('renamed', qr/migration 004_epg_sources_old\.sql is recorded as applied but is not in this build/);
sql("UPDATE schema_migrations SET name = '004_epg_sources.sql' WHERE name = '004_epg_sources_old.sql'");
sql("INSERT INTO schema_migrations VALUES ('099_from_elsewhere.sql', REPEAT('a', 64), 1)");
refused('unknown name', qr/migration 099_from_elsewhere\.sql is recorded as applied but is not in this build/);
sql("DELETE FROM schema_migrations WHERE name = '099_from_elsewhere.sql'");
($rc, $out) = migrate();
like($out, qr/^1 migration\(s\) applied/m, 'repaired: the pending 005 applies') or diag($out);
is(recorded(), $all, 'repaired: all recorded');

# (e) a database of the old scheme: one schema_version number, no
# schema_migrations.  The names up to the number are recorded with this
# build's checksums, the rest applied.
sql("DROP TABLE schema_migrations; DROP TABLE archive_usage; DROP TABLE server_load; "
    . "INSERT INTO schema_version (id, version, applied) VALUES (1, 4, 1) "
    . "ON DUPLICATE KEY UPDATE version = 4");
($rc, $out) = migrate();
is($rc, 0, 'old scheme at 4: exit 0') or diag($out);
like($out, qr/^${\ (@files - 4)} migration\(s\) applied/m, 'old scheme at 4: the migrations after 004 applied');
is(has_table('archive_usage') + has_table('server_load'), 2, 'old scheme at 4: 005 and 007 ran');
is(recorded(), $all, 'old scheme at 4: every name recorded with its checksum');

# the last number, not the file count: two branches may each add an NNN
my ($last) = sort { $b <=> $a } map { /^(\d+)_/ ? $1 + 0 : () } map { (split m{/})[-1] } @files;
sql("DROP TABLE schema_migrations; UPDATE schema_version SET version = $last");
($rc, $out) = migrate();
like($out, qr/^0 migration\(s\) applied/m, 'old scheme at the last number: nothing applied') or diag($out);
is(recorded(), $all, 'old scheme at the last number: converted');

# a number past this build's last: a newer build migrated it; refused
sql("DROP TABLE schema_migrations; UPDATE schema_version SET version = 999");
($rc, $out) = migrate();
isnt($rc, 0, 'old scheme past the last number: refused');
like($out, qr/schema_version 999 is newer than this build/, 'old scheme past the last number: says so') or diag($out);
is(q1('SELECT COUNT(*) FROM schema_migrations'), 0, 'old scheme past the last number: nothing recorded');

done_testing();
