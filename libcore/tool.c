/* SPDX-License-Identifier: MIT */
/* What every tool's main() sets up: loop, output, writer, report, exit. */
#include "libcore/tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/err.h"
#include "libcore/xform.h"

static void
check_out(struct core_tool *t)
{
	if (t->out.err == 0)
		return;
	if (t->on_out_error && t->on_out_error(t, t->on_out_error_ctx))
		return;
	if (t->out.err == EPIPE) {
		/* The reader went away: stop quietly (DESIGN §6). */
		t->out.err = 0;
		t->out.len = 0;
		core_exit(t->status);
	}
	errno = t->out.err;
	t->out.err = 0;
	t->out.len = 0;
	core_diesys(CORE_EXIT_IO, "write error on %s", t->out.name);
}

void
core_tool_flush(struct core_tool *t)
{
	if (t->w && !t->finished)
		core_writer_idle(t->w);
	core_out_flush(&t->out);
	check_out(t);
}

static void
idle_hook(struct core_loop *l, void *ctx)
{
	(void)l;
	core_tool_flush(ctx);
}

static void
exit_hook(void *ctx)
{
	struct core_tool *t = ctx;

	core_out_flush(&t->out);
	if (t->out.err && t->out.err != EPIPE) {
		errno = t->out.err;
		core_warn("write error on %s", t->out.name);
	}
}

void
core_tool_init(struct core_tool *t, const struct core_common *com,
    const char *def, const struct core_wopts *wo)
{
	struct core_wopts o;

	memset(t, 0, sizeof(*t));
	t->com = *com;
	t->loop = core_loop_new();
	core_out_init(&t->out, 1, "<stdout>");
	if (wo)
		o = *wo;
	else
		memset(&o, 0, sizeof(o));
	o.format = com->outfmt ? com->outfmt : def;
	t->w = core_writer_new(&t->out, &o);
	if (t->w == NULL)
		core_arg_word(com->outfmt == NULL && getenv("STREAMUTILS_FORMAT")
		    && strcmp(getenv("STREAMUTILS_FORMAT"), o.format) == 0 ?
		    "STREAMUTILS_FORMAT" : "--output-format", o.format,
		    core_writer_formats);
	core_atexit(exit_hook, t);
	core_report_init(&t->rep, com->strict, com->quiet, com->errors);
	core_loop_idle_last(t->loop, idle_hook, t);
}

void
core_tool_exit(struct core_tool *t, int sig)
{
	if (!t->finished) {
		t->finished = 1;
		core_writer_end(t->w);
	}
	core_out_flush(&t->out);
	check_out(t);
	core_writer_free(t->w);
	t->w = NULL;
	if (sig == 0)
		core_exit(t->status);
	core_exit(128 + sig);
}

static void
tell(const char *src, const struct core_expr_diag *d, void *ctx)
{
	(void)ctx;
	core_warnx("%s (in '%s'; %llu time%s so far)", d->first, src,
	    (unsigned long long)d->n, d->n == 1 ? "" : "s");
}

void
core_tool_xform_warn(struct core_xform *x)
{
	core_xform_diags(x, tell, NULL);
}

static void
stop_tick(struct core_loop *l, void *ctx)
{
	struct core_tool *t = ctx;

	if (core_loop_stop_wait(l, &t->stop_timer, stop_tick, t))
		return;         /* upstream is still handing on its last */
	t->stop_fn(t->stop_ctx);
}

void
core_tool_stop(struct core_tool *t, void (*end)(void *ctx), void *ctx)
{
	if (t->sig)
		return;
	t->sig = core_loop_signal_last(t->loop);
	t->stop_fn = end;
	t->stop_ctx = ctx;
	core_loop_timer(t->loop, &t->stop_timer, core_now_mono() +
	    CORE_STOP_QUIET_NS, stop_tick, t);
}

static void
on_stop_signal(struct core_loop *l, void *ctx)
{
	struct core_tool *t = ctx;

	(void)l;
	core_tool_stop(t, t->stop_fn, t->stop_ctx);
}

void
core_tool_stop_on_signals(struct core_tool *t, void (*end)(void *ctx),
    void *ctx)
{
	t->stop_fn = end;
	t->stop_ctx = ctx;
	core_loop_signals(t->loop, on_stop_signal, t);
}
