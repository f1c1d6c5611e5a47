#include "codec_string.h"

#include <stdio.h>

/* Finds an H.264 SPS (NAL type 7) in Annex B data; returns a pointer to its
 * three profile/constraint/level bytes, or NULL. */
static const uint8_t *annexb_sps(const uint8_t *d, int len)
{
    for (int i = 0; i + 6 < len; i++)
        if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && (d[i + 3] & 0x1f) == 7)
            return d + i + 4;
    return NULL;
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
    case AV_CODEC_ID_AC3:
        snprintf(out, n, "ac-3");
        return 0;
    default:
        return -1;
    }
}
