# The test harness itself, against plain nginx (no xtream module): status,
# headers, bodies, error_log, more_headers, eval lists, user_files, abort.
use strict;
use warnings;
BEGIN { $ENV{TEST_NGINX_LOAD_MODULES} = '' }   # plain nginx only
use Test::Nginx::Socket 'no_plan';

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: return 200 gives status, body and an add_header header
--- config
    location = /t {
        add_header X-Hello world;
        return 200 "hello\n";
    }
--- request
GET /t
--- response_headers
X-Hello: world
!X-Absent
--- response_body
hello
--- no_error_log
[error]
[alert]



=== TEST 2: error_code other than 200 and body_like
--- config
    location = /t { return 403 "forbidden: nope"; }
--- request
GET /t
--- error_code: 403
--- response_body_like: ^forbidden: \w+$



=== TEST 3: body_unlike (test-nginx checks only one of response_body, _like, _unlike)
--- config
    location = /t { return 403 "forbidden: nope"; }
--- request
GET /t
--- error_code: 403
--- response_body_unlike: allowed



=== TEST 4: more_headers reach nginx ($http_x_foo)
--- config
    location = /t { return 200 "foo=$http_x_foo bar=$http_x_bar"; }
--- request
GET /t
--- more_headers
X-Foo: one
X-Bar: two
--- response_body chomp
foo=one bar=two



=== TEST 5: error_log finds a line written for this request (return 404 of a missing file)
--- config
    location /files/ { root $TEST_NGINX_SERVER_ROOT/html; }
--- request
GET /files/missing.txt
--- error_code: 404
--- error_log
open() "
missing.txt" failed
--- no_error_log
[alert]



=== TEST 6: request eval list with per-request error_code and response_body
--- config
    location = /a { return 200 "A"; }
    location = /b { return 201 "B"; }
--- request eval
["GET /a", "GET /b"]
--- error_code eval
[200, 201]
--- response_body eval
["A", "B"]



=== TEST 7: user_files are served from html/, in subdirectories too
--- config
    # (a block without --- config reuses the previous block's nginx as it is:
    # no new config, no user_files; the default "location /" serves html/)
--- user_files
>>> sub/dir/f.txt
file content
--- request
GET /sub/dir/f.txt
--- response_body
file content



=== TEST 8: POST body is sent with Content-Length
--- config
    location = /t {
        client_body_buffer_size 64k;
        return 200 "len=$content_length";
    }
--- request
POST /t
a=1&b=2
--- response_body chomp
len=7



=== TEST 9: raw_request sends exact bytes (HTTP/1.0)
--- config
    location = /t { return 200 "proto=$server_protocol"; }
--- raw_request eval
"GET /t HTTP/1.0\r\nHost: x\r\n\r\n"
--- response_body chomp
proto=HTTP/1.0



=== TEST 10: abort: an endless response is cut at the timeout and is no failure
--- config
    location = /t {
        limit_rate_after 400;
        limit_rate 1;
        return 200 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789";
    }
--- request
GET /t
--- timeout: 300ms
--- abort
--- response_body_like: ^0123(?!.*6789$)



=== TEST 11: eval regexes in error_log and no_error_log
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- error_log eval
qr/\[debug\] \d+#\d+: \*\d+ http request line: "GET \/t HTTP\/1\.1"/
--- no_error_log eval
[qr/\[(alert|crit|emerg)\]/]
