# What playlist readers and Enigma2 receivers get (issue 17): get.php's
# tvg-chno (the line's get_live_streams num), radio channels (a category
# of type radio: stream_type radio_streams, radio="true"), the key= filter,
# the Enigma2 userbouquet (dreambox, enigma, enigma16) and install scripts
# (enigma22_script, enigma216_script), and /enigma2.php's XML browse API;
# bad input gets a clear 4xx, never a 5xx.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
require './t/api-helpers.pl';

our $NOW = time;
XtreamTest::import_json({
    categories => [{ id => 5, type => 'radio', name => 'Radio', parent_id => 0, sort_order => 5 }],
    streams => [{ id => 22, name => 'Radio One', category_id => 5, epg_channel_id => 'radio1.uk',
                  sort_order => 7, sources => ['file:///nonexistent/r1.ts'], transcode_profile_id => 1,
                  servers => [1] }],
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [11, 22, 12, 21, 31],
                   movies => [501, 502], series => [601] }],
    epg => { channels => [{ id => 'news1.uk', display_name => 'News One', icon => '' }],
             programmes => [
                 { channel => 'news1.uk', start => $NOW - 600, stop => $NOW + 600, title => 'Now & then',
                   description => 'On air' },
                 { channel => 'news1.uk', start => $NOW + 600, stop => $NOW + 1800, title => 'Next up',
                   description => '' }] },
});
{
    my $gen = XtreamTest::snap_generation('epg');
    XtreamTest::wait_generation_above('catalog', 0, 10);
    sleep 1;
}

our $Q = 'username=demo&password=demo-pass';
our $Base = 'http://localhost';    # + :port, filled in at run time

sub e2_url { my $s = shift; $s =~ s/%([0-9a-f]{2})/chr hex $1/ge; return $s }

sub e2_doc {
    my ($q) = @_;
    my ($st, $h, $b) = get("/enigma2.php?$Q" . ($q ? "&$q" : ''));
    die "enigma2.php $q: $st $b\n" unless $st == 200;
    my $doc = parse_xml($b);
    return [map { { title => b64_utf8($_->findvalue('title')),
                    desc => $_->findvalue('description') eq '' ? '' : b64_utf8($_->findvalue('description')),
                    cat => $_->findvalue('category_id'), image => $_->findvalue('desc_image'),
                    next => $_->findvalue('playlist_url'), url => $_->findvalue('stream_url') } }
            $doc->findnodes('/items/channel')], $doc;
}

XtreamTest::hooks();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: m3u_plus: tvg-chno = the line's get_live_streams num; the radio channel is radio="true" and stream_type radio_streams; its category is listed with the live ones
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
--- request
GET /get.php?username=demo&password=demo-pass&type=m3u_plus&output=ts
--- error_code: 200
--- xt_check
my ($head, $ents, $errs) = parse_m3u($body);
is_deeply($errs, [], 'well-formed playlist');
my $live = api('demo', 'demo-pass', 'action=get_live_streams');
my %num = map { $_->{stream_id} => $_->{num} } @$live;
my @l = grep { $_->[1] !~ m{/(movie|series)/} } @$ents;
is(scalar @l, 5, 'five live entries');
for my $e (@l) {
    my ($id) = $e->[1] =~ m{/(\d+)$};
    is(attr($e->[0], 'tvg-chno'), $num{$id}, "stream $id: tvg-chno $num{$id} = get_live_streams num");
    like($e->[0], qr/^#EXTINF:-1 tvg-chno="\d+" tvg-id="/, "stream $id: tvg-chno first, then the usual attributes");
    is(attr($e->[0], 'radio'), $id == 22 ? 'true' : undef, "stream $id: radio attribute " . ($id == 22 ? 'true' : 'absent'));
}
is_deeply([map { attr($_->[0], 'tvg-chno') } @l], [1 .. 5], 'numbered 1..5 in the line\'s order');
my %st = map { $_->{stream_id} => $_->{stream_type} } @$live;
is($st{22}, 'radio_streams', 'get_live_streams: the radio channel is radio_streams');
is($st{11}, 'live', 'get_live_streams: a TV channel stays live');
my $cats = api('demo', 'demo-pass', 'action=get_live_categories');
ok((grep { $_->{category_id} eq '5' && $_->{category_name} eq 'Radio' } @$cats), 'get_live_categories lists the radio category');
my $rc = api('demo', 'demo-pass', 'action=get_live_streams&category_id=5');
is_deeply([map { $_->{stream_id} } @$rc], [22], 'category_id=5: the radio channel');
my ($st2, $h2, $plain) = get("/get.php?$main::Q&type=m3u&output=ts");
unlike($plain, qr/tvg-chno|radio=/, 'plain m3u: no attributes');



=== TEST 2: key= keeps only the kinds asked for (live, movie, series, radio_streams, any list); an unknown kind is 400
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
--- request eval
[map { "GET /get.php?username=demo&password=demo-pass&type=m3u_plus&output=ts&$_" }
     "key=live", "key=radio_streams", "key=movie", "key=series", "key=live,movie", "key=series,radio_streams",
     "key=", "key=tv", "key=live,,movie", "key=live%00", "key=" . ("live," x 20) . "live"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 400, 400, 400, 400]
--- xt_check
my @want = ([11, 12, 21, 31], [22], ['m501', 'm502'], ['s6001', 's6011', 's6012'], [11, 12, 21, 31, 'm501', 'm502'],
            [22, 's6001', 's6011', 's6012'], [11, 22, 12, 21, 31, 'm501', 'm502', 's6001', 's6011', 's6012']);
if ($req >= 7) {
    unlike($body, qr/#EXTINF/, 'refused: no playlist');
    return;
}
my (undef, $ents) = parse_m3u($body);
my @got = map { $_->[1] =~ m{/movie/[^/]+/[^/]+/(\d+)\.} ? "m$1" : $_->[1] =~ m{/series/[^/]+/[^/]+/(\d+)\.} ? "s$1"
                : $_->[1] =~ m{/(\d+)$} ? $1 : "?$_->[1]" } @$ents;
is_deeply(\@got, $want[$req], "request $req: the kinds asked for, in order");
if ($req == 1) {
    is(attr($ents->[0][0], 'tvg-chno'), 2, 'a filtered channel keeps its number');
}



=== TEST 3: Enigma2 userbouquet (dreambox, enigma, enigma16): #NAME, then #SERVICE 4097:...:URL with ':' escaped and #DESCRIPTION per entry, no blank line
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
--- request eval
["GET /get.php?username=demo&password=demo-pass&type=dreambox&output=ts",
 "GET /get.php?username=demo&password=demo-pass&type=enigma",
 "GET /get.php?username=demo&password=demo-pass&type=enigma16&output=m3u8&key=live"]
--- error_code eval
[200, 200, 200]
--- response_headers_like eval
[('Content-Type: ^application/octet-stream
Content-Disposition: ^attachment; filename="userbouquet\.favourites\.tv"$') x 3]
--- xt_check
my $port = $ENV{TEST_NGINX_SERVER_PORT};
unlike($body, qr/\r\n\r\n|\n\n|^\s*$/m, 'no blank line anywhere (one ends a bouquet)');
my @lines = split /\r\n/, $body;
is($lines[0], '#NAME xtream-test', 'first line: #NAME server_name');
shift @lines;
ok(@lines % 2 == 0, 'then #SERVICE / #DESCRIPTION pairs');
my @ent;
while (@lines) {
    my ($s, $d) = splice @lines, 0, 2;
    like($s, qr{^#SERVICE 4097:0:1:0:0:0:0:0:0:0:http%3a//localhost%3a$port/[^:\s]+$}, "service line: $s");
    like($d, qr/^#DESCRIPTION \S/, "description line: $d");
    push @ent, [e2_url($s =~ s/^#SERVICE 4097:0:1:0:0:0:0:0:0:0://r), $d =~ s/^#DESCRIPTION //r];
}
my $ext = $req == 2 ? 'm3u8' : 'ts';
is($ent[0][0], "http://localhost:$port/live/demo/demo-pass/11.$ext", "first URL, unescaped: /live/U/P/ID.$ext");
is($ent[0][1], 'News One', 'its name');
if ($req == 2) {
    is(scalar @ent, 4, 'key=live: the four TV channels only');
    return;
}
is(scalar @ent, 10, 'every channel, movie and episode');
ok((grep { $_->[0] eq "http://localhost:$port/movie/demo/demo-pass/501.mp4" && $_->[1] eq 'Film One' } @ent), 'a movie');
ok((grep { $_->[0] eq "http://localhost:$port/series/demo/demo-pass/6011.mp4" && $_->[1] eq 'Show One S01E01' } @ent),
   'an episode, named "<series> SxxEyy"');



=== TEST 4: enigma22_script and enigma216_script: a shell script that downloads the line's bouquet (dreambox / enigma16) and links it
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
--- request eval
["GET /get.php?username=demo&password=demo-pass&type=enigma22_script&output=ts",
 "GET /get.php?username=demo&password=demo-pass&type=enigma216_script&output=m3u8"]
--- error_code eval
[200, 200]
--- response_headers_like eval
[('Content-Type: ^application/octet-stream
Content-Disposition: ^attachment; filename="iptv\.sh"$') x 2]
--- xt_check
my $f = "$XtreamTest::Tmp/iptv-$req.sh";
XtreamTest::spew_raw($f, $body);
my ($rc, $out) = XtreamTest::run_cmd('sh', '-n', $f);
is($rc, 0, 'sh -n: the script parses') or diag($out);
like($body, qr/\A#!\/bin\/sh\n/, 'a shell script');
like($body, qr/^bouquet='xtream_test'$/m, 'bouquet name from server_name, shell-safe');
my ($url) = $body =~ /^url="([^"]+)"$/m;
my $type = $req == 0 ? 'dreambox' : 'enigma16';
my $out_ = $req == 0 ? 'ts' : 'm3u8';
like($url, qr{^http://localhost:\d+/get\.php\?username=\$USERNAME&password=\$PASSWORD&type=$type&output=$out_$}, "downloads type=$type");
like($body, qr{^wget -q -O "\$file" "\$url" \|\| exit 1$}m, 'into /etc/enigma2/userbouquet.<name>__tv_.tv');
like($body, qr/FROM BOUQUET \\"userbouquet\.\$\{bouquet\}__tv_\.tv\\" ORDER BY bouquet/, 'links it from bouquets.tv');
like($body, qr/servicelistreload\?mode=2/, 'reloads the service list');
(my $u = $url) =~ s/\$USERNAME/demo/;
$u =~ s/\$PASSWORD/demo-pass/;
$u =~ s{^http://[^/]+}{};
my ($st, $h, $b) = get($u);
ok($st == 200 && $b =~ /\A#NAME xtream-test\r\n#SERVICE 4097:/, 'the URL it downloads is the bouquet');



=== TEST 5: /enigma2.php: root -> categories -> channels with base64 titles, now/next in the description and playable URLs; VOD; series -> seasons -> episodes
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
    location = /enigma2.php { xtream_api; }
--- request
GET /enigma2.php?username=demo&password=demo-pass
--- error_code: 200
--- response_headers_like
Content-Type: ^application/xml; charset=utf-8
--- xt_check
my $port = $ENV{TEST_NGINX_SERVER_PORT};
my ($root, $doc) = e2_doc('');
is($doc->findvalue('/items/playlist_name'), 'xtream-test', 'playlist_name');
is_deeply([map { $_->{title} } @$root], ['Live Streams', 'VOD', 'TV Series'], 'root: three links (base64 titles)');
like($root->[0]{next}, qr{^http://localhost:$port/enigma2\.php\?username=demo&password=demo-pass&type=get_live_categories$}, 'root links the live categories');
my ($lc) = e2_doc('type=get_live_categories');
is_deeply([map { $_->{title} } @$lc], ['All', 'News', 'Sports', 'Kids', 'Radio'], 'live categories: All, then the line\'s (radio too)');
like($lc->[1]{next}, qr/type=get_live_streams&cat_id=1$/, 'News links its channels');
my ($ls) = e2_doc('type=get_live_streams&cat_id=1');
is_deeply([map { $_->{title} } @$ls], ['News One', 'News Two'], 'cat_id=1: its channels');
is($ls->[0]{url}, "http://localhost:$port/live/demo/demo-pass/11.ts", 'stream_url /live/U/P/ID.ts');
like($ls->[0]{desc}, qr/^\[\d\d:\d\d\] Now & then \(On air\)\n\[\d\d:\d\d\] Next up \(\)$/, 'description: now and next from the guide');
my ($all) = e2_doc('type=get_live_streams&cat_id=0');
is(scalar @$all, 5, 'cat_id=0: all five');
my ($vc) = e2_doc('type=get_vod_categories');
is_deeply([map { $_->{title} } @$vc], ['All', 'Films'], 'VOD categories');
my ($vs) = e2_doc('type=get_vod_streams&cat_id=51');
is_deeply([map { $_->{title} } @$vs], ['Film One', "Film \"Two\" \x{e9}t\x{e9}"], 'movies, UTF-8 through base64');
is($vs->[0]{url}, "http://localhost:$port/movie/demo/demo-pass/501.mp4", 'movie URL');
is($vs->[0]{image}, 'http://img.test/501.jpg', 'poster');
my ($sc) = e2_doc('type=get_series_categories');
is_deeply([map { $_->{title} } @$sc], ['All', 'Shows'], 'series categories');
my ($sr) = e2_doc('type=get_series&scat_id=61');
is_deeply([map { $_->{title} } @$sr], ['Show One'], 'series (scat_id)');
like($sr->[0]{next}, qr/type=get_seasons&series_id=601$/, 'links its seasons');
my ($se) = e2_doc('type=get_seasons&series_id=601');
is_deeply([map { $_->{title} } @$se], ['Season 0', 'Season 1'], 'its seasons, sorted');
my ($ep) = e2_doc('type=get_series_streams&series_id=601&season=1');
is_deeply([map { [$_->{title}, $_->{url}] } @$ep],
          [['Episode 01', "http://localhost:$port/series/demo/demo-pass/6011.mp4"],
           ['Episode 02', "http://localhost:$port/series/demo/demo-pass/6012.mkv"]], 'season 1: its episodes');
my ($st, $h, $b) = get("/enigma2?$main::Q");
is($st, 404, '/enigma2 (no .php) is routed only where the operator maps it');



=== TEST 6: bad input: unknown type, missing or bad parameters, bad credentials, another line's series: 4xx with a reason, never 5xx
--- config
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
    location = /enigma2.php { xtream_api; }
--- request eval
[map { "GET /enigma2.php?$_" }
     "username=demo&password=demo-pass&type=get_everything",
     "username=demo&password=demo-pass&type=get_seasons",
     "username=demo&password=demo-pass&type=get_series_streams&series_id=601",
     "username=demo&password=demo-pass&type=get_seasons&series_id=999",
     "username=demo&password=demo-pass&type=get_seasons&series_id=602",    # not in demo's bouquets
     "username=demo&password=demo-pass&type=get_live_streams&cat_id=abc",
     "username=demo&password=demo-pass&type=get_series_streams&series_id=601&season=-1",
     "username=demo&password=demo-pass&type=get_live_streams&cat_id=99999999999",
     "username=demo&password=wrong",
     "password=demo-pass",
     "username=expired&password=exp-pass",
     "username=prem&password=prem-pass&type=get_seasons&series_id=601",
     "username=demo&password=demo-pass&type=" . ("x" x 300),
     "username=demo&password=demo-pass&type=get_live_streams&cat_id=77"]
--- error_code eval
[400, 400, 400, 404, 404, 400, 400, 400, 401, 401, 401, 404, 400, 200]
--- xt_check
if ($req == 13) {
    ok(!parse_xml($body)->findnodes('/items/channel')->size, 'an unknown category: no channels');
} elsif ($req >= 8 && $req <= 10) {
    is($body, '', 'credentials refused: empty body');
} else {
    like($body, qr/\S/, 'a reason is given');
}
