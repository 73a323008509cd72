/* SPDX-License-Identifier: MIT */
/* stream-window: assign records to event-time windows (tumbling, hopping,
 * session, count) and say when each window closes. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/arena.h"
#include "libcore/cli.h"
#include "libcore/err.h"
#include "libcore/evtime.h"
#include "libcore/feed.h"
#include "libcore/kmap.h"
#include "libcore/timefmt.h"
#include "libcore/tool.h"
#include "libcore/winop.h"
#include "libcore/wm.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

enum {
	OPT_TUMBLING = CORE_OPT_TOOL, OPT_HOPPING, OPT_SESSION, OPT_COUNT,
	OPT_FROM, OPT_UNTIL,
	OPT_OFFSET, OPT_BY, OPT_LATENESS, OPT_LATE, OPT_HORIZON, OPT_START,
	OPT_END
};

static const struct core_opt options[] = {
	{ OPT_TUMBLING, 'T', "tumbling", "SIZE", "fixed windows of SIZE, one "
	  "after another (10s, 1m, 1h)", NULL },
	{ OPT_HOPPING, 'H', "hopping", "SIZE/SLIDE", "windows of SIZE starting "
	  "every SLIDE; a record lands in each window that covers it", NULL },
	{ OPT_SESSION, 'S', "session", "GAP", "per key (--by): a window lasts "
	  "while records come less than GAP apart", NULL },
	{ OPT_COUNT, 'C', "count", "N", "windows of N records (per key with "
	  "--by)", NULL },
	{ OPT_UNTIL, 'U', "until", "FIELD[:FORMAT]", "windows bounded by records: "
	  "a record with FIELD opens a window for its key (--by) that ends at "
	  "FIELD's time; other records of the key join it", NULL },
	{ OPT_FROM, 0, "from", "FIELD[:FORMAT]", "with --until, the window "
	  "starts at this field's time (default: the record's event time)",
	  NULL },
	{ OPT_OFFSET, 0, "offset", "DUR", "shift tumbling and hopping windows "
	  "from the epoch by DUR (e.g. 30m for half past)", NULL },
	{ OPT_BY, 'b', "by", "FIELDS", "key fields for session and count "
	  "windows (comma-separated)", NULL },
	{ OPT_LATENESS, 'l', "allowed-lateness", "DUR", "keep a window open "
	  "DUR past its end for late records (default 0)", NULL },
	{ OPT_LATE, 0, "late", "drop|update|FILE", "records for a closed "
	  "window: drop and count them (default), re-emit the window's result "
	  "changed, or write them to FILE with a reason", "drop update @file" },
	{ OPT_HORIZON, 0, "late-horizon", "DUR", "with --late update, how long "
	  "after closing a window still takes updates (default 1h)", NULL },
	{ OPT_START, 0, "start-field", "NAME", "name of the window start field "
	  "(default window_start)", NULL },
	{ OPT_END, 0, "end-field", "NAME", "name of the window end field "
	  "(default window_end)", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"(-T SIZE | -H SIZE/SLIDE | -S GAP | -C N | -U FIELD) [-b FIELDS] "
	"[-l DUR] "
	"[--late drop|update|FILE] [options] [FILE ...]",
	"Adds window_start and window_end to each record and writes a "
	"window-close\npunctuation when the watermark passes a window's end.",
	options, "@file"
};

struct win {
	struct core_tool t;
	struct core_winop_opts o;
	struct core_winop *op;
	struct core_keyspec by;
	struct core_evtime from, until;
	int horizon_set;
	const char *by_list;
	const char *late_file;
	const char *start_name, *end_name;
	struct core_out *late_out;
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
};

static struct win W;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct win *w = ctx;
	const char *slash;
	char *sz;

	switch (id) {
	case OPT_TUMBLING:
	case OPT_HOPPING:
	case OPT_SESSION:
	case OPT_COUNT:
		if (w->o.kind != CORE_WIN_GRID || w->o.size || w->o.count)
			core_usage_error("give one of --tumbling, --hopping, "
			    "--session, --count, --until");
		break;
	}
	switch (id) {
	case OPT_TUMBLING:
		w->o.size = w->o.slide = core_arg_dur("--tumbling", arg, 0);
		if (w->o.size <= 0)
			core_usage_error("--tumbling: the size must be more "
			    "than 0");
		break;
	case OPT_HOPPING:
		if ((slash = strchr(arg, '/')) == NULL)
			core_usage_error("--hopping: '%s' is not SIZE/SLIDE "
			    "(e.g. 1m/10s)", arg);
		sz = core_xmemdup(arg, (size_t)(slash - arg));
		w->o.size = core_arg_dur("--hopping", sz, 0);
		free(sz);
		w->o.slide = core_arg_dur("--hopping", slash + 1, 0);
		if (w->o.size <= 0 || w->o.slide <= 0 ||
		    w->o.slide > w->o.size)
			core_usage_error("--hopping: need 0 < SLIDE <= SIZE");
		if (w->o.size / w->o.slide > 10000)
			core_usage_error("--hopping: SIZE/SLIDE is more than "
			    "10000 windows per record");
		break;
	case OPT_SESSION:
		w->o.kind = CORE_WIN_SESSION;
		w->o.gap = core_arg_dur("--session", arg, 0);
		if (w->o.gap <= 0)
			core_usage_error("--session: the gap must be more "
			    "than 0");
		break;
	case OPT_COUNT:
		w->o.kind = CORE_WIN_COUNT;
		w->o.count = core_arg_num("--count", arg, 1, 100000000);
		break;
	case OPT_UNTIL:
		if (w->o.kind != CORE_WIN_GRID || w->o.size || w->o.count)
			core_usage_error("give one of --tumbling, --hopping, "
			    "--session, --count, --until");
		w->o.kind = CORE_WIN_FIELD;
		if (core_evtime_init(&w->until, arg) < 0)
			core_usage_error("--until: unknown time format in '%s'",
			    arg);
		w->o.until = &w->until;
		break;
	case OPT_FROM:
		if (core_evtime_init(&w->from, arg) < 0)
			core_usage_error("--from: unknown time format in '%s'",
			    arg);
		w->o.from = &w->from;
		break;
	case OPT_OFFSET:
		w->o.offset = core_arg_dur("--offset", arg, 1);
		break;
	case OPT_BY:
		w->by_list = arg;
		break;
	case OPT_LATENESS:
		w->o.lateness = core_arg_dur("--allowed-lateness", arg, 0);
		break;
	case OPT_LATE:
		if (strcmp(arg, "update") == 0)
			w->o.late = CORE_LATE_UPDATE;
		else if (strcmp(arg, "drop") == 0)
			w->o.late = CORE_LATE_DROP;
		else {
			w->o.late = CORE_LATE_WRITE;
			w->late_file = arg;
		}
		break;
	case OPT_HORIZON:
		w->o.horizon = core_arg_dur("--late-horizon", arg, 0);
		w->horizon_set = 1;
		break;
	case OPT_START:
		w->start_name = arg;
		break;
	case OPT_END:
		w->end_name = arg;
		break;
	}
	return 0;
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct win *w = ctx;

	switch (ev->kind) {
	case CORE_EV_REC:
		core_winop_push(w->op, &ev->rec);
		break;
	case CORE_EV_WM:
		core_winop_wm(w->op, ev->wm);
		break;
	case CORE_EV_CLOSE:
		/* Windows of an upstream stage end with this stage's own. */
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(w->t.w, ev->barrier);
		break;
	case CORE_EV_BAD:
		core_report_bad(&w->t.rep, f->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static _Noreturn void
finish(struct win *w)
{
	core_winop_wm(w->op, CORE_WM_MAX);
	core_report_count(&w->t.rep, "late", core_winop_late(w->op));
	if (core_winop_late_written(w->op))
		core_warnx("%llu late record%s written to %s",
		    (unsigned long long)core_winop_late_written(w->op),
		    core_winop_late_written(w->op) == 1 ? "" : "s",
		    w->late_file);
	core_report_count(&w->t.rep, "outside every window",
	    core_winop_outside(w->op));
	core_report_count(&w->t.rep, "window ending before it starts",
	    core_winop_badbounds(w->op));
	if (w->o.late_w) {
		core_writer_end(w->o.late_w);
		core_out_flush(w->late_out);
	}
	core_tool_exit(&w->t, w->t.sig);
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct win *w = ctx;

	(void)f;
	if (w->cur + 1 < w->nfiles) {
		w->cur++;
		core_feed_start(&w->feeds[w->cur], on_event, on_eof, w);
		return;
	}
	finish(w);
}

/* The end on a signal, once upstream is quiet (core_tool_stop). */
static void
end_on_signal(void *ctx)
{
	finish(ctx);
}


static int
open_late(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);

	if (fd < 0)
		core_diesys(CORE_EXIT_IO, "cannot open '%s'", path);
	return fd;
}

int
main(int argc, char **argv)
{
	struct win *w = &W;
	struct core_decopts dec = { .format = "auto" };
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	const char *why;
	size_t i;
	int first;

	core_setprogname(argv[0]);
	w->o.horizon = 3600LL * 1000000000;
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, w);
	if (w->o.kind == CORE_WIN_GRID && w->o.size == 0)
		core_usage_error("say which windows: --tumbling, --hopping, "
		    "--session, --count or --until");
	if (w->o.from && w->o.kind != CORE_WIN_FIELD)
		core_usage_error("--from goes with --until");
	if (w->o.kind != CORE_WIN_GRID && w->o.offset)
		core_usage_error("--offset applies to --tumbling and --hopping");
	if (w->o.kind == CORE_WIN_GRID && w->by_list)
		core_usage_error("--by applies to --session, --count and --until "
		    "(group tumbling windows with stream-agg -g)");
	if (w->o.kind == CORE_WIN_COUNT && w->o.lateness)
		core_usage_error("--allowed-lateness does not apply to --count "
		    "windows (they close by count, not time)");
	if (w->horizon_set && w->o.late != CORE_LATE_UPDATE)
		core_usage_error("--late-horizon goes with --late update");
	if (w->o.kind != CORE_WIN_GRID && w->o.late == CORE_LATE_UPDATE)
		core_usage_error("--late update applies to --tumbling and "
		    "--hopping");
	if (w->by_list && core_keyspec_init(&w->by, w->by_list) < 0)
		core_usage_error("--by: empty field name in '%s'", w->by_list);
	w->o.by = &w->by;
	w->o.start = core_sym_str(w->start_name ? w->start_name :
	    "window_start");
	w->o.end = core_sym_str(w->end_name ? w->end_name : "window_end");
	if (w->o.start == w->o.end)
		core_usage_error("--start-field and --end-field must differ");
	w->files = argc > first ? argv + first : stdin_only;
	w->nfiles = argc > first ? (size_t)(argc - first) : 1;
	core_tool_init(&w->t, &com, core_writer_default_format(1), NULL);
	if (w->late_file) {
		struct core_wopts lo = { .format = "ndjson" };
		int fd = open_late(w->late_file);

		w->late_out = core_xmalloc(sizeof(*w->late_out));
		core_out_init(w->late_out, fd, w->late_file);
		w->o.late_w = core_writer_new(w->late_out, &lo);
	}
	if ((w->op = core_winop_new(&w->o, w->t.w, &why)) == NULL)
		core_usage_error("%s", why);
	/* Frames through tumbling and hopping windows: only the event time is
	 * read; the values go on as their frame bytes. */
	dec.lazy = w->o.kind == CORE_WIN_GRID;
	w->feeds = core_xcalloc(w->nfiles, sizeof(*w->feeds));
	for (i = 0; i < w->nfiles; i++) {
		if (core_feed_open(&w->feeds[i], w->t.loop, w->files[i], &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    w->files[i]);
		core_feed_stamp_arrival(&w->feeds[i]);
	}
	core_tool_stop_on_signals(&w->t, end_on_signal, w);
	core_feed_start(&w->feeds[0], on_event, on_eof, w);
	core_loop_run(w->t.loop);
	finish(w);
}
