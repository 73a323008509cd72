/* SPDX-License-Identifier: MIT */
/* The deduplication operator: one record per key, first or last by event
 * time. */
#ifndef CORE_DEDUPOP_H
#define CORE_DEDUPOP_H

#include <stdint.h>

#include "libcore/event.h"
#include "libcore/kmap.h"
#include "libcore/writer.h"

struct core_dedupop_opts {
	struct core_keyspec *on;       /* the key; NULL: the whole record */
	int last;                      /* keep the last, not the first */
	int64_t within;                /* a key's scope in event time; 0: the
	                                * window, or forever unwindowed */
	const struct core_sym *start, *end;   /* window fields */
};

/*
 * First and last are by event time, ties by arrival (the first arrival
 * for first, the latest for last), so the answer does not depend on
 * reordering within the source's --max-delay.
 *
 * first: a key's earliest record comes out as soon as the watermark
 * passes its time (no earlier one can still come); later records of the
 * key within the scope are dropped.  last: the latest record comes out
 * when the scope ends: its window closes (stamped end - 1 ns), or the
 * watermark reaches the key's first time + within, or the input ends.
 * The scope of a key is its window (windowed input), or `within` from its
 * first record, or the whole stream.  The watermark is passed on held
 * back to the earliest record still waiting, so what comes out is never
 * late downstream.  Borrowed: out and the option pointers.
 */
struct core_dedupop *core_dedupop_new(const struct core_dedupop_opts *o,
    struct core_writer *out);
void core_dedupop_free(struct core_dedupop *d);
void core_dedupop_push(struct core_dedupop *d, const struct core_rec *r);
void core_dedupop_close(struct core_dedupop *d, const struct core_window *w);
/* CORE_WM_MAX is the end of input. */
void core_dedupop_wm(struct core_dedupop *d, int64_t wm);
/* Records dropped as duplicates so far. */
uint64_t core_dedupop_dropped(const struct core_dedupop *d);

#endif
