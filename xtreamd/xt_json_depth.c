/* JSON nesting depth (see xt_json_depth.h). */
#include "xt_json_depth.h"


int
xt_json_depth_ok(const char *text, size_t len, unsigned max)
{
    size_t    i;
    unsigned  depth = 0;
    int       in_string = 0;

    for (i = 0; i < len; i++) {
        char  c = text[i];

        if (in_string) {
            if (c == '\\') {
                i++;                    /* the escaped character */
            } else if (c == '"') {
                in_string = 0;
            }
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                return 0;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 1;
}
