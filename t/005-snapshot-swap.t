# Snapshot generations: a change in MariaDB reaches every nginx worker
# within 2 s; a corrupt snapshot file is refused and the previous one kept.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::Nginx::Socket 'no_plan';

XtreamTest::hooks();
master_on();
workers(2);
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a line added with xtreamctl logs in within 2 s, on both workers
--- request eval
["GET /player_api.php?username=newbie&password=newbie-pass",
 map { "GET /player_api.php?username=newbie&password=newbie-pass" } 1 .. 6]
--- response_body_like eval
[qr/"auth":0/, map { qr/"auth":1[,}]/ } 1 .. 6]
--- xt_between
if ($req == 0) {
    import_json({lines => [{username => "newbie", password => "newbie-pass", bouquets => [1]}]});
    my $t = poll_until("/player_api.php?username=newbie&password=newbie-pass", 2,
                       sub { $_[1] =~ /"auth":1[,}]/ });
    Test::More::ok(defined $t, "new line answers auth 1 within 2 s"
                   . (defined $t ? sprintf(" (%.2f s)", $t) : ""));
}
--- no_error_log
[alert]
[crit]



=== TEST 2: a deleted line can no longer log in (within 2 s, on both workers)
--- request eval
["GET /player_api.php?username=gone&password=gone-pass",
 map { "GET /player_api.php?username=gone&password=gone-pass" } 1 .. 6]
--- response_body_like eval
[qr/"auth":1[,}]/, map { qr/"auth":0/ } 1 .. 6]
--- xt_between
if ($req == 0) {
    my ($rc, $out) = xtctl("line", "del", "gone");
    die "xtreamctl line del gone failed ($rc): $out" if $rc;
    my $t = poll_until("/player_api.php?username=gone&password=gone-pass", 2,
                       sub { $_[1] =~ /"auth":0/ });
    Test::More::ok(defined $t, "deleted line refused within 2 s");
}



=== TEST 3: a password change takes effect: old password refused, new one accepted
--- request eval
["GET /player_api.php?username=prem&password=prem-pass",
 "GET /player_api.php?username=prem&password=prem-pass",
 "GET /player_api.php?username=prem&password=prem-pass-2"]
--- response_body_like eval
[qr/"auth":1[,}]/, qr/"auth":0/, qr/"auth":1[,}]/]
--- xt_between
if ($req == 0) {
    import_json({lines => [{username => "prem", password => "prem-pass-2", bouquets => [2]}]});
    my $t = poll_until("/player_api.php?username=prem&password=prem-pass-2", 2,
                       sub { $_[1] =~ /"auth":1[,}]/ });
    Test::More::ok(defined $t, "new password accepted within 2 s");
}



=== TEST 4: a corrupt lines.snap is refused, logged, and the previous generation keeps serving
--- request
GET /player_api.php?username=demo&password=demo-pass
--- response_body_like: "auth":1[,}]
--- xt_between
# one request for the block, the rest from here: test-nginx checks
# --- error_log after every request of a block, against the lines logged
# since the previous request, and the refusal is logged once
corrupt_snapshot("lines");
sleep 2.2;        # every worker has had its once-a-second look at the file
for my $i (1 .. 4) {
    my ($st, $body) = http_get("/player_api.php?username=demo&password=demo-pass");
    Test::More::is($st, 200, "login $i after the corruption: status 200");
    Test::More::like($body, qr/"auth":1[,}]/, "login $i after the corruption: auth 1");
}
restore_snapshot("lines");
--- error_log eval
qr/\[(error|crit)\].*lines\.snap/
--- no_error_log
[alert]
