/* SPDX-License-Identifier: MIT */
/* Watermark generation from observed event times (DESIGN §4). */
#include "libcore/wm.h"

void
core_wmgen_init(struct core_wmgen *g, int64_t max_delay)
{
	g->max_delay = max_delay;
	g->max_seen = CORE_WM_MIN;
	g->wm = CORE_WM_MIN;
	g->arrival = 0;
}

void
core_wmgen_observe(struct core_wmgen *g, int64_t t, int64_t now)
{
	int64_t w;

	g->arrival = now;
	if (t <= g->max_seen)
		return;
	g->max_seen = t;
	w = core_sat_add(t, -g->max_delay);
	if (w > g->wm)
		g->wm = w;
}

int
core_wmgen_idle(struct core_wmgen *g, int64_t now)
{
	int64_t w;

	if (g->max_seen == CORE_WM_MIN || now <= g->arrival)
		return 0;
	w = core_sat_add(core_sat_add(g->max_seen, now - g->arrival),
	    -g->max_delay);
	if (w <= g->wm)
		return 0;
	g->wm = w;
	return 1;
}
