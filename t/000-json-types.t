# The strict JSON type checker used by the .t files (json_types sections):
# it must reject what players would choke on, not just accept good bodies.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
require XtreamTest;    # no import: no database, no daemon

sub errors {           # all error strings for one body against one spec
    my ($body, $spec) = @_;
    return map { my ($l, @e) = @$_; @e } XtreamTest::json_results($body, $spec);
}

my $login = '{"user_info":{"username":"u","password":"p","message":"","auth":1,'
  . '"status":"Active","exp_date":null,"is_trial":"0","active_cons":"0",'
  . '"created_at":"1700000000","max_connections":"1","allowed_output_formats":["m3u8","ts"]},'
  . '"server_info":{"url":"127.0.0.1","port":"8080","https_port":"8443",'
  . '"server_protocol":"http","rtmp_port":"1935","timezone":"Europe/London",'
  . '"timestamp_now":TS,"time_now":"TN","process":true}}';
my $now = time;
my $tn = do { local $ENV{TZ} = 'Europe/London'; POSIX::tzset();
              POSIX::strftime('%Y-%m-%d %H:%M:%S', localtime $now) };
POSIX::tzset();
(my $good = $login) =~ s/TS/$now/;
$good =~ s/TN/$tn/;

is_deeply([errors($good, $XtreamTest::LOGIN)], [], 'a correct login object passes the LOGIN spec');

my %bad = (
    'auth as string'         => sub { s/"auth":1/"auth":"1"/ },
    'is_trial as number'     => sub { s/"is_trial":"0"/"is_trial":0/ },
    'exp_date as number'     => sub { s/"exp_date":null/"exp_date":123/ },
    'status lower case'      => sub { s/"Active"/"active"/ },
    'missing active_cons'    => sub { s/"active_cons":"0",// },
    'extra user_info key'    => sub { s/"auth":1/"auth":1,"extra":1/ },
    'process as string'      => sub { s/"process":true/"process":"true"/ },
    'timestamp as string'    => sub { s/"timestamp_now":(\d+)/"timestamp_now":"$1"/ },
    'timestamp an hour off'  => sub { my $t = $now - 3600; s/"timestamp_now":\d+/"timestamp_now":$t/ },
    'time_now wrong zone'    => sub { my $u = POSIX::strftime('%Y-%m-%d %H:%M:%S', gmtime($now - 7200));
                                      s/"time_now":"[^"]+"/"time_now":"$u"/ },
    'url with scheme'        => sub { s/"url":"127.0.0.1"/"url":"http:\/\/127.0.0.1"/ },
    'trailing comma'         => sub { s/\}\}$/},}/ },
    'not JSON at all'        => sub { $_ = 'auth=1' },
);
for my $what (sort keys %bad) {
    local $_ = $good;
    $bad{$what}->();
    ok(scalar(errors($_, $XtreamTest::LOGIN)) > 0, "rejected: $what");
}

my $list = '[{"num":1,"stream_id":11,"name":"A B"},{"num":2,"stream_id":12,"name":"C"}]';
is_deeply([errors($list, "[*].stream_id int seq=11,12\n[*].name string seq=A B,C\n. array len=2")],
          [], 'seq/len on a list pass');
ok(scalar(errors($list, "[*].stream_id int seq=12,11")) > 0, 'seq is ordered');
is_deeply([errors($list, "[*].stream_id int set=12,11")], [], 'set is unordered');
ok(scalar(errors($list, ". array len=3")) > 0, 'len counts');
ok(scalar(errors('[]', "[*].stream_id int")) == 0, '[*] over an empty list is vacuous');
ok(scalar(errors('{"a":1}', "b int")) > 0, 'a missing key fails');
ok(scalar(errors('{"a":1.5}', "a int")) > 0, 'a fraction is not an int');
ok(scalar(errors('{"a":"1"}', "a digits")) == 0 && scalar(errors('{"a":1}', "a digits")) > 0,
   'digits means a string of digits');

done_testing();
