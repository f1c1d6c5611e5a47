# Helpers for the t/50x admin API tests (required after delivery-helpers.pl):
# xtreamd's admin API on a free loopback port, the nginx location that
# proxies /admin/api/ to it (as conf/nginx.run.conf.in does), and a small
# HTTP client that keeps the session cookie and the CSRF token.
use strict;
use warnings;
use IO::Socket::INET ();
use JSON::PP ();
use Time::HiRes qw(sleep time);

our $AdminPort = XtreamSup::free_port();
$ENV{TEST_NGINX_ADMIN_PORT} = $AdminPort;

# the key nginx sends in X-Xtream-Proxy-Key, as make run does: only with
# it is nginx's X-Real-IP believed (docs/SECURITY.md "Local users")
our $AdminProxyKey = join '', map { sprintf '%02x', int rand 256 } 1 .. 32;
our $AdminProxyKeyFile = "$XtreamTest::Tmp/admin-proxy.key";
XtreamTest::spew($AdminProxyKeyFile, "$AdminProxyKey\n");
chmod 0600, $AdminProxyKeyFile;
$ENV{TEST_NGINX_ADMIN_PROXY_KEY} = $AdminProxyKey;

# restart xtreamd with the admin API on (and extra config lines)
sub admin_daemon {
    my %kv = @_;
    XtreamSup::reconfigure(admin_listen => "127.0.0.1:$AdminPort",
                           admin_proxy_key_file => $AdminProxyKeyFile, %kv);
    XtreamSup::wait_for(10, sub {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $AdminPort,
                                      Proto => 'tcp', Timeout => 1);
        return $s ? 1 : 0;
    }) or die "admin API did not listen on $AdminPort";
}

our $AdminLocation = <<'CONF';
    location /admin/api/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_ADMIN_PORT;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Xtream-Proxy-Key $TEST_NGINX_ADMIN_PROXY_KEY;
        proxy_set_header Host $host;
        client_max_body_size 1m;
    }
CONF

our $Json = JSON::PP->new->canonical->utf8->allow_nonref;

# one HTTP/1.1 request; (status, {lc header => value | [values]}, body)
sub http_raw {
    my ($method, $target, %o) = @_;
    my $port = $o{port} // $ENV{TEST_NGINX_SERVER_PORT};
    # local: the loopback source address (127.0.0.2 ...), to be another client
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5,
                                  $o{local} ? (LocalAddr => $o{local}) : ())
        or return (0, {}, "connect: $!");
    my $body = $o{body} // '';
    my $h = "$method $target HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    $h .= "Content-Type: application/json\r\n" if length $body;
    $h .= "Content-Length: " . length($body) . "\r\n" if length $body || $method ne 'GET';
    $h .= "$_: $o{headers}{$_}\r\n" for sort keys %{ $o{headers} || {} };
    print $s $h, "\r\n", $body;
    my $resp = read_all($s, $o{secs} // 10);
    close $s;
    my ($head, $b) = split /\r\n\r\n/, $resp, 2;
    $head //= '';
    my ($st) = $head =~ m{^HTTP/1\.\d (\d{3})};
    my %hd;
    for (split /\r\n/, $head) {
        next unless /^([^:]+):\s*(.*)$/;
        my $k = lc $1;
        if (exists $hd{$k}) { $hd{$k} = [ ref $hd{$k} ? @{ $hd{$k} } : $hd{$k}, $2 ] }
        else { $hd{$k} = $2 }
    }
    $b //= '';
    if (($hd{'transfer-encoding'} // '') =~ /chunked/i) {
        my $out = '';
        while ($b =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($b, 0, $n, '');
            $b =~ s/^\r\n//;
        }
        $b = $out;
    }
    return ($st // 0, \%hd, $b);
}

# an admin session through nginx (new(local => '127.0.0.2'): from that address)
package AdminClient;

sub new { my ($c, %o) = @_; return bless { cookie => undef, csrf => undef, %o }, $c }

# (status, decoded JSON or undef, headers, raw body)
sub call {
    my ($self, $method, $path, $data, %o) = @_;
    my %h = %{ $o{headers} || {} };
    $h{Cookie} = "xt_admin=$self->{cookie}" if $self->{cookie} && !$o{no_cookie};
    $h{'X-CSRF-Token'} = $self->{csrf} if $self->{csrf} && $method ne 'GET'
        && !$o{no_csrf} && !exists $h{'X-CSRF-Token'};
    my $body = defined $o{raw} ? $o{raw} : defined $data ? $main::Json->encode($data) : '';
    my ($st, $hd, $b) = main::http_raw($method, "/admin/api$path", body => $body,
                                       headers => \%h, port => $o{port},
                                       local => $o{local} // $self->{local});
    my $j = eval { $main::Json->decode($b) };
    return ($st, $j, $hd, $b);
}

sub login {
    my ($self, $user, $pass) = @_;
    my ($st, $j, $hd) = $self->call('POST', '/login', { username => $user, password => $pass });
    if ($st == 200) {
        my $c = ref $hd->{'set-cookie'} ? $hd->{'set-cookie'}[0] : $hd->{'set-cookie'};
        ($self->{cookie}) = ($c // '') =~ /^xt_admin=([0-9a-f]{64});/;
        $self->{csrf} = $j->{csrf_token};
        $self->{set_cookie} = $c;
    }
    return ($st, $j, $hd);
}

package main;

# the error triple of an answer, for is_deeply-free checks
sub err_of { my $j = shift; return ref $j eq 'HASH' && ref $j->{error} eq 'HASH' ? $j->{error} : {} }

1;
