package XtreamCluster;

# Many servers on one machine (t/70x, bench/cluster.sh): a MariaDB primary
# and a replica (two private mariadbd on loopback TCP, GTID replication
# set up by scripts/replica-setup.sh), then servers = nginx + module +
# xtreamd, each on its own loopback address (127.0.0.N: Linux routes all
# of 127/8 to lo) with its own snapshot dir, media root and event socket.
# Everything it starts is stopped by pid in END (or by stop()).  Core Perl.

use strict;
use warnings;
use File::Temp ();
use File::Basename ();
use File::Path ();
use Cwd ();
use POSIX ();
use IO::Socket::INET ();
use Socket ();
use Digest::SHA ();
use Time::HiRes qw(sleep time);
use XtreamTest ();

our $Repo  = Cwd::abs_path(File::Basename::dirname(__FILE__) . '/../..');
our $Build = $ENV{XT_BUILD} || "$Repo/build";
our $Tmp;
our $Secret = 'cluster-secret-of-this-test-0123456789';
my @Started;                    # [pid, what], stopped in reverse order

sub tmp {
    $Tmp //= File::Temp::tempdir('/tmp/xt-cl.XXXXXX', CLEANUP => !$ENV{XT_KEEP});
    return $Tmp;
}

# the file and command helpers of XtreamTest (loaded without its set-up)
*slurp = \&XtreamTest::slurp;
*spew = \&XtreamTest::spew;
*run_cmd = \&XtreamTest::run_cmd;

# a port free on every given address
sub free_port {
    my @addrs = @_;
    for (1 .. 100) {
        my $p = 20000 + int(rand(30000));
        my $ok = 1;
        for my $a (@addrs) {
            my $s = IO::Socket::INET->new(LocalAddr => $a, LocalPort => $p,
                                          Proto => 'tcp', ReuseAddr => 1);
            if (!$s) { $ok = 0; last }
            close $s;
        }
        return $p if $ok;
    }
    die "no free port on @addrs";
}

sub spawn {
    my ($what, $log, @cmd) = @_;
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $log;
        open STDERR, '>&', \*STDOUT;
        exec @cmd or POSIX::_exit(127);
    }
    push @Started, [$pid, $what];
    return $pid;
}

sub alive { my $pid = shift; return $pid && waitpid($pid, POSIX::WNOHANG()) == 0 }

sub stop_pid {
    my ($pid, $sig) = @_;
    return unless $pid;
    kill $sig // 'TERM', $pid;
    my $deadline = time + 15;
    while (time < $deadline) {
        last if waitpid($pid, POSIX::WNOHANG()) == $pid;
        sleep 0.02;
    }
    if (kill 0, $pid) { kill 'KILL', $pid; waitpid($pid, 0) }
    @Started = grep { $_->[0] != $pid } @Started;
}

sub wait_for {
    my ($secs, $pred) = @_;
    my $t0 = time;
    while (time - $t0 < $secs) {
        my $r = $pred->();
        return (time - $t0) || 1e-6 if $r;
        sleep 0.05;
    }
    return undef;
}

# ---------------------------------------------------------------- MariaDB

# the [mariadbd] lines scripts/replica-setup.sh prints, as options
sub mycnf_opts {
    my ($role, $id) = @_;
    my ($rc, $out) = run_cmd("$Repo/scripts/replica-setup.sh", 'mycnf', $role, $id);
    die "replica-setup.sh mycnf failed: $out" if $rc;
    my @o;
    for (split /\n/, $out) {
        next unless /^\s*([a-z_]+)\s*=\s*(\S+)/;
        next if $1 eq 'bind_address';           # loopback only, below
        push @o, "--$1=$2";
    }
    return @o;
}

# a private mariadbd on 127.0.0.1:PORT and DIR/s (socket)
sub mysqld {
    my ($name, $id, $role) = @_;
    my $dir = tmp() . "/$name";
    File::Path::make_path($dir);
    my @user = $> == 0 ? ('--user=root') : ();
    # a tmpdir of its own: a shared /tmp sees other runs' clean-ups
    File::Path::make_path("$dir/tmp");
    my ($rc, $out) = run_cmd('mariadb-install-db', '--no-defaults', "--datadir=$dir/data",
                             "--tmpdir=$dir/tmp", @user,
                             '--auth-root-authentication-method=normal', '--skip-test-db',
                             '--skip-name-resolve');
    die "mariadb-install-db ($name): $out" if $rc;
    my $port = free_port('127.0.0.1');
    my $pid = spawn("mariadbd $name", "$dir/out.log", '/usr/sbin/mariadbd', '--no-defaults',
        "--datadir=$dir/data", "--tmpdir=$dir/tmp", "--socket=$dir/s", "--pid-file=$dir/pid", "--log-error=$dir/err.log",
        "--port=$port", '--bind-address=127.0.0.1', '--skip-name-resolve', @user,
        '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M',
        '--innodb-flush-log-at-trx-commit=2', '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci', "--log-bin=$dir/data/xtream-bin",
        grep { !/^--log_bin=/ } mycnf_opts($role, $id));
    my $db = { name => $name, dir => $dir, sock => "$dir/s", port => $port, pid => $pid };
    wait_for(60, sub {
        die "mariadbd $name exited: " . slurp("$dir/err.log") unless alive($pid);
        (run_cmd('mariadb-admin', '--no-defaults', "--socket=$dir/s", '-uroot', 'ping'))[0] == 0;
    }) or die "mariadbd $name did not start: " . slurp("$dir/err.log");
    return $db;
}

sub sql {
    my ($db, $q, $dbname) = @_;
    my ($rc, $out) = run_cmd('mariadb', '--no-defaults', "--socket=$db->{sock}", '-uroot',
                             '-N', '-B', '-e', $q, $dbname // 'mysql');
    die "sql on $db->{name} failed: $q: $out" if $rc;
    return $out;
}

# ---------------------------------------------------------------- servers

# xtreamd.conf for one server; %o: db (the db_* side), write (the primary
# when db is a replica), extra key => value lines
sub xtreamd_conf {
    my ($s, %o) = @_;
    my $d = $s->{dir};
    $o{user} //= 'root';
    $o{password} //= '';
    my $c = <<"CONF";
db_socket        = $o{db}{sock}
db_user          = $o{user}
db_password      = $o{password}
db_name          = xtream
snapshot_dir     = $d/snap
media_root       = $d/media
event_socket     = $d/run/xtreamd.sock
pid_file         = $d/run/xtreamd.pid
log_file         = $d/log/xtreamd.log
poll_interval_ms = 100
server_id        = $s->{id}
load_report_ms   = 500
ondemand_idle_seconds = 30
CONF
    if (my $w = $o{write}) {
        $c .= "db_write_host = 127.0.0.1\ndb_write_port = $w->{port}\n"
            . "db_write_user = xtw\ndb_write_password = xtw-pass-1\n";
    }
    for my $k (sort keys %{ $o{extra} // {} }) { $c .= "$k = $o{extra}{$k}\n" }
    spew("$d/xtreamd.conf", $c);
    return "$d/xtreamd.conf";
}

sub nginx_conf {
    my ($s, %o) = @_;
    my $d = $s->{dir};
    my $role = $s->{id} == 1 ? 'main' : 'node';
    my $log = $ENV{XT_CLUSTER_LOG_LEVEL} // 'info';     # bench: warn
    # the main has no media: what it serves itself (no node left) fails fast
    my $wait = $s->{id} == 1 ? '1s' : '20s';
    spew("$d/secret", "server-local-hls-secret-$s->{id}-0123456789\n");
    spew("$d/cluster-secret", ($o{secret} // $Secret) . "\n");
    # workers as root when we are root: the temp dirs are ours, mode 0700
    my $user = $> == 0 ? 'user root;' : '';
    spew("$d/nginx.conf", <<"CONF");
load_module $Build/ngx_xtream_module.so;
$user
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/log/nginx-error.log $log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $d/tmp/cb;
    proxy_temp_path $d/tmp/px;
    fastcgi_temp_path $d/tmp/fc;
    uwsgi_temp_path $d/tmp/uw;
    scgi_temp_path $d/tmp/sc;
    sendfile on;
    types { video/mp4 mp4; video/mp2t ts; application/vnd.apple.mpegurl m3u8; }

    xtream_snapshot_dir $d/snap;
    xtream_snapshot_poll 100ms;
    xtream_timezone Europe/London;
    xtream_zone xtream 4m;
    xtream_secret file:$d/secret;
    xtream_media_root $d/media;
    xtream_vod_root $d/vodroot;
    xtream_vod_location /_xtream_vod/;
    xtream_event_socket $d/run/xtreamd.sock;
    xtream_ondemand_wait $wait;

    xtream_cluster $role;
    xtream_cluster_secret file:$d/cluster-secret;
    xtream_cluster_server_id $s->{id};
    xtream_cluster_node_timeout 3s;
    xtream_cluster_token_ttl 30s;

    server {
        listen $s->{ip}:$s->{port};
        location = /player_api.php { xtream_api; }
        location = /get.php        { xtream_api; }
        location /_xtream_vod/ { internal; alias $d/vodroot/; }
        location / { xtream_delivery; }
    }
}
CONF
}

# a server's directories; nothing started
sub server {
    my ($id, $port) = @_;
    my $d = tmp() . "/srv$id";
    File::Path::make_path(map { "$d/$_" } qw(snap media run log tmp vodroot/films));
    return { id => $id, ip => "127.0.0.$id", port => $port, dir => $d,
             url => "http://127.0.0.$id:$port" };
}

sub start_xtreamd {
    my ($s) = @_;
    unlink "$s->{dir}/run/xtreamd.sock";
    $s->{xpid} = spawn("xtreamd $s->{id}", "$s->{dir}/log/xtreamd.out", "$Build/xtreamd",
                       '-c', "$s->{dir}/xtreamd.conf", '--foreground');
    wait_for(30, sub {
        die "xtreamd $s->{id} exited: " . slurp("$s->{dir}/log/xtreamd.log")
            . slurp("$s->{dir}/log/xtreamd.out") unless alive($s->{xpid});
        -s "$s->{dir}/snap/lines.snap" && -s "$s->{dir}/snap/catalog.snap"
            && -s "$s->{dir}/snap/cluster.snap" && -S "$s->{dir}/run/xtreamd.sock";
    }) or die "xtreamd $s->{id} wrote no snapshots: " . slurp("$s->{dir}/log/xtreamd.log");
}

sub start_nginx {
    my ($s) = @_;
    $s->{npid} = spawn("nginx $s->{id}", "$s->{dir}/log/nginx.out", $ENV{TEST_NGINX_BINARY} // '/usr/sbin/nginx',
                       '-p', "$s->{dir}/", '-c', "$s->{dir}/nginx.conf");
    wait_for(20, sub {
        die "nginx $s->{id} exited: " . slurp("$s->{dir}/log/nginx-error.log")
            . slurp("$s->{dir}/log/nginx.out") unless alive($s->{npid});
        my $c = IO::Socket::INET->new(PeerAddr => $s->{ip}, PeerPort => $s->{port}, Timeout => 1);
        $c ? (close($c), 1) : 0;
    }) or die "nginx $s->{id} does not listen on $s->{ip}:$s->{port}";
}

# the worker processes xtreamd of server $s started (from /proc)
sub worker_pids {
    my ($s) = @_;
    my @p;
    opendir(my $dh, '/proc') or return ();
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$pid/cmdline" or next;
        local $/;
        my @a = split /\0/, (<$fh> // '');
        next unless @a && $a[0] =~ m{/xtream-worker$};
        push @p, $pid if grep { index($_, "$s->{dir}/media/") == 0 } @a;
    }
    closedir $dh;
    return @p;
}

# the children of a process (from /proc)
sub children {
    my ($ppid) = @_;
    my @c;
    opendir(my $dh, '/proc') or return ();
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        my $st = slurp("/proc/$pid/stat");
        push @c, $pid if $st =~ /^\d+ \(.*\) \S (\d+)/ && $1 == $ppid;
    }
    closedir $dh;
    return @c;
}

# a crash: nginx (master and workers), xtreamd and its stream workers
# killed at once, nothing said
sub crash {
    my ($s) = @_;
    my @w = (worker_pids($s), children($s->{npid}));
    kill 'KILL', $s->{npid}, $s->{xpid}, @w;
    stop_pid($s->{npid}, 'KILL');
    stop_pid($s->{xpid}, 'KILL');
    # the master's worker may outlive a killed master for a moment
    wait_for(10, sub { !IO::Socket::INET->new(PeerAddr => $s->{ip}, PeerPort => $s->{port}, Timeout => 1) });
    delete @$s{qw(npid xpid)};
}

sub xtctl {
    my ($s, @args) = @_;
    return run_cmd("$Build/xtreamctl", '-c', "$s->{dir}/xtreamd.conf", @args);
}

# ---------------------------------------------------------------- HTTP

# one request from a chosen source address; returns (status, headers
# hashref (lower-case keys), body bytes read (up to $max), socket when
# keep => 1 and the body is still streaming)
sub http {
    my (%a) = @_;
    my ($host, $port, $path) = $a{url} =~ m{^http://([^:/]+):(\d+)(/.*)$} or die "bad url $a{url}";
    my $sock = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp',
                                     LocalAddr => $a{from} // '127.0.0.1', Timeout => 10)
        or return (0, {}, '');
    my $method = $a{method} // 'GET';
    print $sock "$method $path HTTP/1.0\r\nHost: $host:$port\r\nUser-Agent: xt-cluster-test/1\r\n"
              . "Connection: close\r\n\r\n";
    my $buf = '';
    my $deadline = time + ($a{timeout} // 30);
    my $max = $a{max} // 1 << 20;
    $sock->blocking(0);
    my ($status, %h, $hend);
    while (time < $deadline) {
        my $rin = '';
        vec($rin, fileno($sock), 1) = 1;
        select(my $rout = $rin, undef, undef, 0.2) or next;
        my $n = sysread($sock, my $chunk, 65536);
        last if !defined $n && $! != POSIX::EAGAIN();
        last if defined $n && $n == 0;
        $buf .= $chunk if $n;
        if (!defined $hend && (my $i = index($buf, "\r\n\r\n")) >= 0) {
            $hend = $i + 4;
            my @l = split /\r\n/, substr($buf, 0, $i);
            ($status) = (shift(@l) // '') =~ m{^HTTP/1\.\d (\d{3})};
            for (@l) { $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/ }
            last if $method eq 'HEAD';
            my $cl = $h{'content-length'};
            last if defined $cl && length($buf) - $hend >= $cl;
        }
        last if defined $hend && length($buf) - $hend >= $max;
    }
    my $body = defined $hend ? substr($buf, $hend) : '';
    if ($a{keep} && defined $hend) {
        return ($status // 0, \%h, $body, $sock);
    }
    close $sock;
    return ($status // 0, \%h, $body);
}

# MPEG-TS: 0x47 every 188 bytes over the first packets
sub is_ts {
    my ($b) = @_;
    return 0 if length($b) < 188 * 4;
    for my $i (0 .. 3) { return 0 unless substr($b, $i * 188, 1) eq "\x47" }
    return 1;
}

# a hand-off token made by the test itself (xt_handoff.h's definition)
sub token {
    my (%t) = @_;
    my $addr = $t{addr} // '127.0.0.1';
    my $msg = "xh1|$t{server}|$t{line}|$t{kind}|$t{stream}|$t{expires}|" . length($addr) . ":$addr";
    my $mac = substr(Digest::SHA::hmac_sha256_hex($msg, $t{secret} // $Secret), 0, 32);
    return "$t{server}-$t{line}-$t{expires}-$mac";
}

sub stop_all {
    for my $p (reverse @Started) {
        kill 'TERM', $p->[0];
    }
    my $deadline = time + 20;
    for my $p (reverse @Started) {
        while (time < $deadline && waitpid($p->[0], POSIX::WNOHANG()) != $p->[0]) { sleep 0.02 }
        if (kill 0, $p->[0]) { kill 'KILL', $p->[0]; waitpid($p->[0], 0) }
    }
    @Started = ();
}

END { stop_all() }

1;
