/* SPDX-License-Identifier: MIT */
/* The aggregation operator: accumulators per window and group, results
 * when a window closes, early or as a changelog on request. */
#ifndef CORE_AGGOP_H
#define CORE_AGGOP_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/agg.h"
#include "libcore/event.h"
#include "libcore/expr.h"
#include "libcore/kmap.h"
#include "libcore/writer.h"

struct core_aggop_opts {
	struct core_keyspec *g;        /* -g; NULL: no grouping fields */
	struct core_accspec *acc;      /* borrowed; their null counts grow */
	size_t nacc;                   /* 0 with g: DISTINCT */
	int update;                    /* a row on every change */
	struct core_expr *having;      /* NULL: keep every row */
	const struct core_sym *start, *end;   /* window fields */
	int track_bytes;               /* measure state for --stats */
};

struct core_aggop_stats {
	uint64_t peak_groups;
	uint64_t peak_windows;
	size_t peak_bytes;
};

/*
 * Records with both window fields (times) are grouped per window and -g
 * key; others in one unwindowed pseudo-window.  A window's rows come out,
 * sorted by key, when its close punctuation arrives (core_aggop_close);
 * their event time is the window's end - 1 ns.  CORE_WM_MAX (end of
 * input) closes every window, by end, then the unwindowed rows.  A global
 * aggregate (no -g) over an empty window gives one row of zeros.
 * Borrowed: out and the option pointers must outlive the operator.
 */
struct core_aggop *core_aggop_new(const struct core_aggop_opts *o,
    struct core_writer *out);
void core_aggop_free(struct core_aggop *a);
void core_aggop_push(struct core_aggop *a, const struct core_rec *r);
void core_aggop_close(struct core_aggop *a, const struct core_window *w);
void core_aggop_wm(struct core_aggop *a, int64_t wm);
/* Early results (--every): changed rows of open windows. */
void core_aggop_every(struct core_aggop *a);
void core_aggop_stats(const struct core_aggop *a,
    struct core_aggop_stats *st);

/*
 * The fields the operator reads of an input record (-g, the accumulators',
 * the window fields), for a lazy frame decoder: at most
 * core_aggop_nfields(o) of them into out; returns how many.
 */
size_t core_aggop_nfields(const struct core_aggop_opts *o);
size_t core_aggop_fields(const struct core_aggop_opts *o,
    const struct core_sym **out);

#endif
