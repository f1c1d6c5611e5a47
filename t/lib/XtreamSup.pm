package XtreamSup;

# Helpers for the supervisor / ingest tests (t/3xx-*.t), on top of
# XtreamTest (load XtreamTest first): ffmpeg-made media, daemon
# reconfiguration, event datagrams, segment listings.  Core Perl only.

use strict;
use warnings;
use POSIX ();
use Socket qw(AF_UNIX SOCK_DGRAM sockaddr_un);
use IO::Socket::INET ();
use Time::HiRes qw(sleep time);

# a short looped-source file: moving picture + tone, 1 s GOP
sub make_media {
    my ($path, $secs) = @_;
    $secs //= 4;
    my ($rc, $out) = XtreamTest::run_cmd('ffmpeg', '-v', 'error', '-y',
        '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
        '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-t', $secs, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', 25,
        '-keyint_min', 25, '-sc_threshold', 0, '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '64k', '-shortest', $path);
    die "ffmpeg failed ($rc): $out" if $rc;
    return $path;
}

# restart xtreamd with extra config lines (key => value)
sub reconfigure {
    my %kv = @_;
    XtreamTest::stop_daemon();
    my $conf = XtreamTest::slurp($XtreamTest::Conf);
    for my $k (sort keys %kv) {
        $conf =~ s/^\Q$k\E\s*=.*\n//mg;
        $conf .= "$k = $kv{$k}\n";
    }
    XtreamTest::spew($XtreamTest::Conf, $conf);
    unlink event_socket();
    XtreamTest::start_daemon();
    # the snapshots are already there: wait for the new daemon's socket
    wait_for(10, sub { -S event_socket() })
        or die "xtreamd did not bind its event socket after reconfigure";
}

sub media { return "$XtreamTest::Tmp/media" }
sub event_socket { return "$XtreamTest::Tmp/run/xtreamd.sock" }

sub send_event {
    my @msgs = @_;
    socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
    my $addr = sockaddr_un(event_socket());
    for my $m (@msgs) {
        defined send($s, $m, 0, $addr) or die "send: $!";
    }
    close $s;
}

# published segment numbers of a variant, sorted
sub segments {
    my ($id, $variant) = @_;
    my $dir = media() . "/$id/" . ($variant // 0);
    opendir(my $dh, $dir) or return wantarray ? () : 0;   # a count in scalar context
    my @n = sort { $a <=> $b } map { /^(\d+)\.ts$/ ? $1 : () } readdir $dh;
    closedir $dh;
    return @n;
}

# sequence numbers listed in index.m3u8 (from EXT-X-MEDIA-SEQUENCE)
sub playlist_seqs {
    my ($id, $variant) = @_;
    my $pl = XtreamTest::slurp(media() . "/$id/" . ($variant // 0) . "/index.m3u8");
    return () unless $pl =~ /#EXT-X-MEDIA-SEQUENCE:(\d+)/;
    my $seq = $1;
    my @uris = $pl =~ /^([^#\s][^\r\n]*)$/mg;
    return map { $seq + $_ } 0 .. $#uris;
}

sub wait_for {
    my ($secs, $pred) = @_;
    my $t0 = time;
    while (time - $t0 < $secs) {
        return time - $t0 if $pred->();
        sleep 0.05;
    }
    return undef;
}

# worker pids of a stream (from /proc, our children only)
sub worker_pids {
    my ($id) = @_;
    my @p;
    opendir(my $dh, '/proc') or return ();
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$pid/cmdline" or next;
        local $/;
        my $cl = <$fh> // '';
        my @a = split /\0/, $cl;
        next unless @a && $a[0] =~ m{/xtream-worker$};
        my %o;
        for my $i (0 .. $#a - 1) { $o{$a[$i]} = $a[$i + 1] if $a[$i] =~ /^--/ }
        next unless ($o{'--output'} // '') eq media() . "/$id";
        next if defined $id && ($o{'--stream-id'} // '') ne $id;
        push @p, $pid;
    }
    closedir $dh;
    return @p;
}

sub ffprobe_ok {
    my ($file) = @_;
    my ($rc, $out) = XtreamTest::run_cmd('ffprobe', '-v', 'error',
        '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', $file);
    return $rc == 0 ? $out : undef;
}

sub status_row {
    my ($id) = @_;
    my $out = XtreamTest::sql("SELECT state, pid, restarts, video_codec, width, "
                              . "last_error FROM stream_status WHERE stream_id = $id");
    chomp $out;
    return split /\t/, $out, -1;
}

sub free_port {
    for (1 .. 50) {
        my $p = 20000 + int(rand(30000));
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $p,
                                      Proto => 'tcp', ReuseAddr => 1) or next;
        close $s;
        return $p;
    }
    die "no free port";
}

1;
