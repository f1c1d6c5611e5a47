#!/usr/bin/env perl
# The demo's media and the demo data that describes it, as `make run`
# (scripts/run.sh) and t/512-demo-media.t load it:
#   demo-seed.pl --var DIR --base http://127.0.0.1:PORT [--json sql/demo.json]
# makes, once each, the VOD files named by the movies' and episodes' "path"
# (under DIR/vodroot/) and the pictures named "@IMG@/<file>" (under
# DIR/img/, served by the lab's nginx at /img/), then writes DIR/demo.json:
# @VAR@ -> DIR, @IMG@ -> BASE/img, and each movie's and episode's
# duration_secs, codecs, picture size, audio format and bitrate as ffprobe
# reads them from its file, so the catalog states what is really served.
use strict;
use warnings;
use Getopt::Long qw(GetOptions);
use JSON::PP ();
use File::Basename qw(dirname);
use File::Path qw(make_path);
use List::Util qw(min);

my $repo = dirname(dirname(__FILE__));
my ($var, $base, $json) = ('', '', "$repo/sql/demo.json");
GetOptions('var=s' => \$var, 'base=s' => \$base, 'json=s' => \$json)
    && $var =~ m{^/} && $base =~ m{^https?://[A-Za-z0-9.:\[\]-]+$}
    or die "usage: demo-seed.pl --var /ABS/DIR --base http://HOST:PORT [--json FILE]\n";

sub slurp { my $f = shift; open my $fh, '<:raw', $f or die "$f: $!\n"; local $/; return <$fh> }

sub run {   # quiet command; 1 when it exits 0
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        exec @_ or exit 127;
    }
    waitpid $pid, 0;
    return $? == 0;
}

sub made { my ($f, @cmd) = @_; my $t = "$f.tmp" . ($f =~ /(\.[^.\/]+)$/)[0];
           return run(@cmd, $t) && rename($t, $f) }

my $doc = JSON::PP->new->utf8->decode(slurp($json));

# a few seconds of test picture and tone, a different length for each file
# (so a duration read from the wrong file shows)
my $nvod = 0;
sub vod {
    my $rel = shift;
    die "demo-seed.pl: bad VOD path '$rel'\n" unless $rel =~ m{^vod/[A-Za-z0-9_/-]+\.(mp4|mkv)$} && $rel !~ m{//};
    my $f = "$var/vodroot/$rel";
    my $secs = 8 + 2 * $nvod++;
    if (!-s $f) {
        make_path(dirname($f));
        made($f, qw(ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=size=640x360:rate=25
                    -f lavfi -i sine=frequency=500:sample_rate=48000 -t), $secs,
             qw(-c:v libx264 -preset veryfast -b:v 600k -pix_fmt yuv420p -c:a aac -b:a 96k -shortest))
            or die "demo-seed.pl: ffmpeg could not make $f\n";
    }
    open my $p, '-|', qw(ffprobe -v error -of json -show_entries),
        'format=duration,bit_rate:stream=codec_type,codec_name,width,height,sample_rate,channels', $f
        or die "ffprobe: $!\n";
    my $pr = eval { JSON::PP->new->decode(do { local $/; <$p> } // '') } // {};
    close $p;
    my $d = $pr->{format}{duration} // '';
    $d =~ /^\d+(?:\.\d+)?$/ or die "demo-seed.pl: ffprobe reads no duration from $f\n";
    my ($v) = grep { $_->{codec_type} eq 'video' } @{ $pr->{streams} || [] };
    my ($a) = grep { $_->{codec_type} eq 'audio' } @{ $pr->{streams} || [] };
    return (duration_secs => int($d + 0.5),
            bitrate_kbps => int(($pr->{format}{bit_rate} // 0) / 1000 + 0.5),
            $v ? (video_codec => $v->{codec_name}, video_width => $v->{width} + 0,
                  video_height => $v->{height} + 0) : (),
            $a ? (audio_codec => $a->{codec_name}, audio_channels => $a->{channels} + 0,
                  audio_sample_rate => $a->{sample_rate} + 0) : ());
}

# a poster (or, "-bg" names, a backdrop): a colour from the name, and the
# title when ffmpeg's drawtext finds a font (a plain colour card if not)
sub picture {
    my ($name, $title) = @_;
    die "demo-seed.pl: bad picture name '$name'\n" unless $name =~ /^[A-Za-z0-9_-]+\.(jpg|png)$/;
    my $f = "$var/img/$name";
    return if -s $f;
    make_path("$var/img");
    my ($w, $h) = $name =~ /-bg\./ ? (640, 360) : (300, 450);
    my @palette = qw(1f3b5c 5c1f3b 2f5c1f 5c4a1f 1f5c55 4a1f5c 5c2a1f);
    my $colour = $palette[unpack('%32C*', $name) % @palette];
    my $fs = int(min($h / 14, $w * 1.6 / (length($title) || 1)));
    my $txt = "$var/img/.$name.txt";
    open my $fh, '>:utf8', $txt or die "$txt: $!\n";
    print $fh $title;
    close $fh;
    my @in = (qw(ffmpeg -v error -nostdin -y -f lavfi -i), "color=c=0x$colour:s=${w}x$h:d=1",
              '-frames:v', '1');
    my $card = "drawbox=x=iw/12:y=ih/12:w=iw*5/6:h=ih*5/6:color=white\@0.35:t=4";
    made($f, @in, '-vf', "$card,drawtext=textfile=$txt:fontcolor=white:fontsize=$fs:"
                       . "x=(w-text_w)/2:y=(h-text_h)/2")
        or made($f, @in, '-vf', $card)
        or die "demo-seed.pl: ffmpeg could not make $f\n";
    unlink $txt;
}

# walk the document: pictures where "@IMG@/" starts a string, durations
# where a "path" names a VOD file
my $img = "$base/img";
sub walk {
    my ($node, $title) = @_;
    if (ref $node eq 'HASH') {
        $title = $node->{name} // $node->{title} // $title;
        %$node = (%$node, vod($node->{path})) if defined $node->{path} && exists $node->{duration_secs};
        for my $k (sort keys %$node) {
            if (ref $node->{$k}) { walk($node->{$k}, $title) }
            else { $node->{$k} = fix($node->{$k}, $title) }
        }
    } elsif (ref $node eq 'ARRAY') {
        for my $v (@$node) { ref $v ? walk($v, $title) : ($v = fix($v, $title)) }
    }
}
sub fix {
    my ($v, $title) = @_;
    return $v unless defined $v && !ref $v && $v =~ /\@(?:IMG|VAR)\@/;
    picture($1, $title // $1) if $v =~ m{^\@IMG\@/(.*)$};
    $v =~ s/\@IMG\@/$img/g;
    $v =~ s/\@VAR\@/$var/g;
    return $v;
}
walk($doc);

my $out = "$var/demo.json";
open my $o, '>:raw', "$out.tmp" or die "$out.tmp: $!\n";
print $o JSON::PP->new->utf8->canonical->pretty->encode($doc);
close $o or die "$out.tmp: $!\n";
rename "$out.tmp", $out or die "$out: $!\n";
