# The event datagram contract end to end, for what fuzz/event.c found: a
# viewer whose User-Agent holds the text "\u0000" (or quotes, backslashes,
# control and non-ASCII bytes) is still recorded.  The module escapes the
# backslash and xtreamd used to take the text for an escaped NUL and drop
# the whole datagram (the viewer's open and close lost).  Real nginx with
# the module, real xtreamd sink, real MariaDB.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();

make_media();
master(11, 1);
publish(11, 0, 0, 1, 2);

our $Base = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_ts_poll 100ms;
    xtream_ondemand_stale 0;    # fixture media is published once
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
CONF

our $Config = <<'CONF';
    location / { xtream_delivery; }
CONF

dv_blocks($Base, $Config);
XtreamTest::hooks();

# the activity rows of a user agent, once xtreamd has written them
sub rows_of {
    my ($ua, $want) = @_;
    (my $q = $ua) =~ s/([\\'])/\\$1/g;
    my $sql = "SELECT kind, ip, ended IS NOT NULL FROM activity WHERE user_agent = '$q'";
    my $rows = '';
    XtreamSup::wait_for(10, sub { ($rows = XtreamTest::sql($sql)) eq $want });
    return $rows;
}

run_tests();

__DATA__

=== TEST 1: a user agent saying "\u0000" as text is recorded (open and close)
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my $ua = 'Fuzz\u0000Player/1';      # the six characters, not a NUL
my ($st) = req("/live/demo/demo-pass/11.ts", secs => 1, ua => $ua);
is($st, 200, "stream");
is(rows_of($ua, "live\t127.0.0.1\t1\n"), "live\t127.0.0.1\t1\n",
   "activity row with the user agent as sent, ended");
--- no_error_log
[alert]
[crit]



=== TEST 2: quotes, backslashes and bytes the module turns into '?' do not lose the viewer
--- request
GET /live/demo/demo-pass/11.m3u8
--- dv_check
my $ua = "A \"q\" \\\\ \\u00\x01\xc3\xa9/2";
my ($st) = req("/live/demo/demo-pass/11.ts", secs => 1, ua => $ua);
is($st, 200, "stream");
(my $stored = $ua) =~ s/[^\x20-\x7e]/?/g;   # printable ASCII only (xt_event.h)
is(rows_of($stored, "live\t127.0.0.1\t1\n"), "live\t127.0.0.1\t1\n",
   "activity row with the reduced user agent, ended");
--- no_error_log
[alert]
[crit]
