/* SPDX-License-Identifier: MIT */
/* Tests for accumulators and sketches, against exact answers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/agg.h"
#include "libcore/arena.h"
#include "libcore/buf.h"
#include "libcore/sketch.h"

/* Feeds values (as field "x", at times 0, 1, 2, ...) to accumulator word
 * and returns its result as JSON text. */
static const char *
run(const char *word, const struct core_value *vals, size_t n)
{
	static struct core_buf out;
	struct core_accspec a;
	struct core_arena ar;
	struct core_recb b;
	struct core_rec r;
	struct core_value v;
	char err[256];
	void *st;
	size_t i;

	cr_assert_eq(core_accspec_parse(&a, word, err, sizeof(err)), 0, "%s",
	    err);
	st = malloc(core_acc_size(&a));
	core_acc_init(&a, st);
	core_recb_init(&b);
	core_arena_init(&ar);
	for (i = 0; i < n; i++) {
		core_recb_reset(&b);
		if (vals[i].type != 255)
			core_recb_add(&b, core_sym_str("x"), vals[i]);
		core_recb_add(&b, core_sym_str("y"), core_v_int(1));
		core_recb_finish(&b, &r, (int64_t)i);
		core_acc_add(&a, st, &r);
	}
	core_acc_result(&a, st, 0, 10000000000LL, &v, &ar);
	core_buf_reset(&out);
	core_value_json(&out, &v);
	core_acc_release(&a, st);
	free(st);
	core_arena_release(&ar);
	core_recb_release(&b);
	core_accspec_release(&a);
	return core_buf_str(&out);
}

#define I(x) core_v_int(x)
#define D(x) core_v_double(x)
#define N core_v_null()
#define MISSING ((struct core_value){ .type = 255 })
#define RUN(word, ...) run(word, (struct core_value[]){ __VA_ARGS__ }, \
	sizeof((struct core_value[]){ __VA_ARGS__ }) / sizeof(struct core_value))

Test(agg, names_and_parsing)
{
	struct core_accspec a;
	char err[256];

	cr_assert_eq(core_accspec_parse(&a, "p99:latency_ms", err, 256), 0);
	cr_expect_str_eq(a.out->name, "p99_latency_ms");
	cr_expect_float_eq(a.q, 0.99, 1e-12);
	core_accspec_release(&a);
	cr_assert_eq(core_accspec_parse(&a, "p99.9:x", err, 256), 0);
	cr_expect_str_eq(a.out->name, "p99_9_x");
	core_accspec_release(&a);
	cr_assert_eq(core_accspec_parse(&a, "slow=max:x", err, 256), 0);
	cr_expect_str_eq(a.out->name, "slow");
	core_accspec_release(&a);
	cr_assert_eq(core_accspec_parse(&a, "count", err, 256), 0);
	cr_expect_str_eq(a.out->name, "count");
	core_accspec_release(&a);
	cr_assert_eq(core_accspec_parse(&a, "avg:x", err, 256), 0);
	cr_expect_str_eq(a.out->name, "mean_x");
	core_accspec_release(&a);
	cr_expect_eq(core_accspec_parse(&a, "sum", err, 256), -1);
	cr_expect_str_eq(err, "'sum' needs a field: KIND:FIELD");
	core_accspec_release(&a);
	cr_expect_eq(core_accspec_parse(&a, "p101:x", err, 256), -1);
	core_accspec_release(&a);
	cr_expect_eq(core_accspec_parse(&a, "frob:x", err, 256), -1);
	core_accspec_release(&a);
	cr_expect_eq(core_accspec_parse(&a, "hist:x:5:1:3", err, 256), -1);
	core_accspec_release(&a);
	cr_expect_eq(core_accspec_parse(&a, "top0:x", err, 256), -1);
	core_accspec_release(&a);
}

Test(agg, count_counts_records_or_non_null_values)
{
	cr_expect_str_eq(RUN("count", I(1), N, MISSING), "3");
	cr_expect_str_eq(RUN("count:x", I(1), N, MISSING), "1");
}

Test(agg, sum_keeps_ints_exact_and_skips_nulls)
{
	cr_expect_str_eq(RUN("sum:x", I(1), I(2), N, I(-4)), "-1");
	cr_expect_str_eq(RUN("sum:x", I(INT64_MAX), I(1)),
	    "9.223372036854776e+18");
	cr_expect_str_eq(RUN("sum:x", I(1), D(0.5)), "1.5");
	cr_expect_str_eq(RUN("sum:x", N), "null");
	/* Compensated: 1e16 + 1 + ... - 1e16 keeps the small parts. */
	cr_expect_str_eq(RUN("sum:x", D(1e16), D(1), D(1), D(-1e16)), "2.0");
	cr_expect_str_eq(RUN("sum:x", core_v_str("a", 1), I(2)), "2");
}

Test(agg, min_max_mean_over_mixed_numbers)
{
	cr_expect_str_eq(RUN("min:x", I(3), D(2.5), I(7), N), "2.5");
	cr_expect_str_eq(RUN("max:x", I(3), D(2.5), I(7)), "7");
	cr_expect_str_eq(RUN("max:x", I(-5), I(-9)), "-5");
	cr_expect_str_eq(RUN("mean:x", I(1), I(2), I(3), I(4)), "2.5");
	cr_expect_str_eq(RUN("mean:x", N), "null");
	cr_expect_str_eq(RUN("min:x", core_v_str("b", 1),
	    core_v_str("a", 1)), "\"a\"");
	cr_expect_str_eq(RUN("max:x", D(NAN), I(1)), "1");
	cr_expect_str_eq(RUN("max:x", D(INFINITY), I(1)), "null");
}

Test(agg, var_and_stddev_are_sample_statistics)
{
	cr_expect_str_eq(RUN("var:x", I(2), I(4), I(4), I(4), I(5), I(5),
	    I(7), I(9)), "4.571428571428571");
	cr_expect_str_eq(RUN("stddev:x", I(1), I(3)), "1.4142135623730951");
	cr_expect_str_eq(RUN("var:x", I(5)), "null");
	/* Welford stays exact where the naive formula cancels. */
	cr_expect_str_eq(RUN("var:x", D(1e9 + 4), D(1e9 + 7), D(1e9 + 13),
	    D(1e9 + 16)), "30.0");
}

Test(agg, first_and_last_follow_event_time)
{
	/* Times are the positions; run() feeds in order, so first is the
	 * earliest position and last the latest. */
	cr_expect_str_eq(RUN("first:x", I(10), I(20), I(30)), "10");
	cr_expect_str_eq(RUN("last:x", I(10), I(20), I(30)), "30");
	cr_expect_str_eq(RUN("first:x", N, I(20)), "20");
}

Test(agg, distinct_exact_and_approximate)
{
	cr_expect_str_eq(RUN("distinct:x", I(1), I(1), D(1.0),
	    core_v_str("1", 1), N), "2");
	cr_expect_str_eq(RUN("approx_distinct:x", I(1), I(2), I(2)), "2");
}

Test(agg, percentiles_exact_mode)
{
	cr_expect_str_eq(RUN("p50:x", I(1), I(2), I(3), I(4)), "3.0");
	cr_expect_str_eq(RUN("median:x", I(5), I(1), I(3)), "3.0");
	cr_expect_str_eq(RUN("p0:x", I(5), I(1), I(3)), "1.0");
	cr_expect_str_eq(RUN("p100:x", I(5), I(1), I(3)), "5.0");
	cr_expect_str_eq(RUN("p99:x", N), "null");
	cr_expect_str_eq(RUN("p50:x", D(NAN), I(2)), "2.0");
}

Test(agg, top_ranks_by_count_then_value)
{
	cr_expect_str_eq(RUN("top2:x", core_v_str("b", 1), core_v_str("a", 1),
	    core_v_str("b", 1), core_v_str("c", 1), core_v_str("a", 1)),
	    "[{\"value\":\"a\",\"count\":2},{\"value\":\"b\",\"count\":2}]");
	cr_expect_str_eq(RUN("top3:x", N), "[]");
}

Test(agg, rate_and_histogram)
{
	/* 3 records in a 10 s window: 0.3 per second. */
	cr_expect_str_eq(RUN("rate", I(1), I(2), I(3)), "0.3");
	cr_expect_str_eq(RUN("rate:x", I(10), I(20), I(30)), "6.0");
	cr_expect_str_eq(RUN("hist:x:0:10:2", I(-1), I(0), I(4), I(5), I(9),
	    I(10), N), "{\"bounds\":[0.0,5.0,10.0],\"counts\":[2,2],"
	    "\"below\":1,\"above\":1}");
}

/* ---- sketches against exact answers on large random data ----------------- */

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

Test(agg, ddsketch_quantiles_within_one_percent)
{
	static double v[200000];
	struct core_ddsketch s;
	static const double qs[] = { 0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1 };
	unsigned seed = 7;
	size_t i, k;

	core_dd_init(&s);
	for (i = 0; i < 200000; i++) {
		/* Log-normal-ish latencies, and some negatives and zeros. */
		double u = (rand_r(&seed) + 1.0) / ((double)RAND_MAX + 2);

		v[i] = i % 50 == 0 ? 0 : i % 97 == 0 ? -exp(4 * u) :
		    exp(8 * u - 2);
		core_dd_add(&s, v[i]);
	}
	qsort(v, 200000, sizeof(*v), dcmp);
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		size_t r = (size_t)(qs[k] * 200000);
		double exact, got;

		if (r >= 200000)
			r = 199999;
		exact = v[r];
		got = core_dd_quantile(&s, qs[k]);
		cr_expect_leq(fabs(got - exact), 0.0101 * fabs(exact) + 1e-12,
		    "q=%g exact=%g got=%g", qs[k], exact, got);
	}
	core_dd_release(&s);
}

Test(agg, ddsketch_merge_equals_one_sketch)
{
	struct core_ddsketch a, b, all;
	int i;

	core_dd_init(&a);
	core_dd_init(&b);
	core_dd_init(&all);
	for (i = 1; i <= 10000; i++) {
		core_dd_add(i % 2 ? &a : &b, i);
		core_dd_add(&all, i);
	}
	core_dd_merge(&a, &b);
	cr_expect_eq(core_dd_quantile(&a, 0.5), core_dd_quantile(&all, 0.5));
	cr_expect_eq(core_dd_quantile(&a, 0.99), core_dd_quantile(&all,
	    0.99));
	core_dd_release(&a);
	core_dd_release(&b);
	core_dd_release(&all);
}

Test(agg, percentile_switches_to_sketch_within_error)
{
	enum { M = 50000 };
	struct core_value *vals = calloc(M, sizeof(*vals));
	static double sorted[M];
	unsigned seed = 3;
	double got, exact;
	int i;

	for (i = 0; i < M; i++) {
		sorted[i] = 1 + rand_r(&seed) % 100000;
		vals[i] = D(sorted[i]);
	}
	qsort(sorted, M, sizeof(*sorted), dcmp);
	got = strtod(run("p99:x", vals, M), NULL);
	exact = sorted[(size_t)(0.99 * M)];
	cr_expect_leq(fabs(got - exact), 0.0101 * exact, "exact %g got %g",
	    exact, got);
	free(vals);
}

Test(agg, hyperloglog_within_stated_error)
{
	static const uint64_t ns[] = { 100, 1000, 10000, 200000 };
	size_t k;

	for (k = 0; k < 4; k++) {
		struct core_hll h;
		uint64_t i, est;
		double err;

		core_hll_init(&h);
		for (i = 0; i < ns[k]; i++) {
			struct core_value v = core_v_int((int64_t)i * 7919);

			core_hll_add(&h, core_value_hash(&v));
			core_hll_add(&h, core_value_hash(&v));    /* repeats */
		}
		est = core_hll_count(&h);
		err = fabs((double)est - (double)ns[k]) / (double)ns[k];
		/* Exact below 256; beyond, within 3 standard errors. */
		if (ns[k] <= CORE_HLL_EXACT)
			cr_expect_eq(est, ns[k]);
		else
			cr_expect_leq(err, 3 * 0.0163, "n=%llu est=%llu",
			    (unsigned long long)ns[k],
			    (unsigned long long)est);
		core_hll_release(&h);
	}
}

Test(agg, top_finds_heavy_hitters_in_a_long_tail)
{
	enum { M = 200000 };
	struct core_value *vals = calloc(M, sizeof(*vals));
	char (*names)[16] = calloc(M, 16);
	unsigned seed = 11;
	const char *r;
	int i;

	for (i = 0; i < M; i++) {
		/* "hot" is 5% of the stream; the rest is 100000 distinct. */
		if (rand_r(&seed) % 20 == 0)
			snprintf(names[i], 16, "hot");
		else
			snprintf(names[i], 16, "v%d", rand_r(&seed) % 100000);
		vals[i] = core_v_str(names[i], strlen(names[i]));
	}
	r = run("top1:x", vals, M);
	cr_expect_eq(strncmp(r, "[{\"value\":\"hot\"", 15), 0, "%s", r);
	free(vals);
	free(names);
}
