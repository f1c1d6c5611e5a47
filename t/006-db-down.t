# nginx never waits on the database: with MariaDB stopped, logins and lists
# keep working from the last snapshot; xtreamd survives and catches up when
# MariaDB is back.
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

=== TEST 1: with MariaDB stopped, login and get_live_streams still answer from the snapshot
--- xt_setup
db_stop();
--- request eval
["GET /player_api.php?username=demo&password=demo-pass",
 "GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams",
 "GET /player_api.php?username=demo&password=wrong"]
--- response_body_like eval
[qr/"auth":1[,}]/, qr/\A\[\{.*"stream_id":31[,}]/s, qr/"auth":0/]
--- xt_between
if ($req == 2) {
    sleep 0.5;
    Test::More::ok(daemon_alive(), "xtreamd still running with MariaDB down");
}
--- no_error_log
[alert]
[crit]



=== TEST 2: after MariaDB comes back, xtreamd picks up a new line within 5 s
--- xt_setup
db_start();
--- request eval
["GET /player_api.php?username=demo&password=demo-pass",
 "GET /player_api.php?username=after-db&password=after-db-pass"]
--- response_body_like eval
[qr/"auth":1[,}]/, qr/"auth":1[,}]/]
--- xt_between
if ($req == 0) {
    import_json({lines => [{username => "after-db", password => "after-db-pass", bouquets => [1]}]});
    my $t = poll_until("/player_api.php?username=after-db&password=after-db-pass", 5,
                       sub { $_[1] =~ /"auth":1[,}]/ });
    Test::More::ok(defined $t, "line added after the outage logs in within 5 s");
}
