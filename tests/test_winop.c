/* SPDX-License-Identifier: MIT */
/* Tests for the window and aggregation operators: what comes out, in what
 * order, for on-time and late records. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/aggop.h"
#include "libcore/winop.h"

#include "trace_sink.h"

#define S 1000000000LL

/* A record {"k": key, "v": v} at time t seconds. */
static void
push(void (*fn)(void *, const struct core_rec *), void *op, double t,
    const char *key, int64_t v)
{
	struct core_recb b;
	struct core_rec r;

	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str(key, strlen(key)));
	core_recb_add(&b, core_sym_str("v"), core_v_int(v));
	core_recb_finish(&b, &r, (int64_t)(t * S));
	fn(op, &r);
	core_recb_release(&b);
}

static void
wpush(void *op, const struct core_rec *r)
{
	core_winop_push(op, r);
}

static struct core_winop *
winop(struct sink *k, struct core_winop_opts *o)
{
	const char *why;
	struct core_winop *w;

	o->start = core_sym_str("ws");
	o->end = core_sym_str("we");
	w = core_winop_new(o, k->w, &why);
	cr_assert_not_null(w);
	return w;
}

Test(winop, tumbling_closes_on_watermark_and_holds_it_back)
{
	struct core_winop_opts o = { .kind = CORE_WIN_GRID, .size = 10 * S,
		.slide = 10 * S, .lateness = 5 * S };
	struct sink k;
	struct core_winop *w;

	sink_open(&k);
	w = winop(&k, &o);
	push(wpush, w, 1, "a", 1);
	core_winop_wm(w, 12 * S);    /* past the end, not past lateness */
	push(wpush, w, 3, "a", 2);   /* still on time */
	core_winop_wm(w, 15 * S);
	push(wpush, w, 4, "a", 3);   /* late now */
	core_winop_wm(w, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:01Z {\"k\":\"a\",\"v\":1,"
	    "\"ws\":\"1970-01-01T00:00:00Z\",\"we\":\"1970-01-01T00:00:10Z\"}\n"
	    "watermark 1970-01-01T00:00:09.999999999Z\n"
	    "record 1970-01-01T00:00:03Z {\"k\":\"a\",\"v\":2,"
	    "\"ws\":\"1970-01-01T00:00:00Z\",\"we\":\"1970-01-01T00:00:10Z\"}\n"
	    "close [1970-01-01T00:00:00Z, 1970-01-01T00:00:10Z)\n"
	    "watermark 1970-01-01T00:00:15Z\n"
	    "close [1970-01-01T00:00:10Z, 1970-01-01T00:00:20Z)\n"
	    "watermark +inf\n");
	cr_expect_eq(core_winop_late(w), 1);
	core_winop_free(w);
	sink_close(&k);
}

Test(winop, sessions_merge_when_a_late_record_bridges_them)
{
	struct core_keyspec by;
	struct core_winop_opts o = { .kind = CORE_WIN_SESSION, .gap = 5 * S };
	struct sink k;
	struct core_winop *w;
	const char *t;

	cr_assert_eq(core_keyspec_init(&by, "k"), 0);
	o.by = &by;
	sink_open(&k);
	w = winop(&k, &o);
	push(wpush, w, 1, "x", 1);     /* [1, 6) */
	push(wpush, w, 8, "x", 2);     /* [8, 13) */
	push(wpush, w, 2, "y", 3);     /* another key */
	cr_expect_eq(core_winop_held(w), 3);
	push(wpush, w, 5, "x", 4);     /* [5, 10) joins both */
	core_winop_wm(w, 12 * S);      /* y [2, 7) closes; x [1, 13) not */
	t = sink_text(&k);
	cr_expect_str_eq(t,
	    "record 1970-01-01T00:00:02Z {\"k\":\"y\",\"v\":3,"
	    "\"ws\":\"1970-01-01T00:00:02Z\",\"we\":\"1970-01-01T00:00:07Z\"}\n"
	    "close [1970-01-01T00:00:02Z, 1970-01-01T00:00:07Z)\n"
	    /* held back to the start of the open x session */
	    "watermark 1970-01-01T00:00:01Z\n");
	core_winop_wm(w, 13 * S);
	t = sink_text(&k);
	cr_expect_neq(strstr(t, "\"v\":1,\"ws\":\"1970-01-01T00:00:01Z\","
	    "\"we\":\"1970-01-01T00:00:13Z\""), NULL, "%s", t);
	cr_expect_neq(strstr(t, "\"v\":4,\"ws\":\"1970-01-01T00:00:01Z\","
	    "\"we\":\"1970-01-01T00:00:13Z\""), NULL, "%s", t);
	cr_expect_neq(strstr(t, "close [1970-01-01T00:00:01Z, "
	    "1970-01-01T00:00:13Z)"), NULL);
	cr_expect_eq(core_winop_held(w), 0);
	/* A record that would reopen the closed session is late. */
	push(wpush, w, 11, "x", 5);
	cr_expect_eq(core_winop_late(w), 1);
	core_winop_free(w);
	core_keyspec_release(&by);
	sink_close(&k);
}

Test(winop, count_windows_flush_partial_ones_at_the_end)
{
	struct core_winop_opts o = { .kind = CORE_WIN_COUNT, .count = 2 };
	struct sink k;
	struct core_winop *w;
	const char *t;

	sink_open(&k);
	w = winop(&k, &o);
	push(wpush, w, 3, "a", 1);
	cr_expect_str_eq(sink_text(&k), "");
	push(wpush, w, 1, "a", 2);
	push(wpush, w, 7, "a", 3);
	t = sink_text(&k);
	cr_expect_neq(strstr(t, "close [1970-01-01T00:00:01Z, "
	    "1970-01-01T00:00:03.000000001Z)"), NULL, "%s", t);
	core_winop_wm(w, CORE_WM_MAX);
	t = sink_text(&k);
	cr_expect_neq(strstr(t, "\"v\":3,\"ws\":\"1970-01-01T00:00:07Z\""),
	    NULL, "%s", t);
	core_winop_free(w);
	sink_close(&k);
}

Test(winop, late_update_reemits_with_a_retain_horizon)
{
	struct core_winop_opts o = { .kind = CORE_WIN_GRID, .size = 10 * S,
		.slide = 10 * S, .late = CORE_LATE_UPDATE, .horizon = 60 * S };
	struct sink k;
	struct core_winop *w;
	const char *t;

	sink_open(&k);
	w = winop(&k, &o);
	push(wpush, w, 1, "a", 1);
	core_winop_wm(w, 20 * S);
	push(wpush, w, 2, "a", 2);      /* late, within the horizon */
	core_winop_wm(w, 100 * S);
	push(wpush, w, 3, "a", 3);      /* past the horizon: dropped */
	t = sink_text(&k);
	cr_expect_neq(strstr(t, "\"v\":2,"), NULL);
	cr_expect_eq(strstr(t, "\"v\":3,"), NULL);
	cr_expect_eq(core_winop_late(w), 1);
	core_winop_free(w);
	sink_close(&k);
}

/* ---- aggregation ---------------------------------------------------------------- */

static void
apush(void *op, const struct core_rec *r)
{
	core_aggop_push(op, r);
}

static struct core_aggop *
aggop(struct sink *k, struct core_keyspec *g, struct core_accspec *acc,
    const char *const *words, size_t n, int update, struct core_expr *hv)
{
	struct core_aggop_opts o = { 0 };
	char err[128];
	size_t i;

	for (i = 0; i < n; i++)
		cr_assert_eq(core_accspec_parse(&acc[i], words[i], err, 128), 0);
	o.g = g;
	o.acc = acc;
	o.nacc = n;
	o.update = update;
	o.having = hv;
	o.start = core_sym_str("ws");
	o.end = core_sym_str("we");
	return core_aggop_new(&o, k->w);
}

Test(aggop, unwindowed_groups_sorted_at_end)
{
	static const char *const words[] = { "count", "sum:v" };
	struct core_accspec acc[2];
	struct core_keyspec g;
	struct sink k;
	struct core_aggop *a;

	cr_assert_eq(core_keyspec_init(&g, "k"), 0);
	sink_open(&k);
	a = aggop(&k, &g, acc, words, 2, 0, NULL);
	push(apush, a, 5, "b", 1);
	push(apush, a, 1, "a", 2);
	push(apush, a, 3, "b", 3);
	push(apush, a, 2, "c", NULL == NULL ? 4 : 0);
	core_aggop_wm(a, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:01Z {\"k\":\"a\",\"count\":1,\"sum_v\":2}\n"
	    "record 1970-01-01T00:00:05Z {\"k\":\"b\",\"count\":2,\"sum_v\":4}\n"
	    "record 1970-01-01T00:00:02Z {\"k\":\"c\",\"count\":1,\"sum_v\":4}\n"
	    "watermark +inf\n");
	core_aggop_free(a);
	for (size_t x = 0; x < 2; x++)
		core_accspec_release(&acc[x]);
	core_keyspec_release(&g);
	sink_close(&k);
}

/* Unwindowed rows come out at the end, stamped with their group's
 * latest time but never behind the last watermark passed on. */
Test(aggop, unwindowed_rows_are_never_behind_the_watermark)
{
	static const char *const words[] = { "count" };
	struct core_accspec acc[1];
	struct core_keyspec g;
	struct sink k;
	struct core_aggop *a;

	cr_assert_eq(core_keyspec_init(&g, "k"), 0);
	sink_open(&k);
	a = aggop(&k, &g, acc, words, 1, 0, NULL);
	push(apush, a, 1, "a", 1);
	push(apush, a, 12, "b", 1);
	core_aggop_wm(a, 10 * S);
	core_aggop_wm(a, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "watermark 1970-01-01T00:00:10Z\n"
	    "record 1970-01-01T00:00:10Z {\"k\":\"a\",\"count\":1}\n"
	    "record 1970-01-01T00:00:12Z {\"k\":\"b\",\"count\":1}\n"
	    "watermark +inf\n");
	core_aggop_free(a);
	core_accspec_release(&acc[0]);
	core_keyspec_release(&g);
	sink_close(&k);
}

Test(aggop, update_mode_is_a_changelog_and_having_filters)
{
	static const char *const words[] = { "n=count" };
	struct core_accspec acc[1];
	struct core_expr_err err;
	struct core_expr *hv = core_expr_compile("n >= 2", &err);
	struct sink k;
	struct core_aggop *a;

	sink_open(&k);
	a = aggop(&k, NULL, acc, words, 1, 1, hv);
	push(apush, a, 1, "a", 1);
	push(apush, a, 2, "a", 1);
	push(apush, a, 3, "a", 1);
	core_aggop_wm(a, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:02Z {\"n\":2}\n"
	    "record 1970-01-01T00:00:03Z {\"n\":3}\n"
	    "watermark +inf\n");
	core_aggop_free(a);
	for (size_t x = 0; x < 1; x++)
		core_accspec_release(&acc[x]);
	core_expr_free(hv);
	sink_close(&k);
}

Test(aggop, distinct_without_accumulators)
{
	struct core_keyspec g;
	struct sink k;
	struct core_aggop *a;

	cr_assert_eq(core_keyspec_init(&g, "k"), 0);
	sink_open(&k);
	a = aggop(&k, &g, NULL, NULL, 0, 0, NULL);
	push(apush, a, 1, "b", 1);
	push(apush, a, 2, "a", 1);
	push(apush, a, 3, "b", 1);
	core_aggop_wm(a, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:02Z {\"k\":\"a\"}\n"
	    "record 1970-01-01T00:00:03Z {\"k\":\"b\"}\n"
	    "watermark +inf\n");
	core_aggop_free(a);
	core_keyspec_release(&g);
	sink_close(&k);
}

/* A windowed record: {"k", "v", "ws", "we"}. */
static void
wrec(struct core_aggop *a, double t, const char *key, double ws, double we)
{
	struct core_recb b;
	struct core_rec r;

	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str(key, strlen(key)));
	core_recb_add(&b, core_sym_str("ws"), core_v_time((int64_t)(ws * S)));
	core_recb_add(&b, core_sym_str("we"), core_v_time((int64_t)(we * S)));
	core_recb_finish(&b, &r, (int64_t)(t * S));
	core_aggop_push(a, &r);
	core_recb_release(&b);
}

Test(aggop, windows_emit_at_close_and_empty_ones_count_zero)
{
	static const char *const words[] = { "count" };
	struct core_accspec acc[1];
	struct core_window w1 = { 0, 10 * S, CORE_WM_MIN };
	struct core_window w2 = { 10 * S, 20 * S, CORE_WM_MIN };
	struct sink k;
	struct core_aggop *a;

	sink_open(&k);
	a = aggop(&k, NULL, acc, words, 1, 0, NULL);
	wrec(a, 1, "a", 0, 10);
	wrec(a, 2, "a", 0, 10);
	cr_expect_str_eq(sink_text(&k), "");
	core_aggop_close(a, &w1);
	core_aggop_close(a, &w2);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:09.999999999Z {\"ws\":\"1970-01-01T00:00:00Z\","
	    "\"we\":\"1970-01-01T00:00:10Z\",\"count\":2}\n"
	    "close [1970-01-01T00:00:00Z, 1970-01-01T00:00:10Z)\n"
	    "record 1970-01-01T00:00:19.999999999Z {\"ws\":\"1970-01-01T00:00:10Z\","
	    "\"we\":\"1970-01-01T00:00:20Z\",\"count\":0}\n"
	    "close [1970-01-01T00:00:10Z, 1970-01-01T00:00:20Z)\n");
	core_aggop_free(a);
	for (size_t x = 0; x < 1; x++)
		core_accspec_release(&acc[x]);
	sink_close(&k);
}

Test(aggop, retained_window_reemits_changed_rows)
{
	static const char *const words[] = { "count" };
	struct core_accspec acc[1];
	struct core_keyspec g;
	struct core_window w1 = { 0, 10 * S, 100 * S };
	struct sink k;
	struct core_aggop *a;
	const char *t;

	cr_assert_eq(core_keyspec_init(&g, "k"), 0);
	sink_open(&k);
	a = aggop(&k, &g, acc, words, 1, 0, NULL);
	wrec(a, 1, "a", 0, 10);
	wrec(a, 1, "b", 0, 10);
	core_aggop_close(a, &w1);
	wrec(a, 2, "b", 0, 10);     /* a late update for b only */
	core_aggop_close(a, &w1);
	t = sink_text(&k);
	cr_expect_neq(strstr(t, "\"k\":\"b\",\"count\":2"), NULL, "%s", t);
	/* a did not change: not repeated. */
	cr_expect_eq(strstr(strstr(t, "close"), "\"k\":\"a\""), NULL, "%s", t);
	core_aggop_free(a);
	for (size_t x = 0; x < 1; x++)
		core_accspec_release(&acc[x]);
	core_keyspec_release(&g);
	sink_close(&k);
}

/* ---- top-N, dedup, field windows ------------------------------------------------- */

#include "libcore/dedupop.h"
#include "libcore/evtime.h"
#include "libcore/topop.h"

static void
tpush(void *op, const struct core_rec *r)
{
	core_topop_push(op, r);
}

static struct core_topop *
topop(struct sink *k, const char *by, size_t n, int ties,
    struct core_sortkey **keys)
{
	struct core_topop_opts o = { 0 };

	cr_assert_eq(core_sortkeys_parse(by, keys, &o.nby), 0);
	o.by = *keys;
	o.n = n;
	o.with_ties = ties;
	o.rank = core_sym_str("rank");
	o.start = core_sym_str("ws");
	o.end = core_sym_str("we");
	return core_topop_new(&o, k->w);
}

/* The "k" and "rank" of every record written, as "k:rank k:rank". */
static const char *
ranks(struct sink *k)
{
	static char buf[512];
	const char *t = sink_text(k), *p;
	size_t n = 0;

	buf[0] = '\0';
	for (p = t; (p = strstr(p, "{\"k\":\"")) != NULL; p++) {
		const char *e = strchr(p + 6, '"'), *rk = strstr(p, "\"rank\":");

		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%.*s:%ld",
		    n ? " " : "", (int)(e - p - 6), p + 6, rk ? strtol(rk + 7,
		    NULL, 10) : -1L);
	}
	return buf;
}

Test(topop, ties_share_a_rank_and_all_tied_at_n_stay)
{
	struct core_sortkey *keys;
	struct sink k;
	struct core_topop *t;

	sink_open(&k);
	t = topop(&k, "v", 2, 1, &keys);
	push(tpush, t, 1, "a", 5);
	push(tpush, t, 2, "b", 9);
	push(tpush, t, 3, "c", 5);
	push(tpush, t, 4, "d", 1);
	push(tpush, t, 5, "e", 5);
	core_topop_wm(t, CORE_WM_MAX);
	cr_expect_str_eq(ranks(&k), "b:1 a:2 c:2 e:2");
	core_topop_free(t);
	free(keys);
	sink_close(&k);
}

Test(topop, without_ties_earlier_arrivals_win)
{
	struct core_sortkey *keys;
	struct sink k;
	struct core_topop *t;

	sink_open(&k);
	t = topop(&k, "v", 2, 0, &keys);
	push(tpush, t, 1, "a", 5);
	push(tpush, t, 2, "b", 9);
	push(tpush, t, 3, "c", 5);
	core_topop_wm(t, CORE_WM_MAX);
	cr_expect_str_eq(ranks(&k), "b:1 a:2");
	core_topop_free(t);
	free(keys);
	sink_close(&k);
}

Test(topop, ascending_several_keys_and_n_larger_than_the_input)
{
	struct core_sortkey *keys;
	struct sink k;
	struct core_topop *t;

	sink_open(&k);
	t = topop(&k, "v:asc,k:desc", 10, 1, &keys);
	push(tpush, t, 1, "a", 5);
	push(tpush, t, 2, "b", 5);
	push(tpush, t, 3, "c", 1);
	core_topop_wm(t, CORE_WM_MAX);
	cr_expect_str_eq(ranks(&k), "c:1 b:2 a:3");
	core_topop_free(t);
	free(keys);
	sink_close(&k);
}

/* A tie check per row, not per pair: 30000 tied rows take milliseconds
 * (they took hours when every row walked back over its ties). */
Test(topop, many_ties_take_linear_work, .timeout = 60)
{
	struct core_sortkey *keys;
	struct sink k;
	struct core_topop *t;
	const char *text, *p;
	size_t n = 0, i;

	sink_open(&k);
	t = topop(&k, "v", 1, 1, &keys);
	for (i = 0; i < 30000; i++)
		push(tpush, t, (double)i, "a", 5);
	core_topop_every(t);
	for (text = sink_text(&k), p = text; (p = strstr(p, "\"rank\":1}"));
	    p++)
		n++;
	cr_expect_eq(n, 30000);
	/* A better row pushes every tie out of the top 1. */
	push(tpush, t, 30000, "b", 9);
	core_topop_wm(t, CORE_WM_MAX);
	text = sink_text(&k);
	cr_expect_not_null(strstr(text, "{\"k\":\"b\",\"v\":9,\"rank\":1}\n"
	    "watermark +inf"), "%.200s", text + strlen(text) - 100);
	core_topop_free(t);
	free(keys);
	sink_close(&k);
}

/* Rows without a window come out at the end (or on --every): stamped no
 * earlier than the last watermark passed on, so never late downstream. */
Test(topop, unwindowed_rows_are_never_behind_the_watermark)
{
	struct core_sortkey *keys;
	struct sink k;
	struct core_topop *t;

	sink_open(&k);
	t = topop(&k, "v", 1, 0, &keys);
	push(tpush, t, 1, "a", 5);
	core_topop_wm(t, 10 * S);
	push(tpush, t, 12, "b", 1);
	core_topop_wm(t, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "watermark 1970-01-01T00:00:10Z\n"
	    "record 1970-01-01T00:00:10Z {\"k\":\"a\",\"v\":5,\"rank\":1}\n"
	    "watermark +inf\n");
	core_topop_free(t);
	free(keys);
	sink_close(&k);
}

Test(topop, nulls_rank_last_in_either_direction)
{
	struct core_sortkey *keys;
	struct core_recb b;
	struct core_rec r;
	struct sink k;
	struct core_topop *t;

	sink_open(&k);
	t = topop(&k, "v:asc", 3, 0, &keys);
	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str("n", 1));
	core_recb_add(&b, core_sym_str("v"), core_v_null());
	core_recb_finish(&b, &r, 0);
	core_topop_push(t, &r);
	core_recb_release(&b);
	push(tpush, t, 1, "a", 7);
	push(tpush, t, 2, "b", 3);
	core_topop_wm(t, CORE_WM_MAX);
	cr_expect_str_eq(ranks(&k), "b:1 a:2 n:3");
	core_topop_free(t);
	free(keys);
	sink_close(&k);
}

static void
dpush(void *op, const struct core_rec *r)
{
	core_dedupop_push(op, r);
}

static struct core_dedupop *
dedupop(struct sink *k, struct core_keyspec *on, int last, int64_t within)
{
	struct core_dedupop_opts o = { 0 };

	cr_assert_eq(core_keyspec_init(on, "k"), 0);
	o.on = on;
	o.last = last;
	o.within = within;
	o.start = core_sym_str("ws");
	o.end = core_sym_str("we");
	return core_dedupop_new(&o, k->w);
}

/* The "v" of every record written, in order. */
static const char *
vs(struct sink *k)
{
	static char buf[256];
	const char *p = sink_text(k);
	size_t n = 0;

	buf[0] = '\0';
	while ((p = strstr(p, "\"v\":")) != NULL) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%ld",
		    n ? " " : "", strtol(p + 4, NULL, 10));
		p += 4;
	}
	return buf;
}

Test(dedupop, first_is_by_event_time_whatever_the_arrival)
{
	struct core_keyspec on;
	struct sink k;
	struct core_dedupop *d;

	sink_open(&k);
	d = dedupop(&k, &on, 0, 0);
	push(dpush, d, 5, "a", 1);
	push(dpush, d, 3, "a", 2);    /* earlier, arrives later */
	push(dpush, d, 4, "b", 3);
	core_dedupop_wm(d, 4 * S);    /* a@3 is certain; b@4 not yet */
	cr_expect_str_eq(vs(&k), "2");
	push(dpush, d, 4, "b", 4);    /* a tie: the earlier arrival stays */
	core_dedupop_wm(d, CORE_WM_MAX);
	cr_expect_str_eq(vs(&k), "2 3");
	cr_expect_eq(core_dedupop_dropped(d), 2);
	core_dedupop_free(d);
	core_keyspec_release(&on);
	sink_close(&k);
}

Test(dedupop, last_within_an_interval_comes_out_when_it_ends)
{
	struct core_keyspec on;
	struct sink k;
	struct core_dedupop *d;

	sink_open(&k);
	d = dedupop(&k, &on, 1, 10 * S);
	push(dpush, d, 1, "a", 1);
	push(dpush, d, 8, "a", 2);
	push(dpush, d, 8, "a", 3);    /* a tie: the later arrival wins */
	push(dpush, d, 12, "a", 4);   /* the next interval */
	core_dedupop_wm(d, 10 * S);
	cr_expect_str_eq(vs(&k), "");
	core_dedupop_wm(d, 13 * S);
	cr_expect_str_eq(vs(&k), "3");
	cr_expect_neq(strstr(k.text, "record 1970-01-01T00:00:10.999999999Z"),
	    NULL, "%s", k.text);
	core_dedupop_wm(d, CORE_WM_MAX);
	cr_expect_str_eq(vs(&k), "3 4");
	core_dedupop_free(d);
	core_keyspec_release(&on);
	sink_close(&k);
}

/* The last of a key over the whole stream comes out at the end: never
 * behind the watermark already passed on. */
Test(dedupop, last_over_the_whole_stream_is_not_late)
{
	struct core_keyspec on;
	struct sink k;
	struct core_dedupop *d;

	sink_open(&k);
	d = dedupop(&k, &on, 1, 0);
	push(dpush, d, 1, "a", 1);
	push(dpush, d, 2, "a", 2);
	core_dedupop_wm(d, 10 * S);
	core_dedupop_wm(d, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "watermark 1970-01-01T00:00:10Z\n"
	    "record 1970-01-01T00:00:10Z {\"k\":\"a\",\"v\":2}\n"
	    "watermark +inf\n");
	core_dedupop_free(d);
	core_keyspec_release(&on);
	sink_close(&k);
}

/* A windowed record with -W: its key's scope lasts DUR within the window,
 * and never past the window's end. */
Test(dedupop, within_applies_inside_a_window)
{
	static const double ts[] = { 1, 2, 4, 9.5, 11 };
	struct core_keyspec on;
	struct core_window cw = { 0, 10 * S, CORE_WM_MIN };
	struct sink k;
	struct core_dedupop *d;
	size_t i;

	sink_open(&k);
	d = dedupop(&k, &on, 0, 2 * S);
	for (i = 0; i < 5; i++) {
		struct core_recb b;
		struct core_rec r;
		int64_t s0 = ts[i] < 10 ? 0 : 10 * S;

		core_recb_init(&b);
		core_recb_add(&b, core_sym_str("k"), core_v_str("a", 1));
		core_recb_add(&b, core_sym_str("v"), core_v_int((int64_t)i + 1));
		core_recb_add(&b, core_sym_str("ws"), core_v_time(s0));
		core_recb_add(&b, core_sym_str("we"), core_v_time(s0 + 10 * S));
		core_recb_finish(&b, &r, (int64_t)(ts[i] * S));
		core_dedupop_push(d, &r);
		core_recb_release(&b);
	}
	core_dedupop_wm(d, 10 * S);
	core_dedupop_close(d, &cw);
	/* 1 opens [1, 3); 2 is in it; 3 (at 4) opens [4, 6); 4 (at 9.5)
	 * opens [9.5, 10), cut at the window's end; 5 is the next window. */
	cr_expect_str_eq(vs(&k), "1 3 4");
	core_dedupop_wm(d, CORE_WM_MAX);
	cr_expect_str_eq(vs(&k), "1 3 4 5");
	core_dedupop_free(d);
	core_keyspec_release(&on);
	sink_close(&k);
}

/* A record {"k": key, "v": v, "ws", "we"} of window [0, 10 s) at t s. */
static void
w10rec(void (*fn)(void *, const struct core_rec *), void *op, double t,
    const char *key, int64_t v)
{
	struct core_recb b;
	struct core_rec r;

	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str(key, strlen(key)));
	core_recb_add(&b, core_sym_str("v"), core_v_int(v));
	core_recb_add(&b, core_sym_str("ws"), core_v_time(0));
	core_recb_add(&b, core_sym_str("we"), core_v_time(10 * S));
	core_recb_finish(&b, &r, (int64_t)(t * S));
	fn(op, &r);
	core_recb_release(&b);
}

static void
dpush_any(void *op, const struct core_rec *r)
{
	core_dedupop_push(op, r);
}

/* stream-window --late update: a closed window is kept until its retain
 * watermark; a late record re-ranks it and the re-close writes the
 * corrected top. */
Test(topop, late_updates_rerank_a_retained_window)
{
	struct core_window cw = { 0, 10 * S, 20 * S };
	struct core_sortkey *keys;
	struct sink k;
	struct core_topop *t;

	sink_open(&k);
	t = topop(&k, "v", 2, 0, &keys);
	w10rec(tpush, t, 1, "a", 5);
	w10rec(tpush, t, 2, "b", 7);
	core_topop_wm(t, 10 * S);
	core_topop_close(t, &cw);
	cr_expect_str_eq(ranks(&k), "b:1 a:2");
	w10rec(tpush, t, 3, "d", 9);    /* late */
	core_topop_close(t, &cw);
	cr_expect_str_eq(ranks(&k), "b:1 a:2 d:1 b:2");
	w10rec(tpush, t, 4, "e", 1);    /* late, ranks nowhere */
	core_topop_close(t, &cw);
	core_topop_wm(t, 25 * S);
	core_topop_wm(t, CORE_WM_MAX);
	cr_expect_str_eq(ranks(&k), "b:1 a:2 d:1 b:2");
	core_topop_free(t);
	free(keys);
	sink_close(&k);
}

Test(dedupop, late_records_in_a_retained_window_stay_deduplicated)
{
	struct core_window cw = { 0, 10 * S, 20 * S };
	struct core_keyspec on;
	struct sink k;
	struct core_dedupop *d;

	sink_open(&k);
	d = dedupop(&k, &on, 0, 0);
	w10rec(dpush_any, d, 1, "a", 1);
	core_dedupop_wm(d, 10 * S);
	core_dedupop_close(d, &cw);
	w10rec(dpush_any, d, 3, "a", 2);    /* late duplicate */
	w10rec(dpush_any, d, 4, "b", 3);    /* late, a new key */
	core_dedupop_close(d, &cw);
	core_dedupop_wm(d, CORE_WM_MAX);
	cr_expect_str_eq(vs(&k), "1 3");
	core_dedupop_free(d);
	core_keyspec_release(&on);
	sink_close(&k);
}

Test(dedupop, a_late_newer_last_is_written_at_the_re_close)
{
	struct core_window cw = { 0, 10 * S, 20 * S };
	struct core_keyspec on;
	struct sink k;
	struct core_dedupop *d;

	sink_open(&k);
	d = dedupop(&k, &on, 1, 0);
	w10rec(dpush_any, d, 1, "a", 1);
	w10rec(dpush_any, d, 2, "a", 2);
	core_dedupop_wm(d, 10 * S);
	core_dedupop_close(d, &cw);
	cr_expect_str_eq(vs(&k), "2");
	w10rec(dpush_any, d, 5, "a", 3);      /* late and newer: the last */
	core_dedupop_close(d, &cw);
	cr_expect_str_eq(vs(&k), "2 3");
	w10rec(dpush_any, d, 1.5, "a", 4);    /* late and older: a duplicate */
	core_dedupop_close(d, &cw);
	core_dedupop_wm(d, CORE_WM_MAX);
	cr_expect_str_eq(vs(&k), "2 3");
	cr_expect_not_null(strstr(k.text, "record 1970-01-01T00:00:09.999999999Z"
	    " {\"k\":\"a\",\"v\":3"), "%s", k.text);
	core_dedupop_free(d);
	core_keyspec_release(&on);
	sink_close(&k);
}

Test(winop, field_windows_take_their_bounds_from_records)
{
	struct core_keyspec by;
	struct core_evtime until;
	struct core_winop_opts o = { .kind = CORE_WIN_FIELD };
	struct core_recb b;
	struct core_rec r;
	struct sink k;
	struct core_winop *w;
	const char *t;

	cr_assert_eq(core_keyspec_init(&by, "k"), 0);
	cr_assert_eq(core_evtime_init(&until, "until:epoch_s"), 0);
	o.by = &by;
	o.until = &until;
	sink_open(&k);
	w = winop(&k, &o);
	push(wpush, w, 2, "x", 1);    /* before its window opens: waits */
	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str("x", 1));
	core_recb_add(&b, core_sym_str("v"), core_v_int(2));
	core_recb_add(&b, core_sym_str("until"), core_v_int(10));
	core_recb_finish(&b, &r, 1 * S);
	core_winop_push(w, &r);
	core_recb_reset(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str("y", 1));
	core_recb_add(&b, core_sym_str("v"), core_v_int(3));
	core_recb_add(&b, core_sym_str("until"), core_v_int(1));
	core_recb_finish(&b, &r, 5 * S);
	core_winop_push(w, &r);       /* ends before it starts: bad */
	core_recb_release(&b);
	push(wpush, w, 4, "x", 4);    /* joins */
	push(wpush, w, 11, "x", 5);   /* after the window: no window */
	core_winop_wm(w, 10 * S);
	t = sink_text(&k);
	cr_expect_neq(strstr(t, "close [1970-01-01T00:00:01Z, "
	    "1970-01-01T00:00:10Z)"), NULL, "%s", t);
	cr_expect_str_eq(vs(&k), "2 1 4");
	cr_expect_eq(core_winop_badbounds(w), 1);
	core_winop_wm(w, 20 * S);
	cr_expect_eq(core_winop_outside(w), 1);
	cr_expect_eq(core_winop_held(w), 0);
	core_winop_free(w);
	core_evtime_release(&until);
	core_keyspec_release(&by);
	sink_close(&k);
}

Test(winop, huge_field_intervals_do_not_overflow)
{
	struct core_keyspec by;
	struct core_evtime until;
	struct core_winop_opts o = { .kind = CORE_WIN_FIELD,
		.lateness = 100 * S };
	struct core_recb b;
	struct core_rec r;
	struct sink k;
	struct core_winop *w;

	cr_assert_eq(core_keyspec_init(&by, "k"), 0);
	cr_assert_eq(core_evtime_init(&until, "until"), 0);
	o.by = &by;
	o.until = &until;
	sink_open(&k);
	w = winop(&k, &o);
	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str("x", 1));
	core_recb_add(&b, core_sym_str("until"), core_v_time(INT64_MAX));
	core_recb_finish(&b, &r, INT64_MIN + 1);
	core_winop_push(w, &r);
	core_recb_release(&b);
	core_winop_wm(w, INT64_MAX - 1);
	cr_expect_eq(core_winop_held(w), 1);
	core_winop_wm(w, CORE_WM_MAX);
	cr_expect_eq(core_winop_held(w), 0);
	core_winop_free(w);
	core_evtime_release(&until);
	core_keyspec_release(&by);
	sink_close(&k);
}
