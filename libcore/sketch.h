/* SPDX-License-Identifier: MIT */
/* Mergeable sketches: quantiles (DDSketch), distinct counts (HyperLogLog). */
#ifndef CORE_SKETCH_H
#define CORE_SKETCH_H

#include <stddef.h>
#include <stdint.h>

/*
 * DDSketch (Masson, Rim, Lee, VLDB 2019): values go into logarithmic
 * buckets of ratio gamma = (1 + a) / (1 - a), so any quantile comes back
 * with relative error at most a (here 1%).  Negative values use a mirror
 * store, zero its own counter.  Buckets live in a sparse, sorted array, so
 * the size grows with the spread of the values (log), not their number.
 */
#define CORE_DD_ALPHA 0.01

struct core_dd_bucket {
	int32_t index;
	uint64_t count;
};

struct core_ddsketch {
	struct core_dd_bucket *pos, *neg;
	size_t npos, nneg, cappos, capneg;
	uint64_t zero;
	uint64_t n;
	double min, max;
};

void core_dd_init(struct core_ddsketch *s);
void core_dd_release(struct core_ddsketch *s);
void core_dd_add(struct core_ddsketch *s, double v);
/* The value at rank floor(q * (n - 1))... see core_dd_quantile. */
double core_dd_quantile(const struct core_ddsketch *s, double q);
void core_dd_merge(struct core_ddsketch *s, const struct core_ddsketch *o);
size_t core_dd_bytes(const struct core_ddsketch *s);

/*
 * HyperLogLog with 2^12 registers (standard error 1.04 / 64 = 1.6%),
 * holding exact 64-bit hashes until 256 of them, so small counts are
 * exact.  Bias-corrected with linear counting for small cardinalities.
 */
#define CORE_HLL_P 12
#define CORE_HLL_EXACT 256

struct core_hll {
	uint64_t *exact;         /* sorted hashes while small */
	size_t nexact, capexact;
	uint8_t *reg;            /* 2^P registers once large */
};

void core_hll_init(struct core_hll *h);
void core_hll_release(struct core_hll *h);
void core_hll_add(struct core_hll *h, uint64_t hash);
uint64_t core_hll_count(const struct core_hll *h);
size_t core_hll_bytes(const struct core_hll *h);

#endif
