/*
 * Test fixtures: real snapshot files made with the daemon's writer
 * (xtreamd/compile/xt_snap_writer.c), the same code that writes production ones.
 */

#ifndef XT_FIXTURE_H
#define XT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>


#define XT_FIX_NOW  1700000000

/*
 * lines: demo/demo-pass (active, bouquets 2,1), expired/pw1, banned/pw2,
 * disabled/pw3, trial/pw4 (trial, all outputs, exp in 2100, bouquets
 * 9,1), plus
 * "user0".."user<extra-1>" with password "pass<i>"; MAG boxes
 * 00:1A:79:00:00:01 (demo) and 00:1A:79:00:00:05 (trial).
 */
int xt_fix_lines(size_t extra, void **buf, size_t *len);

/*
 * catalog: categories Sports(2), News(1), Unused(3) live, Films(10) movie;
 * live 1 "News One" cat 1, 2 "Sports One" cat 2, 3 "News Two" cat 1,
 * 4 "Hidden" cat 3, then 1000+i "Bulk i" (cat 1) for extra streams;
 * bouquets 1 = [1,2], 2 = [3,1], 5 = [4], 9 = all bulk streams.
 */
int xt_fix_catalog(size_t extra, void **buf, size_t *len);

/*
 * also in the catalog: live 1 has a 3-day archive; LIVE_M3U lines;
 * category Shows(20) series; movies 1 "A Film" (mkv, in bouquet 1),
 * 2 "Other Film" (mp4, in none); series 1 "A Show" (bouquet 1) with
 * episodes 101, 102.
 *
 * epg: channels ch1.uk (8 hourly programmes from 3 h before now's hour,
 * the 4th titled with XML specials, UTF-8 and an invalid byte) and
 * ch2.uk (2 x 6 h).
 */
int xt_fix_epg(int64_t now, void **buf, size_t *len);

int xt_fix_write(const char *dir, const char *name, const void *buf,
    size_t len);

#endif /* XT_FIXTURE_H */
