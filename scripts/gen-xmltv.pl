#!/usr/bin/perl
# A well-formed XMLTV guide: large for the RSS test (t/402) and bench/epg.sh,
# small for the `make run` demo source (scripts/run.sh):
#   scripts/gen-xmltv.pl --out FILE [--channels N | --ids a,b] [--days D]
#                [--slot M] [--desc B] [--start EPOCH] [--gzip] [--label NAME]
# N channels "ch<i>.gen" (or the given ids), a programme every M minutes for D days from
# --start (default: today 00:00 UTC minus one day), descriptions of about B
# bytes with some non-ASCII text.  Prints "programmes channels bytes".
use strict;
use warnings;
use Getopt::Long;
use POSIX qw(strftime);

my ($out, $ch, $days, $slot, $desc, $start, $gzip, $ids, $label) = (undef, 100, 7, 30, 200, undef, 0, undef, undef);
GetOptions('out=s' => \$out, 'channels=i' => \$ch, 'days=i' => \$days, 'slot=i' => \$slot,
           'desc=i' => \$desc, 'start=i' => \$start, 'gzip' => \$gzip, 'ids=s' => \$ids,
           'label=s' => \$label) && $out
    or die "usage: $0 --out FILE [--channels N] [--days D] [--slot M] [--desc B] [--start T] [--gzip]\n";
sub xml_esc { my $s = shift; $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; return $s }
my $now = time;
$start //= $now - $now % 86400 - 86400;

my $fh;
if ($gzip) {
    open $fh, '|-', "gzip -1 >'$out'" or die "gzip: $!";
} else {
    open $fh, '>', $out or die "$out: $!";
}
binmode $fh;
print $fh qq{<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv generator-info-name="xtream scripts/gen-xmltv.pl">\n};
my @ids = $ids ? grep { /^[A-Za-z0-9._-]{1,100}\z/ or die "bad id $_\n" } split /,/, $ids
                : map { "ch$_.gen" } 1 .. $ch;
$ch = @ids;
for my $id (@ids) {
    my $dn = xml_esc($label // "Generated $id");
    print $fh qq{  <channel id="$id">\n    <display-name lang="en">$dn</display-name>\n    <icon src="http://img.example/$id.png"/>\n  </channel>\n};
}
my $filler = "Caf\xc3\xa9 cr\xc3\xa8me & \xe2\x82\xac news, weather and talk. " x (1 + int($desc / 50));
my $n = 0;
my $nslots = int($days * 1440 / $slot);
for my $c (@ids) {
    for my $i (0 .. $nslots - 1) {
        my $t0 = $start + $i * $slot * 60;
        my $a = strftime('%Y%m%d%H%M%S +0000', gmtime $t0);
        my $b = strftime('%Y%m%d%H%M%S +0000', gmtime($t0 + $slot * 60));
        my $d = substr($filler, 0, $desc) =~ s/&/&amp;/gr;
        $d =~ s/[\x80-\xbf]+\z//;   # never end inside a character
        print $fh qq{  <programme start="$a" stop="$b" channel="$c">\n    <title lang="en">@{[ $label ? xml_esc($label) . ': show' : 'Show' ]} $i on $c</title>\n    <desc lang="en">$d</desc>\n    <category lang="en">News</category>\n  </programme>\n};
        $n++;
    }
}
print $fh "</tv>\n";
close $fh or die "close: $!";
print "$n $ch ", -s $out, "\n";
