# Bounded memory: a generated guide of some tens of MB (300 channels, 7
# days of half-hour slots) imports with a peak RSS far below the file size
# (the XMLTV is streamed, never loaded), plain and gzip, and every
# programme reaches the database and epg.snap.  Peak RSS of the import
# process from GNU time (its own getrusage maximum).  Not a timing test.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::More;
use POSIX ();
require './t/epg-helpers.pl';

my $T = $XtreamTest::Tmp;
-x '/usr/bin/time' or BAIL_OUT('/usr/bin/time is missing (scripts/install-deps.sh installs "time")');

my $gen = `$^X scripts/gen-xmltv.pl --out $T/big.xml --channels 300 --days 7 --slot 30 --desc 150`;
my ($nprog, $nch, $bytes) = split ' ', $gen;
ok($bytes > 25e6, sprintf('generated %.1f MB, %d programmes', $bytes / 1e6, $nprog));
system("gzip -1 -c $T/big.xml > $T/big.xml.gz") == 0 or die 'gzip';

# the same process doing no import: libraries, one DB connection
my ($brc, $bout) = XtreamTest::run_cmd('/usr/bin/time', '-f', 'maxrss_kb=%M', "$XtreamTest::Build/xtreamctl",
                                       '-c', $XtreamTest::Conf, 'epg', 'list');
my ($base_kb) = $bout =~ /maxrss_kb=(\d+)/;
ok($base_kb, "baseline (xtreamctl epg list): peak RSS @{[ int(($base_kb // 0) / 1024) ]} MB");

sub guide_sum_all { return q1("SELECT CONCAT(COUNT(*), ':', SUM(start), ':', BIT_XOR(CRC32(title))) FROM epg_programmes") }
sub epg_source_by_name { my $n = shift; my ($s) = grep { $_->{name} eq $n } @{ epg_list_json()->{sources} }; return $s }

sub import_rss {
    my ($name, $path) = @_;
    my ($rc, $out) = XtreamTest::xtctl('epg', 'add', $name, $path);
    is($rc, 0, "$name: add") or diag($out);
    ($rc, $out) = XtreamTest::run_cmd('/usr/bin/time', '-f', 'maxrss_kb=%M', "$XtreamTest::Build/xtreamctl",
                                      '-c', $XtreamTest::Conf, 'epg', 'refresh', $name);
    is($rc, 0, "$name: refresh") or diag($out);
    my ($kb) = $out =~ /maxrss_kb=(\d+)/;
    my ($n) = $out =~ /: ok, (\d+) programmes/;
    return ($kb, $n);
}

my ($kb, $n) = import_rss('Big plain', "$T/big.xml");
is($n, $nprog, "plain: all $nprog programmes imported");
ok($kb && $kb * 1024 < $bytes / 2, sprintf('plain: peak RSS %.1f MB, under half the %.1f MB file',
                                           ($kb // 0) / 1024, $bytes / 1e6));
ok($kb && ($kb - $base_kb) * 1024 < $bytes / 4,
   sprintf('plain: the import adds %.1f MB to the baseline, under a quarter of the file', (($kb // 0) - $base_kb) / 1024));
ok($kb && $kb < 48 * 1024, 'plain: peak RSS under 48 MB');
my $gen0 = XtreamTest::snap_generation('epg');

# the same guide gzip'd, as a second source: the channels are the first
# source's, so each programme is read and skipped (other_source), and then
# the first source is deleted and this one imports it all
my ($kbz, $nz) = import_rss('Big gzip', "$T/big.xml.gz");
is($nz, 0, 'gzip: every channel is owned by the first source');
ok($kbz && $kbz < 48 * 1024, sprintf('gzip: peak RSS %.1f MB', ($kbz // 0) / 1024));
my ($rc, $out) = XtreamTest::xtctl('epg', 'del', 'Big plain');
is($rc, 0, 'delete the first source') or diag($out);
($rc, $out) = XtreamTest::run_cmd('/usr/bin/time', '-f', 'maxrss_kb=%M', "$XtreamTest::Build/xtreamctl",
                                  '-c', $XtreamTest::Conf, 'epg', 'refresh', 'Big gzip', '--force');
like($out, qr/: ok, $nprog programmes, $nch channels, 0 skipped/, 'gzip: all programmes now') or diag($out);
my ($kb2) = $out =~ /maxrss_kb=(\d+)/;
ok($kb2 && ($kb2 - $base_kb) * 1024 < $bytes / 4,
   sprintf('gzip import: peak RSS %.1f MB (%.1f MB over the baseline)', ($kb2 // 0) / 1024, (($kb2 // 0) - $base_kb) / 1024));
is(q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id IS NOT NULL"), $nprog, 'the database holds exactly the guide');

# an import killed in the middle (SIGKILL, mid-parse) leaves the guide as
# it was: its transaction dies with its connection
{
    my $sum = guide_sum_all();
    my $pid = fork // die;
    if (!$pid) {
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', '/dev/null';
        exec "$XtreamTest::Build/xtreamctl", '-c', $XtreamTest::Conf, 'epg', 'refresh', 'Big gzip', '--force';
        POSIX::_exit(127);
    }
    my $s;
    for (1 .. 300) {
        $s = epg_source_by_name('Big gzip');
        last if $s->{progress} && $s->{progress}{state} eq 'parsing' && $s->{progress}{programmes} > 20000;
        select(undef, undef, undef, 0.1);
    }
    ok($s->{progress} && $s->{progress}{programmes} > 20000,
       "the running import shows its progress (parsing, $s->{progress}{programmes} programmes)");
    kill 'KILL', $pid;
    waitpid($pid, 0);
    is(guide_sum_all(), $sum, 'killed mid-import: the previous guide is intact');
    my ($rc, $out) = XtreamTest::xtctl('epg', 'refresh', 'Big gzip', '--force');
    like($out, qr/: ok, $nprog programmes/, 'the next refresh imports again') or diag($out);
}

# epg.snap carries every programme (all inside its window)
my @built;
for (1 .. 300) {
    @built = XtreamTest::slurp("$T/log/xtreamd.log") =~ /built epg\.snap generation \d+: (\d+) records/g;
    last if @built && $built[-1] == $nprog;
    select(undef, undef, undef, 0.2);
}
is($built[-1], $nprog, 'epg.snap rebuilt with every programme') or diag(join ',', @built);

done_testing();
