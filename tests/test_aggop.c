/* SPDX-License-Identifier: MIT */
/* Tests for the aggregation operator's per-record shortcuts: the last
 * record's window and group are reused only when the map would give the
 * same ones. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/aggop.h"

#include "trace_sink.h"

#define S 1000000000LL

static struct core_aggop *
new_op(struct sink *k, struct core_keyspec *g, struct core_accspec *acc,
    const char *word)
{
	struct core_aggop_opts o = { 0 };
	char err[128];

	cr_assert_eq(core_accspec_parse(acc, word, err, sizeof(err)), 0);
	cr_assert_eq(core_keyspec_init(g, "k"), 0);
	o.g = g;
	o.acc = acc;
	o.nacc = 1;
	o.start = core_sym_str("ws");
	o.end = core_sym_str("we");
	return core_aggop_new(&o, k->w);
}

static void
free_op(struct core_aggop *a, struct core_keyspec *g,
    struct core_accspec *acc)
{
	core_aggop_free(a);
	core_accspec_release(acc);
	core_keyspec_release(g);
}

/* A record {"k": key, "ws", "we"} at time t seconds; ws < 0: no window. */
static void
krec(struct core_aggop *a, double t, struct core_value key, int64_t ws,
    int64_t we)
{
	struct core_recb b;
	struct core_rec r;

	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), key);
	if (ws >= 0) {
		core_recb_add(&b, core_sym_str("ws"), core_v_time(ws * S));
		core_recb_add(&b, core_sym_str("we"), core_v_time(we * S));
	}
	core_recb_finish(&b, &r, (int64_t)(t * S));
	core_aggop_push(a, &r);
	core_recb_release(&b);
}

/* 5, 5.0 and "5.00" as number text are one key, whether or not the
 * record before had it; "5" as a string is another. */
Test(aggop, equal_keys_of_other_types_are_one_group)
{
	struct core_accspec acc;
	struct core_keyspec g;
	struct sink k;
	struct core_aggop *a;

	sink_open(&k);
	a = new_op(&k, &g, &acc, "count");
	krec(a, 1, core_v_int(5), -1, 0);
	krec(a, 2, core_v_double(5.0), -1, 0);
	krec(a, 3, core_v_numtext("5.00", 4), -1, 0);
	krec(a, 4, core_v_str("5", 1), -1, 0);
	krec(a, 5, core_v_int(6), -1, 0);
	krec(a, 6, core_v_numtext("5.0", 3), -1, 0);
	core_aggop_wm(a, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:06Z {\"k\":5,\"count\":4}\n"
	    "record 1970-01-01T00:00:05Z {\"k\":6,\"count\":1}\n"
	    "record 1970-01-01T00:00:04Z {\"k\":\"5\",\"count\":1}\n"
	    "watermark +inf\n");
	free_op(a, &g, &acc);
	sink_close(&k);
}

/* The same key in alternating windows, and in a window dropped and
 * opened again with the same bounds, counts in each window alone. */
Test(aggop, same_key_in_other_window_is_another_group)
{
	struct core_accspec acc;
	struct core_keyspec g;
	struct core_window w1 = { 0, 10 * S, CORE_WM_MIN };
	struct sink k;
	struct core_aggop *a;
	struct core_value x = core_v_str("x", 1);

	sink_open(&k);
	a = new_op(&k, &g, &acc, "count");
	krec(a, 1, x, 0, 10);
	krec(a, 11, x, 10, 20);
	krec(a, 2, x, 0, 10);
	krec(a, 12, x, 10, 20);
	krec(a, 13, x, 10, 20);
	krec(a, 14, x, -1, 0);
	core_aggop_close(a, &w1);
	krec(a, 3, x, 0, 10);      /* after the drop: a new window */
	core_aggop_close(a, &w1);
	core_aggop_wm(a, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:09.999999999Z {\"ws\":\"1970-01-01T00:00:00Z\","
	    "\"we\":\"1970-01-01T00:00:10Z\",\"k\":\"x\",\"count\":2}\n"
	    "close [1970-01-01T00:00:00Z, 1970-01-01T00:00:10Z)\n"
	    "record 1970-01-01T00:00:09.999999999Z {\"ws\":\"1970-01-01T00:00:00Z\","
	    "\"we\":\"1970-01-01T00:00:10Z\",\"k\":\"x\",\"count\":1}\n"
	    "close [1970-01-01T00:00:00Z, 1970-01-01T00:00:10Z)\n"
	    "record 1970-01-01T00:00:19.999999999Z {\"ws\":\"1970-01-01T00:00:10Z\","
	    "\"we\":\"1970-01-01T00:00:20Z\",\"k\":\"x\",\"count\":3}\n"
	    "record 1970-01-01T00:00:14Z {\"k\":\"x\",\"count\":1}\n"
	    "watermark +inf\n");
	free_op(a, &g, &acc);
	sink_close(&k);
}

/* A missing key field and a null key are one group, apart from others. */
Test(aggop, missing_and_null_keys_are_one_group)
{
	struct core_accspec acc;
	struct core_keyspec g;
	struct core_recb b;
	struct core_rec r;
	struct sink k;
	struct core_aggop *a;

	sink_open(&k);
	a = new_op(&k, &g, &acc, "count");
	krec(a, 1, core_v_null(), -1, 0);
	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("other"), core_v_int(1));
	core_recb_finish(&b, &r, 2 * S);
	core_aggop_push(a, &r);
	core_recb_release(&b);
	krec(a, 3, core_v_bool(0), -1, 0);
	krec(a, 4, core_v_null(), -1, 0);
	core_aggop_wm(a, CORE_WM_MAX);
	cr_expect_str_eq(sink_text(&k),
	    "record 1970-01-01T00:00:04Z {\"k\":null,\"count\":3}\n"
	    "record 1970-01-01T00:00:03Z {\"k\":false,\"count\":1}\n"
	    "watermark +inf\n");
	free_op(a, &g, &acc);
	sink_close(&k);
}
