# What the panel's new pages (issue 19) need from xtreamd, and the CLI
# defects the operator met: `xtreamctl --help`/`-h`/`help` print the usage
# and exit 0 (also after -c CONF, which is how every script calls it);
# `line list` has a header and ISO dates; GET /epg-channels lists the
# imported guide channels with the streams using each (the channel-id
# picker and "unmapped" lists), GET /streams?epg_mapped=false the streams
# without a guide; an admin's lock-out shows as locked_until and
# POST /admins/{id}/unlock releases it (audited); POST /streams/{id}/preview
# signs the module's HLS token for a line that may watch the stream (the
# MAC checked here with the secret; t/510 plays it through nginx).  The requests go through
# `xtreamctl api`, the same handler code as HTTP; the lock-out itself is
# made by real failed logins over HTTP in t/510's browser run.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use XtreamSup;
use Test::More;
use JSON::PP ();
use Digest::SHA qw(hmac_sha256_hex);

my $J = JSON::PP->new->utf8->canonical;
sub api {
    my ($m, $p, $body) = @_;
    my ($rc, $out) = XtreamTest::xtctl('api', $m, $p, defined $body ? $J->encode($body) : ());
    my $j = $rc == 0 ? eval { $J->decode($out) } : undef;
    return ($rc, $j, $out);
}

# --- help ---
for my $h (['--help'], ['-h'], ['help'], ['--json', '--help']) {
    my ($rc, $out) = XtreamTest::xtctl(@$h);
    is($rc, 0, "xtreamctl -c CONF @$h exits 0");
    like($out, qr/^usage: xtreamctl /m, "... and prints the usage");
    unlike($out, qr/unknown command/, '... not "unknown command"');
}
{
    my ($rc, $out) = XtreamTest::xtctl('frobnicate');
    is($rc, 1, 'an unknown command still exits 1');
    like($out, qr/unknown command "frobnicate"/, '... naming it');
}

# --- line list ---
{
    my ($rc, $out) = XtreamTest::xtctl('line', 'list');
    is($rc, 0, 'line list');
    my @l = split /\n/, $out;
    is($l[0], "id\tusername\tstatus\texpires\tmax_connections\tbouquets", 'a header row first');
    my ($prem) = grep { (split /\t/)[1] eq 'prem' } @l;
    is((split /\t/, $prem // '')[3], '2100-01-01T00:00:00Z', 'expiry as an ISO 8601 UTC date (4102444800)');
    my ($demo) = grep { (split /\t/)[1] eq 'demo' } @l;
    is((split /\t/, $demo // '')[3], 'never', 'no expiry: never');
}

# --- epg-channels and streams?epg_mapped ---
{
    my ($rc, $j, $out) = api('GET', '/epg-channels');
    is($rc, 0, 'GET /epg-channels') or diag($out);
    my %ch = map { ($_->{epg_channel_id} => $_) } @{ $j->{items} || [] };
    is_deeply([sort keys %ch], ['news1.uk', 'sport1.uk'], 'the imported guide channels');
    is($ch{'news1.uk'}{display_name}, 'News One', 'with their display name');
    is($ch{'news1.uk'}{streams}, 1, 'news1.uk is used by one stream');
    ($rc, $j) = api('GET', '/epg-channels?q=sport');
    is(scalar @{ $j->{items} || [] }, 1, 'q searches the id and the name');
    ($rc, $j) = api('PATCH', '/streams/21', { epg_channel_id => 'news1.uk' });
    is($rc, 0, 'stream 21 moves to news1.uk');
    ($rc, $j) = api('GET', '/epg-channels?mapped=false');
    is_deeply([map { $_->{epg_channel_id} } @{ $j->{items} || [] }], ['sport1.uk'],
              'mapped=false: the guide channel no stream uses');
    ($rc, $j) = api('GET', '/streams?epg_mapped=false&limit=500');
    my @ids = sort { $a <=> $b } map { $_->{id} } @{ $j->{items} || [] };
    ok(!grep({ $_ == 11 || $_ == 21 } @ids) && grep({ $_ == 12 } @ids) && grep({ $_ == 31 } @ids),
       "epg_mapped=false: streams with an unknown or empty id (@ids)");
    ($rc, $j) = api('GET', '/streams?epg_mapped=true&limit=500');
    is_deeply([sort { $a <=> $b } map { $_->{id} } @{ $j->{items} || [] }], [11, 21], 'epg_mapped=true');
    ($rc, undef, $out) = api('GET', '/streams?epg_mapped=maybe');
    is($rc, 1, 'epg_mapped=maybe: 400');
    like($out, qr/epg_mapped: must be true or false/, '... naming the parameter');
    ($rc, undef, $out) = api('POST', '/epg-channels', {});
    is($rc, 1, 'POST /epg-channels is refused (read-only)');
}

# --- admins: locked_until and unlock ---
{
    my ($rc, $out) = XtreamTest::xtctl('admin', 'add', 'locked-out', '--password', 'locked-out-pass-1');
    is($rc, 0, 'admin add locked-out');
    my ($rc2, $j) = api('GET', '/admins?q=locked-out');
    my $a = $j->{items}[0];
    is($a->{locked_until}, 0, 'not locked: locked_until 0');
    # real failed logins (the login handler, as over HTTP) until the lock
    my $t0 = time;
    my $locked;
    for (1 .. 8) {
        my (undef, undef, $o) = api('POST', '/login', { username => 'locked-out', password => 'wrong-password' });
        if ($o =~ /try again in \d+ s/) { $locked = $_; last }
    }
    ok($locked, "locked out after " . ($locked // 'more than 8') . " failed logins");
    ($rc2, $j) = api('GET', "/admins/$a->{id}");
    ok($j->{locked_until} > $t0 + 60, "the lock-out shows as locked_until ($j->{locked_until})");
    ($rc2, $j, $out) = api('POST', "/admins/$a->{id}/unlock");
    is($rc2, 0, 'POST /admins/{id}/unlock') or diag($out);
    is($j->{locked_until}, 0, 'answers the admin, unlocked');
    is(XtreamTest::sql("SELECT COUNT(*) FROM admin_login_failures WHERE scope_key = 'u:locked-out'"), "0\n",
       'the failures are forgotten');
    like(XtreamTest::sql("SELECT action, resource, resource_id FROM admin_audit ORDER BY id DESC LIMIT 1"),
         qr/^unlock\tadmins\t$a->{id}$/m, 'audited');
    ($rc2, undef, $out) = api('POST', '/admins/999999/unlock');
    is($rc2, 1, 'unlock of an unknown admin: 404');
    ($rc2, undef, $out) = api('POST', "/admins/$a->{id}/frobnicate");
    is($rc2, 1, 'an unknown action: 404');
    ($rc2, undef, $out) = api('POST', "/admins/$a->{id}/unlock", { x => 1 });
    is($rc2, 1, 'unlock takes no body keys');
}

# --- stream preview: a signed HLS URL, no line password ---
{
    my ($rc, undef, $out) = api('POST', '/streams/11/preview');
    is($rc, 1, 'preview without token_secret_file: refused');
    like($out, qr/token_secret_file/, '... saying what is missing');
    my $secret = join('', map { sprintf '%02x', int rand 256 } 1 .. 32);
    XtreamTest::spew("$XtreamTest::Tmp/preview-secret", "$secret\n");
    XtreamSup::reconfigure(token_secret_file => "$XtreamTest::Tmp/preview-secret");
    my $j;
    ($rc, $j, $out) = api('POST', '/streams/11/preview');
    is($rc, 0, 'POST /streams/11/preview') or diag($out);
    my ($tok) = ($j->{url} // '') =~ m{^/hls/11/0/index\.m3u8\?t=(\S+)$};
    ok($tok, "a variant playlist URL with a token ($j->{url})");
    my ($exp, $line, $sess, $var, $mac) = split /_/, $tok // '';
    is($line, $j->{line_id}, "for line $j->{username} ($j->{line_id})");
    ok($exp > time && $exp <= time + 130, 'expiring within about 2 minutes');
    like($sess // '', qr/^[0-9a-f]{16}$/, 'a 64-bit session id (bound to the caller\'s address)');
    # the module's session id: line, address ("local" for xtreamctl), the
    # line's kick generation, stream
    my ($kick) = XtreamTest::sql("SELECT kick FROM `lines` WHERE id = " . ($line || 0)) =~ /(\d+)/;
    is($sess, substr(hmac_sha256_hex("xs2|$line|5:local|$kick|11", $secret), 0, 16),
       'the session id is the one nginx computes for that address, line and kick generation');
    is($mac, substr(hmac_sha256_hex("xt1|$exp|$line|$sess|11|$var", $secret), 0, 32),
       'the MAC is HMAC-SHA256 of the module\'s token text with the secret');
    my ($ok_line) = XtreamTest::sql("SELECT COUNT(*) FROM `lines` l JOIN line_bouquets lb ON lb.line_id = l.id "
        . "JOIN bouquet_items bi ON bi.bouquet_id = lb.bouquet_id AND bi.item_type = 'live' AND bi.item_id = 11 "
        . "WHERE l.id = $line AND l.status = 'active'") =~ /(\d+)/;
    is($ok_line, 1, 'the line is active and has stream 11 in a bouquet');
    ($rc, undef, $out) = api('POST', '/streams/11/preview', { line_id => 999999 });
    is($rc, 1, 'a line that cannot watch it: refused');
    like($out, qr/line_id: line 999999/, '... naming line_id');
    ($rc, undef, $out) = api('POST', '/streams/11/preview', { bogus => 1 });
    is($rc, 1, 'an unknown body key: 400');
    ($rc, undef, $out) = api('POST', '/streams/999999/preview');
    like($out, qr/not found/, 'an unknown stream: 404');
    api('PATCH', '/streams/11', { enabled => JSON::PP::false() });
    ($rc, undef, $out) = api('POST', '/streams/11/preview');
    like($out, qr/disabled/, 'a disabled stream: 409');
    like(XtreamTest::sql("SELECT action, resource, resource_id FROM admin_audit WHERE action = 'preview' LIMIT 1"),
         qr/^preview\tstreams\t11$/m, 'previews are audited');
}

done_testing();
