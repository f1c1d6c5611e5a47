package XtreamClusterSetup;

# The topology of t/700-cluster.t and bench/cluster.sh, built with
# XtreamCluster: MariaDB primary + replica (GTID, scripts/replica-setup.sh),
# the main server 1 on 127.0.0.1 and streaming nodes 2..4 on
# 127.0.0.2..4, all on one port number:
#   main (1)   xtreamd on the primary
#   node 2, 3  xtreamd reading the replica, writing the primary
#   node 4     xtreamd on the primary (a node may use it directly)
# Streams: 1 always-on, placed on 2 and 3; 2 on-demand, placed on 4;
# movie 1 on every node.  Lines: u1 (unlimited), lim (max_connections 1).

use strict;
use warnings;
use JSON::PP ();
use XtreamCluster;

sub build {
    my (%o) = @_;
    my $C = {};
    my $tmp = XtreamCluster::tmp();

    # media made by ffmpeg: a looped live source and a movie
    my ($rc, $out) = XtreamCluster::run_cmd('ffmpeg', '-v', 'error', '-y',
        '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
        '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-t', 4, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', 25,
        '-keyint_min', 25, '-sc_threshold', 0, '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '64k', '-shortest', '-f', 'mpegts', "$tmp/loop.ts");
    die "ffmpeg: $out" if $rc;
    ($rc, $out) = XtreamCluster::run_cmd('ffmpeg', '-v', 'error', '-y', '-i', "$tmp/loop.ts",
        '-c', 'copy', '-movflags', '+faststart', "$tmp/film.mp4");
    die "ffmpeg: $out" if $rc;

    # the store: primary and replica
    $C->{primary} = XtreamCluster::mysqld('primary', 1, 'primary');
    $C->{replica} = XtreamCluster::mysqld('replica', 2, 'replica');

    my $port = XtreamCluster::free_port(map { "127.0.0.$_" } 1 .. 4);
    $C->{s}{$_} = XtreamCluster::server($_, $port) for 1 .. 4;
    my ($main, $n2, $n3, $n4) = map { $C->{s}{$_} } 1 .. 4;

    # schema and data on the primary, through the main's tools
    XtreamCluster::xtreamd_conf($main, db => $C->{primary});
    ($rc, $out) = XtreamCluster::xtctl($main, 'migrate');
    die "migrate: $out" if $rc;
    my $doc = {
        servers => [ map { { id => $_, name => ($_ == 1 ? 'main' : "node$_"),
                             host => "127.0.0.$_", http_port => $port,
                             is_main => ($_ == 1 ? JSON::PP::true : JSON::PP::false) } } 1 .. 4 ],
        categories => [ { id => 1, type => 'live', name => 'News' },
                        { id => 2, type => 'movie', name => 'Films' } ],
        transcode_profiles => [ { id => 1, name => 'copy', mode => 'copy' } ],
        streams => [
            { id => 1, name => 'Always', category_id => 1, transcode_profile_id => 1,
              on_demand => JSON::PP::false, sources => ["file://$tmp/loop.ts"], servers => [2, 3] },
            { id => 2, name => 'OnDemand', category_id => 1, transcode_profile_id => 1,
              on_demand => JSON::PP::true, sources => ["file://$tmp/loop.ts"], servers => [4] },
        ],
        movies => [ { id => 1, name => 'Film', category_id => 2, container_extension => 'mp4',
                      path => 'films/a.mp4' } ],
        bouquets => [ { id => 1, name => 'All', live => [1, 2], movies => [1] } ],
        lines => [
            { username => 'u1', password => 'u1-pass', max_connections => 0, bouquets => [1] },
            { username => 'lim', password => 'lim-pass', max_connections => 1, bouquets => [1] },
            { username => 'ban', password => 'ban-pass', max_connections => 0, bouquets => [1] },
        ],
    };
    XtreamCluster::spew("$tmp/import.json", JSON::PP->new->canonical->encode($doc));
    ($rc, $out) = XtreamCluster::xtctl($main, 'import', "$tmp/import.json");
    die "import: $out" if $rc;

    # replication, by the script an operator runs
    ($rc, $out) = XtreamCluster::run_cmd("$XtreamCluster::Repo/scripts/replica-setup.sh", 'primary',
        '--socket', $C->{primary}{sock}, '--repl-user', 'xt_repl', '--repl-password', 'repl-pass-1',
        '--repl-host', '127.0.0.1');
    die "replica-setup primary: $out" if $rc;
    $C->{setup_primary} = $out;
    ($rc, $out) = XtreamCluster::run_cmd("$XtreamCluster::Repo/scripts/replica-setup.sh", 'replica',
        '--socket', $C->{replica}{sock}, '--primary-host', '127.0.0.1',
        '--primary-port', $C->{primary}{port}, '--repl-user', 'xt_repl',
        '--repl-password', 'repl-pass-1', '--copy', '--socket', $C->{primary}{sock});
    die "replica-setup replica: $out" if $rc;
    $C->{setup_replica} = $out;

    # node 2 and 3 write to the primary over TCP as xtw, and read their
    # replica as xtr, who may only read (so a write there would fail
    # instead of forking the replica's history)
    XtreamCluster::sql($C->{primary}, "CREATE USER IF NOT EXISTS 'xtw'\@'127.0.0.1' "
                       . "IDENTIFIED BY 'xtw-pass-1'; GRANT ALL ON xtream.* TO 'xtw'\@'127.0.0.1'; "
                       . "CREATE USER IF NOT EXISTS 'xtr'\@'localhost' IDENTIFIED BY 'xtr-pass-1'; "
                       . "GRANT SELECT ON xtream.* TO 'xtr'\@'localhost'; "
                       . "GRANT SLAVE MONITOR ON *.* TO 'xtr'\@'localhost'");
    # the accounts reach the replica by replication
    XtreamCluster::wait_for(30, sub {
        XtreamCluster::sql($C->{replica}, "SELECT COUNT(*) FROM mysql.user WHERE user = 'xtr'") =~ /^1/;
    }) or die "the xtr account did not replicate";


    XtreamCluster::xtreamd_conf($n2, db => $C->{replica}, write => $C->{primary},
                                user => 'xtr', password => 'xtr-pass-1');
    XtreamCluster::xtreamd_conf($n3, db => $C->{replica}, write => $C->{primary},
                                user => 'xtr', password => 'xtr-pass-1');
    XtreamCluster::xtreamd_conf($n4, db => $C->{primary});
    for my $s ($n2, $n3, $n4) {
        link "$tmp/film.mp4", "$s->{dir}/vodroot/films/a.mp4" or die "link: $!";
    }
    for my $s ($main, $n2, $n3, $n4) {
        XtreamCluster::nginx_conf($s);
        XtreamCluster::start_xtreamd($s);
        XtreamCluster::start_nginx($s);
    }
    return $C;
}

1;
