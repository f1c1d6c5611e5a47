/* Unit test of the continuity rewrite: counters across files, packets with
 * and without payload, the discontinuity flag in an adaptation field or a
 * section's stuffing, null packets, and a packet split across two writes. */
#include "../tscc.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fails, passes;
#define CHECK(name, cond) do { if (cond) passes++; else { fails++; printf("not ok - tscc: %s\n", name); } } while (0)

/* afc: 1 payload, 2 adaptation only, 3 both; af_len used when afc & 2 */
static void mk(uint8_t *p, int pid, int pusi, int afc, int cc, int af_len)
{
    memset(p, 0xFF, 188);
    p[0] = 0x47;
    p[1] = (uint8_t)((pusi ? 0x40 : 0) | (pid >> 8));
    p[2] = (uint8_t)pid;
    p[3] = (uint8_t)((afc << 4) | cc);
    int o = 4;
    if (afc & 2) {
        p[4] = (uint8_t)af_len;
        if (af_len)
            p[5] = 0x10; /* PCR flag, as a PCR packet has */
        o = 5 + af_len;
    }
    if (afc & 1)
        for (int i = o; i < 188; i++)
            p[i] = (uint8_t)i;
}

int main(void)
{
    static struct tscc t;
    uint8_t p[188], sec[188];
    tscc_init(&t);

    /* file 1: the muxer's counters 0..3; file 2 starts again at 0 */
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        mk(p, 0x100, 0, 1, i, 0);
        tscc_packet(&t, p);
        ok &= (p[3] & 15) == i;
    }
    for (int i = 0; i < 2; i++) {
        mk(p, 0x100, 0, 1, i, 0);
        tscc_packet(&t, p);
        ok &= (p[3] & 15) == 4 + i;
    }
    CHECK("counter runs on across files", ok);
    mk(p, 0x100, 0, 2, 9, 7);
    tscc_packet(&t, p);
    CHECK("adaptation-only packet keeps the counter", (p[3] & 15) == 5);
    for (int i = 0; i < 11; i++) {
        mk(p, 0x100, 0, 1, 0, 0);
        tscc_packet(&t, p);
    }
    CHECK("counter wraps mod 16", (p[3] & 15) == 0);
    mk(p, 0x1FFF, 0, 1, 7, 0);
    tscc_packet(&t, p);
    CHECK("null packet untouched", (p[3] & 15) == 7);

    /* a break: PES packet with an adaptation field gets the bit set */
    tscc_mark_discontinuity(&t);
    mk(p, 0x100, 1, 3, 0, 7);
    tscc_packet(&t, p);
    CHECK("discontinuity_indicator set in an existing adaptation field", (p[5] & 0x80) && (p[5] & 0x10));
    mk(p, 0x100, 0, 3, 1, 7);
    tscc_packet(&t, p);
    CHECK("only on the first packet of the PID", !(p[5] & 0x80));

    /* a PAT section (pointer 0, table 0, stuffing): a 2-byte field is made */
    mk(sec, 0, 1, 1, 0, 0);
    memset(sec + 4, 0xFF, 184);
    const uint8_t pat[] = {0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 1, 2, 3, 4};
    memcpy(sec + 4, pat, sizeof pat);
    memcpy(p, sec, 188);
    tscc_packet(&t, p);
    CHECK("section: adaptation field of length 1 with the flag", ((p[3] >> 4) & 3) == 3 && p[4] == 1 && p[5] == 0x80);
    CHECK("section: payload moved intact behind it", !memcmp(p + 6, pat, sizeof pat) && p[187] == 0xFF);
    memcpy(p, sec, 188);
    tscc_packet(&t, p);
    CHECK("section: next packet unchanged but for the counter", !memcmp(p + 4, sec + 4, 184) && (p[3] & 15) == 1);

    /* the AVIO path: a packet split across two writes */
    char path[] = "/tmp/tscc_test.XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    tscc_init(&t);
    AVIOContext *pb = tscc_open(&t, path);
    uint8_t buf[3 * 188];
    for (int i = 0; i < 3; i++)
        mk(buf + i * 188, 0x101, 0, 1, 0, 0); /* all CC 0, as from three muxers */
    avio_write(pb, buf, 100);
    avio_flush(pb);
    avio_write(pb, buf + 100, sizeof buf - 100);
    int rc = tscc_close(&t, &pb);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    unlink(path);
    CHECK("split write: whole file, closed cleanly", rc == 0 && n == sizeof buf && t.fd < 0);
    CHECK("split write: counters 0,1,2", (buf[3] & 15) == 0 && (buf[191] & 15) == 1 && (buf[379] & 15) == 2);

    printf("tscc: %d passed, %d failed\n", passes, fails);
    return fails != 0;
}
