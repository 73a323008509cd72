/* SPDX-License-Identifier: MIT */
/* What every tool's main() sets up: loop, output, writer, report, exit. */
#ifndef CORE_TOOL_H
#define CORE_TOOL_H

#include "libcore/cli.h"
#include "libcore/loop.h"
#include "libcore/out.h"
#include "libcore/report.h"
#include "libcore/writer.h"

/*
 * The output side of a tool and its ending.  The loop's idle hook flushes
 * the writer and stdout (the flush rule); a reader that went away (EPIPE)
 * ends the tool quietly with status 0; any other write error is status 3.
 * Signals (SIGINT, SIGTERM, SIGHUP) call on_signal if set, else end the
 * tool as at end of input.
 */
struct core_tool {
	struct core_loop *loop;
	struct core_out out;
	struct core_writer *w;
	struct core_report rep;
	struct core_common com;
	int status;        /* exit status so far */
	int finished;
	/* A write error on out: returns 1 if it dealt with it (for example
	 * by connecting again), 0 for the default (EPIPE: quiet end; any
	 * other: exit 3). */
	int (*on_out_error)(struct core_tool *t, void *ctx);
	void *on_out_error_ctx;
	/* Ending on a signal (core_tool_stop). */
	int sig;           /* the signal, or 0 */
	struct core_timer stop_timer;
	void (*stop_fn)(void *ctx);
	void *stop_ctx;
};

/*
 * SIGINT, SIGTERM and SIGHUP end the tool as the end of its input does:
 * t->sig is set and end(ctx), the tool's ending, runs once the input has
 * been quiet for a moment (core_loop_stop_wait: upstream got the signal
 * too and hands on its last results).  core_tool_stop is the same for a
 * tool with a signal handler of its own, called from it.
 */
void core_tool_stop_on_signals(struct core_tool *t, void (*end)(void *ctx),
    void *ctx);
void core_tool_stop(struct core_tool *t, void (*end)(void *ctx), void *ctx);

/*
 * Sets up loop, stdout, writer (format com->outfmt, else def), report.
 * wo may be NULL.  Exits 2 for an unknown format.
 */
void core_tool_init(struct core_tool *t, const struct core_common *com,
    const char *def, const struct core_wopts *wo);

struct core_xform;

/* Warns once per expression about runtime problems seen since the last
 * call (type mismatches, division by zero, bad casts: NULL results). */
void core_tool_xform_warn(struct core_xform *x);

/* Flushes the writer's idle work and stdout; handles write errors. */
void core_tool_flush(struct core_tool *t);

/*
 * Ends the output: writer end (the end-of-stream frame), flush, report
 * summary, exit with t->status (or 128+signal when a signal ended it).
 */
_Noreturn void core_tool_exit(struct core_tool *t, int sig);

#endif
