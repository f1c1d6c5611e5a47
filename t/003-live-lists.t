# Live categories and streams: types, order, category filter, numeric
# aliases, and bouquet entitlement (a line never sees another bouquet).
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

=== TEST 1: get_live_categories lists only the categories in the line's bouquets, typed
--- request
GET /player_api.php?username=demo&password=demo-pass&action=get_live_categories
--- response_headers_like
Content-Type: ^application/json
--- json_types
.                       array len=3
[*]                     object exact
[*].category_id         digits
[*].category_name       string
[*].parent_id           int =0
[*].category_id         digits seq=1,2,3
[*].category_name       string seq=News,Sports,Kids
--- no_error_log
[error]
[alert]



=== TEST 2: get_live_streams returns the bouquet's channels in order with protocol types
--- request
GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams
--- json_types
.                          array len=4
[*]                        object
[*].num                    int seq=1,2,3,4
[*].name                   string seq=News One,News Two,Sport One,Kids One
[*].stream_type            string =live
[*].stream_id              int seq=11,12,21,31
[*].stream_icon            string
[*].epg_channel_id         string|null
[*].added                  digits
[*].category_id            digits seq=1,1,2,3
[*].category_ids           array
[*].category_ids[*]        int
[*].custom_sid             string|null
[*].tv_archive             int ~^[01]$
[*].direct_source          string =
[*].tv_archive_duration    int|digits
[0].epg_channel_id         string =news1.uk
[0].added                  digits =1700000001
[2].tv_archive             int =1
[2].tv_archive_duration    any ~^3$
[0].tv_archive_duration    any ~^0$
--- no_error_log
[error]
[alert]



=== TEST 3: category_id filter returns only that category; empty and 0 mean all
--- request eval
["GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=1",
 "GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=2",
 "GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=4",
 "GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=",
 "GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=0"]
--- response_body_like eval
# like_not(A, B): matches A and not B (one body section per block)
[XtreamTest::like_not(qr/"stream_id":12[,}]/, qr/"stream_id":(21|31)[,}]/),
 XtreamTest::like_not(qr/"stream_id":21[,}]/, qr/"stream_id":(11|12|31)[,}]/),
 XtreamTest::like_not(qr/\A\[\]\z/, qr/stream_id/),
 XtreamTest::like_not(qr/"stream_id":31[,}]/, qr/\A\[\]\z/),
 XtreamTest::like_not(qr/"stream_id":31[,}]/, qr/\A\[\]\z/)]
--- json_types
.                 array
[*].stream_id     int ~^(11|12|21|31)$



=== TEST 4: category filter keeps the per-category count exact
--- request
GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=1
--- json_types
.                 array len=2
[*].stream_id     int seq=11,12
[*].num           int seq=1,2
[*].category_id   digits =1



=== TEST 5: numeric aliases 201 and 202 behave like the named actions
--- request eval
["GET /player_api.php?username=demo&password=demo-pass&action=201",
 "GET /player_api.php?username=demo&password=demo-pass&action=202"]
--- response_body_like eval
[qr/\A\[\{"category_id":"1"/, qr/\A\[\{.*"stream_id":11[,}]/s]



=== TEST 6: bouquet filtering: the premium line sees only its bouquet's streams and categories
--- request
GET /player_api.php?username=prem&password=prem-pass&action=get_live_streams
--- json_types
.                array len=2
[*].stream_id    int seq=41,42
[*].num          int seq=1,2



=== TEST 7: bouquet filtering: the premium line's categories are those of its own streams
--- request
GET /player_api.php?username=prem&password=prem-pass&action=get_live_categories
--- json_types
.                   array len=2
[*].category_id     digits set=1,4



=== TEST 8: bouquet filtering: the demo line never sees premium stream ids, in any category
--- request eval
[map { "GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams&category_id=$_" } 1, 4]
--- response_body_unlike eval
[(qr/"stream_id":4[12][,}]/) x 2]
--- json_types
[*].stream_id    int ~^(11|12|21|31)$
