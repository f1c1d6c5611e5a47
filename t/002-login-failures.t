# Failed logins and unusable lines: wrong password and unknown user answer
# identically; expired/banned/disabled lines log in with their status and
# every list action returns that login object instead of a list.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::Nginx::Socket 'no_plan';

XtreamTest::hooks();
repeat_each(1);
no_shuffle();

# wrong password and unknown user must be indistinguishable (status + body)
my %seen;
add_response_body_check(sub {
    my ($block, $body, $req) = @_;
    return unless $block->name =~ /identical/;
    $seen{$req} = $body;
    if ($req == 1) {
        is($seen{1}, $seen{0}, $block->name . " - unknown user body equals wrong password body");
    }
});

run_tests();

__DATA__

=== TEST 1: wrong password and unknown user give identical answers ({"user_info":{"auth":0}})
--- request eval
["GET /player_api.php?username=demo&password=not-the-password",
 "GET /player_api.php?username=nobody-here&password=not-the-password"]
--- error_code eval
[200, 200]
--- json_types eval
$XtreamTest::AUTH_FAILED
--- no_error_log
[alert]
[crit]



=== TEST 2: missing username, password or both never answer 5xx and never log in
--- request eval
["GET /player_api.php?password=demo-pass",
 "GET /player_api.php?username=demo",
 "GET /player_api.php",
 "GET /player_api.php?username=&password="]
--- error_code_like eval
[qr/^[24]\d\d$/, qr/^[24]\d\d$/, qr/^[24]\d\d$/, qr/^[24]\d\d$/]
--- response_body_unlike eval
[(qr/"auth":1/) x 4]
--- no_error_log
[alert]
[crit]



=== TEST 3: an expired line logs in with auth 1, status Expired and its past exp_date
--- request
GET /player_api.php?username=expired&password=exp-pass
--- json_types eval
$XtreamTest::LOGIN . "user_info.status string =Expired\nuser_info.exp_date digits =1000000000\n"



=== TEST 4: banned and disabled lines report their status
--- request eval
["GET /player_api.php?username=banned&password=ban-pass",
 "GET /player_api.php?username=disabled&password=dis-pass"]
--- response_body_like eval
[qr/"status":"Banned"/, qr/"status":"Disabled"/]
--- json_types eval
$XtreamTest::LOGIN . "user_info.auth number =1\n"



=== TEST 5: list actions of expired, banned and disabled lines return the login object, not a list
--- request eval
["GET /player_api.php?username=expired&password=exp-pass&action=get_live_streams",
 "GET /player_api.php?username=banned&password=ban-pass&action=get_live_categories",
 "GET /player_api.php?username=disabled&password=dis-pass&action=get_live_streams&category_id=1",
 "GET /player_api.php?username=expired&password=exp-pass&action=202"]
--- json_types eval
$XtreamTest::LOGIN . "user_info.status string ~^(Expired|Banned|Disabled)\$\n"
--- response_body_unlike eval
[(qr/stream_id/) x 4]



=== TEST 6: a wrong password on a list action gives the failed-login object, no list
--- request
GET /player_api.php?username=demo&password=bad&action=get_live_streams
--- json_types eval
$XtreamTest::AUTH_FAILED
