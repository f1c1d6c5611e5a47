# Helpers for the t/40x EPG import files: a generated XMLTV guide with one
# or more broken entries of every kind (and what the importer must make of
# it), XMLTV time strings, gzip, and `xtreamctl epg list --json`.
use strict;
use warnings;
use POSIX ();
use JSON::PP ();
use IO::Compress::Gzip ();

# "YYYYmmddHHMMSS +hhmm" of epoch t in a fixed offset (minutes)
sub xmltv_time {
    my ($t, $off) = @_;
    $off //= 0;
    return POSIX::strftime('%Y%m%d%H%M%S', gmtime $t) if $off eq 'none';    # UTC by the DTD
    my $z = sprintf('%s%02d%02d', $off < 0 ? '-' : '+', abs($off) / 60, abs($off) % 60);
    return POSIX::strftime('%Y%m%d%H%M%S', gmtime($t + $off * 60)) . " $z";
}

sub xml_esc { my $s = shift; $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/"/&quot;/g; return $s }

# One guide.  Channels (id => [zone offset in minutes, first hour, last hour]);
# hourly programmes relative to $h0 (a whole hour).  $tag marks the
# version in titles.  Returns (bytes, expect) where expect = {
#   good => {channel => [[start, stop, title, desc], ...]}, stored => N,
#   skipped => {reason => count}, outside => N, channels => N }.
sub gen_guide {
    my (%o) = @_;
    my $h0 = $o{h0};
    my $tag = $o{tag} // 'v1';
    my $chans = $o{channels};            # [[id, offset, from_h, to_h], ...]
    my (%good, $stored);
    my $x = qq{<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv generator-info-name="xtream t/40x">\n};
    for my $c (@$chans) {
        $x .= qq{<channel id="$c->[0]"><display-name lang="en">Name of $c->[0]</display-name>}
            . qq{<icon src="http://img.example/$c->[0].png"/></channel>\n};
    }
    for my $c (@$chans) {
        my ($id, $off, $from, $to) = @$c;
        for my $i ($from .. $to - 1) {
            my ($s, $e) = ($h0 + $i * 3600, $h0 + ($i + 1) * 3600);
            my $title = "$id $tag T$i \x{e9}t\x{e9} <&>";
            my $desc = "$id $tag D$i \x{2603}";
            # two titles: the importer prefers the source's lang (en)
            my $utf = sub { my $s = shift; utf8::encode($s); $s };
            $x .= sprintf(qq{<programme start="%s" stop="%s" channel="%s"><title lang="de">%s</title>}
                          . qq{<title lang="en">%s</title><desc lang="en">%s</desc><category>x</category></programme>\n},
                          xmltv_time($s, $off), xmltv_time($e, $off), $id, $utf->(xml_esc("de $title")),
                          $utf->(xml_esc($title)), $utf->(xml_esc($desc)));
            push @{ $good{$id} }, [$s, $e, $title, $desc];
            $stored++;
        }
    }
    my %skip;
    # XMLTV allows no stop: a programme then ends where the channel's next
    # one starts; the channel's last one has no end (missing_field)
    if (my $ns = $o{nostop}) {
        $x .= qq{<channel id="$ns"><display-name>No stops</display-name></channel>\n};
        for my $i (0 .. 2) {
            my $s = $h0 + $i * 3600;
            $x .= sprintf(qq{<programme start="%s" channel="%s"><title>%s</title></programme>\n},
                          xmltv_time($s), $ns, "$ns N$i");
            if ($i < 2) { push @{ $good{$ns} }, [$s, $s + 3600, "$ns N$i", '']; $stored++ }
        }
        $skip{missing_field}++;
    }
    my ($c0) = $chans->[0][0];
    my $far = $h0 + 3 * 366 * 86400;
    my @bad = (
        [missing_field => qq{start="@{[xmltv_time($h0 + 100 * 3600)]}" channel="$c0"><title>no stop</title>}],
        [missing_field => qq{start="@{[xmltv_time($h0 + 101 * 3600)]}" stop="@{[xmltv_time($h0 + 102 * 3600)]}" channel="$c0"><desc>no title</desc>}],
        [missing_field => qq{start="@{[xmltv_time($h0 + 101 * 3600)]}" stop="@{[xmltv_time($h0 + 102 * 3600)]}"><title>no channel</title>}],
        [bad_time => qq{start="2026-12-06 10:00" stop="@{[xmltv_time($h0 + 102 * 3600)]}" channel="$c0"><title>iso time</title>}],
        [bad_time => qq{start="20261306100000 +0000" stop="20261306110000 +0000" channel="$c0"><title>month 13</title>}],
        [before_1970 => qq{start="19691231230000 +0000" stop="19700101003000 +0000" channel="$c0"><title>old</title>}],
        [too_far => qq{start="@{[xmltv_time($far)]}" stop="@{[xmltv_time($far + 3600)]}" channel="$c0"><title>far</title>}],
        [stop_not_after_start => qq{start="@{[xmltv_time($h0 + 110 * 3600)]}" stop="@{[xmltv_time($h0 + 110 * 3600)]}" channel="$c0"><title>zero</title>}],
        [stop_not_after_start => qq{start="@{[xmltv_time($h0 + 112 * 3600)]}" stop="@{[xmltv_time($h0 + 111 * 3600)]}" channel="$c0"><title>reversed</title>}],
        [too_long => qq{start="@{[xmltv_time($h0 + 120 * 3600)]}" stop="@{[xmltv_time($h0 + 169 * 3600 + 1)]}" channel="$c0"><title>49 hours</title>}],
        [overlap => qq{start="@{[xmltv_time($h0 + 1800)]}" stop="@{[xmltv_time($h0 + 5400)]}" channel="$c0"><title>overlaps</title>}],
        [overlap => qq{start="@{[xmltv_time($h0)]}" stop="@{[xmltv_time($h0 + 3600)]}" channel="$c0"><title>duplicate</title>}],
        [bad_encoding => qq{start="@{[xmltv_time($h0 + 130 * 3600)]}" stop="@{[xmltv_time($h0 + 131 * 3600)]}" channel="$c0"><title>latin1 caf\xe9</title>}],
        [bad_encoding => qq{start="@{[xmltv_time($h0 + 132 * 3600)]}" stop="@{[xmltv_time($h0 + 133 * 3600)]}" channel="$c0"><title>ctl</title><desc>bell \x07 char</desc>}],
        [bad_channel_id => qq{start="@{[xmltv_time($h0 + 134 * 3600)]}" stop="@{[xmltv_time($h0 + 135 * 3600)]}" channel="@{['x' x 300]}"><title>long id</title>}],
        [malformed_xml => qq{start="@{[xmltv_time($h0 + 136 * 3600)]}" stop="@{[xmltv_time($h0 + 137 * 3600)]}" channel="$c0"><title>AT&T unescaped</title>}],
        [outside => qq{start="@{[xmltv_time($h0 - 10 * 86400)]}" stop="@{[xmltv_time($h0 - 10 * 86400 + 3600)]}" channel="$c0"><title>10 days ago</title>}],
        [outside => qq{start="@{[xmltv_time($h0 + 20 * 86400)]}" stop="@{[xmltv_time($h0 + 20 * 86400 + 3600)]}" channel="$c0"><title>in 20 days</title>}],
        # last: after a mismatched tag libxml2 nests the rest one level deeper
        [malformed_xml => qq{start="@{[xmltv_time($h0 + 138 * 3600)]}" stop="@{[xmltv_time($h0 + 139 * 3600)]}" channel="$c0"><title>mis<b>match</title>}],
    );
    my $outside = 0;
    for my $b (@bad) {
        $x .= "<programme $b->[1]</programme>\n";
        if ($b->[0] eq 'outside') { $outside++ } else { $skip{$b->[0]}++ }
    }
    $x .= "</tv>\n";
    return ($x, { good => \%good, stored => $stored, skipped => \%skip, outside => $outside,
                  channels => @$chans + ($o{nostop} ? 1 : 0) });
}

sub gzip_bytes {
    my $in = shift;
    my $out;
    IO::Compress::Gzip::gzip(\$in => \$out) or die "gzip failed";
    return $out;
}

sub epg_list_json {
    my ($rc, $out) = XtreamTest::xtctl('epg', 'list', '--json');
    die "epg list --json: $rc: $out" if $rc;
    return JSON::PP->new->utf8->decode($out);
}

sub epg_source {
    my $id = shift;
    my ($s) = grep { $_->{id} == $id } @{ epg_list_json()->{sources} };
    return $s;
}

sub q1 { my $v = XtreamTest::sql(shift); chomp $v; return $v }

# a fingerprint of a source's stored guide (count, times, titles)
sub guide_sum {
    my $id = shift;
    return q1("SELECT CONCAT(COUNT(*), ':', COALESCE(SUM(start), 0), ':', COALESCE(SUM(stop), 0), ':', "
              . "COALESCE(BIT_XOR(CRC32(CONCAT(epg_channel_id, title, description, lang))), 0)) "
              . "FROM epg_programmes WHERE source_id = $id");
}

sub epg_counter { return q1("SELECT counter FROM change_counters WHERE domain = 'epg'") }

1;
