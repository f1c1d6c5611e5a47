# The HDHomeRun tuner face (xtream_hdhr): real MariaDB + xtreamd + nginx.
# discover.json, lineup.json, lineup_status.json, device.xml, lineup.post
# per line under /hdhr/U/P/; a lineup URL plays (200 video/mp2t, the
# published segments' bytes); entitlement; wrong passwords answer 401 and
# count toward the player API's lock-out; a line bound to its own server
# answers at the root; odd paths, methods and sizes get 4xx, never 5xx.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use XtreamSup ();
use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
require './t/delivery-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();
master_on();
workers(1);

make_media();
publish(11, 0, 0, 1, 2);
XtreamTest::import_json({ lines => [{ username => 'hlsonly', password => 'hlsonly-pass', status => 'active',
                                      max_connections => 2, allowed_outputs => ['m3u8'], bouquets => [1] }] });

our $Port2 = XtreamSup::free_port();
$ENV{TEST_NGINX_HDHR_PORT2} = $Port2;

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_login_failures 3 60s 60s;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_ts_grace 1500ms;
    xtream_ts_poll 100ms;
    xtream_ondemand_wait 1s;
    xtream_ondemand_stale 0;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;

    # one line bound to its own server, as Plex wants a tuner at a root
    server {
        listen 127.0.0.1:$TEST_NGINX_HDHR_PORT2;
        location / { xtream_hdhr three three-pass; }
        location /live/ { xtream_delivery; }
    }
    server {
        listen 127.0.0.2:$TEST_NGINX_HDHR_PORT2;
        location / { xtream_hdhr three wrong-pass; }
    }
CONF

our $Config = <<'CONF';
    location = /player_api.php { xtream_api; }
    location /hdhr/ { xtream_hdhr; }
    location / { xtream_delivery; }
CONF

dv_blocks($HttpConfig, $Config);
XtreamTest::hooks();

# the address players are given (prove.sh sets the port before the blocks)
our $Base;
add_block_preprocessor(sub { $Base = "http://localhost:$ENV{TEST_NGINX_SERVER_PORT}" });

sub jget {
    my ($target, %o) = @_;
    my ($st, $h, $b) = req($target, %o);
    my $j = eval { JSON::PP->new->decode($b) };
    return ($st, $h, $j, $b);
}

# libhdhomerun's check nibble
sub id_valid {
    my @t = (0xA, 0x5, 0xF, 0x6, 0x7, 0xC, 0x1, 0xB, 0x9, 0x2, 0x8, 0xD, 0x4, 0x3, 0xE, 0x0);
    my @n = map { hex } split //, shift;
    return ($t[$n[0]] ^ $n[1] ^ $t[$n[2]] ^ $n[3] ^ $t[$n[4]] ^ $n[5] ^ $t[$n[6]] ^ $n[7]) == 0;
}

# a raw request to another listener (the bound server)
sub req_at {
    my ($addr, $target, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => $addr, Proto => 'tcp', Timeout => 3) or die "connect $addr: $!";
    my $m = $o{method} || 'GET';
    print $s "$m $target HTTP/1.1\r\nHost: $addr\r\nConnection: close\r\n\r\n";
    my $resp = read_all($s, $o{secs} // 5);
    close $s;
    return parse_resp($resp);
}

run_tests();

__DATA__

=== TEST 1: discover.json: every field, DeviceID stable and valid, TunerCount = max_connections
--- request
GET /hdhr/demo/demo-pass/discover.json
--- error_code: 200
--- response_headers
Content-Type: application/json
--- dv_check
my $d = JSON::PP->new->decode($body);
is($d->{FriendlyName}, 'xtream demo', 'FriendlyName');
like($d->{ModelNumber}, qr/^HDHR/, 'ModelNumber');
ok(length $d->{FirmwareName}, 'FirmwareName');
like($d->{DeviceID}, qr/^[0-9A-F]{8}$/, 'DeviceID: 8 hex digits');
ok(id_valid($d->{DeviceID}), 'DeviceID passes the check nibble');
unlike($d->{DeviceID}, qr/^1/, 'DeviceID outside the legacy 1xxxxxxx range');
like($d->{DeviceAuth}, qr/^[0-9a-f]{24}$/, 'DeviceAuth');
is($d->{BaseURL}, "$Base/hdhr/demo/demo-pass", 'BaseURL');
is($d->{LineupURL}, "$Base/hdhr/demo/demo-pass/lineup.json", 'LineupURL');
ok(JSON::PP::is_bool($d->{TunerCount}) == 0 && $body =~ /"TunerCount":8\}/, 'TunerCount: a number, 8 for an unlimited line');
my ($st, $h, $again) = jget('/hdhr/demo/demo-pass/discover.json');
is($again->{DeviceID}, $d->{DeviceID}, 'DeviceID stable between requests');
my (undef, undef, $one) = jget('/hdhr/one/one-pass/discover.json');
is($one->{TunerCount}, 1, 'line "one": TunerCount 1');
isnt($one->{DeviceID}, $d->{DeviceID}, 'another line, another DeviceID');
my (undef, undef, $three) = jget('/hdhr/three/three-pass/discover.json');
is($three->{TunerCount}, 3, 'line "three": TunerCount 3');
my ($st4, $h4, $b4) = req('/hdhr/demo/demo-pass/discover.json', method => 'HEAD');
is($st4, 200, 'HEAD: 200');
--- no_error_log
[alert]
[crit]



=== TEST 2: lineup.json: the line's channels in order, GuideNumber 1..n, URLs that play
--- request
GET /hdhr/demo/demo-pass/lineup.json
--- error_code: 200
--- response_headers
Content-Type: application/json
--- dv_check
my $l = JSON::PP->new->decode($body);
is(ref $l, 'ARRAY', 'an array');
is_deeply([map { $_->{GuideNumber} } @$l], ['1', '2', '3', '4'], 'GuideNumber: strings 1..4');
is_deeply([map { $_->{GuideName} } @$l], ['News One', 'News Offline', 'News Ladder', 'Always On'], 'GuideName: bouquet order');
is_deeply([map { $_->{URL} } @$l], [map { "$Base/live/demo/demo-pass/$_.ts" } 11, 12, 13, 14], 'URL: the gated TS URL');
ok(!grep({ $_->{URL} =~ m{/41\.ts$} } @$l), 'Premium (another bouquet) absent');
(my $path = $l->[0]{URL}) =~ s{^\Q$Base\E}{};
my ($st, $h, $b) = req($path, secs => 6);
is($st, 200, 'the lineup URL answers 200');
is($h->{'content-type'}, 'video/mp2t', 'video/mp2t');
my $want = join '', map { slurp_b("$Media/11/0/$_.ts") } 2;
ok(length($b) >= length($want) && substr($b, 0, 1) eq 'G', 'MPEG-TS bytes (' . length($b) . ')');
my (undef, undef, $p) = jget('/hdhr/three/three-pass/lineup.json');
is(scalar @$p, 4, 'another line: its own URLs') and like($p->[0]{URL}, qr{/live/three/three-pass/11\.ts$}, 'its credentials');
--- no_error_log
[alert]
[crit]



=== TEST 3: lineup_status.json, device.xml, lineup.post
--- request
GET /hdhr/demo/demo-pass/lineup_status.json
--- error_code: 200
--- dv_check
my $s = JSON::PP->new->decode($body);
is($s->{ScanInProgress}, 0, 'ScanInProgress 0');
is($s->{ScanPossible}, 1, 'ScanPossible 1');
is($s->{Source}, 'Cable', 'Source Cable');
is_deeply($s->{SourceList}, ['Cable'], 'SourceList');
my ($st, $h, $x) = req('/hdhr/demo/demo-pass/device.xml');
is($st, 200, 'device.xml 200');
like($h->{'content-type'}, qr{xml}, 'an XML type');
my (undef, undef, $d) = jget('/hdhr/demo/demo-pass/discover.json');
like($x, qr{<URLBase>\Q$Base\E/hdhr/demo/demo-pass</URLBase>}, 'URLBase');
like($x, qr{<deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>}, 'deviceType');
like($x, qr{<UDN>uuid:$d->{DeviceID}-}, 'UDN carries the DeviceID');
like($x, qr{<friendlyName>xtream demo</friendlyName>}, 'friendlyName');
my ($rc, $out) = XtreamTest::run_cmd('sh', '-c', "printf '%s' \"\$1\" | xmllint --noout - && echo WELLFORMED", 'sh', $x);
like($out, qr/WELLFORMED/, 'well-formed XML (xmllint)') if -x '/usr/bin/xmllint';
is((req('/hdhr/demo/demo-pass/lineup.post?scan=start&source=Cable', method => 'POST'))[0], 200, 'POST lineup.post: 200');
is((req('/hdhr/demo/demo-pass/lineup.post?scan=abort'))[0], 200, 'GET lineup.post: 200');
--- no_error_log
[alert]
[crit]



=== TEST 4: lines that are not active: 403; bad paths, methods, sizes: 4xx, never 5xx
--- request
GET /hdhr/banned/ban-pass/discover.json
--- error_code: 403
--- dv_check
is((req('/hdhr/expired/exp-pass/lineup.json'))[0], 403, 'expired: 403');
my ($sth, $hh, $bh) = req('/hdhr/hlsonly/hlsonly-pass/lineup.json');
is($sth, 403, 'a line without the ts output: lineup.json 403');
like($bh, qr/MPEG-TS is not allowed/, 'saying why');
is((req('/hdhr/hlsonly/hlsonly-pass/discover.json'))[0], 200, 'its discover.json still answers');
my @bad = (
    ['/hdhr/demo/demo-pass/unknown.json', 404],
    ['/hdhr/demo/demo-pass/', 404],
    ['/hdhr/discover.json', 404],
    ['/hdhr/demo/discover.json', 401],
    ['/hdhr/' . ('u' x 65) . '/demo-pass/discover.json', 404],
    ['/hdhr/demo/' . ('p' x 65) . '/discover.json', 404],
    ['/hdhr/demo/demo-pass/discover.json/', 404],
    ['/hdhr/demo/demo-pass/' . ('x' x 3000) . '/discover.json', 404],
    ['/hdhr/' . ('a/' x 600) . 'discover.json', 404],
    ['/hdhr/de%00mo/demo-pass/discover.json', '4xx'],
    ['/hdhr/demo/demo%20pass/discover.json', 401],
    ['/hdhr/demo/demo-pass/..%2F..%2Fdiscover.json', '4xx'],
    ['/hdhr/demo/demo-pass/lineup.json?x=' . ('y' x 4000), 200],
);
for my $c (@bad) {
    my ($st) = req($c->[0]);
    if ($c->[1] eq '4xx') { like($st, qr/^4\d\d$/, substr($c->[0], 0, 60) . ": 4xx ($st)") }
    else { is($st, $c->[1], substr($c->[0], 0, 60) . ": $c->[1]") }
}
is((req('/hdhr/demo/demo-pass/discover.json', method => 'POST'))[0], 405, 'POST discover.json: 405');
is((req('/hdhr/demo/demo-pass/discover.json', method => 'PUT'))[0], 405, 'PUT: 405');
is((req('/hdhr/demo/demo-pass/discover.json', method => 'DELETE'))[0], 405, 'DELETE: 405');
--- no_error_log
[alert]
[crit]



=== TEST 5: a line bound to its own server answers at the root; a bad binding is 503, not a lock-out
--- request
GET /hdhr/demo/demo-pass/discover.json
--- error_code: 200
--- dv_check
my $a = "127.0.0.1:$ENV{TEST_NGINX_HDHR_PORT2}";
my ($st, $h, $b) = req_at($a, '/discover.json');
is($st, 200, 'bound: /discover.json 200');
my $d = JSON::PP->new->decode($b);
is($d->{BaseURL}, "http://$a", 'bound: BaseURL is the server root');
is($d->{LineupURL}, "http://$a/lineup.json", 'bound: LineupURL at the root');
is($d->{TunerCount}, 3, 'bound: the line\'s max_connections');
is($d->{FriendlyName}, 'xtream three', 'bound: the line\'s name');
my ($st2, $h2, $b2) = req_at($a, '/lineup.json');
my $l = JSON::PP->new->decode($b2);
is(scalar @$l, 4, 'bound: lineup of 4');
is($l->[0]{URL}, "http://$a/live/three/three-pass/11.ts", 'bound: stream URL');
my ($st3, $h3, $b3) = req_at($a, '/live/three/three-pass/11.ts', secs => 6);
is($st3, 200, 'bound: the stream plays (200)');
is($h3->{'content-type'}, 'video/mp2t', 'bound: video/mp2t');
is((req_at($a, '/lineup_status.json'))[0], 200, 'bound: lineup_status.json');
is((req_at($a, '/device.xml'))[0], 200, 'bound: device.xml');
is((req_at($a, '/lineup.post?scan=start', method => 'POST'))[0], 200, 'bound: lineup.post');
is((req_at($a, '/other.json'))[0], 404, 'bound: unknown document 404');
my $w = "127.0.0.2:$ENV{TEST_NGINX_HDHR_PORT2}";
for (1 .. 4) { is((req_at($w, '/discover.json'))[0], 503, "a binding with a wrong password: 503 ($_)") }
is((req('/hdhr/demo/demo-pass/discover.json'))[0], 200, 'not counted as failed logins of the client');
--- no_error_log
[alert]
[crit]



=== TEST 6: a wrong password: 401, counted with player_api's failures, then locked out (429)
--- request
GET /hdhr/demo/wrong/discover.json
--- error_code: 401
--- dv_check
is((req('/hdhr/nobody/x/lineup.json'))[0], 401, 'unknown user: 401 (failure 2)');
is((req('/hdhr/demo/demo-pass/discover.json'))[0], 200, 'a good login takes back only demo\'s own failure (1 left)');
is((req('/hdhr/demo/wrong/lineup.json'))[0], 401, 'failure 2');
is((req('/player_api.php?username=demo&password=wrong'))[0], 200, 'player_api failure 3 (its own answer)');
is((req('/hdhr/demo/demo-pass/discover.json'))[0], 429, 'locked out: even the right password gets 429');
is((req('/hdhr/demo/wrong/device.xml'))[0], 429, 'and a wrong one');
is((req('/player_api.php?username=demo&password=demo-pass'))[0], 429, 'the player API shares the lock-out');
--- error_log
authentication failed for "demo"
--- no_error_log
[alert]
[crit]
