/* SPDX-License-Identifier: MIT */
/* Tests for stream-stream joins and lookup tables: which pairs meet, the
 * shape of joined rows, outer rows and when they come out, and state. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/buf.h"
#include "libcore/evtime.h"
#include "libcore/joinop.h"
#include "libcore/lookup.h"
#include "libcore/timefmt.h"

#include "trace_sink.h"

#define MS 1000000LL
#define S 1000000000LL

/* Trace stamps of the first minute, as "record " T "05Z". */
#define T "1970-01-01T00:00:"

/*
 * The first trace line in text whose record is stamped before a watermark
 * already written (a late record: wm.h), or NULL when there is none.
 */
static const char *
first_late(const char *text)
{
	struct core_timefmt tf;
	const char *p, *e, *sp;
	int64_t wm = CORE_WM_MIN, t;

	cr_assert_eq(core_timefmt_init(&tf, "rfc3339"), 0);
	for (p = text; *p; p = *e ? e + 1 : e) {
		int rec = strncmp(p, "record ", 7) == 0;

		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (!rec && strncmp(p, "watermark ", 10) != 0)
			continue;
		p += rec ? 7 : 10;
		sp = memchr(p, ' ', (size_t)(e - p));
		if (sp == NULL)
			sp = e;
		if (strncmp(p, "+inf", 4) == 0)
			t = CORE_WM_MAX;
		else if (strncmp(p, "-inf", 4) == 0)
			t = CORE_WM_MIN;
		else
			cr_assert_eq(core_time_parse(&tf, p, (size_t)(sp - p),
			    &t), 0, "%.*s", (int)(sp - p), p);
		if (!rec) {
			wm = t;
		} else if (t < wm) {
			core_timefmt_release(&tf);
			return p - 7;
		}
	}
	core_timefmt_release(&tf);
	return NULL;
}

/* ---- records ------------------------------------------------------------- */

/* A field of a test record; a list ends with a NULL name. */
struct fld {
	const char *name;
	struct core_value v;
};

#define FI(n, x) { n, core_v_int(x) }
#define FD(n, x) { n, core_v_double(x) }
#define FS(n, x) { n, core_v_str(x, strlen(x)) }
#define FN(n) { n, core_v_null() }
#define FT(n, ms) { n, core_v_time((ms) * MS) }
#define FIELDS(...) ((const struct fld[]){ __VA_ARGS__, { .name = NULL } })

/* Builds the record f at time ms milliseconds into r, borrowing b. */
static void
build(struct core_recb *b, struct core_rec *r, int64_t ms,
    const struct fld *f)
{
	core_recb_init(b);
	for (; f->name; f++)
		cr_assert_eq(core_recb_add(b, core_sym_str(f->name), f->v), 0);
	cr_assert_eq(core_recb_finish(b, r, ms * MS), 0);
}

/* Pushes the record f at ms milliseconds to side; what push returns. */
static int
jpush(struct core_joinop *j, int side, int64_t ms, const struct fld *f)
{
	struct core_recb b;
	struct core_rec r;
	int rc;

	build(&b, &r, ms, f);
	rc = core_joinop_push(j, side, &r);
	core_recb_release(&b);
	return rc;
}

#define LEFT(j, ms, ...) \
	cr_assert_eq(jpush(j, 0, ms, FIELDS(__VA_ARGS__)), 0)
#define RIGHT(j, ms, ...) \
	cr_assert_eq(jpush(j, 1, ms, FIELDS(__VA_ARGS__)), 0)

/* Both watermarks to ns (CORE_WM_MAX: both sides end). */
static void
both(struct core_joinop *j, int64_t ns)
{
	core_joinop_wm(j, 0, ns);
	core_joinop_wm(j, 1, ns);
}

/* A join with its keys and output. */
struct jt {
	struct sink k;
	struct core_keyspec lkey, rkey;
	struct core_joinop_opts o;
	struct core_joinop *j;
};

static struct core_joinop *
jt_open(struct jt *t, const char *lkey, const char *rkey)
{
	cr_assert_eq(core_keyspec_init(&t->lkey, lkey), 0);
	cr_assert_eq(core_keyspec_init(&t->rkey, rkey), 0);
	t->o.lkey = &t->lkey;
	t->o.rkey = &t->rkey;
	sink_open(&t->k);
	t->j = core_joinop_new(&t->o, t->k.w);
	cr_assert_not_null(t->j);
	return t->j;
}

static void
jt_close(struct jt *t)
{
	core_joinop_free(t->j);
	core_keyspec_release(&t->lkey);
	core_keyspec_release(&t->rkey);
	sink_close(&t->k);
}

/* ---- keys and pairs ------------------------------------------------------ */

Test(join, keys_join_by_text_and_null_never_joins)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FI("k", 5), FS("l", "int"));
	LEFT(j, 1000, FD("k", 2.5), FS("l", "half"));
	RIGHT(j, 2000, FD("k", 5.0), FS("r", "double"));
	RIGHT(j, 3000, FS("k", "5"), FS("r", "string"));
	RIGHT(j, 4000, FS("k", "05"), FS("r", "zero"));
	RIGHT(j, 5000, FS("k", "2.5"), FS("r", "text"));
	RIGHT(j, 6000, FN("k"), FS("r", "null"));
	LEFT(j, 7000, FN("k"), FS("l", "null"));
	RIGHT(j, 8000, FN("k"), FS("r", "null2"));
	both(j, CORE_WM_MAX);
	/* The left key's value stays; the right's equal one is not shown. */
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "02Z {\"k\":5,\"l\":\"int\",\"r\":\"double\"}\n"
	    "record " T "03Z {\"k\":5,\"l\":\"int\",\"r\":\"string\"}\n"
	    "record " T "05Z {\"k\":2.5,\"l\":\"half\",\"r\":\"text\"}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

Test(join, regular_pairs_everything_in_time_then_side_order)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FS("k", "a"), FI("l", 1));
	LEFT(j, 2000, FS("k", "a"), FI("l", 2));
	LEFT(j, 2000, FS("k", "b"), FI("l", 3));
	RIGHT(j, 3000, FS("k", "a"), FI("r", 1));
	RIGHT(j, 4000, FS("k", "a"), FI("r", 2));
	RIGHT(j, 5000, FS("k", "a"), FI("r", 3));
	LEFT(j, 5000, FS("k", "a"), FI("l", 4));
	both(j, CORE_WM_MAX);
	/* At 5 s the left goes first (side order), so the right of 5 s
	 * meets it too; each is stamped with the later record's time. */
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "03Z {\"k\":\"a\",\"l\":1,\"r\":1}\n"
	    "record " T "03Z {\"k\":\"a\",\"l\":2,\"r\":1}\n"
	    "record " T "04Z {\"k\":\"a\",\"l\":1,\"r\":2}\n"
	    "record " T "04Z {\"k\":\"a\",\"l\":2,\"r\":2}\n"
	    "record " T "05Z {\"k\":\"a\",\"l\":4,\"r\":1}\n"
	    "record " T "05Z {\"k\":\"a\",\"l\":4,\"r\":2}\n"
	    "record " T "05Z {\"k\":\"a\",\"l\":1,\"r\":3}\n"
	    "record " T "05Z {\"k\":\"a\",\"l\":2,\"r\":3}\n"
	    "record " T "05Z {\"k\":\"a\",\"l\":4,\"r\":3}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

Test(join, nothing_is_decided_before_both_watermarks_pass)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FS("k", "a"), FI("l", 1));
	RIGHT(j, 2000, FS("k", "a"), FI("r", 1));
	core_joinop_wm(j, 0, 10 * S);
	cr_expect_str_eq(sink_text(&t.k), "");
	core_joinop_wm(j, 1, 2 * S);    /* the right at 2 s still waits */
	cr_expect_str_eq(sink_text(&t.k), "watermark " T "02Z\n");
	core_joinop_wm(j, 1, 2 * S + 1);
	cr_expect_str_eq(sink_text(&t.k),
	    "watermark " T "02Z\n"
	    "record " T "02Z {\"k\":\"a\",\"l\":1,\"r\":1}\n"
	    "watermark " T "02.000000001Z\n");
	jt_close(&t);
}

Test(join, clashing_right_names_get_the_prefix_until_new)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FS("k", "a"), FI("v", 1), FI("right_v", 2));
	RIGHT(j, 1000, FS("k", "a"), FI("v", 3), FI("w", 4));
	both(j, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "01Z {\"k\":\"a\",\"v\":1,\"right_v\":2,"
	    "\"right_right_v\":3,\"w\":4}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

Test(join, keys_of_different_names_are_both_shown)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR, .prefix = "t_",
		.outer = CORE_JOIN_RIGHT } };
	struct core_joinop *j = jt_open(&t, "user", "uid");

	LEFT(j, 1000, FI("user", 1), FS("name", "ann"));
	RIGHT(j, 2000, FI("uid", 1), FS("name", "admin"));
	RIGHT(j, 3000, FI("uid", 2), FS("name", "guest"));
	both(j, CORE_WM_MAX);
	/* No shared name: the right-only row leaves the left's key null. */
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "02Z {\"user\":1,\"name\":\"ann\",\"uid\":1,"
	    "\"t_name\":\"admin\"}\n"
	    "record " T "03Z {\"user\":null,\"name\":null,\"uid\":2,"
	    "\"t_name\":\"guest\"}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

Test(join, right_only_row_fills_the_shared_key)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR,
		.outer = CORE_JOIN_RIGHT } };
	struct core_joinop *j = jt_open(&t, "k,day", "k,date");

	LEFT(j, 1000, FS("k", "a"), FS("day", "mon"), FI("l", 1));
	RIGHT(j, 2000, FS("k", "a"), FS("date", "mon"), FI("r", 1));
	RIGHT(j, 3000, FS("k", "b"), FS("date", "tue"), FI("r", 2));
	both(j, CORE_WM_MAX);
	/* k is shared (same name on both sides), date is not. */
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "02Z {\"k\":\"a\",\"day\":\"mon\",\"l\":1,"
	    "\"date\":\"mon\",\"r\":1}\n"
	    "record " T "03Z {\"k\":\"b\",\"day\":null,\"l\":null,"
	    "\"date\":\"tue\",\"r\":2}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

Test(join, ttl_ends_matching_ttl_after_a_records_time)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR, .ttl = 10 * S } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 0, FS("k", "a"), FI("l", 1));
	RIGHT(j, 9999, FS("k", "a"), FI("r", 1));    /* meets l 1 */
	RIGHT(j, 10000, FS("k", "a"), FI("r", 2));   /* l 1 is gone */
	LEFT(j, 19999, FS("k", "a"), FI("l", 2));    /* r 1 gone, r 2 not */
	both(j, 15 * S);
	/* l 1 went at 10 s; r 1, r 2 and the buffered l 2 are held. */
	cr_expect_eq(core_joinop_held(j), 3);
	both(j, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "09.999Z {\"k\":\"a\",\"l\":1,\"r\":1}\n"
	    "watermark " T "15Z\n"
	    "record " T "19.999Z {\"k\":\"a\",\"l\":2,\"r\":2}\n"
	    "watermark +inf\n");
	cr_expect_eq(core_joinop_held(j), 0);
	jt_close(&t);
}

/* ---- interval and windowed joins ----------------------------------------- */

Test(join, interval_bounds_are_inclusive)
{
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.lo = { .off = -1 * S }, .hi = { .off = 2 * S } } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 10000, FS("k", "a"), FI("l", 1));
	RIGHT(j, 8999, FS("k", "a"), FI("r", 1));
	RIGHT(j, 9000, FS("k", "a"), FI("r", 2));
	RIGHT(j, 10000, FS("k", "b"), FI("r", 3));
	RIGHT(j, 12000, FS("k", "a"), FI("r", 4));
	RIGHT(j, 12001, FS("k", "a"), FI("r", 5));
	both(j, CORE_WM_MAX);
	/* The right of 9 s came first: the pair is the left's time. */
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "10Z {\"k\":\"a\",\"l\":1,\"r\":2}\n"
	    "record " T "12Z {\"k\":\"a\",\"l\":1,\"r\":4}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

Test(join, interval_upper_bound_from_a_left_field)
{
	struct core_evtime until;
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.hi = { .off = 500 * MS, .field = &until } } };
	struct core_joinop *j;

	cr_assert_eq(core_evtime_init(&until, "expires:epoch_ms"), 0);
	j = jt_open(&t, "k", "k");
	LEFT(j, 10000, FS("k", "a"), FI("expires", 15000), FI("l", 1));
	LEFT(j, 10000, FS("k", "b"), FI("l", 2));    /* no bound */
	RIGHT(j, 9999, FS("k", "a"), FI("r", 1));
	RIGHT(j, 10000, FS("k", "a"), FI("r", 2));
	RIGHT(j, 11000, FS("k", "b"), FI("r", 3));
	RIGHT(j, 15500, FS("k", "a"), FI("r", 4));
	RIGHT(j, 15501, FS("k", "a"), FI("r", 5));
	both(j, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "10Z {\"k\":\"a\",\"expires\":15000,\"l\":1,"
	    "\"r\":2}\n"
	    "record " T "15.500Z {\"k\":\"a\",\"expires\":15000,\"l\":1,"
	    "\"r\":4}\n"
	    "watermark +inf\n");
	jt_close(&t);
	core_evtime_release(&until);
}

Test(join, interval_both_bounds_from_left_fields)
{
	struct core_evtime from, until;
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL, .ttl = 60 * S,
		.lo = { .field = &from }, .hi = { .field = &until } } };
	struct core_joinop *j;

	cr_assert_eq(core_evtime_init(&from, "opens:epoch_ms"), 0);
	cr_assert_eq(core_evtime_init(&until, "closes:epoch_ms"), 0);
	j = jt_open(&t, "k", "k");
	RIGHT(j, 9000, FS("k", "a"), FI("r", 1));
	LEFT(j, 10000, FS("k", "a"), FI("opens", 12000), FI("closes", 14000));
	RIGHT(j, 11999, FS("k", "a"), FI("r", 2));
	RIGHT(j, 12000, FS("k", "a"), FI("r", 3));
	RIGHT(j, 14000, FS("k", "a"), FI("r", 4));
	RIGHT(j, 14001, FS("k", "a"), FI("r", 5));
	both(j, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "12Z {\"k\":\"a\",\"opens\":12000,\"closes\":14000,"
	    "\"r\":3}\n"
	    "record " T "14Z {\"k\":\"a\",\"opens\":12000,\"closes\":14000,"
	    "\"r\":4}\n"
	    "watermark +inf\n");
	jt_close(&t);
	core_evtime_release(&from);
	core_evtime_release(&until);
}

Test(join, windowed_pairs_share_key_and_window)
{
	struct jt t = { .o = { .kind = CORE_JOIN_WINDOW } };
	struct core_joinop *j;

	t.o.start = core_sym_str("window_start");
	t.o.end = core_sym_str("window_end");
	j = jt_open(&t, "k", "k");
	LEFT(j, 1000, FS("k", "a"), FT("window_start", 0),
	    FT("window_end", 10000), FI("l", 1));
	RIGHT(j, 2000, FS("k", "a"), FT("window_start", 0),
	    FT("window_end", 10000), FI("r", 1));
	RIGHT(j, 3000, FS("k", "b"), FT("window_start", 0),
	    FT("window_end", 10000), FI("r", 2));
	LEFT(j, 4000, FS("k", "a"), FI("l", 2));     /* not windowed */
	RIGHT(j, 5000, FS("k", "a"), FI("r", 3));    /* not windowed */
	RIGHT(j, 12000, FS("k", "a"), FT("window_start", 10000),
	    FT("window_end", 20000), FI("r", 4));
	LEFT(j, 13000, FS("k", "a"), FT("window_start", 10000),
	    FT("window_end", 20000), FI("l", 3));
	RIGHT(j, 14000, FS("k", "a"), FT("window_start", 5000),
	    FT("window_end", 20000), FI("r", 5));    /* another window */
	cr_expect_eq(core_joinop_held(j), 8);
	both(j, 10 * S);
	/* The first window has closed: only the records of the later ones
	 * are held, all still buffered. */
	cr_expect_eq(core_joinop_held(j), 3);
	cr_expect_eq(core_joinop_peak(j), 8);
	both(j, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "02Z {\"k\":\"a\","
	    "\"window_start\":\"1970-01-01T00:00:00Z\","
	    "\"window_end\":\"1970-01-01T00:00:10Z\",\"l\":1,\"r\":1}\n"
	    "watermark " T "10Z\n"
	    "record " T "13Z {\"k\":\"a\","
	    "\"window_start\":\"1970-01-01T00:00:10Z\","
	    "\"window_end\":\"1970-01-01T00:00:20Z\",\"l\":3,\"r\":4}\n"
	    "watermark +inf\n");
	cr_expect_eq(core_joinop_held(j), 0);
	jt_close(&t);
}

/* ---- outer rows ---------------------------------------------------------- */

Test(join, left_row_waits_until_the_watermark_passes_its_bound)
{
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.outer = CORE_JOIN_LEFT, .hi = { .off = 2 * S } } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	RIGHT(j, 500, FS("k", "b"), FI("r", 0));    /* gives the shape */
	LEFT(j, 1000, FS("k", "a"), FI("l", 1));     /* open until 3 s */
	core_joinop_wm(j, 0, 10 * S);
	cr_expect_str_eq(sink_text(&t.k), "");
	core_joinop_wm(j, 1, 3 * S);    /* a right at 3 s may still come */
	cr_expect_str_eq(sink_text(&t.k), "watermark " T "03Z\n");
	core_joinop_wm(j, 1, 3 * S + 1);
	cr_expect_str_eq(sink_text(&t.k),
	    "watermark " T "03Z\n"
	    "record " T "03Z {\"k\":\"a\",\"l\":1,\"r\":null}\n"
	    "watermark " T "03.000000001Z\n");
	cr_expect_eq(core_joinop_held(j), 0);
	jt_close(&t);
}

Test(join, right_row_waits_until_no_left_can_match_it)
{
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.outer = CORE_JOIN_RIGHT, .lo = { .off = -1 * S },
		.hi = { .off = 2 * S } } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 0, FS("k", "z"), FI("l", 0));
	RIGHT(j, 5000, FS("k", "a"), FI("r", 1));    /* a left until 6 s */
	both(j, 6 * S);    /* a left at 6 s may still come */
	cr_expect_str_eq(sink_text(&t.k), "watermark " T "06Z\n");
	both(j, 7 * S);
	cr_expect_str_eq(sink_text(&t.k),
	    "watermark " T "06Z\n"
	    "record " T "06Z {\"k\":\"a\",\"l\":null,\"r\":1}\n"
	    "watermark " T "07Z\n");
	jt_close(&t);
}

Test(join, matched_records_make_no_outer_rows)
{
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.outer = CORE_JOIN_LEFT | CORE_JOIN_RIGHT,
		.hi = { .off = 1 * S } } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FS("k", "a"), FI("l", 1));
	RIGHT(j, 1500, FS("k", "a"), FI("r", 1));
	LEFT(j, 1000, FS("k", "b"), FI("l", 2));
	RIGHT(j, 3000, FS("k", "b"), FI("r", 2));    /* too late for l 2 */
	both(j, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "01.500Z {\"k\":\"a\",\"l\":1,\"r\":1}\n"
	    "record " T "02Z {\"k\":\"b\",\"l\":2,\"r\":null}\n"
	    "record " T "03Z {\"k\":\"b\",\"l\":null,\"r\":2}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

Test(join, windowed_outer_rows_come_at_window_end)
{
	struct jt t = { .o = { .kind = CORE_JOIN_WINDOW,
		.outer = CORE_JOIN_LEFT } };
	struct core_joinop *j;

	t.o.start = core_sym_str("ws");
	t.o.end = core_sym_str("we");
	j = jt_open(&t, "k", "k");
	LEFT(j, 1000, FS("k", "a"), FT("ws", 0), FT("we", 5000), FI("l", 1));
	RIGHT(j, 6000, FS("k", "a"), FT("ws", 5000), FT("we", 10000),
	    FI("r", 1));
	both(j, 5 * S);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "04.999999999Z {\"k\":\"a\",\"ws\":\"" T "00Z\","
	    "\"we\":\"" T "05Z\",\"l\":1}\n"
	    "watermark " T "05Z\n");
	jt_close(&t);
}

Test(join, full_outer_regular_rows_come_at_the_end)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR,
		.outer = CORE_JOIN_LEFT | CORE_JOIN_RIGHT } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FS("k", "a"), FI("l", 1));
	RIGHT(j, 2000, FS("k", "b"), FI("r", 1));
	LEFT(j, 3000, FS("k", "c"), FI("l", 2));
	RIGHT(j, 4000, FS("k", "a"), FI("r", 2));
	LEFT(j, 4500, FN("k"), FI("l", 3));          /* joins nothing */
	cr_expect_eq(core_joinop_held(j), 5);
	both(j, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "04Z {\"k\":\"a\",\"l\":1,\"r\":2}\n"
	    "record " T "04.500Z {\"k\":null,\"l\":3,\"r\":null}\n"
	    "record " T "02Z {\"k\":\"b\",\"l\":null,\"r\":1}\n"
	    "record " T "03Z {\"k\":\"c\",\"l\":2,\"r\":null}\n"
	    "watermark +inf\n");
	cr_expect_eq(core_joinop_held(j), 0);
	cr_expect_eq(core_joinop_peak(j), 5);
	jt_close(&t);
}

Test(join, ttl_outer_rows_are_stamped_before_expiry)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR, .ttl = 5 * S,
		.outer = CORE_JOIN_LEFT } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FS("k", "a"), FI("l", 1));
	RIGHT(j, 2000, FS("k", "b"), FI("r", 1));
	both(j, 10 * S);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "05.999999999Z {\"k\":\"a\",\"l\":1,\"r\":null}\n"
	    "watermark " T "10Z\n");
	jt_close(&t);
}

/*
 * The output's watermark is a promise about the records after it (wm.h):
 * an outer row must never come out stamped before a watermark already
 * written.  Here the right may only match lefts 1 to 3 s before it, so it
 * is unmatched as soon as it is taken; its row must not be late.
 */
Test(join, outer_rows_are_never_behind_the_watermark_interval)
{
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.outer = CORE_JOIN_LEFT | CORE_JOIN_RIGHT,
		.lo = { .off = 1 * S }, .hi = { .off = 3 * S } } };
	struct core_joinop *j = jt_open(&t, "k", "k");
	const char *text, *late;

	LEFT(j, 0, FS("k", "a"), FI("l", 1));
	RIGHT(j, 5000, FS("k", "b"), FI("r", 1));
	both(j, 5 * S);
	both(j, 6 * S);
	both(j, CORE_WM_MAX);
	text = sink_text(&t.k);
	cr_expect_neq(strstr(text, "{\"k\":\"b\",\"l\":null,\"r\":1}"), NULL,
	    "%s", text);
	late = first_late(text);
	cr_expect_null(late, "late row '%.*s' in:\n%s",
	    late ? (int)strcspn(late, "\n") : 0, late ? late : "", text);
	jt_close(&t);
}

/* The same promise for rows kept without a ttl, which go at the end. */
Test(join, outer_rows_are_never_behind_the_watermark_regular)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR,
		.outer = CORE_JOIN_LEFT } };
	struct core_joinop *j = jt_open(&t, "k", "k");
	const char *text, *late;

	LEFT(j, 1000, FS("k", "a"), FI("l", 1));
	RIGHT(j, 2000, FS("k", "b"), FI("r", 1));
	both(j, 100 * S);
	both(j, CORE_WM_MAX);
	text = sink_text(&t.k);
	cr_expect_neq(strstr(text, "{\"k\":\"a\",\"l\":1,\"r\":null}"), NULL,
	    "%s", text);
	late = first_late(text);
	cr_expect_null(late, "late row '%.*s' in:\n%s",
	    late ? (int)strcspn(late, "\n") : 0, late ? late : "", text);
	jt_close(&t);
}

/* A left without the field of its bound can match nothing, like one with
 * a NULL key: its outer row is no later than the watermark allows. */
Test(join, outer_row_of_a_left_without_its_bound_field_is_not_late)
{
	struct core_evtime until;
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.outer = CORE_JOIN_LEFT, .hi = { .field = &until } } };
	struct core_joinop *j;
	const char *text, *late;

	cr_assert_eq(core_evtime_init(&until, "expires:epoch_ms"), 0);
	j = jt_open(&t, "k", "k");
	RIGHT(j, 100, FS("k", "z"), FI("r", 0));
	both(j, 500 * MS);
	LEFT(j, 1000, FS("k", "b"), FI("l", 2));
	both(j, 2 * S);
	both(j, CORE_WM_MAX);
	text = sink_text(&t.k);
	cr_expect_neq(strstr(text, "{\"k\":\"b\",\"l\":2,\"r\":null}"), NULL,
	    "%s", text);
	late = first_late(text);
	cr_expect_null(late, "late row '%.*s' in:\n%s",
	    late ? (int)strcspn(late, "\n") : 0, late ? late : "", text);
	jt_close(&t);
	core_evtime_release(&until);
}

/* ---- determinism and state ----------------------------------------------- */

/* Pushes the records of both sides in the order given ('l' the next
 * left, 'r' the next right), then moves the watermarks, and returns the
 * output (new; free it). */
static char *
interleaved(const char *order)
{
	static const struct {
		int64_t ms;
		const char *k;
		int v;
	} ls[] = { { 1000, "a", 1 }, { 1000, "b", 2 }, { 2000, "a", 3 },
		{ 3000, "c", 4 }, { 3000, "a", 5 }, { 6000, "d", 6 } },
	  rs[] = { { 1000, "a", 1 }, { 1500, "a", 2 }, { 3000, "d", 3 },
		{ 3500, "c", 4 }, { 4000, "b", 5 }, { 6500, "d", 6 } };
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.outer = CORE_JOIN_LEFT | CORE_JOIN_RIGHT,
		.lo = { .off = -1 * S }, .hi = { .off = 1 * S } } };
	struct core_joinop *j = jt_open(&t, "k", "k");
	size_t nl = 0, nr = 0;
	char *text;

	for (; *order; order++) {
		if (*order == 'l') {
			LEFT(j, ls[nl].ms, FS("k", ls[nl].k),
			    FI("l", ls[nl].v));
			nl++;
		} else {
			RIGHT(j, rs[nr].ms, FS("k", rs[nr].k),
			    FI("r", rs[nr].v));
			nr++;
		}
	}
	cr_assert_eq(nl, 6);
	cr_assert_eq(nr, 6);
	core_joinop_wm(j, 1, 2500 * MS);
	core_joinop_wm(j, 0, 5 * S);
	both(j, CORE_WM_MAX);
	text = strdup(sink_text(&t.k));
	jt_close(&t);
	return text;
}

Test(join, output_does_not_depend_on_the_interleaving)
{
	char *a = interleaved("llllllrrrrrr");
	char *b = interleaved("rrrrrrllllll");
	char *c = interleaved("lrlrrllrrlrl");

	cr_expect_str_eq(a,
	    "record " T "01Z {\"k\":\"a\",\"l\":1,\"r\":1}\n"
	    "record " T "01.500Z {\"k\":\"a\",\"l\":1,\"r\":2}\n"
	    "record " T "02Z {\"k\":\"a\",\"l\":3,\"r\":1}\n"
	    "record " T "02Z {\"k\":\"a\",\"l\":3,\"r\":2}\n"
	    "record " T "02Z {\"k\":\"b\",\"l\":2,\"r\":null}\n"
	    "watermark " T "02.500Z\n"
	    "record " T "03.500Z {\"k\":\"c\",\"l\":4,\"r\":4}\n"
	    "record " T "04Z {\"k\":\"a\",\"l\":5,\"r\":null}\n"
	    "record " T "04Z {\"k\":\"d\",\"l\":null,\"r\":3}\n"
	    "record " T "05Z {\"k\":\"b\",\"l\":null,\"r\":5}\n"
	    "record " T "06.500Z {\"k\":\"d\",\"l\":6,\"r\":6}\n"
	    "watermark +inf\n");
	cr_expect_str_eq(b, a);
	cr_expect_str_eq(c, a);
	free(a);
	free(b);
	free(c);
}

Test(join, max_buffer_bounds_the_records_held)
{
	struct jt t = { .o = { .kind = CORE_JOIN_INTERVAL,
		.hi = { .off = 1 * S }, .max_buffer = 3 } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 0, FS("k", "a"), FI("l", 1));
	RIGHT(j, 500, FS("k", "a"), FI("r", 1));
	LEFT(j, 2000, FS("k", "b"), FI("l", 2));
	cr_expect_eq(jpush(j, 1, 2500, FIELDS(FS("k", "b"), FI("r", 2))), -1);
	cr_expect_eq(core_joinop_held(j), 3);
	both(j, 1500 * MS);    /* l 1 and r 1 meet and go */
	cr_expect_eq(core_joinop_held(j), 1);
	cr_expect_eq(jpush(j, 1, 2600, FIELDS(FS("k", "b"), FI("r", 3))), 0);
	cr_expect_eq(core_joinop_held(j), 2);
	cr_expect_eq(core_joinop_peak(j), 3);
	both(j, CORE_WM_MAX);
	/* The refused record was not kept. */
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "00.500Z {\"k\":\"a\",\"l\":1,\"r\":1}\n"
	    "watermark " T "01.500Z\n"
	    "record " T "02.600Z {\"k\":\"b\",\"l\":2,\"r\":3}\n"
	    "watermark +inf\n");
	cr_expect_eq(core_joinop_held(j), 0);
	jt_close(&t);
}

Test(join, held_counts_buffered_and_stored_records)
{
	struct jt t = { .o = { .kind = CORE_JOIN_REGULAR } };
	struct core_joinop *j = jt_open(&t, "k", "k");

	LEFT(j, 1000, FS("k", "a"), FI("l", 1));
	LEFT(j, 2000, FS("k", "b"), FI("l", 2));
	RIGHT(j, 3000, FS("k", "a"), FI("r", 1));
	LEFT(j, 4000, FN("k"), FI("l", 3));
	cr_expect_eq(core_joinop_held(j), 4);
	both(j, 10 * S);    /* all taken; kept forever but the NULL key */
	cr_expect_eq(core_joinop_held(j), 3);
	RIGHT(j, 11000, FS("k", "b"), FI("r", 2));
	cr_expect_eq(core_joinop_held(j), 4);
	cr_expect_eq(core_joinop_peak(j), 4);
	RIGHT(j, 12000, FS("k", "c"), FI("r", 3));
	cr_expect_eq(core_joinop_peak(j), 5);
	both(j, CORE_WM_MAX);
	cr_expect_eq(core_joinop_held(j), 0);
	cr_expect_eq(core_joinop_peak(j), 5);
	cr_expect_str_eq(sink_text(&t.k),
	    "record " T "03Z {\"k\":\"a\",\"l\":1,\"r\":1}\n"
	    "watermark " T "10Z\n"
	    "record " T "11Z {\"k\":\"b\",\"l\":2,\"r\":2}\n"
	    "watermark +inf\n");
	jt_close(&t);
}

/* ---- the shape of joined rows -------------------------------------------- */

/* Writes o at time 0 to k's output. */
static void
put(struct sink *k, struct core_rec *o)
{
	o->time = 0;
	core_writer_rec(k->w, o);
}

Test(join, shaper_repeats_the_prefix_until_the_name_is_new)
{
	struct core_join_shaper sh;
	struct core_recb lb, rb;
	struct core_rec l, r, o = { .time = 7, .raw = (void *)&o };
	struct sink k;

	sink_open(&k);
	core_join_shaper_init(&sh, NULL, NULL, "x_");
	build(&lb, &l, 1000, FIELDS(FI("a", 1), FI("x_a", 2)));
	build(&rb, &r, 2000, FIELDS(FI("a", 3), FI("x_x_a", 4), FI("b", 5)));
	cr_assert_eq(core_join_row(&sh, NULL, &l, NULL, &r, &o), 0);
	/* Time and raw cleared. */
	cr_expect_eq(o.time, 0);
	cr_expect_null(o.raw);
	put(&k, &o);
	cr_expect_str_eq(sink_text(&k),
	    "record " T "00Z {\"a\":1,\"x_a\":2,\"x_x_a\":3,"
	    "\"x_x_x_a\":4,\"b\":5}\n");
	core_recb_release(&lb);
	core_recb_release(&rb);
	core_join_shaper_release(&sh);
	sink_close(&k);
}

Test(join, shaper_shows_a_shared_key_once_and_fills_outer_rows)
{
	struct core_keyspec lk, rk;
	struct core_join_shaper sh;
	struct core_recb lb, rb;
	struct core_rec l, r, o;
	struct sink k;

	cr_assert_eq(core_keyspec_init(&lk, "id,day"), 0);
	cr_assert_eq(core_keyspec_init(&rk, "id,date"), 0);
	sink_open(&k);
	core_join_shaper_init(&sh, &lk, &rk, "right_");
	build(&lb, &l, 1000, FIELDS(FI("id", 1), FS("day", "mon"),
	    FI("v", 1)));
	build(&rb, &r, 2000, FIELDS(FS("date", "mon"), FI("id", 2),
	    FI("v", 2)));
	cr_assert_eq(core_join_row(&sh, NULL, &l, NULL, &r, &o), 0);
	put(&k, &o);
	cr_assert_eq(core_join_row(&sh, l.schema, NULL, NULL, &r, &o), 0);
	put(&k, &o);
	cr_assert_eq(core_join_row(&sh, NULL, &l, r.schema, NULL, &o), 0);
	put(&k, &o);
	/* No left shape known: the right's fields as they are. */
	cr_assert_eq(core_join_row(&sh, NULL, NULL, NULL, &r, &o), 0);
	put(&k, &o);
	cr_expect_str_eq(sink_text(&k),
	    "record " T "00Z {\"id\":1,\"day\":\"mon\",\"v\":1,"
	    "\"date\":\"mon\",\"right_v\":2}\n"
	    "record " T "00Z {\"id\":2,\"day\":null,\"v\":null,"
	    "\"date\":\"mon\",\"right_v\":2}\n"
	    "record " T "00Z {\"id\":1,\"day\":\"mon\",\"v\":1,"
	    "\"date\":null,\"right_v\":null}\n"
	    "record " T "00Z {\"date\":\"mon\",\"id\":2,\"v\":2}\n");
	core_recb_release(&lb);
	core_recb_release(&rb);
	core_join_shaper_release(&sh);
	core_keyspec_release(&lk);
	core_keyspec_release(&rk);
	sink_close(&k);
}

Test(join, shaper_shares_a_key_only_with_its_partner)
{
	struct core_keyspec lk, rk;
	struct core_join_shaper sh;
	struct core_recb lb, rb;
	struct core_rec l, r, o;
	struct sink k;

	/* a = b and b = a: each right key's partner has another name. */
	cr_assert_eq(core_keyspec_init(&lk, "a,b"), 0);
	cr_assert_eq(core_keyspec_init(&rk, "b,a"), 0);
	sink_open(&k);
	core_join_shaper_init(&sh, &lk, &rk, "r_");
	build(&lb, &l, 0, FIELDS(FI("a", 1), FI("b", 2)));
	build(&rb, &r, 0, FIELDS(FI("b", 1), FI("a", 2)));
	cr_assert_eq(core_join_row(&sh, NULL, &l, NULL, &r, &o), 0);
	put(&k, &o);
	cr_assert_eq(core_join_row(&sh, l.schema, NULL, NULL, &r, &o), 0);
	put(&k, &o);
	cr_expect_str_eq(sink_text(&k),
	    "record " T "00Z {\"a\":1,\"b\":2,\"r_b\":1,\"r_a\":2}\n"
	    "record " T "00Z {\"a\":null,\"b\":null,\"r_b\":1,\"r_a\":2}\n");
	core_recb_release(&lb);
	core_recb_release(&rb);
	core_join_shaper_release(&sh);
	core_keyspec_release(&lk);
	core_keyspec_release(&rk);
	sink_close(&k);
}

Test(join, shaper_stays_right_past_its_cache)
{
	struct core_join_shaper sh;
	struct core_recb lb, rb;
	struct core_rec l, r, o;
	struct core_buf want = CORE_BUF_INIT;
	struct sink k;
	int round, i;

	sink_open(&k);
	core_join_shaper_init(&sh, NULL, NULL, "p_");
	build(&lb, &l, 0, FIELDS(FI("a", 0), FI("f3", 0)));
	/* 20 right shapes, more than are cached, twice over. */
	for (round = 0; round < 2; round++)
		for (i = 0; i < 20; i++) {
			char name[16];

			snprintf(name, sizeof(name), "f%d", i);
			build(&rb, &r, 0, FIELDS(FI(name, i), FI("a", 1)));
			cr_assert_eq(core_join_row(&sh, NULL, &l, NULL, &r,
			    &o), 0);
			put(&k, &o);
			core_recb_release(&rb);
			core_buf_addf(&want, "record " T "00Z {\"a\":0,"
			    "\"f3\":0,\"%sf%d\":%d,\"p_a\":1}\n",
			    i == 3 ? "p_" : "", i, i);
		}
	cr_expect_str_eq(sink_text(&k), core_buf_str(&want));
	core_buf_release(&want);
	core_recb_release(&lb);
	core_join_shaper_release(&sh);
	sink_close(&k);
}

/* ---- lookup tables ------------------------------------------------------- */

/* A temporary file ending in ext with text; its name in path. */
static void
tmpfile_with(char *path, size_t n, const char *ext, const char *text)
{
	int fd;

	snprintf(path, n, "/tmp/test_join_XXXXXX%s", ext);
	fd = mkstemps(path, (int)strlen(ext));
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* The rows of t for the key texts keys[0..n), as trace text (new). */
static char *
found(struct core_lookup *t, const char *const *keys, size_t n)
{
	struct core_value kv[4];
	struct core_rec *const *rows;
	struct sink k;
	size_t i, m;
	char *text;

	cr_assert_leq(n, 4);
	for (i = 0; i < n; i++)
		kv[i] = core_v_str(keys[i], strlen(keys[i]));
	sink_open(&k);
	rows = core_lookup_get(t, kv, &m);
	cr_assert_eq(rows == NULL, m == 0);
	for (i = 0; i < m; i++)
		core_writer_rec(k.w, rows[i]);
	text = strdup(sink_text(&k));
	sink_close(&k);
	return text;
}

/* Expects the rows of t for keys to be want. */
#define FOUND(t, want, ...) do { \
	static const char *const keys_[] = { __VA_ARGS__ }; \
	char *got_ = found(t, keys_, sizeof(keys_) / sizeof(*keys_)); \
	\
	cr_expect_str_eq(got_, want, "keys %s", keys_[0]); \
	free(got_); \
} while (0)

Test(join, lookup_csv_rows_by_key_text)
{
	char path[64], err[256] = "";
	struct core_keyspec key;
	struct core_lookup *t;
	struct core_value kv[1], kt[1];
	struct core_rec *const *rows;
	struct core_buf kb = CORE_BUF_INIT;
	size_t n;

	tmpfile_with(path, sizeof(path), ".csv",
	    "id,name\n5,five\n7,seven\n5,cinq\n");
	cr_assert_eq(core_keyspec_init(&key, "id"), 0);
	t = core_lookup_load(path, &key, 0, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	cr_expect_eq(core_lookup_rows(t), 3);
	cr_expect_gt(core_lookup_bytes(t), 0);
	/* A double 5.0 in a stream finds the rows of 5, by its text. */
	kv[0] = core_v_double(5.0);
	cr_assert_eq(core_key_text(kv, 1, kt, &kb), 0);
	rows = core_lookup_get(t, kt, &n);
	cr_assert_eq(n, 2);
	cr_expect_eq(rows[0]->v[0].type, CORE_INT);
	cr_expect_eq(rows[0]->v[0].u.i, 5);
	FOUND(t, "record " T "00Z {\"id\":5,\"name\":\"five\"}\n"
	    "record " T "00Z {\"id\":5,\"name\":\"cinq\"}\n", "5");
	FOUND(t, "record " T "00Z {\"id\":7,\"name\":\"seven\"}\n", "7");
	FOUND(t, "", "05");
	FOUND(t, "", "5.0");
	core_buf_release(&kb);
	core_lookup_free(t);
	core_keyspec_release(&key);
	unlink(path);
}

Test(join, lookup_ndjson_with_two_key_fields)
{
	char path[64], err[256] = "";
	struct core_keyspec key;
	struct core_lookup *t;

	tmpfile_with(path, sizeof(path), ".ndjson",
	    "{\"host\":\"web\",\"port\":80,\"team\":\"shop\"}\n"
	    "{\"host\":\"web\",\"port\":8080.0,\"team\":\"ops\"}\n"
	    "{\"host\":\"web\",\"port\":\"80\",\"team\":\"search\"}\n"
	    "{\"port\":80,\"host\":\"db\",\"team\":\"data\"}\n");
	cr_assert_eq(core_keyspec_init(&key, "host,port"), 0);
	t = core_lookup_load(path, &key, 0, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	cr_expect_eq(core_lookup_rows(t), 4);
	/* The shape is the first row's, for null padding. */
	cr_expect_eq(core_lookup_schema(t)->n, 3);
	cr_expect_eq(core_lookup_schema(t)->f[0], core_sym_str("host"));
	FOUND(t, "record " T "00Z {\"host\":\"web\",\"port\":80,"
	    "\"team\":\"shop\"}\n"
	    "record " T "00Z {\"host\":\"web\",\"port\":\"80\","
	    "\"team\":\"search\"}\n", "web", "80");
	FOUND(t, "record " T "00Z {\"host\":\"web\",\"port\":8080.0,"
	    "\"team\":\"ops\"}\n", "web", "8080");
	FOUND(t, "record " T "00Z {\"port\":80,\"host\":\"db\","
	    "\"team\":\"data\"}\n", "db", "80");
	FOUND(t, "", "db", "8080");
	FOUND(t, "", "80", "web");
	core_lookup_free(t);
	core_keyspec_release(&key);
	unlink(path);
}

/* Loads text from a file ending in ext with key "id"; must fail. */
static void
expect_rejected(const char *ext, const char *text, int line)
{
	char path[64], err[256] = "", want[96];
	struct core_keyspec key;

	tmpfile_with(path, sizeof(path), ext, text);
	cr_assert_eq(core_keyspec_init(&key, "id"), 0);
	cr_expect_null(core_lookup_load(path, &key, 0, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	cr_expect_eq(strncmp(err, want, strlen(want)), 0,
	    "err '%s', want it to start '%s'", err, want);
	core_keyspec_release(&key);
	unlink(path);
}

Test(join, lookup_rejects_a_row_without_its_key)
{
	expect_rejected(".ndjson",
	    "{\"id\":1,\"v\":1}\n{\"id\":2,\"v\":2}\n{\"v\":3}\n", 3);
	expect_rejected(".ndjson",
	    "{\"id\":1,\"v\":1}\n{\"id\":null,\"v\":2}\n", 2);
	expect_rejected(".csv", "id,v\n1,a\n2,b\n,c\n", 4);
	expect_rejected(".csv", "name,v\na,1\n", 2);
}

Test(join, lookup_rejects_a_malformed_file)
{
	expect_rejected(".ndjson", "{\"id\":1}\n{\"id\":2,\n{\"id\":3}\n", 2);
	expect_rejected(".csv", "id,v\n1,a\n2,\"b\n", 3);
}

Test(join, lookup_names_a_file_it_cannot_open)
{
	char err[256] = "";
	struct core_keyspec key;

	cr_assert_eq(core_keyspec_init(&key, "id"), 0);
	cr_expect_null(core_lookup_load("/nonexistent/t.csv", &key, 0, err,
	    sizeof(err)));
	cr_expect_str_eq(err, "cannot open '/nonexistent/t.csv': No such "
	    "file or directory");
	core_keyspec_release(&key);
}
