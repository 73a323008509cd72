/* SPDX-License-Identifier: MIT */
/* The event loop: poll over inputs, timers and signals, with the flush rule. */
#ifndef CORE_LOOP_H
#define CORE_LOOP_H

#include <stdint.h>

/*
 * One thread, one poll(2) loop.  The flush rule (DESIGN §6): while input
 * keeps coming, callbacks run back to back and outputs fill big buffers;
 * as soon as no input is ready (a poll with timeout 0 finds nothing) or a
 * timer fires, the idle hooks run (they flush outputs), then the loop
 * sleeps until input or the next timer.
 *
 * Work callbacks are for inputs that never block (regular files, replay
 * backlogs): they run whenever they are active, and while any is active
 * the loop does not sleep.
 */

struct core_loop;

typedef void (*core_fd_fn)(struct core_loop *l, int fd, int revents,
    void *ctx);
typedef void (*core_fn)(struct core_loop *l, void *ctx);

struct core_timer {
	int64_t when;      /* monotonic ns; 0: not armed */
	core_fn fn;
	void *ctx;
	struct core_timer *next;
};

/* New; free with core_loop_free. */
struct core_loop *core_loop_new(void);
void core_loop_free(struct core_loop *l);

/* Watches fd for events (POLLIN ...); fn runs when they occur.  A second
 * call for the same fd replaces the first. */
void core_loop_fd(struct core_loop *l, int fd, short events, core_fd_fn fn,
    void *ctx);
void core_loop_fd_del(struct core_loop *l, int fd);

/* Arms or re-arms t (caller-owned) to run fn at monotonic time when. */
void core_loop_timer(struct core_loop *l, struct core_timer *t,
    int64_t when, core_fn fn, void *ctx);
void core_loop_timer_cancel(struct core_loop *l, struct core_timer *t);

/* A work callback; active while core_loop_work_active says so. */
int core_loop_work(struct core_loop *l, core_fn fn, void *ctx);
void core_loop_work_active(struct core_loop *l, int id, int active);

/* Runs before the loop sleeps, and after timers fire.  Hooks added with
 * core_loop_idle_last run after all others (the output flush). */
void core_loop_idle(struct core_loop *l, core_fn fn, void *ctx);
void core_loop_idle_last(struct core_loop *l, core_fn fn, void *ctx);

/*
 * Catches SIGINT, SIGTERM and SIGHUP; fn runs from the loop (not from the
 * signal handler) with the signal number in *(int *)ctx-independent
 * core_loop_signal_last.  SIGPIPE is ignored: writers see EPIPE.
 */
void core_loop_signals(struct core_loop *l, core_fn fn, void *ctx);
int core_loop_signal_last(const struct core_loop *l);

/*
 * A tool that got SIGINT or SIGTERM ends like at the end of its input, but
 * its upstream got the signal too (^C signals the whole pipeline) and is
 * still sending its last results: the tool waits until its input has been
 * quiet for CORE_STOP_QUIET_NS, and at most CORE_STOP_MAX_NS after the
 * signal.  Call from the stop timer's function: returns 1 when input came
 * within the quiet time (t is re-armed to run fn when it will have been
 * quiet long enough), 0 when it is time to end.  A fixed delay after the
 * signal instead lost the last windows of a four-stage pipeline, each
 * stage ending before the one before it had handed on its results.
 */
#define CORE_STOP_QUIET_NS 200000000LL
#define CORE_STOP_MAX_NS 2000000000LL
int core_loop_stop_wait(struct core_loop *l, struct core_timer *t, core_fn fn,
    void *ctx);

/*
 * Catches SIGCHLD (through the same self-pipe); fn runs from the loop
 * after one or more children ended, and reaps them (waitpid WNOHANG: one
 * call may stand for several children).  Returns 0 or -1 (errno).
 */
int core_loop_children(struct core_loop *l, core_fn fn, void *ctx);

void core_loop_stop(struct core_loop *l);
/* Runs until core_loop_stop, or until nothing is left to wait for. */
void core_loop_run(struct core_loop *l);

int64_t core_now_mono(void);
int64_t core_now_real(void);

#endif
