# Our compat harness (t/lib-compat) must fail a block whose expectation is
# wrong: runs t/harness/failing-blocks.pl and checks that each of its
# blocks failed.  It tests t/lib-compat only, so it skips when the
# Test::Nginx::Socket found first is another one (openresty's test-nginx).
use strict;
use warnings;
use Test::More;
use Cwd ();
use File::Temp ();

my $found = `$^X -MTest::Nginx::Socket -e 'print \$INC{"Test/Nginx/Socket.pm"}' 2>/dev/null`;
my $ours = Cwd::abs_path('t/lib-compat/Test/Nginx/Socket.pm');
if (!$found || !-e $found || Cwd::abs_path($found) ne $ours) {
    plan skip_all => 'tests the compat harness t/lib-compat only; the Test::Nginx::Socket '
                   . 'in use is ' . ($found || 'none') . ' (openresty test-nginx?)';
}

my $out = `$^X t/harness/failing-blocks.pl 2>&1`;
my $blocks = 9;
for my $n (1 .. $blocks) {
    like($out, qr/^not ok \d+ - \S+ TEST $n:/m, "block $n is reported as a failure");
}
unlike($out, qr/^ok \d+ - \S+ TEST (1: .*status code|2: .*response_body|3: .*X-Missing|8: .*X-Here)/m,
       'no deliberately wrong check passed');
isnt($? >> 8, 0, 'the failing script exits non-zero');

# What test-nginx would run differently or silently ignore is refused here
# too (see the comment at the top of t/lib-compat/Test/Nginx/Socket.pm).
my $head = "use strict; use warnings;\nBEGIN { \$ENV{TEST_NGINX_LOAD_MODULES} = '' }\n"
         . "use Test::Nginx::Socket 'no_plan';\nno_shuffle();\nrun_tests();\n__DATA__\n\n";
my $cfg = "--- config\n    location = /t { return 200 \"ok\"; }\n";
my @refused = (
    ['a scalar expectation with several requests',
     "=== TEST 1: x\n$cfg--- request eval\n[\"GET /t\", \"GET /t\"]\n--- response_body_unlike\nnope\n",
     qr/You asked for many requests, the expected results should be arrays as well\./],
    ['an expectation array shorter than the requests',
     "=== TEST 1: x\n$cfg--- request eval\n[\"GET /t\", \"GET /t\"]\n--- error_code eval\n[200]\n",
     qr/--- error_code has 1 values for 2 requests/],
    ['response_body_like with response_body_unlike',
     "=== TEST 1: x\n$cfg--- request\nGET /t\n--- response_body_like: ok\n--- response_body_unlike: nope\n",
     qr/checks only --- response_body_like/],
    ['a first block without --- config',
     "=== TEST 1: x\n--- request\nGET /t\n",
     qr/No '--- config' section specified/],
    ['user_files in a block without --- config',
     "=== TEST 1: x\n$cfg--- request\nGET /t\n\n=== TEST 2: y\n--- user_files\n>>> a.txt\nA\n--- request\nGET /a.txt\n",
     qr/reuses the previous block's nginx and ignores --- user_files/],
);
my $dir = File::Temp::tempdir(CLEANUP => 1);
for my $case (@refused) {
    my ($what, $blocks, $re) = @$case;
    open my $fh, '>', "$dir/t.pl" or die "$dir/t.pl: $!";
    print $fh $head, $blocks;
    close $fh;
    my $o = `$^X $dir/t.pl 2>&1`;
    like($o, qr/^Bail out!.*$re/m, "refused: $what") or diag($o);
}
done_testing();
