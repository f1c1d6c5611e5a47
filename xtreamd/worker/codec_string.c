#include "codec_string.h"

#include <stdio.h>
#include <string.h>

/* Finds an H.264 SPS (NAL type 7) in Annex B data; returns a pointer to its
 * three profile/constraint/level bytes, or NULL. */
static const uint8_t *annexb_sps(const uint8_t *d, int len)
{
    for (int i = 0; i + 6 < len; i++)
        if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && (d[i + 3] & 0x1f) == 7)
            return d + i + 4;
    return NULL;
}

/* Finds an HEVC SPS (NAL type 33) in Annex B data and copies its
 * profile_tier_level start (12 bytes: space/tier/profile, 4 compatibility
 * bytes, 6 constraint bytes, level) with emulation prevention removed, the
 * same layout hvcC has from its second byte. Returns 0 or -1. */
static int annexb_hevc_ptl(const uint8_t *d, int len, uint8_t ptl[12])
{
    for (int i = 0; i + 5 < len; i++) {
        if (!(d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && ((d[i + 3] >> 1) & 0x3f) == 33))
            continue;
        int j = i + 5, n = 0, zeros = 0; /* after the 2-byte NAL header */
        j++;                             /* vps id, max sub layers, nesting */
        for (; j < len && n < 12; j++) {
            if (zeros >= 2 && d[j] == 3) { zeros = 0; continue; }
            zeros = d[j] == 0 ? zeros + 1 : 0;
            ptl[n++] = d[j];
        }
        return n == 12 ? 0 : -1;
    }
    return -1;
}

/* ISO/IEC 14496-15 E.3: hvc1.<space><profile>.<compat, bit-reversed hex>.
 * <L|H><level>[.<constraint bytes, trailing zero bytes left out>] */
static void hevc_string(const uint8_t ptl[12], char *out, size_t n)
{
    uint32_t compat = (uint32_t)ptl[1] << 24 | ptl[2] << 16 | ptl[3] << 8 | ptl[4], rev = 0;
    for (int b = 0; b < 32; b++)
        rev |= ((compat >> b) & 1u) << (31 - b);
    int space = ptl[0] >> 6;
    int len = snprintf(out, n, "hvc1.%s%d.%X.%c%d", space ? (const char *[]){"A", "B", "C"}[space - 1] : "",
                       ptl[0] & 0x1f, rev, (ptl[0] & 0x20) ? 'H' : 'L', ptl[11]);
    int last = 10;
    while (last >= 5 && ptl[last] == 0)
        last--;
    for (int k = 5; k <= last && len > 0 && (size_t)len < n; k++)
        len += snprintf(out + len, n - len, ".%X", ptl[k]);
}

int codec_string(const AVCodecParameters *par, const AVPacket *pkt, char *out, size_t n)
{
    switch (par->codec_id) {
    case AV_CODEC_ID_H264: {
        const uint8_t *p = NULL;
        if (par->extradata_size >= 4 && par->extradata[0] == 1)
            p = par->extradata + 1; /* avcC: version, profile, compat, level */
        else if (par->extradata_size > 0)
            p = annexb_sps(par->extradata, par->extradata_size);
        if (!p && pkt && pkt->data)
            p = annexb_sps(pkt->data, pkt->size);
        if (!p)
            return -1;
        snprintf(out, n, "avc1.%02x%02x%02x", p[0], p[1], p[2]);
        return 0;
    }
    case AV_CODEC_ID_HEVC: {
        uint8_t ptl[12];
        int ok = -1;
        if (par->extradata_size >= 13 && par->extradata[0] == 1) {
            memcpy(ptl, par->extradata + 1, 12); /* hvcC */
            ok = 0;
        } else if (par->extradata_size > 0) {
            ok = annexb_hevc_ptl(par->extradata, par->extradata_size, ptl);
        }
        if (ok && pkt && pkt->data)
            ok = annexb_hevc_ptl(pkt->data, pkt->size, ptl);
        if (ok)
            return -1;
        hevc_string(ptl, out, n);
        return 0;
    }
    case AV_CODEC_ID_AAC:
        if (par->profile == FF_PROFILE_AAC_HE)
            snprintf(out, n, "mp4a.40.5");
        else if (par->profile == FF_PROFILE_AAC_HE_V2)
            snprintf(out, n, "mp4a.40.29");
        else
            snprintf(out, n, "mp4a.40.2");
        return 0;
    case AV_CODEC_ID_MP3:
        snprintf(out, n, "mp4a.40.34");
        return 0;
    case AV_CODEC_ID_MP2:
        snprintf(out, n, "mp4a.40.33");
        return 0;
    case AV_CODEC_ID_EAC3:
        snprintf(out, n, "ec-3");
        return 0;
    case AV_CODEC_ID_AC3:
        snprintf(out, n, "ac-3");
        return 0;
    default:
        return -1;
    }
}
