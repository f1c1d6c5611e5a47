package Test::Nginx::Socket;

# A small Test::Nginx::Socket-compatible harness, written for xtream.
# It runs the subset of the openresty test-nginx block format that our .t
# files use, on top of Debian's Test::Base.  scripts/prove.sh uses it only
# when the real Test::Nginx::Socket is not installed; the .t files run
# unchanged under either.
#
# Per block: write <servroot>/conf/nginx.conf, start nginx daemonised,
# send the request(s) over a plain socket, check status, headers, body and
# error.log, then stop nginx by pid (QUIT, then KILL).
#
# It follows the real harness (checked against openresty/test-nginx
# cf245a0, lib/Test/Nginx/Socket.pm and Util.pm) where the two could differ,
# and refuses what the real one would run differently or silently ignore,
# so that a file passing here passes there too:
#  - preprocessors run last-added first (test-nginx unshifts them);
#  - a block with no --- config (after the preprocessors) reuses the
#    previous block's nginx as it is (test-nginx neither restarts nor
#    rewrites config or user_files); we bail out if such a block has
#    sections that would be ignored, or if there is no previous nginx;
#  - with several requests every expectation must be an array, one value
#    per request ("You asked for many requests, ..."), and an undef value
#    is a failure, not a skip;
#  - response_body, response_body_like and response_body_unlike are
#    exclusive (test-nginx checks only the first one present), as are
#    response_headers/response_headers_like and error_code/error_code_like;
#  - response_headers_like values are anchored: qr/^VALUE$/;
#  - error_log/no_error_log are checked after every request, against the
#    lines logged since the previous check (the first one includes start-up);
#  - $TEST_NGINX_* is expanded in the configs, user_files, response_body and
#    error_log only (not in request or more_headers);
#  - TEST_NGINX_LOAD_MODULES is read when this module is loaded (set it in
#    BEGIN before `use Test::Nginx::Socket`);
#  - block names get the script name in front ("t/x.t TEST 1: ...");
#  - only the functions test-nginx exports are exported (no note(),
#    done_testing(): call Test::More::note in hook code).

use strict;
use warnings;

use Test::Base;     # sets the default Test::Base object that reads main::DATA
use Test::More ();
use Exporter ();
use IO::Socket::INET ();
use IO::Select ();
use POSIX ();
use File::Path ();
use File::Basename ();
use Cwd ();
use Time::HiRes qw(sleep time);

our @ISA = ('Exporter');
our @EXPORT = qw(
    plan run_tests repeat_each no_shuffle no_long_string master_on master_off
    workers log_level add_block_preprocessor add_response_body_check
    no_root_location server_root server_port html_dir timeout env_to_nginx
    bail_out blocks worker_connections
    is isnt ok like unlike is_deeply cmp_ok pass fail diag skip
);

our $RepeatEach   = 1;
our $Workers      = 1;
our $MasterOn     = 0;
our $LogLevel     = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $NoRootLoc    = 0;
our $Timeout      = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $WorkerConns  = 64;
our @Preprocessors;
our @ResponseBodyChecks;
our @EnvToNginx;

our $Binary   = $ENV{TEST_NGINX_BINARY} || 'nginx';
our $ServRoot = Cwd::abs_path('.') . '/t/servroot';
$ServRoot = $ENV{TEST_NGINX_SERVROOT} if $ENV{TEST_NGINX_SERVROOT};
our $Port     = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || free_port();
our $LoadModules = $ENV{TEST_NGINX_LOAD_MODULES};   # read now, as test-nginx does
our $NginxPid;
our $PrevConfig;     # the config of the nginx that is running, if any

# test-nginx sets TEST_NGINX_SERVER_PORT only in run_tests()
$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;
for my $i (1 .. 4) {
    $ENV{"TEST_NGINX_RAND_PORT_$i"} ||= free_port();
}

sub import {
    my ($class, @args) = @_;
    if (@args) {
        if ($args[0] eq 'no_plan') {
            Test::More::plan('no_plan');
            shift @args;
        } elsif ($args[0] eq 'tests') {
            Test::More::plan(tests => $args[1]);
            splice @args, 0, 2;
        } elsif ($args[0] eq 'skip_all') {
            Test::More::plan(skip_all => $args[1]);
            splice @args, 0, 2;
        }
    }
    __PACKAGE__->export_to_level(1, $class, @EXPORT);
}

# --- configuration functions (same names as test-nginx) -------------------

sub repeat_each { $RepeatEach = shift if @_; return $RepeatEach }
sub workers     { $Workers = shift if @_; return $Workers }
sub master_on   { $MasterOn = 1 }
sub master_off  { $MasterOn = 0 }
sub log_level   { $LogLevel = shift if @_; return $LogLevel }
sub no_root_location { $NoRootLoc = 1 }
sub worker_connections { $WorkerConns = shift if @_; return $WorkerConns }
sub timeout     { $Timeout = shift if @_; return $Timeout }
sub no_shuffle  { }
sub no_long_string { }
sub env_to_nginx { push @EnvToNginx, @_ }
sub server_root { $ServRoot }
sub server_port { $Port }
sub html_dir    { "$ServRoot/html" }
sub add_block_preprocessor  { unshift @Preprocessors, shift }   # last added runs first
sub add_response_body_check { push @ResponseBodyChecks, shift }
sub bail_out    { stop_nginx(); Test::More::BAIL_OUT(@_) }

# Test::More's and Test::Base's own functions, re-exported as test-nginx does
BEGIN {
    no strict 'refs';
    no warnings 'redefine';
    *{"Test::Nginx::Socket::$_"} = \&{"Test::More::$_"}
        for qw(plan is isnt ok like unlike is_deeply cmp_ok pass fail diag skip);
    *Test::Nginx::Socket::blocks = \&Test::Base::blocks;
}

sub free_port {
    for (1 .. 50) {
        my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                      LocalPort => 0, Proto => 'tcp', ReuseAddr => 1)
            or next;
        my $p = $s->sockport;
        close $s;
        return $p if $p > 1024;
    }
    die "no free port\n";
}

# --- block values ----------------------------------------------------------

# the raw value of a section (scalar, or a reference made by "eval")
sub val {
    my ($block, $name) = @_;
    return undef unless exists $block->{$name};
    my $v = $block->{$name};
    return ref $v eq 'ARRAY' ? $v->[0] : $v;
}

sub expand_env {
    my ($text, $what) = @_;
    return $text unless defined $text && !ref $text;
    $text =~ s{\$(TEST_NGINX_[A-Z0-9_]+)}{
        defined $ENV{$1} ? $ENV{$1}
                         : bail_out("$what: environment variable \$$1 is not set")
    }ge;
    return $text;
}

sub seconds {
    my $t = shift;
    return $t unless defined $t;
    $t =~ s/^\s+|\s+$//g;
    return $1 / 1000 if $t =~ /^([\d.]+)ms$/;
    return $1 if $t =~ /^([\d.]+)s?$/;
    die "bad timeout value '$t'\n";
}

# --- nginx process ----------------------------------------------------------

sub write_config {
    my ($block) = @_;
    File::Path::remove_tree($ServRoot);
    File::Path::make_path(map { "$ServRoot/$_" } qw(conf logs html));
    my $name = $block->name;
    my $main = expand_env(val($block, 'main_config') // '', "$name main_config");
    my $http = expand_env(val($block, 'http_config') // '', "$name http_config");
    my $conf = expand_env(val($block, 'config') // '', "$name config");
    my $post = expand_env(val($block, 'post_main_config') // '', "$name post_main_config");
    my $mods = '';
    for my $m (split ' ', $LoadModules || '') {
        $mods .= "load_module $m;\n";
    }
    my $env = join '', map { "env $_;\n" } @EnvToNginx;
    my $master = $MasterOn ? 'on' : 'off';
    my $root_loc = $NoRootLoc ? ''
        : "        location / {\n            root $ServRoot/html;\n"
        . "            index index.html index.htm;\n        }\n";
    my $user = $> == 0 ? "user root;\n" : '';
    my $text = <<"CONF";
worker_processes $Workers;
daemon on;
master_process $master;
error_log $ServRoot/logs/error.log $LogLevel;
pid $ServRoot/logs/nginx.pid;
$env$mods$user
$main

http {
    access_log $ServRoot/logs/access.log;
    client_body_temp_path $ServRoot/client_body_temp;
    proxy_temp_path $ServRoot/proxy_temp;
    fastcgi_temp_path $ServRoot/fastcgi_temp;
    uwsgi_temp_path $ServRoot/uwsgi_temp;
    scgi_temp_path $ServRoot/scgi_temp;
    default_type text/plain;
    keepalive_timeout 68;

$http

    server {
        listen 127.0.0.1:$Port;
        server_name 'localhost';
        client_max_body_size 30M;

$conf

$root_loc    }
}

$post

events {
    accept_mutex off;
    worker_connections $WorkerConns;
}
CONF
    open my $fh, '>', "$ServRoot/conf/nginx.conf" or die "$ServRoot/conf/nginx.conf: $!";
    print $fh $text;
    close $fh;
    write_user_files($block);
}

sub write_user_files {
    my ($block) = @_;
    my $files = val($block, 'user_files');
    return unless defined $files;
    my @list;
    if (ref $files eq 'ARRAY') {
        @list = map { [@$_] } @$files;        # [[path, content], ...]
    } else {
        $files = expand_env($files, $block->name . ' user_files');
        my ($path, $content);
        for my $line (split /^/, $files) {
            if ($line =~ /^>>> (\S+)/) {
                push @list, [$path, $content] if defined $path;
                ($path, $content) = ($1, '');
            } elsif (defined $path) {
                $content .= $line;
            }
        }
        push @list, [$path, $content] if defined $path;
    }
    for my $f (@list) {
        my ($path, $content) = @$f;
        bail_out($block->name . ": user_files path '$path' leaves html/")
            if $path =~ m{(^|/)\.\.(/|$)} || $path =~ m{^/};
        my $full = "$ServRoot/html/$path";
        File::Path::make_path(File::Basename::dirname($full));
        open my $fh, '>', $full or die "$full: $!";
        print $fh $content;
        close $fh;
    }
}

sub pid_alive {
    my $pid = shift;
    return 0 unless $pid && kill(0, $pid);
    # a zombie (not yet reaped by its parent) counts as gone
    if (open my $fh, '<', "/proc/$pid/stat") {
        my $stat = <$fh>;
        return 0 if defined $stat && $stat =~ /^\d+ \(.*\) Z /;
    }
    return 1;
}

sub start_nginx {
    my ($block) = @_;
    my $log = "$ServRoot/logs/error.log";
    my @cmd = ($Binary, '-p', "$ServRoot/", '-c', "$ServRoot/conf/nginx.conf", '-e', $log);
    my $out = `@cmd 2>&1`;
    if ($? != 0) {
        return "nginx failed to start (exit " . ($? >> 8) . "): $out" . tail_file($log, 20);
    }
    my $deadline = time + 5;
    my $pidf = "$ServRoot/logs/nginx.pid";
    while (time < $deadline) {
        if (open my $fh, '<', $pidf) {
            my $pid = <$fh>;
            if (defined $pid && $pid =~ /(\d+)/) {
                $NginxPid = $1;
                last;
            }
        }
        sleep 0.005;
    }
    return "nginx wrote no pid file" . tail_file($log, 20) unless $NginxPid;
    while (time < $deadline) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $Port,
                                      Proto => 'tcp', Timeout => 1);
        if ($s) { close $s; return undef }
        return "nginx exited at start" . tail_file($log, 20) unless pid_alive($NginxPid);
        sleep 0.005;
    }
    return "nginx does not listen on port $Port" . tail_file($log, 20);
}

sub stop_nginx {
    return unless $NginxPid;
    my $pid = $NginxPid;
    undef $NginxPid;
    return unless pid_alive($pid);
    kill 'QUIT', $pid;
    my $deadline = time + ($Timeout > 3 ? $Timeout : 3);
    while (time < $deadline) {
        return unless pid_alive($pid);
        sleep 0.005;
    }
    Test::More::diag("nginx $pid did not quit in time; sending KILL");
    kill 'KILL', $pid;
    sleep 0.05 while pid_alive($pid) && time < $deadline + 2;
}

sub tail_file {
    my ($file, $n) = @_;
    open my $fh, '<', $file or return '';
    my @l = <$fh>;
    splice @l, 0, @l - $n if @l > $n;
    return "\n--- $file:\n" . join '', @l;
}

sub log_size { my @s = stat "$ServRoot/logs/error.log"; return @s ? $s[7] : 0 }

sub log_since {
    my $from = shift;
    open my $fh, '<', "$ServRoot/logs/error.log" or return ();
    seek $fh, $from, 0;
    local $/ = "\n";
    return <$fh>;
}

# --- HTTP client -----------------------------------------------------------

sub build_request {
    my ($block, $req, $i) = @_;
    my $name = $block->name;
    $req =~ s/^(?:\s*#[^\n]*\n|\s+)+//;
    my ($first, $body) = split /\n/, $req, 2;
    bail_out("$name - request empty") unless defined $first && $first =~ /\S/;
    $first =~ s/\s+$//;
    my @parts = split ' ', $first;
    bail_out("$name: bad request line '$first'") if @parts > 3;
    my ($meth, $uri, $ver) = @parts;
    $uri //= '/';
    $ver //= 'HTTP/1.1';
    my $more = val($block, 'more_headers') // '';
    if (ref $more eq 'ARRAY') {            # one entry per request, as test-nginx
        $more = $more->[$i];
        bail_out("--- more_headers lacks data for the ${i}th request") unless defined $more;
    }
    my $hdrs = '';
    for my $h (split /\n+/, $more) {
        next if $h =~ /^\s*#/;
        my ($k, $v) = split /:\s*/, $h, 2;
        $hdrs .= "$k: " . ($v // '') . "\r\n";
    }
    my $head = "$meth $uri $ver\r\n";
    $head .= "Host: localhost\r\n" unless $hdrs =~ /^Host:/mi;
    $head .= "Connection: close\r\n" unless $hdrs =~ /^Connection/mi;
    $head .= $hdrs;
    $body //= '';
    $body =~ s/^\s+|\s+$//g;
    if ($body ne '' && $hdrs !~ /^Content-Length:/mi) {
        $head .= "Content-Length: " . length($body) . "\r\n";
    }
    return "$head\r\n$body";
}

# send bytes, read until EOF; returns (raw response, timed_out)
sub exchange {
    my ($bytes, $timeout) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $Port,
                                  Proto => 'tcp', Timeout => $timeout)
        or return ('', 0, "connect to 127.0.0.1:$Port failed: $!");
    binmode $s;
    my $sel = IO::Select->new($s);
    my $off = 0;
    while ($off < length $bytes) {
        return ('', 1) unless $sel->can_write($timeout);
        my $n = syswrite $s, $bytes, length($bytes) - $off, $off;
        last unless defined $n;          # the server may close early
        $off += $n;
    }
    my $resp = '';
    while (1) {
        return ($resp, 1) unless $sel->can_read($timeout);
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $resp .= $buf;
    }
    close $s;
    return ($resp, 0);
}

sub parse_response {
    my ($raw) = @_;
    my %r = (status => undef, headers => [], body => '');
    my $end = index $raw, "\r\n\r\n";
    my $head = $end >= 0 ? substr($raw, 0, $end) : $raw;
    my $body = $end >= 0 ? substr($raw, $end + 4) : '';
    my @lines = split /\r\n/, $head;
    my $sl = shift @lines // '';
    $r{status} = $1 if $sl =~ m{^HTTP/\d\.\d (\d{3})};
    for (@lines) {
        push @{ $r{headers} }, [$1, $2] if /^([^:]+):\s*(.*?)\s*$/;
    }
    my ($te) = map { $_->[1] } grep { lc $_->[0] eq 'transfer-encoding' } @{ $r{headers} };
    if ($te && lc $te eq 'chunked') {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $len = hex $1;
            last if $len == 0;
            $out .= substr($body, 0, $len, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    $r{body} = $body;
    return \%r;
}

sub header_values {
    my ($res, $name) = @_;
    return map { $_->[1] } grep { lc $_->[0] eq lc $name } @{ $res->{headers} };
}

# --- checks ------------------------------------------------------------------

# test-nginx's get_indexed_value(): with several requests the value must be
# an array (same message as test-nginx), and here it must also have one
# entry per request.
sub expect {
    my ($block, $sec, $i, $n) = @_;
    my $v = val($block, $sec);
    return undef unless defined $v;
    my $name = $block->name;
    if ($n > 1) {
        bail_out("$name - You asked for many requests, the expected results should be arrays as well.")
            unless ref $v eq 'ARRAY';
        bail_out("$name - --- $sec has " . scalar(@$v) . " values for $n requests")
            if @$v < $n;
        return $v->[$i];
    }
    return ref $v eq 'ARRAY' ? $v->[0] : $v;
}

# sections of which test-nginx checks only the first one present
our @Exclusive = (
    [qw(response_body response_body_like response_body_unlike)],
    [qw(response_headers response_headers_like)],
    [qw(error_code_like error_code)],
);

sub check_sections {
    my ($block) = @_;
    my $name = $block->name;
    for my $set (@Exclusive) {
        my @have = grep { defined val($block, $_) } @$set;
        next unless @have > 1;
        bail_out("$name - --- " . join(' and --- ', @have) . " in one block: test-nginx checks "
                 . "only --- $have[0] and ignores the rest; use one (a combined regex, or a hook)");
    }
}

sub header_value {    # as HTTP::Headers->header: several values joined by ", "
    my ($res, $name) = @_;
    my @v = header_values($res, $name);
    return @v ? join(', ', @v) : undef;
}

sub parse_header_lines {   # test-nginx's parse_headers(): [name, value|undef for "!name"]
    my ($text) = @_;
    my @out;
    for my $l (split /\n/, $text // '') {
        $l =~ s/^\s+|\s+$//g;
        next if $l eq '';
        if ($l =~ s/^!\s*//) {
            push @out, [$l, undef];
        } else {
            my ($k, $v) = split /\s*:\s*/, $l, 2;
            push @out, [$k, $v // ''];
        }
    }
    return @out;
}

sub check_response {
    my ($block, $res, $i, $rep, $n) = @_;
    my $name = $block->name;
    my $tag = "(req $i, rep $rep)";
    my $status = $res->{status} // '';

    if (defined val($block, 'error_code_like')) {
        my $want = expect($block, 'error_code_like', $i, $n);
        if (!defined $want) {
            Test::More::fail("$name - status code like: no pattern for this request $tag");
        } else {
            Test::More::like($status, qr/$want/sm, "$name - status code like $tag");
        }
    } elsif (defined val($block, 'error_code')) {
        Test::More::is($status, expect($block, 'error_code', $i, $n), "$name - status code ok $tag");
    } else {
        Test::More::is($status, 200, "$name - status code ok $tag");
    }

    if (defined val($block, 'response_headers')) {
        for my $h (parse_header_lines(expect($block, 'response_headers', $i, $n))) {
            my ($k, $want) = @$h;
            if (!defined $want) {
                my @v = header_values($res, $k);
                Test::More::ok(!@v, "$name - header $k absent $tag")
                    or Test::More::diag("got $k: @v");
            } else {
                $want =~ s/\$ServerPort\b/$Port/g;
                Test::More::is(header_value($res, $k) // '', $want, "$name - header $k ok $tag");
            }
        }
    } elsif (defined val($block, 'response_headers_like')) {
        for my $h (parse_header_lines(expect($block, 'response_headers_like', $i, $n))) {
            my ($k, $re) = @$h;
            $re //= '';
            Test::More::like(header_value($res, $k) // '', qr/^$re$/, "$name - header $k like $tag");
        }
    }

    my $content = $res->{body};
    if (defined val($block, 'response_body')) {
        my $want = expect($block, 'response_body', $i, $n);
        if (!defined $want) {
            Test::More::fail("$name - response_body: undef expected (test-nginx fails it too) $tag");
        } elsif (ref $want) {
            Test::More::like($content, $want, "$name - response_body like $tag");
        } else {
            $want =~ s/\$ServerPort\b/$Port/g;
            $want = expand_env($want, "$name response_body");
            Test::More::is($content, $want, "$name - response_body ok $tag");
        }
    } else {
        for my $kind (qw(like unlike)) {
            next unless defined val($block, "response_body_$kind");
            my $pat = expect($block, "response_body_$kind", $i, $n);
            if (!defined $pat) {
                Test::More::fail("$name - response_body_$kind: no pattern for this request $tag");
                next;
            }
            $pat =~ s/\$ServerPort\b/$Port/g unless ref $pat;
            my $re = qr/$pat/s;
            my $short = length($content) > 300 ? substr($content, 0, 300) . '...' : $content;
            # match on the full body; print only a short form on failure
            my $ok = $kind eq 'like' ? $content =~ $re : $content !~ $re;
            Test::More::ok($ok, "$name - response_body_$kind ok $tag")
                or Test::More::diag("body: $short\npattern: $re");
        }
    }
    for my $check (@ResponseBodyChecks) {
        $check->($block, $content, $i, $rep, 0);
    }
}

sub log_patterns {   # as test-nginx: a Regexp, an array, or lines of substrings
    my ($v) = @_;
    return () unless defined $v;
    return ($v) if ref $v eq 'Regexp';
    return @$v if ref $v eq 'ARRAY';
    chomp $v;
    return split /\n+/, $v;
}

sub match_line {
    my ($pat, $line) = @_;
    return 0 unless defined $pat;
    return ref $pat ? $line =~ $pat : index($line, $pat) >= 0;
}

# test-nginx's check_error_log(): the lines logged since the previous check
# (after every request of a block); $$pos is where the last check stopped.
sub check_logs {
    my ($block, $pos, $rep) = @_;
    my $name = $block->name;
    my @want = log_patterns(val($block, 'error_log'));
    my @lines = log_since($$pos);
    if (grep { defined } @want) {
        my $deadline = time + 1;          # lines logged after the response
        while (time < $deadline && grep { my $p = $_; defined $p && !grep { match_line($p, $_) } @lines } @want) {
            sleep 0.02;
            @lines = log_since($$pos);
        }
    }
    $$pos += length join '', @lines;
    for my $p (@want) {
        next unless defined $p;
        Test::More::ok((grep { match_line($p, $_) } @lines),
                       "$name - error_log has '$p' (rep $rep)");
    }
    for my $p (log_patterns(val($block, 'no_error_log'))) {
        next unless defined $p;
        my @hit = grep { match_line($p, $_) } @lines;
        Test::More::ok(!@hit, "$name - error_log lacks '$p' (rep $rep)")
            or Test::More::diag("found: $hit[0]");
    }
    for my $l (@lines) {
        Test::More::diag("WARNING: $name - $l") if $l =~ /\[(alert|crit|emerg)\]/;
    }
}

sub run_block {
    my ($block) = @_;
    if (defined $block->{SKIP}) {
        Test::More::note($block->name . " skipped (--- SKIP)");
        return;
    }
    $_->($block) for @Preprocessors;
    $block->set_value('name', "$0 " . $block->name);
    my $name = $block->name;
    check_sections($block);

    my $config = val($block, 'config');
    if (!defined $config) {
        # test-nginx: no restart, no new config, no user_files
        bail_out("$name - No '--- config' section specified and could not get previous one. "
                 . "Use TEST_NGINX_NO_NGINX_MANAGER ?") unless defined $PrevConfig && $NginxPid;
        my @ignored = grep { defined val($block, $_) } qw(main_config http_config post_main_config user_files);
        bail_out("$name - no --- config: test-nginx reuses the previous block's nginx and ignores "
                 . join(', ', map { "--- $_" } @ignored) . "; give the block a --- config") if @ignored;
    } else {
        stop_nginx();
        undef $PrevConfig;
        write_config($block);
        my $err = start_nginx($block);
        if ($err) {
            Test::More::fail("$name - nginx started");
            Test::More::diag($err);
            stop_nginx();
            return;
        }
        $PrevConfig = $config;
    }
    my $timeout = seconds(val($block, 'timeout')) // $Timeout;
    my @reqs;
    my $raw = val($block, 'raw_request');
    if (defined $raw) {
        @reqs = ref $raw eq 'ARRAY' ? (join '', @$raw) : ($raw);
    } else {
        my $r = val($block, 'request');
        bail_out("$name - request empty") unless defined $r;
        my @list = ref $r eq 'ARRAY' ? @$r : ($r);
        @reqs = map { build_request($block, $list[$_], $_) } 0 .. $#list;
    }
    my $n = @reqs;
    my $wait = seconds(val($block, 'wait'));
    my $pos = 0;              # the first check sees nginx's start-up lines too
    for my $rep (0 .. $RepeatEach - 1) {
        for my $i (0 .. $#reqs) {
            my ($resp, $timed_out, $cerr) = exchange($reqs[$i], $timeout);
            if ($cerr) {
                Test::More::fail("$name - connect (req $i, rep $rep)");
                Test::More::diag($cerr);
            } else {
                if ($timed_out && !defined $block->{abort}) {
                    Test::More::fail("$name - response finished within ${timeout}s (req $i, rep $rep)");
                }
                check_response($block, parse_response($resp), $i, $rep, $n);
            }
            sleep $wait if $wait;
            check_logs($block, \$pos, $rep);
        }
    }
}

sub run_tests {
    $ENV{TEST_NGINX_SERVER_PORT} = $Port unless defined $ENV{TEST_NGINX_SERVER_PORT};
    $ENV{TEST_NGINX_HTML_DIR}    = "$ServRoot/html";
    my @blocks = Test::Base::blocks();
    run_block($_) for @blocks;
    stop_nginx();
}

END { stop_nginx() }

1;
