/* SPDX-License-Identifier: MIT */
/* Mergeable sketches: quantiles (DDSketch), distinct counts (HyperLogLog). */
#include "libcore/sketch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/xalloc.h"

/* ---- DDSketch ---------------------------------------------------------------- */

static double
dd_gamma(void)
{
	return (1 + CORE_DD_ALPHA) / (1 - CORE_DD_ALPHA);
}

void
core_dd_init(struct core_ddsketch *s)
{
	memset(s, 0, sizeof(*s));
	s->min = INFINITY;
	s->max = -INFINITY;
}

void
core_dd_release(struct core_ddsketch *s)
{
	free(s->pos);
	free(s->neg);
	core_dd_init(s);
}

static void
store_add(struct core_dd_bucket **b, size_t *n, size_t *cap, int32_t index,
    uint64_t count)
{
	size_t lo = 0, hi = *n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((*b)[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && (*b)[lo].index == index) {
		(*b)[lo].count += count;
		return;
	}
	*b = core_xgrow(*b, cap, *n + 1, sizeof(**b));
	memmove(&(*b)[lo + 1], &(*b)[lo], (*n - lo) * sizeof(**b));
	(*b)[lo].index = index;
	(*b)[lo].count = count;
	(*n)++;
}

static int32_t
dd_index(double v)
{
	double i = ceil(log(v) / log(dd_gamma()));

	if (i > 1e8)
		i = 1e8;
	if (i < -1e8)
		i = -1e8;
	return (int32_t)i;
}

static double
dd_value(int32_t index)
{
	double g = dd_gamma();

	return 2 * pow(g, index) / (g + 1);
}

void
core_dd_add(struct core_ddsketch *s, double v)
{
	if (!isfinite(v))
		return;
	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
	s->n++;
	if (v > 0)
		store_add(&s->pos, &s->npos, &s->cappos, dd_index(v), 1);
	else if (v < 0)
		store_add(&s->neg, &s->nneg, &s->capneg, dd_index(-v), 1);
	else
		s->zero++;
}

double
core_dd_quantile(const struct core_ddsketch *s, double q)
{
	uint64_t rank, seen = 0;
	double v = 0;
	size_t i;

	if (s->n == 0)
		return NAN;
	/* The same rank rule as the exact mode: floor(q * n), clamped. */
	rank = q <= 0 ? 0 : (uint64_t)(q * (double)s->n);
	if (rank >= s->n)
		rank = s->n - 1;
	for (i = s->nneg; i-- > 0;) {
		seen += s->neg[i].count;
		if (seen > rank) {
			v = -dd_value(s->neg[i].index);
			goto clamp;
		}
	}
	seen += s->zero;
	if (seen > rank)
		return 0;
	for (i = 0; i < s->npos; i++) {
		seen += s->pos[i].count;
		if (seen > rank) {
			v = dd_value(s->pos[i].index);
			goto clamp;
		}
	}
	v = s->max;
clamp:
	if (v < s->min)
		v = s->min;
	if (v > s->max)
		v = s->max;
	return v;
}

void
core_dd_merge(struct core_ddsketch *s, const struct core_ddsketch *o)
{
	size_t i;

	for (i = 0; i < o->npos; i++)
		store_add(&s->pos, &s->npos, &s->cappos, o->pos[i].index,
		    o->pos[i].count);
	for (i = 0; i < o->nneg; i++)
		store_add(&s->neg, &s->nneg, &s->capneg, o->neg[i].index,
		    o->neg[i].count);
	s->zero += o->zero;
	s->n += o->n;
	if (o->min < s->min)
		s->min = o->min;
	if (o->max > s->max)
		s->max = o->max;
}

size_t
core_dd_bytes(const struct core_ddsketch *s)
{
	return (s->cappos + s->capneg) * sizeof(struct core_dd_bucket);
}

/* ---- HyperLogLog ------------------------------------------------------------- */

void
core_hll_init(struct core_hll *h)
{
	memset(h, 0, sizeof(*h));
}

void
core_hll_release(struct core_hll *h)
{
	free(h->exact);
	free(h->reg);
	core_hll_init(h);
}

static void
reg_add(uint8_t *reg, uint64_t hash)
{
	uint32_t idx = (uint32_t)(hash >> (64 - CORE_HLL_P));
	uint64_t w = hash << CORE_HLL_P | (1ULL << (CORE_HLL_P - 1));
	uint8_t rho = (uint8_t)(__builtin_clzll(w) + 1);

	if (rho > reg[idx])
		reg[idx] = rho;
}

void
core_hll_add(struct core_hll *h, uint64_t hash)
{
	size_t lo = 0, hi, mid, i;

	if (h->reg) {
		reg_add(h->reg, hash);
		return;
	}
	hi = h->nexact;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (h->exact[mid] < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->nexact && h->exact[lo] == hash)
		return;
	if (h->nexact < CORE_HLL_EXACT) {
		h->exact = core_xgrow(h->exact, &h->capexact, h->nexact + 1,
		    sizeof(*h->exact));
		memmove(&h->exact[lo + 1], &h->exact[lo],
		    (h->nexact - lo) * sizeof(*h->exact));
		h->exact[lo] = hash;
		h->nexact++;
		return;
	}
	/* Too many to keep: switch to registers. */
	h->reg = core_xcalloc(1u << CORE_HLL_P, 1);
	for (i = 0; i < h->nexact; i++)
		reg_add(h->reg, h->exact[i]);
	reg_add(h->reg, hash);
	free(h->exact);
	h->exact = NULL;
	h->nexact = h->capexact = 0;
}

uint64_t
core_hll_count(const struct core_hll *h)
{
	const double m = (double)(1u << CORE_HLL_P);
	const double alpha = 0.7213 / (1 + 1.079 / m);
	double sum = 0, est;
	uint32_t zeros = 0, i;

	if (h->reg == NULL)
		return h->nexact;
	for (i = 0; i < (1u << CORE_HLL_P); i++) {
		sum += ldexp(1.0, -h->reg[i]);
		zeros += h->reg[i] == 0;
	}
	est = alpha * m * m / sum;
	if (est <= 2.5 * m && zeros)
		est = m * log(m / zeros);    /* linear counting */
	return (uint64_t)(est + 0.5);
}

size_t
core_hll_bytes(const struct core_hll *h)
{
	return h->reg ? (1u << CORE_HLL_P) : h->capexact * sizeof(uint64_t);
}
