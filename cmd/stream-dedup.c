/* SPDX-License-Identifier: MIT */
/* stream-dedup: one record per key -- the first or the last by event time,
 * per window or within an interval. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/cli.h"
#include "libcore/dedupop.h"
#include "libcore/err.h"
#include "libcore/feed.h"
#include "libcore/tool.h"
#include "libcore/xalloc.h"

enum {
	OPT_ON = CORE_OPT_TOOL, OPT_KEEP, OPT_WITHIN, OPT_START, OPT_END
};

static const struct core_opt options[] = {
	{ OPT_ON, 'k', "on", "FIELDS", "the key: records with equal values of "
	  "these fields are duplicates (comma-separated)", NULL },
	{ OPT_KEEP, 0, "keep", "first|last", "keep the earliest record of a "
	  "key (default; out as soon as the watermark passes it) or the latest "
	  "(out when its scope ends)", "first last" },
	{ OPT_WITHIN, 'W', "within", "DUR", "a key's scope lasts DUR of event "
	  "time from its first record, within its window if it has one "
	  "(default: its window, or the whole stream)", NULL },
	{ OPT_START, 0, "start-field", "NAME", "window start field (default "
	  "window_start)", NULL },
	{ OPT_END, 0, "end-field", "NAME", "window end field (default "
	  "window_end)", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"-k FIELDS [--keep first|last] [-W DUR] [options] [FILE ...]",
	"Keeps one record per key: the first or the last by event time, per "
	"window,\nper interval, or over the whole stream.",
	options, "@file"
};

struct dedup {
	struct core_tool t;
	struct core_dedupop_opts o;
	struct core_dedupop *op;
	struct core_keyspec on;
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
};

static struct dedup D;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct dedup *d = ctx;

	switch (id) {
	case OPT_ON:
		if (core_keyspec_init(&d->on, arg) < 0)
			core_usage_error("--on: empty field name in '%s'", arg);
		d->o.on = &d->on;
		break;
	case OPT_KEEP:
		d->o.last = strcmp(core_arg_word("--keep", arg,
		    (const char *const[]){ "first", "last", NULL }), "last") == 0;
		break;
	case OPT_WITHIN:
		d->o.within = core_arg_dur("--within", arg, 0);
		if (d->o.within <= 0)
			core_usage_error("--within: must be more than 0");
		break;
	case OPT_START:
		d->o.start = core_sym_str(arg);
		break;
	case OPT_END:
		d->o.end = core_sym_str(arg);
		break;
	}
	return 0;
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct dedup *d = ctx;

	switch (ev->kind) {
	case CORE_EV_REC:
		core_dedupop_push(d->op, &ev->rec);
		break;
	case CORE_EV_WM:
		core_dedupop_wm(d->op, ev->wm);
		break;
	case CORE_EV_CLOSE:
		core_dedupop_close(d->op, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(d->t.w, ev->barrier);
		break;
	case CORE_EV_BAD:
		core_report_bad(&d->t.rep, f->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static _Noreturn void
finish(struct dedup *d)
{
	core_dedupop_wm(d->op, CORE_WM_MAX);
	core_report_count(&d->t.rep, "duplicate", core_dedupop_dropped(d->op));
	core_tool_exit(&d->t, d->t.sig);
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct dedup *d = ctx;

	(void)f;
	if (d->cur + 1 < d->nfiles) {
		d->cur++;
		core_feed_start(&d->feeds[d->cur], on_event, on_eof, d);
		return;
	}
	finish(d);
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
	struct dedup *d = &D;
	struct core_decopts dec = { .format = "auto" };
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	size_t i;
	int first;

	core_setprogname(argv[0]);
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, d);
	if (d->o.on == NULL)
		core_usage_error("say what makes records duplicates: --on FIELDS");
	if (d->o.start == NULL)
		d->o.start = core_sym_str("window_start");
	if (d->o.end == NULL)
		d->o.end = core_sym_str("window_end");
	d->files = argc > first ? argv + first : stdin_only;
	d->nfiles = argc > first ? (size_t)(argc - first) : 1;
	core_tool_init(&d->t, &com, core_writer_default_format(1), NULL);
	d->op = core_dedupop_new(&d->o, d->t.w);
	d->feeds = core_xcalloc(d->nfiles, sizeof(*d->feeds));
	for (i = 0; i < d->nfiles; i++) {
		if (core_feed_open(&d->feeds[i], d->t.loop, d->files[i], &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    d->files[i]);
		core_feed_stamp_arrival(&d->feeds[i]);
	}
	core_tool_stop_on_signals(&d->t, end_on_signal, d);
	core_feed_start(&d->feeds[0], on_event, on_eof, d);
	core_loop_run(d->t.loop);
	finish(d);
}
