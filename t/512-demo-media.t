# The `make run` demo tells the truth: seeded as scripts/run.sh seeds it
# (scripts/demo-seed.pl: ffmpeg-made VOD files and pictures, var/demo.json
# with the real port and probed durations), imported, and served by nginx
# from conf/nginx.run.conf.in on a port that is not 8080.  Every picture URL
# the player API hands out answers 200 with an image, and each movie's and
# episode's duration and stream info are those of the file it serves.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamRunNginx;
use Test::More;
use JSON::PP ();
use HTTP::Tiny;

my ($Repo, $Tmp) = ($XtreamTest::Repo, $XtreamTest::Tmp);
my ($http_port, $rtmp_port, $admin_port) = map { XtreamSup::free_port() } 1 .. 3;
my $base = "http://127.0.0.1:$http_port";

my ($rc, $out) = XtreamTest::run_cmd('perl', "$Repo/scripts/demo-seed.pl", '--var', $Tmp, '--base', $base);
is($rc, 0, 'demo-seed.pl makes the demo media and var/demo.json') or diag($out);
my $seeded = XtreamTest::slurp("$Tmp/demo.json");
unlike($seeded, qr/\@(?:IMG|VAR)\@|:8080\b/, 'the seeded demo data has no placeholder and no port 8080 left');
($rc, $out) = XtreamTest::xtctl('import', "$Tmp/demo.json");
is($rc, 0, 'xtreamctl imports the seeded demo data') or diag($out);

my $NginxPid = XtreamRunNginx::start(http_port => $http_port, rtmp_port => $rtmp_port,
                                     admin_port => $admin_port);
END { XtreamRunNginx::stop($NginxPid) }

my $api = '/player_api.php?username=demo&password=demo-pass';
my $json = JSON::PP->new;
sub api {
    my ($code, $body) = XtreamTest::http_get("$api&$_[0]", 10);
    return $code == 200 ? eval { $json->decode($body) } : undef;
}
ok(defined XtreamTest::poll_until("$api&action=get_vod_streams", 20,
       sub { $_[0] == 200 && ($_[1] =~ tr/{//) >= 3 }),
   'the demo movies are listed') or diag(XtreamTest::slurp("$Tmp/log/xtreamd.log"));

# every picture the lists and the info answers name
my (@urls, @movies, @episodes);
my $vod = api('action=get_vod_streams') || [];
for my $m (@$vod) {
    push @urls, $m->{stream_icon};
    my $i = api("action=get_vod_info&vod_id=$m->{stream_id}") || {};
    push @urls, @{$i->{info}}{qw(movie_image cover_big)}, @{ $i->{info}{backdrop_path} || [] };
    push @movies, ["movie $m->{stream_id}", $i->{info},
                   "/movie/demo/demo-pass/$m->{stream_id}.$m->{container_extension}"];
}
my $series = api('action=get_series') || [];
for my $s (@$series) {
    push @urls, $s->{cover}, @{ $s->{backdrop_path} || [] };
    my $i = api("action=get_series_info&series_id=$s->{series_id}") || {};
    push @urls, map { $_->{cover}, $_->{cover_big} } @{ $i->{seasons} || [] };
    for my $e (map { @$_ } values %{ $i->{episodes} || {} }) {
        push @urls, $e->{info}{movie_image};
        push @episodes, ["episode $e->{id}", $e->{info},
                         "/series/demo/demo-pass/$e->{id}.$e->{container_extension}"];
    }
}
is(scalar @movies, 3, 'three demo movies');
is(scalar @episodes, 5, 'five demo episodes');
my %seen;
@urls = grep { defined && length && !$seen{$_}++ } @urls;
cmp_ok(scalar @urls, '>=', 9, 'the demo names at least 9 pictures') or diag("@urls");
my $ua = HTTP::Tiny->new(timeout => 10);
for my $u (@urls) {
    my $r = $ua->get($u);
    ok($u =~ m{^\Q$base\E/img/} && $r->{status} == 200
       && ($r->{headers}{'content-type'} // '') =~ m{^image/(jpeg|png)$}
       && $r->{content} =~ /^(\xff\xd8\xff|\x89PNG)/,
       "picture $u: 200, an image") or diag("$r->{status} " . ($r->{headers}{'content-type'} // ''));
}

# durations and stream info: those of the file the line is served
for my $it (@movies, @episodes) {
    my ($what, $info, $path) = @$it;
    my @probe = ('ffprobe', '-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0',
                 "$base$path");
    ($rc, $out) = XtreamTest::run_cmd(@probe);
    my ($real) = $out =~ /^(\d+(?:\.\d+)?)\s*$/;
    ok($rc == 0 && defined $real && abs(($info->{duration_secs} // -9) - $real) <= 1,
       "$what: duration_secs is its file's") or diag("api $info->{duration_secs}, ffprobe: $out");
    my $s = $info->{duration_secs} // 0;
    is($info->{duration}, sprintf('%02d:%02d:%02d', $s / 3600, $s / 60 % 60, $s % 60),
       "$what: duration is HH:MM:SS of duration_secs");
    ok(ref $info->{video} eq 'HASH' && ($info->{video}{codec_name} // '') eq 'h264'
       && ($info->{video}{width} // 0) == 640 && ($info->{video}{height} // 0) == 360,
       "$what: video is the file's (h264 640x360)") or diag($json->encode($info->{video} // 'none'));
    ok(ref $info->{audio} eq 'HASH' && ($info->{audio}{codec_name} // '') eq 'aac'
       && ($info->{audio}{sample_rate} // '') eq '48000',
       "$what: audio is the file's (aac 48 kHz)") or diag($json->encode($info->{audio} // 'none'));
}

if (!Test::More->builder->is_passing) {
    for my $f ('log/nginx-error.log', 'log/xtreamd.log') {
        my @l = split /\n/, XtreamTest::slurp("$Tmp/$f");
        splice @l, 0, @l - 20 if @l > 20;
        diag("$f: $_") for @l;
    }
}

done_testing();
