/* One variant's segmenter: cuts the packet stream into MPEG-TS segments (one
 * mpegts muxer per segment, written as <seq>.ts.tmp and renamed), keeps the
 * playlist window and deletes segments that left it. */
#ifndef XTW_SEGMENTER_H
#define XTW_SEGMENTER_H

#include <libavformat/avformat.h>
#include "playlist.h"
#include "tscc.h"

#define SEG_PATH_MAX 4096

struct segmenter {
    char dir[SEG_PATH_MAX];          /* DIR/<v> */
    char playlist_path[SEG_PATH_MAX];
    int64_t target;                  /* 90 kHz */
    struct playlist pl;
    AVCodecParameters *par[2];       /* slot 0 video if has_video, then audio */
    int nb_streams, has_video;
    int pending_disc;
    int64_t next_seq;
    AVFormatContext *oc;             /* open segment, or NULL */
    AVPacket *tmp;
    char tmp_path[SEG_PATH_MAX], final_path[SEG_PATH_MAX];
    int64_t seg_start, seg_end;      /* pts of first packet, max pts+duration */
    int64_t last_dts[2];
    int64_t anchor_ms, anchor_ts, resume_end_ms;
    int have_anchor;
    int64_t peak_bps;                /* highest segment bitrate seen */
    int index;                       /* variant number */
    int done_this_run;               /* segments completed by this process */
    char codecs[64];                 /* video[,audio] for the master, "" unknown */
    int codecs_known;
    const char *archive_dir;         /* catch-up archive (variant 0), or NULL */
    struct tscc cc;                  /* continuity counters across segments */
};

/* Prepares DIR/<index>: loads an earlier playlist to continue its numbering
 * (with a discontinuity) and removes stale temporary files. */
int seg_init(struct segmenter *s, const char *outdir, int index, int seg_seconds, int window);
/* Declares the streams (video may be NULL, audio may be NULL). If they differ
 * from the current ones, the open segment is closed and the next one starts
 * with a discontinuity. */
int seg_set_streams(struct segmenter *s, const AVCodecParameters *video, const AVCodecParameters *audio);
/* Writes pkt (timestamps in 1/90000, stream_index = slot); takes no ownership.
 * Cuts at a video keyframe (or any packet if audio only) at/after the target. */
int seg_write(struct segmenter *s, const AVPacket *pkt);
/* Continuity is broken (another source): completes the open segment; the
 * next one starts with discontinuity flags (playlist and TS). */
int seg_mark_discontinuity(struct segmenter *s);
/* Completes the open segment, if any. */
int seg_close(struct segmenter *s);
void seg_free(struct segmenter *s);

#endif
