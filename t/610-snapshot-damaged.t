# A damaged snapshot file dropped in place (atomically, as a bad disk or
# a stray tool might): for every kind (lines, catalog, epg) and every
# damage (zero-length, truncated, wrong magic, wrong checksum, a header
# claiming more than the file holds) every nginx worker refuses it, logs
# why, keeps serving the last good generation (metrics and the API say
# so), and takes the good file again when it comes back.  t/005 covers a
# bad checksum of lines.snap alone.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use Test::More;
use Time::HiRes qw(sleep time);
require './t/fault-helpers.pl';

my $ng = fault_setup(streams => 1);
my $Hdr = 48 + 24 * 24;     # sizeof(xt_snap_header_t): the checksum covers what follows

# programmes, so that epg.snap has a body past its header too
my $e0 = XtreamTest::snap_generation('epg');
XtreamTest::import_json({ streams => [{ id => 1, name => 'Channel 1', category_id => 1, transcode_profile_id => 1,
                                        on_demand => JSON::PP::false(), epg_channel_id => 'ch1.test',
                                        sources => ["file://$XtreamTest::Tmp/src.ts"] }] });
my ($rc, $out) = XtreamTest::xtctl('epg', 'demo');
is($rc, 0, 'xtreamctl epg demo') or diag($out);
ok(XtreamTest::wait_generation_above('epg', $e0, 15), 'a new epg.snap with programmes');
ok($ng->wait_for(10, sub { my %g = gen_all('epg'); !grep { ($_ // 0) <= $e0 } values %g }), 'mapped');

sub gen_all {      # generation of kind on every worker (both answer)
    my $kind = shift;
    my %g;
    for (1 .. 12) {
        my ($v) = $ng->scrape;
        $g{ $v->{xtream_worker_pid} } = $v->{"xtream_snapshot_generation{kind=\"$kind\"}"};
        last if keys %g >= 2 && $_ > 4;
    }
    return %g;
}

sub refusals {
    my $kind = shift;
    my @l = grep { /xtream snapshot "[^"]*\/$kind\.snap" refused: (.*)/ } split /\n/, $ng->error_log;
    return @l;
}

sub mapped {
    my $kind = shift;
    return grep { /xtream snapshot "[^"]*\/$kind\.snap" generation \d+ mapped/ } split /\n/, $ng->error_log;
}

sub drop {
    my ($kind, $data) = @_;
    my $path = XtreamTest::snap_path($kind);
    XtreamTest::spew_raw("$path.damage-tmp", $data);
    rename "$path.damage-tmp", $path or die "rename: $!";
}

my %damage = (
    'zero-length'    => sub { '' },
    'truncated'      => sub { substr($_[0], 0, int(length($_[0]) / 2)) },
    'header only'    => sub { substr($_[0], 0, 64) },
    'wrong magic'    => sub { my $d = $_[0]; substr($d, 0, 4) = 'JUNK'; $d },
    # one byte of the body (past the header, which the checksum leaves out)
    'wrong checksum' => sub { my $d = $_[0]; my $p = $Hdr + int((length($d) - $Hdr) / 2);
                              substr($d, $p, 1) = chr(ord(substr($d, $p, 1)) ^ 0x5a); $d },
    'grown tail'     => sub { $_[0] . ("\0" x 4096) },
);

for my $kind (qw(lines catalog epg)) {
    my $good = XtreamTest::slurp_raw(XtreamTest::snap_path($kind));
    ok(length($good) > $Hdr + 64, "$kind.snap has a body (" . length($good) . ' bytes)');
    my %g0 = gen_all($kind);
    my ($g) = values %g0;
    ok(defined $g && !grep({ $_ != $g } values %g0), "$kind: every worker maps generation $g");
    for my $what (sort keys %damage) {
        my $n0 = () = refusals($kind);
        drop($kind, $damage{$what}->($good));
        my $logged = $ng->wait_for(10, sub { my $n = () = refusals($kind); $n >= $n0 + 2 });
        my @new = (refusals($kind))[$n0 .. $n0 + 1];
        ok($logged, "$kind, $what: both workers refuse it and log why") or diag($ng->error_log);
        like($new[0] // '', qr/keeping generation $g/, "$kind, $what: the log says the generation kept: "
             . (($new[0] // '') =~ /refused: (.*)/)[0]);
        my %g1 = gen_all($kind);
        ok(!grep({ !defined $_ || $_ != $g } values %g1), "$kind, $what: generation $g still served (metrics)");
        if ($kind eq 'lines') {
            ok(XtreamTest::login_ok_ng($ng), "$kind, $what: logins still work");
        } elsif ($kind eq 'catalog') {
            my ($st, $h, $b) = $ng->get('/player_api.php?username=demo&password=demo-pass&action=get_live_streams');
            like($b, qr/"stream_id":1[,}]/, "$kind, $what: the live list still answers");
        }
        # the good file back (a new file: mapped again, by both workers)
        my $m0 = () = mapped($kind);
        drop($kind, $good);
        ok($ng->wait_for(10, sub { my $m = () = mapped($kind); $m >= $m0 + 2 }),
           "$kind, $what: the good file back is mapped again by both workers");
    }
}
my ($st) = $ng->get('/live/demo/demo-pass/1.m3u8');
is($st, 200, 'delivery still answers');
is_deeply([$ng->alerts], [], 'no alerts, no crash (the workers that started are the ones answering)');
done_testing();
