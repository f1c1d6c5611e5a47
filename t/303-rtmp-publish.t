# RTMP ingest: nginx + nginx-rtmp + ngx_xtream_publish_module + MariaDB +
# xtreamd + xtream-worker.  on_publish with the right stream key is
# answered 302 "Location: <stream id>" (nginx-rtmp renames the stream, the
# worker reads rtmp://127.0.0.1:PORT/live/<id>) and segments appear; a
# wrong key is refused with 403, logged without the key, and the
# publisher exits non-zero.  (nginx-rtmp itself logs stream names at info
# level; our lines never carry the key.)
use strict;
use warnings;
use lib 't/lib';
use XtreamTest;
use XtreamSup;
# in BEGIN: test-nginx reads TEST_NGINX_LOAD_MODULES when it is loaded
BEGIN {
    $ENV{TEST_NGINX_LOAD_MODULES} = ($ENV{TEST_NGINX_LOAD_MODULES} // '')
        . ' /usr/lib/nginx/modules/ngx_rtmp_module.so';
}
use Test::Nginx::Socket 'no_plan';
use POSIX ();
use Time::HiRes qw(sleep time);

our $RtmpPort = XtreamSup::free_port();
$ENV{TEST_NGINX_RTMP_PORT} = $RtmpPort;
our $Src = XtreamSup::make_media("$XtreamTest::Tmp/src.ts", 4);
XtreamSup::reconfigure(rtmp_port => $RtmpPort);
XtreamTest::import_json({
    transcode_profiles => [{ id => 1, name => 'copy1', mode => 'copy',
                             segment_seconds => 1, window_segments => 6 }],
    streams => [{ id => 31, name => 'Pushed', transcode_profile_id => 1,
                  stream_key => 'good-key-31', sources => [] },
                { id => 32, name => 'Other', transcode_profile_id => 1,
                  stream_key => 'other-key-32', on_demand => JSON::PP::true(),
                  sources => [] }],
});

# nginx (started per block) must map a catalog that has the keys
XtreamSup::wait_for(10, sub { XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log") =~ /catalog: 2 live/ })
    or die "the catalog with the keyed streams was not built";

# push $Src to rtmp://.../live/$key for $secs; returns (exit status, output)
sub push_rtmp {
    my ($key, $secs, $bg) = @_;
    my @cmd = ('ffmpeg', '-v', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', $Src,
               '-t', $secs, '-c', 'copy', '-f', 'flv', "rtmp://127.0.0.1:$RtmpPort/live/$key");
    if ($bg) {
        my $pid = fork;
        if (!$pid) {
            open STDOUT, '>>', "$XtreamTest::Tmp/log/push.log";
            open STDERR, '>&', \*STDOUT;
            exec @cmd or POSIX::_exit(127);
        }
        return $pid;
    }
    return XtreamTest::run_cmd('timeout', $secs + 10, @cmd);
}

XtreamTest::hooks();
master_on();
workers(1);
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: on_publish with a wrong key: 403, logged without the key
--- main_config
rtmp { server { listen 127.0.0.1:$TEST_NGINX_RTMP_PORT; application live { live on; } } }
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
--- config
    location = /rtmp/publish { xtream_rtmp_publish $TEST_NGINX_XT_EVENT_SOCKET; }
--- request
POST /rtmp/publish
app=live&flashver=FMLE&addr=10.9.8.7&clientid=1&call=publish&name=not-the-key&type=live
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- error_code: 403
--- error_log
xtream: rtmp publish refused for key from 10.9.8.7
--- no_error_log
not-the-key



=== TEST 2: on_publish with the right key: 302 to the stream id; arguments cannot override call/name
--- main_config
rtmp { server { listen 127.0.0.1:$TEST_NGINX_RTMP_PORT; application live { live on; } } }
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
--- config
    location = /rtmp/publish { xtream_rtmp_publish $TEST_NGINX_XT_EVENT_SOCKET; }
--- request eval
["POST /rtmp/publish
app=live&addr=127.0.0.1&call=publish&name=good-key-31&type=live",
"POST /rtmp/publish
app=live&addr=127.0.0.1&call=publish&name=bad&type=live&name=good-key-31",
"POST /rtmp/publish
app=other&addr=127.0.0.1&call=publish&name=good-key-31&type=live",
"POST /rtmp/publish
app=live&addr=127.0.0.1&call=publish_done&name=good-key-31",
"GET /rtmp/publish"]
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- error_code eval
[302, 403, 403, 200, 405]
--- response_headers eval
["Location: 31", "", "", "", ""]
--- no_error_log
good-key-31



=== TEST 3: a push with the right key is accepted and produces segments
--- main_config
rtmp { server { listen 127.0.0.1:$TEST_NGINX_RTMP_PORT; chunk_size 4096;
  application live { live on; record off;
    allow publish 127.0.0.1; deny publish all; allow play 127.0.0.1; deny play all;
    on_publish http://127.0.0.1:$TEST_NGINX_SERVER_PORT/rtmp/publish;
    on_publish_done http://127.0.0.1:$TEST_NGINX_SERVER_PORT/rtmp/publish; } } }
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
--- config
    location = /rtmp/publish { xtream_rtmp_publish $TEST_NGINX_XT_EVENT_SOCKET; }
--- request
GET /rtmp/publish
--- error_code: 405
--- xt_between
my $pid = main::push_rtmp('good-key-31', 12, 1);
my $t = XtreamSup::wait_for(10, sub { XtreamSup::segments(31) >= 2 });
Test::More::ok(defined $t, sprintf('pushed stream 31 has segments (%s after the push started)',
                                   defined $t ? sprintf('%.1f s', $t) : 'none'));
my @s = XtreamSup::segments(31);
my $p = @s ? XtreamSup::ffprobe_ok(XtreamSup::media() . "/31/0/$s[0].ts") : undef;
Test::More::ok(defined $p && $p =~ /h264,320,180/, 'pushed segment probes as h264 320x180') or Test::More::diag($p // '');
Test::More::like(XtreamTest::slurp("$XtreamTest::Tmp/log/xtreamd.log"), qr/stream 31: RTMP publisher connected/,
                 'xtreamd got the publish datagram');
kill 'TERM', $pid;
waitpid($pid, 0);
--- error_log
xtream: rtmp publish accepted for stream 31 from 127.0.0.1
--- no_error_log eval
[qr/xtream:[^\n]*good-key-31/, '[alert]']



=== TEST 4: a push with a wrong key is refused and the publisher exits non-zero
--- main_config
rtmp { server { listen 127.0.0.1:$TEST_NGINX_RTMP_PORT; chunk_size 4096;
  application live { live on; record off;
    on_publish http://127.0.0.1:$TEST_NGINX_SERVER_PORT/rtmp/publish;
    on_publish_done http://127.0.0.1:$TEST_NGINX_SERVER_PORT/rtmp/publish; } } }
--- http_config
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
--- config
    location = /rtmp/publish { xtream_rtmp_publish $TEST_NGINX_XT_EVENT_SOCKET; }
--- request
GET /rtmp/publish
--- error_code: 405
--- xt_between
my $t0 = time;
my ($rc, $out) = main::push_rtmp('wrong-key', 5, 0);
Test::More::ok($rc != 0, "publisher with a wrong key exits non-zero ($rc)") or Test::More::diag($out);
Test::More::ok(time - $t0 < 5, sprintf('refused at once (%.1f s)', time - $t0));
Test::More::ok(!XtreamSup::segments(32), 'no segments for the other keyed stream');
--- error_log
xtream: rtmp publish refused for key from 127.0.0.1
--- no_error_log eval
qr/xtream:[^\n]*wrong-key/
