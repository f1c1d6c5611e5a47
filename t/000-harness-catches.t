# The harness must fail a block whose expectation is wrong: runs
# t/harness/failing-blocks.pl and checks that each of its blocks failed.
use strict;
use warnings;
use Test::More;

my $out = `$^X t/harness/failing-blocks.pl 2>&1`;
my $blocks = 9;
for my $n (1 .. $blocks) {
    like($out, qr/^not ok \d+ - TEST $n:/m, "block $n is reported as a failure");
}
unlike($out, qr/^ok \d+ - TEST (1: .*status code|2: .*response_body|3: .*X-Missing|8: .*X-Here)/m,
       'no deliberately wrong check passed');
isnt($? >> 8, 0, 'the failing script exits non-zero');
done_testing();
