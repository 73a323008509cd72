/* SPDX-License-Identifier: MIT */
/* Window arithmetic: which event-time windows a timestamp falls in. */
#ifndef CORE_WINDOW_H
#define CORE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/event.h"

/*
 * Windows are half-open, [start, end).  Tumbling windows of size S and
 * hopping windows of size S sliding by D start at offset + k*D for every
 * integer k (D = S for tumbling), so they are aligned to the epoch (plus
 * offset) whatever the data; negative times work the same way.  Windows
 * that would reach past the int64 range are clipped to it.
 */
struct core_winspec {
	int64_t size;
	int64_t slide;     /* == size for tumbling */
	int64_t offset;    /* 0 <= offset < slide after normalising */
};

/* Checks and normalises: size > 0, 0 < slide <= size, offset mod slide.
 * Returns 0, or -1 with *why set. */
int core_winspec_init(struct core_winspec *w, int64_t size, int64_t slide,
    int64_t offset, const char **why);

/* The latest window start <= t (floor to the slide grid). */
int64_t core_win_floor(const struct core_winspec *w, int64_t t);

/*
 * The windows that contain t, earliest first, into out (at most
 * ceil(size/slide) of them; returns how many).  cap is out's capacity.
 */
size_t core_win_assign(const struct core_winspec *w, int64_t t,
    struct core_window *out, size_t cap);

/* How many windows contain any one time: ceil(size / slide). */
size_t core_win_per_time(const struct core_winspec *w);

/* end of the window starting at start, saturating at INT64_MAX. */
int64_t core_win_end(const struct core_winspec *w, int64_t start);

/*
 * core_win_assign through a memo of the last answer: the windows of t are
 * the same for every time from the latest window end at or below t (or
 * the floor of t on the grid, if later) up to the first end above it or
 * the next grid step.  Records come mostly in order of time and the
 * arithmetic costs divisions, so most records take the memo.  Zero the
 * memo before first use (and after changing the winspec).
 */
#define CORE_WINMEMO_MAX 16
struct core_winmemo {
	int64_t lo, hi;    /* the memo holds for lo <= t < hi */
	size_t n;
	struct core_window w[CORE_WINMEMO_MAX];
};

size_t core_win_assign_remember(const struct core_winspec *w,
    struct core_winmemo *m, int64_t t, struct core_window *out, size_t cap);

static inline size_t
core_win_assign_memo(const struct core_winspec *w, struct core_winmemo *m,
    int64_t t, struct core_window *out, size_t cap)
{
	size_t i;

	if (t >= m->lo && t < m->hi && m->n <= cap) {
		for (i = 0; i < m->n; i++)    /* mostly one: no call */
			out[i] = m->w[i];
		return m->n;
	}
	return core_win_assign_remember(w, m, t, out, cap);
}

#endif
