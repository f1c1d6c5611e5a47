/*
 * Prometheus text exposition format (version 0.0.4) writer, shared by the
 * module's metrics endpoint and xtreamd's metrics file.  Pure C: no nginx,
 * no allocation unless the caller gives a grow function.
 *
 *   xt_prom_family(p, "xtream_requests_total", "counter", "Requests ...");
 *   xt_prom_u64(p, "xtream_requests_total", labels, 12);
 *
 * labels is NULL or a NULL-terminated array of name, value, name, value...
 * Label values are escaped (\\, \", \n); HELP text too (\\, \n).  Metric
 * and label names are checked against the format's grammar: a bad name is
 * a programming error, reported by xt_prom_t.failed and never written.
 */
#ifndef XT_PROM_H
#define XT_PROM_H

#include <stddef.h>
#include <stdint.h>

typedef struct xt_prom_s  xt_prom_t;

/* make room for at least need more bytes; 0, or -1 (then p->failed) */
typedef int (*xt_prom_grow_pt)(xt_prom_t *p, size_t need);

struct xt_prom_s {
    char             *buf;
    size_t            len;
    size_t            cap;
    xt_prom_grow_pt   grow;       /* NULL: a fixed buffer */
    void             *data;       /* for grow */
    int               failed;     /* out of room or a bad name */
};

void xt_prom_init(xt_prom_t *p, char *buf, size_t cap, xt_prom_grow_pt grow,
    void *data);

/* a realloc()-based grow function (p->buf must be malloc()ed or NULL) */
int xt_prom_grow_malloc(xt_prom_t *p, size_t need);

/* [a-zA-Z_:][a-zA-Z0-9_:]* ; label names: no ':' and no leading "__" */
int xt_prom_name_ok(const char *name);
int xt_prom_label_ok(const char *name);

/* "# HELP" and "# TYPE" lines; type: counter gauge untyped */
void xt_prom_family(xt_prom_t *p, const char *name, const char *type,
    const char *help);

void xt_prom_u64(xt_prom_t *p, const char *name, const char *const *labels,
    uint64_t value);
void xt_prom_i64(xt_prom_t *p, const char *name, const char *const *labels,
    int64_t value);
/* NaN and infinities as the format spells them */
void xt_prom_f64(xt_prom_t *p, const char *name, const char *const *labels,
    double value);

/* raw bytes (already exposition text) */
void xt_prom_raw(xt_prom_t *p, const char *s, size_t len);

#endif
