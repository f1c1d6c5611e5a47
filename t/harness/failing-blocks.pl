# Not a test file: t/000-harness-catches.t runs it and checks that every
# block below FAILS (each has exactly one wrong expectation), so the
# harness is shown to catch real mismatches.
use strict;
use warnings;
BEGIN { $ENV{TEST_NGINX_LOAD_MODULES} = '' }
use Test::Nginx::Socket 'no_plan';
no_shuffle();
run_tests();

__DATA__

=== TEST 1: wrong status
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- error_code: 404



=== TEST 2: wrong body
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- response_body chomp
not ok



=== TEST 3: missing header
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- response_headers
X-Missing: yes



=== TEST 4: body_like mismatch
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- response_body_like: ^nope$



=== TEST 5: error_log pattern that is not logged
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- error_log
this line is never logged



=== TEST 6: no_error_log pattern that is logged
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- no_error_log
http request line



=== TEST 7: a request that never finishes, without abort
--- config
    location = /t { limit_rate_after 1; limit_rate 1; return 200 "0123456789"; }
--- request
GET /t
--- timeout: 200ms



=== TEST 8: a header that must be absent but is present
--- config
    location = /t { add_header X-Here 1; return 200 "ok"; }
--- request
GET /t
--- response_headers
!X-Here



=== TEST 9: a config nginx refuses
--- config
    location = /t { no_such_directive; }
--- request
GET /t
