package XtreamTest;

# Real back end for the .t files: a private MariaDB (the run's shared one
# when scripts/prove.sh started it, else our own), a per-file database,
# `xtreamctl migrate` + `import <fixture>`, and `xtreamd --foreground` as our
# child writing snapshots into a temp dir.  Load it BEFORE
# Test::Nginx::Socket:
#
#   use lib 't/lib';
#   use XtreamTest fixture => 't/fixtures/slice.json';
#   use Test::Nginx::Socket 'no_plan';
#   XtreamTest::hooks();
#
# Exports to the nginx config: $TEST_NGINX_XT_SNAPDIR, $TEST_NGINX_XT_CONF,
# $TEST_NGINX_XT_MEDIA, $TEST_NGINX_XT_EVENT_SOCKET, $TEST_NGINX_XT_TZ.
# Everything it started is stopped in END, by pid.  Core Perl only.

use strict;
use warnings;
use File::Temp ();
use File::Basename ();
use File::Copy ();
use Cwd ();
use POSIX ();
use JSON::PP ();
use B ();
use IO::Socket::INET ();
use Time::HiRes qw(sleep time);

our $Repo  = Cwd::abs_path(File::Basename::dirname(__FILE__) . '/../..');
our $Build = $ENV{XT_BUILD} || "$Repo/build";
our ($Tmp, $DbDir, $OwnDb, $DbStopped, $Conf, $SnapDir, $DaemonPid, $DbName);
our $Tz = 'Europe/London';

sub fatal { print STDOUT "Bail out!  XtreamTest: @_\n"; exit 255 }

sub import {
    my ($class, %opt) = @_;
    return if $Tmp;                                   # set up once per file
    for my $bin ("$Build/xtreamd", "$Build/xtreamctl") {
        fatal("$bin is missing: run 'make build' first") unless -x $bin;
    }
    $Tmp = File::Temp::tempdir('/tmp/xt-t.XXXXXX', CLEANUP => !$ENV{XT_KEEP});
    mkdir "$Tmp/$_" for qw(snap media run log);
    $SnapDir = "$Tmp/snap";

    # MariaDB: the run's shared instance, or our own
    $DbDir = $ENV{XT_TEST_DB_DIR};
    if (!$DbDir || system("$Repo/scripts/db.sh status $DbDir >/dev/null 2>&1") != 0) {
        $DbDir = "$Tmp/db";
        $OwnDb = 1;
        system("$Repo/scripts/db.sh start $DbDir >$Tmp/log/db.log 2>&1") == 0
            or fatal("cannot start MariaDB: " . slurp("$Tmp/log/db.log"));
    }
    ($DbName = 'xt_' . File::Basename::basename($0)) =~ s/[^A-Za-z0-9_]/_/g;
    sql("DROP DATABASE IF EXISTS `$DbName`; CREATE DATABASE `$DbName`", 'mysql');

    $Conf = "$Tmp/xtreamd.conf";
    spew($Conf, <<"CONF");
db_socket        = $DbDir/mysqld.sock
db_user          = root
db_password      =
db_name          = $DbName
snapshot_dir     = $SnapDir
media_root       = $Tmp/media
archive_root     = $Tmp/archive
event_socket     = $Tmp/run/xtreamd.sock
pid_file         = $Tmp/run/xtreamd.pid
log_file         = $Tmp/log/xtreamd.log
poll_interval_ms = 100
server_id        = 1
CONF
    my ($rc, $out) = xtctl('migrate');
    fatal("xtreamctl migrate failed ($rc): $out") if $rc;
    if (my $fx = $opt{fixture}) {
        $fx = "$Repo/$fx" unless $fx =~ m{^/};
        ($rc, $out) = xtctl('import', $fx);
        fatal("xtreamctl import $fx failed ($rc): $out") if $rc;
    }
    start_daemon();

    $ENV{TEST_NGINX_XT_SNAPDIR}      = $SnapDir;
    $ENV{TEST_NGINX_XT_CONF}         = $Conf;
    $ENV{TEST_NGINX_XT_MEDIA}        = "$Tmp/media";
    $ENV{TEST_NGINX_XT_EVENT_SOCKET} = "$Tmp/run/xtreamd.sock";
    $ENV{TEST_NGINX_XT_TZ}           = $Tz;
}

sub slurp { my $f = shift; open my $fh, '<', $f or return ''; local $/; return scalar <$fh> }
sub spew  { my ($f, $c) = @_; open my $fh, '>', $f or die "$f: $!"; print $fh $c; close $fh }

# run a command, return (exit status, combined output)
sub run_cmd {
    my @cmd = @_;
    my $pid = open my $fh, '-|';
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        open STDIN, '<', '/dev/null';
        exec @cmd or POSIX::_exit(127);
    }
    local $/;
    my $out = <$fh> // '';
    close $fh;
    return ($? >> 8, $out);
}

sub xtctl { return run_cmd("$Build/xtreamctl", '-c', $Conf, @_) }

# SQL through the mariadb client (for set-up and for checks, never for
# what the product's own tools should do)
sub sql {
    my ($q, $db) = @_;
    my ($rc, $out) = run_cmd('mariadb', '--no-defaults', "--socket=$DbDir/mysqld.sock",
                             '-uroot', '-N', '-B', '-e', $q, $db // $DbName);
    die "sql failed: $q: $out" if $rc;
    return $out;
}

# import a Perl structure through `xtreamctl import` (dies on failure)
my $ImportSeq = 0;
sub import_json {
    my $data = shift;
    my $file = "$Tmp/import-" . ++$ImportSeq . ".json";
    spew_raw($file, JSON::PP->new->canonical->utf8->encode($data));   # UTF-8 bytes
    my ($rc, $out) = xtctl('import', $file);
    die "xtreamctl import failed ($rc): $out" if $rc;
    return 1;
}

# login through the nginx under test: 1 when auth is 1
sub login_ok {
    my ($u, $p) = @_;
    my ($st, $body) = http_get("/player_api.php?username=$u&password=$p");
    return $st == 200 && $body =~ /"auth":1[,}]/ ? 1 : 0;
}

sub snap_path { my $kind = shift; return "$SnapDir/$kind.snap" }

sub start_daemon {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$Tmp/log/xtreamd.out";
        open STDERR, '>&', \*STDOUT;
        exec "$Build/xtreamd", '-c', $Conf, '--foreground' or POSIX::_exit(127);
    }
    $DaemonPid = $pid;
    my $deadline = time + 15;
    while (time < $deadline) {
        return if -s snap_path('lines') && -s snap_path('catalog');
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
            undef $DaemonPid;
            fatal("xtreamd exited at start (status $?): "
                  . slurp("$Tmp/log/xtreamd.out") . slurp("$Tmp/log/xtreamd.log"));
        }
        sleep 0.05;
    }
    fatal("xtreamd wrote no lines.snap/catalog.snap in 15 s: " . slurp("$Tmp/log/xtreamd.log"));
}

sub daemon_alive {
    return 0 unless $DaemonPid;
    return waitpid($DaemonPid, POSIX::WNOHANG()) == 0;
}

sub stop_daemon {
    return unless $DaemonPid;
    my $pid = $DaemonPid;
    undef $DaemonPid;
    kill 'TERM', $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        return if waitpid($pid, POSIX::WNOHANG()) == $pid;
        sleep 0.02;
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
}

sub db_stop {
    system("$Repo/scripts/db.sh stop $DbDir >/dev/null") == 0 or die "db stop failed";
    $DbStopped = 1;
}

sub db_start {
    system("$Repo/scripts/db.sh start $DbDir >/dev/null") == 0 or die "db start failed";
    $DbStopped = 0;
}

# generation number from a snapshot header (offset 16, uint64 host order)
sub snap_generation {
    my $kind = shift;
    open my $fh, '<:raw', snap_path($kind) or return undef;
    read($fh, my $h, 24) == 24 or return undef;
    return unpack('Q', substr($h, 16, 8));
}

sub wait_generation_above {
    my ($kind, $gen, $secs) = @_;
    my $deadline = time + $secs;
    while (time < $deadline) {
        my $g = snap_generation($kind);
        return $g if defined $g && $g > $gen;
        sleep 0.05;
    }
    return undef;
}

# Replace <kind>.snap (atomically, as the daemon does) with a copy whose
# body is damaged but whose header is intact: magic and version pass, the
# checksum does not.  The good file is kept for restore_snapshot().
sub corrupt_snapshot {
    my $kind = shift;
    my $path = snap_path($kind);
    File::Copy::copy($path, "$Tmp/$kind.good") or die "copy: $!";
    my $data = slurp_raw($path);
    die "$path too small" if length $data < 1024;
    my $pos = length($data) - 8;
    substr($data, $pos, 8) = ~substr($data, $pos, 8);
    spew_raw("$path.corrupt-tmp", $data);
    rename "$path.corrupt-tmp", $path or die "rename: $!";
}

sub restore_snapshot {
    my $kind = shift;
    my $path = snap_path($kind);
    File::Copy::copy("$Tmp/$kind.good", "$path.restore-tmp") or die "copy: $!";
    rename "$path.restore-tmp", $path or die "rename: $!";
}

sub slurp_raw { my $f = shift; open my $fh, '<:raw', $f or die "$f: $!"; local $/; return scalar <$fh> }
sub spew_raw  { my ($f, $c) = @_; open my $fh, '>:raw', $f or die "$f: $!"; print $fh $c; close $fh }

# One HTTP GET against the nginx under test; returns (status, body).
sub http_get {
    my ($uri, $timeout) = @_;
    my $port = $ENV{TEST_NGINX_SERVER_PORT};
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => $timeout || 2)
        or return (0, "connect: $!");
    print $s "GET $uri HTTP/1.0\r\nHost: localhost\r\n\r\n";
    local $/;
    my $resp = <$s> // '';
    close $s;
    my ($status) = $resp =~ m{^HTTP/\d\.\d (\d{3})};
    my $body = $resp =~ /\r\n\r\n(.*)\z/s ? $1 : '';
    return ($status // 0, $body);
}

# Poll $uri until $pred->(status, body) holds; returns seconds taken or undef.
sub poll_until {
    my ($uri, $secs, $pred) = @_;
    my $t0 = time;
    while (time - $t0 < $secs) {
        return time - $t0 if $pred->(http_get($uri));
        sleep 0.05;
    }
    return undef;
}

# ---------------------------------------------------------------------------
# Block hooks (work under real test-nginx and our compat harness alike):
#   --- xt_setup      perl code run before the block's nginx starts
#   --- xt_between    perl code run after each response; $req is its index
#   --- json_types    strict JSON checks of every response body, one per line:
#        PATH TYPE [CHECK]   PATH: "." root, "a.b", "[0]", "[*]" = each element
#        TYPE: string number int bool null object array digits any, or a|b
#        CHECK: =VALUE  len=N  exact (object has only the listed keys)  near_now=S  clock
#               ~REGEX (rest of the line)
#               set=a,b,c (values at PATH, in any order)  seq=a,b,c (in order)
# and defaults for http_config/config when a block has none.
sub hooks {
    Test::Nginx::Socket::add_block_preprocessor(\&preprocess);
    Test::Nginx::Socket::add_response_body_check(\&body_check);
}

our $DefaultHttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
CONF

our $DefaultConfig = <<'CONF';
    location = /player_api.php { xtream_api; }
    location = /get.php { xtream_api; }
    location = /xmltv.php { xtream_api; }
CONF

# Preprocessors run in a harness-defined order (test-nginx: last added
# first), so a default set here is marked in $block->{xt_defaulted}: a
# helper's own preprocessor (dv_blocks in t/delivery-helpers.pl) may then
# replace it whether it runs before or after this one.
sub preprocess {
    my $block = shift;
    for my $sec (qw(http_config config)) {
        next if exists $block->{$sec};
        $block->set_value($sec, $sec eq 'config' ? $DefaultConfig : $DefaultHttpConfig);
        $block->{xt_defaulted}{$sec} = 1;
    }
    if (defined(my $code = first($block->{xt_setup}))) {
        my $ok = eval "package XtreamTest; $code; 1";
        Test::More::ok($ok, $block->name . " - xt_setup ran") or Test::More::diag($@);
    }
}

sub first { my $v = shift; return ref $v eq 'ARRAY' ? $v->[0] : $v }

# one regex for "matches $like and not $unlike": test-nginx checks only one
# of --- response_body_like / _unlike per block, so a block that needs both
# gives like_not(...) to --- response_body_like (eval)
sub like_not {
    my ($like, $unlike) = @_;
    return qr/\A(?!.*?$unlike)(?=.*?$like)/s;
}

sub body_check {
    my ($block, $body, $req, $rep, $dry) = @_;
    my $name = $block->name;
    if (defined(my $spec = first($block->{json_types}))) {
        check_json($name, $body, $spec, $req);
    }
    if (defined(my $code = first($block->{xt_between}))) {
        my $ok = eval "package XtreamTest; my \$req = $req; $code; 1";
        Test::More::ok($ok, "$name - xt_between ran after req $req") or Test::More::diag($@);
    }
}

sub json_type {
    my $v = shift;
    return 'null' unless defined $v;
    return 'bool' if JSON::PP::is_bool($v);
    return 'object' if ref $v eq 'HASH';
    return 'array' if ref $v eq 'ARRAY';
    my $flags = B::svref_2object(\$v)->FLAGS;
    return 'string' if $flags & B::SVf_POK();
    return 'number' if $flags & (B::SVf_IOK() | B::SVf_NOK());
    return 'string';
}

sub type_ok {
    my ($v, $want) = @_;
    my $t = json_type($v);
    for my $w (split /\|/, $want) {
        return 1 if $w eq 'any' || $w eq $t;
        return 1 if $w eq 'int' && $t eq 'number' && $v =~ /^-?\d+\z/;
        return 1 if $w eq 'digits' && $t eq 'string' && $v =~ /^\d+\z/;
    }
    return 0;
}

# values at a path: list of [path-string, value]
sub at_path {
    my ($root, $path) = @_;
    my @cur = (['', $root]);
    return @cur if $path eq '.';
    for my $step ($path =~ /(\[\*\]|\[\d+\]|[^.\[\]]+)/g) {
        my @next;
        for my $c (@cur) {
            my ($p, $v) = @$c;
            if ($step eq '[*]') {
                return () unless ref $v eq 'ARRAY';
                push @next, map { ["$p\[$_]", $v->[$_]] } 0 .. $#$v;
            } elsif ($step =~ /^\[(\d+)\]$/) {
                push @next, ["$p$step", $v->[$1]] if ref $v eq 'ARRAY' && $1 < @$v;
            } else {
                push @next, ["$p.$step", $v->{$step}] if ref $v eq 'HASH' && exists $v->{$step};
            }
        }
        @cur = @next;
    }
    return @cur;
}

sub check_json {
    my ($name, $body, $spec, $req) = @_;
    for my $r (json_results($body, $spec)) {
        my ($label, @errs) = @$r;
        Test::More::ok(!@errs, "$name - $label (req $req)") or Test::More::diag(join "\n", @errs);
    }
}

# [label, errors...] per spec line (first: the strict decode itself)
sub json_results {
    my ($body, $spec) = @_;
    my $doc = eval { JSON::PP->new->utf8->decode($body // '') };
    if ($@ || !defined $body) {
        return ['body is strict JSON', "decode error: $@body: " . substr($body // '', 0, 300)];
    }
    my @out = (['body is strict JSON']);
    my %children;      # for "exact": the keys listed under each object path
    my @lines = grep { /\S/ && !/^\s*#/ } split /\n/, $spec;
    for (@lines) {
        my ($path) = split ' ';
        next if $path eq '.';
        (my $parent = $path) =~ s/(\.[^.\[\]]+|\[\*\]|\[\d+\])$//;
        $parent = '.' if $parent eq '' || $parent eq $path;
        my ($key) = $path =~ /(?:^|\.)([^.\[\]]+)$/;
        push @{ $children{$parent} }, $key if defined $key;
    }
    for my $line (@lines) {
        my ($path, $type, $rest) = split ' ', $line, 3;
        my @checks;    # space-separated; set=, seq= and ~ take the rest of the line
        $rest //= '';
        while ($rest =~ s/^\s*(\S+)//) {
            my $c = $1;
            if ($c =~ /^((set|seq)=|~)/) { $c .= $rest; $c =~ s/\s+$//; $rest = '' }
            push @checks, $c;
        }
        my @vals = at_path($doc, $path);
        my $label = "json $path $type" . (@checks ? " @checks" : '');
        my @errs;
        push @errs, "no value at $path" unless @vals || index($path, "[*]") >= 0;
        for my $pv (@vals) {
            my ($p, $v) = @$pv;
            push @errs, "$p is " . json_type($v) . ", not $type" unless type_ok($v, $type);
            for my $c (@checks) {
                if ($c =~ /^=(.*)$/) {
                    push @errs, "$p is '" . ($v // 'null') . "', not '$1'"
                        unless defined $v && !ref $v && "$v" eq $1;
                } elsif ($c =~ /^~(.*)$/) {
                    my $re = $1;
                    push @errs, "$p '" . ($v // 'null') . "' !~ /$re/" unless defined $v && !ref $v && $v =~ /$re/;
                } elsif ($c =~ /^len=(\d+)$/) {
                    my $n = ref $v eq 'ARRAY' ? @$v : ref $v eq 'HASH' ? keys %$v : length($v // '');
                    push @errs, "$p has length $n, not $1" unless $n == $1;
                } elsif ($c =~ /^near_now=(\d+)$/) {
                    my $max = $1;
                    push @errs, "$p = " . ($v // 'null') . " is not within $max s of now"
                        unless defined $v && !ref $v && $v =~ /^-?\d+$/ && abs($v - time) <= $max;
                } elsif ($c eq 'clock') {
                    my $e = clock_error($v);
                    push @errs, "$p: $e" if $e;
                } elsif ($c eq 'exact') {
                    my %want = map { $_ => 1 } @{ $children{$path} || [] };
                    my @extra = grep { !$want{$_} } sort keys %{ ref $v eq 'HASH' ? $v : {} };
                    push @errs, "$p has unexpected keys: @extra" if @extra;
                } elsif ($c !~ /^(set|seq)=/) {
                    push @errs, "unknown check '$c'";
                }
            }
        }
        for my $c (@checks) {
            next unless $c =~ /^(set|seq)=(.*)$/;
            my ($kind, @want) = ($1, split /,/, $2);
            my @got = map { $_->[1] // 'null' } @vals;
            if ($kind eq 'set') { @got = sort @got; @want = sort @want }
            push @errs, "values at $path are [@got], not [@want]" unless "@got" eq "@want";
        }
        push @out, [$label, @errs];
    }
    return @out;
}

# server_info: time_now must be timestamp_now rendered in timezone
sub clock_error {
    my $si = shift;
    return 'not an object' unless ref $si eq 'HASH';
    my ($tz, $ts, $tn) = @$si{qw(timezone timestamp_now time_now)};
    return 'timezone/timestamp_now/time_now missing' unless defined $tz && defined $ts && defined $tn;
    return "timezone '$tz' is not a known IANA name" unless -f "/usr/share/zoneinfo/$tz";
    local $ENV{TZ} = $tz;
    POSIX::tzset();
    my $want = POSIX::strftime('%Y-%m-%d %H:%M:%S', localtime $ts);
    delete local $ENV{TZ};
    POSIX::tzset();
    return $want eq $tn ? '' : "time_now '$tn' is not timestamp_now $ts in $tz ('$want')";
}

# The login object (protocol §2) as json_types lines; append the
# per-line expectations (username, status, ...) in the test.
our $LOGIN = <<'SPEC';
.                                   object exact
user_info                           object exact
user_info.username                  string
user_info.password                  string
user_info.message                   string
user_info.auth                      number =1
user_info.status                    string ~^(Active|Banned|Disabled|Expired)$
user_info.exp_date                  digits|null
user_info.is_trial                  string ~^[01]$
user_info.active_cons               digits
user_info.created_at                digits
user_info.max_connections           digits
user_info.allowed_output_formats    array
user_info.allowed_output_formats[*] string ~^(m3u8|ts|rtmp)$
server_info                         object clock
server_info.url                     string ~^[A-Za-z0-9.-]+$
server_info.port                    digits
server_info.https_port              digits
server_info.server_protocol         string ~^https?$
server_info.rtmp_port               digits
server_info.timezone                string =Europe/London
server_info.timestamp_now           int near_now=5
server_info.time_now                string ~^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$
server_info.process                 bool
SPEC

our $AUTH_FAILED = <<'SPEC';
.                                   object exact
user_info                           object exact
user_info.auth                      number =0
SPEC

END {
    my $rc = $?;
    stop_daemon();
    if ($DbDir) {
        if ($OwnDb) {
            system("$Repo/scripts/db.sh stop $DbDir >/dev/null 2>&1");
        } elsif ($DbStopped) {
            system("$Repo/scripts/db.sh start $DbDir >/dev/null 2>&1");   # leave it as found
        }
    }
    if ($Tmp && ($rc || $ENV{XT_KEEP})) {
        print STDERR "# xtreamd log: $Tmp/log/xtreamd.log\n" if $ENV{XT_KEEP};
        if ($rc && -s "$Tmp/log/xtreamd.log") {
            my @l = split /\n/, slurp("$Tmp/log/xtreamd.log");
            splice @l, 0, @l - 15 if @l > 15;
            print STDERR map { "# xtreamd: $_\n" } @l;
        }
    }
    $? = $rc;
}

1;
