# The guide players get (issue 17): the XMLTV programme fields beyond title
# and description survive the import (xtreamctl epg add/refresh of a real
# file) and come out of xmltv.php through nginx and the module, escaped,
# in the DTD's order, valid for xmltv-util's tv_validate_file; the default
# xmltv.php window is the whole stored one the line can use: back to the
# longest catch-up window of its channels, forward to the last imported
# programme; get_simple_data_table keeps its XC shape.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
use MIME::Base64 ();
use IO::Uncompress::Gunzip ();
require './t/api-helpers.pl';
require './t/epg-helpers.pl';

our $T = $XtreamTest::Tmp;
our $NOW = time;
our $H0 = $NOW - $NOW % 3600;

XtreamTest::import_json({
    settings => { timezone => 'UTC', server_name => 'guide-test' },
    servers => [{ id => 1, name => 'main', host => '127.0.0.1', http_port => 8080, https_port => 8443,
                  rtmp_port => 1935, is_main => JSON::PP::true() }],
    categories => [{ id => 1, type => 'live', name => 'TV', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy', mode => 'copy' }],
    streams => [
        { id => 51, name => 'Seven Days', category_id => 1, epg_channel_id => 'arch7.tv', transcode_profile_id => 1,
          tv_archive => JSON::PP::true(), tv_archive_duration => 7, sources => ['file:///nonexistent/a7.ts'] },
        { id => 52, name => 'Plain', category_id => 1, epg_channel_id => 'plain.tv', transcode_profile_id => 1,
          sources => ['file:///nonexistent/p.ts'] },
    ],
    bouquets => [{ id => 1, name => 'All', sort_order => 1, live => [51, 52] },
                 { id => 2, name => 'PlainOnly', sort_order => 2, live => [52] }],
    lines => [{ username => 'guide', password => 'guide-pass', status => 'active', bouquets => [1] },
              { username => 'plain', password => 'plain-pass', status => 'active', bouquets => [2] }],
});

my $utf = sub { my $s = shift; utf8::encode($s); $s };
# one programme on each channel 5 days back, now, and 10 days ahead; the
# "Full" one carries every field, in an order the DTD does not allow, plus
# elements and attributes the import must drop
my $x = qq{<?xml version="1.0" encoding="UTF-8"?>\n<tv generator-info-name="t/420">\n};
$x .= qq{<channel id="$_"><display-name>$_</display-name></channel>\n} for qw(arch7.tv plain.tv);
for my $c (qw(arch7.tv plain.tv)) {
    for my $p ([-5 * 86400, 'Five back'], [-1800, 'Now'], [10 * 86400, 'Ten ahead']) {
        my $s = $H0 + $p->[0];
        $x .= sprintf(qq{<programme start="%s" stop="%s" channel="%s"><title>%s</title></programme>\n},
                      xmltv_time($s), xmltv_time($s + 3600), $c, "$p->[1] $c");
    }
}
my $fs = $H0 - 2 * 3600;
$x .= sprintf(qq{<programme start="%s" stop="%s" channel="arch7.tv">}, xmltv_time($fs), xmltv_time($fs + 3600))
    . qq{<title lang="en">Full</title>}
    . qq{<category lang="en">Drama</category>}
    . qq{<episode-num system="onscreen">S02E05</episode-num>}
    . qq{<sub-title lang="en">The &lt;Sub&gt; \x{e9}</sub-title>}
    . qq{<desc lang="en">About it</desc>}
    . qq{<credits><writer>Wri Ter</writer><actor role="Hero" bogus="x">Act One</actor>}
    . qq{<director>Dir One</director><actor>Act &amp; Two</actor><presenter>Pre Senter</presenter></credits>}
    . qq{<date>20240305</date>}
    . qq{<category lang="en">Crime &amp; "Law"</category>}
    . qq{<language>en</language>}
    . qq{<icon src="http://img.example/full.png" width="100" height="50" onclick="x"/>}
    . qq{<episode-num system="xmltv_ns">1.4.0/1</episode-num>}
    . qq{<previously-shown start="20240101000000 +0000" channel="other.tv"/>}
    . qq{<new/>}
    . qq{<rating system="MPAA"><value>PG</value><icon src="http://img.example/pg.png"/></rating>}
    . qq{<star-rating system="imdb"><value>7/10</value></star-rating>}
    . qq{<star-rating><novalue/></star-rating>}
    . qq{<unknown-element>dropped</unknown-element>}
    . qq{</programme>\n};
$x .= "</tv>\n";
XtreamTest::spew_raw("$T/full.xml", $utf->($x));

{
    my ($rc, $out) = XtreamTest::xtctl('epg', 'add', 'Full', "$T/full.xml");
    die "epg add: $out" if $rc;
    my $gen = XtreamTest::snap_generation('epg');
    ($rc, $out) = XtreamTest::xtctl('epg', 'refresh', 'Full');
    die "epg refresh: $out" if $rc;
    XtreamTest::wait_generation_above('epg', $gen, 10);
}

our $Dtd = '/usr/share/xmltv/xmltv.dtd';

sub validate {
    my ($xml) = @_;
    my $f = "$T/out.xml";
    XtreamTest::spew_raw($f, $xml);
    return XtreamTest::run_cmd('tv_validate_file', '--dtd-file', $Dtd, $f);
}

XtreamTest::hooks();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: every stored field is served by xmltv.php, escaped, in the DTD's order; unknown elements and attributes are not
--- request
GET /xmltv.php?username=guide&password=guide-pass
--- error_code: 200
--- xt_check
my $doc = XML::LibXML->load_xml(string => $body);
my ($p) = $doc->findnodes('/tv/programme[title="Full"]');
ok($p, 'the Full programme is there') or return;
is_deeply([map { $_->nodeName } grep { $_->nodeType == 1 } $p->childNodes],
          [qw(title sub-title desc credits date category category language icon episode-num episode-num
              previously-shown new rating star-rating)],
          'children in the DTD order; the value-less star-rating and the unknown element dropped');
is($p->findvalue('sub-title'), "The <Sub> \x{e9}", 'sub-title, entities and UTF-8 intact');
is_deeply([map { $_->nodeName . '=' . $_->textContent . ($_->getAttribute('role') ? '/' . $_->getAttribute('role') : '') }
           grep { $_->nodeType == 1 } $p->findnodes('credits')->[0]->childNodes],
          ['director=Dir One', 'actor=Act One/Hero', 'actor=Act & Two', 'writer=Wri Ter', 'presenter=Pre Senter'],
          'credits: every person, roles in the DTD order, actor role kept');
is($p->findvalue('date'), '20240305', 'date');
is_deeply([map { $_->textContent } $p->findnodes('category')], ['Drama', 'Crime & "Law"'], 'categories, escaped');
is($p->findvalue('language'), 'en', 'language');
is($p->findvalue('icon/@src'), 'http://img.example/full.png', 'icon src');
is($p->findvalue('icon/@width') . 'x' . $p->findvalue('icon/@height'), '100x50', 'icon size');
ok(!$p->findnodes('icon/@onclick')->size, 'an attribute the DTD does not have is dropped');
ok(!$p->findnodes('credits/actor/@bogus')->size, '... also inside credits');
is($p->findvalue('episode-num[@system="xmltv_ns"]'), '1.4.0/1', 'episode-num xmltv_ns');
is($p->findvalue('episode-num[@system="onscreen"]'), 'S02E05', 'episode-num onscreen');
is($p->findvalue('previously-shown/@start'), '20240101000000 +0000', 'previously-shown start');
ok($p->findnodes('new')->size, 'new');
is($p->findvalue('rating[@system="MPAA"]/value'), 'PG', 'rating value and system');
is($p->findvalue('rating/icon/@src'), 'http://img.example/pg.png', 'rating icon');
is($p->findvalue('star-rating[@system="imdb"]/value'), '7/10', 'star-rating');
unlike($body, qr/dropped|novalue/, 'nothing of the unknown elements');
my ($rc, $out) = main::validate($body);
is($rc, 0, "tv_validate_file --dtd-file $main::Dtd: valid") or diag($out);



=== TEST 2: the stored fields are compact: one sub_title and one xmltv_extra column of the import's own XML
--- request
GET /xmltv.php?username=guide&password=guide-pass
--- error_code: 200
--- xt_check
my $row = XtreamTest::sql("SELECT sub_title, LENGTH(xmltv_extra) FROM epg_programmes WHERE title = 'Full'");
like($row, qr/^The <Sub> \S+\t\d+$/, 'sub_title plain text, extra fields in one column');
my ($len) = $row =~ /\t(\d+)$/;
ok($len > 300 && $len < 8192, "xmltv_extra $len bytes");
is(XtreamTest::sql("SELECT COUNT(*) FROM epg_programmes WHERE title LIKE 'Now%' AND xmltv_extra = ''"), "2\n",
   'a programme with no further fields stores an empty fragment');



=== TEST 3: default window: back to the longest catch-up window of the line's channels (7 days), forward to the last imported programme
--- request eval
["GET /xmltv.php?username=guide&password=guide-pass",
 "GET /xmltv.php?username=plain&password=plain-pass",
 "GET /xmltv.php?username=guide&password=guide-pass&prev_days=1&next_days=1"]
--- error_code eval
[200, 200, 200]
--- xt_check
my $doc = XML::LibXML->load_xml(string => $body);
my %t = map { $_->findvalue('title') => 1 } $doc->findnodes('/tv/programme');
if ($req == 0) {
    ok($t{'Five back arch7.tv'}, '5 days back on the 7-day catch-up channel');
    ok($t{'Five back plain.tv'}, '5 days back on the other channel of the same line (the line\'s window)');
    ok($t{'Ten ahead arch7.tv'} && $t{'Ten ahead plain.tv'}, '10 days ahead: everything imported');
    ok($t{'Now arch7.tv'} && $t{'Full'}, 'and the present');
    my ($rc, $out) = main::validate($body);
    is($rc, 0, 'the whole window validates') or diag($out);
} elsif ($req == 1) {
    ok(!$t{'Five back plain.tv'}, 'a line without catch-up: not 5 days back (one day by default)');
    ok($t{'Now plain.tv'}, 'the present');
    ok($t{'Ten ahead plain.tv'}, '10 days ahead');
    ok(!$t{'Now arch7.tv'}, 'only its own channels');
} else {
    ok(!$t{'Five back arch7.tv'} && !$t{'Ten ahead arch7.tv'}, 'prev_days/next_days still narrow the window');
    ok($t{'Now arch7.tv'}, 'the present');
}



=== TEST 4: player_api keeps its XC shape: the same keys as before, no XMLTV fields
--- request
GET /player_api.php?username=guide&password=guide-pass&action=get_simple_data_table&stream_id=51
--- error_code: 200
--- xt_check
my $rows = JSON::PP->new->decode($body)->{epg_listings};
my ($full) = grep { MIME::Base64::decode_base64($_->{title}) eq 'Full' } @$rows;
ok($full, 'the Full programme is listed') or return;
is_deeply([sort keys %$full],
          [sort qw(id epg_id title lang start end description channel_id start_timestamp stop_timestamp stop
                   now_playing has_archive)], 'XC keys only');



=== TEST 5: gzip: nginx's own gzip filter compresses the streamed document when the client asks (Accept-Encoding)
--- config
    location = /xmltv.php { xtream_api; gzip on; gzip_types application/xml; gzip_min_length 1; gzip_http_version 1.0; }
--- more_headers
Accept-Encoding: gzip
--- request
GET /xmltv.php?username=guide&password=guide-pass
--- error_code: 200
--- response_headers
Content-Encoding: gzip
--- xt_check
my $xml;
IO::Uncompress::Gunzip::gunzip(\$body => \$xml) or die "gunzip failed";
my $doc = XML::LibXML->load_xml(string => $xml);
ok($doc->findnodes('/tv/programme[title="Full"]/credits')->size, 'the whole document, fields included');
my ($rc, $out) = main::validate($xml);
is($rc, 0, 'and it validates') or diag($out);
