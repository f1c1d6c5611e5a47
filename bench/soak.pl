# bench/soak.sh's driver (see there).  Reuses the test helpers: XtreamTest
# (MariaDB, xtreamd), XtreamSup (ffmpeg-made media), XtreamNginx (nginx,
# load loops, the Prometheus parser).
use strict;
use warnings;
use XtreamTest;
use XtreamSup;
use XtreamNginx;
use POSIX ();
use IO::Select ();
use Time::HiRes qw(sleep time);

my $Secs = $ENV{SOAK_SECONDS} || 600;
my $Sample = $ENV{SOAK_SAMPLE_SECONDS} || 10;
my $NLines = 20;

my $Src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
XtreamTest::import_json({
    categories => [{ id => 1, type => 'live', name => 'News', parent_id => 0, sort_order => 1 }],
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy', segment_seconds => 1, window_segments => 6 }],
    streams => [map { { id => $_, name => "Channel $_", category_id => 1, transcode_profile_id => 1,
                        on_demand => JSON::PP::false(), sources => ["file://$Src"] } } 1 .. 2],
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [1, 2] }],
    lines => [map { { username => "soak$_", password => "pass$_", status => 'active', max_connections => 2,
                      allowed_outputs => ['ts', 'm3u8'], bouquets => [1] } } 1 .. $NLines],
});

my $ng = XtreamNginx->start(http => <<"HTTP", server => <<'SERVER');
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_zone xtream 4m;
    xtream_secret soak-secret-0123456789abcdef;
    xtream_media_root $XtreamTest::Tmp/media;
    xtream_event_socket $XtreamTest::Tmp/run/xtreamd.sock;
    xtream_hls_idle 10s;
    xtream_login_failures 50 60s 60s;
HTTP
        location = /player_api.php { xtream_api; }
        location = /get.php { xtream_api; }
        location = /metrics { allow 127.0.0.1; deny all; xtream_metrics; }
        location / { xtream_delivery; }
SERVER

XtreamSup::wait_for(60, sub { -s "$XtreamTest::Tmp/media/$_/0/index.m3u8" or return 0 for 1 .. 2; 1 })
    or die "the streams did not start";
sleep 2;

# --- traffic -------------------------------------------------------------------
my @api = map { my $n = $_; (
    ["/player_api.php?username=soak$n&password=pass$n", qr/^200$/],
    ["/player_api.php?username=soak$n&password=pass$n&action=get_live_streams", qr/^200$/],
    ["/player_api.php?username=soak$n&password=pass$n&action=get_live_categories", qr/^200$/],
    ["/get.php?username=soak$n&password=pass$n&type=m3u_plus&output=ts", qr/^200$/],
) } 1 .. 5;
my $load = $ng->load_start(3, @api);

my @kids;
sub kid (&) {
    my $code = shift;
    my $pid = fork // die "fork: $!";
    if (!$pid) { $SIG{TERM} = sub { POSIX::_exit(0) }; srand($$); $code->(); POSIX::_exit(0) }
    push @kids, $pid;
}

# TS viewers join for 5-20 s, leave, join again (lines 6..11)
for my $k (1 .. 3) {
    kid {
        while (1) {
            my $n = 5 + $k * 2 - int(rand 2);
            my ($s, $st) = $ng->open_stream("/live/soak$n/pass$n/" . (1 + int rand 2) . ".ts");
            if ($s) {
                my $sel = IO::Select->new($s);
                my $end = time + 5 + rand 15;
                while (time < $end) { last unless $sel->can_read(1) && sysread($s, my $b, 65536) }
                close $s;
            }
            sleep 1 + rand 3;
        }
    };
}

# HLS viewers: playlist, newest segment, every second; watch 10-30 s
for my $k (1 .. 3) {
    kid {
        while (1) {
            my $n = 11 + $k;
            my $id = 1 + int rand 2;
            my $end = time + 10 + rand 20;
            while (time < $end) {
                my ($st, $h, $pl) = $ng->get("/live/soak$n/pass$n/$id.m3u8", ua => "soak-hls-$k");
                my @segs = $pl =~ m{^(/\S+\.ts\?\S+)$}mg;
                if (!@segs && (my ($var) = $pl =~ m{^(/\S+\.m3u8\?\S+)$}m)) {
                    (undef, undef, $pl) = $ng->get($var, ua => "soak-hls-$k");
                    @segs = $pl =~ m{^(/\S+\.ts\?\S+)$}mg;
                }
                $ng->get($segs[-1], ua => "soak-hls-$k") if @segs;
                sleep 1;
            }
            sleep 12 + rand 5;      # past xtream_hls_idle: the session ends
        }
    };
}

# admin: every 3 s a change through xtreamctl (status flips, max_connections)
kid {
    my $i = 0;
    while (1) {
        my $n = 16 + $i % 5;
        my @opt = $i % 2 ? ('--max-connections', 1 + $i % 3) : ('--message', "soak $i");
        XtreamTest::xtctl('line', 'set', "soak$n", @opt);
        $i++;
        sleep 3;
    }
};

# --- sampling --------------------------------------------------------------------
sub rss { my $s = XtreamTest::slurp("/proc/$_[0]/status"); return $s =~ /^VmRSS:\s+(\d+)/m ? $1 : 0 }
sub sum { my $t = 0; $t += $_ for @_; return $t }

my (@t, %series);
my $t0 = time;
while (time - $t0 < $Secs) {
    my $now = time - $t0;
    push @t, $now / 60;
    push @{ $series{nginx_workers} }, sum(map { rss($_) } $ng->worker_pids);
    push @{ $series{xtreamd} }, rss($XtreamTest::DaemonPid);
    push @{ $series{stream_workers} }, sum(map { rss($_) } XtreamSup::worker_pids(1), XtreamSup::worker_pids(2));
    my $left = $Secs - (time - $t0);
    sleep($left < $Sample ? ($left > 0 ? $left : 0) : $Sample);
}

my ($ok, $bad, $why) = $ng->load_stop($load);
kill 'TERM', @kids;
waitpid($_, 0) for @kids;

# least squares slope of y over t (KiB per minute)
sub slope {
    my ($x, $y) = @_;
    my $n = @$x;
    return 0 if $n < 2;
    my ($mx, $my) = (sum(@$x) / $n, sum(@$y) / $n);
    my ($sxy, $sxx) = (0, 0);
    for my $i (0 .. $n - 1) { $sxy += ($x->[$i] - $mx) * ($y->[$i] - $my); $sxx += ($x->[$i] - $mx) ** 2 }
    return $sxx ? $sxy / $sxx : 0;
}

# connections back to zero (TS at once, HLS after xtream_hls_idle)
my %end;
my $zero = $ng->wait_for(30, sub {
    my ($v) = $ng->scrape;
    %end = map { $_ => $v->{$_} // -1 } grep { /^xtream_connections_active|^xtream_hls_sessions$/ } keys %$v;
    !grep { $_ != 0 } values %end;
});
my ($v) = $ng->scrape;

printf "soak: %d s of mixed traffic, %d samples every %d s (nice 10, shared machine)\n",
       $Secs, scalar @t, $Sample;
printf "API load: %d answers as expected, %d not%s\n", $ok, $bad, @$why ? " (first: @$why[0 .. ($#$why < 4 ? $#$why : 4)])" : '';
my $skip = int(@t / 10);       # the first tenth is warm-up
for my $k (qw(nginx_workers xtreamd stream_workers)) {
    my @y = @{ $series{$k} };
    my @x = @t;
    my $all = slope(\@x, \@y);
    splice @x, 0, $skip;
    splice @y, 0, $skip;
    printf "RSS %-15s start %7d KiB  end %7d KiB  slope %+8.1f KiB/min (after warm-up %+8.1f KiB/min)\n",
           $k, $series{$k}[0], $series{$k}[-1], $all, slope(\@x, \@y);
}
my @alerts = $ng->alerts;
printf "error-log alerts/crit/emerg: %d%s\n", scalar @alerts, @alerts ? " (first: $alerts[0])" : '';
my @xalerts = grep { /\[(alert|crit)\]/ } split /\n/, XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log");
printf "xtreamd log alert/crit lines: %d\n", scalar @xalerts;
printf "connections at the end: %s -> %s\n", join(' ', map { "$_=$end{$_}" } sort keys %end),
       $zero ? 'all 0' : 'NOT all 0';
printf "requests counted by the module: %d; worker restarts: %s\n",
       sum(map { $v->{$_} } grep { /^xtream_requests_total/ } keys %$v),
       join(' ', map { "stream $_=" . ($v->{"xtreamd_stream_restarts_total{stream=\"$_\"}"} // '?') } 1 .. 2);
exit(($zero && !$bad && !@alerts) ? 0 : 1);
