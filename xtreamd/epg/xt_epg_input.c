#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xt_epg_input.h"


int
xt_epg_input_open(xt_epg_input_t *in, int fd, uint64_t max_out)
{
    struct stat    sb;
    unsigned char  magic[2];

    memset(in, 0, sizeof(*in));
    in->max_out = max_out;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(in->err, sizeof(in->err), "not a regular file");
        close(fd);
        return -1;
    }
    in->size = (uint64_t) sb.st_size;
    in->gzip = pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f
               && magic[1] == 0x8b;
    in->raw = malloc(XT_EPG_CHUNK);
    in->fixed = malloc(3 * (XT_EPG_CHUNK + 4));
    /* gzread reads a plain file as it is, so one path serves both */
    in->gz = gzdopen(fd, "rb");
    if (in->raw == NULL || in->fixed == NULL || in->gz == NULL) {
        snprintf(in->err, sizeof(in->err), "out of memory");
        if (in->gz == NULL) {
            close(fd);
        }
        xt_epg_input_close(in);
        return -1;
    }
    gzbuffer(in->gz, XT_EPG_CHUNK);
    return 0;
}


static void
xt_tail(xt_epg_input_t *in, const unsigned char *p, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n') {
            continue;
        }
        if (in->ntail == sizeof(in->tail)) {
            memmove(in->tail, in->tail + 1, sizeof(in->tail) - 1);
            in->ntail--;
        }
        in->tail[in->ntail++] = p[i];
    }
}


/* refill in->fixed from the file; -1 on error */
static int
xt_fill(xt_epg_input_t *in)
{
    int  n, zerr;
    const char  *msg;

    in->fixed_len = in->fixed_pos = 0;
    while (in->fixed_len == 0 && !in->eof) {
        n = gzread(in->gz, in->raw, XT_EPG_CHUNK);
        msg = gzerror(in->gz, &zerr);
        if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
            snprintf(in->err, sizeof(in->err), "%s: %s",
                     in->gzip ? "gzip" : "read",
                     zerr == Z_ERRNO ? strerror(errno)
                     : (zerr == Z_BUF_ERROR ? "unexpected end of file "
                        "(truncated)" : msg));
            return -1;
        }
        if (n == 0) {
            in->eof = 1;
        }
        in->out += (uint64_t) n;
        if (in->max_out && in->out > in->max_out) {
            snprintf(in->err, sizeof(in->err), "larger than %llu bytes "
                     "(decompressed)", (unsigned long long) in->max_out);
            return -1;
        }
        if (!in->sniffed && n > 0) {
            in->sniffed = 1;
            in->utf8 = xt_epg_sniff_utf8(in->raw, (size_t) n);
        }
        if (in->utf8) {
            in->fixed_len = xt_epg_utf8_repair(&in->fix, in->raw, (size_t) n,
                                               in->fixed, in->eof);
        } else {
            memcpy(in->fixed, in->raw, (size_t) n);
            in->fixed_len = (size_t) n;
        }
        xt_tail(in, in->fixed, in->fixed_len);
    }
    return 0;
}


int
xt_epg_input_read(void *ctx, char *buf, int len)
{
    xt_epg_input_t  *in = ctx;
    size_t           n;

    if (in->failed) {
        return -1;
    }
    if (in->fixed_pos == in->fixed_len) {
        if (in->eof) {
            return 0;
        }
        if (xt_fill(in) != 0) {
            in->failed = 1;
            return -1;
        }
        if (in->fixed_len == 0) {
            return 0;
        }
    }
    n = in->fixed_len - in->fixed_pos;
    if (n > (size_t) len) {
        n = (size_t) len;
    }
    memcpy(buf, in->fixed + in->fixed_pos, n);
    in->fixed_pos += n;
    return (int) n;
}


int
xt_epg_input_complete(void *ctx)
{
    xt_epg_input_t  *in = ctx;

    return !in->failed && in->eof && in->ntail >= 5
           && memcmp(in->tail + in->ntail - 5, "</tv>", 5) == 0;
}


uint64_t
xt_epg_input_pos(xt_epg_input_t *in)
{
    z_off_t  off = in->gz ? gzoffset(in->gz) : 0;

    return off > 0 ? (uint64_t) off : 0;
}


void
xt_epg_input_close(xt_epg_input_t *in)
{
    if (in->gz) {
        gzclose_r(in->gz);
        in->gz = NULL;
    }
    free(in->raw);
    free(in->fixed);
    in->raw = in->fixed = NULL;
}
