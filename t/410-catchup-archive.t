# Catch-up end to end: real MariaDB + xtreamd (supervisor, archive scan) +
# xtream-worker (archiving, --archive) + nginx with the module.
#
# Two archives of stream 41, both written by the real worker:
#  - a past one, three hours ago: xtream-worker run under faketime on a
#    150 s ffmpeg-made file (PDT = the faked wall clock + media time), so
#    minute-aligned windows are complete and deterministic;
#  - the live one: the supervisor runs 41 always-on with --archive, and
#    the test kills the worker once to see the archive survive a restart.
# The server zone is Asia/Kolkata (UTC+05:30) so a START string in the
# wrong zone finds the wrong minute.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use POSIX ();
use JSON::PP ();
use File::Path ();
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();
master_on();
workers(2);

our $Arch = "$XtreamTest::Tmp/archive";
our $Tz   = 'Asia/Kolkata';
our $Now  = time;

# the past archive starts on a minute, three hours ago
our $T0 = int(($Now - 3 * 3600) / 60) * 60;

our $Src  = "$XtreamTest::Tmp/src.ts";
our $Long = "$XtreamTest::Tmp/long.ts";
system('ffmpeg', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10',
       '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '150',
       '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p',
       '-c:a', 'aac', $Long) == 0 or die "ffmpeg failed";
XtreamSup::make_media($Src, 4);

XtreamSup::reconfigure(archive_root => $Arch, archive_scan_seconds => 1);
XtreamTest::import_json({
    servers => [{ id => 1, name => 'main', host => '127.0.0.1', http_port => 8080, https_port => 8443,
                  rtmp_port => 1935, is_main => JSON::PP::true() },
                { id => 2, name => 'edge', host => '127.0.0.2', http_port => 8080, https_port => 8443,
                  rtmp_port => 1935, is_main => JSON::PP::false() }],
    categories => [{ id => 1, type => 'live', name => 'Sport', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [
        { id => 41, name => 'Archived', category_id => 1, transcode_profile_id => 1, epg_channel_id => 'a41.tv',
          tv_archive => JSON::PP::true(), tv_archive_duration => 2, sources => ["file://$Src"] },
        { id => 42, name => 'Plain', category_id => 1, transcode_profile_id => 1, epg_channel_id => 'p42.tv',
          sources => ["file:///nonexistent/p42.ts"] },
        { id => 43, name => 'OnDemand archive', category_id => 1, transcode_profile_id => 1,
          epg_channel_id => 'o43.tv', on_demand => JSON::PP::true(),
          tv_archive => JSON::PP::true(), tv_archive_duration => 2, sources => ["file://$Src"] },
        { id => 44, name => 'Elsewhere', category_id => 1, transcode_profile_id => 1, servers => [2],
          tv_archive => JSON::PP::true(), tv_archive_duration => 2, sources => ["file:///nonexistent/e.ts"] },
    ],
    bouquets => [{ id => 1, name => 'All', sort_order => 1, live => [41, 42, 43] },
                 { id => 2, name => 'Other', sort_order => 2, live => [44] }],
    lines => [
        { username => 'demo', password => 'demo-pass', status => 'active', max_connections => 0,
          allowed_outputs => ['ts', 'm3u8'], bouquets => [1] },
        { username => 'one', password => 'one-pass', status => 'active', max_connections => 1,
          allowed_outputs => ['ts', 'm3u8'], bouquets => [1] },
        { username => 'old', password => 'old-pass', status => 'active', max_connections => 0,
          exp_date => 1600000000, allowed_outputs => ['ts', 'm3u8'], bouquets => [1] },
        { username => 'other', password => 'other-pass', status => 'active', max_connections => 0,
          allowed_outputs => ['ts', 'm3u8'], bouquets => [2] },
    ],
    epg => {
        channels => [{ id => 'a41.tv', display_name => 'Archived' }, { id => 'o43.tv', display_name => 'OD' }],
        programmes => [
            { channel => 'a41.tv', start => $T0 + 60, stop => $T0 + 120, title => 'Seeded', description => '' },
            { channel => 'a41.tv', start => int($Now) + 3600, stop => int($Now) + 7200, title => 'Later',
              description => '' },
            { channel => 'o43.tv', start => $T0 + 60, stop => $T0 + 120, title => 'OD past', description => '' },
        ],
    },
});

# the past archive: the real worker, its clock set three hours back
{
    local $ENV{TZ} = 'UTC';
    local $ENV{FAKETIME_DONT_FAKE_MONOTONIC} = 1;
    my $at = POSIX::strftime('@%Y-%m-%d %H:%M:%S', gmtime($T0));
    system('faketime', '-f', $at, "$XtreamTest::Build/xtream-worker", '--stream-id', 41,
           '--output', "$XtreamTest::Tmp/seed-out", '--mode', 'copy', '--segment-seconds', 1,
           '--window', 6, '--archive', "$Arch/41", '--input', $Long) == 0
        or die "seeding worker failed";
}

# archive records of a stream: [start_ms, dur_ms, bytes, disc, file]
sub records {
    my $id = shift;
    my @r;
    for my $idx (sort glob("$Arch/$id/*/index")) {
        my ($hour) = $idx =~ m{/(\d+)/index$};
        my $data = slurp_b($idx);
        for my $rec (unpack('(A38)*', substr($data, 0, length($data) - length($data) % 38))) {
            my ($s, $d, $b, $f) = $rec =~ /^(\d{13}) (\d{8}) (\d{12}) ([D-])$/ or die "bad record $rec";
            push @r, [$s + 0, $d + 0, $b + 0, $f eq 'D', "$Arch/$id/$hour/" . ($s + 0) . ".ts"];
        }
    }
    return sort { $a->[0] <=> $b->[0] } @r;
}

# the records overlapping [from, to) seconds, and their bytes concatenated
sub window {
    my ($id, $from, $to) = @_;
    my @w = grep { $_->[0] < $to * 1000 && $_->[0] + $_->[1] > $from * 1000 } records($id);
    return (\@w, join('', map { slurp_b($_->[4]) } @w));
}

# server-local "YYYY-MM-DD:HH-MM" of a unix time
sub local_start {
    my $t = shift;
    local $ENV{TZ} = $Tz;
    POSIX::tzset();
    my $s = POSIX::strftime('%Y-%m-%d:%H-%M', localtime($t));
    delete local $ENV{TZ};
    POSIX::tzset();
    return $s;
}

sub api {
    my ($q) = @_;
    my ($st, $h, $body) = req("/player_api.php?$q");
    return ($st, eval { JSON::PP->new->decode($body) }, $body);
}

our $HttpConfig = <<"CONF";
    xtream_snapshot_dir \$TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $Tz;
    xtream_zone xtream 1m;
    xtream_secret \$TEST_NGINX_DV_SECRET;
    xtream_media_root \$TEST_NGINX_XT_MEDIA;
    xtream_archive_root $Arch;
    xtream_event_socket \$TEST_NGINX_XT_EVENT_SOCKET;
    xtream_max_connections_policy reject;
    map \$arg_slow \$xt_rate { default 0; 1 8k; }
CONF

dv_blocks($HttpConfig, <<'CONF');
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
    location / { xtream_delivery; limit_rate $xt_rate; }
CONF
XtreamTest::hooks();

our ($Win, $Body) = window(41, $T0 + 60, $T0 + 120);
our $Start = local_start($T0 + 60);
our $Total = length $Body;

run_tests();

__DATA__

=== TEST 1: the seeded archive is the real worker's: one record per 1 s segment, PDT from the faked clock
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 30
--- dv_check
my @r = grep { $_->[0] < ($T0 + 200) * 1000 } records(41);
ok(@r >= 140, scalar(@r) . " archived segments from the past run");
ok($r[0][0] >= $T0 * 1000 && $r[0][0] < ($T0 + 5) * 1000, "first PDT at the faked start");
ok(-s $r[-1][4] == $r[-1][2], "index bytes = file size");
ok(@$Win >= 59 && @$Win <= 62, scalar(@$Win) . " segments in the minute window");
like(XtreamSup::ffprobe_ok($r[0][4]) // '', qr/h264/, 'an archived segment is playable');



=== TEST 2: catch-up is advertised only where the stream really archives: always-on with tv_archive, placed on this server
--- request
GET /player_api.php?username=demo&password=demo-pass&action=get_live_streams
--- error_code: 200
--- timeout: 30
--- dv_check
my $l = JSON::PP->new->decode($body);
my %by = map { $_->{stream_id} => $_ } @$l;
is($by{41}{tv_archive}, 1, '41: tv_archive 1');
is($by{41}{tv_archive_duration}, 2, '41: 2 days');
is($by{42}{tv_archive}, 0, '42: no archive');
is($by{43}{tv_archive}, 0, '43: tv_archive set but on-demand: not advertised');
is($by{43}{tv_archive_duration}, 0, '43: duration 0');
my ($sto, $lo) = api('username=other&password=other-pass&action=get_live_streams');
ok($lo->[0]{stream_id} == 44 && $lo->[0]{tv_archive} == 0,
   '44: tv_archive set but placed on another server only: not advertised here');
my ($st, $h, $m3u) = req('/get.php?username=demo&password=demo-pass&type=m3u_plus&output=ts');
is($st, 200, 'm3u 200');
my ($l41) = $m3u =~ /^(#EXTINF[^\n]*,Archived)\r?$/m;
like($l41 // '', qr/catchup="xc" catchup-days="2"/, '41 carries catchup="xc" catchup-days="2"');
like($l41 // '', qr/timeshift="2"/, '41 carries timeshift="2"');
my ($l43) = $m3u =~ /^(#EXTINF[^\n]*,OnDemand archive)\r?$/m;
ok($l43 && $l43 !~ /catchup|timeshift/, '43 advertises no catch-up');



=== TEST 3: time zone round trip: EPG start string -> timeshift URL -> exactly the archived segments of that programme
--- request
GET /player_api.php?username=demo&password=demo-pass&action=get_simple_data_table&stream_id=41
--- error_code: 200
--- timeout: 30
--- dv_check
my $l = JSON::PP->new->decode($body)->{epg_listings};
my ($p) = grep { $_->{start_timestamp} == $T0 + 60 } @$l;
ok($p, 'the seeded programme is listed');
is($p->{has_archive}, 1, 'ended and inside the archive: has_archive 1');
my ($f) = grep { $_->{start_timestamp} > time } @$l;
is($f->{has_archive}, 0, 'future programme: has_archive 0');
my ($d, $t) = $p->{start} =~ /^(\d{4}-\d\d-\d\d) (\d\d):(\d\d):\d\d$/ ? ($1, "$2-$3") : ();
my $start = "$d:$t";
is($start, $Start, "EPG start $p->{start} is server-local ($Tz)");
my $dur = int(($p->{stop_timestamp} - $p->{start_timestamp}) / 60);
my ($st, $h, $ts) = req("/timeshift/demo/demo-pass/$dur/$start/41.ts", secs => 20);
is($st, 200, '.ts 200');
is($h->{'content-type'}, 'video/mp2t', 'video/mp2t');
is($h->{'content-length'}, $Total, "Content-Length $Total known up front");
is($h->{'accept-ranges'}, 'bytes', 'Accept-Ranges: bytes');
ok($ts eq $Body, 'body = the window\'s archived segments concatenated (byte compare, ' . length($ts) . ' bytes)');
spew_b("$XtreamTest::Tmp/win.ts", $ts);
like(XtreamSup::ffprobe_ok("$XtreamTest::Tmp/win.ts") // '', qr/h264/, 'the window plays (ffprobe)');
my ($st2, $d2) = api("username=demo&password=demo-pass&action=get_simple_data_table&stream_id=43");
is($d2->{epg_listings}[0]{has_archive}, 0, '43 (not archiving): has_archive 0');



=== TEST 4: Range: 206 with Content-Range, suffix, open end; 416 beyond; several ranges -> 200 whole
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 30
--- dv_check
my $u = "/timeshift/demo/demo-pass/1/$Start/41.ts";
my ($st, $h, $b) = req($u, range => 'bytes=1000-1999');
is($st, 206, 'a range: 206');
is($h->{'content-range'}, "bytes 1000-1999/$Total", 'Content-Range');
ok($b eq substr($Body, 1000, 1000), 'bytes 1000-1999');
my $mid = $Win->[0][2] - 10;      # across the first segment boundary
($st, $h, $b) = req($u, range => "bytes=$mid-" . ($mid + 99));
ok($st == 206 && $b eq substr($Body, $mid, 100), 'a range across a segment boundary');
($st, $h, $b) = req($u, range => 'bytes=-500');
ok($st == 206 && $b eq substr($Body, -500), 'suffix range');
my $from = $Total - 300;
($st, $h, $b) = req($u, range => "bytes=$from-");
ok($st == 206 && $b eq substr($Body, $from) && $h->{'content-length'} == 300, 'open-ended range');
($st, $h, $b) = req($u, range => "bytes=$Total-");
is($st, 416, '416 beyond the end');
is($h->{'content-range'}, "bytes */$Total", '416 Content-Range: bytes */total');
($st, $h, $b) = req($u, range => 'bytes=0-1,5-6');
ok($st == 200 && length($b) == $Total, 'several ranges: 200 whole body');
($st, $h, $b) = req($u, method => 'HEAD');
ok($st == 200 && $h->{'content-length'} == $Total && $b eq '', 'HEAD: headers with the length, no body');
--- no_error_log
[alert]
[crit]



=== TEST 5: .m3u8: VOD playlist with ENDLIST, signed segment URLs that serve the archive files; ffprobe plays it over HTTP
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 60
--- dv_check
my $u = "/timeshift/demo/demo-pass/1/$Start/41.m3u8";
my ($st, $h, $pl) = req($u, ua => 'Lavf/59');
is($st, 200, 'playlist answered');
like($h->{'content-type'}, qr{mpegurl}, 'a playlist');
like($pl, qr/#EXT-X-PLAYLIST-TYPE:VOD\n/, 'VOD');
like($pl, qr/#EXT-X-ENDLIST\n$/, 'ENDLIST');
my @uris = $pl =~ m{^(/hls/41/archive/\d+\.ts\?t=\S+)$}mg;
is(scalar @uris, scalar @$Win, 'one URL per archived segment of the window');
like($pl, qr/#EXT-X-PROGRAM-DATE-TIME:\S+Z\n#EXTINF:1\.\d{3},\n/, 'PDT + EXTINF per segment');
my ($st1, $h1, $s1) = req($uris[0], ua => 'Lavf/59');
ok($st1 == 200 && $s1 eq slurp_b($Win->[0][4]), 'first segment = its archive file');
my ($st2, $h2, $s2) = req($uris[-1], ua => 'Lavf/59');
ok($st2 == 200 && $s2 eq slurp_b($Win->[-1][4]), 'last segment = its archive file');
(my $bad = $uris[0]) =~ s/(t=\d+_\d+_)/${1}0/;
my ($st3) = req($bad, ua => 'Lavf/59');
is($st3, 403, 'a forged token: 403');
my ($st4) = req($uris[0], ua => 'Lavf/59', from => '127.0.0.2');
is($st4, 403, 'the token from another address: 403');
(my $moved = $uris[0]) =~ s{/hls/41/archive/}{/hls/41/0/};
my ($st5) = req($moved, ua => 'Lavf/59');
is($st5, 403, 'an archive token on a live segment URL: 403');
my ($rc, $out) = XtreamTest::run_cmd('ffprobe', '-v', 'error', '-show_entries', 'format=duration',
    '-of', 'csv=p=0', "http://127.0.0.1:$ENV{TEST_NGINX_SERVER_PORT}$u");
is($rc, 0, 'ffprobe plays the playlist over HTTP') or diag($out);
ok($out =~ /^([\d.]+)/ && $1 > 50 && $1 < 70, "playlist duration about 60 s ($out)");
--- no_error_log
[alert]
[crit]



=== TEST 6: every URL form serves the same window: /timeshifts/, timeshift.php (ts and m3u8), ?utc=&lutc= on /live/ and the short form
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 60
--- dv_check
(my $enc = $Start) =~ s/:/%3A/g;
for my $u ("/timeshifts/demo/demo-pass/1/41/$Start.ts",
           "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41&start=$Start&duration=1",
           "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41&start=$enc&duration=1&extension=ts",
           "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41.ts&start=$Start&duration=1",
           "/live/demo/demo-pass/41.ts?utc=" . ($T0 + 60) . "&lutc=" . ($T0 + 120),
           "/demo/demo-pass/41?utc=" . ($T0 + 60) . "&lutc=" . ($T0 + 120)) {
    my ($st, $h, $b) = req($u, secs => 20);
    ok($st == 200 && $b eq $Body, "$u: 200, the same bytes") or diag("status $st, " . length($b) . " bytes");
}
for my $u ("/timeshifts/demo/demo-pass/1/41/$Start.m3u8",
           "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41&start=$Start&duration=1&extension=m3u8",
           "/live/demo/demo-pass/41.m3u8?utc=" . ($T0 + 60) . "&lutc=" . ($T0 + 120)) {
    my ($st, $h, $pl) = req($u);
    my @uris = $pl =~ m{^(/hls/41/archive/\d+\.ts\?t=\S+)$}mg;
    ok($st == 200 && $pl =~ /#EXT-X-ENDLIST/ && @uris == @$Win, "$u: the window's VOD playlist");
}
# a shift window of 5 s: only the segments touching it
my ($w5, $b5) = window(41, $T0 + 70, $T0 + 75);
my ($st, $h, $b) = req("/live/demo/demo-pass/41.ts?utc=" . ($T0 + 70) . "&lutc=" . ($T0 + 75));
ok($st == 200 && $b eq $b5 && @$w5 >= 5 && @$w5 <= 6, 'utc/lutc to the second: ' . scalar(@$w5) . ' segments');
--- no_error_log
[alert]
[crit]



=== TEST 7: bad windows and formats get the right codes: 400 malformed, 404 outside the archive, 401/403/406 like live
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 60
--- dv_check
my $past = local_start($T0 + 60);
my %want = (
    "/timeshift/demo/demo-pass/1/2026-02-30:10-00/41.ts"  => 400,
    "/timeshift/demo/demo-pass/1/2026-12-06:24-00/41.ts"  => 400,
    "/timeshift/demo/demo-pass/1/2026-12-06:10-60/41.ts"  => 400,
    "/timeshift/demo/demo-pass/1/1700000000/41.ts"        => 400,
    "/timeshift/demo/demo-pass/1/2026-12-0:10-00/41.ts"   => 400,
    "/timeshift/demo/demo-pass/0/$past/41.ts"             => 400,
    "/timeshift/demo/demo-pass/1441/$past/41.ts"          => 400,
    "/timeshift/demo/demo-pass/060/$past/41.ts"           => 400,
    "/timeshift/demo/demo-pass/99999999999999/$past/41.ts" => 400,
    "/timeshift/demo/demo-pass/x/$past/41.ts"             => 400,
    "/timeshift/demo/demo-pass/1/$past/41.mkv"            => 400,
    "/timeshift/demo/demo-pass/1/$past/41"                => 400,
    "/timeshift/demo/demo-pass/1/$past%2f..%2f/41.ts"     => 400,
    "/timeshifts/demo/demo-pass/1/41/$past"               => 400,
    "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41&duration=1" => 400,
    "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41&start=$past" => 400,
    "/streaming/timeshift.php?username=demo&password=demo-pass&stream=4x1&start=$past&duration=1" => 400,
    "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41&start=$past&duration=1&extension=mp4" => 400,
    "/streaming/timeshift.php?username=demo&password=demo-pass&stream=41&start=$past%00&duration=1" => 400,
    "/streaming/timeshift.php?password=demo-pass&stream=41&start=$past&duration=1" => 400,
    "/live/demo/demo-pass/41.ts?utc=abc"                  => 400,
    "/live/demo/demo-pass/41.ts?utc=" . ($T0 + 60) . "&lutc=" . ($T0 + 10) => 400,
    "/live/demo/demo-pass/41.ts?utc=99999999999999999999" => 400,
    # outside the archive
    "/timeshift/demo/demo-pass/60/" . local_start(time + 7200) . "/41.ts" => 404,
    "/timeshift/demo/demo-pass/60/" . local_start(time - 5 * 86400) . "/41.ts" => 404,
    "/timeshift/demo/demo-pass/30/" . local_start(time - 5400) . "/41.ts" => 404,   # the gap between runs
    "/timeshift/demo/demo-pass/1/$past/42.ts"             => 404,   # no archive
    "/timeshift/demo/demo-pass/1/$past/43.ts"             => 404,   # tv_archive, not archiving
    "/timeshift/demo/demo-pass/1/$past/43.m3u8"           => 404,
    # the line's checks, as live
    "/timeshift/demo/wrong-pass/1/$past/41.ts"            => 401,
    "/timeshift/nobody/demo-pass/1/$past/41.ts"           => 401,
    "/streaming/timeshift.php?username=demo&password=wrong&stream=41&start=$past&duration=1" => 401,
    "/timeshift/old/old-pass/1/$past/41.ts"               => 403,   # expired
    "/timeshift/other/other-pass/1/$past/41.ts"           => 406,   # not entitled
    "/timeshift/demo/demo-pass/1/$past/999.ts"            => 406,   # unknown stream
    "/live/other/other-pass/41.ts?utc=" . ($T0 + 60)      => 406,
);
for my $u (sort keys %want) {
    my ($st) = req($u);
    is($st, $want{$u}, "$u -> $want{$u}");
}
--- no_error_log
[alert]
[crit]



=== TEST 8: a timeshift viewer counts like a live one: max_connections 1 (reject) refuses a second while the first plays
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 60
--- dv_check
my $s = send_req("/timeshift/one/one-pass/1/$Start/41.ts?slow=1");
my $head = '';
my $sel = IO::Select->new($s);
while ($head !~ /\r\n\r\n/ && $sel->can_read(5)) { sysread($s, $head, 4096, length $head) or last }
like($head, qr{^HTTP/1\.1 200}, 'first (slow) timeshift transfer: 200');
my ($st) = req("/timeshift/one/one-pass/1/$Start/41.ts");
is($st, 403, 'second connection of the line: 403 (reject)');
my ($st2, $l) = api("username=one&password=one-pass");
is($l->{user_info}{active_cons}, "1", 'active_cons counts the timeshift viewer');
my $one = (split /\s+/, XtreamTest::sql("SELECT id FROM `lines` WHERE username = 'one'"))[0];
ok(XtreamSup::wait_for(10, sub { XtreamTest::sql("SELECT COUNT(*) FROM live_connections WHERE line_id = $one "
                                                 . "AND stream_id = 41 AND kind = 'timeshift'") =~ /^1\b/ }),
   'xtreamd shows the viewer in live_connections, kind timeshift');
close $s;
ok(XtreamSup::wait_for(10, sub { (api("username=one&password=one-pass"))[1]{user_info}{active_cons} eq "0" }),
   'released when the first ends');
ok(XtreamSup::wait_for(10, sub { XtreamTest::sql("SELECT COUNT(*) FROM activity WHERE line_id = $one AND kind = 'timeshift' "
                                                 . "AND ended IS NOT NULL AND bytes > 0") =~ /^[1-9]/ }),
   'and its activity row is closed, kind timeshift, with the bytes sent');
my ($st3, $h3, $b3) = req("/timeshift/one/one-pass/1/$Start/41.ts", secs => 20);
ok($st3 == 200 && $b3 eq $Body, 'then a new one plays');
--- no_error_log
[alert]
[crit]



=== TEST 9: the live archive: the supervisor's worker archives, survives a kill -9 (restart marked D), and a just-past window plays
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 90
--- dv_check
my $since = time;
my $live = sub { grep { $_->[0] > ($T0 + 3600) * 1000 } records(41) };
ok(XtreamSup::wait_for(30, sub { my @r = $live->(); @r >= 4 }), 'the running worker archives') or return;
my @pids = XtreamSup::worker_pids(41);
is(scalar @pids, 1, 'one worker for 41');
my ($cmd) = XtreamTest::slurp("/proc/$pids[0]/cmdline") =~ /(--archive\0[^\0]+)/;
is($cmd, "--archive\0$Arch/41", "it was started with --archive $Arch/41");
my @before = $live->();
kill 'KILL', @pids;
ok(XtreamSup::wait_for(30, sub { my @p = XtreamSup::worker_pids(41); @p && $p[0] != $pids[0] }), 'restarted');
ok(XtreamSup::wait_for(30, sub { my @r = $live->(); @r >= @before + 3 }), 'archiving again');
my @after = $live->();
ok((grep { -e $_->[4] } @before) == @before, 'the archive from before the kill is still there');
my ($d) = grep { $_->[3] && $_->[0] > $before[-1][0] } @after;
ok($d, 'the first segment after the restart is marked as a discontinuity');
for my $i (1 .. $#after) {
    die "PDT went backwards" if $after[$i][0] < $after[$i - 1][0] + $after[$i - 1][1] - 50;
}
ok(1, 'PDT never goes backwards across the restart');
my $from = int($after[0][0] / 1000) + 1;
my ($w, $exp) = window(41, $from, $from + 3);
my ($st, $h, $b) = req("/live/demo/demo-pass/41.ts?utc=$from&lutc=" . ($from + 3));
ok($st == 200 && $b eq $exp && @$w >= 3, 'a window of the live archive: ' . scalar(@$w) . ' segments, same bytes');
# a catch-up window across the kill -9: counters run on, the restart is flagged
my ($ws, $we) = (int($before[-2][0] / 1000), int($d->[0] / 1000) + 3);
my ($st2, $h2, $b2) = req("/live/demo/demo-pass/41.ts?utc=$ws&lutc=$we");
my ($bad, $fl, $np) = ts_cc_check($b2 // '');
ok($st2 == 200 && $np > 100 && $bad == 0 && $fl >= 3,
   "catch-up .ts across the restart: $np packets, $bad counter jumps without a flag, $fl flagged packets");
my ($st3, $h3, $pl) = req("/live/demo/demo-pass/41.m3u8?utc=$ws&lutc=$we");
like($pl // '', qr/#EXT-X-DISCONTINUITY\n/, 'its .m3u8 marks the restart with #EXT-X-DISCONTINUITY');
--- no_error_log
[alert]
[crit]



=== TEST 10: pruning: hours older than the stream's archive days and archives of streams that do not archive are removed; disk use recorded; a damaged index is a 500
--- request
GET /live/demo/demo-pass/999.ts
--- error_code: 406
--- timeout: 60
--- dv_check
my $seg = (records(41))[0][4];
my $old = int((time - 3 * 86400) / 3600);
my $keep = int((time - 86400) / 3600);
for my $d ("$Arch/41/$old", "$Arch/41/$keep", "$Arch/777/$keep", "$Arch/42/$keep") {
    File::Path::make_path($d);
    my $ms = (($d =~ m{/(\d+)$})[0]) * 3600000 + 1000;
    link($seg, "$d/$ms.ts") or die "link: $!";
    spew_b("$d/index", sprintf("%013d %08d %012d -\n", $ms, 1000, -s $seg));
}
ok(XtreamSup::wait_for(20, sub { !-e "$Arch/41/$old" && !-e "$Arch/777" && !-e "$Arch/42" }),
   'expired hour of 41, unknown stream 777 and non-archiving 42: removed');
ok(-e "$Arch/41/$keep/index", 'an hour inside the 2 days is kept');
ok(-e $seg, 'the seeded archive (3 h old) is kept');
my $row = XtreamTest::sql("SELECT bytes, segments, keep_days FROM archive_usage WHERE stream_id = 41");
my ($bytes, $segs, $days) = split /\s+/, $row;
ok($bytes > 1_000_000 && $segs >= 150, "archive_usage: 41 uses $bytes bytes in $segs segments");
is($days, 2, 'archive_usage: kept 2 days');
# a damaged index (not the worker's records) is a server fault, never a crash
my $bad = int((time - 7200) / 3600);
File::Path::make_path("$Arch/41/$bad");
spew_b("$Arch/41/$bad/index", "not an index record at all, 38 bytes\n" x 3);
my ($st) = req("/timeshift/demo/demo-pass/5/" . local_start($bad * 3600 + 600) . "/41.ts");
is($st, 500, 'a malformed hour index: 500');
File::Path::remove_tree("$Arch/41/$bad");
like(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"), qr/archive: \d+ streams, \d+ bytes in \d+ segments; pruned [1-9]/,
     'the scan logs its disk use and what it pruned');
--- no_error_log
[alert]
[crit]
