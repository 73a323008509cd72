/* SPDX-License-Identifier: MIT */
/* Window arithmetic: which event-time windows a timestamp falls in. */
#include "libcore/window.h"

#include <string.h>

#include "libcore/wm.h"

static int64_t
floor_mod(int64_t a, int64_t m)
{
	int64_t r = a % m;

	return r < 0 ? r + m : r;
}

int
core_winspec_init(struct core_winspec *w, int64_t size, int64_t slide,
    int64_t offset, const char **why)
{
	if (size <= 0) {
		*why = "window size must be positive";
		return -1;
	}
	if (slide <= 0 || slide > size) {
		*why = "slide must be positive and at most the window size";
		return -1;
	}
	w->size = size;
	w->slide = slide;
	w->offset = floor_mod(offset, slide);
	return 0;
}

int64_t
core_win_floor(const struct core_winspec *w, int64_t t)
{
	/* t - ((t - offset) mod slide), computed without overflow. */
	int64_t r = floor_mod(floor_mod(t, w->slide) - w->offset, w->slide);
	int64_t s;

	/* The window holding the earliest times starts before INT64_MIN:
	 * clip it there. */
	if (__builtin_sub_overflow(t, r, &s))
		return INT64_MIN;
	return s;
}

int64_t
core_win_end(const struct core_winspec *w, int64_t start)
{
	return core_sat_add(start, w->size);
}

size_t
core_win_per_time(const struct core_winspec *w)
{
	return (size_t)((w->size + w->slide - 1) / w->slide);
}

size_t
core_win_assign(const struct core_winspec *w, int64_t t,
    struct core_window *out, size_t cap)
{
	int64_t last = core_win_floor(w, t), s;
	size_t n = 0, k = core_win_per_time(w), i;

	/* Starts last, last - slide, ...; keep those whose end > t. */
	for (i = k; i-- > 0;) {
		int64_t back;

		if (__builtin_mul_overflow((int64_t)i, w->slide, &back) ||
		    __builtin_sub_overflow(last, back, &s))
			continue;
		/* A window clipped at INT64_MAX still holds INT64_MAX. */
		if ((core_win_end(w, s) <= t && core_win_end(w, s) !=
		    INT64_MAX) || n >= cap)
			continue;
		out[n].start = s;
		out[n].end = core_win_end(w, s);
		out[n].retain = CORE_WM_MIN;
		n++;
	}
	return n;
}

/* The memo missed: the arithmetic, remembered for the next time. */
size_t
core_win_assign_remember(const struct core_winspec *w, struct core_winmemo *m,
    int64_t t, struct core_window *out, size_t cap)
{
	int64_t last, lo, hi, xs, xe;
	size_t n, i;

	n = core_win_assign(w, t, out, cap);
	last = core_win_floor(w, t);
	/* Near the ends of the int64 range windows are clipped: no memo. */
	if (n == 0 || n > CORE_WINMEMO_MAX || cap < core_win_per_time(w) ||
	    last == INT64_MIN ||
	    __builtin_add_overflow(last, w->slide, &hi))
		return n;
	for (i = 0; i < n; i++)
		if (out[i].end < hi)
			hi = out[i].end;
	/* The next window before the earliest one holding t ended at or
	 * below t; if after the floor, the memo starts there. */
	lo = last;
	if (!__builtin_sub_overflow(out[0].start, w->slide, &xs) &&
	    !__builtin_add_overflow(xs, w->size, &xe) && xe > lo)
		lo = xe;
	if (!(lo <= t && t < hi))
		return n;
	m->lo = lo;
	m->hi = hi;
	m->n = n;
	memcpy(m->w, out, n * sizeof(*out));
	return n;
}
