/* The VOD path check: the module builds file paths only from these. */
#include <string.h>

#include "xt_render.h"


int
xt_vod_path_ok(const char *p, size_t len)
{
    size_t  i, start = 0;

    if (len == 0 || p[0] == '/' || memchr(p, '\0', len) != NULL) {
        return 0;
    }
    for (i = 0; i <= len; i++) {
        if (i == len || p[i] == '/') {
            if (i - start == 2 && p[start] == '.' && p[start + 1] == '.') {
                return 0;
            }
            start = i + 1;
        }
    }
    return 1;
}
