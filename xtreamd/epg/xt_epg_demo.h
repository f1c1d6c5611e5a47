/* `xtreamctl epg demo --days N`: a demo guide for every channel. */
#ifndef XT_EPG_DEMO_H
#define XT_EPG_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "xt_db.h"

/* For every stream with an epg_channel_id: an epg_channels row when there
   is none, and hourly programmes from UTC midnight `days` days ago to UTC
   midnight `days` + 1 days ahead (replacing that window's programmes).
   One transaction; 0, or -1 with err set.  *nprogs gets the count. */
int xt_epg_demo(xt_db_t *db, unsigned days, int64_t now, size_t *nchannels,
    size_t *nprogs, char *err, size_t errlen);

#endif
