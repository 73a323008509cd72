/* SPDX-License-Identifier: MIT */
/* An input wired into the event loop: bytes in, decoded events out. */
#include "libcore/feed.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "libcore/err.h"
#include "libcore/sched.h"

#define FOLLOW_SAFETY_NS (1000LL * 1000 * 1000)
#define FOLLOW_POLL_NS (20LL * 1000 * 1000)

/* The decoder over f->in, or -1 (f->in closed, errno EINVAL). */
static int
feed_dec(struct core_feed *f, const struct core_decopts *o, size_t max_rec)
{
	struct core_decopts o2 = *o;

	if (o2.max_frame == 0 && max_rec)
		o2.max_frame = (uint32_t)max_rec;
	f->dec = core_dec_new(&f->in, &o2);
	if (f->dec == NULL) {
		core_input_close(&f->in);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
core_feed_open(struct core_feed *f, struct core_loop *l, const char *path,
    const struct core_decopts *o, size_t max_rec, int follow, int from_end)
{
	memset(f, 0, sizeof(*f));
	f->work = -1;
	f->loop = l;
	if (core_input_open(&f->in, path, max_rec, follow, from_end) < 0)
		return -1;
	return feed_dec(f, o, max_rec);
}

int
core_feed_open_fd(struct core_feed *f, struct core_loop *l, int fd,
    const char *name, const struct core_decopts *o, size_t max_rec)
{
	memset(f, 0, sizeof(*f));
	f->work = -1;
	f->loop = l;
	f->soft = 1;
	core_input_open_fd(&f->in, fd, name, max_rec);
	return feed_dec(f, o, max_rec);
}

static void pump(struct core_feed *f);

static void
set_work(struct core_feed *f, int active)
{
	if (f->work >= 0)
		core_loop_work_active(f->loop, f->work, active);
}

static void
finish(struct core_feed *f)
{
	f->done = 1;
	set_work(f, 0);
	if (f->in.fd >= 0 && !f->in.isreg)
		core_loop_fd_del(f->loop, f->in.fd);
	if (f->in.notify_fd >= 0)
		core_loop_fd_del(f->loop, f->in.notify_fd);
	core_loop_timer_cancel(f->loop, &f->timer);
	if (f->on_eof)
		f->on_eof(f, f->ctx);
}

/* Decodes what is buffered, reading at most once; returns after the read
 * if the input has nothing more right now. */
static void
pump(struct core_feed *f)
{
	enum core_ev k;
	int filled = 0, r;
	ssize_t n;

	while (!f->paused && !f->done) {
		if (f->pending) {
			f->pending = 0;
			k = f->ev.kind;
		} else {
			k = core_dec_next(f->dec, &f->ev);
		}
		switch (k) {
		case CORE_EV_NONE:
			if (filled)
				return;
			n = core_input_fill(&f->in);
			if (f->in.notice) {
				core_warnx("%s: %s", f->in.name, f->in.notice);
				f->in.notice = NULL;
			}
			if (n < 0 && f->soft) {
				/* A connection that failed ends alone. */
				core_warn("%s: read error", f->in.name);
				f->in.eof = 1;
				n = 0;
			} else if (n < 0) {
				core_diesys(CORE_EXIT_IO, "%s: read error",
				    f->in.name);
			}
			if (n > 0) {
				core_sched_read((size_t)n);
				f->arrival = core_now_real();
				f->arrival_mono = core_now_mono();
			}
			filled = 1;
			if (n == 0 && !f->in.eof) {
				/* Following, at the end for now. */
				set_work(f, 0);
				return;
			}
			break;
		case CORE_EV_EOF:
			finish(f);
			return;
		case CORE_EV_WM:
			/* A stream's final +inf is not the input's end: another
			 * stream or file may follow (cat a.frames b.frames).
			 * The tool ends everything at EOF of its last input. */
			if (f->ev.wm == CORE_WM_MAX)
				break;
			/* fall through */
		default:
			if (f->stamp && k == CORE_EV_REC &&
			    core_dec_format(f->dec)[0] != 'f')
				f->ev.rec.time = f->arrival;
			r = f->on_event(f, &f->ev, f->ctx);
			if (r == 1) {
				/* Paused: off the loop until resumed, or it
				 * would spin. */
				f->pending = 1;
				core_feed_pause(f);
			}
			break;
		}
	}
}

static void
on_work(struct core_loop *l, void *ctx)
{
	(void)l;
	pump(ctx);
}

static void
on_readable(struct core_loop *l, int fd, int revents, void *ctx)
{
	(void)l;
	(void)fd;
	(void)revents;
	pump(ctx);
}

static void
on_notify(struct core_loop *l, int fd, int revents, void *ctx)
{
	struct core_feed *f = ctx;

	(void)l;
	(void)fd;
	(void)revents;
	core_input_drain_notify(&f->in);
	if (!f->paused)
		set_work(f, 1);
}

static void
on_timer(struct core_loop *l, void *ctx)
{
	struct core_feed *f = ctx;

	if (!f->paused && !f->done)
		set_work(f, 1);
	core_loop_timer(l, &f->timer, core_now_mono() + (f->in.notify_fd >= 0 ?
	    FOLLOW_SAFETY_NS : FOLLOW_POLL_NS), on_timer, f);
}

void
core_feed_start(struct core_feed *f, core_feed_fn on_event,
    core_feed_eof_fn on_eof, void *ctx)
{
	f->on_event = on_event;
	f->on_eof = on_eof;
	f->ctx = ctx;
	f->started = 1;
	if (f->in.follow) {
		f->work = core_loop_work(f->loop, on_work, f);
		if (f->in.notify_fd >= 0)
			core_loop_fd(f->loop, f->in.notify_fd, POLLIN, on_notify,
			    f);
		on_timer(f->loop, f);
	} else if (f->in.isreg) {
		f->work = core_loop_work(f->loop, on_work, f);
	} else {
		core_loop_fd(f->loop, f->in.fd, POLLIN, on_readable, f);
	}
}

void
core_feed_pause(struct core_feed *f)
{
	f->paused = 1;
	set_work(f, 0);
	if (!f->in.isreg && !f->in.follow && f->in.fd >= 0 && !f->done)
		core_loop_fd_del(f->loop, f->in.fd);
}

void
core_feed_resume(struct core_feed *f)
{
	if (!f->paused || f->done)
		return;
	f->paused = 0;
	if (f->work >= 0)
		set_work(f, 1);
	else if (f->in.fd >= 0)
		core_loop_fd(f->loop, f->in.fd, POLLIN, on_readable, f);
	/* Hand out the kept event now rather than at the next readiness. */
	if (f->pending)
		pump(f);
}

void
core_feed_unfollow(struct core_feed *f)
{
	if (!f->in.follow)
		return;
	f->in.follow = 0;
	if (f->in.fd < 0)
		f->in.eof = 1;
	if (f->in.notify_fd >= 0)
		core_loop_fd_del(f->loop, f->in.notify_fd);
	core_loop_timer_cancel(f->loop, &f->timer);
	if (f->work >= 0 && !f->paused && !f->done)
		set_work(f, 1);
}

void
core_feed_close(struct core_feed *f)
{
	if (f->started && !f->done) {
		set_work(f, 0);
		if (f->in.fd >= 0 && !f->in.isreg)
			core_loop_fd_del(f->loop, f->in.fd);
		if (f->in.notify_fd >= 0)
			core_loop_fd_del(f->loop, f->in.notify_fd);
		core_loop_timer_cancel(f->loop, &f->timer);
	}
	core_dec_free(f->dec);
	f->dec = NULL;
	core_input_close(&f->in);
}
