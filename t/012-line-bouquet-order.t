# A line's bouquets keep the order they were given (line_bouquets.sort_order)
# in lines.snap, so its lists follow it: the daemon reads line_bouquets in
# primary-key order (line_id, bouquet_id) and sorts each line's few rows
# itself; bouquet 2 before bouquet 1 must survive that.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/bouquet-order.json';
use Test::Nginx::Socket 'no_plan';

XtreamTest::hooks();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: bouquets [2, 1]: bouquet 2's channels come first
--- request
GET /player_api.php?username=order21&password=order21-pass&action=get_live_streams
--- json_types
.                          array len=6
[*].stream_id              int seq=41,42,11,12,21,31
--- no_error_log
[error]



=== TEST 2: bouquets [1, 2]: bouquet 1's channels come first
--- request
GET /player_api.php?username=order12&password=order12-pass&action=get_live_streams
--- json_types
.                          array len=6
[*].stream_id              int seq=11,12,21,31,41,42
--- no_error_log
[error]
