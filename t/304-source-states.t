# Honest stream states with real MariaDB + xtreamd + xtream-worker and a
# real HTTP server (python3 -m http.server): a closed port, an unresolvable
# host, an HTTP 404 and a body that is no media become "error" within
# source_error_after + 10 s with the reason in plain words (counted as
# errors); when the source comes up the state returns to "running" by
# itself within 10 s and last_error clears.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use Test::More;
use Time::HiRes qw(sleep time);
use File::Copy qw(copy);
use IO::Socket::INET ();

my $www = "$XtreamTest::Tmp/www";
mkdir $www;
my $src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
copy($src, "$www/lobby.ts") or die "copy: $!";
XtreamTest::spew("$www/junk.ts", "<html><body>not a stream</body></html>\n" x 200);

my @http;   # servers we started, stopped by pid at the end
sub http_server {
    my ($port, $dir) = @_;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDOUT, '>', '/dev/null';
        open STDERR, '>>', "$dir.$port.log";     # one line per request
        exec 'python3', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', $dir, $port;
        exit 127;
    }
    push @http, $pid;
    XtreamSup::wait_for(10, sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Proto => 'tcp') })
        or die "http.server on $port did not start";
    return $pid;
}

my $port = XtreamSup::free_port();
my $closed = XtreamSup::free_port();
http_server($port, $www);

my $after = 3;
XtreamSup::reconfigure(source_error_after => $after);
XtreamTest::import_json({
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [
        { id => 41, name => 'Closed', transcode_profile_id => 1, sources => ["http://127.0.0.1:$closed/src.ts"] },
        { id => 42, name => 'NoDNS', transcode_profile_id => 1, sources => ['http://no-such-host.invalid/x.ts'] },
        { id => 43, name => 'NotFound', transcode_profile_id => 1, sources => ["http://127.0.0.1:$port/late.ts"] },
        { id => 45, name => 'Lobby', transcode_profile_id => 1, sources => ["http://127.0.0.1:$port/lobby.ts"] },
        { id => 44, name => 'Junk', transcode_profile_id => 1, sources => ["http://127.0.0.1:$port/junk.ts"],
          read_native_rate => 'on', source_loop => JSON::PP::false() },
    ],
});
my $t0 = time;

# the reading settings reach the worker's command line
sub cmdline {
    my ($id) = @_;
    my ($pid) = XtreamSup::worker_pids($id);
    return $pid ? join(' ', split /\0/, XtreamTest::slurp("/proc/$pid/cmdline")) : '';
}
XtreamSup::wait_for(5, sub { cmdline(43) && cmdline(44) });
like(cmdline(43), qr/ --loop .*--read-native-rate auto /, 'defaults: --loop --read-native-rate auto');
like(cmdline(44), qr/ --read-native-rate on /, 'read_native_rate on: --read-native-rate on');
unlike(cmdline(44), qr/ --loop /, 'source_loop false: no --loop');

my %want = (41 => qr/^connection refused$/, 42 => qr/^cannot resolve no-such-host\.invalid$/,
            43 => qr/^HTTP 404$/, 44 => qr/invalid data|no audio or video stream/);
for my $id (sort keys %want) {
    my $t = XtreamSup::wait_for($after + 10 - (time - $t0) + 2, sub { ((XtreamSup::status_row($id))[0] // '') eq 'error' });
    my @st = XtreamSup::status_row($id);
    my $dt = time - $t0;
    ok(defined $t && $dt >= $after && $dt <= $after + 10 + 2,
       sprintf("stream %d: error after %.1f s (not before source_error_after %d s, within + 10)", $id, $dt, $after));
    like($st[5] // '', $want{$id}, "stream $id: last_error in plain words: '" . ($st[5] // '') . "'");
}
is(XtreamTest::sql("SELECT COUNT(*) FROM stream_status WHERE state = 'error'"), "4\n", 'four streams counted in error');
# and it stays "error" while the retries go on (no flapping back to "starting")
my %seen;
for (1 .. 30) {
    $seen{(XtreamSup::status_row(42))[0] // ''}++;
    sleep 0.2;
}
is(join(',', sort keys %seen), 'error', 'stream 42 stays in error over 6 s of retries (' . join(' ', map { "$_=$seen{$_}" } sort keys %seen) . ')');

# the sources come up: running again by themselves within 10 s, last_error cleared
copy($src, "$www/late.ts") or die "copy: $!";
http_server($closed, $www);
copy($src, "$www/src.ts") or die "copy: $!";
for my $id (41, 43) {
    my $t1 = time;
    my $t = XtreamSup::wait_for(10, sub { ((XtreamSup::status_row($id))[0] // '') eq 'running' });
    ok(defined $t, sprintf('stream %d: running again %s after the source came up', $id,
                           defined $t ? sprintf('%.1f s', time - $t1) : 'not within 10 s'));
    ok(XtreamSup::wait_for(3, sub { ((XtreamSup::status_row($id))[5] // 'x') eq '' }), "stream $id: last_error cleared");
}
is(XtreamTest::sql("SELECT COUNT(*) FROM stream_status WHERE state = 'error'"), "2\n", 'two left in error');

# a 4 s file over HTTP (the lobby) plays at 1x: the media sequence follows
# the wall clock, one GET of the file per loop, the state is running
my $el = time - $t0;
my @seqs = XtreamSup::playlist_seqs(45);
my $gets = () = XtreamTest::slurp("$www.$port.log") =~ m{"GET /lobby\.ts }g;
is((XtreamSup::status_row(45))[0], 'running', 'the HTTP file stream is running');
ok(@seqs && $seqs[-1] <= $el + 3, sprintf('its segments (1 s) follow the wall clock: last seq %d after %.0f s',
                                          $seqs[-1] // -1, $el));
ok($gets >= 2 && $gets <= $el / 4 + 2, sprintf('%d GETs of the 4 s file in %.0f s (one per loop)', $gets, $el));
my $log = XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log");
unlike($log, qr/unparsable health line/, 'no unparsable health line in the daemon log');

kill 'TERM', @http;
waitpid($_, 0) for @http;
done_testing();
