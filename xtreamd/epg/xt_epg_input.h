/*
 * The XMLTV byte source: an open file (local, or the download spool),
 * plain or gzip (told by its magic bytes), decompressed by zlib's gzread
 * in 128 KiB steps, UTF-8-repaired (xt_epg_utf8.c), bounded in size.
 */
#ifndef XT_EPG_INPUT_H
#define XT_EPG_INPUT_H

#include <stdint.h>

#include <zlib.h>

#include "xt_epg_rules.h"

#define XT_EPG_CHUNK  (128 * 1024)

typedef struct {
    gzFile              gz;
    int                 gzip;           /* magic bytes 1f 8b */
    uint64_t            size;           /* of the file */
    uint64_t            out;            /* decompressed bytes so far */
    uint64_t            max_out;        /* refuse beyond (gzip bomb) */
    int                 utf8, sniffed, eof, failed;
    xt_epg_utf8_repair_t  fix;
    unsigned char      *raw, *fixed;
    size_t              fixed_len, fixed_pos;
    unsigned char       tail[8];        /* last non-blank bytes */
    unsigned            ntail;
    char                err[256];
} xt_epg_input_t;

/* take fd (closed by xt_epg_input_close); 0, or -1 with in->err */
int xt_epg_input_open(xt_epg_input_t *in, int fd, uint64_t max_out);

/* xmlInputReadCallback: bytes, 0 at the end, -1 on error (in->err) */
int xt_epg_input_read(void *ctx, char *buf, int len);

/* 1 when the input ended without error on "</tv>" */
int xt_epg_input_complete(void *ctx);

/* compressed bytes consumed so far (for progress against in->size) */
uint64_t xt_epg_input_pos(xt_epg_input_t *in);

void xt_epg_input_close(xt_epg_input_t *in);

#endif
