/* SPDX-License-Identifier: MIT */
/* Accumulators: count, sum, min, max, mean, var, stddev, first, last,
 * distinct, approx_distinct, percentiles, top-N, rate, histogram. */
#ifndef CORE_AGG_H
#define CORE_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/rec.h"

struct core_arena;

enum core_acc_kind {
	CORE_ACC_COUNT, CORE_ACC_SUM, CORE_ACC_MIN, CORE_ACC_MAX,
	CORE_ACC_MEAN, CORE_ACC_VAR, CORE_ACC_STDDEV, CORE_ACC_FIRST,
	CORE_ACC_LAST, CORE_ACC_DISTINCT, CORE_ACC_APPROX_DISTINCT,
	CORE_ACC_PCT, CORE_ACC_TOP, CORE_ACC_RATE, CORE_ACC_HIST
};

/* Percentiles are exact up to this many values per group, then a
 * DDSketch with 1% relative error takes over. */
#define CORE_PCT_EXACT 2048
/* top-N keeps exact counts for this many distinct values (at least 10N),
 * then Misra-Gries. */
#define CORE_TOP_CAP 1000

/*
 * One accumulator as written on the command line: "[NAME=]KIND[:FIELD
 * [:PARAMS]]", e.g. "count", "sum:bytes", "p99:latency_ms",
 * "top5:path", "hist:latency_ms:0:1000:10", "slow=max:latency_ms".
 */
struct core_accspec {
	enum core_acc_kind kind;
	const struct core_sym *out;      /* output field */
	struct core_fieldref field;
	int has_field;
	double q;                        /* percentile, 0..1 */
	size_t topn;
	double lo, hi;                   /* histogram range */
	size_t nb;                       /* histogram buckets */
	uint64_t nulls;                  /* null or missing values skipped */
	uint64_t nonnum;                 /* not a number where one was needed */
	char *text;                      /* as written, for messages */
};

/* Parses word; returns 0, or -1 with a message in err[0..n). */
int core_accspec_parse(struct core_accspec *a, const char *word, char *err,
    size_t n);
void core_accspec_release(struct core_accspec *a);

/* Bytes of state per group, aligned to 16. */
size_t core_acc_size(const struct core_accspec *a);
void core_acc_init(const struct core_accspec *a, void *st);
/* Adds record r (its time decides first and last). */
void core_acc_add(struct core_accspec *a, void *st,
    const struct core_rec *r);
/*
 * The result.  [wstart, wend) is the window (for rate), or the span of
 * event times seen when not windowed.  Strings and JSON go into arena ar.
 */
void core_acc_result(const struct core_accspec *a, void *st, int64_t wstart,
    int64_t wend, struct core_value *out, struct core_arena *ar);
void core_acc_release(const struct core_accspec *a, void *st);
/* Heap bytes held beyond the fixed state, for --stats. */
size_t core_acc_heap(const struct core_accspec *a, const void *st);

#endif
