# Player API conformance (the checks a compatible server must pass,
# numbered 1-18, 22, 25, 26; each test name quotes its check): one block per statement, real stack
# (MariaDB -> xtreamd snapshots -> nginx + module), fixture t/fixtures/api.json
# with two lines on disjoint bouquets, a guide imported relative to now, and
# a non-UTC server zone (America/New_York).
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/api.json';
use Test::Nginx::Socket 'no_plan';
require './t/api-helpers.pl';

our $TZ = 'America/New_York';
$ENV{TEST_NGINX_XT_TZ} = $TZ;
our ($AU, $AP, $BU, $BP) = ('alice', 'a.lice-P@ss_1', 'bob.b-2@x_y', 'b0b-pass');

# --- a current guide: half-hour slots around now on a1.tv (archive 2 days),
# hourly on a2.tv and b7.tv, and one a1.tv row 3 days ago (outside archive)
our $NOW = time;
our $H0 = $NOW - $NOW % 1800;
sub title_of { my ($c, $i) = @_; return "$c T$i \x{e9}t\x{e9} <&> \"q\" 'a'" }
sub desc_of  { my ($c, $i) = @_; return "$c D$i \x{2603} \x{fc}" }
our @PROGS;
for my $i (-8 .. 8) {
    push @PROGS, { channel => 'a1.tv', start => $H0 + $i * 1800, stop => $H0 + ($i + 1) * 1800,
                   title => title_of('a1', $i), description => desc_of('a1', $i), lang => 'en' };
}
push @PROGS, { channel => 'a1.tv', start => $H0 - 3 * 86400, stop => $H0 - 3 * 86400 + 1800,
               title => 'a1 old', description => '', lang => 'en' };
for my $c ('a2.tv', 'b7.tv') {
    for my $i (-2 .. 3) {
        push @PROGS, { channel => $c, start => $H0 + $i * 3600, stop => $H0 + ($i + 1) * 3600,
                       title => title_of(substr($c, 0, 2), $i), description => desc_of(substr($c, 0, 2), $i),
                       lang => 'en' };
    }
}
{
    my $gen = XtreamTest::snap_generation('epg') // 0;
    my $file = "$XtreamTest::Tmp/api-epg.json";
    XtreamTest::spew_raw($file, JSON::PP->new->utf8->canonical->encode({ epg => { programmes => \@PROGS } }));
    my ($rc, $out) = XtreamTest::xtctl('import', $file);
    die "epg import failed: $out" if $rc;
    XtreamTest::wait_generation_above('epg', $gen, 15) or die "epg.snap was not rebuilt";
}

our $LOGIN = $XtreamTest::LOGIN =~ s{server_info.timezone\s+string =Europe/London}{server_info.timezone string =$TZ}r;

XtreamTest::hooks();
no_root_location();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: check 1 — GET login is 200 application/json with user_info and server_info; a POST form answers the same
--- request eval
["GET /player_api.php?username=alice&password=a.lice-P\@ss_1",
 "POST /player_api.php\nusername=alice&password=a.lice-P\@ss_1"]
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- response_headers_like eval
[('Content-Type: ^application/json') x 2]
--- json_types eval
$main::LOGIN . "user_info.username string =alice\n"
--- xt_check
my $d = decode_strict($body);
delete @{ $d->{server_info} }{qw(timestamp_now time_now)};
$Seen{login1}[$req] = JSON::PP->new->canonical->encode($d);
is($Seen{login1}[0], $Seen{login1}[1], "POST form login equals GET login") if $req == 1;
--- no_error_log
[error]
[alert]
[crit]



=== TEST 2: check 2 — user_info has the 11 keys: auth 1, status Active, exp_date digits|null, digit strings, allowed_output_formats with ts (+m3u8 when HLS)
--- request eval
["GET /player_api.php?username=alice&password=a.lice-P\@ss_1",
 "GET /player_api.php?username=bob.b-2\@x_y&password=b0b-pass"]
--- json_types eval
$main::LOGIN . <<'X'
user_info.status      string =Active
user_info.auth        number =1
user_info.allowed_output_formats  array
X
--- xt_check
my $u = decode_strict($body)->{user_info};
is(scalar(keys %$u), 11, "11 user_info keys");
ok((grep { $_ eq 'ts' } @{ $u->{allowed_output_formats} }), "allowed_output_formats has ts");
if ($req == 0) {
    is($u->{username}, 'alice', 'alice');
    ok(!defined $u->{exp_date}, 'unlimited line: exp_date null');
    is($u->{is_trial}, '0', 'is_trial "0"');
    is($u->{max_connections}, '2', 'max_connections "2"');
    ok((grep { $_ eq 'm3u8' } @{ $u->{allowed_output_formats} }), 'HLS offered: m3u8 listed');
} else {
    is($u->{username}, 'bob.b-2@x_y', 'bob');
    is($u->{exp_date}, '4102444800', 'exp_date digit string');
    is($u->{is_trial}, '1', 'is_trial "1"');
    is_deeply($u->{allowed_output_formats}, ['ts'], 'ts only');
}



=== TEST 3: check 3 — server_info: bare host url, string ports, protocol, IANA timezone, timestamp_now within 5 s, time_now = timestamp_now in that zone
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1
--- more_headers
Host: localhost:25461
--- json_types eval
$main::LOGIN . <<'X'
server_info.url             string =localhost
server_info.port            digits =25461
server_info.https_port      digits
server_info.rtmp_port       digits
server_info.server_protocol string =http
server_info.timezone        string =America/New_York
server_info.timestamp_now   int near_now=5
server_info                 object clock
X
--- xt_check
my $s = decode_strict($body)->{server_info};
is($s->{time_now}, tz_fmt($s->{timestamp_now}, 'America/New_York'), 'time_now in America/New_York');
isnt($s->{time_now}, tz_fmt($s->{timestamp_now}, 'UTC'), 'time_now is not UTC wall clock');



=== TEST 4: check 4 — get_profile, get_server_info, get_account_info and an unknown action return the same login object
--- request eval
[map { "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=$_" }
     qw(get_profile get_server_info get_account_info no_such_action)]
--- json_types eval
$main::LOGIN . "user_info.username string =alice\n"
--- xt_check
my $strip = sub { my $d = decode_strict($_[0]); delete @{ $d->{server_info} }{qw(timestamp_now time_now)};
                  JSON::PP->new->canonical->encode($d) };
my (undef, undef, $plain) = get("/player_api.php?username=alice&password=a.lice-P\@ss_1");
# same Host as the harness' request, so url/port agree
$plain =~ s/"port":"\d+"/"port":"P"/; (my $b = $body) =~ s/"port":"\d+"/"port":"P"/;
is($strip->($b), $strip->($plain), "action answers the plain login object");



=== TEST 5: check 5 — wrong password, unknown user, missing credentials: 200 {"user_info":{"auth":0}}, identical for unknown user and wrong password, never 5xx
--- request eval
["GET /player_api.php?username=alice&password=wrong",
 "GET /player_api.php?username=nobody&password=a.lice-P\@ss_1",
 "GET /player_api.php?username=alice",
 "GET /player_api.php?password=a.lice-P\@ss_1",
 "GET /player_api.php",
 "GET /player_api.php?username=alice&password=wrong&action=get_live_streams",
 "GET /player_api.php?username=&password="]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200]
--- response_body eval
['{"user_info":{"auth":0}}', '{"user_info":{"auth":0}}', '{"user_info":{"auth":0}}',
 '{"user_info":{"auth":0}}', '{"user_info":{"auth":0}}', '{"user_info":{"auth":0}}',
 '{"user_info":{"auth":0}}']
--- json_types eval
$XtreamTest::AUTH_FAILED
--- no_error_log
[alert]
[crit]



=== TEST 6: check 6 — an expired line logs in with auth 1, status Expired, a past exp_date; every action, get.php, xmltv.php and its stream URLs refuse it
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret api-conformance-secret-0123456789;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_location /_xtvod/;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
    location = /xmltv.php { xtream_api; }
    location /_xtvod/ { internal; alias $TEST_NGINX_XT_MEDIA/; }
    location / { xtream_delivery; }
--- request eval
["GET /player_api.php?username=old&password=old-pass",
 "GET /player_api.php?username=old&password=old-pass&action=get_live_streams"]
--- json_types eval
$main::LOGIN . <<'X'
user_info.username  string =old
user_info.status    string =Expired
user_info.auth      number =1
user_info.exp_date  digits =1000000000
X
--- xt_check
if ($req == 0) {
    my ($st) = get("/get.php?username=old&password=old-pass&type=m3u_plus&output=ts");
    is($st, 404, 'get.php: 404 for the expired line');
    ($st) = get("/xmltv.php?username=old&password=old-pass");
    is($st, 401, 'xmltv.php: 401 for the expired line');
    # a file that would play for an active line
    my $m = $ENV{TEST_NGINX_XT_MEDIA};
    mkdir "$m/vod"; XtreamTest::spew_raw("$m/vod/a1.mp4", "x" x 4096);
    my ($ok) = get("/movie/alice/a.lice-P\@ss_1/1.mp4", "Range: bytes=0-9\r\n");
    is($ok, 206, 'control: the active line plays /movie/.../1.mp4');
    for my $u ("/movie/old/old-pass/1.mp4", "/live/old/old-pass/1.ts", "/old/old-pass/1",
               "/series/old/old-pass/1011.mp4") {
        my ($s, $h, $b) = get($u, "Range: bytes=0-9\r\n");
        ok($s != 200 && $s != 206 && $s < 500, "$u refused for the expired line ($s)");
    }
}
--- no_error_log
[alert]
[crit]



=== TEST 7: check 7 — numeric actions 200-209 answer exactly like their named actions
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1&action=200
--- xt_check
my %alias = (200 => 'get_vod_categories', 201 => 'get_live_categories', 202 => 'get_live_streams',
             203 => 'get_vod_streams', 204 => 'get_series_info&series_id=1',
             205 => 'get_short_epg&stream_id=1', 206 => 'get_series_categories',
             207 => 'get_simple_data_table&stream_id=1', 208 => 'get_series',
             209 => 'get_vod_info&vod_id=1');
for my $n (sort keys %alias) {
    (my $named = $alias{$n}) =~ s/^[a-z_]+/$&/;
    (my $num = $alias{$n}) =~ s/^[a-z_]+/$n/;
    my ($s1, undef, $b1) = get("/player_api.php?username=alice&password=a.lice-P\@ss_1&action=$named");
    my ($s2, undef, $b2) = get("/player_api.php?username=alice&password=a.lice-P\@ss_1&action=$num");
    is($s2, 200, "action=$n: 200");
    is($b2, $b1, "action=$n equals $alias{$n}");
    ok($b1 !~ /"user_info"/, "$alias{$n} is not the login object");
}



=== TEST 8: check 8 — category lists are {category_id digits, category_name string, parent_id 0}; every category used by a stream, movie or series is listed
--- request eval
[map { "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=$_" }
     qw(get_live_categories get_vod_categories get_series_categories)]
--- json_types
.                    array
[*]                  object exact
[*].category_id      digits
[*].category_name    string
[*].parent_id        int =0
--- xt_check
my @list = qw(get_live_streams get_vod_streams get_series);
my $cats = decode_strict($body);
my $items = api($AU, $AP, "action=$list[$req]");
my %have = map { $_->{category_id} => 1 } @$cats;
my %used = map { $_->{category_id} => 1 } @$items;
ok(@$items > 0, "$list[$req] is not empty");
for my $c (sort keys %used) { ok($have{$c}, "category $c used by $list[$req] is listed") }
same_set([keys %have], [keys %used], "lists exactly the categories in use (no empty, no foreign)");
my %names = (0 => ['A News', 'A Sport & "Games"'], 1 => ['A Films', 'A Docs'], 2 => ['A Shows']);
is_deeply([map { $_->{category_name} } @$cats], $names{$req}, "names, in admin order");



=== TEST 9: check 9 — get_live_streams items: num 1..n ints, stream_id int, category_id/added digit strings, stream_type live, direct_source "", tv_archive 0/1 with duration in days, category_ids int array
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1&action=get_live_streams
--- json_types
.                          array len=5
[*]                        object
[*].num                    int seq=1,2,3,4,5
[*].name                   string
[*].stream_type            string =live
[*].stream_id              int seq=1,2,3,4,5
[*].stream_icon            string
[*].epg_channel_id         string|null
[*].added                  digits seq=1700000001,1700000002,1700000003,1700000004,1700000005
[*].category_id            digits seq=101,101,102,102,102
[*].category_ids           array len=1
[*].category_ids[*]        int seq=101,101,102,102,102
[*].custom_sid             string|null
[*].tv_archive             int seq=1,0,0,0,0
[*].direct_source          string =
[*].tv_archive_duration    int|digits
[0].tv_archive_duration    any ~^2$
[0].epg_channel_id         string =a1.tv
[1].name                   string ~^A Two <&>$
[2].name                   string ~^A Sport \S+$
--- xt_check
for my $it (@{ decode_strict($body) }) {
    is(0 + $it->{tv_archive_duration}, 0, "stream $it->{stream_id}: no archive, duration 0")
        unless $it->{tv_archive};
    is_deeply($it->{category_ids}, [0 + $it->{category_id}], "stream $it->{stream_id}: category_ids = [category_id]");
}



=== TEST 10: check 10 — category_id=N returns only items in N; absent, empty or 0 returns everything; stream ids are stable across calls
--- request eval
[map { "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=$_" }
     "get_live_streams&category_id=101", "get_live_streams&category_id=102", "get_live_streams&category_id=201",
     "get_live_streams&category_id=", "get_live_streams&category_id=0", "get_live_streams",
     "get_vod_streams&category_id=111", "get_vod_streams&category_id=0", "get_series&category_id=121",
     "get_series&category_id=221"]
--- xt_check
my @want = ([1, 2], [3, 4, 5], [], [1 .. 5], [1 .. 5], [1 .. 5], [1, 3], [1, 2, 3], [1, 2], []);
my $d = decode_strict($body);
my $key = $req >= 8 ? 'series_id' : 'stream_id';
is_deeply([map { $_->{$key} } @$d], $want[$req], "ids of request $req");
is_deeply([map { $_->{num} } @$d], [1 .. @$d], "num restarts at 1");
my $again = jget("/player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_live_streams");
is_deeply([map { $_->{stream_id} } @$again], [1 .. 5], "stream ids stable on a later call");



=== TEST 11: check 11 — get_vod_streams items: non-empty container_extension, rating string, rating_5based number, and /movie/U/P/{stream_id}.{container_extension} plays
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret api-conformance-secret-0123456789;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_location /_xtvod/;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
--- config
    location = /player_api.php { xtream_api; }
    location /_xtvod/ { internal; alias $TEST_NGINX_XT_MEDIA/; }
    location / { xtream_delivery; }
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1&action=get_vod_streams
--- json_types
.                        array len=3
[*].num                  int seq=1,2,3
[*].stream_id            int seq=1,2,3
[*].stream_type          string =movie
[*].container_extension  string seq=mp4,mkv,avi
[*].rating               string seq=7.1,,10
[*].rating_5based        number
[*].added                digits
[*].category_id          digits
[*].category_ids[*]      int
[*].direct_source        string =
[*].name                 string seq=A Film One,A Doc "Two",A Film Three
--- xt_check
my $m = $ENV{TEST_NGINX_XT_MEDIA};
mkdir "$m/vod";
for my $it (@{ decode_strict($body) }) {
    ok(length $it->{container_extension}, "movie $it->{stream_id}: container_extension");
    ok($it->{rating_5based} >= 0 && $it->{rating_5based} <= 5, "movie $it->{stream_id}: rating_5based in 0..5");
    my $file = "$m/vod/a$it->{stream_id}.$it->{container_extension}";
    XtreamTest::spew_raw($file, "movie-$it->{stream_id}-" . ("x" x 1000));
    my ($st, $h, $b) = get("/movie/alice/a.lice-P\@ss_1/$it->{stream_id}.$it->{container_extension}",
                           "Range: bytes=0-" . (length("movie-$it->{stream_id}") - 1) . "\r\n");
    is($st, 206, "/movie/alice/.../$it->{stream_id}.$it->{container_extension} plays (206)");
    is($b, "movie-$it->{stream_id}", "and serves the movie's bytes") if $st == 206;
}
--- no_error_log
[alert]
[crit]



=== TEST 12: check 12 — get_series items: integer series_id, releaseDate key, backdrop_path always an array, category_id a digit string
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1&action=get_series
--- json_types
.                    array len=2
[*].num              int seq=1,2
[*].series_id        int seq=1,2
[*].name             string seq=A Show,A Empty Show
[*].releaseDate      string
[0].releaseDate      string =2021-05-01
[1].releaseDate      string ~^$
[*].backdrop_path    array
[*].backdrop_path[*] string
[*].category_id      digits =121
[*].last_modified    digits
[*].rating           string
[*].rating_5based    number
[*].cover            string
[*].plot             string
[*].cast             string
[*].director         string
[*].genre            string
[*].youtube_trailer  string
[*].episode_run_time string
[0].backdrop_path    array len=1
[1].backdrop_path    array len=0



=== TEST 13: check 13 — get_series_info: episodes always an object (season 0 kept, {} when empty), one season per episodes key with name/season_number/cover/cover_big, every episode id plays at /series/U/P/{id}.{ext}
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret api-conformance-secret-0123456789;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_root $TEST_NGINX_XT_MEDIA;
    xtream_vod_location /_xtvod/;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
--- config
    location = /player_api.php { xtream_api; }
    location /_xtvod/ { internal; alias $TEST_NGINX_XT_MEDIA/; }
    location / { xtream_delivery; }
--- request eval
["GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_series_info&series_id=1",
 "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_series_info&series_id=2"]
--- json_types
.                  object
seasons            array
info               object
episodes           object
info.name          string
info.backdrop_path array
--- xt_check
my $d = decode_strict($body);
if ($req == 1) {
    is_deeply($d->{episodes}, {}, 'no episodes: {}');
    is_deeply($d->{seasons}, [], 'no seasons');
    return;
}
is_deeply([sort keys %{ $d->{episodes} }], ['0', '1'], 'episodes keyed "0" and "1" (an object even with season 0)');
is_deeply([sort map { $_->{season_number} } @{ $d->{seasons} }], [0, 1], 'one season per episodes key');
for my $s (@{ $d->{seasons} }) {
    ok(exists $s->{$_}, "season $s->{season_number} has $_") for qw(name season_number cover cover_big);
    is(XtreamTest::json_type($s->{season_number}), 'number', 'season_number is a number');
}
my $m = $ENV{TEST_NGINX_XT_MEDIA};
my %path = (1001 => 's00e01.mp4', 1011 => 's01e01.mp4', 1012 => 's01e02.mkv');
File::Path::make_path("$m/vod/s1");
for my $season (sort keys %{ $d->{episodes} }) {
    for my $e (@{ $d->{episodes}{$season} }) {
        is(XtreamTest::json_type($e->{id}), 'string', "episode $e->{id}: id is a string");
        is($e->{season}, 0 + $season, "episode $e->{id}: season $season");
        ok(length $e->{container_extension}, "episode $e->{id}: container_extension");
        XtreamTest::spew_raw("$m/vod/s1/$path{$e->{id}}", "ep-$e->{id}-" . ("y" x 500));
        my ($st, $h, $b) = get("/series/alice/a.lice-P\@ss_1/$e->{id}.$e->{container_extension}",
                               "Range: bytes=0-6\r\n");
        is($st, 206, "/series/alice/.../$e->{id}.$e->{container_extension} plays (206)");
        is($b, "ep-$e->{id}", "and serves the episode's bytes") if $st == 206;
    }
}
--- no_error_log
[alert]
[crit]



=== TEST 14: check 14 — get_vod_info: unknown, unentitled or missing id gives {"info":[]}; a valid id gives info (tmdb_id, backdrop_path array) and movie_data (int stream_id, container_extension)
--- request eval
["GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_vod_info&vod_id=1",
 "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_vod_info&vod_id=999",
 "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_vod_info&vod_id=9",
 "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_vod_info"]
--- response_body eval
# the first body is checked by xt_check (a regex matching everything here)
[qr/\A/, '{"info":[]}', '{"info":[]}', '{"info":[]}']
--- xt_check
return unless $req == 0;
my $d = decode_strict($body);
is(ref $d->{info}, 'HASH', 'info is an object');
ok(exists $d->{info}{tmdb_id}, 'info.tmdb_id present');
is_deeply($d->{info}{backdrop_path}, ['http://img.test/m1-bg.jpg'], 'info.backdrop_path is an array');
is(XtreamTest::json_type($d->{movie_data}{stream_id}), 'number', 'movie_data.stream_id is a number');
is($d->{movie_data}{stream_id}, 1, 'movie_data.stream_id = 1');
is($d->{movie_data}{container_extension}, 'mp4', 'movie_data.container_extension');
is($d->{info}{name}, 'A Film One', 'info.name');



=== TEST 15: check 15 — get_short_epg: at most limit rows (4 by default) ending after now, base64 UTF-8 title/description, unix *_timestamp digit strings and start/end/stop strings in the server zone; no EPG gives []
--- request eval
[map { "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_short_epg&$_" }
     "stream_id=1", "stream_id=1&limit=2", "stream_id=1&limit=100", "stream_id=1&limit=0",
     "stream_id=4", "stream_id=3", "stream_id=2&limit=10"]
--- json_types
.                              object exact
epg_listings                   array
epg_listings[*]                object
epg_listings[*].id             digits
epg_listings[*].epg_id         digits
epg_listings[*].title          string
epg_listings[*].description    string
epg_listings[*].lang           string
epg_listings[*].channel_id     string
epg_listings[*].start          string ~^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$
epg_listings[*].end            string ~^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$
epg_listings[*].stop           string ~^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$
epg_listings[*].start_timestamp digits
epg_listings[*].stop_timestamp  digits
--- xt_check
my $rows = decode_strict($body)->{epg_listings};
my $now = time;
my @future = grep { $_->{stop} > $now && $_->{channel} eq 'a1.tv' } @main::PROGS;
my @want_n = (4, 2, scalar @future, 4, 0, 0, scalar(grep { $_->{stop} > $now && $_->{channel} eq 'a2.tv' } @main::PROGS));
is(scalar @$rows, $want_n[$req], "request $req: $want_n[$req] rows");
my $ch = $req == 6 ? 'a2' : 'a1';
my %by_start = map { $_->{start} => $_ } grep { $_->{channel} eq "$ch.tv" } @main::PROGS;
for my $r (@$rows) {
    my $p = $by_start{$r->{start_timestamp}};
    ok($p, "row $r->{start_timestamp} is a guide row") or next;
    ok($r->{stop_timestamp} > $now - 2, "row ends after now");
    is($r->{stop_timestamp}, $p->{stop}, 'stop_timestamp');
    is(eval { b64_utf8($r->{title}) } // "bad: $@", $p->{title}, 'title: base64 of the UTF-8 title');
    is(eval { b64_utf8($r->{description}) } // "bad: $@", $p->{description}, 'description: base64 of UTF-8');
    is($r->{start}, tz_fmt($r->{start_timestamp}, $main::TZ), "start in $main::TZ");
    is($r->{end}, tz_fmt($r->{stop_timestamp}, $main::TZ), "end in $main::TZ");
    is($r->{stop}, $r->{end}, 'stop = end');
    is($r->{channel_id}, "$ch.tv", 'channel_id');
}
if ($req == 0) {
    my $multi = jget("/player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_short_epg&stream_id=1,2,1");
    is(ref $multi->{epg_listings}, 'HASH', 'stream_id=1,2: epg_listings is an object');
    is_deeply([sort keys %{ $multi->{epg_listings} }], [1, 2], 'keyed by stream id, duplicates dropped');
    is_deeply($multi->{epg_listings}{1}, $rows, 'stream 1 rows equal the single-id answer');
    is(scalar @{ $multi->{epg_listings}{2} }, 4, 'stream 2: 4 rows');
    my $none = jget("/player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_short_epg&stream_id=4,3");
    is_deeply($none->{epg_listings}, { 4 => [], 3 => [] }, 'no EPG: empty array per stream');
}



=== TEST 16: check 16 — get_simple_data_table rows carry integer now_playing/has_archive; has_archive only where the archive holds the row (none here); get_simple_date_table answers the same
--- request eval
["GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_simple_data_table&stream_id=1",
 "GET /player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_simple_data_table&stream_id=2"]
--- json_types
epg_listings                   array
epg_listings[*].now_playing    int ~^[01]$
epg_listings[*].has_archive    int ~^[01]$
epg_listings[*].start_timestamp digits
epg_listings[*].stop_timestamp  digits
--- xt_check
my $rows = decode_strict($body)->{epg_listings};
my $ch = $req == 0 ? 'a1.tv' : 'a2.tv';
my @all = grep { $_->{channel} eq $ch } @main::PROGS;
is(scalar @$rows, scalar @all, "the whole stored schedule of $ch (past, incl. 3 days ago, and future)");
my $now = time;
for my $r (@$rows) {
    my $playing = $r->{start_timestamp} <= $now && $r->{stop_timestamp} > $now ? 1 : 0;
    next if abs($r->{stop_timestamp} - $now) < 2;    # a row ending this very second
    is($r->{now_playing}, $playing, "row $r->{start_timestamp}: now_playing $playing");
    # stream 1 has tv_archive (2 days), stream 2 none; nothing is archived on disk here, so no
    # row has an archive (the archive decides, see t/410-catchup-archive.t TEST 12)
    my $arch = 0;
    is($r->{has_archive}, $arch, "row $r->{start_timestamp}: has_archive $arch");
    is($r->{start}, tz_fmt($r->{start_timestamp}, $main::TZ), "start in $main::TZ");
}
is(scalar(grep { $_->{now_playing} } @$rows), 1, 'exactly one row is now playing');
my $sid = $req + 1;
my (undef, undef, $alias) = get("/player_api.php?username=alice&password=a.lice-P\@ss_1&action=get_simple_date_table&stream_id=$sid");
my $a = decode_strict($alias);
for (@{ $a->{epg_listings} }, @$rows) { delete $_->{now_playing} if abs($_->{stop_timestamp} - time) < 3 }
is_deeply($a, { epg_listings => $rows }, 'get_simple_date_table gives the same answer');



=== TEST 17: check 17 — get.php m3u_plus: #EXTM3U with url-tvg/x-tvg-url, #EXTINF:-1 tvg-id/tvg-name/tvg-logo/group-title + URL per entry, tvg-id = epg_channel_id, request host:port in URLs, output ts|mpegts|m3u8|hls, bad credentials no playlist
--- request eval
[map { "GET /get.php?username=alice&password=a.lice-P\@ss_1&$_" }
     "type=m3u_plus&output=ts", "type=m3u_plus&output=mpegts", "type=m3u_plus&output=m3u8",
     "type=m3u_plus&output=hls", "type=m3u_plus", "type=m3u&output=ts"]
--- more_headers
Host: localhost:25461
--- response_headers_like eval
[('Content-Type: ^audio/x-mpegurl
Content-Disposition: ^attachment; filename="tv_channels_alice(_plus)?\.m3u"$') x 6]
--- xt_check
my ($head, $ents, $errs) = parse_m3u($body);
my $base = 'http://localhost:25461';
like($head, qr{^#EXTM3U url-tvg="\Q$base\E/xmltv\.php\?username=alice&password=a\.lice-P\@ss_1" x-tvg-url="\Q$base\E/xmltv\.php\?username=alice&password=a\.lice-P\@ss_1"$}, '#EXTM3U first, with url-tvg and x-tvg-url');
is_deeply($errs, [], 'every #EXTINF:-1 is followed by its URL line, nothing else');
like($body, qr/\A[^\n]*\r\n/, 'CRLF line ends');
my $ext = ($req == 2 || $req == 3) ? 'm3u8' : 'ts';
my $live = api($AU, $AP, 'action=get_live_streams');
my $vod = api($AU, $AP, 'action=get_vod_streams');
my @eps;
for my $s (@{ api($AU, $AP, 'action=get_series') }) {
    my $i = api($AU, $AP, "action=get_series_info&series_id=$s->{series_id}");
    push @eps, map { @{ $i->{episodes}{$_} } } sort { $a <=> $b } keys %{ $i->{episodes} };
}
# live TS in XC's short form /U/P/ID (what Kodi derives catch-up from), HLS as /live/U/P/ID.m3u8
my @want = ((map { [$ext eq 'ts' ? "$base/alice/a.lice-P\@ss_1/$_->{stream_id}"
                                 : "$base/live/alice/a.lice-P\@ss_1/$_->{stream_id}.$ext", $_] } @$live),
            (map { ["$base/movie/alice/a.lice-P\@ss_1/$_->{stream_id}.$_->{container_extension}", $_] } @$vod),
            (map { ["$base/series/alice/a.lice-P\@ss_1/$_->{id}.$_->{container_extension}", $_] } @eps));
is_deeply([map { $_->[1] } @$ents], [map { $_->[0] } @want], "URLs: live (.$ext), movies (.ext), episodes (.ext), host:port of the request");
if ($req == 5) {
    like($_->[0], qr/^#EXTINF:-1,\S/, "m3u: plain #EXTINF:-1,Name") for @$ents;
    is($ents->[0][0], '#EXTINF:-1,A One', 'm3u: first entry name');
    return;
}
for my $i (0 .. $#$live) {
    my ($inf) = $ents->[$i][0];
    ok(defined attr($inf, $_), "live $live->[$i]{stream_id}: $_ present") for qw(tvg-id tvg-name tvg-logo group-title);
    is(attr($inf, 'tvg-id'), $live->[$i]{epg_channel_id} // '', "live $live->[$i]{stream_id}: tvg-id = epg_channel_id");
    like($inf, qr/,\Q@{[ Encode::encode('UTF-8', $live->[$i]{name}) ]}\E$/, 'display name after the comma');
}
like($ents->[0][0], qr/catchup="xc" catchup-days="2"/, 'archive channel: catch-up attributes');
if ($req == 0) {
    # every non-empty tvg-id has a <channel> in this line's xmltv.php
    my ($st, $h, $x) = get("/xmltv.php?username=alice&password=a.lice-P\@ss_1");
    my %chan = map { $_->getAttribute('id') => 1 } parse_xml($x)->findnodes('/tv/channel');
    for my $id (grep { length } map { attr($_->[0], 'tvg-id') // '' } @$ents) {
        ok($chan{$id}, "tvg-id \"$id\" has a <channel id> in xmltv.php");
    }
    for my $bad ("username=alice&password=wrong", "username=nobody&password=x", "username=alice", "") {
        my ($s, $hh, $b) = get("/get.php?$bad&type=m3u_plus&output=ts");
        ok(($s == 404 || $s == 401) && $b !~ /EXTM3U/, "bad credentials ($bad): $s, no playlist");
    }
}



=== TEST 18: check 18 — xmltv.php is well-formed XMLTV: channel ids = the line's epg_channel_id set, start/stop YYYYmmddHHMMSS +HHMM in the server zone, titles decoded and XML-escaped
--- request
GET /xmltv.php?username=alice&password=a.lice-P@ss_1
--- response_headers_like
Content-Type: ^application/xml; charset=utf-8
--- xt_check
my $doc = eval { parse_xml($body) };
ok($doc, 'well-formed XML (XML::LibXML)') or return diag($@);
is($doc->documentElement->nodeName, 'tv', 'root element <tv>');
is($doc->documentElement->getAttribute('generator-info-name'), 'xtream <conformance> & co', 'generator name escaped and round-trips');
my @ids = map { $_->getAttribute('id') } $doc->findnodes('/tv/channel');
my $live = api($AU, $AP, 'action=get_live_streams');
my %eid = map { $_->{epg_channel_id} => 1 } grep { defined $_->{epg_channel_id} && length $_->{epg_channel_id} } @$live;
is_deeply([sort @ids], [sort keys %eid], '<channel id> set = epg_channel_id set, each once');
is($doc->findvalue('/tv/channel[@id="a2.tv"]/display-name'), 'A Two <&>', 'display-name escaped text');
my @pr = $doc->findnodes('/tv/programme');
ok(@pr > 0, 'programmes present');
my %prog = map { ("$_->{channel} $_->{start}" => $_) } @main::PROGS;
for my $p (@pr) {
    my ($s, $e, $c) = map { $p->getAttribute($_) } qw(start stop channel);
    like($s, qr/^\d{14} [+-]\d{4}$/, "start '$s' is YYYYmmddHHMMSS +HHMM");
    like($e, qr/^\d{14} [+-]\d{4}$/, "stop '$e' is YYYYmmddHHMMSS +HHMM");
    ok($eid{$c}, "programme channel $c is the line's");
    my ($match) = grep { tz_fmt($_->{start}, $main::TZ, '%Y%m%d%H%M%S %z') eq $s } grep { $_->{channel} eq $c } @main::PROGS;
    ok($match, "start $s is a guide start rendered in $main::TZ") or next;
    is($e, tz_fmt($match->{stop}, $main::TZ, '%Y%m%d%H%M%S %z'), 'stop in the same zone');
    is($p->findvalue('title'), $match->{title}, 'title is plain decoded text (escapes round-trip)');
    is($p->findvalue('desc'), $match->{description}, 'desc is plain decoded text') if length $match->{description};
}
unlike($body, qr/<title[^>]*>[A-Za-z0-9+\/]+=*<\/title>/, 'titles are not base64');
like($body, qr/&lt;&amp;&gt;/, 'markup characters are escaped');



=== TEST 19: check 22 — one timezone: time_now, the EPG start/end strings and XMLTV offsets all use xtream_timezone (America/New_York)
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1
--- xt_check
my $si = decode_strict($body)->{server_info};
is($si->{timezone}, 'America/New_York', 'server_info.timezone');
is($si->{time_now}, tz_fmt($si->{timestamp_now}, $si->{timezone}), 'time_now in that zone');
my $rows = api($AU, $AP, 'action=get_short_epg&stream_id=1&limit=2')->{epg_listings};
my $tab = api($AU, $AP, 'action=get_simple_data_table&stream_id=1')->{epg_listings};
for my $r (@$rows, @$tab) {
    is($r->{start}, tz_fmt($r->{start_timestamp}, $si->{timezone}), "EPG start $r->{start} in $si->{timezone}");
}
my (undef, undef, $x) = get("/xmltv.php?username=alice&password=a.lice-P\@ss_1");
my ($first) = $x =~ /<programme start="(\d{14} [+-]\d{4})"/;
my ($row) = grep { $_->{channel} eq 'a1.tv' } @main::PROGS;
is($first, tz_fmt($row->{start}, $si->{timezone}, '%Y%m%d%H%M%S %z'), 'XMLTV time and offset in the same zone');
# the zone's offset is not 0, so a UTC mix-up would show
isnt(tz_fmt($si->{timestamp_now}, $si->{timezone}, '%z'), '+0000', 'the test zone is not UTC');



=== TEST 20: entitlement — two lines on disjoint bouquets see exactly their own streams, movies, series, categories, EPG, M3U entries, XMLTV channels and panel_api channels
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
    location = /xmltv.php { xtream_api; }
    location = /panel_api.php { xtream_api; }
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1
--- xt_check
my %L = (alice => [$AU, $AP, { live => [1 .. 5], vod => [1, 2, 3], series => [1, 2], lc => [101, 102],
                               vc => [111, 112], sc => [121], epg => ['a1.tv', 'a2.tv', 'noguide.tv'],
                               eps => [1001, 1011, 1012] }],
         bob   => [$BU, $BP, { live => [7, 8], vod => [9], series => [9], lc => [201], vc => [211],
                               sc => [221], epg => ['b7.tv', 'b8.tv'], eps => [9021] }]);
for my $who (sort keys %L) {
    my ($u, $p, $w) = @{ $L{$who} };
    my ($other) = grep { $_ ne $who } keys %L;
    my $o = $L{$other}[2];
    same_set([map { $_->{stream_id} } @{ api($u, $p, 'action=get_live_streams') }], $w->{live}, "$who: live ids");
    same_set([map { $_->{stream_id} } @{ api($u, $p, 'action=get_vod_streams') }], $w->{vod}, "$who: movie ids");
    same_set([map { $_->{series_id} } @{ api($u, $p, 'action=get_series') }], $w->{series}, "$who: series ids");
    same_set([map { $_->{category_id} } @{ api($u, $p, 'action=get_live_categories') }], $w->{lc}, "$who: live categories");
    same_set([map { $_->{category_id} } @{ api($u, $p, 'action=get_vod_categories') }], $w->{vc}, "$who: vod categories");
    same_set([map { $_->{category_id} } @{ api($u, $p, 'action=get_series_categories') }], $w->{sc}, "$who: series categories");
    for my $c (@{ $o->{lc} }) {
        is_deeply(api($u, $p, "action=get_live_streams&category_id=$c"), [], "$who: other's live category $c is empty");
    }
    for my $id (@{ $o->{live} }) {
        is_deeply(api($u, $p, "action=get_short_epg&stream_id=$id")->{epg_listings}, [], "$who: no short EPG of stream $id");
        is_deeply(api($u, $p, "action=get_simple_data_table&stream_id=$id")->{epg_listings}, [], "$who: no EPG table of stream $id");
    }
    my $m = api($u, $p, 'action=get_short_epg&stream_id=' . join(',', @{ $o->{live} }))->{epg_listings};
    ok(!grep({ @$_ } values %$m), "$who: multi-id EPG of the other's streams is all empty");
    for my $id (@{ $o->{vod} }) {
        is_deeply(api($u, $p, "action=get_vod_info&vod_id=$id"), { info => [] }, "$who: get_vod_info $id not entitled");
    }
    for my $id (@{ $o->{series} }) {
        my $si = api($u, $p, "action=get_series_info&series_id=$id");
        ok(!defined $si->{info}{name} && !%{ $si->{episodes} }, "$who: get_series_info $id not entitled");
    }
    # M3U
    my ($st, $h, $m3u) = get("/get.php?username=$u&password=$p&type=m3u_plus&output=ts");
    my (undef, $ents) = parse_m3u($m3u);
    my (@l, @mv, @ep);
    for (@$ents) {
        push @l, $1 if $_->[1] =~ m{^http://[^/]+/[^/]+/[^/]+/(\d+)$};
        push @mv, $1 if $_->[1] =~ m{/movie/[^/]+/[^/]+/(\d+)\.\w+$};
        push @ep, $1 if $_->[1] =~ m{/series/[^/]+/[^/]+/(\d+)\.\w+$};
    }
    is(scalar @$ents, @l + @mv + @ep, "$who: every M3U URL is live, movie or series");
    same_set(\@l, $w->{live}, "$who: M3U live entries");
    same_set(\@mv, $w->{vod}, "$who: M3U movie entries");
    same_set(\@ep, $w->{eps}, "$who: M3U episode entries");
    # XMLTV
    ($st, $h, my $x) = get("/xmltv.php?username=$u&password=$p");
    my $doc = parse_xml($x);
    same_set([map { $_->getAttribute('id') } $doc->findnodes('/tv/channel')], $w->{epg}, "$who: XMLTV channels");
    my %pc = map { $_->getAttribute('channel') => 1 } $doc->findnodes('/tv/programme');
    ok(!grep({ my $c = $_; grep { $_ eq $c } @{ $o->{epg} } } keys %pc), "$who: no programme of the other's channels");
    # panel_api
    my $pa = jget("/panel_api.php?username=$u&password=$p");
    same_set([keys %{ $pa->{available_channels} }], $w->{live}, "$who: panel_api available_channels");
    same_set([map { $_->{category_id} } @{ $pa->{categories}{live} }], $w->{lc}, "$who: panel_api live categories");
    same_set([map { $_->{category_id} } @{ $pa->{categories}{movie} }], $w->{vc}, "$who: panel_api movie categories");
    same_set([map { $_->{category_id} } @{ $pa->{categories}{series} }], $w->{sc}, "$who: panel_api series categories");
}



=== TEST 21: panel_api.php (§7) — user_info without message, 4-key server_info, categories live/movie/series, available_channels keyed by stream id; bad credentials auth 0
--- config
    location = /panel_api.php { xtream_api; }
--- request eval
["GET /panel_api.php?username=alice&password=a.lice-P\@ss_1",
 "GET /panel_api.php?username=alice&password=nope"]
--- xt_check
my $d = decode_strict($body);
if ($req == 1) { is_deeply($d, { user_info => { auth => 0 } }, 'bad credentials: {"user_info":{"auth":0}}'); return }
is_deeply([sort keys %$d], [qw(available_channels categories server_info user_info)], 'four members');
ok(!exists $d->{user_info}{message}, 'user_info without message');
is($d->{user_info}{auth}, 1, 'auth 1');
is_deeply([sort keys %{ $d->{server_info} }], [qw(https_port port server_protocol url)], 'server_info: url, port, https_port, server_protocol');
is_deeply([sort keys %{ $d->{categories} }], [qw(live movie series)], 'categories live/movie/series');
for my $id (sort keys %{ $d->{available_channels} }) {
    my $c = $d->{available_channels}{$id};
    is($c->{stream_id}, 0 + $id, "channel $id keyed by its stream id");
    ok(exists $c->{$_}, "channel $id has $_") for qw(num name stream_type type_name stream_id stream_icon
        epg_channel_id added category_name category_id series_no live container_extension custom_sid
        tv_archive direct_source tv_archive_duration);
    is($c->{live}, '1', 'live "1"');
}
types_ok($d, 'panel_api');



=== TEST 22: check 25 — every JSON response parses strictly and each key keeps one JSON type throughout the response (no NaN/Infinity), for both lines and every action
--- config
    location = /player_api.php { xtream_api; }
    location = /panel_api.php { xtream_api; }
--- request
GET /player_api.php?username=alice&password=a.lice-P@ss_1
--- xt_check
my @acts = ('', qw(get_live_categories get_vod_categories get_series_categories get_live_streams
             get_vod_streams get_series get_series_info&series_id=1 get_series_info&series_id=2
             get_series_info&series_id=9 get_series_info&series_id=12345 get_vod_info&vod_id=1
             get_vod_info&vod_id=2 get_vod_info&vod_id=9 get_short_epg&stream_id=1 get_short_epg&stream_id=1,2,3,4,7
             get_short_epg&stream_id=1&limit=50 get_simple_data_table&stream_id=1 get_simple_data_table&stream_id=1,2
             get_simple_date_table&stream_id=2 get_profile));
for my $cred ([$AU, $AP], [$BU, $BP], ['old', 'old-pass']) {
    for my $a (@acts) {
        my ($st, $h, $b) = get("/player_api.php?username=$cred->[0]&password=$cred->[1]" . ($a ne '' ? "&action=$a" : ''));
        is($st, 200, "$cred->[0] $a: 200");
        like($h->{'content-type'} // '', qr{^application/json}, "$cred->[0] $a: application/json");
        my $d = eval { decode_strict($b) };
        ok(defined $d, "$cred->[0] $a: strict JSON") or next;
        unlike($b, qr/\b(NaN|Infinity)\b/, "$cred->[0] $a: no NaN/Infinity");
        types_ok($d, "$cred->[0] $a");
    }
    types_ok(jget("/panel_api.php?username=$cred->[0]&password=$cred->[1]"), "$cred->[0] panel_api");
}
# across a list: a key that is a string in one item is never a number in another
my $live = api($AU, $AP, 'action=get_live_streams');
my %t;
for my $it (@$live) { $t{$_}{ XtreamTest::json_type($it->{$_}) }++ for keys %$it }
delete $t{$_}{null} for keys %t;
ok(!grep({ keys %{ $t{$_} } > 1 } keys %t), 'get_live_streams: one type per key over all items');



=== TEST 23: check 26 — usernames/passwords of [A-Za-z0-9._@-] work in query parameters (GET and POST), in get.php/xmltv.php/panel_api.php, and appear unchanged in every URL form
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
    location = /xmltv.php { xtream_api; }
    location = /panel_api.php { xtream_api; }
--- request
GET /player_api.php?username=bob.b-2@x_y&password=b0b-pass
--- json_types eval
$main::LOGIN . "user_info.username string =bob.b-2\@x_y\nuser_info.password string =b0b-pass\n"
--- xt_check
for my $c ([$AU, $AP], [$BU, $BP]) {
    my ($u, $p) = @$c;
    my ($st, $h, $b) = http('POST', '/player_api.php', "username=$u&password=$p");
    like($b, qr/"auth":1/, "$u: POST form login");
    (my $ue = $u) =~ s/([@])/sprintf('%%%02X', ord $1)/ge;
    ($st, $h, $b) = get("/player_api.php?username=$ue&password=$p");
    like($b, qr/"auth":1/, "$u: percent-encoded \@ logs in too");
    ($st, $h, $b) = get("/get.php?username=$u&password=$p&type=m3u_plus&output=m3u8");
    is($st, 200, "$u: get.php");
    my (undef, $ents) = parse_m3u($b);
    ok(@$ents > 0, "$u: playlist has entries");
    like($_->[1], qr{/(live|movie|series)/\Q$u\E/\Q$p\E/\d+\.\w+$}, "$u: URL keeps credentials") for @$ents;
    ($st) = get("/xmltv.php?username=$u&password=$p");
    is($st, 200, "$u: xmltv.php");
    like((get("/panel_api.php?username=$u&password=$p"))[2], qr/"auth":1/, "$u: panel_api.php");
}
