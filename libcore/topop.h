/* SPDX-License-Identifier: MIT */
/* The top-N operator: rank rows per window and partition, keep the best N. */
#ifndef CORE_TOPOP_H
#define CORE_TOPOP_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/event.h"
#include "libcore/kmap.h"
#include "libcore/writer.h"

/* One sort key: a field, and its direction. */
struct core_sortkey {
	struct core_fieldref f;
	int desc;
};

struct core_topop_opts {
	size_t n;                       /* keep rows ranked 1..n */
	struct core_sortkey *by;        /* best first by these, in order */
	size_t nby;
	struct core_keyspec *part;      /* -g; NULL: one partition */
	int with_ties;                  /* keep every row tied at rank n */
	const struct core_sym *rank;    /* add this rank field; NULL: none */
	int update;                     /* unwindowed: re-emit on change */
	const struct core_sym *start, *end;   /* window fields */
};

/*
 * Rows are ranked by the sort keys (values in streamutils' total order;
 * null and missing last whatever the direction), ties by arrival: with
 * with_ties, RANK() semantics (tied rows share a rank, and every row
 * ranked <= n is kept); without, ROW_NUMBER() (exactly n rows, the
 * earlier arrival first).  Only rows that can still rank are kept: O(n)
 * state per window and partition.  A window's rows come out, by partition
 * key then rank, when its close punctuation arrives, stamped with the
 * window's end - 1 ns; unwindowed rows at end of input (or on change with
 * update).  Borrowed: out and the option pointers.
 */
struct core_topop *core_topop_new(const struct core_topop_opts *o,
    struct core_writer *out);
void core_topop_free(struct core_topop *t);
void core_topop_push(struct core_topop *t, const struct core_rec *r);
void core_topop_close(struct core_topop *t, const struct core_window *w);
/* CORE_WM_MAX is the end of input. */
void core_topop_wm(struct core_topop *t, int64_t wm);
/* Current rows of open windows and the unwindowed partitions (--every). */
void core_topop_every(struct core_topop *t);

/* Parses "FIELD[:desc|:asc][,FIELD...]" into a new array; 0 or -1. */
int core_sortkeys_parse(const char *spec, struct core_sortkey **keys,
    size_t *n);

#endif
