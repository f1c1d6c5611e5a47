# The web panel in a real browser: headless Debian chromium driven by
# playwright-core (t/browser/panel.test.mjs), against real parts started
# here: the run's private MariaDB, xtreamd with its admin API, nginx with
# ngx_xtream_module + nginx-rtmp + the panel + the /admin/api/ proxy
# (configured from conf/nginx.run.conf.in, the very file `make run` uses),
# and an ffmpeg-made stream.  The browser logs in, creates a line and a
# stream, puts the stream into a bouquet, watches it go live and its HLS
# preview play, sees a TS connection of that line appear, kills it; the
# screenshots land in docs/screenshots/.  Each TAP line of the browser run
# becomes one test here.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
use XtreamRunNginx;
use Test::More;
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(sleep time);

my $Repo = $XtreamTest::Repo;
my $Tmp  = $XtreamTest::Tmp;
my $NginxPid;

# what the browser side needs: chromium, node, the npm packages (make panel)
my @missing = grep { !-e $_->[0] } (
    ['/usr/bin/chromium', 'Debian chromium (make deps)'],
    ["$Repo/web/node_modules/playwright-core/package.json", 'web/node_modules (make panel)'],
    ["$Repo/web/admin/vendor/hls.min.js", 'web/admin/vendor/hls.min.js (make panel)'],
    ['/usr/lib/nginx/modules/ngx_rtmp_module.so', 'libnginx-mod-rtmp (make deps)']);
if (@missing) {
    fail("missing $_->[1]: $_->[0]") for @missing;
    done_testing();
    exit 1;
}

my ($http_port, $rtmp_port, $admin_port) = map { XtreamSup::free_port() } 1 .. 3;
my $src = XtreamSup::make_media("$Tmp/src.ts", 4);
# the admin API proxy key, as scripts/run.sh writes it
my $proxy_key = join('', map { sprintf '%02x', int rand 256 } 1 .. 32);
XtreamTest::spew("$Tmp/run/admin-proxy.key", "$proxy_key\n");
XtreamTest::spew("$Tmp/run/admin-proxy-key.conf", "proxy_set_header X-Xtream-Proxy-Key $proxy_key;\n");
chmod 0600, "$Tmp/run/admin-proxy.key", "$Tmp/run/admin-proxy-key.conf";
# the EPG scheduler looks for due sources every second (the EPG page's import)
XtreamSup::reconfigure(admin_listen => "127.0.0.1:$admin_port", rtmp_port => $rtmp_port,
                       admin_proxy_key_file => "$Tmp/run/admin-proxy.key",
                       epg_check_seconds => 1,
                       # the file nginx's xtream_secret reads (XtreamRunNginx
                       # writes it): stream previews are signed with it
                       token_secret_file => "$Tmp/run/secret");

# a guide file for the EPG page: two channels, programmes around now
my $guide = "$Tmp/panel-guide.xml";
{
    my $h0 = int(time) - int(time) % 3600;
    my $fmt = sub { POSIX::strftime('%Y%m%d%H%M%S +0000', gmtime $_[0]) };
    my $x = qq{<?xml version="1.0" encoding="UTF-8"?>\n<tv>\n};
    $x .= qq{<channel id="$_->[0]"><display-name>$_->[1]</display-name></channel>\n}
        for ['panel1.tv', 'Panel One'], ['panel2.tv', 'Panel Two'];
    for my $c ('panel1.tv', 'panel2.tv') {
        $x .= sprintf(qq{<programme start="%s" stop="%s" channel="%s"><title>Hour %d</title></programme>\n},
                      $fmt->($h0 + 3600 * $_), $fmt->($h0 + 3600 * ($_ + 1)), $c, $_) for -1 .. 4;
    }
    XtreamTest::spew_raw($guide, "$x</tv>\n");
}

# the store the operator starts from: a 1 s copy profile (so the stream is
# live in seconds), a bouquet, a category, a movie and a series to list
XtreamTest::import_json({
    servers => [{ id => 1, name => 'main', host => '127.0.0.1', http_port => $http_port,
                  https_port => 8443, rtmp_port => $rtmp_port, is_main => JSON::PP::true() }],
    transcode_profiles => [{ id => 1, name => 'copy1s', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    categories => [{ id => 1, type => 'live', name => 'News', parent_id => 0, sort_order => 1 },
                   { id => 2, type => 'movie', name => 'Films', parent_id => 0, sort_order => 1 },
                   { id => 3, type => 'series', name => 'Shows', parent_id => 0, sort_order => 1 }],
    movies => [{ id => 1, name => 'Test Pattern: The Movie', category_id => 2, container_extension => 'mp4',
                 path => 'films/pattern.mp4', duration_secs => 5400, rating => '7.1' }],
    series => [{ id => 1, name => 'Sine Waves', category_id => 3, rating => '8', genre => 'Science',
                 seasons => [{ season_number => 1, name => 'Season 1' }],
                 episodes => [{ id => 101, season_number => 1, episode_num => 1, title => 'Pilot',
                                container_extension => 'mp4', path => 'shows/sine/s1e1.mp4', duration_secs => 1500 }] }],
    bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [], movies => [1], series => [1] }],
    # for the dashboard's "expiring within 7 days"
    lines => [{ username => 'expires-soon', password => 'expires-soon-pass', status => 'active',
                exp_date => int(time) + 3 * 86400, max_connections => 1, bouquets => [1] }],
});

my $admin_user = 'operator';
my $admin_pass = 'panel-test-' . join('', map { ('a' .. 'z', 0 .. 9)[rand 36] } 1 .. 16);
my ($rc, $out) = XtreamTest::xtctl('admin', 'add', $admin_user, '--password', $admin_pass, '--role', 'admin');
is($rc, 0, "xtreamctl admin add $admin_user") or diag($out);
my $viewer_pass = "$admin_pass-viewer";
($rc, $out) = XtreamTest::xtctl('admin', 'add', 'watcher', '--password', $viewer_pass, '--role', 'viewer');
is($rc, 0, 'xtreamctl admin add watcher (viewer)') or diag($out);
# an admin the browser locks out with wrong passwords, then releases
($rc, $out) = XtreamTest::xtctl('admin', 'add', 'lockme', '--password', "$admin_pass-lock", '--role', 'viewer');
is($rc, 0, 'xtreamctl admin add lockme') or diag($out);

# nginx from conf/nginx.run.conf.in, as scripts/run.sh renders it
$NginxPid = XtreamRunNginx::start(http_port => $http_port, rtmp_port => $rtmp_port,
                                  admin_port => $admin_port);
ok(defined XtreamTest::poll_until('/admin/', 20, sub { $_[0] == 200 && $_[1] =~ /xtream admin/ }),
   'nginx serves the panel at /admin/');
ok(defined XtreamTest::poll_until('/admin/api/session', 20, sub { $_[0] == 401 }),
   'nginx proxies /admin/api/ to xtreamd (401 without a session)');

# the browser run; its TAP lines become our tests
my $shots = $ENV{XT_PANEL_SHOTS} // "$Repo/docs/screenshots";
local $ENV{XT_URL} = "http://127.0.0.1:$http_port";
local $ENV{XT_ADMIN_USER} = $admin_user;
local $ENV{XT_ADMIN_PASS} = $admin_pass;
local $ENV{XT_VIEWER_USER} = 'watcher';
local $ENV{XT_VIEWER_PASS} = $viewer_pass;
local $ENV{XT_SOURCE} = "file://$src";
local $ENV{XT_PROFILE} = 'copy1s';
local $ENV{XT_BOUQUET} = 'Basic';
local $ENV{XT_EXPIRING_LINE} = 'expires-soon';
local $ENV{XT_SHOTS} = $shots;
local $ENV{XT_LOCK_USER} = 'lockme';
local $ENV{XT_GUIDE} = $guide;
my $t0 = time;
my $pid = open(my $node, '-|');
die "fork: $!" unless defined $pid;
if (!$pid) {
    open STDERR, '>&', \*STDOUT;
    open STDIN, '<', '/dev/null';
    exec 'timeout', '-k', '10', '700', 'node', "$Repo/t/browser/panel.test.mjs" or POSIX::_exit(127);
}
my ($seen, $plan, @notes) = (0, undef);
while (my $l = <$node>) {
    chomp $l;
    if ($l =~ /^(not )?ok \d+ - (.*)$/) {
        $seen++;
        ok(!$1, "browser: $2") or diag(join "\n", @notes);
        @notes = ();
    } elsif ($l =~ /^1\.\.(\d+)$/) {
        $plan = $1;
    } elsif ($l =~ /^#/) {
        Test::More::note($l);
        push @notes, $l;
    } else {
        Test::More::note("node: $l");
        push @notes, "node: $l";
    }
}
close $node;
my $node_rc = $? >> 8;
diag(join "\n", @notes) if @notes && $node_rc;
is($node_rc, 0, sprintf('the browser run exits 0 (%.0f s)', time - $t0));
ok(defined $plan && $plan == $seen && $seen >= 15, "the browser run finished its plan ($seen of " . ($plan // '?') . ')');

# what the browser did is in the store, done by that admin (audit log)
($rc, $out) = XtreamTest::xtctl('api', 'GET', '/audit?limit=500');
my $audit = $rc == 0 ? eval { JSON::PP->new->decode($out) } : undef;
my %did = map { ("$_->{resource}:$_->{action}" => 1) } grep { $_->{admin} eq $admin_user } @{ $audit->{items} || [] };
ok($did{'lines:create'} && $did{'streams:create'} && $did{'bouquets:update'}, 'the audit log has the line, stream and bouquet changes by the admin')
    or diag("audit: $out");
ok($did{'connections:kill'} || $did{'lines:kill'}, 'the audit log has the kill') or diag(join ' ', sort keys %did);
ok($did{'epg-sources:create'} && $did{'epg-sources:import'} && $did{'categories:create'} && $did{'profiles:create'}
   && $did{'admins:unlock'} && $did{'settings:update'}, 'and the new pages\' changes: EPG source, import, category, profile, unlock, settings')
    or diag(join ' ', sort keys %did);

if (!Test::More->builder->is_passing) {
    for my $f ('log/nginx-error.log', 'log/xtreamd.log') {
        my @l = split /\n/, XtreamTest::slurp("$Tmp/$f");
        splice @l, 0, @l - 20 if @l > 20;
        diag("$f: $_") for @l;
    }
}

END { XtreamRunNginx::stop($NginxPid) }

done_testing();
