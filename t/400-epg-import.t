# EPG import from XMLTV files (xtreamd/epg/xt_epg_*.c) through the real stack:
# a guide generated here (plain, then gzip) with broken entries of every
# kind goes in through `xtreamctl epg add` + `epg refresh`; the counts per
# skip reason, the stored rows, the failing re-imports that must keep the
# previous guide whole, and the good one that replaces it; then the player
# API (get_short_epg, get_simple_data_table, xmltv.php through nginx and the
# module) must answer exactly the imported guide.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::Nginx::Socket 'no_plan';
require './t/api-helpers.pl';
require './t/epg-helpers.pl';

our $TZ = $XtreamTest::Tz;
our $NOW = time;
our $H0 = $NOW - $NOW % 3600;
my $T = $XtreamTest::Tmp;
sub ctl { return XtreamTest::xtctl(@_) }

# news1.uk in +01:00, news2.uk in -05:00, sport1.uk without zone (UTC);
# extra.tv is a channel no stream uses
my @CH1 = (['news1.uk', 60, -24, 48], ['news2.uk', -300, -24, 48], ['sport1.uk', 'none', -6, 30],
           ['extra.tv', 0, 0, 10]);
my ($v1, $e1) = gen_guide(h0 => $H0, tag => 'v1', channels => \@CH1, nostop => 'nostop.tv');
XtreamTest::spew_raw("$T/v1.xml", $v1);
XtreamTest::spew_raw("$T/v1.xml.gz", gzip_bytes($v1));
my %SKIP1 = %{ $e1->{skipped} };
my $NSKIP1 = 0;
$NSKIP1 += $_ for values %SKIP1;

# --- bad input to the commands: exit 1, one clear line, nothing stored
{
    my @bad = (
        [['epg', 'add', 'x'], qr/usage: epg add/],
        [['epg', 'add', '123', "$T/v1.xml"], qr/NAME must be/],
        [['epg', 'add', 'rel', 'guide.xml'], qr/URL must be/],
        [['epg', 'add', 'dots', '/tmp/../etc/passwd'], qr/URL must be/],
        [['epg', 'add', 'ftp', 'ftp://example/g.xml'], qr/URL must be/],
        [['epg', 'add', 'n', "$T/v1.xml", '--interval', '5s'], qr/--interval must be/],
        [['epg', 'add', 'n', "$T/v1.xml", '--lang', 'e n'], qr/--lang must be/],
        [['epg', 'refresh', 'nosuch'], qr/no EPG source "nosuch"/],
        [['epg', 'frobnicate'], qr/usage: epg add/],
        [['epg', 'list', 'extra'], qr/usage: epg add/],
    );
    for my $b (@bad) {
        my ($rc, $out) = ctl(@{ $b->[0] });
        is($rc, 1, "xtreamctl @{ $b->[0] }: exit 1");
        like($out, $b->[1], "xtreamctl @{ $b->[0] }: says why") or diag($out);
    }
    is(q1("SELECT COUNT(*) FROM epg_sources"), 0, 'bad commands stored no source');
    my ($rc, $out) = ctl('epg', 'demo', '--days', '1');
    is($rc, 0, 'epg demo still works') or diag($out);
    like($out, qr/^epg demo: 3 channel\(s\), 216 programme\(s\)$/m, 'epg demo: 3 channels, 3 days of hours');
    # a stream whose epg id no source has (reported by `epg unmapped`)
    XtreamTest::import_json({ streams => [{ id => 13, name => 'No Guide', category_id => 1,
                                            epg_channel_id => 'nowhere.tv' }] });
}

# --- first import: plain file
my $c0 = epg_counter();
my $gen0 = XtreamTest::snap_generation('epg');
{
    my ($rc, $out) = ctl('epg', 'add', 'Guide A', "$T/v1.xml", '--lang', 'en', '--interval', '6h');
    is($rc, 0, 'epg add') or diag($out);
    like($out, qr/^epg source 1 added$/m, 'epg add prints the id');
    ($rc, $out) = ctl('epg', 'add', 'Guide A', "$T/other.xml");
    is($rc, 1, 'a second source with the same name: exit 1');
    like($out, qr/an EPG source named "Guide A" exists/, 'the name clash is named');

    ($rc, $out) = ctl('epg', 'refresh', 'Guide A');
    is($rc, 0, 'epg refresh (plain)') or diag($out);
    like($out, qr/^epg source 1: ok, $e1->{stored} programmes, 5 channels, $NSKIP1 skipped \(.*\), 2 outside the window, plain, /m,
         'refresh reports the counts') or diag($out);
    my $s = epg_source(1);
    is($s->{last_status}, 'ok', 'list: last_status ok');
    is($s->{programmes}, $e1->{stored}, "list: $e1->{stored} programmes");
    is($s->{channels}, 5, 'list: 5 channels');
    is($s->{format}, 'plain', 'list: format plain');
    is($s->{skipped}, $NSKIP1, "list: $NSKIP1 skipped");
    is_deeply($s->{skipped_detail}, \%SKIP1, 'list: skipped per reason')
        or diag(explain($s->{skipped_detail}));
    is($s->{outside_window}, 2, 'list: 2 outside the retention window');
    is($s->{refresh_interval}, 21600, 'list: interval 6 h');
    is($s->{progress}, undef, 'list: no import running');
    ok($s->{next_due} >= time + 21000, 'next refresh in about 6 h');
    is(q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id = 1"), $e1->{stored}, 'rows stored with the source');
    is(q1("SELECT COUNT(*) FROM epg_programmes WHERE epg_channel_id = 'news1.uk' AND source_id IS NULL"), 0,
       'the sourceless rows (fixture, epg demo) of a claimed channel are replaced');
    is(q1("SELECT GROUP_CONCAT(epg_channel_id ORDER BY epg_channel_id) FROM epg_channels WHERE source_id = 1"),
       'extra.tv,news1.uk,news2.uk,nostop.tv,sport1.uk', 'the source owns its five channels');
    is(q1("SELECT GROUP_CONCAT(CONCAT(start - $H0, '-', stop - $H0, ':', title) ORDER BY start) FROM epg_programmes "
          . "WHERE epg_channel_id = 'nostop.tv'"), '0-3600:nostop.tv N0,3600-7200:nostop.tv N1',
       'programmes without stop end where the next one starts; the last one is skipped');
    is(q1("SELECT display_name FROM epg_channels WHERE epg_channel_id = 'news2.uk'"), 'Name of news2.uk',
       'display-name imported');
    is(epg_counter(), $c0 + 1, 'one epg counter bump for the whole import');

    # time zones: +0100, -0500 and none all land on the same UTC hours
    for my $c (qw(news1.uk news2.uk sport1.uk)) {
        my ($want) = grep { $_->[0] == $H0 } @{ $e1->{good}{$c} };
        is(q1("SELECT CONCAT(start, ' ', stop) FROM epg_programmes WHERE epg_channel_id = '$c' AND title LIKE '% T0 %'"),
           "$want->[0] $want->[1]", "$c: XMLTV local time with its zone -> UTC epoch");
    }
    my $t = q1("SELECT CONCAT(title, '|', description, '|', lang) FROM epg_programmes WHERE "
               . "epg_channel_id = 'news1.uk' AND start = $H0");
    utf8::decode($t);
    is($t, "news1.uk v1 T0 \x{e9}t\x{e9} <&>|news1.uk v1 D0 \x{2603}|en", 'the en title of two, desc, lang; entities decoded');

    ($rc, $out) = ctl('epg', 'unmapped', '--json');
    is($rc, 0, 'epg unmapped');
    my $u = JSON::PP->new->utf8->decode($out);
    is_deeply([map { "$_->{id}:$_->{epg_channel_id}" } @{ $u->{streams} }], ['13:nowhere.tv'],
              'unmapped: the stream whose epg id no channel has');
    is_deeply([map { "$_->{source_id}:$_->{epg_channel_id}" } @{ $u->{channels} }], ['1:extra.tv', '1:nostop.tv'],
              'unmapped: the source channels no stream uses');
    ($rc, $out) = ctl('epg', 'list');
    like($out, qr/^unmapped: 1 stream\(s\) .*, 2 source channel\(s\) /m, 'epg list counts the unmapped');
    like($out, qr/^source 1 "Guide A": enabled, every 21600 s, lang en, \Q$T\E\/v1\.xml$/m, 'epg list text');
}

# --- the same guide gzip'd: same result, format gzip; then "unchanged"
{
    my ($rc, $out) = ctl('epg', 'set', '1', '--url', "file://$T/v1.xml.gz");
    is($rc, 0, 'epg set --url') or diag($out);
    ($rc, $out) = ctl('epg', 'refresh', '1');
    is($rc, 0, 'epg refresh (gzip)') or diag($out);
    my $s = epg_source(1);
    is($s->{format}, 'gzip', 'gzip recognised by its magic bytes');
    is($s->{programmes}, $e1->{stored}, 'gzip: same programme count');
    is_deeply($s->{skipped_detail}, \%SKIP1, 'gzip: same skips');
    ($rc, $out) = ctl('epg', 'refresh', '1');
    is($rc, 0, 'refresh of an unchanged file');
    like($out, qr/^epg source 1: unchanged$/m, 'same mtime/size/inode: nothing to do') or diag($out);
    is(epg_source(1)->{last_status}, 'unchanged', 'recorded as unchanged');
}

# --- failing re-imports keep the previous guide whole
my ($v2, $e2) = gen_guide(h0 => $H0, tag => 'v2', channels => [['news1.uk', 60, -3, 24], ['news2.uk', 0, -3, 24]]);
{
    my $sum = guide_sum(1);
    my $c1 = epg_counter();
    my $gz = gzip_bytes($v2);
    my %broken = (
        'truncated.xml.gz' => [substr($gz, 0, int(length($gz) / 2)), qr/gzip: unexpected end of file|truncated/],
        'trailer.xml.gz'   => [substr($gz, 0, length($gz) - 4), qr/gzip: unexpected end of file|truncated/],
        'badcrc.xml.gz'    => [substr($gz, 0, length($gz) - 8) . ("\0" x 8), qr/gzip: /],
        'notxml.xml'       => ["this is not XML at all\n" x 50, qr/XML error|no XML content|not an XMLTV/],
        'html.xml'         => ["<html><body>Not found</body></html>\n", qr/not an XMLTV document \(root element <html>\)/],
        'cut.xml'          => [substr($v2, 0, int(length($v2) * 0.6)), qr/does not end with <\/tv> \(truncated\?\)/],
        'empty.xml'        => ['', qr/empty file/],
    );
    for my $f (sort keys %broken) {
        XtreamTest::spew_raw("$T/$f", $broken{$f}[0]);
        my ($rc, $out) = ctl('epg', 'set', '1', '--url', "$T/$f");
        ($rc, $out) = ctl('epg', 'refresh', '1');
        is($rc, 1, "$f: refresh fails with exit 1");
        like($out, qr/^epg source 1: error: .*$broken{$f}[1]/m, "$f: says why") or diag($out);
        is(guide_sum(1), $sum, "$f: the previous guide is intact");
        my $s = epg_source(1);
        is($s->{last_status}, 'error', "$f: recorded as error");
        like($s->{last_error}, $broken{$f}[1], "$f: error recorded");
        is($s->{programmes}, $e1->{stored}, "$f: the counts of the good import stay");
    }
    my ($rc, $out) = ctl('epg', 'set', '1', '--url', "$T/missing.xml");
    ($rc, $out) = ctl('epg', 'refresh', '1');
    is($rc, 1, 'a missing file: exit 1');
    like($out, qr/missing\.xml: No such file/, 'a missing file: says so');
    is(guide_sum(1), $sum, 'a missing file: the previous guide is intact');
    is(epg_counter(), $c1, 'no failed import moved the epg counter');
}

# --- a good re-import replaces the guide (and a line change does not
# rebuild epg.snap)
{
    XtreamTest::spew_raw("$T/v2.xml", $v2);
    my $gen = XtreamTest::snap_generation('epg');
    my ($rc, $out) = ctl('epg', 'set', '1', '--url', "$T/v2.xml");
    ($rc, $out) = ctl('epg', 'refresh', '1');
    is($rc, 0, 'good re-import') or diag($out);
    is(q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id = 1"), $e2->{stored}, 'only the new guide is stored');
    is(q1("SELECT COUNT(*) FROM epg_programmes WHERE title LIKE '% v1 %'"), 0, 'no row of the old guide is left');
    is(q1("SELECT GROUP_CONCAT(epg_channel_id ORDER BY epg_channel_id) FROM epg_channels WHERE source_id = 1"),
       'news1.uk,news2.uk', 'channels the new file no longer has are released');
    my $g2 = XtreamTest::wait_generation_above('epg', $gen, 20);
    ok($g2, 'epg.snap rebuilt after the import');
    my $lines_gen = XtreamTest::snap_generation('lines');
    ($rc, $out) = ctl('line', 'add', 'epg-tester', '--password', 'epg-tester-pw', '--bouquets', '1');
    is($rc, 0, 'a line change') or diag($out);
    ok(XtreamTest::wait_generation_above('lines', $lines_gen, 20), 'lines.snap rebuilt');
    sleep 1;
    is(XtreamTest::snap_generation('epg'), $g2, 'a line change does not rebuild epg.snap');
}

# --- delete a source: its channels and programmes go, in one bump
{
    my ($rc, $out) = ctl('epg', 'add', 'Temp', "$T/v1.xml.gz");
    my ($id2) = $out =~ /^epg source (\d+) added$/m;
    ok($id2 && $id2 > 1, 'a second source') or diag($out);
    ($rc, $out) = ctl('epg', 'refresh', 'Temp');
    is($rc, 0, 'second source imports') or diag($out);
    # news1.uk and news2.uk are source 1's: their good rows, the two
    # overlapping ones, the two outside the window and the one without
    # stop (the other broken ones fail the parser's rules first)
    is(epg_source($id2)->{skipped_detail}{other_source}, scalar(@{ $e1->{good}{'news1.uk'} })
              + scalar(@{ $e1->{good}{'news2.uk'} }) + 5,
              'programmes of channels another source owns are skipped (other_source)')
        or diag(explain(epg_source($id2)->{skipped_detail}));
    ($rc, $out) = ctl('epg', 'del', $id2);
    is($rc, 0, 'epg del') or diag($out);
    is(q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id = $id2"), 0, 'its programmes are gone');
    is(q1("SELECT COUNT(*) FROM epg_channels WHERE source_id = $id2"), 0, 'its channels are gone');
    is(q1("SELECT COUNT(*) FROM epg_programmes WHERE source_id = 1"), $e2->{stored}, 'the other source is untouched');
    ($rc, $out) = ctl('epg', 'del', $id2);
    is($rc, 1, 'deleting it again: exit 1');
}

# --- retention: programmes that ended before the window are pruned
{
    XtreamTest::import_json({ epg => { programmes => [
        { channel => 'old.tv', start => $NOW - 10 * 86400, stop => $NOW - 10 * 86400 + 3600, title => 'old' },
        { channel => 'old.tv', start => $NOW - 3 * 86400, stop => $NOW - 3 * 86400 + 3600, title => 'recent' }] } });
    my $c = epg_counter();
    my ($rc, $out) = ctl('epg', 'prune');
    is($rc, 0, 'epg prune') or diag($out);
    like($out, qr/^epg prune: [1-9]\d* programme\(s\) ended before the 7-day window removed$/m, 'prune says how many');
    is(q1("SELECT GROUP_CONCAT(title) FROM epg_programmes WHERE epg_channel_id = 'old.tv'"), 'recent',
       'the 10-day-old programme is gone, the 3-day-old one stays');
    is(q1("SELECT COUNT(*) FROM epg_programmes WHERE stop < " . ($NOW - 7 * 86400)), 0, 'nothing older is left');
    is(epg_counter(), $c + 1, 'one counter bump for the prune');
    ($rc, $out) = ctl('epg', 'prune');
    like($out, qr/^epg prune: 0 programme/m, 'a second prune finds nothing');
    is(epg_counter(), $c + 1, '... and does not bump the counter');
}

my $gen = XtreamTest::snap_generation('epg');
XtreamTest::wait_generation_above('epg', $gen - 1, 5);
sleep 1;    # the delete's rebuild

our %GOOD = %{ $e2->{good} };

XtreamTest::hooks();
no_root_location();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: get_short_epg answers the imported programmes (the next 4 from now), titles and times exact
--- request eval
["GET /player_api.php?username=demo&password=demo-pass&action=get_short_epg&stream_id=11",
 "GET /player_api.php?username=demo&password=demo-pass&action=get_short_epg&stream_id=12&limit=10"]
--- xt_check
my $rows = decode_strict($body)->{epg_listings};
my $ch = $req == 0 ? 'news1.uk' : 'news2.uk';
my $now = time;
my @want = grep { $_->[1] > $now } @{ $main::GOOD{$ch} };
splice @want, $req == 0 ? 4 : 10;
is(scalar @$rows, scalar @want, "$ch: rows");
for my $i (0 .. $#want) {
    my $r = $rows->[$i];
    is($r->{start_timestamp}, "$want[$i][0]", "$ch row $i: start");
    is($r->{stop_timestamp}, "$want[$i][1]", "$ch row $i: stop");
    is(Encode::decode('UTF-8', MIME::Base64::decode_base64($r->{title})), $want[$i][2], "$ch row $i: title");
    is(Encode::decode('UTF-8', MIME::Base64::decode_base64($r->{description})), $want[$i][3], "$ch row $i: description");
    is($r->{lang}, 'en', "$ch row $i: lang");
    is($r->{channel_id}, $ch, "$ch row $i: channel_id");
    is($r->{start}, tz_fmt($want[$i][0], $main::TZ), "$ch row $i: start string in the server zone");
}
--- error_code eval
[200, 200]



=== TEST 2: get_simple_data_table gives the whole imported schedule of the channel
--- request eval
["GET /player_api.php?username=demo&password=demo-pass&action=get_simple_data_table&stream_id=11",
 "GET /player_api.php?username=demo&password=demo-pass&action=get_simple_data_table&stream_id=21"]
--- xt_check
my $rows = decode_strict($body)->{epg_listings};
my @want = $req == 0 ? @{ $main::GOOD{'news1.uk'} } : ();
is(scalar @$rows, scalar @want, 'every stored row, nothing else (sport1.uk left the guide with v2)');
is_deeply([map { [$_->{start_timestamp}, $_->{stop_timestamp},
                  Encode::decode('UTF-8', MIME::Base64::decode_base64($_->{title}))] } @$rows],
          [map { ["$_->[0]", "$_->[1]", $_->[2]] } @want], 'start, stop and title of every row');
--- error_code eval
[200, 200]



=== TEST 3: xmltv.php carries the imported channels and programmes
--- request
GET /xmltv.php?username=demo&password=demo-pass
--- xt_check
my $doc = XML::LibXML->load_xml(string => $body);
my @p = $doc->findnodes('/tv/programme[@channel="news1.uk"]');
is(scalar @p, scalar @{ $main::GOOD{'news1.uk'} }, 'news1.uk: every programme');
my %t = map { $_->findvalue('title') => 1 } @p;
ok($t{ $main::GOOD{'news1.uk'}[0][2] }, 'the first title, entities and UTF-8 intact');
is($doc->findnodes(q{/tv/programme[@channel="news2.uk"]})->size, scalar @{ $main::GOOD{'news2.uk'} },
   'news2.uk: every programme');
is($doc->findvalue('/tv/channel[@id="news2.uk"]/display-name'), 'Name of news2.uk', 'display-name from the source');
--- error_code: 200
