# Kodi itself (issue 17): the real Kodi with PVR IPTV Simple, headless
# under Xvfb and driven over JSON-RPC, against the suite's nginx + module
# + xtreamd: it loads the channels and the guide from the default playlist
# (type=m3u_plus&output=ts) and from output=m3u8, marks the archived
# channel as having catch-up, plays it live, and plays a past programme
# from the archive (the timeshift URL it derives itself, seen in nginx's
# access log).  The past archive is written by the real worker under
# faketime, as in t/410.  Kodi runs with the server's time zone, as Kodi's
# catch-up needs (docs/PLAYLISTS.md).  Skipped when kodi, the add-on or
# xvfb-run is not installed.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
BEGIN {
    my @need = ('/usr/bin/kodi', '/usr/bin/xvfb-run', '/usr/share/kodi/addons/pvr.iptvsimple/addon.xml');
    my @missing = grep { !-e } @need;
    if (@missing) {
        print "1..0 # SKIP Kodi test: not installed (@missing); packages kodi kodi-pvr-iptvsimple "
            . "kodi-inputstream-ffmpegdirect xvfb\n";
        exit 0;
    }
}
use XtreamTest;
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use POSIX ();
use File::Path ();
use JSON::PP ();
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();
master_on();
workers(1);

our $Tz = 'Asia/Kolkata';
our $K = "$XtreamTest::Tmp/kodi";
our $Alog = "$XtreamTest::Tmp/log/kodi-access.log";
our $Arch = "$XtreamTest::Tmp/archive";
my $now = time;
our $T0 = int(($now - 2 * 3600) / 60) * 60;       # the past programme's archive
my $long = "$XtreamTest::Tmp/long.ts";
my $src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
XtreamSup::make_media($long, 150);

XtreamSup::reconfigure(archive_root => $Arch, archive_scan_seconds => 1);
XtreamTest::import_json({
    settings => { timezone => $Tz, server_name => 'kodi-test' },
    servers => [{ id => 1, name => 'main', host => '127.0.0.1', http_port => 8080, https_port => 8443,
                  rtmp_port => 1935, is_main => JSON::PP::true() }],
    categories => [{ id => 1, type => 'live', name => 'TV', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'c', mode => 'copy', segment_seconds => 1, window_segments => 6 }],
    streams => [{ id => 41, name => 'Catchup TV', category_id => 1, transcode_profile_id => 1, epg_channel_id => 'c41.tv',
                  tv_archive => JSON::PP::true(), tv_archive_duration => 2, sources => ["file://$src"] }],
    bouquets => [{ id => 1, name => 'All', sort_order => 1, live => [41] }],
    lines => [{ username => 'kodi', password => 'kodi-pass', status => 'active', bouquets => [1],
                allowed_outputs => ['ts', 'm3u8'] }],
    epg => { channels => [{ id => 'c41.tv', display_name => 'Catchup TV' }],
             programmes => [
                 { channel => 'c41.tv', start => $T0, stop => $T0 + 120, title => 'Archived show', description => 'past' },
                 { channel => 'c41.tv', start => $T0 + 120, stop => int($now) + 1800, title => 'Long show', description => '' },
                 { channel => 'c41.tv', start => int($now) + 1800, stop => int($now) + 3600, title => 'Next', description => '' }] },
});
{
    local $ENV{TZ} = 'UTC';
    local $ENV{FAKETIME_DONT_FAKE_MONOTONIC} = 1;
    system('faketime', '-f', POSIX::strftime('@%Y-%m-%d %H:%M:%S', gmtime($T0)), "$XtreamTest::Build/xtream-worker",
           '--stream-id', 41, '--output', "$XtreamTest::Tmp/seed", '--mode', 'copy', '--segment-seconds', 1,
           '--window', 6, '--archive', "$Arch/41", '--input', $long) == 0 or die "seeding worker failed";
}

sub rpc {
    my ($port, $method, $params) = @_;
    my $body = JSON::PP->new->encode({ jsonrpc => '2.0', id => 1, method => $method,
                                       ($params ? (params => $params) : ()) });
    my $out = `curl -s -m 20 -H 'Content-Type: application/json' --data-binary \Q$body\E http://127.0.0.1:$port/jsonrpc`;
    my $r = eval { JSON::PP->new->decode($out) } // {};
    return $r->{result};
}

# a Kodi with its own profile; returns (pid of its process group, rpc port)
sub kodi_start {
    my ($name, $query) = @_;
    my $home = "$K/$name";
    my $ud = "$home/.kodi/userdata";
    File::Path::make_path("$ud/addon_data/pvr.iptvsimple");
    my $port = XtreamSup::free_port();
    my $base = "http://127.0.0.1:$ENV{TEST_NGINX_SERVER_PORT}";
    XtreamTest::spew("$ud/guisettings.xml", <<"X");
<settings version="2">
    <setting id="services.webserver">true</setting>
    <setting id="services.webserverport">$port</setting>
    <setting id="services.webserverauthentication">false</setting>
    <setting id="services.esallinterfaces">false</setting>
    <setting id="audiooutput.audiodevice">NULL</setting>
    <setting id="locale.timezonecountry">India</setting>
    <setting id="locale.timezone">$Tz</setting>
</settings>
X
    (my $m3u = "$base/get.php?username=kodi&password=kodi-pass&$query") =~ s/&/&amp;/g;
    XtreamTest::spew("$ud/addon_data/pvr.iptvsimple/settings.xml", <<"X");
<settings version="2">
    <setting id="m3uPathType">1</setting>
    <setting id="m3uUrl">$m3u</setting>
    <setting id="m3uCache">false</setting>
    <setting id="epgPathType">1</setting>
    <setting id="epgUrl">$base/xmltv.php?username=kodi&amp;password=kodi-pass</setting>
    <setting id="epgCache">false</setting>
    <setting id="catchupEnabled">true</setting>
</settings>
X
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        POSIX::setsid();
        $ENV{HOME} = $home;
        $ENV{TZ} = $Tz;
        open STDOUT, '>', "$home/kodi.out";
        open STDERR, '>&', \*STDOUT;
        chdir $home;
        # no core file in the tree if Kodi crashes on its way out
        exec 'sh', '-c', 'ulimit -c 0; exec xvfb-run -a -s "-screen 0 1280x720x24" kodi --standalone';
        exit 127;
    }
    XtreamSup::wait_for(180, sub { rpc($port, 'JSONRPC.Version') })
        or do { diag(XtreamTest::slurp("$home/kodi.out")); return ($pid, undef) };
    rpc($port, 'Addons.SetAddonEnabled', { addonid => 'pvr.iptvsimple', enabled => JSON::PP::true() });
    return ($pid, $port);
}

sub kodi_stop {
    my ($pid, $port) = @_;
    rpc($port, 'Application.Quit') if $port;
    XtreamSup::wait_for(20, sub { waitpid($pid, POSIX::WNOHANG()) == $pid }) and return;
    kill 'TERM', -$pid;                     # the process group we started
    XtreamSup::wait_for(10, sub { waitpid($pid, POSIX::WNOHANG()) == $pid }) and return;
    kill 'KILL', -$pid;
    waitpid($pid, 0);
}

# the access log lines since offset: [status, path]
sub alog_since {
    my $from = shift;
    my $t = XtreamTest::slurp($Alog);
    return map { m{"GET (\S+) HTTP/1\.[01]" (\d{3})} ? [$2, $1] : () } split /\n/, substr($t, $from // 0);
}

# Kodi's id of a broadcast (its EPG database; JSON-RPC lists broadcasts
# without ids in Kodi 20)
sub broadcast_id {
    my ($home, $start) = @_;
    my ($db) = sort glob("$home/.kodi/userdata/Database/Epg*.db");
    my ($rc, $out) = XtreamTest::run_cmd('python3', '-c', 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
r = c.execute("select idBroadcast from epgtags where iStartTime = ?", (int(sys.argv[2]),)).fetchall()
print(r[0][0] if r else "")', $db // '', $start);
    chomp $out;
    return $out =~ /^\d+$/ ? $out : undef;
}

our $HttpConfig = dv_archive_http($Tz, $Arch);

dv_blocks($HttpConfig, <<"CONF");
    access_log $Alog;
    location = /get.php { xtream_api; }
    location = /xmltv.php { xtream_api; }
    location = /player_api.php { xtream_api; }
    location / { xtream_delivery; }
CONF
XtreamTest::hooks();
run_tests();

__DATA__

=== TEST 1: Kodi + PVR IPTV Simple, default playlist and output=m3u8: channels, guide, catch-up flag, live play, a past programme played from the archive
--- request
GET /get.php?username=kodi&password=kodi-pass&type=m3u_plus&output=ts
--- error_code: 200
--- timeout: 600
--- dv_check
ok(XtreamSup::wait_for(30, sub { (req('/player_api.php?username=kodi&password=kodi-pass&action=get_live_streams'))[2]
                                 =~ /"tv_archive":1/ }), 'the channel archives (tv_archive 1)');
for my $case (['ts', 'type=m3u_plus&output=ts', qr{^/kodi/kodi-pass/41$}, qr{^/timeshift/kodi/kodi-pass/\d+/[\d-]+:\d\d-\d\d/41\.ts$}],
              ['m3u8', 'type=m3u_plus&output=m3u8', qr{^/live/kodi/kodi-pass/41\.m3u8}, qr{^/timeshift/kodi/kodi-pass/\d+/[\d-]+:\d\d-\d\d/41\.m3u8$}]) {
    my ($name, $query, $live_re, $past_re) = @$case;
    my ($pid, $port) = kodi_start($name, $query);
    ok($port, "$name: Kodi answers JSON-RPC") or do { kodi_stop($pid); next };
    my $ch;
    XtreamSup::wait_for(90, sub {
        my $r = rpc($port, 'PVR.GetChannels', { channelgroupid => 'alltv', properties => ['hasarchive'] });
        ($ch) = grep { $_->{label} eq 'Catchup TV' } @{ $r->{channels} // [] };
        $ch });
    ok($ch, "$name: Kodi lists the channel") or do { kodi_stop($pid, $port); next };
    ok($ch->{hasarchive}, "$name: with catch-up (XC catch-up derived from the playlist URL)");
    my @b;
    XtreamSup::wait_for(60, sub {
        my $r = rpc($port, 'PVR.GetBroadcasts', { channelid => $ch->{channelid}, properties => ['title', 'starttime'] });
        @b = @{ $r->{broadcasts} // [] };
        grep { $_->{title} eq 'Archived show' } @b });
    is_deeply([map { $_->{title} } @b], ['Archived show', 'Long show', 'Next'], "$name: the guide, from xmltv.php");
    # live: nginx logs the transfer when it ends, so look after stopping
    my $off = -s $Alog;
    rpc($port, 'Player.Open', { item => { channelid => $ch->{channelid} } });
    ok(XtreamSup::wait_for(60, sub { @{ rpc($port, 'Player.GetActivePlayers') // [] } }), "$name: Kodi plays the channel");
    sleep 8;
    my $p = rpc($port, 'Player.GetProperties', { playerid => 1, properties => ['speed'] });
    is($p && $p->{speed}, 1, "$name: still playing after 8 s");
    rpc($port, 'Player.Stop', { playerid => 1 });
    my ($live);
    ok(XtreamSup::wait_for(30, sub { ($live) = grep { $_->[1] =~ $live_re } alog_since($off); $live }),
       "$name: live play asked the channel URL of the playlist");
    like($live->[0] // '', qr/^200$/, "$name: and got 200") if $live;
    sleep 2;
    # a past programme
    # Kodi writes its guide to its database a little after loading it
    my $bid;
    XtreamSup::wait_for(180, sub { $bid = broadcast_id("$K/$name", $T0) });
    ok($bid, "$name: the past programme has a broadcast id") or do { kodi_stop($pid, $port); next };
    $off = -s $Alog;
    rpc($port, 'Player.Open', { item => { broadcastid => $bid + 0 } });
    my ($hit);
    ok(XtreamSup::wait_for(60, sub { ($hit) = grep { $_->[1] =~ $past_re } alog_since($off); $hit }),
       "$name: Kodi asks the timeshift URL it built itself") or diag(join "\n", map { "@$_" } alog_since($off));
    like($hit->[0] // '', qr/^20[06]$/, "$name: $hit->[1] answers $hit->[0]") if $hit;
    my ($start) = ($hit->[1] // '') =~ m{/(\d{4}-\d\d-\d\d:\d\d-\d\d)/};
    is($start, POSIX::strftime('%Y-%m-%d:%H-%M', localtime_tz($T0)), "$name: the start is the programme's, in the server's zone");
    ok(XtreamSup::wait_for(60, sub { my $p = rpc($port, 'Player.GetProperties', { playerid => 1, properties => ['time'] });
                                     $p && ($p->{time}{seconds} + 60 * $p->{time}{minutes}) >= 2 }),
       "$name: the past programme plays");
    rpc($port, 'Player.Stop', { playerid => 1 });
    kodi_stop($pid, $port);
}

sub localtime_tz {
    local $ENV{TZ} = $main::Tz;
    POSIX::tzset();
    my @t = localtime(shift);
    delete local $ENV{TZ};
    POSIX::tzset();
    return @t;
}
