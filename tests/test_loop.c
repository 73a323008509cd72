/* SPDX-License-Identifier: MIT */
/* Tests for the event loop: flush rule, timers, work, signals; and wm. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "libcore/evtime.h"
#include "libcore/loop.h"
#include "libcore/wm.h"

struct ctx {
	int fds[2];
	int reads, idles, fired, works;
	int reads_at_first_idle;
	struct core_timer t;
	int wid;
};

static void
on_read(struct core_loop *l, int fd, int revents, void *p)
{
	struct ctx *c = p;
	char b[1];
	ssize_t n = read(fd, b, 1);

	(void)revents;
	if (n <= 0) {
		core_loop_fd_del(l, fd);
		return;
	}
	c->reads++;
}

static void
on_idle(struct core_loop *l, void *p)
{
	struct ctx *c = p;

	if (c->idles++ == 0)
		c->reads_at_first_idle = c->reads;
	if (c->reads == 5)
		core_loop_stop(l);
}

Test(loop, idle_runs_only_when_input_would_block)
{
	struct core_loop *l = core_loop_new();
	struct ctx c;

	memset(&c, 0, sizeof(c));
	cr_assert_eq(pipe(c.fds), 0);
	/* Five bytes ready at once: five reads before the first flush. */
	cr_assert_eq(write(c.fds[1], "abcde", 5), 5);
	core_loop_fd(l, c.fds[0], POLLIN, on_read, &c);
	core_loop_idle(l, on_idle, &c);
	core_loop_run(l);
	cr_expect_eq(c.reads_at_first_idle, 5);
	cr_expect_eq(c.reads, 5);
	close(c.fds[0]);
	close(c.fds[1]);
	core_loop_free(l);
}

static void
on_timer(struct core_loop *l, void *p)
{
	struct ctx *c = p;

	c->fired++;
	core_loop_stop(l);
}

Test(loop, timer_fires_on_time)
{
	struct core_loop *l = core_loop_new();
	struct ctx c;
	int64_t t0 = core_now_mono(), dt;

	memset(&c, 0, sizeof(c));
	core_loop_timer(l, &c.t, t0 + 30000000, on_timer, &c);
	core_loop_run(l);
	dt = core_now_mono() - t0;
	cr_expect_eq(c.fired, 1);
	cr_expect_geq(dt, 30000000);
	core_loop_free(l);
}

Test(loop, loop_ends_when_nothing_is_left)
{
	struct core_loop *l = core_loop_new();
	struct ctx c;

	memset(&c, 0, sizeof(c));
	core_loop_timer(l, &c.t, core_now_mono() + 1000000, on_timer, &c);
	core_loop_timer_cancel(l, &c.t);
	core_loop_run(l);    /* returns: no fd, no timer */
	cr_expect_eq(c.fired, 0);
	core_loop_free(l);
}

static void
on_work(struct core_loop *l, void *p)
{
	struct ctx *c = p;

	if (++c->works == 100)
		core_loop_work_active(l, c->wid, 0);
}

Test(loop, work_runs_without_sleeping_until_inactive)
{
	struct core_loop *l = core_loop_new();
	struct ctx c;

	memset(&c, 0, sizeof(c));
	c.wid = core_loop_work(l, on_work, &c);
	core_loop_idle(l, on_idle, &c);
	core_loop_run(l);
	cr_expect_eq(c.works, 100);
	cr_expect_eq(c.idles, 1);
	core_loop_free(l);
}

static void
on_sig(struct core_loop *l, void *p)
{
	struct ctx *c = p;

	c->fired = core_loop_signal_last(l);
	core_loop_stop(l);
}

Test(loop, signals_are_delivered_through_the_loop)
{
	struct core_loop *l = core_loop_new();
	struct ctx c;

	memset(&c, 0, sizeof(c));
	core_loop_signals(l, on_sig, &c);
	raise(SIGTERM);
	core_loop_run(l);
	cr_expect_eq(c.fired, SIGTERM);
	core_loop_free(l);
}

Test(wm, watermark_is_max_minus_delay_and_monotone)
{
	struct core_wmgen g;

	core_wmgen_init(&g, 10);
	cr_expect_eq(g.wm, CORE_WM_MIN);
	core_wmgen_observe(&g, 100, 0);
	cr_expect_eq(g.wm, 90);
	core_wmgen_observe(&g, 50, 0);     /* late: no change */
	cr_expect_eq(g.wm, 90);
	core_wmgen_observe(&g, 120, 0);
	cr_expect_eq(g.wm, 110);
	core_wmgen_observe(&g, INT64_MIN, 0);
	cr_expect_eq(g.wm, 110);
}

Test(wm, idle_advance_follows_the_clock_from_the_last_record)
{
	struct core_wmgen g;

	core_wmgen_init(&g, 5);
	cr_expect_eq(core_wmgen_idle(&g, 1000), 0);   /* nothing seen yet */
	core_wmgen_observe(&g, 1000, 2000);
	cr_expect_eq(g.wm, 995);
	cr_expect_eq(core_wmgen_idle(&g, 2500), 1);
	cr_expect_eq(g.wm, 1495);
	cr_expect_eq(core_wmgen_idle(&g, 2500), 0);
	core_wmgen_observe(&g, 1200, 2600);             /* behind: no step back */
	cr_expect_eq(g.wm, 1495);
}

Test(wm, saturating_add_never_overflows)
{
	cr_expect_eq(core_sat_add(INT64_MAX, 1), INT64_MAX);
	cr_expect_eq(core_sat_add(INT64_MIN, -1), INT64_MIN);
	cr_expect_eq(core_sat_add(1, 2), 3);
}

static int64_t
et(const char *spec, const char *name, struct core_value v, int *ok)
{
	struct core_evtime t;
	struct core_recb b;
	struct core_rec r;
	const char *why;
	int64_t ns = 0;

	core_evtime_init(&t, spec);
	core_recb_init(&b);
	core_recb_add(&b, core_sym_str(name), v);
	core_recb_finish(&b, &r, 0);
	*ok = core_evtime_get(&t, &r, &ns, &why) == 0;
	core_recb_release(&b);
	core_evtime_release(&t);
	return ns;
}

Test(evtime, reads_every_kind_of_time_field)
{
	int ok;

	cr_expect_eq(et("ts", "ts", core_v_int(1700000000), &ok),
	    1700000000LL * 1000000000);
	cr_expect(ok);
	cr_expect_eq(et("ts", "ts", core_v_int(1700000000123LL), &ok),
	    1700000000123LL * 1000000);
	cr_expect_eq(et("ts", "ts", core_v_numtext("1700000000.000000001", 20),
	    &ok), 1700000000000000001LL);
	cr_expect(ok);
	cr_expect_eq(et("ts", "ts", core_v_str("1970-01-01T00:00:01Z", 20),
	    &ok), 1000000000);
	cr_expect_eq(et("ts:epoch_ms", "ts", core_v_int(5), &ok), 5000000);
	cr_expect(ok);
	cr_expect_eq(et("ts", "ts", core_v_time(7), &ok), 7);
	et("ts", "other", core_v_int(1), &ok);
	cr_expect(!ok);
	et("ts", "ts", core_v_str("yesterday", 9), &ok);
	cr_expect(!ok);
	et("ts", "ts", core_v_null(), &ok);
	cr_expect(!ok);
	/* A field name with a colon: a trailing ':' ends the name. */
	cr_expect_eq(et("a:b:", "a:b", core_v_int(1), &ok), 1000000000);
	cr_expect(ok);
	cr_expect_eq(et("a:%s", "a", core_v_str("5", 1), &ok), 5000000000LL);
	cr_expect(ok);
	{
		struct core_evtime t;

		/* A lowercase word after ':' that is no format: misspelt. */
		cr_expect_eq(core_evtime_init(&t, "ts:rfc333"), -1);
		cr_expect_eq(core_evtime_init(&t, "ts:epoch_ms"), 0);
		core_evtime_release(&t);
	}
}

/* ---- ending on a signal: read on while the input keeps coming ----------- */

struct stopper {
	int fds[2];
	int reads, writes, max_writes;
	struct core_timer feed, stop;
	int64_t sig_at, ended_at, last_write;
};

static void
stopper_read(struct core_loop *l, int fd, int revents, void *p)
{
	struct stopper *s = p;
	char b[64];
	ssize_t n = read(fd, b, sizeof(b));

	(void)l;
	(void)revents;
	if (n > 0)
		s->reads += (int)n;
}

/* Upstream still handing on its last: a byte every 50 ms. */
static void
stopper_feed(struct core_loop *l, void *p)
{
	struct stopper *s = p;

	cr_assert_eq(write(s->fds[1], "x", 1), 1);
	s->writes++;
	s->last_write = core_now_mono();
	if (s->writes < s->max_writes)
		core_loop_timer(l, &s->feed, s->last_write + 50000000,
		    stopper_feed, s);
}

static void
stopper_tick(struct core_loop *l, void *p)
{
	struct stopper *s = p;

	if (core_loop_stop_wait(l, &s->stop, stopper_tick, s))
		return;
	s->ended_at = core_now_mono();
	core_loop_stop(l);
}

static void
stopper_sig(struct core_loop *l, void *p)
{
	struct stopper *s = p;

	s->sig_at = core_now_mono();
	core_loop_timer(l, &s->stop, s->sig_at + CORE_STOP_QUIET_NS,
	    stopper_tick, s);
	stopper_feed(l, s);
}

static void
run_stopper(struct stopper *s, int max_writes)
{
	struct core_loop *l = core_loop_new();

	memset(s, 0, sizeof(*s));
	s->max_writes = max_writes;
	cr_assert_eq(pipe(s->fds), 0);
	core_loop_fd(l, s->fds[0], POLLIN, stopper_read, s);
	core_loop_signals(l, stopper_sig, s);
	raise(SIGTERM);
	core_loop_run(l);
	core_loop_free(l);
	close(s->fds[0]);
	close(s->fds[1]);
}

Test(loop, a_signalled_tool_ends_when_its_input_has_been_quiet)
{
	struct stopper s;

	run_stopper(&s, 10);      /* the last byte about 450 ms after */
	cr_expect_eq(s.reads, 10, "every byte read before the end");
	cr_expect_geq(s.ended_at - s.last_write, CORE_STOP_QUIET_NS);
	cr_expect_lt(s.ended_at - s.last_write, CORE_STOP_QUIET_NS +
	    400000000);
	cr_expect_gt(s.ended_at - s.sig_at, 450000000, "not 0.2 s after "
	    "the signal while input kept coming");
}

Test(loop, a_signalled_tool_ends_within_the_cap_when_input_never_stops)
{
	struct stopper s;

	run_stopper(&s, 1000);    /* 50 s of bytes: more than the cap */
	cr_expect_geq(s.ended_at - s.sig_at, CORE_STOP_MAX_NS);
	cr_expect_lt(s.ended_at - s.sig_at, CORE_STOP_MAX_NS + 600000000);
}
