# Helpers for the t/2xx delivery tests (required by each file): real media
# made with ffmpeg in the worker's layout, raw HTTP clients, token signing.
use strict;
use warnings;
use IO::Socket::INET ();
use IO::Select ();
use Digest::SHA ();
use File::Path ();
use Time::HiRes qw(sleep time);

our $Secret = 'delivery-test-secret-0123456789';
our $Media  = $ENV{TEST_NGINX_XT_MEDIA};
our $Tmp    = $XtreamTest::Tmp;
our $Vod    = "$Tmp/vod";
our $Src    = "$Tmp/src";
$ENV{TEST_NGINX_XT_VOD} = $Vod;
$ENV{TEST_NGINX_DV_SECRET} = $Secret;

sub slurp_b { my $f = shift; open my $fh, '<:raw', $f or die "$f: $!"; local $/; return scalar <$fh> }
sub spew_b  { my ($f, $c) = @_; open my $fh, '>:raw', $f or die "$f: $!"; print $fh $c; close $fh }

# six 1 s segments of real MPEG-TS (testsrc2 + sine), and VOD files
sub make_media {
    File::Path::make_path($Src, "$Vod/films", "$Vod/shows");
    system('ffmpeg', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10',
           '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '6',
           '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p',
           '-c:a', 'aac', '-f', 'segment', '-segment_time', '1', '-segment_format', 'mpegts',
           "$Src/%d.ts") == 0 or die "ffmpeg segments failed";
    system('ffmpeg', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10',
           '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '3',
           '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
           '-movflags', '+faststart', "$Vod/films/a.mp4") == 0 or die "ffmpeg mp4 failed";
    File::Copy::copy("$Vod/films/a.mp4", "$Vod/shows/s1e1.mp4") or die "copy: $!";
}

sub src_seg { my $seq = shift; return "$Src/" . ($seq % 6) . ".ts" }

# the worker's way: each file complete before it is renamed into place
our %o_data;    # seq => bytes, to publish something else than the sample

sub publish {
    my ($id, $v, @seqs) = @_;
    my $dir = "$Media/$id/$v";
    File::Path::make_path($dir);
    for my $s (@seqs) {
        next if -e "$dir/$s.ts";
        my $data = $o_data{$s} // slurp_b(src_seg($s));
        spew_b("$dir/$s.ts.tmp", $data);
        rename "$dir/$s.ts.tmp", "$dir/$s.ts" or die "rename: $!";
    }
    my $pl = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:$seqs[0]\n";
    $pl .= "#EXTINF:1.000000,\n$_.ts\n" for @seqs;
    spew_b("$dir/index.m3u8.tmp", $pl);
    rename "$dir/index.m3u8.tmp", "$dir/index.m3u8" or die "rename: $!";
}

sub master {
    my ($id, $n) = @_;
    File::Path::make_path("$Media/$id");
    my $m = "#EXTM3U\n#EXT-X-VERSION:3\n";
    $m .= "#EXT-X-STREAM-INF:BANDWIDTH=" . (200000 * ($_ + 1)) . "\n$_/index.m3u8\n" for 0 .. $n - 1;
    spew_b("$Media/$id/master.m3u8.tmp", $m);
    rename "$Media/$id/master.m3u8.tmp", "$Media/$id/master.m3u8" or die "rename: $!";
}

# from => '127.x.y.z': the client's own address (another viewer)
sub connect_srv {
    my %o = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $ENV{TEST_NGINX_SERVER_PORT},
                                  Proto => 'tcp', Timeout => 3,
                                  (defined $o{from} ? (LocalAddr => $o{from}) : ()));
    die "connect: $!" unless $s;
    return $s;
}

sub send_req {
    my ($target, %o) = @_;
    my $s = connect_srv(%o);
    my $m = $o{method} || 'GET';
    my $host = $o{host} // 'localhost';
    my $h = "$m $target HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n";
    $h .= "User-Agent: $o{ua}\r\n" if defined $o{ua};
    $h .= "Range: $o{range}\r\n" if defined $o{range};
    print $s "$h\r\n";
    return $s;
}

sub parse_resp {
    my $resp = shift;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    $head //= '';
    my ($st) = $head =~ m{^HTTP/1\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head) { $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/ }
    $body //= '';
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    return ($st // 0, \%h, $body);
}

# a whole response (for endless streams: until $secs have passed)
sub req {
    my ($target, %o) = @_;
    my $s = send_req($target, %o);
    my $resp = read_all($s, $o{secs} // 5);
    close $s;
    return parse_resp($resp);
}

sub read_all {
    my ($s, $secs) = @_;
    my $sel = IO::Select->new($s);
    my ($resp, $end) = ('', time + $secs);
    while ((my $left = $end - time) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($s, my $chunk, 65536);
        last unless $n;
        $resp .= $chunk;
    }
    return $resp;
}

# 1 when the server closed the connection within $secs (draining data)
sub ended_within {
    my ($s, $secs) = @_;
    my $sel = IO::Select->new($s);
    my $end = time + $secs;
    while ((my $left = $end - time) > 0) {
        return 0 unless $sel->can_read($left);
        my $n = sysread($s, my $chunk, 65536);
        return 1 if defined $n && $n == 0;
        return 1 unless defined $n;
    }
    return 0;
}

sub sign_token {
    my ($exp, $line, $session, $stream, $variant) = @_;
    my $mac = substr(Digest::SHA::hmac_sha256_hex("xt1|$exp|$line|$session|$stream|$variant", $Secret), 0, 32);
    return "${exp}_${line}_${session}_${variant}_$mac";
}

# dv_blocks(HTTP_CONFIG, CONFIG): a block without its own http_config gets
# HTTP_CONFIG plus its `--- dv_http` lines, one without its own config gets
# CONFIG; its `--- dv_check` Perl runs (in package main) after the first
# response, with $body set.  (A default that XtreamTest::hooks() put in
# first, marked in $b->{xt_defaulted}, counts as "no own section": the
# harness decides the order of the preprocessors.)
sub dv_blocks {
    my ($http, $config) = @_;
    add_block_preprocessor(sub {
        my $b = shift;
        my $extra = $b->{dv_http} // '';
        $extra = $extra->[0] if ref $extra;
        my %own = map { $_ => defined $b->{$_} && !($b->{xt_defaulted} || {})->{$_} }
                  qw(http_config config);
        $b->set_value('http_config', $http . $extra) unless $own{http_config};
        $b->set_value('config', $config) unless $own{config};
        delete $b->{xt_defaulted};
    });
    add_response_body_check(sub {
        my ($block, $body, $req) = @_;
        my $code = $block->{dv_check};
        $code = $code->[0] if ref $code eq 'ARRAY';
        return unless defined $code && $req == 0;
        my $ok = eval "package main; no strict 'vars'; $code; 1";
        Test::More::ok($ok, $block->name . " - dv_check ran") or Test::More::diag($@);
    });
}

# MPEG-TS continuity, per PID: +1 (mod 16) on a packet with payload, the same without; another
# value only on a packet flagged discontinuity_indicator.
# Returns (jumps, flagged, packets, offset of the first flagged packet).
sub ts_cc_check {
    my ($d) = @_;
    my (%last, $bad, $flagged, $n, $first);
    ($bad, $flagged, $n) = (0, 0, 0);
    for (my $i = 0; $i + 188 <= length $d; $i += 188) {
        my @h = unpack('C6', substr($d, $i, 6));
        $n++;
        if ($h[0] != 0x47) { $bad++; next }
        my $pid = (($h[1] & 0x1f) << 8) | $h[2];
        next if $pid == 0x1fff;
        my ($afc, $cc) = (($h[3] >> 4) & 3, $h[3] & 15);
        my $di = ($afc & 2) && $h[4] > 0 && ($h[5] & 0x80);
        if ($di) { $flagged++; $first //= $i }
        if (exists $last{$pid} && !$di) {
            my $want = ($afc & 1) ? ($last{$pid} + 1) & 15 : $last{$pid};
            $bad++ if $cc != $want;
        }
        $last{$pid} = $cc;
    }
    return ($bad, $flagged, $n, $first);
}

1;
