/* RFC 6381 codec strings for the master playlist's CODECS attribute. */
#ifndef XTW_CODEC_STRING_H
#define XTW_CODEC_STRING_H

#include <stddef.h>
#include <libavcodec/avcodec.h>

/* Fills out (e.g. "avc1.64001f"); pkt may be NULL or an Annex B keyframe used
 * when the extradata carries no SPS. Returns 0, or -1 if unknown. */
int codec_string(const AVCodecParameters *par, const AVPacket *pkt, char *out, size_t n);

#endif
