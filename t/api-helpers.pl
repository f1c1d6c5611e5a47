# Helpers for the t/1xx player-API conformance files (required by each):
# the "--- xt_check" section (perl run after every response with $body and
# $req), HTTP GETs that return decoded JSON, the strict "same key, same
# JSON type" walk (check 25), time rendering in a zone, M3U/XMLTV parsing.
use strict;
use warnings;
use JSON::PP ();
use MIME::Base64 ();
use Encode ();
use POSIX ();
use IO::Socket::INET ();
use XML::LibXML ();

our ($CurBody, $CurReq, %Seen);

# --- xt_check: perl run after each response, $body and $req in scope
Test::Nginx::Socket::add_response_body_check(sub {
    my ($block, $body, $req) = @_;
    my $code = $block->{xt_check};
    $code = $code->[0] if ref $code eq 'ARRAY';
    return unless defined $code;
    my $ok = eval "package main; no strict 'vars'; no warnings 'qw'; my \$body = \$_[1]; my \$req = \$_[2]; (sub { $code })->(); 1";
    Test::More::ok($ok, $block->name . " - xt_check ran (req $req)") or Test::More::diag($@);
});

sub port { $ENV{TEST_NGINX_SERVER_PORT} }

# raw GET/POST against the nginx under test: (status, {headers}, body)
sub http {
    my ($method, $uri, $body, $hdrs) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => port(),
                                  Proto => 'tcp', Timeout => 20)
        or return (0, {}, "connect: $!");
    binmode $s;
    my $req = "$method $uri HTTP/1.0\r\nHost: localhost:" . port() . "\r\n" . ($hdrs // '');
    $req .= "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
          . length($body) . "\r\n" if defined $body;
    print $s "$req\r\n" . ($body // '');
    local $/;
    my $resp = <$s> // '';
    close $s;
    my ($head, $b) = split /\r\n\r\n/, $resp, 2;
    my ($st) = ($head // '') =~ m{^HTTP/\d\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head // '') { $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/ }
    return ($st // 0, \%h, $b // '');
}

sub get { my ($uri, $h) = @_; return http('GET', $uri, undef, $h) }

sub decode_strict { return JSON::PP->new->utf8->decode($_[0]) }

# GET and decode; dies unless 200 + strict JSON
sub jget {
    my $uri = shift;
    my ($st, $h, $b) = get($uri);
    die "GET $uri: status $st: " . substr($b, 0, 200) . "\n" unless $st == 200;
    my $doc = eval { decode_strict($b) };
    die "GET $uri: not strict JSON: $@" unless defined $doc || $b eq 'null';
    return $doc;
}

sub api {   # api(user, pass, "action=...&x=y")
    my ($u, $p, $q) = @_;
    return jget("/player_api.php?username=$u&password=$p" . (defined $q && $q ne '' ? "&$q" : ''));
}

# check 25: same (normalised) path -> same JSON type in one response.
# null counts as "absent" (nullable field), numeric object keys are one key.
sub type_conflicts {
    my ($doc) = @_;
    my (%types, @errs);
    my $walk;
    $walk = sub {
        my ($v, $p) = @_;
        my $t = XtreamTest::json_type($v);
        if ($t ne 'null') {
            my $tt = $t eq 'number' ? 'number' : $t;
            $types{$p}{$tt} //= $p;
        }
        if ($t eq 'array') { $walk->($_, "$p\[]") for @$v }
        elsif ($t eq 'object') {
            for my $k (keys %$v) { $walk->($v->{$k}, $p . '.' . ($k =~ /^\d+$/ ? '{n}' : $k)) }
        } elsif ($t eq 'number') {
            push @errs, "$p: non-finite number $v" if $v =~ /nan|inf/i;
        }
    };
    $walk->($doc, '');
    for my $p (sort keys %types) {
        my @t = sort keys %{ $types{$p} };
        push @errs, "$p has types @t" if @t > 1;
    }
    return @errs;
}

sub types_ok {
    my ($doc, $label) = @_;
    my @e = type_conflicts($doc);
    Test::More::ok(!@e, "$label: one JSON type per key") or Test::More::diag(join "\n", @e[0 .. ($#e > 9 ? 9 : $#e)]);
}

# unix seconds -> "YYYY-mm-dd HH:MM:SS" (or any strftime format) in a zone
sub tz_fmt {
    my ($ts, $tz, $fmt) = @_;
    local $ENV{TZ} = $tz;
    POSIX::tzset();
    my $s = POSIX::strftime($fmt // '%Y-%m-%d %H:%M:%S', localtime $ts);
    delete local $ENV{TZ};
    POSIX::tzset();
    return $s;
}

sub b64_utf8 {   # base64 of UTF-8 -> perl characters (dies on bad input)
    my $s = shift;
    die "not base64: $s\n" unless $s =~ m{^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\z};
    return Encode::decode('UTF-8', MIME::Base64::decode_base64($s), Encode::FB_CROAK);
}

# M3U text -> (header line, [ [extinf, url], ... ], errors)
sub parse_m3u {
    my $text = shift;
    my @lines = split /\r?\n/, $text;
    my $head = shift @lines // '';
    my (@entries, @errs);
    while (@lines) {
        my $l = shift @lines;
        next if $l eq '';
        if ($l =~ /^#EXTINF:-1[ ,]/) {
            my $url = shift @lines;
            push @errs, "EXTINF without URL: $l" unless defined $url && $url =~ m{^https?://};
            push @entries, [$l, $url // ''];
        } else {
            push @errs, "unexpected line: $l";
        }
    }
    return ($head, \@entries, \@errs);
}

sub attr { my ($extinf, $name) = @_; return $extinf =~ /\b\Q$name\E="([^"]*)"/ ? $1 : undef }

sub parse_xml {
    my $text = shift;
    return XML::LibXML->new(no_network => 1, load_ext_dtd => 0)->parse_string($text);
}

sub same_set {
    my ($got, $want, $label) = @_;
    my @g = sort map { "$_" } @$got;
    my @w = sort map { "$_" } @$want;
    Test::More::is("@g", "@w", $label);
}

1;
