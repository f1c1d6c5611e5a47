/*
 * Prometheus text exposition writer (see xt_prom.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_prom.h"


void
xt_prom_init(xt_prom_t *p, char *buf, size_t cap, xt_prom_grow_pt grow,
    void *data)
{
    p->buf = buf;
    p->len = 0;
    p->cap = buf ? cap : 0;
    p->grow = grow;
    p->data = data;
    p->failed = 0;
}


int
xt_prom_grow_malloc(xt_prom_t *p, size_t need)
{
    size_t  cap = p->cap ? p->cap : 4096;
    char   *nb;

    while (cap - p->len < need) {
        if (cap > ((size_t) 1 << 30)) {
            return -1;
        }
        cap *= 2;
    }
    nb = realloc(p->buf, cap);
    if (nb == NULL) {
        return -1;
    }
    p->buf = nb;
    p->cap = cap;
    return 0;
}


static int
xt_prom_room(xt_prom_t *p, size_t need)
{
    if (p->failed) {
        return -1;
    }
    if (p->cap - p->len >= need) {
        return 0;
    }
    if (p->grow == NULL || p->grow(p, need) != 0) {
        p->failed = 1;
        return -1;
    }
    return 0;
}


void
xt_prom_raw(xt_prom_t *p, const char *s, size_t len)
{
    if (xt_prom_room(p, len) != 0) {
        return;
    }
    memcpy(p->buf + p->len, s, len);
    p->len += len;
}


static void
xt_prom_str(xt_prom_t *p, const char *s)
{
    xt_prom_raw(p, s, strlen(s));
}


/* escapes \ and newline, and " when quoted (label values) */
static void
xt_prom_escaped(xt_prom_t *p, const char *s, int quoted)
{
    const char  *run = s;

    for ( /* void */ ; *s; s++) {
        if (*s != '\\' && *s != '\n' && !(quoted && *s == '"')) {
            continue;
        }
        xt_prom_raw(p, run, (size_t) (s - run));
        xt_prom_raw(p, *s == '\n' ? "\\n" : *s == '"' ? "\\\"" : "\\\\", 2);
        run = s + 1;
    }
    xt_prom_raw(p, run, (size_t) (s - run));
}


static int
xt_prom_name_char(char c, int first, int colon)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        return 1;
    }
    if (c == ':') {
        return colon;
    }
    return !first && c >= '0' && c <= '9';
}


int
xt_prom_name_ok(const char *name)
{
    const char  *s;

    if (name == NULL || name[0] == '\0') {
        return 0;
    }
    for (s = name; *s; s++) {
        if (!xt_prom_name_char(*s, s == name, 1)) {
            return 0;
        }
    }
    return 1;
}


int
xt_prom_label_ok(const char *name)
{
    const char  *s;

    if (name == NULL || name[0] == '\0'
        || (name[0] == '_' && name[1] == '_'))
    {
        return 0;
    }
    for (s = name; *s; s++) {
        if (!xt_prom_name_char(*s, s == name, 0)) {
            return 0;
        }
    }
    return 1;
}


void
xt_prom_family(xt_prom_t *p, const char *name, const char *type,
    const char *help)
{
    if (!xt_prom_name_ok(name)
        || (strcmp(type, "counter") != 0 && strcmp(type, "gauge") != 0
            && strcmp(type, "untyped") != 0))
    {
        p->failed = 1;
        return;
    }
    xt_prom_str(p, "# HELP ");
    xt_prom_str(p, name);
    xt_prom_raw(p, " ", 1);
    xt_prom_escaped(p, help, 0);
    xt_prom_str(p, "\n# TYPE ");
    xt_prom_str(p, name);
    xt_prom_raw(p, " ", 1);
    xt_prom_str(p, type);
    xt_prom_raw(p, "\n", 1);
}


/* name{l="v",...} and a space */
static int
xt_prom_head(xt_prom_t *p, const char *name, const char *const *labels)
{
    const char *const  *l;

    if (!xt_prom_name_ok(name)) {
        p->failed = 1;
        return -1;
    }
    for (l = labels; l && l[0]; l += 2) {
        if (!xt_prom_label_ok(l[0]) || l[1] == NULL) {
            p->failed = 1;
            return -1;
        }
    }
    xt_prom_str(p, name);
    if (labels && labels[0]) {
        xt_prom_raw(p, "{", 1);
        for (l = labels; l[0]; l += 2) {
            if (l != labels) {
                xt_prom_raw(p, ",", 1);
            }
            xt_prom_str(p, l[0]);
            xt_prom_raw(p, "=\"", 2);
            xt_prom_escaped(p, l[1], 1);
            xt_prom_raw(p, "\"", 1);
        }
        xt_prom_raw(p, "}", 1);
    }
    xt_prom_raw(p, " ", 1);
    return 0;
}


void
xt_prom_u64(xt_prom_t *p, const char *name, const char *const *labels,
    uint64_t value)
{
    char  num[32];

    if (xt_prom_head(p, name, labels) == 0) {
        xt_prom_raw(p, num, (size_t) snprintf(num, sizeof(num), "%llu\n",
                                             (unsigned long long) value));
    }
}


void
xt_prom_i64(xt_prom_t *p, const char *name, const char *const *labels,
    int64_t value)
{
    char  num[32];

    if (xt_prom_head(p, name, labels) == 0) {
        xt_prom_raw(p, num, (size_t) snprintf(num, sizeof(num), "%lld\n",
                                             (long long) value));
    }
}


void
xt_prom_f64(xt_prom_t *p, const char *name, const char *const *labels,
    double value)
{
    char  num[40];
    int   n;

    if (xt_prom_head(p, name, labels) != 0) {
        return;
    }
    if (isnan(value)) {
        n = snprintf(num, sizeof(num), "NaN\n");
    } else if (isinf(value)) {
        n = snprintf(num, sizeof(num), value > 0 ? "+Inf\n" : "-Inf\n");
    } else {
        n = snprintf(num, sizeof(num), "%.15g\n", value);
    }
    xt_prom_raw(p, num, (size_t) n);
}
