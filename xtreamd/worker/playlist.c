#include "playlist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PL_FILE_MAX (256 * 1024)
#define PL_LINE_MAX 1024

void pl_init(struct playlist *p, int window, int min_target)
{
    memset(p, 0, sizeof *p);
    p->window = window;
    p->min_target = min_target;
}

void pl_push(struct playlist *p, const struct pl_entry *e, int64_t *evicted)
{
    *evicted = -1;
    if (p->n == p->window) {
        *evicted = p->e[0].seq;
        if (p->e[0].disc)
            p->disc_seq++; /* a discontinuity left the window */
        memmove(&p->e[0], &p->e[1], sizeof p->e[0] * (p->n - 1));
        p->n--;
    }
    p->e[p->n++] = *e;
}

static void fmt_pdt(char *buf, size_t n, int64_t ms)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Writes the whole buffer to path.tmp, then renames: readers see the old or
 * the new file, never a partial one. */
static int write_atomic(const char *path, const char *data, size_t len)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -1;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    int rc = (w == len) ? 0 : -1;
    if (fclose(f))
        rc = -1;
    if (!rc && rename(tmp, path))
        rc = -1;
    if (rc)
        unlink(tmp);
    return rc;
}

int pl_write(const struct playlist *p, const char *path)
{
    static char buf[64 * 1024];
    int target = p->min_target;
    for (int i = 0; i < p->n; i++) {
        int r = (int)(p->e[i].duration + 0.5);
        if (r > target)
            target = r;
    }
    size_t len = 0;
    int k = snprintf(buf, sizeof buf,
                     "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n"
                     "#EXT-X-MEDIA-SEQUENCE:%lld\n#EXT-X-DISCONTINUITY-SEQUENCE:%lld\n",
                     target, (long long)(p->n ? p->e[0].seq : 0), (long long)p->disc_seq);
    len += k;
    for (int i = 0; i < p->n && len < sizeof buf - 256; i++) {
        char pdt[96];
        fmt_pdt(pdt, sizeof pdt, p->e[i].pdt_ms);
        len += snprintf(buf + len, sizeof buf - len, "%s", p->e[i].disc ? "#EXT-X-DISCONTINUITY\n" : "");
        /* the IV is the sequence number, so every segment has its own tag;
         * the module rewrites the URI into a signed, gated one */
        if (p->e[i].key)
            len += snprintf(buf + len, sizeof buf - len,
                            "#EXT-X-KEY:METHOD=AES-128,URI=\"%lld.key\",IV=0x%032llx\n",
                            (long long)p->e[i].key_idx,
                            (long long)p->e[i].seq);
        len += snprintf(buf + len, sizeof buf - len, "#EXT-X-PROGRAM-DATE-TIME:%s\n#EXTINF:%.6f,\n%lld.ts\n",
                        pdt, p->e[i].duration, (long long)p->e[i].seq);
    }
    return write_atomic(path, buf, len);
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0 || v > (1LL << 53))
        return -1;
    *out = v;
    return 0;
}

static int parse_pdt(const char *s, int64_t *ms)
{
    struct tm tm = {0};
    int msec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &msec, &n) != 7 || s[n])
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *ms = (int64_t)t * 1000 + msec;
    return 0;
}

int pl_load(struct playlist *p, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[PL_LINE_MAX + 2];
    size_t total = 0;
    int rc = -1, first = 1, disc = 0, have_inf = 0, key = 0;
    int64_t pdt = 0, seq, key_idx = 0;
    double dur = 0;
    struct playlist q;
    pl_init(&q, p->window, p->min_target);
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        total += n;
        if (total > PL_FILE_MAX || (n == sizeof line - 1 && line[n - 1] != '\n'))
            goto out; /* oversized file or line */
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (first) {
            if (strcmp(line, "#EXTM3U"))
                goto out;
            first = 0;
            continue;
        }
        if (!n)
            continue;
        if (!strncmp(line, "#EXT-X-DISCONTINUITY-SEQUENCE:", 30)) {
            if (parse_i64(line + 30, &q.disc_seq))
                goto out;
        } else if (!strcmp(line, "#EXT-X-DISCONTINUITY")) {
            disc = 1;
        } else if (!strncmp(line, "#EXT-X-PROGRAM-DATE-TIME:", 25)) {
            if (parse_pdt(line + 25, &pdt))
                goto out;
        } else if (!strncmp(line, "#EXTINF:", 8)) {
            char *end;
            dur = strtod(line + 8, &end);
            if (end == line + 8 || *end != ',' || !(dur >= 0 && dur < 3600))
                goto out;
            have_inf = 1;
        } else if (!strncmp(line, "#EXT-X-KEY:METHOD=AES-128,URI=\"", 31)) {
            char *dot = strchr(line + 31, '.');
            if (!dot || strncmp(dot, ".key\",IV=0x", 11))
                goto out;
            *dot = 0;
            if (parse_i64(line + 31, &key_idx))
                goto out;
            key = 1; /* the IV follows from seq */
        } else if (line[0] == '#') {
            continue; /* other tags are recomputed on write */
        } else {
            /* URI: "<seq>.ts", as this worker names them. */
            if (!have_inf || n < 4 || strcmp(line + n - 3, ".ts"))
                goto out;
            line[n - 3] = 0;
            if (parse_i64(line, &seq) || (q.n && seq <= q.e[q.n - 1].seq))
                goto out;
            struct pl_entry e = {seq, dur, pdt, disc, key, key_idx};
            int64_t ev;
            pl_push(&q, &e, &ev);
            disc = 0;
            key = 0;
            have_inf = 0;
            pdt = 0;
        }
    }
    if (first || ferror(f))
        goto out;
    *p = q;
    rc = 0;
out:
    fclose(f);
    return rc;
}

int pl_write_master(const char *path, const struct pl_variant *v, int n)
{
    char buf[8192];
    size_t len = (size_t)snprintf(buf, sizeof buf, "#EXTM3U\n#EXT-X-VERSION:3\n");
    for (int i = 0; i < n && len < sizeof buf - 512; i++) {
        len += snprintf(buf + len, sizeof buf - len, "#EXT-X-STREAM-INF:BANDWIDTH=%lld",
                        (long long)(v[i].bandwidth > 0 ? v[i].bandwidth : 1));
        if (v[i].width > 0 && v[i].height > 0)
            len += snprintf(buf + len, sizeof buf - len, ",RESOLUTION=%dx%d", v[i].width, v[i].height);
        if (v[i].codecs[0])
            len += snprintf(buf + len, sizeof buf - len, ",CODECS=\"%s\"", v[i].codecs);
        len += snprintf(buf + len, sizeof buf - len, "\n%d/index.m3u8\n", i);
    }
    return write_atomic(path, buf, len);
}
