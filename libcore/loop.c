/* SPDX-License-Identifier: MIT */
/* The event loop: poll over inputs, timers and signals, with the flush rule. */
#include "libcore/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libcore/sched.h"
#include "libcore/xalloc.h"

struct fdwatch {
	core_fd_fn fn;
	void *ctx;
};

struct work {
	core_fn fn;
	void *ctx;
	int active;
};

struct hook {
	core_fn fn;
	void *ctx;
};

struct core_loop {
	struct pollfd *pfd;
	struct fdwatch *w;
	size_t nfd, capfd;
	struct core_timer *timers;
	struct work *work;
	size_t nwork, capwork;
	struct hook *idle;
	size_t nidle, capidle;
	struct hook last;
	core_fn sigfn;
	void *sigctx;
	core_fn chldfn;
	void *chldctx;
	int sigpipe[2];
	int lastsig;
	int64_t sig_at;           /* when the first signal came, or 0 */
	int64_t last_io;          /* when an fd other than the signal pipe
	                           * was last ready */
	int stop;
};

static volatile sig_atomic_t pending_sig;
static int sig_wfd = -1;

int64_t
core_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
core_now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct core_loop *
core_loop_new(void)
{
	struct core_loop *l = core_xcalloc(1, sizeof(*l));

	l->sigpipe[0] = l->sigpipe[1] = -1;
	signal(SIGPIPE, SIG_IGN);
	return l;
}

void
core_loop_free(struct core_loop *l)
{
	if (l == NULL)
		return;
	if (l->sigpipe[0] >= 0) {
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
		sig_wfd = -1;
	}
	free(l->pfd);
	free(l->w);
	free(l->work);
	free(l->idle);
	free(l);
}

void
core_loop_fd(struct core_loop *l, int fd, short events, core_fd_fn fn,
    void *ctx)
{
	size_t i, c;

	for (i = 0; i < l->nfd; i++)
		if (l->pfd[i].fd == fd)
			break;
	if (i == l->nfd) {
		c = l->capfd;
		l->pfd = core_xgrow(l->pfd, &c, l->nfd + 1, sizeof(*l->pfd));
		l->w = core_xgrow(l->w, &l->capfd, l->nfd + 1, sizeof(*l->w));
		l->nfd++;
	}
	l->pfd[i].fd = fd;
	l->pfd[i].events = events;
	l->pfd[i].revents = 0;
	l->w[i].fn = fn;
	l->w[i].ctx = ctx;
}

void
core_loop_fd_del(struct core_loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nfd; i++) {
		if (l->pfd[i].fd != fd)
			continue;
		/* Keep the slot (the array may be mid-iteration): a negative
		 * fd is ignored by poll, and compacted later. */
		l->pfd[i].fd = -1;
		l->pfd[i].revents = 0;
	}
}

static void
compact_fds(struct core_loop *l)
{
	size_t i, j = 0;

	for (i = 0; i < l->nfd; i++) {
		if (l->pfd[i].fd < 0)
			continue;
		l->pfd[j] = l->pfd[i];
		l->w[j] = l->w[i];
		j++;
	}
	l->nfd = j;
}

void
core_loop_timer_cancel(struct core_loop *l, struct core_timer *t)
{
	struct core_timer **pp;

	for (pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->when = 0;
	t->next = NULL;
}

void
core_loop_timer(struct core_loop *l, struct core_timer *t, int64_t when,
    core_fn fn, void *ctx)
{
	struct core_timer **pp;

	core_loop_timer_cancel(l, t);
	t->when = when ? when : 1;
	t->fn = fn;
	t->ctx = ctx;
	for (pp = &l->timers; *pp && (*pp)->when <= t->when; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
}

int
core_loop_work(struct core_loop *l, core_fn fn, void *ctx)
{
	l->work = core_xgrow(l->work, &l->capwork, l->nwork + 1,
	    sizeof(*l->work));
	l->work[l->nwork].fn = fn;
	l->work[l->nwork].ctx = ctx;
	l->work[l->nwork].active = 1;
	return (int)l->nwork++;
}

void
core_loop_work_active(struct core_loop *l, int id, int active)
{
	if (id >= 0 && (size_t)id < l->nwork)
		l->work[id].active = active;
}

void
core_loop_idle(struct core_loop *l, core_fn fn, void *ctx)
{
	l->idle = core_xgrow(l->idle, &l->capidle, l->nidle + 1,
	    sizeof(*l->idle));
	l->idle[l->nidle].fn = fn;
	l->idle[l->nidle].ctx = ctx;
	l->nidle++;
}

void
core_loop_idle_last(struct core_loop *l, core_fn fn, void *ctx)
{
	l->last.fn = fn;
	l->last.ctx = ctx;
}

static void
on_signal(int sig)
{
	int e = errno;
	char c = (char)sig;

	if (sig != SIGCHLD)
		pending_sig = sig;
	if (sig_wfd >= 0)
		(void)!write(sig_wfd, &c, 1);
	errno = e;
}

static void
sig_readable(struct core_loop *l, int fd, int revents, void *ctx)
{
	char buf[64];
	ssize_t n, i;
	int sig = 0, chld = 0;

	(void)revents;
	(void)ctx;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGCHLD) {
				chld = 1;
			} else {
				l->lastsig = buf[i];
				sig = 1;
				if (l->sig_at == 0)
					l->sig_at = core_now_mono();
			}
		}
	}
	if (chld && l->chldfn)
		l->chldfn(l, l->chldctx);
	if (sig && l->sigfn)
		l->sigfn(l, l->sigctx);
}

/* The self-pipe the signal handler writes the signal number into. */
static int
sigpipe_open(struct core_loop *l)
{
	if (l->sigpipe[0] >= 0)
		return 0;
	if (pipe2(l->sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	sig_wfd = l->sigpipe[1];
	core_loop_fd(l, l->sigpipe[0], POLLIN, sig_readable, NULL);
	return 0;
}

void
core_loop_signals(struct core_loop *l, core_fn fn, void *ctx)
{
	struct sigaction sa;

	if (sigpipe_open(l) < 0)
		return;
	l->sigfn = fn;
	l->sigctx = ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int
core_loop_children(struct core_loop *l, core_fn fn, void *ctx)
{
	struct sigaction sa;

	if (sigpipe_open(l) < 0)
		return -1;
	l->chldfn = fn;
	l->chldctx = ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Restarted, so that a child ending does not interrupt a blocking
	 * write elsewhere; poll(2) still wakes up through the pipe. */
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGCHLD, &sa, NULL);
}

int
core_loop_signal_last(const struct core_loop *l)
{
	return l->lastsig;
}

int
core_loop_stop_wait(struct core_loop *l, struct core_timer *t, core_fn fn,
    void *ctx)
{
	int64_t now = core_now_mono(), quiet = CORE_STOP_QUIET_NS;

	if (l->sig_at == 0 || now - l->sig_at >= CORE_STOP_MAX_NS ||
	    l->last_io == 0 || now - l->last_io >= quiet)
		return 0;
	core_loop_timer(l, t, l->last_io + quiet, fn, ctx);
	return 1;
}

void
core_loop_stop(struct core_loop *l)
{
	l->stop = 1;
}

static void
run_idle(struct core_loop *l)
{
	size_t i;

	for (i = 0; i < l->nidle; i++)
		l->idle[i].fn(l, l->idle[i].ctx);
	if (l->last.fn)
		l->last.fn(l, l->last.ctx);
}

static int
any_work(const struct core_loop *l)
{
	size_t i;

	for (i = 0; i < l->nwork; i++)
		if (l->work[i].active)
			return 1;
	return 0;
}

static int
run_timers(struct core_loop *l)
{
	int64_t now = core_now_mono();
	struct core_timer *t;
	int fired = 0;

	while ((t = l->timers) != NULL && t->when <= now && !l->stop) {
		l->timers = t->next;
		t->next = NULL;
		t->when = 0;
		t->fn(l, t->ctx);
		fired = 1;
	}
	return fired;
}

void
core_loop_run(struct core_loop *l)
{
	size_t i, n;
	int r, timeout, busy;
	int64_t slept;

	while (!l->stop) {
		busy = any_work(l);
		compact_fds(l);
		/* Does any watched fd have something right now? */
		r = l->nfd ? poll(l->pfd, (nfds_t)l->nfd, 0) : 0;
		if (r == 0 && !busy) {
			/* Input would block: flush, then sleep. */
			run_idle(l);
			if (l->stop)
				break;
			if (l->timers == NULL && l->nfd == 0)
				break;    /* nothing can ever happen */
			timeout = -1;
			if (l->timers) {
				int64_t d = l->timers->when - core_now_mono();

				timeout = d <= 0 ? 0 :
				    (int)((d + 999999) / 1000000);
				if (d > (int64_t)1 << 40)
					timeout = 1 << 30;
			}
			/* In bulk mode, wake up once the input has been quiet
			 * long enough to go back to live (sched.h), so that the
			 * next record does not find us still batching. */
			if (core_sched_mode() == CORE_SCHED_BULK_MODE &&
			    (timeout < 0 ||
			    timeout > CORE_SCHED_QUIET_NS / 1000000))
				timeout = (int)(CORE_SCHED_QUIET_NS / 1000000);
			slept = core_now_mono();
			r = poll(l->pfd, (nfds_t)l->nfd, timeout);
			core_sched_slept(core_now_mono() - slept);
		}
		if (r < 0 && errno != EINTR)
			break;
		if (run_timers(l))
			run_idle(l);
		n = l->nfd;
		for (i = 0; r > 0 && i < n && !l->stop; i++) {
			short re = l->pfd[i].revents;

			if (re && l->pfd[i].fd >= 0) {
				l->pfd[i].revents = 0;
				if (l->w[i].fn != sig_readable)
					l->last_io = core_now_mono();
				l->w[i].fn(l, l->pfd[i].fd, re, l->w[i].ctx);
			}
		}
		for (i = 0; i < l->nwork && !l->stop; i++)
			if (l->work[i].active)
				l->work[i].fn(l, l->work[i].ctx);
	}
}
