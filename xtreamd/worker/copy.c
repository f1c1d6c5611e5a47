#include "copy.h"
#include "status.h"

int copy_open_input(struct segmenter *seg, const struct input *in)
{
    const AVCodecParameters *v = in->vidx >= 0 ? in->ic->streams[in->vidx]->codecpar : NULL;
    const AVCodecParameters *a = in->aidx >= 0 ? in->ic->streams[in->aidx]->codecpar : NULL;
    if (v)
        status_set_video(v->width, v->height, avcodec_get_name(v->codec_id));
    else
        status_set_video(0, 0, "");
    status_set_audio(a ? avcodec_get_name(a->codec_id) : "");
    return seg_set_streams(seg, v, a);
}

int copy_packet(struct segmenter *seg, const AVPacket *pkt, int is_video)
{
    if (is_video || !seg->has_video) {
        status_add_frames(is_video);
        status_media_time(pkt->dts);
    }
    return seg_write(seg, pkt);
}
