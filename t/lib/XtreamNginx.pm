package XtreamNginx;

# A real nginx with the module, driven by the test itself, for the tests
# that must reload it, upgrade its binary, run it under faketime or put
# load on it while something else breaks (t/6xx).  Load XtreamTest first
# (its back end: MariaDB, xtreamd, snapshots).  Everything started here is
# stopped by pid in END.  Also: a load loop of forked clients that counts
# every answer that is not the expected one, and a strict Prometheus text
# parser for the metrics endpoint.  Core Perl only.
#
#   my $ng = XtreamNginx->start(http => $http_lines, server => $locations);
#   my ($st, $h, $body) = $ng->get('/player_api.php?...');
#   $ng->reload; $ng->upgrade; $ng->stop;

use strict;
use warnings;
use POSIX ();
use File::Path ();
use IO::Socket::INET ();
use IO::Select ();
use Time::HiRes qw(sleep time);

our $Nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
our $Module = ($ENV{XT_BUILD} || "$XtreamTest::Repo/build") . '/ngx_xtream_module.so';
our @All;       # every instance, for END
our @Loads;

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1)
        or die "no free port: $!";
    my $p = $s->sockport;
    close $s;
    return $p;
}

# start(http => TEXT, server => TEXT, workers => N, listen => [ADDR:PORT...],
#       env => {NAME => VALUE} (nginx's environment, e.g. faketime))
sub start {
    my ($class, %o) = @_;
    my $self = bless { %o }, $class;
    my $n = @All + 1;
    $self->{prefix} = "$XtreamTest::Tmp/nginx$n";
    File::Path::make_path(map { "$self->{prefix}/$_" } qw(conf logs tmp));
    $self->{port} //= free_port();
    $self->{listen} //= ["127.0.0.1:$self->{port}"];
    $self->write_conf;
    push @All, $self;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        %ENV = (%ENV, %{ $self->{env} || {} });
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$self->{prefix}/logs/stderr.log";
        open STDERR, '>&', \*STDOUT;
        exec $Nginx, '-p', "$self->{prefix}/", '-c', 'conf/nginx.conf' or POSIX::_exit(127);
    }
    waitpid($pid, 0);       # daemon on: the starter exits at once
    die "nginx did not start (status $?): " . XtreamTest::slurp("$self->{prefix}/logs/stderr.log")
        . XtreamTest::slurp("$self->{prefix}/logs/error.log") if $?;
    $self->wait_for(10, sub { $self->master_pid }) or die "nginx wrote no pid file";
    $self->wait_for(10, sub { $self->worker_pids >= ($self->{workers} || 2) })
        or die "nginx workers did not start";
    $self->wait_for(10, sub { ($self->get('/__xt_ping'))[0] > 0 }) or die "nginx does not answer";
    return $self;
}

sub write_conf {
    my $self = shift;
    my $p = $self->{prefix};
    my $w = $self->{workers} || 2;
    my $listen = join '', map { "        listen $_;\n" } @{ $self->{listen} };
    my $user = $> == 0 ? "user root;\n" : '';
    # nginx clears its workers' environment but for `env` names
    $user .= join '', map { "env $_;\n" } sort keys %{ $self->{env} || {} };
    my $http = $self->{http} // '';
    my $server = $self->{server} // '';
    # endless TS streams hold an old worker after a reload until they end,
    # unless told otherwise (worker_shutdown_timeout)
    my $shutdown = $self->{shutdown_timeout} ? "worker_shutdown_timeout $self->{shutdown_timeout};\n" : '';
    XtreamTest::spew("$p/conf/nginx.conf", <<"CONF");
load_module $Module;
${user}worker_processes $w;
daemon on;
master_process on;
error_log $p/logs/error.log info;
pid $p/logs/nginx.pid;
${shutdown}events { worker_connections 1024; accept_mutex off; }
http {
    access_log $p/logs/access.log;
    client_body_temp_path $p/tmp;
    proxy_temp_path $p/tmp;
    fastcgi_temp_path $p/tmp;
    uwsgi_temp_path $p/tmp;
    scgi_temp_path $p/tmp;
    default_type text/plain;
$http
    server {
$listen        server_name localhost;
$server
        location = /__xt_ping { return 204; }
    }
}
CONF
}

sub port { $_[0]{port} }
sub error_log { XtreamTest::slurp("$_[0]{prefix}/logs/error.log") }

# [alert], [crit] and [emerg] lines of the error log
sub alerts { my $self = shift; return grep { /\[(alert|crit|emerg)\]/ } split /\n/, $self->error_log }

sub master_pid {
    my $self = shift;
    my $f = XtreamTest::slurp("$self->{prefix}/logs/nginx.pid");
    return $f =~ /(\d+)/ && kill(0, $1) ? $1 : undef;
}

# worker processes of a master (from /proc: ppid, and not shutting down)
sub worker_pids {
    my ($self, $master) = @_;
    $master //= $self->master_pid or return ();
    my @w;
    opendir(my $dh, '/proc') or return ();
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        my $st = XtreamTest::slurp("/proc/$pid/stat");
        next unless $st =~ /^\d+ \(([^)]*)\) \S+ (\d+)/ && $2 == $master;
        my $cmd = XtreamTest::slurp("/proc/$pid/cmdline");
        push @w, $pid if $cmd =~ /worker process/ && $cmd !~ /shutting down/;
    }
    closedir $dh;
    @w = sort { $a <=> $b } @w;
    return wantarray ? @w : scalar @w;
}

sub wait_for {
    my ($self, $secs, $pred) = @_;
    my $t0 = time;
    while (time - $t0 < $secs) {
        return time - $t0 if $pred->();
        sleep 0.05;
    }
    return undef;
}

# HUP: new workers with the same zone; returns when they answer
sub reload {
    my $self = shift;
    my %old = map { $_ => 1 } $self->worker_pids;
    kill 'HUP', $self->master_pid or die "HUP: $!";
    $self->wait_for(20, sub { my @n = $self->worker_pids; @n && !grep { $old{$_} } @n })
        or die "reload: the new workers did not come";
}

# binary upgrade: USR2 (a new master from the same binary), WINCH (old
# workers stop gracefully), QUIT to the old master; returns the new
# master's pid once the old one is gone
sub upgrade {
    my $self = shift;
    my $old = $self->master_pid or die "no master";
    kill 'USR2', $old or die "USR2: $!";
    my $new;
    $self->wait_for(20, sub {
        my $p = XtreamTest::slurp("$self->{prefix}/logs/nginx.pid");
        $new = $p =~ /(\d+)/ ? $1 : undef;
        defined $new && $new != $old && $self->worker_pids($new) >= ($self->{workers} || 2);
    }) or die "upgrade: no new master with workers";
    kill 'WINCH', $old;
    $self->wait_for(30, sub { !$self->worker_pids($old) }) or die "upgrade: old workers stay";
    kill 'QUIT', $old;
    $self->wait_for(30, sub { !kill(0, $old) }) or die "upgrade: old master stays";
    return $new;
}

sub stop {
    my $self = shift;
    my $pid = $self->master_pid or return;
    kill 'QUIT', $pid;
    return if $self->wait_for(15, sub { !kill(0, $pid) });
    kill 'TERM', $pid;
    return if $self->wait_for(5, sub { !kill(0, $pid) });
    kill 'KILL', $pid;
}

# one request, HTTP/1.0, its own connection: (status, {headers}, body)
# options: addr/port (server), from (the client's own address), ua, host
sub get {
    my ($self, $uri, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => $o{addr} || '127.0.0.1',
                                  PeerPort => $o{port} || $self->{port},
                                  ($o{from} ? (LocalAddr => $o{from}) : ()),
                                  Proto => 'tcp', Timeout => $o{timeout} || 5)
        or return (0, {}, "connect: $!");
    my $ua = $o{ua} // 'xtream-test';
    my $host = $o{host} // 'localhost';
    print $s "GET $uri HTTP/1.0\r\nHost: $host\r\nUser-Agent: $ua\r\n\r\n";
    my $resp = read_until($s, $o{timeout} || 10);
    close $s;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my ($st) = ($head // '') =~ m{^HTTP/\d\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head // '') { $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/ }
    return ($st // 0, \%h, $body // '');
}

sub read_until {
    my ($s, $secs) = @_;
    my $sel = IO::Select->new($s);
    my ($buf, $end) = ('', time + $secs);
    while ((my $left = $end - time) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($s, my $chunk, 65536);
        last unless $n;
        $buf .= $chunk;
    }
    return $buf;
}

# a TS viewer: connect, read the head; keep the socket open to stay counted
sub open_stream {
    my ($self, $uri) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                  Proto => 'tcp', Timeout => 5) or return;
    print $s "GET $uri HTTP/1.1\r\nHost: localhost\r\nUser-Agent: xtream-test\r\nConnection: close\r\n\r\n";
    my $sel = IO::Select->new($s);
    my ($buf, $end) = ('', time + 10);
    while ($buf !~ /\r\n\r\n/ && time < $end) {
        last unless $sel->can_read($end - time);
        last unless sysread($s, $buf, 65536, length $buf);
    }
    my ($st) = $buf =~ m{^HTTP/1\.\d (\d{3})};
    return wantarray ? ($s, $st // 0) : $s;
}

# ---------------------------------------------------------------------------
# load: $n forked clients, each looping over [uri, expected-status-regex]
# pairs until stop; every answer counted, the first failures kept

sub load_start {
    my ($self, $n, @reqs) = @_;
    my $dir = "$XtreamTest::Tmp/load" . (@Loads + 1);
    File::Path::make_path($dir);
    my @pids;
    for my $i (1 .. $n) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            my ($stop, $ok, $bad, @why) = (0, 0, 0);
            $SIG{TERM} = sub { $stop = 1 };
            my $k = $i;
            while (!$stop) {
                my ($uri, $want) = @{ $reqs[$k++ % @reqs] };
                my ($st) = $self->get($uri, timeout => 10);
                if ($st =~ $want) { $ok++ } else { $bad++; push @why, "$uri -> $st" if @why < 5 }
                sleep 0.01;
            }
            XtreamTest::spew("$dir/$i", join("\n", $ok, $bad, @why) . "\n");
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    my $load = { pids => \@pids, dir => $dir };
    push @Loads, $load;
    return $load;
}

# stop the clients: (answers as expected, failures, [first failures])
sub load_stop {
    my ($self, $load) = @_;
    kill 'TERM', @{ $load->{pids} };
    waitpid($_, 0) for @{ $load->{pids} };
    $load->{pids} = [];
    my ($ok, $bad, @why) = (0, 0);
    for my $f (glob "$load->{dir}/*") {
        my ($o, $b, @w) = split /\n/, XtreamTest::slurp($f);
        $ok += $o // 0;
        $bad += $b // 0;
        push @why, @w;
    }
    return ($ok, $bad, \@why);
}

# ---------------------------------------------------------------------------
# Prometheus text format 0.0.4, strictly: every line a HELP, a TYPE or a
# sample; names and label names by the grammar; label values with only
# \\ \" \n escapes; values as Go's ParseFloat takes them; a family's TYPE
# before its samples and never twice; no sample twice.  Returns
# ({ 'name{l="v",...}' => value }, { name => type }, [errors]).
sub parse_prom {
    my $text = shift;
    my (%v, %type, %help, %seen_fam, @err);
    my $name_re = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
    my $num_re = qr/[+-]?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|NaN)/;
    push @err, "does not end with a newline" if length $text && $text !~ /\n\z/;
    my $ln = 0;
    for my $line (split /\n/, $text) {
        $ln++;
        if ($line =~ /^# HELP ($name_re) (.*)$/) {
            push @err, "line $ln: second HELP for $1" if $help{$1}++;
            push @err, "line $ln: bad escape in HELP" if $2 =~ /\\(?![\\n])/;
            next;
        }
        if ($line =~ /^# TYPE ($name_re) (counter|gauge|histogram|summary|untyped)$/) {
            push @err, "line $ln: second TYPE for $1" if $type{$1};
            push @err, "line $ln: TYPE for $1 after its samples" if $seen_fam{$1};
            $type{$1} = $2;
            next;
        }
        if ($line =~ /^#/) { push @err, "line $ln: comment not HELP/TYPE: $line" if $line =~ /^# (HELP|TYPE)/; next }
        if ($line !~ /^($name_re)(\{(.*)\})? ($num_re)(?: (-?\d+))?$/) {
            push @err, "line $ln: not a sample: $line";
            next;
        }
        my ($name, $lab, $val) = ($1, $3, $4);
        my @pairs;
        if (defined $lab) {
            my $rest = $lab;
            while (length $rest) {
                if ($rest =~ s/^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)//) {
                    push @pairs, "$1=\"$2\"";
                    push @err, "line $ln: trailing comma" if $3 eq ',' && !length $rest;
                } else {
                    push @err, "line $ln: bad labels: {$lab}";
                    last;
                }
            }
        }
        (my $fam = $name) =~ s/_(total|count|sum|bucket)$//;
        $seen_fam{$name}++;
        $seen_fam{$fam}++;
        my $key = $name . (@pairs ? '{' . join(',', @pairs) . '}' : '');
        push @err, "line $ln: duplicate sample $key" if exists $v{$key};
        $v{$key} = $val =~ /^[+-]?Inf$/ ? ($val =~ /^-/ ? -9**9**9 : 9**9**9) : $val eq 'NaN' ? 'NaN' : $val + 0;
        push @err, "line $ln: $name has no TYPE before it" unless $type{$name};
    }
    return (\%v, \%type, \@err);
}

# scrape: (values, types, errors, status, raw text)
sub scrape {
    my ($self, %o) = @_;
    my ($st, $h, $body) = $self->get($o{uri} || '/metrics', %o);
    my ($v, $t, $e) = parse_prom($body);
    return ($v, $t, $e, $st, $body);
}

END {
    my $rc = $?;
    for my $l (@Loads) {
        kill 'TERM', @{ $l->{pids} || [] };
        waitpid($_, 0) for @{ $l->{pids} || [] };
    }
    $_->stop for @All;
    $? = $rc;
}

1;
