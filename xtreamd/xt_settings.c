/* Known settings and their value rules (xt_settings.h, docs/SETTINGS.md). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_settings.h"
#include "xt_tz.h"

typedef struct {
    const char  *name;
    int        (*ok)(const char *v, size_t len, char *why, size_t whylen);
} xt_setting_rule_t;


/* printable UTF-8 without control characters, 1..max bytes */
static int
xt_setting_text(const char *v, size_t len, size_t max, char *why,
    size_t whylen)
{
    size_t  i;

    if (len < 1 || len > max) {
        snprintf(why, whylen, "must be 1..%zu bytes", max);
        return 0;
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char) v[i] < 0x20 || v[i] == 0x7f) {
            snprintf(why, whylen, "must not contain control characters");
            return 0;
        }
    }
    return 1;
}


static int
xt_setting_server_name(const char *v, size_t len, char *why, size_t whylen)
{
    return xt_setting_text(v, len, 255, why, whylen);
}


/* the module's reader decides (xt_tz.c): a name it accepts, a TZif file
   it parses; its read buffer is static, hence the lock (API threads) */
static int
xt_setting_timezone(const char *v, size_t len, char *why, size_t whylen)
{
    static pthread_mutex_t  lock = PTHREAD_MUTEX_INITIALIZER;
    xt_tz_t                *tz;
    const char             *err = NULL;
    int                     rc;

    if (!xt_tz_name_valid(v, len)) {
        snprintf(why, whylen, "must be a time zone name such as "
                 "Europe/London or UTC");
        return 0;
    }
    tz = malloc(sizeof(*tz));
    if (tz == NULL) {
        snprintf(why, whylen, "out of memory");
        return 0;
    }
    pthread_mutex_lock(&lock);
    rc = xt_tz_load(tz, XT_ZONEINFO, v, &err);
    pthread_mutex_unlock(&lock);
    free(tz);
    if (rc != 0) {
        snprintf(why, whylen, "no such time zone in the tz database (%s)",
                 err ? err : "?");
        return 0;
    }
    return 1;
}


static const xt_setting_rule_t  xt_setting_rules[] = {
    { "server_name", xt_setting_server_name },
    { "timezone", xt_setting_timezone },
    { NULL, NULL }
};


static const xt_setting_rule_t *
xt_setting_rule(const char *name)
{
    int  i;

    for (i = 0; xt_setting_rules[i].name; i++) {
        if (strcmp(xt_setting_rules[i].name, name) == 0) {
            return &xt_setting_rules[i];
        }
    }
    return NULL;
}


int
xt_setting_known(const char *name)
{
    return xt_setting_rule(name) != NULL;
}


int
xt_setting_check(const char *name, const char *value, size_t len,
    char *why, size_t whylen)
{
    const xt_setting_rule_t  *r = xt_setting_rule(name);
    size_t                    n;
    int                       i;

    if (r == NULL) {
        n = (size_t) snprintf(why, whylen, "unknown setting; known:");
        for (i = 0; xt_setting_rules[i].name && n < whylen; i++) {
            n += (size_t) snprintf(why + n, whylen - n, "%s %s", i ? "," : "",
                                   xt_setting_rules[i].name);
        }
        return -1;
    }
    return r->ok(value, len, why, whylen) ? 0 : -1;
}
