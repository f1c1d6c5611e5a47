# Login: the full login object, by GET and by POST form, and the actions
# that must answer with the same login object.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::Nginx::Socket 'no_plan';

XtreamTest::hooks();
repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: good login (GET) returns every user_info/server_info key with its JSON type
--- request
GET /player_api.php?username=demo&password=demo-pass
--- response_headers_like
Content-Type: ^application/json
--- json_types eval
$XtreamTest::LOGIN . <<'X'
user_info.username  string =demo
user_info.password  string =demo-pass
user_info.message   string =welcome
user_info.status    string =Active
user_info.exp_date  null
user_info.is_trial  string =0
user_info.created_at digits =1700000000
user_info.max_connections digits =2
user_info.allowed_output_formats[*] string set=ts,m3u8
X
--- no_error_log
[error]
[alert]
[crit]



=== TEST 2: a line with an expiry date and trial flag reports them as strings
--- request
GET /player_api.php?username=prem&password=prem-pass
--- json_types eval
$XtreamTest::LOGIN . <<'X'
user_info.username  string =prem
user_info.status    string =Active
user_info.exp_date  digits =4102444800
user_info.is_trial  string =1
user_info.max_connections digits =1
user_info.allowed_output_formats[*] string set=ts
X



=== TEST 3: POST form login answers the same login object
--- request
POST /player_api.php
username=demo&password=demo-pass
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- json_types eval
$XtreamTest::LOGIN . "user_info.username string =demo\nuser_info.status string =Active\n"
--- no_error_log
[alert]
[crit]



=== TEST 4: the POST body overrides the query string (XC merges, POST wins)
--- request
POST /player_api.php?username=demo&password=wrong
password=demo-pass
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- json_types eval
$XtreamTest::LOGIN . "user_info.username string =demo\n"



=== TEST 5: get_profile, get_server_info, get_account_info and unknown actions return the login object
--- request eval
[map { "GET /player_api.php?username=demo&password=demo-pass&action=$_" }
     qw(get_profile get_server_info get_account_info no_such_action 999)]
--- error_code eval
[200, 200, 200, 200, 200]
--- json_types eval
$XtreamTest::LOGIN . "user_info.username string =demo\n"
--- no_error_log
[alert]
[crit]
