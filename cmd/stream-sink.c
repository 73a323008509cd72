/* SPDX-License-Identifier: MIT */
/* stream-sink: records -> NDJSON, CSV, TSV, logfmt, an aligned table or
 * frames, on standard output or in files with rotation. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libcore/cli.h"
#include "libcore/dur.h"
#include "libcore/err.h"
#include "libcore/feed.h"
#include "libcore/tool.h"
#include "libcore/xalloc.h"

enum {
	OPT_OUTPUT = CORE_OPT_TOOL, OPT_APPEND, OPT_ROTATE, OPT_FIELDS,
	OPT_NOHEADER
};

static const struct core_opt options[] = {
	{ OPT_OUTPUT, 0, "output", "FILE", "write to FILE instead of standard "
	  "output", "@file" },
	{ OPT_APPEND, 'a', "append", NULL, "with --output, append instead of "
	  "truncating", NULL },
	{ OPT_ROTATE, 0, "rotate", "SIZE|DUR", "with --output, start a new "
	  "file after SIZE bytes (64M) or every DUR (1h, clock-aligned); the "
	  "old one is renamed FILE.YYYYMMDDTHHMMSSZ", NULL },
	{ OPT_FIELDS, 'k', "fields", "LIST", "write only these fields, in "
	  "this order (comma-separated); missing ones are null", NULL },
	{ OPT_NOHEADER, 0, "no-header", NULL, "csv, tsv, table: no header "
	  "line", NULL },
	CORE_OPTS_OUTPUT("ndjson csv tsv logfmt lines table trace frames"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"[-o FORMAT] [--output FILE [-a] [--rotate SIZE|DUR]] [-k LIST] "
	"[options] [FILE ...]",
	"Writes records from frames or NDJSON as text (NDJSON by default), on "
	"standard\noutput or into files.",
	options, "@file"
};

struct sink {
	struct core_tool t;
	struct core_wopts wo;
	const char *path;
	int append;
	uint64_t rot_size;
	int64_t rot_every;
	uint64_t file_bytes;      /* written to the current file before now */
	struct core_timer rot_timer;
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
	struct core_decopts dec;
	int ended;                /* an end-of-stream frame was seen */
	int sig;
	struct core_timer stop_timer;
};

static struct sink K;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct sink *k = ctx;
	const char *err;
	int64_t ns;

	switch (id) {
	case OPT_OUTPUT:
		k->path = arg;
		/* --output is a file; -o is the format.  Say so when the
		 * file name is a format's and no such file exists. */
		{
			size_t i;

			for (i = 0; core_writer_formats[i]; i++)
				if (strcmp(arg, core_writer_formats[i]) == 0 &&
				    access(arg, F_OK) != 0)
					core_warnx("--output %s writes a file "
					    "named '%s'; for the format, use -o "
					    "%s", arg, arg, arg);
		}
		break;
	case OPT_APPEND:
		k->append = 1;
		break;
	case OPT_ROTATE:
		if (core_dur_parse(arg, 0, &ns, &err) == 0 && ns > 0)
			k->rot_every = ns;
		else if (core_size_parse(arg, &k->rot_size, &err) < 0 ||
		    k->rot_size == 0)
			core_usage_error("--rotate: '%s' is neither a size (64M) "
			    "nor a duration (1h)", arg);
		break;
	case OPT_FIELDS:
		{
			size_t i, j;

			k->wo.fields = core_split_list(arg, &k->wo.nfields);
			for (i = 0; i < k->wo.nfields; i++) {
				if (k->wo.fields[i][0] == '\0')
					core_usage_error("--fields: empty field "
					    "name in '%s'", arg);
				for (j = 0; j < i; j++)
					if (strcmp(k->wo.fields[i],
					    k->wo.fields[j]) == 0)
						core_usage_error("--fields: '%s' "
						    "is listed twice",
						    k->wo.fields[i]);
			}
		}
		break;
	case OPT_NOHEADER:
		k->wo.no_header = 1;
		break;
	}
	return 0;
}

static int
open_output(struct sink *k)
{
	int fl = O_WRONLY | O_CREAT | O_CLOEXEC | (k->append ? O_APPEND :
	    O_TRUNC);
	int fd = open(k->path, fl, 0666);
	struct stat st;

	if (fd < 0)
		core_diesys(CORE_EXIT_IO, "cannot open '%s'", k->path);
	k->file_bytes = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return fd;
}

/* Closes the current file under a dated name and starts a new one. */
static void
rotate(struct sink *k)
{
	char stamp[32], *name;
	size_t len = strlen(k->path) + 48;
	struct tm tm;
	time_t now = time(NULL);
	int i;

	core_writer_end(k->t.w);
	core_tool_flush(&k->t);
	core_writer_free(k->t.w);
	close(k->t.out.fd);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	name = core_xmalloc(len);
	snprintf(name, len, "%s.%s", k->path, stamp);
	for (i = 1; access(name, F_OK) == 0 && i < 1000; i++)
		snprintf(name, len, "%s.%s.%d", k->path, stamp, i);
	if (rename(k->path, name) < 0)
		core_diesys(CORE_EXIT_IO, "cannot rename '%s' to '%s'", k->path,
		    name);
	free(name);
	k->append = 0;
	k->t.out.fd = open_output(k);
	k->t.out.total = 0;
	k->t.w = core_writer_new(&k->t.out, &k->wo);
}

static uint64_t
written(struct sink *k)
{
	return k->file_bytes + k->t.out.total + core_out_pending(&k->t.out);
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct sink *k = ctx;

	switch (ev->kind) {
	case CORE_EV_REC:
		if (k->rot_size && written(k) >= k->rot_size)
			rotate(k);
		core_writer_rec(k->t.w, &ev->rec);
		break;
	case CORE_EV_WM:
		core_writer_wm(k->t.w, ev->wm);
		break;
	case CORE_EV_CLOSE:
		core_writer_close(k->t.w, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(k->t.w, ev->barrier);
		break;
	case CORE_EV_END:
		k->ended = 1;
		break;
	case CORE_EV_BAD:
		core_report_bad(&k->t.rep, f->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct sink *k = ctx;

	if (strcmp(core_dec_format(f->dec), "frames") == 0 && !k->ended &&
	    !k->sig) {
		/* Upstream died before it could finish: say the output may
		 * be incomplete. */
		core_warnx("%s: the frame stream ended without its "
		    "end-of-stream frame: the tool writing it failed, output "
		    "may be incomplete", f->in.name);
		k->t.status = CORE_EXIT_DATA;
	}
	k->ended = 0;
	if (k->cur + 1 < k->nfiles) {
		k->cur++;
		core_feed_start(&k->feeds[k->cur], on_event, on_eof, k);
		return;
	}
	core_tool_exit(&k->t, k->sig);
}

static void
rot_tick(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;
	int64_t now = core_now_real();

	if (written(k) > 0)
		rotate(k);
	/* The next boundary, aligned to the clock (hourly at :00). */
	core_loop_timer(l, &k->rot_timer, core_now_mono() + (k->rot_every -
	    now % k->rot_every), rot_tick, k);
}

static void
stop_now(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;

	(void)l;
	core_tool_exit(&k->t, k->sig);
}

static void
on_signal(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;

	if (k->sig)
		return;
	/* Upstream got the signal too and is flushing: take what it sends
	 * for a moment, then end. */
	k->sig = core_loop_signal_last(l);
	core_loop_timer(l, &k->stop_timer, core_now_mono() + 200000000,
	    stop_now, k);
}

int
main(int argc, char **argv)
{
	struct sink *k = &K;
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	size_t i;
	int first;

	core_setprogname(argv[0]);
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, k);
	k->files = argc > first ? argv + first : stdin_only;
	k->nfiles = argc > first ? (size_t)(argc - first) : 1;
	if ((k->append || k->rot_size || k->rot_every) && k->path == NULL)
		core_usage_error("--append and --rotate need --output FILE");
	k->wo.format = com.outfmt ? com.outfmt : "ndjson";
	core_tool_init(&k->t, &com, "ndjson", &k->wo);
	if (k->path) {
		close(k->t.out.fd == 1 ? -1 : k->t.out.fd);
		k->t.out.fd = open_output(k);
		free(k->t.out.name);
		k->t.out.name = core_xstrdup(k->path);
	}
	k->dec.format = "auto";
	k->feeds = core_xcalloc(k->nfiles, sizeof(*k->feeds));
	for (i = 0; i < k->nfiles; i++) {
		if (core_feed_open(&k->feeds[i], k->t.loop, k->files[i], &k->dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    k->files[i]);
		core_feed_stamp_arrival(&k->feeds[i]);
	}
	core_loop_signals(k->t.loop, on_signal, k);
	if (k->rot_every)
		core_loop_timer(k->t.loop, &k->rot_timer, core_now_mono() +
		    (k->rot_every - core_now_real() % k->rot_every), rot_tick,
		    k);
	core_feed_start(&k->feeds[0], on_event, on_eof, k);
	core_loop_run(k->t.loop);
	core_tool_exit(&k->t, k->sig);
}
