# Bad input on every player-facing endpoint (player_api.php, get.php,
# xmltv.php, panel_api.php): non-numeric ids, huge limits, repeated
# arguments, invalid UTF-8, %00, over-long values, unknown type/output.
# Each gets the documented 4xx or protocol answer, never a 5xx, and
# nothing at [alert]/[crit] in the error log.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/api.json';
use Test::Nginx::Socket 'no_plan';
require './t/api-helpers.pl';

our $Q = 'username=alice&password=a.lice-P@ss_1';
our $L = 'x' x 5000;
$XtreamTest::DefaultConfig .= "    location = /panel_api.php { xtream_api; }\n";

# a current guide from the product's own demo generator
{
    my $gen = XtreamTest::snap_generation('epg') // 0;
    my ($rc, $out) = XtreamTest::xtctl('epg', 'demo', '--days', '1');
    die "xtreamctl epg demo failed: $out" if $rc;
    XtreamTest::wait_generation_above('epg', $gen, 15) or die "epg.snap was not rebuilt";
}

XtreamTest::hooks();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: player_api.php — non-numeric, negative, fractional or over-long ids on every id argument are 400 {"error":...}
--- request eval
[map { "GET /player_api.php?$main::Q&action=$_" }
     "get_vod_info&vod_id=abc", "get_vod_info&vod_id=-1", "get_vod_info&vod_id=1.5",
     "get_vod_info&vod_id=99999999999999999999", "get_series_info&series_id=1x",
     "get_series_info&series_id=%20", "get_short_epg&stream_id=abc", "get_short_epg&stream_id=1,a",
     "get_short_epg&stream_id=0x1", "get_simple_data_table&stream_id=1e3",
     "get_live_streams&category_id=abc", "get_vod_streams&category_id=-2", "get_series&category_id=1.0",
     "205&stream_id=abc", "209&vod_id=abc"]
--- error_code eval
[(400) x 15]
--- response_headers_like eval
[('Content-Type: ^application/json') x 15]
--- json_types
.        object exact
error    string ~.
--- no_error_log
[alert]
[crit]



=== TEST 2: player_api.php — limit: huge, negative or non-numeric is 400; large but sane values are clamped (at most 100 rows), 0 means the default 4
--- request eval
[map { "GET /player_api.php?$main::Q&action=get_short_epg&stream_id=1&limit=$_" }
     "99999999999999999999", "-1", "abc", "1e9", "4294967296", "100000", "0"]
--- error_code eval
[400, 400, 400, 400, 400, 200, 200]
--- xt_check
my $d = decode_strict($body);
if ($req < 5) { ok(defined $d->{error}, 'error object'); return }
ok(ref $d->{epg_listings} eq 'ARRAY' && @{ $d->{epg_listings} } <= 100, 'rows clamped');
is(scalar @{ $d->{epg_listings} }, 4, 'limit=0: default 4') if $req == 6;
--- no_error_log
[alert]
[crit]



=== TEST 3: player_api.php — repeated arguments: the last one wins (PHP), POST body after the query; many repeats are no crash
--- request eval
["GET /player_api.php?$main::Q&action=get_live_streams&action=get_vod_categories",
 "GET /player_api.php?username=bob.b-2\@x_y&password=b0b-pass&username=alice&password=a.lice-P\@ss_1&action=get_series_categories",
 "GET /player_api.php?$main::Q&action=get_live_streams&category_id=101&category_id=102",
 "GET /player_api.php?" . CORE::join('&', ("action=get_live_streams") x 300) . "&$main::Q",
 "GET /player_api.php?$main::Q&action=get_short_epg&stream_id=1&stream_id=2&limit=1&limit=2"]
--- error_code_like eval
[qr/^200$/, qr/^200$/, qr/^200$/, qr/^(200|4\d\d)$/, qr/^200$/]
--- xt_check
my $d = eval { decode_strict($body) };
ok(defined $d, 'strict JSON');
is_deeply([map { $_->{category_id} } @$d], [111, 112], 'last action wins: vod categories') if $req == 0;
is_deeply([map { $_->{category_id} } @$d], [121], 'last credentials win: alice') if $req == 1;
is_deeply([map { $_->{stream_id} } @$d], [3, 4, 5], 'last category_id wins') if $req == 2;
if ($req == 4) {
    is(scalar @{ $d->{epg_listings} }, 2, 'last limit wins');
    is($d->{epg_listings}[0]{channel_id}, 'a2.tv', 'last stream_id wins');
}
--- no_error_log
[alert]
[crit]



=== TEST 4: player_api.php — invalid UTF-8, %00, control bytes, bad percent-encoding and credentials outside [A-Za-z0-9._@-] are 400, never a login
--- request eval
[map { "GET /player_api.php?$_" }
     "username=alice%ff&password=a.lice-P\@ss_1", "username=alice&password=a.lice-P\@ss_1%c3%28",
     "username=alice%00&password=a.lice-P\@ss_1", "$main::Q&action=get%00_live_streams",
     "$main::Q&action=get_live%ff", "username=alice%0a&password=a.lice-P\@ss_1",
     "username=al%zzice&password=x", "username=alice&password=a.lice-P\@ss_1%",
     "username=al%20ice&password=x", "username=alice&password=a%2Flice", "$main::Q&vod_id=%00&action=get_vod_info"]
--- error_code eval
[(400) x 11]
--- response_body_unlike eval
[(qr/"auth":1/) x 11]
--- json_types
error    string
--- no_error_log
[alert]
[crit]



=== TEST 5: player_api.php — over-long usernames, passwords, actions and values are 4xx (never a login, never 5xx); a 4 KiB POST body limit gives 413
--- request eval
[map({ "GET /player_api.php?$_" }
     "username=$main::L&password=x", "username=alice&password=$main::L",
     "$main::Q&action=$main::L", "$main::Q&action=get_live_streams&category_id=$main::L",
     "$main::Q&action=get_short_epg&stream_id=" . CORE::join(',', 1 .. 300),
     "$main::Q&action=get_short_epg&stream_id=1&limit=$main::L", "$main::Q&foo=$main::L"),
 "POST /player_api.php\n" . "username=alice&password=a.lice-P\@ss_1&pad=" . ('y' x 5000)]
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- error_code_like eval
[(qr/^4\d\d$/) x 5, qr/^4\d\d$/, qr/^(200|4\d\d)$/, qr/^413$/]
--- response_body_unlike eval
# request 6 has valid credentials and only an unknown long argument: it may
# log in (200), so nothing is excluded for it ((?!) never matches)
[(qr/"auth":1,"status"/) x 6, qr/(?!)/, qr/"auth":1,"status"/]
--- no_error_log
[alert]
[crit]



=== TEST 6: player_api.php — server-side paging params[offset]/params[items_per_page]: numbers page, junk is 400, huge values are no crash
--- request eval
["GET /player_api.php?$main::Q&action=get_live_streams&params%5Boffset%5D=1&params%5Bitems_per_page%5D=2",
 "GET /player_api.php?$main::Q&action=get_live_streams&params%5Boffset%5D=abc",
 "GET /player_api.php?$main::Q&action=get_live_streams&params%5Bitems_per_page%5D=99999999999999999999",
 "GET /player_api.php?$main::Q&action=get_live_streams&params%5Boffset%5D=4000000000"]
--- error_code_like eval
[qr/^200$/, qr/^400$/, qr/^(200|400)$/, qr/^(200|400)$/]
--- xt_check
my $d = decode_strict($body);
is_deeply([map { $_->{stream_id} } @$d], [2, 3], 'offset 1, 2 per page') if $req == 0;
is_deeply([map { $_->{num} } @$d], [1, 2], 'num restarts at 1 in a page') if $req == 0;
is_deeply($d, [], 'offset past the end: []') if $req == 3 && ref $d eq 'ARRAY';
--- no_error_log
[alert]
[crit]



=== TEST 7: get.php — unknown type or output (incl. rtmp), invalid UTF-8, %00 and over-long values are 400 with no playlist; bad or missing credentials are 404 empty
--- request eval
[map { "GET /get.php?$_" }
     "$main::Q&type=enigma17", "$main::Q&output=rtmp", "$main::Q&output=flv", "$main::Q&type=m3u%00",
     "$main::Q&output=%ff", "username=alice%00&password=x", "$main::Q&type=$main::L",
     "username=$main::L&password=x", "username=alice&password=wrong", "username=alice", "",
     "username=old&password=old-pass"]
--- error_code eval
[400, 400, 400, 400, 400, 400, 400, 400, 404, 404, 404, 404]
--- response_body_unlike eval
[(qr/EXTM3U/) x 12]
--- no_error_log
[alert]
[crit]



=== TEST 8: get.php — repeated type/output: the last one wins
--- request eval
["GET /get.php?$main::Q&output=ts&output=m3u8", "GET /get.php?$main::Q&type=m3u_plus&type=m3u"]
--- response_body_like eval
[qr{/live/alice/a\.lice-P\@ss_1/1\.m3u8\r\n}, qr{\r\n#EXTINF:-1,A One\r\n}]
--- no_error_log
[alert]
[crit]



=== TEST 9: xmltv.php — bad prev_days/next_days (negative, junk, %00, huge) are 400; bad credentials 401 empty; huge-but-numeric days are clamped
--- request eval
[map { "GET /xmltv.php?$_" }
     "$main::Q&prev_days=-1", "$main::Q&next_days=abc", "$main::Q&next_days=%00",
     "$main::Q&prev_days=99999999999999999999", "username=alice%ff&password=x",
     "username=$main::L&password=x", "username=alice&password=wrong", "username=alice",
     "$main::Q&prev_days=99999&next_days=99999", "$main::Q&next_days=1&next_days=0"]
--- error_code eval
[400, 400, 400, 400, 400, 400, 401, 401, 200, 200]
--- xt_check
if ($req >= 8) {
    ok(eval { parse_xml($body) }, 'well-formed XML') or diag($@);
    unlike($body, qr/<programme start="[^"]*" stop="[^"]*" channel="a1.tv">\s*<title[^>]*>a1 T8 /, 'next_days=0 (last wins): nothing beyond now') if $req == 9;
} elsif ($req >= 6) {
    is($body, '', 'empty body');
}
--- no_error_log
[alert]
[crit]



=== TEST 10: panel_api.php — %00, invalid UTF-8, over-long credentials are 400; bad credentials {"user_info":{"auth":0}}; get_epg with a junk stream_id is 400
--- request eval
[map { "GET /panel_api.php?$_" }
     "username=alice%00&password=x", "username=alice%ff&password=x", "username=$main::L&password=x",
     "$main::Q&action=%ff", "$main::Q&action=get_epg&stream_id=abc",
     "username=alice&password=wrong", "username=nobody&password=x", ""]
--- error_code eval
[400, 400, 400, 400, 400, 200, 200, 200]
--- response_body eval
# a regex where any body without available_channels will do
[(qr/\A(?!.*available_channels)/s) x 5, '{"user_info":{"auth":0}}', '{"user_info":{"auth":0}}',
 '{"user_info":{"auth":0}}']
--- no_error_log
[alert]
[crit]



=== TEST 11: every endpoint — methods other than GET/POST/HEAD are refused with a 4xx, HEAD sends headers only
--- request eval
["PUT /player_api.php?$main::Q", "DELETE /get.php?$main::Q", "OPTIONS /xmltv.php?$main::Q",
 "HEAD /player_api.php?$main::Q"]
--- error_code_like eval
[qr/^4\d\d$/, qr/^4\d\d$/, qr/^4\d\d$/, qr/^200$/]
--- response_body eval
# any body for the refused methods (a regex matching everything), none for HEAD
[qr/\A/, qr/\A/, qr/\A/, '']
--- no_error_log
[alert]
[crit]
