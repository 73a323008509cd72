/* SPDX-License-Identifier: MIT */
/* stream-filter: keep records matching an expression, compute fields, keep,
 * drop or rename fields; time progress passes through untouched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/cli.h"
#include "libcore/err.h"
#include "libcore/feed.h"
#include "libcore/tool.h"
#include "libcore/xalloc.h"
#include "libcore/xform.h"

enum {
	OPT_WHERE = CORE_OPT_TOOL, OPT_SET, OPT_KEEP, OPT_DROP, OPT_RENAME
};

static const struct core_opt options[] = {
	{ OPT_WHERE, 'w', "where", "EXPR", "keep only records for which EXPR "
	  "is true (SQL syntax: status >= 500 AND path LIKE '/api/%')", NULL },
	{ OPT_SET, 's', "set", "NAME=EXPR", "set field NAME to the value of "
	  "EXPR, adding it at the end if new", NULL },
	{ OPT_KEEP, 'k', "keep", "LIST", "keep only these fields, in this "
	  "order (comma-separated)", NULL },
	{ OPT_DROP, 'x', "drop", "LIST", "remove these fields", NULL },
	{ OPT_RENAME, 'r', "rename", "OLD=NEW[,...]", "rename fields", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"[-w EXPR] [-s NAME=EXPR] [-k LIST] [-x LIST] [-r OLD=NEW] [options] "
	"[FILE ...]",
	"Filters and reshapes records with SQL expressions.  The options act "
	"in the\norder given; watermarks and window punctuation pass through.",
	options, "@file"
};

struct filter {
	struct core_tool t;
	struct core_xform *x;
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
	uint64_t in, out;
};

static struct filter F;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct filter *f = ctx;
	struct core_expr_err err;
	int r = 0;
	const char *opt = "";

	switch (id) {
	case OPT_WHERE:
		r = core_xform_where(f->x, arg, &err);
		opt = "--where";
		break;
	case OPT_SET:
		r = core_xform_set(f->x, arg, &err);
		opt = "--set";
		break;
	case OPT_KEEP:
		r = core_xform_keep(f->x, arg, &err);
		opt = "--keep";
		break;
	case OPT_DROP:
		r = core_xform_drop(f->x, arg, &err);
		opt = "--drop";
		break;
	case OPT_RENAME:
		r = core_xform_rename(f->x, arg, &err);
		opt = "--rename";
		break;
	}
	if (r < 0) {
		if (err.line)
			core_usage_error("%s: expression:%u:%u: %s", opt,
			    err.line, err.col, err.msg);
		core_usage_error("%s: %s", opt, err.msg);
	}
	return 0;
}

static void
idle(struct core_loop *l, void *ctx)
{
	struct filter *f = ctx;

	(void)l;
	core_tool_xform_warn(f->x);
}

static int
on_event(struct core_feed *fd, struct core_event *ev, void *ctx)
{
	struct filter *f = ctx;
	struct core_rec r;

	switch (ev->kind) {
	case CORE_EV_REC:
		f->in++;
		if (core_xform_apply(f->x, &ev->rec, &r)) {
			core_writer_rec(f->t.w, &r);
			f->out++;
		}
		break;
	case CORE_EV_WM:
		core_writer_wm(f->t.w, ev->wm);
		break;
	case CORE_EV_CLOSE:
		core_writer_close(f->t.w, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(f->t.w, ev->barrier);
		break;
	case CORE_EV_BAD:
		core_report_bad(&f->t.rep, fd->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static _Noreturn void
finish(struct filter *f)
{
	core_tool_xform_warn(f->x);
	core_tool_exit(&f->t, f->t.sig);
}

static void
on_eof(struct core_feed *fd, void *ctx)
{
	struct filter *f = ctx;

	(void)fd;
	if (f->cur + 1 < f->nfiles) {
		f->cur++;
		core_feed_start(&f->feeds[f->cur], on_event, on_eof, f);
		return;
	}
	finish(f);
}

/* The end on a signal, once upstream is quiet (core_tool_stop). */
static void
end_on_signal(void *ctx)
{
	finish(ctx);
}


int
main(int argc, char **argv)
{
	struct filter *f = &F;
	struct core_decopts dec = { .format = "auto" };
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	size_t i;
	int first;

	core_setprogname(argv[0]);
	f->x = core_xform_new();
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, f);
	f->files = argc > first ? argv + first : stdin_only;
	f->nfiles = argc > first ? (size_t)(argc - first) : 1;
	core_tool_init(&f->t, &com, core_writer_default_format(1), NULL);
	f->feeds = core_xcalloc(f->nfiles, sizeof(*f->feeds));
	for (i = 0; i < f->nfiles; i++) {
		if (core_feed_open(&f->feeds[i], f->t.loop, f->files[i], &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    f->files[i]);
		core_feed_stamp_arrival(&f->feeds[i]);
	}
	core_loop_idle(f->t.loop, idle, f);
	core_tool_stop_on_signals(&f->t, end_on_signal, f);
	core_feed_start(&f->feeds[0], on_event, on_eof, f);
	core_loop_run(f->t.loop);
	finish(f);
}
