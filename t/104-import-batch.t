# `xtreamctl import` writes records in batches (xtreamd/cmd/xt_import_apply.c,
# XT_BATCH = 2048 records, multi-row statements under a savepoint).  The
# contract is unchanged: one transaction, an error anywhere (also on a batch
# boundary) rolls back everything and names the record's JSON path, upserts
# by id / username, child lists replaced, change counters move.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use Test::More;

my $BATCH = 2048;

sub q1 { my $v = XtreamTest::sql(shift); chomp $v; return $v }
# the kinds an import writes; `cluster` moves with every load report
sub counters { return XtreamTest::sql("SELECT domain, counter FROM change_counters WHERE domain IN ('lines', 'catalog', 'epg') ORDER BY domain") }

sub import_doc {
    my $data = shift;
    my $file = "$XtreamTest::Tmp/batch-" . int(rand(1e9)) . ".json";
    XtreamTest::spew($file, JSON::PP->new->canonical->encode($data));
    return XtreamTest::xtctl('import', $file);
}

sub lines_doc {
    my ($n, %bad) = @_;     # bad: index => bouquets list
    return [map { +{ username => "bt$_", password => "pw-$_",
                     bouquets => $bad{$_} // [1 + $_ % 2] } } 0 .. $n - 1];
}

my $base = counters();
my $nlines = q1("SELECT COUNT(*) FROM `lines`");

# an error in the first record of the second batch, in the last of the
# first, and deep in a later batch: nothing of the document stays (also
# not the streams written before the lines)
for my $at ($BATCH, $BATCH - 1, 2 * $BATCH + 5) {
    my ($rc, $out) = import_doc({
        streams => [map { +{ id => 9000 + $_, name => "BT $_", category_id => 1,
                             sources => ["file:///bt$_.ts"] } } 1 .. 3000],
        lines   => lines_doc(5000, $at => [1, 999]),
    });
    is($rc, 1, "error at lines[$at]: exit status 1");
    like($out, qr/lines\[$at\]: .*foreign key constraint fails/, "error at lines[$at] names the record")
        or diag($out);
    is(q1("SELECT COUNT(*) FROM `lines`"), $nlines, "error at lines[$at]: no line stays");
    is(q1("SELECT COUNT(*) FROM streams WHERE id > 9000"), 0, "error at lines[$at]: no stream stays");
    is(counters(), $base, "error at lines[$at]: change counters unchanged");
}

# a name already used, inside a batch: the reference error, nothing stays
{
    my ($rc, $out) = import_doc({
        bouquets => [{ id => 70, name => "BT A" }, { id => 71, name => "BT B" },
                     { id => 72, name => "Basic" }, { id => 73, name => "BT C" }],
    });
    is($rc, 1, 'bouquet name clash: exit status 1');
    like($out, qr/bouquets\[2\]: name already used by id 1/, 'bouquet name clash: reference message')
        or diag($out);
    is(q1("SELECT COUNT(*) FROM bouquets WHERE id >= 70"), 0, 'bouquet name clash: nothing stays');
}

# a good big document: every row, every child row; a username twice (in
# one batch, and across a boundary) keeps the last record's bouquets
{
    my $lines = lines_doc(5000);
    push @$lines, { username => 'bt7', password => 'again', bouquets => [2, 1] };
    splice @$lines, 10, 0, { username => 'bt3', password => 'x', bouquets => [2] };
    my ($rc, $out) = import_doc({ lines => $lines });
    is($rc, 0, 'big import succeeds') or diag($out);
    is(q1("SELECT COUNT(*) FROM `lines` WHERE username LIKE 'bt%'"), 5000, 'every line written once');
    is(q1("SELECT GROUP_CONCAT(lb.bouquet_id ORDER BY lb.sort_order) FROM line_bouquets lb "
          . "JOIN `lines` l ON l.id = lb.line_id WHERE l.username = 'bt7'"), '2,1',
       'a username repeated across batches: the last bouquets win');
    is(q1("SELECT GROUP_CONCAT(lb.bouquet_id) FROM line_bouquets lb "
          . "JOIN `lines` l ON l.id = lb.line_id WHERE l.username = 'bt3'"), '2',
       'a username repeated in one batch: the last bouquets win');
    is(q1("SELECT COUNT(*) FROM line_bouquets lb JOIN `lines` l ON l.id = lb.line_id "
          . "WHERE l.username LIKE 'bt%'"), 5001, 'every line_bouquets row');
    my %after = split /\s+/, counters();
    my %before = split /\s+/, $base;
    ok($after{lines} > $before{lines}, 'lines counter moved');
    is($after{catalog}, $before{catalog}, 'catalog counter did not move');

    # re-import: the same rows, children replaced, not doubled
    ($rc, $out) = import_doc({ lines => lines_doc(5000) });
    is($rc, 0, 're-import succeeds') or diag($out);
    is(q1("SELECT COUNT(*) FROM line_bouquets lb JOIN `lines` l ON l.id = lb.line_id "
          . "WHERE l.username LIKE 'bt%'"), 5000, 're-import replaces line_bouquets');
}

# writers other than import still bump the counter row by row
{
    my %b = split /\s+/, counters();
    XtreamTest::sql("UPDATE `lines` SET max_connections = 7 WHERE username IN ('bt1', 'bt2')");
    my %a = split /\s+/, counters();
    is($a{lines}, $b{lines} + 2, 'a plain UPDATE bumps the lines counter per row');
}

done_testing();
