/* SPDX-License-Identifier: MIT */
/* Watermark generation from observed event times (DESIGN §4). */
#ifndef CORE_WM_H
#define CORE_WM_H

#include <stdint.h>

#include "libcore/event.h"

/*
 * A watermark W promises that every later record has event time >= W; a
 * record with time < W is late.  The generator's watermark is the largest
 * event time seen minus the allowed out-of-orderness (max_delay).  When
 * idle it may be advanced by wall-clock time: event time is assumed to
 * move on at the rate of the clock since the last record arrived.
 */
struct core_wmgen {
	int64_t max_delay;
	int64_t max_seen;      /* CORE_WM_MIN until the first record */
	int64_t wm;            /* the current watermark */
	int64_t arrival;       /* monotonic ns of the last record */
};

void core_wmgen_init(struct core_wmgen *g, int64_t max_delay);
/* Observes a record's event time, arriving at monotonic time now. */
void core_wmgen_observe(struct core_wmgen *g, int64_t t, int64_t now);
/* Idle advance at monotonic time now; returns 1 if the watermark moved. */
int core_wmgen_idle(struct core_wmgen *g, int64_t now);

/* a + b saturating at the int64 bounds. */
static inline int64_t
core_sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

#endif
