/* EPG import: time parser, skip rules, overlap set, UTF-8 repair, and the
   streaming XMLTV parser over an in-memory document (no database). */
#include <stdlib.h>
#include <string.h>

#include "xt_epg_cmd.h"
#include "xt_epg_rules.h"
#include "xt_epg_xmltv.h"
#include "xt_render.h"
#include "xt_test.h"

#define T(s, v)  do { int64_t t_ = -12345;                                  \
        CHECK(xt_epg_parse_time(s, strlen(s), &t_) == 0 && t_ == (v));      \
    } while (0)
#define BAD(s)  do { int64_t t_;                                            \
        CHECK(xt_epg_parse_time(s, strlen(s), &t_) == -1);                  \
    } while (0)


static void
test_time(void)
{
    /* 2026-12-06 14:30:00 +0100 = 13:30:00 UTC = 1796563800 */
    T("20261206143000 +0100", 1796563800);
    T("20261206133000 +0000", 1796563800);
    T("20261206133000", 1796563800);                /* no zone: UTC */
    T("20261206133000 Z", 1796563800);
    T("20261206133000 UTC", 1796563800);
    T("20261206083000 -0500", 1796563800);
    T("20261206190000 +05:30", 1796563800);
    T("202612061330 +0000", 1796563800);            /* no seconds */
    T("20261206133000+0000", 1796563800);           /* no blank */
    T("19700101000000 +0000", 0);
    T("19700101000000 +0100", -3600);               /* before 1970 */
    T("20240229120000 +0000", 1709208000);          /* leap day */
    T("21000301000000 +0000", 4107542400LL);
    BAD("");
    BAD("2026120614");                              /* 10 digits */
    BAD("20261306143000 +0000");                    /* month 13 */
    BAD("20261131143000 +0000");                    /* 31 November */
    BAD("20230229120000 +0000");                    /* not a leap year */
    BAD("21000229120000 +0000");                    /* 2100 is not either */
    BAD("20261206243000 +0000");                    /* hour 24 */
    BAD("20261206146000 +0000");                    /* minute 60 */
    BAD("20261206143000 +1500");                    /* zone beyond 14 h */
    BAD("20261206143000 +0160");
    BAD("20261206143000 BST");                      /* named zones */
    BAD("20261206143000 +0100 x");
    BAD("2026120614300a +0000");
    BAD("202612061430001 +0000");                   /* 15 digits */
}


static void
test_rules(void)
{
    int64_t  now = 1796563800;

    CHECK(xt_epg_time_rule(now, now + 3600, now) == -1);
    CHECK(xt_epg_time_rule(-3600, 0, now) == XT_EPG_SKIP_BEFORE_1970);
    CHECK(xt_epg_time_rule(now + 732LL * 86400, now + 732LL * 86400 + 60,
                           now) == XT_EPG_SKIP_TOO_FAR);
    CHECK(xt_epg_time_rule(now + 700LL * 86400, now + 700LL * 86400 + 60,
                           now) == -1);
    CHECK(xt_epg_time_rule(now, now, now) == XT_EPG_SKIP_NOT_AFTER);
    CHECK(xt_epg_time_rule(now, now - 60, now) == XT_EPG_SKIP_NOT_AFTER);
    CHECK(xt_epg_time_rule(now, now + 48 * 3600, now) == -1);
    CHECK(xt_epg_time_rule(now, now + 48 * 3600 + 1, now)
          == XT_EPG_SKIP_TOO_LONG);
    CHECK(xt_epg_outside(0, 100, 100, 200) == 1);   /* ends at the start */
    CHECK(xt_epg_outside(50, 101, 100, 200) == 0);
    CHECK(xt_epg_outside(199, 300, 100, 200) == 0);
    CHECK(xt_epg_outside(200, 300, 100, 200) == 1);
    CHECK(xt_epg_channel_id_ok("a.tv", 4) == 1);
    CHECK(xt_epg_channel_id_ok("", 0) == 0);
    CHECK(xt_epg_channel_id_ok("a\tb", 3) == 0);
    {
        char  big[300];

        memset(big, 'x', sizeof(big));
        CHECK(xt_epg_channel_id_ok(big, 255) == 1);
        CHECK(xt_epg_channel_id_ok(big, 256) == 0);
    }
    CHECK(xt_epg_utf8_cut("ab\xc3\xa9" "c", 5, 3) == 2);     /* not in é */
    CHECK(xt_epg_utf8_cut("ab\xc3\xa9" "c", 5, 4) == 4);
    CHECK(xt_epg_utf8_cut("abc", 3, 10) == 3);
    CHECK(xt_epg_has_fffd("a\xef\xbf\xbd", 4) == 1);
    CHECK(xt_epg_has_fffd("a\xef\xbf", 3) == 0);
    CHECK(xt_epg_has_fffd(NULL, 0) == 0);       /* an empty element (fuzz/regress/xmltv) */
    CHECK(xt_epg_has_fffd("\xef\xbf\xbd", 3) == 1);
    CHECK(strcmp(xt_epg_skip_names[XT_EPG_SKIP_OVERLAP], "overlap") == 0);
}


static void
test_ivset(void)
{
    xt_epg_ivset_t  s;

    memset(&s, 0, sizeof(s));
    CHECK(xt_epg_ivset_add(&s, 100, 200) == 0);
    CHECK(xt_epg_ivset_add(&s, 200, 300) == 0);     /* touching is fine */
    CHECK(xt_epg_ivset_add(&s, 0, 100) == 0);       /* out of order */
    CHECK(xt_epg_ivset_add(&s, 150, 160) == 1);     /* inside */
    CHECK(xt_epg_ivset_add(&s, 250, 350) == 1);     /* over the end */
    CHECK(xt_epg_ivset_add(&s, 50, 120) == 1);      /* over two */
    CHECK(xt_epg_ivset_add(&s, 100, 200) == 1);     /* duplicate */
    CHECK(xt_epg_ivset_add(&s, -10, 500) == 1);     /* around all */
    CHECK(xt_epg_ivset_add(&s, 300, 301) == 0);
    CHECK(s.n == 4);
    xt_epg_ivset_free(&s);
}


static size_t
fix_all(const char *in, size_t n, size_t step, char *out,
    unsigned long long *fixed)
{
    xt_epg_utf8_repair_t  f;
    size_t                o = 0, i, k;

    memset(&f, 0, sizeof(f));
    for (i = 0; i < n; i += step) {
        k = n - i < step ? n - i : step;
        o += xt_epg_utf8_repair(&f, (const unsigned char *) in + i, k,
                                (unsigned char *) out + o, 0);
    }
    o += xt_epg_utf8_repair(&f, NULL, 0, (unsigned char *) out + o, 1);
    *fixed = f.fixed;
    return o;
}


static void
test_utf8_fix(void)
{
    static const struct { const char *in, *out; unsigned fixed; }  v[] = {
        { "plain <a>text</a>\n", "plain <a>text</a>\n", 0 },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xba", "caf\xc3\xa9 \xe2\x82"
          "\xac \xf0\x9f\x93\xba", 0 },
        { "bad \xe9 latin1", "bad \xef\xbf\xbd latin1", 1 },
        { "ctl \x01 \x1f\t\r\n", "ctl \xef\xbf\xbd \xef\xbf\xbd\t\r\n", 2 },
        { "overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd", 2 },
        { "surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd"
          "\xef\xbf\xbd", 3 },
        { "nonchar \xef\xbf\xbe", "nonchar \xef\xbf\xbd\xef\xbf\xbd"
          "\xef\xbf\xbd", 3 },
        { "cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd", 2 },
        { "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
          "\xef\xbf\xbd", 4 },                      /* > U+10FFFF */
    };
    char                out[256];
    unsigned long long  fixed;
    size_t              i, step, n;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        /* whole, and split at every size: the carry must not matter */
        for (step = 1; step <= strlen(v[i].in) + 1; step++) {
            n = fix_all(v[i].in, strlen(v[i].in), step, out, &fixed);
            CHECK(n == strlen(v[i].out) && memcmp(out, v[i].out, n) == 0
                  && fixed == v[i].fixed);
        }
    }
    CHECK(xt_epg_sniff_utf8((const unsigned char *) "<tv>", 4) == 1);
    CHECK(xt_epg_sniff_utf8((const unsigned char *)
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><tv>", 43) == 1);
    CHECK(xt_epg_sniff_utf8((const unsigned char *)
          "<?xml version='1.0' encoding='ISO-8859-1'?><tv>", 47) == 0);
    CHECK(xt_epg_sniff_utf8((const unsigned char *) "\xff\xfe<\0t\0", 6)
          == 0);
}


/* the parser over a string, records collected */
typedef struct {
    const char  *p;
    size_t       n, pos;
    char         titles[2048];
    char         extra[16384];      /* sub-title|fragment of the last one */
    char         chans[512];
    int64_t      start0;
} mem_t;

static int
mem_read(void *ctx, char *buf, int len)
{
    mem_t   *m = ctx;
    size_t   k = m->n - m->pos;

    if (k > (size_t) len) {
        k = (size_t) len;
    }
    if (k > 7) {
        k = 7;                  /* tiny reads: boundaries everywhere */
    }
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (int) k;
}

static int
mem_complete(void *ctx)
{
    mem_t  *m = ctx;

    return m->n >= 5 && memcmp(m->p + m->n - 6, "</tv>\n", 6) == 0;
}

static int
mem_chan(void *ctx, const xt_epg_chan_t *c, int *reason)
{
    mem_t  *m = ctx;

    (void) reason;
    snprintf(m->chans + strlen(m->chans), sizeof(m->chans) - strlen(m->chans),
             "%.*s=%.*s;", (int) c->id_len, c->id, (int) c->name_len, c->name);
    return XT_EPG_STORED;
}

static int
mem_prog(void *ctx, const xt_epg_prog_t *p, int *reason)
{
    mem_t  *m = ctx;

    (void) reason;
    if (p->stop == XT_EPG_NO_STOP) {
        return XT_EPG_DEFERRED;         /* the store decides later */
    }
    if (m->titles[0] == '\0') {
        m->start0 = p->start;
    }
    snprintf(m->titles + strlen(m->titles),
             sizeof(m->titles) - strlen(m->titles), "%.*s/%.*s/%.*s;",
             (int) p->title_len, p->title, (int) p->lang_len, p->lang,
             (int) p->desc_len, p->desc);
    snprintf(m->extra, sizeof(m->extra), "%.*s|%.*s",
             (int) p->sub_title_len, p->sub_title, (int) p->extra_len,
             p->extra);
    return XT_EPG_STORED;
}

static int
parse_mem(const char *doc, const char *lang, mem_t *m, xt_xmltv_t *x)
{
    memset(m, 0, sizeof(*m));
    memset(x, 0, sizeof(*x));
    m->p = doc;
    m->n = strlen(doc);
    x->read = mem_read;
    x->complete = mem_complete;
    x->read_ctx = m;
    x->lang = lang;
    x->now = 1796563800;
    x->channel = mem_chan;
    x->programme = mem_prog;
    x->ctx = m;
    return xt_xmltv_parse(x);
}

#define P(attrs, body)  "<programme " attrs ">" body "</programme>\n"
#define OK_T  "start=\"20261206143000 +0100\" stop=\"20261206150000 +0100\" "

/* the fields beyond title and desc: DTD order, escaping, known attributes
   only, caps per element and in all */
static void
test_extra(void)
{
    static const char  head[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tv>\n"
        "<programme " OK_T "channel=\"a.tv\"><title>T</title>";
    static const char  tail[] = "</programme>\n</tv>\n";
    char               doc[65536], *p;
    int                i;
    mem_t              m;
    xt_xmltv_t         x;

    p = doc + sprintf(doc, "%s", head);
    p += sprintf(p, "<new/><category lang=\"en\">A &amp; \"B\"</category>"
                 "<sub-title lang=\"de\">Unter</sub-title>"
                 "<sub-title lang=\"en\">Sub</sub-title>"
                 "<credits><actor role=\"R\" x=\"y\">Act</actor>"
                 "<director>Dir</director><bogus>b</bogus></credits>"
                 "<episode-num system=\"xmltv_ns\">0.1.</episode-num>"
                 "<rating><icon src=\"i\"/></rating>"
                 "<icon src=\"s\" onload=\"x\"/><keyword>k</keyword>");
    for (i = 0; i < 12; i++) {
        p += sprintf(p, "<category>c%d</category>", i);
    }
    sprintf(p, "%s", tail);
    CHECK(parse_mem(doc, "en", &m, &x) == 0);
    CHECK(strcmp(m.extra, "Sub|"
          "    <credits>\n      <director>Dir</director>\n"
          "      <actor role=\"R\">Act</actor>\n    </credits>\n"
          "    <category lang=\"en\">A &amp; &quot;B&quot;</category>\n"
          "    <category>c0</category>\n    <category>c1</category>\n"
          "    <category>c2</category>\n    <category>c3</category>\n"
          "    <category>c4</category>\n    <category>c5</category>\n"
          "    <category>c6</category>\n"
          "    <icon src=\"s\"/>\n"
          "    <episode-num system=\"xmltv_ns\">0.1.</episode-num>\n"
          "    <new/>\n") == 0);

    /* a fragment over 8 KiB keeps whole parts only */
    p = doc + sprintf(doc, "%s<credits>", head);
    for (i = 0; i < 40; i++) {
        p += sprintf(p, "<actor>%0250d</actor>", i);
    }
    sprintf(p, "</credits><date>2024</date>%s", tail);
    CHECK(parse_mem(doc, "", &m, &x) == 0);
    CHECK(strcmp(m.extra, "|    <date>2024</date>\n") == 0);
}


static void
test_parser(void)
{
    static const char  doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE tv SYSTEM \"xmltv.dtd\">\n"
        "<tv generator-info-name=\"t\">\n"
        "<channel id=\"a.tv\"><display-name lang=\"en\">A TV</display-name>"
        "<icon src=\"http://x/a.png\"/></channel>\n"
        "<channel id=\"b.tv\"/>\n"
        P(OK_T "channel=\"a.tv\"", "<title lang=\"de\">Titel</title>"
          "<title lang=\"en\">Title</title><desc lang=\"en\">D &amp; E</desc>")
        P(OK_T "channel=\"a.tv\"", "<title>First</title><title>Second</title>")
        P("start=\"20261206143000 +0100\" channel=\"a.tv\"", "<title>nostop</title>")
        P(OK_T, "<title>nochannel</title>")
        P(OK_T "channel=\"a.tv\"", "<desc>no title</desc>")
        P("start=\"2026-12-06\" stop=\"20261206150000 +0100\" channel=\"a.tv\"",
          "<title>badtime</title>")
        P("start=\"19690101000000 +0000\" stop=\"19690101010000 +0000\" "
          "channel=\"a.tv\"", "<title>old</title>")
        P("start=\"20300101000000 +0000\" stop=\"20300101010000 +0000\" "
          "channel=\"a.tv\"", "<title>far</title>")
        P("start=\"20261206150000 +0100\" stop=\"20261206150000 +0100\" "
          "channel=\"a.tv\"", "<title>empty</title>")
        P("start=\"20261206150000 +0100\" stop=\"20261209150000 +0100\" "
          "channel=\"a.tv\"", "<title>long</title>")
        P(OK_T "channel=\"a.tv\"", "<title>AT&T</title>")
        P(OK_T "channel=\"a.tv\"", "<title>mis<b>match</title>")
        P(OK_T "channel=\"b.tv\"", "<title>after</title>")
        "</tv>\n";
    mem_t       m;
    xt_xmltv_t  x;

    CHECK(parse_mem(doc, "en", &m, &x) == 0);
    CHECK(strcmp(m.chans, "a.tv=A TV;b.tv=;") == 0);
    CHECK(m.start0 == 1796563800);
    /* preferred language picked among titles; else the first */
    CHECK(strncmp(m.titles, "Title/en/D & E;First//;", 23) == 0);
    CHECK(x.skipped[XT_EPG_SKIP_MISSING] == 2);     /* no channel, title */
    CHECK(x.deferred == 1);                         /* no stop */
    CHECK(x.skipped[XT_EPG_SKIP_BAD_TIME] == 1);
    CHECK(x.skipped[XT_EPG_SKIP_BEFORE_1970] == 1);
    CHECK(x.skipped[XT_EPG_SKIP_TOO_FAR] == 1);
    CHECK(x.skipped[XT_EPG_SKIP_NOT_AFTER] == 1);
    CHECK(x.skipped[XT_EPG_SKIP_TOO_LONG] == 1);
    CHECK(x.skipped[XT_EPG_SKIP_MALFORMED] == 2);
    /* what follows a broken element is still read */
    CHECK(strstr(m.titles, "after//;") != NULL);
    CHECK(x.stored == 3);
    CHECK(x.programmes == 13);
    CHECK(x.xml_errors >= 2);

    /* first title when no language is preferred */
    CHECK(parse_mem(doc, "", &m, &x) == 0);
    CHECK(strncmp(m.titles, "Titel/de/D & E;", 15) == 0);

    /* refused as a whole */
    CHECK(parse_mem("this is not XML at all\n", "", &m, &x) == -1);
    CHECK(parse_mem("<html><body>404</body></html>\n", "", &m, &x) == -1);
    CHECK(strstr(x.err, "not an XMLTV document") != NULL);
    CHECK(parse_mem("<tv>\n" P(OK_T "channel=\"a.tv\"", "<title>x</title>")
                    "<programme start=\"2026", "", &m, &x) == -1);
    CHECK(strstr(x.err, "truncated") != NULL);
    CHECK(parse_mem("", "", &m, &x) == -1);

    /* entities are never expanded (no XML_PARSE_NOENT, no DTD loading):
       a "billion laughs" document stays small and fast */
    CHECK(parse_mem("<?xml version=\"1.0\"?>\n<!DOCTYPE tv [\n"
        "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "<!ENTITY ext SYSTEM \"file:///etc/passwd\">\n"
        "]>\n<tv>\n" P(OK_T "channel=\"a.tv\"", "<title>x&g;&ext;y</title>")
        "</tv>\n", "", &m, &x) == 0);
    CHECK(strlen(m.titles) < 64);
    CHECK(strstr(m.titles, "root:") == NULL);
}


/* past line 65535 libxml2 keeps element lines in 16 bits: an error deep
   in a big file must still be blamed on its programme, and only on it */
static void
test_parser_big_lines(void)
{
    xt_buf_t    doc = { NULL, 0, 0 };
    mem_t       m;
    xt_xmltv_t  x;
    char        rec[512];
    int         i, n;

    xt_buf_put(&doc, "<tv>\n", 5);
    for (i = 0; i < 20000; i++) {
        n = snprintf(rec, sizeof(rec), "<programme start=\"%lld +0000\" "
                     "stop=\"%lld +0000\"\n  channel=\"c.tv\">\n  <title>%s"
                     "%d</title>\n  <desc>d</desc>\n</programme>\n",
                     20261201000000LL + (i / 24) * 1000000LL + (i % 24) * 10000,
                     20261201003000LL + (i / 24) * 1000000LL + (i % 24) * 10000,
                     i == 15000 ? "AT&T " : "t", i);
        xt_buf_put(&doc, rec, (size_t) n);
    }
    xt_buf_put(&doc, "</tv>\n", 7);
    xt_buf_put(&doc, "", 1);
    memset(&m, 0, sizeof(m));
    CHECK(parse_mem(doc.p, "", &m, &x) == 0);
    CHECK(x.programmes == 20000);
    CHECK(x.skipped[XT_EPG_SKIP_MALFORMED] == 1);
    CHECK(x.xml_errors == 1);
    xt_buf_free(&doc);
}


/* the source checks shared by `epg add|set` and /admin/api/epg-sources */
static void
test_source_checks(void)
{
    char  big[2100];

    CHECK(xt_epg_url_ok("http://example.com/guide.xml.gz"));
    CHECK(xt_epg_url_ok("https://example.com/g?x=1"));
    CHECK(xt_epg_url_ok("file:///srv/epg/guide.xml"));
    CHECK(xt_epg_url_ok("/srv/epg/guide.xml"));
    CHECK(!xt_epg_url_ok("ftp://example.com/g.xml"));
    CHECK(!xt_epg_url_ok("relative/guide.xml"));
    CHECK(!xt_epg_url_ok("file://relative"));
    CHECK(!xt_epg_url_ok("/srv/../etc/passwd"));
    CHECK(!xt_epg_url_ok("/srv/epg/.."));
    CHECK(!xt_epg_url_ok("/srv/a\nb"));
    CHECK(!xt_epg_url_ok("/srv/\xff"));
    CHECK(!xt_epg_url_ok(""));
    memset(big, 'a', sizeof(big) - 1);
    big[0] = '/';
    big[sizeof(big) - 1] = '\0';
    CHECK(!xt_epg_url_ok(big));
    CHECK(xt_epg_name_ok("Guide 1"));
    CHECK(!xt_epg_name_ok("12345"));
    CHECK(!xt_epg_name_ok(""));
    CHECK(!xt_epg_name_ok("a\tb"));
    CHECK(xt_epg_lang_ok("en"));
    CHECK(xt_epg_lang_ok(""));
    CHECK(!xt_epg_lang_ok("e n"));
    CHECK(!xt_epg_lang_ok("abcdefghijklmnopq"));
}


void
test_epg(void)
{
    test_source_checks();
    test_time();
    test_rules();
    test_ivset();
    test_utf8_fix();
    test_parser();
    test_extra();
    test_parser_big_lines();
}
