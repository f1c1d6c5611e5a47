# Compressed lists, the interim way (issue 21): nginx's own gzip filter
# configured for the list content types (docs/DIRECTIVES.md, "Compressed
# lists").  Every list endpoint: with Accept-Encoding: gzip the body is
# gzip and decodes to exactly the uncompressed body; gzip;q=0 and no
# Accept-Encoding get it uncompressed; HEAD gets the gzip headers and no
# body; a Range request on a list still gets the whole (compressed) list;
# curl --compressed and Python's urllib + gzip decode it.
# The catalogue is generated (5 000 channels, 2 000 movies: lists of
# megabytes, far past the gzip filter's buffers, where a producer that
# waited on c->buffered stalled until send_timeout); streams on demand.
use strict;
use warnings;
use lib 't/lib';
use JSON::PP ();
use File::Temp ();
our $Fixture;
BEGIN {
    my ($nl, $nv) = (5_000, 2_000);
    my %d = (
        categories => [{ id => 1, type => 'live', name => 'Live', parent_id => 0, sort_order => 1 },
                       { id => 2, type => 'movie', name => 'Films', parent_id => 0, sort_order => 2 }],
        transcode_profiles => [{ id => 1, name => 'copy', mode => 'copy' }],
        streams => [map { { id => $_, name => "Live \x{e9} $_", category_id => 1, epg_channel_id => "l$_.tv",
                            sort_order => $_, added => 1700000000, on_demand => JSON::PP::true,
                            sources => ["file:///nonexistent/$_.ts"], transcode_profile_id => 1 } } 1 .. $nl],
        movies => [map { { id => $_, name => "Movie $_", category_id => 2, container_extension => 'mp4',
                           path => "v/$_.mp4", added => 1700000000 } } 1 .. $nv],
        bouquets => [{ id => 1, name => 'All', sort_order => 1, live => [1 .. $nl], movies => [1 .. $nv],
                       series => [] }],
        lines => [{ username => 'demo', password => 'demo-pass', status => 'active', exp_date => undef,
                    bouquets => [1], allowed_outputs => ['ts', 'm3u8'] }],
    );
    my $fh = File::Temp->new(TEMPLATE => '/tmp/xt-gzip-lists.XXXXXX', SUFFIX => '.json', UNLINK => 1);
    binmode $fh;
    print $fh JSON::PP->new->utf8->canonical->encode(\%d);
    close $fh;
    $Fixture = $fh;
}
use XtreamTest fixture => "$Fixture";
use Test::Nginx::Socket 'no_plan';
use IO::Uncompress::Gunzip ();
require './t/api-helpers.pl';

our @LISTS = map { "/player_api.php?username=demo&password=demo-pass&action=$_" }
    qw(get_live_streams get_vod_streams get_series get_live_categories);
push @LISTS, '/get.php?username=demo&password=demo-pass&type=m3u_plus&output=ts',
             '/xmltv.php?username=demo&password=demo-pass';

sub gunzip_str {
    my $in = shift;
    my $out;
    IO::Uncompress::Gunzip::gunzip(\$in => \$out) or return undef;
    return $out;
}

XtreamTest::hooks();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: every list endpoint: gzip decodes byte-identical; q=0, HEAD and Range get what nginx gives
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    send_timeout 10s;
    gzip on;
    gzip_http_version 1.0;
    gzip_vary on;
    gzip_min_length 1;
    gzip_types application/json application/x-mpegurl audio/x-mpegurl
               audio/mpegurl application/xml text/xml;
--- request
GET /player_api.php?username=demo&password=demo-pass
--- xt_check
for my $u (@main::LISTS) {
    my ($st, $h, $plain) = main::get($u);
    Test::More::is($st, 200, "$u: 200 without Accept-Encoding");
    Test::More::ok(!exists $h->{'content-encoding'}, "$u: not encoded without Accept-Encoding");
    Test::More::ok(length $plain > 0, "$u: a body (" . length($plain) . " bytes, $h->{'content-type'})");
    my ($gst, $gh, $gz) = main::get($u, "Accept-Encoding: gzip, deflate\r\n");
    Test::More::is($gst, 200, "$u: 200 with gzip");
    Test::More::is($gh->{'content-encoding'} // '', 'gzip', "$u: Content-Encoding gzip");
    Test::More::like($gh->{vary} // '', qr/Accept-Encoding/i, "$u: Vary: Accept-Encoding");
    my $dec = main::gunzip_str($gz);
    Test::More::ok(defined $dec && $dec eq $plain, "$u: gzip decodes to the uncompressed body, byte for byte");
    my ($qst, $qh, $q0) = main::get($u, "Accept-Encoding: gzip;q=0\r\n");
    Test::More::ok($qst == 200 && !exists $qh->{'content-encoding'} && $q0 eq $plain, "$u: gzip;q=0 is not compressed");
    my ($hst, $hh, $hb) = main::http('HEAD', $u, undef, "Accept-Encoding: gzip\r\n");
    Test::More::ok($hst == 200 && ($hh->{'content-encoding'} // '') eq 'gzip' && $hb eq '', "$u: HEAD: gzip headers, no body");
    # real clients: curl --compressed, Python urllib + gzip
    my $url = "http://127.0.0.1:" . main::port() . $u;
    # (get.php writes the Host a client sent into its URLs: compare with
    # what the same Host gets uncompressed)
    my $cplain = `curl -s '$url'`;
    my $c = `curl -s --compressed '$url'`;
    Test::More::ok($? == 0 && length $c && $c eq $cplain, "$u: curl --compressed decodes it");
    my $py = `python3 -c 'import gzip, sys, urllib.request as u; r = u.urlopen(u.Request(sys.argv[1], headers={"Accept-Encoding": "gzip"})); assert r.headers["Content-Encoding"] == "gzip"; sys.stdout.buffer.write(gzip.decompress(r.read()))' '$url'`;
    Test::More::ok($? == 0 && $py eq $cplain, "$u: Python urllib + gzip decodes it");
    my ($rst, $rh, $rb) = main::get($u, "Accept-Encoding: gzip\r\nRange: bytes=0-9\r\n");
    my $rdec = main::gunzip_str($rb);
    Test::More::ok($rst == 200 && defined $rdec && $rdec eq $plain, "$u: Range on a list: the whole list (200), gzip");
}
--- no_error_log
[error]
[alert]
