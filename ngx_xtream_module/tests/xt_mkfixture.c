/*
 * xt_mkfixture DIR [EXTRA_STREAMS]: writes the fixture lines.snap and
 * catalog.snap into DIR (atomic rename), to try the module by hand.
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "xt_snap_format.h"
#include "xt_fixture.h"


int
main(int argc, char **argv)
{
    void    *buf;
    size_t   len, extra;

    if (argc < 2) {
        fprintf(stderr, "usage: xt_mkfixture DIR [EXTRA_STREAMS]\n");
        return 2;
    }

    extra = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;

    if (xt_fix_lines(5, &buf, &len) != 0
        || xt_fix_write(argv[1], XT_SNAP_FILE_LINES, buf, len) != 0)
    {
        fprintf(stderr, "writing lines failed\n");
        return 1;
    }
    free(buf);

    if (xt_fix_catalog(extra, &buf, &len) != 0
        || xt_fix_write(argv[1], XT_SNAP_FILE_CATALOG, buf, len) != 0)
    {
        fprintf(stderr, "writing catalog failed\n");
        return 1;
    }
    free(buf);

    if (xt_fix_epg((int64_t) time(NULL), &buf, &len) != 0
        || xt_fix_write(argv[1], XT_SNAP_FILE_EPG, buf, len) != 0)
    {
        fprintf(stderr, "writing epg failed\n");
        return 1;
    }
    free(buf);

    return 0;
}
