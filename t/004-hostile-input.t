# Hostile input: over-long and malformed arguments get a clear 4xx (or a
# failed login), never a crash, a 5xx, or an [alert]/[crit] in the log.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::Nginx::Socket 'no_plan';

XtreamTest::hooks();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: an over-long username (65 and 4000 bytes) is refused without logging in
--- request eval
["GET /player_api.php?username=" . ("a" x 65) . "&password=demo-pass",
 "GET /player_api.php?username=" . ("a" x 4000) . "&password=demo-pass"]
--- error_code_like eval
[qr/^(200|4\d\d)$/, qr/^(200|4\d\d)$/]
--- response_body_unlike eval
[(qr/"auth":1/) x 2]
--- no_error_log
[alert]
[crit]
[emerg]



=== TEST 2: an over-long password is refused without logging in
--- request eval
"GET /player_api.php?username=demo&password=demo-pass" . ("x" x 300)
--- error_code_like: ^(200|4\d\d)$
--- response_body_unlike eval
qr/"auth":1/
--- no_error_log
[alert]
[crit]



=== TEST 3: %00 in username or password is a 400
--- request eval
["GET /player_api.php?username=demo%00&password=demo-pass",
 "GET /player_api.php?username=demo&password=demo-pass%00",
 "GET /player_api.php?username=%00&password=%00"]
--- error_code eval
[400, 400, 400]
--- response_body_unlike eval
[(qr/"auth":1/) x 3]
--- no_error_log
[alert]
[crit]



=== TEST 4: bad percent-encoding is a 400
--- request eval
["GET /player_api.php?username=demo%zz&password=demo-pass",
 "GET /player_api.php?username=demo&password=demo-pass%4",
 "GET /player_api.php?username=demo%&password=demo-pass"]
--- error_code eval
[400, 400, 400]
--- no_error_log
[alert]
[crit]



=== TEST 5: a percent-encoded valid password still logs in (decoding is right, not just strict)
--- request
GET /player_api.php?username=%64emo&password=demo%2Dpass
--- response_body_like: "auth":1
--- json_types eval
$XtreamTest::LOGIN . "user_info.username string =demo\n"



=== TEST 6: non-numeric, negative, huge or fractional category_id is a 400
--- request eval
[map { "GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=$_" }
     qw(abc -1 1.5 99999999999999999999 1x 0x10)]
--- error_code eval
[400, 400, 400, 400, 400, 400]
--- response_body_unlike eval
[(qr/stream_id/) x 6]
--- no_error_log
[alert]
[crit]



=== TEST 7: an over-long action is not a crash (login object or 4xx)
--- request eval
"GET /player_api.php?username=demo&password=demo-pass&action=" . ("get_live_streams" x 100)
--- error_code_like: ^(200|4\d\d)$
--- response_body_unlike eval
qr/stream_id/
--- no_error_log
[alert]
[crit]



=== TEST 8: a POST body of garbage bytes does not log in and does not crash
--- raw_request eval
my $b = CORE::join '', map { chr($_ % 256) } 0 .. 2047;
"POST /player_api.php HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
. "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " . length($b) . "\r\n\r\n$b"
--- error_code_like: ^(200|4\d\d)$
--- response_body_unlike eval
qr/"auth":1/
--- no_error_log
[alert]
[crit]



=== TEST 9: many repeated arguments are handled (no crash, no 5xx)
--- request eval
"GET /player_api.php?" . CORE::join('&', map { "username=demo&password=demo-pass" } 1 .. 200)
--- error_code_like: ^(200|4\d\d)$
--- no_error_log
[alert]
[crit]
