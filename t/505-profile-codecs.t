# Transcode profile codecs (issue 16) through a real nginx + xtreamd +
# MariaDB: video_codec h264|hevc and audio_codec aac|mp3|copy on the profile
# and on each rung; unknown codecs and impossible combinations get a 400
# naming the field; the import takes the same fields.
use strict;
use warnings;
use lib 't/lib';
use XtreamTest fixture => 't/fixtures/slice.json';
use XtreamSup;
use Test::Nginx::Socket 'no_plan';
use JSON::PP;
no warnings 'once';
require './t/delivery-helpers.pl';
require './t/admin-helpers.pl';

repeat_each(1);
no_shuffle();
no_root_location();

admin_daemon();
my ($rc, $out) = XtreamTest::xtctl('admin', 'add', 'boss', '--password', 'boss-password-1');
die "admin add: $out" if $rc;

our $HttpConfig = <<'CONF';
    xtream_snapshot_dir $TEST_NGINX_XT_SNAPDIR;
    xtream_timezone $TEST_NGINX_XT_TZ;
CONF
dv_blocks($HttpConfig, $main::AdminLocation);
XtreamTest::hooks();

our $C = AdminClient->new;

sub import_doc {
    my $data = shift;
    my $file = "$XtreamTest::Tmp/codecs-" . int(rand(1e9)) . ".json";
    XtreamTest::spew($file, JSON::PP->new->canonical->encode($data));
    return XtreamTest::xtctl('import', $file);
}

run_tests();

__DATA__

=== TEST 1: profile and rung codecs: stored, shown, 400 naming the field
--- request
GET /admin/api/session
--- error_code: 401
--- timeout: 90
--- dv_check
my ($st, $j) = $C->login('boss', 'boss-password-1');
is($st, 200, 'logged in');
my $r360 = { name => '360p', height => 360, video_kbps => 800, audio_kbps => 96 };

# a mixed ladder: HEVC + MP3 rung, H.264 + the profile's AAC, HEVC + copy
($st, $j) = $C->call('POST', '/profiles', { name => 'mix', mode => 'abr', video_codec => 'hevc',
    ladder => [{ %$r360, audio_codec => 'mp3' },
               { name => '240p', height => 240, video_kbps => 400, audio_kbps => 64, video_codec => 'h264' },
               { name => '144p', height => 144, video_kbps => 150, audio_kbps => 64, audio_codec => 'copy' }] });
is($st, 201, 'mixed-codec abr profile 201');
my $id = $j->{id};
is($j->{video_codec}, 'hevc', 'profile video_codec shown');
is($j->{audio_codec}, 'aac', 'audio_codec defaults to aac');
is($j->{ladder}[0]{audio_codec}, 'mp3', 'rung 0 audio_codec kept');
is($j->{ladder}[1]{video_codec}, 'h264', 'rung 1 video_codec kept');
ok(!exists $j->{ladder}[1]{audio_codec}, 'a rung without its own codec takes the profile default (none stored)');
is($j->{ladder}[2]{audio_codec}, 'copy', 'rung 2 audio_codec copy kept');
is(XtreamTest::sql("SELECT video_codec, audio_codec FROM transcode_profiles WHERE id = $id"), "hevc\taac\n",
   'columns from migration 009');

# unknown codecs, profile level and rung level
for my $case ([{ video_codec => 'vp9' }, 'video_codec'],
              [{ audio_codec => 'opus' }, 'audio_codec'],
              [{ ladder => [{ %$r360, video_codec => 'av1' }] }, 'ladder[0].video_codec'],
              [{ ladder => [$r360, { %$r360, name => 'b', audio_codec => 'flac' }] }, 'ladder[1].audio_codec'],
              [{ ladder => [{ %$r360, audio_codec => 5 }] }, 'ladder[0].audio_codec'],
              # mp3 tops out at 320 kbps: on the rung, or through the profile's default
              [{ ladder => [{ %$r360, audio_kbps => 384, audio_codec => 'mp3' }] }, 'ladder[0].audio_kbps'],
              [{ audio_codec => 'mp3', ladder => [{ %$r360, audio_kbps => 384 }] }, 'audio_codec']) {
    ($st, $j) = $C->call('POST', '/profiles', { name => 'bad', mode => 'abr', ladder => [$r360], %{ $case->[0] } });
    is($st, 400, "bad codec 400 ($case->[1])");
    is(err_of($j)->{field}, $case->[1], "names $case->[1]");
}
# copy (remux) profiles encode nothing: a codec there is a mistake
($st, $j) = $C->call('POST', '/profiles', { name => 'bad', mode => 'copy', video_codec => 'hevc' });
is($st, 400, 'hevc on a copy profile 400');
is(err_of($j)->{field}, 'video_codec', 'names video_codec');
($st, $j) = $C->call('POST', '/profiles', { name => 'bad', mode => 'copy', audio_codec => 'mp3' });
is(err_of($j)->{field}, 'audio_codec', 'mp3 on a copy profile names audio_codec');
# a PATCH is judged against the stored row
($st, $j) = $C->call('PATCH', "/profiles/$id", { mode => 'copy', ladder => undef });
is($st, 400, 'switching a hevc profile to copy 400');
is(err_of($j)->{field}, 'video_codec', 'names video_codec');
($st, $j) = $C->call('PATCH', "/profiles/$id", { video_codec => 'h264', audio_codec => 'mp3' });
is($st, 200, 'PATCH to an mp3 default within 320 kbps 200');
is(XtreamTest::sql("SELECT COUNT(*) FROM transcode_profiles WHERE name = 'bad'"), "0\n", 'failed creates left nothing');

# the import takes the same fields and names the path of a bad one
my ($rc, $out) = import_doc({ transcode_profiles => [{ id => 77, name => 'imp', mode => 'abr', video_codec => 'hevc',
    ladder => [{ name => 'a', height => 360, video_kbps => 800, audio_kbps => 96, audio_codec => 'mp3' }] }] });
is($rc, 0, 'import with codecs ok') or diag $out;
like(XtreamTest::sql("SELECT video_codec, audio_codec, ladder FROM transcode_profiles WHERE id = 77"),
     qr/^hevc\taac\t.*"audio_codec":\s*"mp3"/, 'import stored the profile and rung codecs');
($rc, $out) = import_doc({ transcode_profiles => [{ id => 78, name => 'imp2', mode => 'abr',
    ladder => [{ name => 'a', height => 360, video_kbps => 800, audio_kbps => 96, video_codec => 'vp9' }] }] });
isnt($rc, 0, 'import with an unknown rung codec fails');
like($out, qr/transcode_profiles\[0\]\.ladder\[0\]\.video_codec: must be one of h264, hevc/, 'names the path');
