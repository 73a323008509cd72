/* SPDX-License-Identifier: MIT */
/* stream-top: the top N records per window and partition, ranked by fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/cli.h"
#include "libcore/err.h"
#include "libcore/feed.h"
#include "libcore/tool.h"
#include "libcore/topop.h"
#include "libcore/xalloc.h"

enum {
	OPT_N = CORE_OPT_TOOL, OPT_BY, OPT_GROUP, OPT_TIES, OPT_RANK, OPT_EMIT,
	OPT_EVERY, OPT_START, OPT_END
};

static const struct core_opt options[] = {
	{ OPT_N, 'n', "top", "N", "keep N rows per window and partition "
	  "(default 1)", NULL },
	{ OPT_BY, 'b', "by", "FIELD[:desc|:asc][,...]", "rank by these fields, "
	  "largest first unless :asc; nulls rank last", NULL },
	{ OPT_GROUP, 'g', "group-by", "FIELDS", "rank within each partition "
	  "of these fields (comma-separated)", NULL },
	{ OPT_TIES, 0, "with-ties", NULL, "keep every row tied at rank N "
	  "(RANK semantics; otherwise ROW_NUMBER, earlier arrivals first)",
	  NULL },
	{ OPT_RANK, 'r', "rank", "[=NAME]", "add the rank as field NAME "
	  "(default rank)", NULL },
	{ OPT_EMIT, 'e', "emit", "final|update", "without windows: the top "
	  "rows at end of input (final), or again on every change (update)",
	  "final update" },
	{ OPT_EVERY, 0, "every", "DUR", "also emit the current top rows every "
	  "DUR of wall-clock time", NULL },
	{ OPT_START, 0, "start-field", "NAME", "window start field (default "
	  "window_start)", NULL },
	{ OPT_END, 0, "end-field", "NAME", "window end field (default "
	  "window_end)", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"[-n N] -b FIELD[:desc|:asc][,...] [-g FIELDS] [--with-ties] "
	"[-r[NAME]] [options] [FILE ...]",
	"Keeps the N best records of each window (and partition) by the given "
	"fields,\nwritten when the window closes.",
	options, "@file"
};

struct top {
	struct core_tool t;
	struct core_topop_opts o;
	struct core_topop *op;
	struct core_keyspec part;
	int64_t every;
	struct core_timer every_timer;
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
};

static struct top T;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct top *t = ctx;

	switch (id) {
	case OPT_N:
		t->o.n = (size_t)core_arg_num("--top", arg, 1, 1000000);
		break;
	case OPT_BY:
		if (core_sortkeys_parse(arg, &t->o.by, &t->o.nby) < 0)
			core_usage_error("--by: empty field name in '%s'", arg);
		break;
	case OPT_GROUP:
		if (core_keyspec_init(&t->part, arg) < 0)
			core_usage_error("--group-by: empty field name in '%s'",
			    arg);
		t->o.part = &t->part;
		break;
	case OPT_TIES:
		t->o.with_ties = 1;
		break;
	case OPT_RANK:
		t->o.rank = core_sym_str(arg && *arg ? arg : "rank");
		break;
	case OPT_EMIT:
		t->o.update = strcmp(core_arg_word("--emit", arg,
		    (const char *const[]){ "final", "update", NULL }),
		    "update") == 0;
		break;
	case OPT_EVERY:
		t->every = core_arg_dur("--every", arg, 0);
		if (t->every < 1000000)
			core_usage_error("--every: '%s' is less than 1ms", arg);
		break;
	case OPT_START:
		t->o.start = core_sym_str(arg);
		break;
	case OPT_END:
		t->o.end = core_sym_str(arg);
		break;
	}
	return 0;
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct top *t = ctx;

	switch (ev->kind) {
	case CORE_EV_REC:
		core_topop_push(t->op, &ev->rec);
		break;
	case CORE_EV_WM:
		core_topop_wm(t->op, ev->wm);
		break;
	case CORE_EV_CLOSE:
		core_topop_close(t->op, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(t->t.w, ev->barrier);
		break;
	case CORE_EV_BAD:
		core_report_bad(&t->t.rep, f->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static _Noreturn void
finish(struct top *t)
{
	core_topop_wm(t->op, CORE_WM_MAX);
	core_tool_exit(&t->t, t->t.sig);
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct top *t = ctx;

	(void)f;
	if (t->cur + 1 < t->nfiles) {
		t->cur++;
		core_feed_start(&t->feeds[t->cur], on_event, on_eof, t);
		return;
	}
	finish(t);
}

static void
every_tick(struct core_loop *l, void *ctx)
{
	struct top *t = ctx;

	core_topop_every(t->op);
	core_loop_timer(l, &t->every_timer, core_now_mono() + t->every,
	    every_tick, t);
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
	struct top *t = &T;
	struct core_decopts dec = { .format = "auto" };
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	size_t i;
	int first;

	core_setprogname(argv[0]);
	t->o.n = 1;
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, t);
	if (t->o.nby == 0)
		core_usage_error("say what to rank by: --by FIELD[:desc|:asc]");
	if (t->o.start == NULL)
		t->o.start = core_sym_str("window_start");
	if (t->o.end == NULL)
		t->o.end = core_sym_str("window_end");
	t->files = argc > first ? argv + first : stdin_only;
	t->nfiles = argc > first ? (size_t)(argc - first) : 1;
	core_tool_init(&t->t, &com, core_writer_default_format(1), NULL);
	t->op = core_topop_new(&t->o, t->t.w);
	t->feeds = core_xcalloc(t->nfiles, sizeof(*t->feeds));
	for (i = 0; i < t->nfiles; i++) {
		if (core_feed_open(&t->feeds[i], t->t.loop, t->files[i], &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    t->files[i]);
		core_feed_stamp_arrival(&t->feeds[i]);
	}
	core_tool_stop_on_signals(&t->t, end_on_signal, t);
	if (t->every)
		core_loop_timer(t->t.loop, &t->every_timer, core_now_mono() +
		    t->every, every_tick, t);
	core_feed_start(&t->feeds[0], on_event, on_eof, t);
	core_loop_run(t->t.loop);
	finish(t);
}
