# Encrypted HLS (AES-128) through a real nginx + module: a real
# xtream-worker encrypts a channel with keys derived from xtream_secret
# (given on a pipe); the module rewrites the key URIs into signed ones,
# gates the key like a segment and derives the same key. ffmpeg plays the
# channel through nginx; forged, expired, other-stream and other-session key
# tokens and a banned line get 403; the bytes on disk do not decode.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/delivery.json';
use Test::Nginx::Socket 'no_plan';
use Digest::SHA ();
use POSIX ();
use Time::HiRes qw(sleep time);
require './t/delivery-helpers.pl';
our ($Media, $Secret);

repeat_each(1);
no_shuffle();
no_root_location();
master_on();
workers(2);

# stream 11, rotation 2: 2 s segments of an 8 s file, keys 0, 0, 1, 1
my $src = "$XtreamTest::Tmp/enc-src.mp4";
system('ffmpeg', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10',
       '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '8', '-c:v', 'libx264',
       '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p', '-c:a', 'aac', $src) == 0
    or die "ffmpeg source failed";
{
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $w;
        my $fd = fileno($r);
        POSIX::dup2($fd, 9) or POSIX::_exit(126);
        exec "$XtreamTest::Build/xtream-worker", '--stream-id', '11', '--output', "$Media/11",
            '--mode', 'copy', '--read-native-rate', 'off', '--segment-seconds', '2',
            '--key-rotation', '2', '--encrypt-secret-fd', '9', '--input', $src or POSIX::_exit(127);
    }
    close $r;
    print $w "$Secret\n";
    close $w;
    waitpid($pid, 0);
    die "xtream-worker failed: $?" if $?;
}

sub hls_key {
    my ($stream, $index) = @_;
    return substr(Digest::SHA::hmac_sha256("xtream-key" . pack('N', $stream) . pack('Q>', $index), $Secret), 0, 16);
}

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
    xtream_zone xtream 1m;
    xtream_secret $TEST_NGINX_DV_SECRET;
    xtream_media_root $TEST_NGINX_XT_MEDIA;
    xtream_event_socket $TEST_NGINX_XT_EVENT_SOCKET;
CONF

our $Config = <<'CONF';
    location / { xtream_delivery; }
CONF

dv_blocks($HttpConfig, $Config);
XtreamTest::hooks();

run_tests();

__DATA__

=== TEST 1: encrypted channel: key URIs signed and gated, the key derived, ffmpeg plays it
--- timeout: 120
--- dv_check
my @keys = $body =~ m{^#EXT-X-KEY:METHOD=AES-128,URI="(/hls/11/0/(\d+)\.key\?t=(\S+?))",IV=0x([0-9a-f]{32})$}mg;
my @segs = $body =~ m{^(/hls/11/0/(\d+)\.ts\?t=\S+)$}mg;
is(scalar(@keys) / 4, scalar(@segs) / 2, "one signed key URI per segment") or diag $body;
ok(@segs >= 6, "at least 3 segments") or diag $body;
my ($kurl, $kidx, $ktok, $iv) = @keys[4 .. 7];     # the second segment's key
is($kidx, int($segs[3] / 2), "key index = seq / rotation");
is(hex(substr($iv, 16)), $segs[3], "IV = seq");
my ($st, $h, $b) = req($kurl);
is($st, 200, "key with its token: 200");
is($h->{'cache-control'}, 'private, no-store', "key not cached");
ok(defined $b && $b eq hls_key(11, $kidx), "the key is HMAC(secret, xtream-key|stream|index), 16 bytes");
# the same checks as a segment
(my $forged = $ktok) =~ s/(.)$/$1 eq '0' ? '1' : '0'/e;
is((req("/hls/11/0/$kidx.key?t=$forged"))[0], 403, "forged key token: 403");
is((req("/hls/11/0/$kidx.key"))[0], 403, "key without token: 403");
is((req("/hls/13/0/$kidx.key?t=$ktok"))[0], 403, "key token moved to another stream: 403");
my ($exp, $line, $sess, $var, $mac) = split /_/, $ktok;
is((req("/hls/11/0/$kidx.key?t=" . sign_token(int(time) - 5, $line, $sess, 11, 0)))[0], 403, "expired key token: 403");
is((req("/hls/11/0/$kidx.key?t=" . sign_token(int(time) + 30, $line, $sess, 11, 0)))[0], 200, "re-signed, not expired: 200 (signing agrees)");
is((req($kurl, from => '127.0.0.2'))[0], 403, "key token of another session (another address): 403");
my $other = sign_token(int(time) + 30, $line, 'ffffffffffffffff', 11, 0);
is((req("/hls/11/0/$kidx.key?t=$other"))[0], 403, "key token with another session id: 403");
my $banned = XtreamTest::sql("SELECT id FROM `lines` WHERE username = 'banned'");
chomp $banned;
is((req("/hls/11/0/$kidx.key?t=" . sign_token(int(time) + 30, $banned, $sess, 11, 0)))[0], 403,
   "a banned line's key request: 403");
# the bytes on disk are not media without the key
my $raw = `ffprobe -v error -show_entries stream=codec_name -of csv=p=0 $Media/11/0/$segs[3].ts 2>&1`;
unlike($raw, qr/^(h264|aac)/m, "the segment file on disk does not decode (ffprobe finds no stream)");
# a player: ffmpeg through nginx, keys and segments fetched with their tokens
my $port = $ENV{TEST_NGINX_SERVER_PORT} || server_port();
my $out = `timeout 30 ffmpeg -nostdin -v error -i http://127.0.0.1:$port/live/demo/demo-pass/11.m3u8 -map 0:v -frames:v 30 -f framecrc - 2>&1`;
my $frames = () = $out =~ /^0,/mg;
is($frames, 30, "ffmpeg decodes 30 frames of the encrypted channel through nginx")
    or diag join("\n", (grep { !/^0,/ } split /\n/, $out)[0 .. 25]), "\n", `grep -rh "xtream" $XtreamTest::Tmp t/servroot* --include=error.log 2>/dev/null | grep -v debug | tail -20`;
--- request
GET /live/demo/demo-pass/11.m3u8
--- error_code: 200
