# Abuse, revocation (issue 18, findings 3 and 5): a ban, an admin kill, a
# deletion, a disable and an expiry reach every delivery kind a viewer may
# hold open within 2 s: catch-up HLS segments (tokens issued for the whole
# window, the finding), catch-up TS (a slow reader inside one archive
# segment) and live HLS segments.  Before the fix catch-up segments were
# served by their token alone for up to ~25 h, and a kill did not reach a
# catch-up viewer whose session had idled out (paused) before it.  A killed HLS viewer's next
# playlist request is refused with an empty 403 and nothing else (no
# "[alert] header already sent", no playlist).
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use Test::More;
use POSIX ();
use JSON::PP ();
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
our ($Secret);

my $Limit = $ENV{XT_REVOKE_SECONDS} || 2;
my $Arch = "$XtreamTest::Tmp/archive";
my $Tz = 'Europe/London';
my $T0 = int((time - 2 * 3600) / 60) * 60;

# live HLS media in the worker's layout
make_media();
master(42, 1);
publish(42, 0, 0, 1, 2);

my @Acts = qw(ban kill delete disable expire);
XtreamSup::reconfigure(archive_root => $Arch, archive_scan_seconds => 1);
XtreamTest::import_json({
    servers => [{ id => 1, name => 'main', host => '127.0.0.1', http_port => 8080, https_port => 8443,
                  rtmp_port => 1935, is_main => JSON::PP::true() }],
    categories => [{ id => 1, type => 'live', name => 'Sport', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy', segment_seconds => 1, window_segments => 6 }],
    # 41: archived (always-on: an on-demand stream keeps no archive; its
    # source is missing, the seeded archive is all there is); 42: live HLS
    # from the fixture media
    streams => [{ id => 41, name => 'Archived', category_id => 1, transcode_profile_id => 1,
                  tv_archive => JSON::PP::true(), tv_archive_duration => 1,
                  sources => ['file:///nonexistent/a41.ts'] },
                { id => 42, name => 'Live', category_id => 1, transcode_profile_id => 1,
                  on_demand => JSON::PP::true(), sources => ['file:///nonexistent/a42.ts'] }],
    bouquets => [{ id => 1, name => 'All', sort_order => 1, live => [41, 42] }],
    lines => [map { { username => "v$_", password => "v$_-pass", status => 'active', max_connections => 0,
                      allowed_outputs => ['ts', 'm3u8'], bouquets => [1] } } @Acts, 'idle'],
});

# the archive (after the import: xtreamd prunes what belongs to no
# archived stream): the real worker, its clock set two hours back, on a 130 s file
my $Long = "$XtreamTest::Tmp/long.ts";
system('ffmpeg', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10',
       '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '130',
       '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p',
       '-c:a', 'aac', $Long) == 0 or die "ffmpeg failed";
{
    local $ENV{TZ} = 'UTC';
    local $ENV{FAKETIME_DONT_FAKE_MONOTONIC} = 1;
    my $at = POSIX::strftime('@%Y-%m-%d %H:%M:%S', gmtime($T0));
    system('faketime', '-f', $at, "$XtreamTest::Build/xtream-worker", '--stream-id', 41,
           '--output', "$XtreamTest::Tmp/seed-out", '--mode', 'copy', '--segment-seconds', 1,
           '--window', 6, '--archive', "$Arch/41", '--input', $Long) == 0
        or die "seeding worker failed";
}
my $ng = XtreamNginx->start(http => <<"HTTP", server => <<'SERVER');
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_timezone $Tz;
    xtream_zone xtream 1m;
    xtream_secret $Secret;
    xtream_media_root $XtreamTest::Tmp/media;
    xtream_archive_root $Arch;
    xtream_ondemand_stale 0;
    xtream_hls_idle 5s;
    map \$arg_slow \$xt_rate { default 0; 1 8k; }
HTTP
        location = /player_api.php { xtream_api; }
        location / { xtream_delivery; limit_rate $xt_rate; }
SERVER
XtreamSup::wait_for(20, sub { ($ng->get('/player_api.php?username=vban&password=vban-pass'))[2] =~ /"auth":1/ })
    or BAIL_OUT('the lines never logged in');

my $Start = do {
    local $ENV{TZ} = $Tz;
    POSIX::tzset();
    my $s = POSIX::strftime('%Y-%m-%d:%H-%M', localtime($T0 + 60));
    delete local $ENV{TZ};
    POSIX::tzset();
    $s;
};

my %id = map { /^(\d+)\t(\S+)/ ? ($2 => $1) : () } split /\n/, (XtreamTest::xtctl('line', 'list'))[1];

my %do = (
    ban     => sub { XtreamTest::xtctl('line', 'set', 'vban', '--status', 'banned') },
    kill    => sub { XtreamTest::xtctl('api', 'POST', "/lines/$id{vkill}/kill") },
    delete  => sub { XtreamTest::xtctl('line', 'del', 'vdelete') },
    disable => sub { XtreamTest::xtctl('line', 'set', 'vdisable', '--status', 'disabled') },
    # expiry needs no change at all: the line runs out while viewers watch
    expire  => sub { XtreamTest::xtctl('line', 'set', 'vexpire', '--exp-date', int(time) + 3); sleep 3 },
);

# seconds until every probe answers 403 (undef when not within $Limit + 8)
sub refused_after {
    my ($t0, @probes) = @_;
    my $t = XtreamSup::wait_for($Limit + 8, sub { !grep { ($ng->get($_))[0] != 403 } @probes });
    return defined $t ? time - $t0 : undef;
}

for my $a (@Acts) {
    my ($u, $p) = ("v$a", "v$a-pass");
    my ($st, $h, $pl) = $ng->get("/timeshift/$u/$p/1/$Start/41.m3u8");
    is($st, 200, "$a: catch-up playlist 200");
    my ($cseg) = $pl =~ m{^(/hls/41/archive/\d+\.ts\?t=\S+)$}m;
    ($st, $h, $pl) = $ng->get("/live/$u/$p/42.m3u8");
    my ($lseg) = $pl =~ m{^(/hls/42/0/\d+\.ts\?t=\S+)$}m;
    ok($cseg && $lseg, "$a: signed catch-up and live segment URLs");
    is(($ng->get($cseg))[0], 200, "$a: catch-up segment 200");
    is(($ng->get($lseg))[0], 200, "$a: live segment 200");
    my ($ts, $tst) = $ng->open_stream("/timeshift/$u/$p/1/$Start/41.ts?slow=1");
    is($tst, 200, "$a: catch-up TS (a slow reader) 200");

    $do{$a}->();
    my $t0 = time;
    my $ended = ended_within($ts, $Limit + 8) ? time - $t0 : undef;
    close $ts;
    ok(defined $ended && $ended <= $Limit, sprintf("$a: the catch-up TS body ended %.2f s after", $ended // -1));
    my $dt = refused_after($t0, $cseg, $lseg);
    ok(defined $dt && $dt <= $Limit, sprintf("$a: catch-up and live segments refused (403) %.2f s after",
                                            $dt // -1));

    if ($a eq 'kill') {
        # finding 5: the killed viewer's own playlist request
        my $before = length $ng->error_log;
        my ($kst, $kh, $kbody) = $ng->get("/live/$u/$p/42.m3u8");
        is($kst, 403, 'kill: the killed viewer\'s playlist request is refused (403)');
        is($kbody, '', 'kill: and gets no playlist');
        my $log = substr($ng->error_log, $before);
        unlike($log, qr/\[alert\]|header already sent/, 'kill: no "[alert] header already sent"');
        ($kst) = $ng->get("/live/$u/$p/42.m3u8", from => '127.0.0.2');
        is($kst, 200, 'kill: the line stays active (another viewer plays)');
    }
}

# a catch-up viewer pauses longer than xtream_hls_idle (its session leaves
# the zone), then the line is killed: its tokens no longer match
{
    my ($st, $h, $pl) = $ng->get("/timeshift/vidle/vidle-pass/1/$Start/41.m3u8");
    my ($cseg) = $pl =~ m{^(/hls/41/archive/\d+\.ts\?t=\S+)$}m;
    is(($ng->get($cseg))[0], 200, 'paused viewer: catch-up segment 200');
    sleep 6;
    is(($ng->get($cseg))[0], 200, 'after a pause longer than xtream_hls_idle: still 200 (admitted again)');
    sleep 6;
    XtreamTest::xtctl('api', 'POST', "/lines/$id{vidle}/kill");
    my $t0 = time;
    my $dt = refused_after($t0, $cseg);
    ok(defined $dt && $dt <= $Limit, sprintf('kill after a pause: its catch-up segments refused %.2f s after',
                                            $dt // -1));
}

is_deeply([$ng->alerts], [], 'no alerts in the nginx error log');
done_testing();
