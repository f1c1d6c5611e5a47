# Check 27 (size/time sanity): a generated catalogue of 10,000 live channels
# and 50,000 movies in one bouquet is delivered by get_live_streams and
# get_vod_streams (and get.php) well within Hypnotix's 15 s read timeout.
# The fixture is generated at test time (on-demand streams: no workers).
use strict;
use warnings;
use lib 't/lib';
use JSON::PP ();
use File::Temp ();
our ($BigFixture, $NLive, $NVod);
BEGIN {
    ($NLive, $NVod) = (10_000, 50_000);
    my $t = JSON::PP::true;
    my %d = (
        categories => [{ id => 1, type => 'live', name => 'Live', parent_id => 0, sort_order => 1 },
                       { id => 2, type => 'movie', name => 'Films', parent_id => 0, sort_order => 2 }],
        transcode_profiles => [{ id => 1, name => 'copy', mode => 'copy' }],
        streams => [map { { id => $_, name => "Live \x{e9} $_", category_id => 1, epg_channel_id => "l$_.tv",
                            sort_order => $_, added => 1700000000, on_demand => $t,
                            sources => ["file:///nonexistent/$_.ts"], transcode_profile_id => 1 } } 1 .. $NLive],
        movies => [map { { id => $_, name => "Movie $_", category_id => 2, container_extension => 'mp4',
                           path => "v/$_.mp4", rating => '6.5', added => 1700000000 } } 1 .. $NVod],
        bouquets => [{ id => 1, name => 'All', sort_order => 1, live => [1 .. $NLive], movies => [1 .. $NVod],
                       series => [] }],
        lines => [{ username => 'big', password => 'big-pass', status => 'active', exp_date => undef,
                    bouquets => [1], allowed_outputs => ['ts', 'm3u8'] }],
    );
    my $fh = File::Temp->new(TEMPLATE => '/tmp/xt-api-scale.XXXXXX', SUFFIX => '.json', UNLINK => 1);
    binmode $fh;
    print $fh JSON::PP->new->utf8->canonical->encode(\%d);
    close $fh;
    $BigFixture = $fh;       # kept alive (and unlinked) until the end
}
use XtreamTest fixture => "$BigFixture";
use Test::Nginx::Socket 'no_plan';
require './t/api-helpers.pl';
use Time::HiRes ();

XtreamTest::hooks();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: check 27 — 10,000 live channels via get_live_streams and 50,000 movies via get_vod_streams, each within 15 s, complete, strictly typed
--- request
GET /player_api.php?username=big&password=big-pass
--- timeout: 30
--- xt_check
for my $case (['get_live_streams', $main::NLive], ['get_vod_streams', $main::NVod]) {
    my ($act, $n) = @$case;
    my $t0 = Time::HiRes::time();
    my ($st, $h, $b) = get("/player_api.php?username=big&password=big-pass&action=$act");
    my $dt = Time::HiRes::time() - $t0;
    is($st, 200, "$act: 200");
    ok($dt < 15, sprintf("%s: %d bytes in %.3f s (< 15 s)", $act, length $b, $dt));
    Test::More::note(sprintf("%s: %d bytes in %.3f s", $act, length $b, $dt));
    my $d = eval { decode_strict($b) };
    ok(ref $d eq 'ARRAY', "$act: strict JSON array") or next;
    is(scalar @$d, $n, "$act: all $n items");
    is_deeply([map { $_->{num} } @$d[0, -1]], [1, $n], "$act: num 1..$n");
    types_ok($d, $act);
}
my $t0 = Time::HiRes::time();
my ($st, $h, $b) = get("/get.php?username=big&password=big-pass&type=m3u_plus&output=ts");
my $dt = Time::HiRes::time() - $t0;
is($st, 200, 'get.php: 200');
ok($dt < 15, sprintf('get.php: %d entries in %.3f s', scalar(() = $b =~ /^#EXTINF/mg), $dt));
is(scalar(() = $b =~ /^#EXTINF:-1 /mg), $main::NLive + $main::NVod, 'get.php: every channel and movie');
--- no_error_log
[alert]
[crit]
