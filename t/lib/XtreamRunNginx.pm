# nginx configured from conf/nginx.run.conf.in, the very file `make run`
# uses, rendered as scripts/run.sh renders it, with everything under the
# test's temp dir (XtreamTest::Tmp).  Load after XtreamTest.
package XtreamRunNginx;
use strict;
use warnings;
use Test::More;
use POSIX ();
use Time::HiRes qw(sleep time);

# start(http_port => P, rtmp_port => R, admin_port => A): renders, checks
# (two tests: only known placeholders, nginx -t) and starts nginx in the
# foreground as a child; returns its pid
sub start {
    my %o = @_;
    my ($Tmp, $Repo) = ($XtreamTest::Tmp, $XtreamTest::Repo);
    -d "$Tmp/$_" or mkdir "$Tmp/$_" for qw(run nginx nginx/conf nginx/logs nginx/tmp vodroot);
    if (!-s "$Tmp/run/secret") {
        XtreamTest::spew("$Tmp/run/secret", join('', map { sprintf '%02x', int rand 256 } 1 .. 32));
        chmod 0600, "$Tmp/run/secret";
    }
    # the admin API proxy key and its nginx include, as scripts/run.sh
    # writes them (a test that runs xtreamd writes its own first)
    if (!-s "$Tmp/run/admin-proxy-key.conf") {
        my $key = join('', map { sprintf '%02x', int rand 256 } 1 .. 32);
        XtreamTest::spew("$Tmp/run/admin-proxy.key", "$key\n");
        XtreamTest::spew("$Tmp/run/admin-proxy-key.conf", "proxy_set_header X-Xtream-Proxy-Key $key;\n");
        chmod 0600, "$Tmp/run/admin-proxy.key", "$Tmp/run/admin-proxy-key.conf";
    }
    my %subst = (
        VAR => $Tmp, XTREAM_MODULE => "$XtreamTest::Build/ngx_xtream_module.so",
        RTMP_MODULE => '/usr/lib/nginx/modules/ngx_rtmp_module.so', HTTP_PORT => $o{http_port},
        RTMP_PORT => $o{rtmp_port}, TIMEZONE => $XtreamTest::Tz, USER_LINE => ($> == 0 ? 'user root;' : ''),
        PANEL_ROOT => "$Repo/web/admin", ADMIN_LISTEN => "127.0.0.1:$o{admin_port}",
        ADMIN_PORT => $o{admin_port},
    );
    my $conf = XtreamTest::slurp("$Repo/conf/nginx.run.conf.in");
    $conf =~ s/\@([A-Z_]+)\@/exists $subst{$1} ? $subst{$1} : "\@$1\@"/ge;
    my @left = map { /\@([A-Z_]+)\@/g } grep { !/^\s*#/ } split /\n/, $conf;
    ok(!@left, 'conf/nginx.run.conf.in has only placeholders this test knows') or diag("unknown: @left");
    XtreamTest::spew("$Tmp/nginx/conf/nginx.conf", $conf);
    my @ngx = ('/usr/sbin/nginx', '-p', "$Tmp/nginx/", '-e', "$Tmp/log/nginx-error.log",
               '-c', "$Tmp/nginx/conf/nginx.conf");
    my ($rc, $out) = XtreamTest::run_cmd(@ngx, '-t');
    is($rc, 0, 'nginx -t accepts the rendered configuration') or diag($out);
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$Tmp/log/nginx.out";
        open STDERR, '>&', \*STDOUT;
        exec @ngx, '-g', 'daemon off;' or POSIX::_exit(127);
    }
    $ENV{TEST_NGINX_SERVER_PORT} = $o{http_port};     # for XtreamTest::http_get
    return $pid;
}

sub stop {
    my $pid = shift or return;
    kill 'QUIT', $pid;
    my $end = time + 10;
    while (time < $end && waitpid($pid, POSIX::WNOHANG()) != $pid) { sleep 0.05 }
    if (kill 0, $pid) { kill 'KILL', $pid; waitpid($pid, 0) }
}

1;
