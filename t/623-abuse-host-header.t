# Abuse, output escaping (issue 18, finding 9): the Host name goes into
# every URL of an M3U answer (url-tvg, stream URLs) and into player_api's
# server_info.  nginx refuses a Host with "/", spaces or control bytes
# itself; one with quotes, "=", "<" or "'" reached the module and broke the
# M3U attributes.  Now such a Host is refused with 400 "invalid Host
# header" on every API endpoint; DNS names and address literals work.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use XtreamSup;
use XtreamNginx;
use Test::More;
require './t/delivery-helpers.pl';
our ($Secret);

my $ng = XtreamNginx->start(http => <<"HTTP", server => <<'SERVER');
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_timezone $XtreamTest::Tz;
    xtream_zone xtream 1m;
    xtream_secret $Secret;
    xtream_media_root $XtreamTest::Tmp/media;
HTTP
        location = /player_api.php { xtream_api; }
        location = /get.php { xtream_api; }
        location = /xmltv.php { xtream_api; }
        location = /panel_api.php { xtream_api; }
        location / { xtream_delivery; }
SERVER
my $Q = 'username=demo&password=demo-pass';
XtreamSup::wait_for(20, sub { ($ng->get("/player_api.php?$Q"))[2] =~ /"auth":1/ })
    or BAIL_OUT('the fixture lines never logged in');

# what reaches the module (nginx passes these), and must not reach output
for my $host ('h.example"tvg-logo="x', "h.example'x", 'h.example<x>', 'h=x', 'h.example&x', '[::1"]') {
    for my $ep ("/get.php?$Q&type=m3u_plus", "/player_api.php?$Q", "/panel_api.php?$Q") {
        my ($st, $h, $body) = $ng->get($ep, host => $host);
        ok($st == 400 && $body =~ /invalid Host header/, "Host $host on $ep: 400 invalid Host header ($st)");
        unlike($body, qr/tvg-logo="x|h\.example["'<&]/, "Host $host on $ep: not echoed");
    }
}

# what nginx itself refuses before the module
for my $host ("h.example x", "h/x") {
    my ($st) = $ng->get("/get.php?$Q", host => $host);
    is($st, 400, "Host '$host': 400 from nginx");
}

# names and literals players use
my ($st, $h, $m3u) = $ng->get("/get.php?$Q&type=m3u_plus", host => 'tv.example.com:8080');
is($st, 200, 'a DNS name with a port: 200');
like($m3u, qr{^#EXTM3U url-tvg="http://tv\.example\.com:8080/xmltv\.php\?}, 'url-tvg uses it');
like($m3u, qr{^http://tv\.example\.com:8080/(live/)?demo/demo-pass/11(\.ts)?\r?$}m, 'stream URLs use it');
($st, $h, $m3u) = $ng->get("/get.php?$Q&type=m3u_plus", host => '[::1]:8080');
is($st, 200, 'an IPv6 literal: 200');
like($m3u, qr{url-tvg="http://\[::1\]:8080/xmltv\.php}, 'url-tvg uses it');
($st, $h, my $api) = $ng->get("/player_api.php?$Q", host => 'my_box-1.lan');
like($api, qr/"url":"my_box-1\.lan"/, 'server_info.url: the name as given');

is_deeply([$ng->alerts], [], 'no alerts in the nginx error log');
done_testing();
