# The panel's files keep to what a strict CSP allows and never put API text
# into markup: no inline <script>, no on*= handler attributes, no style=
# attributes, no innerHTML/outerHTML/insertAdjacentHTML/document.write, no
# eval or new Function; every module the page imports exists; the nginx
# configurations send the CSP for /admin/.  (The browser test, t/510, also
# fails on any CSP violation reported while it drives the panel.)
use strict;
use warnings;
use Test::More;
use File::Find ();

my $root = 'web/admin';
my (@html, @js);
File::Find::find({ no_chdir => 1, wanted => sub {
    return if $File::Find::name =~ m{/vendor/};
    push @html, $File::Find::name if /\.html\z/;
    push @js, $File::Find::name if /\.m?js\z/;
} }, $root);
ok(@html >= 1 && @js >= 10, sprintf('found the panel: %d html, %d js files', scalar @html, scalar @js));

sub slurp { my $f = shift; open my $fh, '<', $f or die "$f: $!"; local $/; return scalar <$fh> }

for my $f (@html) {
    my $s = slurp($f);
    my @inline = $s =~ /(<script(?![^>]*\bsrc=)[^>]*>)/gi;
    ok(!@inline, "$f: no inline <script>") or diag("@inline");
    my @handlers = $s =~ /(<[a-z][^>]*\son[a-z]+\s*=)/gi;
    ok(!@handlers, "$f: no on*= handler attributes") or diag("@handlers");
    my @styles = $s =~ /(<[a-z][^>]*\sstyle\s*=|<style\b)/gi;
    ok(!@styles, "$f: no inline style") or diag("@styles");
    for my $src ($s =~ /<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/gi) {
        next if $src =~ /^data:/ || $src =~ m{^vendor/};   # vendor/: make panel
        ok(-f "$root/$src", "$f: $src exists");
    }
}

for my $f (@js) {
    my $s = slurp($f);
    $s =~ s{^\s*//.*$}{}mg;                               # comments may name them
    for my $bad (qr/\.innerHTML\b/, qr/\.outerHTML\b/, qr/insertAdjacentHTML/, qr/document\.write/,
                 qr/\beval\s*\(/, qr/\bnew\s+Function\b/, qr/setAttribute\(\s*['"]on/,
                 qr/setAttribute\(\s*['"]style/) {
        ok($s !~ $bad, "$f: no $bad");
    }
    (my $dir = $f) =~ s{/[^/]+\z}{};
    for my $imp ($s =~ /^\s*import\b[^'"]*['"](\.[^'"]+)['"]/mg) {
        my $path = "$dir/$imp";
        1 while $path =~ s{/[^/.][^/]*/\.\./}{/};
        $path =~ s{/\./}{/}g;
        ok(-f $path, "$f imports $imp, which exists");
    }
}

for my $conf ('conf/nginx.run.conf.in', 'conf/nginx.conf.example') {
    my $s = slurp($conf);
    my ($loc) = $s =~ /(location \^~ \/admin\/ \{.*?\n        \})/s;
    ok($loc, "$conf: has the /admin/ location") or next;
    like($loc, qr/Content-Security-Policy "default-src 'none'; script-src 'self';[^"]*" always;/, "$conf: strict CSP for /admin/");
    unlike($loc, qr/unsafe-inline|unsafe-eval/, "$conf: no unsafe-inline/unsafe-eval");
    like($loc, qr/X-Content-Type-Options nosniff/, "$conf: nosniff");
    like($loc, qr/text\/javascript js/, "$conf: .js as text/javascript (module scripts need a JS type)");
}

done_testing();
