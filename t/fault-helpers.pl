# Shared set-up of the fault tests (t/606-t/611), required by each file
# after XtreamTest/XtreamSup/XtreamNginx: ffmpeg-made media, always-on
# copy streams run by real xtream-workers, lines, and an nginx with the
# player API, delivery and the metrics endpoint.
use strict;
use warnings;
use Time::HiRes qw(sleep time);

our $FaultSecret = 'fault-test-secret-0123456789abcdef';

# fault_setup(streams => N, nginx => {XtreamNginx->start options},
#             http => extra http lines, lines => [extra line hashes])
sub fault_setup {
    my %o = @_;
    my $n = $o{streams} // 1;
    my $src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
    XtreamTest::import_json({
        categories => [{ id => 1, type => 'live', name => 'News', parent_id => 0, sort_order => 1 }],
        transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy', segment_seconds => 1,
                                 window_segments => 6 }],
        streams => [map { { id => $_, name => "Channel $_", category_id => 1, transcode_profile_id => 1,
                            on_demand => JSON::PP::false(), sources => ["file://$src"] } } 1 .. $n],
        bouquets => [{ id => 1, name => 'Basic', sort_order => 1, live => [1 .. $n] }],
        lines => [{ username => 'demo', password => 'demo-pass', status => 'active', max_connections => 0,
                    allowed_outputs => ['ts', 'm3u8'], bouquets => [1] },
                  @{ $o{lines} || [] }],
    }) if $n;
    my $ng = XtreamNginx->start(%{ $o{nginx} || {} }, http => <<"HTTP" . ($o{http} // ''), server => <<'SERVER');
    xtream_snapshot_dir $XtreamTest::SnapDir;
    xtream_zone xtream 1m;
    xtream_secret $FaultSecret;
    xtream_media_root $XtreamTest::Tmp/media;
    xtream_event_socket $XtreamTest::Tmp/run/xtreamd.sock;
HTTP
        location = /player_api.php { xtream_api; }
        location = /get.php { xtream_api; }
        location = /metrics { allow 127.0.0.1; deny all; xtream_metrics; }
        location / { xtream_delivery; }
SERVER
    # every worker maps the imported lines before the test logs in
    XtreamSup::wait_for(20, sub { XtreamTest::login_ok_ng($ng) })
        or die "the imported line never logged in";
    for my $id (1 .. $n) {
        XtreamSup::wait_for(60, sub { -s "$XtreamTest::Tmp/media/$id/0/index.m3u8" })
            or die "stream $id did not start";
    }
    return $ng;
}

# a login through this nginx, several times (both workers answer)
sub XtreamTest::login_ok_ng {
    my ($ng, $u, $p) = @_;
    ($u, $p) = ('demo', 'demo-pass') unless defined $u;
    for (1 .. 4) {
        my ($st, $h, $body) = $ng->get("/player_api.php?username=$u&password=$p");
        return 0 unless $st == 200 && $body =~ /"auth":1[,}]/;
    }
    return 1;
}

# the request mix of a player: API, playlists and a live HLS playlist
sub player_requests {
    my ($u, $p, @ids) = @_;
    ($u, $p) = ('demo', 'demo-pass') unless defined $u;
    @ids = (1) unless @ids;
    return (["/player_api.php?username=$u&password=$p", qr/^200$/],
            ["/player_api.php?username=$u&password=$p&action=get_live_streams", qr/^200$/],
            ["/get.php?username=$u&password=$p&type=m3u_plus&output=ts", qr/^200$/],
            map { ["/live/$u/$p/$_.m3u8", qr/^200$/] } @ids);
}

1;
