# EPG sources over HTTP, served by a real nginx started by this test (its
# static files carry ETag and Last-Modified), and refreshed by xtreamd's
# own schedule (a child `xtreamctl epg refresh --due`): the first refresh
# imports (200), the next one is a conditional request answered 304 and
# recorded as not_modified; a changed file is imported again; a slow
# download shows its progress in `epg list` while the daemon keeps
# rebuilding other snapshots; 404, redirects to file://, and downloads over
# epg_max_mb fail with the previous guide kept.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::Nginx::Socket 'no_plan';
require './t/epg-helpers.pl';

our $T = $XtreamTest::Tmp;
our $NOW = time;
our $H0 = $NOW - $NOW % 3600;
mkdir "$T/www";
$ENV{TEST_NGINX_XT_WWW} = "$T/www";
$ENV{TEST_NGINX_XT_ALOG} = "$T/log/epg-access.log";

# the daemon looks for due sources every second; downloads up to 2 MB
XtreamTest::stop_daemon();
open my $fh, '>>', $XtreamTest::Conf or die;
print $fh "epg_check_seconds = 1\nepg_max_mb = 2\nepg_timeout_s = 120\n";
close $fh;
XtreamTest::start_daemon();

our ($G1, $E1) = gen_guide(h0 => $H0, tag => 'w1', channels => [['news1.uk', 60, -5, 40], ['news2.uk', 0, -5, 40]]);
XtreamTest::spew_raw("$T/www/guide.xml.gz", gzip_bytes($G1));
# about 1.5 MB that nginx sends at 150 KB/s, and 3 MB (over the cap)
system("$^X scripts/gen-xmltv.pl --out $T/www/slow.xml --channels 20 --days 3 --slot 30 --desc 300 >/dev/null") == 0 or die;
system("$^X scripts/gen-xmltv.pl --out $T/www/big.xml --channels 40 --days 3 --slot 30 --desc 300 >/dev/null") == 0 or die;

sub ctl { return XtreamTest::xtctl(@_) }

sub wait_status {
    my ($id, $pred, $secs) = @_;
    my $deadline = time + $secs;
    while (time < $deadline) {
        my $s = epg_source($id);
        return $s if $s && $pred->($s);
        select(undef, undef, undef, 0.2);
    }
    return epg_source($id);
}

sub access_codes {
    my $path = shift;
    my @c;
    for (split /\n/, XtreamTest::slurp($ENV{TEST_NGINX_XT_ALOG})) {
        push @c, $1 if m{"GET \Q$path\E HTTP/1\.[01]" (\d{3})};
    }
    return @c;
}

XtreamTest::hooks();
no_root_location();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: scheduled HTTP refresh: 200 imports, then a conditional request is a 304 no-op; a changed file imports again; --force skips the validators
--- config
    access_log $TEST_NGINX_XT_ALOG;
    location /epg/ { alias $TEST_NGINX_XT_WWW/; }
--- request
GET /epg/guide.xml.gz
--- xt_between
my $port = $ENV{TEST_NGINX_SERVER_PORT};
my $url = "http://127.0.0.1:$port/epg/guide.xml.gz";
my ($rc, $out) = main::ctl('epg', 'add', 'Web', $url, '--interval', '1h');
Test::More::is($rc, 0, 'epg add http source') or Test::More::diag($out);
my $s = main::wait_status(1, sub { $_[0]{last_status} ne 'never' }, 40);
Test::More::is($s->{last_status}, 'ok', 'xtreamd imported the due source by itself')
    or Test::More::diag(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"));
Test::More::is($s->{programmes}, $main::E1->{stored}, 'scheduled import: every programme');
Test::More::is($s->{format}, 'gzip', 'scheduled import: gzip body');
Test::More::like(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"), qr/epg: refresh started, pid \d+ \(sources due\)/,
                 'the daemon logged the child it started');
Test::More::is(main::q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id = 1"), $main::E1->{stored}, 'rows stored');
Test::More::is_deeply([main::access_codes('/epg/guide.xml.gz')], [200, 200], 'the download was a 200 (after the block\'s own GET)');

# due again (the schedule is state in the row; the test moves it forward)
my $att = $s->{last_attempt};
XtreamTest::sql("UPDATE epg_sources SET next_due = 0 WHERE id = 1");
$s = main::wait_status(1, sub { $_[0]{last_status} eq 'not_modified' }, 40);
Test::More::is($s->{last_status}, 'not_modified', 'second scheduled refresh: not modified');
Test::More::is([main::access_codes('/epg/guide.xml.gz')]->[-1], 304, 'nginx answered the conditional request 304');
Test::More::is($s->{programmes}, $main::E1->{stored}, 'a 304 keeps the guide and its counts');
Test::More::is(main::q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id = 1"), $main::E1->{stored}, 'rows kept');
Test::More::ok($s->{next_due} > time + 3000, 'next refresh an interval later');

($rc, $out) = main::ctl('epg', 'refresh', 'Web');
Test::More::is($rc, 0, 'manual refresh');
Test::More::like($out, qr/^epg source 1: not_modified$/m, 'manual refresh: 304 too');
($rc, $out) = main::ctl('epg', 'refresh', 'Web', '--force');
Test::More::like($out, qr/^epg source 1: ok, $main::E1->{stored} programmes/m, '--force: full download and import') or Test::More::diag($out);
Test::More::is([main::access_codes('/epg/guide.xml.gz')]->[-1], 200, '--force sent no validators');

# a changed file: new ETag, imported again by the schedule
my ($g2, $e2) = main::gen_guide(h0 => $main::H0, tag => 'w2', channels => [['news1.uk', 60, -2, 10]]);
sleep 1;    # a new Last-Modified second
XtreamTest::spew_raw("$main::T/www/guide.xml.gz.tmp", main::gzip_bytes($g2));
rename "$main::T/www/guide.xml.gz.tmp", "$main::T/www/guide.xml.gz";
XtreamTest::sql("UPDATE epg_sources SET next_due = 0 WHERE id = 1");
$s = main::wait_status(1, sub { $_[0]{last_status} eq 'ok' && $_[0]{programmes} == $e2->{stored} }, 40);
Test::More::is($s->{programmes}, $e2->{stored}, 'a changed file is imported by the next scheduled refresh');
Test::More::is(main::q1("SELECT COUNT(*) FROM epg_programmes WHERE title LIKE '% w1 %'"), 0, 'the old guide is gone');
--- error_code: 200



=== TEST 2: a slow download shows its progress in epg list while xtreamd keeps serving; HTTP errors keep the guide
--- config
    access_log $TEST_NGINX_XT_ALOG;
    location /epg/ { alias $TEST_NGINX_XT_WWW/; }
    location /slow/ { alias $TEST_NGINX_XT_WWW/; limit_rate 150k; }
    location = /epg/to-file.xml { return 302 file:///etc/passwd; }
--- request
GET /epg/guide.xml.gz
--- xt_between
my $port = $ENV{TEST_NGINX_SERVER_PORT};
my $base = "http://127.0.0.1:$port";
my $sum = main::guide_sum(1);
my ($rc, $out) = main::ctl('epg', 'add', 'Slow', "$base/slow/slow.xml", '--interval', '1h');
Test::More::is($rc, 0, 'slow source added') or Test::More::diag($out);
my ($id) = $out =~ /epg source (\d+) added/;
my $s = main::wait_status($id, sub { $_[0]{progress} && $_[0]{progress}{bytes} > 0 }, 30);
my $p = $s->{progress};
Test::More::ok($p && $p->{state} eq 'fetching', 'epg list shows the running download') or Test::More::diag(Test::More::explain($s));
Test::More::is($p->{total_bytes}, -s "$main::T/www/slow.xml", 'progress: total bytes from Content-Length');
Test::More::ok(!$p->{stale}, 'progress: fresh');
($rc, $out) = main::ctl('epg', 'list');
Test::More::like($out, qr/^  running: fetching, \d+ programmes, \d+\/s, \d+% of [\d.]+ MB, ETA \d+ s \(pid \d+\)$/m,
                 'epg list text shows progress and ETA');
# the daemon's loop is not blocked by the import
my $lg = XtreamTest::snap_generation('lines');
($rc, $out) = main::ctl('line', 'add', 'during-epg', '--password', 'during-epg-pw', '--bouquets', '1');
Test::More::ok(XtreamTest::wait_generation_above('lines', $lg, 10), 'lines.snap rebuilt while the import runs');
Test::More::ok(main::epg_source($id)->{progress}, '... and the import was still running then');
$s = main::wait_status($id, sub { $_[0]{last_status} ne 'never' }, 60);
Test::More::is($s->{last_status}, 'ok', 'the slow import finished') or Test::More::diag($s->{last_error});
Test::More::is($s->{progress}, undef, 'no progress once finished');
Test::More::is($s->{programmes}, 20 * 3 * 48, 'slow import: every programme');
Test::More::like(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"),
                 qr/epg source $id \(Slow\): fetching, 0 programmes, 0\/s, \d+% of [\d.]+ MB, ETA \d+ s/,
                 'progress with ETA in the log');

for my $case (["$base/epg/nothing.xml", qr/HTTP status 404/],
              ["$base/epg/to-file.xml", qr/Protocol "file" not supported|not supported|disabled/],
              ["$base/epg/big.xml", qr/download larger than 2097152 bytes/],
              ["http://127.0.0.1:1/guide.xml", qr/Couldn't connect|Connection refused|Failed to connect/]) {
    ($rc, $out) = main::ctl('epg', 'set', '1', '--url', $case->[0]);
    ($rc, $out) = main::ctl('epg', 'refresh', '1');
    Test::More::is($rc, 1, "$case->[0]: exit 1");
    Test::More::like($out, $case->[1], "$case->[0]: says why") or Test::More::diag($out);
    Test::More::is(main::guide_sum(1), $sum, "$case->[0]: the previous guide is intact");
    Test::More::is(main::epg_source(1)->{last_status}, 'error', "$case->[0]: recorded as error");
}
--- error_code: 200
