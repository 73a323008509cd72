/* SPDX-License-Identifier: MIT */
/* stream-sink: records -> NDJSON, CSV, TSV, logfmt, an aligned table or
 * frames, on standard output or in files with rotation. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libcore/cli.h"
#include "libcore/dur.h"
#include "libcore/err.h"
#include "libcore/execq.h"
#include "libcore/feed.h"
#include "libcore/metrics.h"
#include "libcore/prom.h"
#include "libcore/sock.h"
#include "libcore/term.h"
#include "libcore/tool.h"
#include "libcore/xalloc.h"

enum {
	OPT_OUTPUT = CORE_OPT_TOOL, OPT_APPEND, OPT_ROTATE, OPT_FIELDS,
	OPT_NOHEADER, OPT_CONNECT, OPT_LISTEN, OPT_RETRY, OPT_BUFFER,
	OPT_ONFULL, OPT_REDRAW, OPT_BAR, OPT_EXEC, OPT_MAXPROCS, OPT_RATELIMIT,
	OPT_EXECTIMEOUT, OPT_METRICS, OPT_MPREFIX, OPT_MLABELS, OPT_MTTL,
	OPT_LINGER
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
	{ OPT_CONNECT, 'c', "connect", "ENDPOINT", "send to tcp://HOST:PORT, "
	  "unix:PATH or udp://HOST:PORT (frames by default; reconnects)",
	  NULL },
	{ OPT_LISTEN, 'l', "listen", "ENDPOINT", "serve the stream to every "
	  "subscriber that connects to tcp://HOST:PORT or unix:PATH (frames "
	  "by default); input waits while there is none", NULL },
	{ OPT_RETRY, 0, "retry", "DUR", "with --connect, keep trying to "
	  "(re)connect for DUR before giving up (default 30s)", NULL },
	{ OPT_BUFFER, 0, "buffer", "SIZE", "with --connect, hold up to SIZE "
	  "of output while not connected (default 16M)", NULL },
	{ OPT_ONFULL, 0, "on-full", "block|drop", "with --connect, when the "
	  "buffer is full: stop reading input (default), or drop records and "
	  "count them", "block drop" },
	{ OPT_REDRAW, 0, "redraw", "WHEN", "-o table: redraw the screen in "
	  "place as windows close: auto (on a terminal), always, never",
	  "auto always never" },
	{ OPT_BAR, 0, "bar", "FIELD", "-o table: add a column with a bar for "
	  "the number in FIELD", NULL },
	{ OPT_EXEC, 0, "exec", "CMD", "run CMD with /bin/sh for each record: "
	  "the record as NDJSON on its stdin, its fields in STREAM_NAME (and "
	  "NAME) variables; records go to stdout only with -o or --output",
	  "@cmd" },
	{ OPT_MAXPROCS, 'P', "max-procs", "N", "with --exec, run at most N "
	  "commands at a time (default 4); the next records wait", NULL },
	{ OPT_RATELIMIT, 0, "rate-limit", "N/DUR", "with --exec, run at most "
	  "N commands per DUR (10/1m: a burst of 10, then one every 6s); "
	  "records over it are not run, and counted", NULL },
	{ OPT_EXECTIMEOUT, 0, "exec-timeout", "DUR", "with --exec, stop a "
	  "command after DUR (SIGTERM, SIGKILL 2s later)", NULL },
	{ OPT_METRICS, 0, "metrics", "HOST:PORT", "serve the latest value of "
	  "each number field per label set as Prometheus metrics on "
	  "http://HOST:PORT/metrics (port 0: any free one); records are then "
	  "written only if -o, --output, --connect or --listen asks", NULL },
	{ OPT_MPREFIX, 0, "metrics-prefix", "PREFIX", "metric names start "
	  "with PREFIX (default stream_)", NULL },
	{ OPT_MLABELS, 0, "metrics-labels", "LIST", "these fields are labels "
	  "whatever their type (group keys that are numbers, like status)",
	  NULL },
	{ OPT_MTTL, 0, "metrics-ttl", "DUR", "drop a series not updated for "
	  "DUR of event time (default: keep every series)", NULL },
	{ OPT_LINGER, 0, "linger", NULL, "with --metrics, keep serving after "
	  "the end of input, until a signal", NULL },
	CORE_OPTS_OUTPUT("ndjson csv tsv logfmt lines table trace frames"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"[-o FORMAT] [--output FILE [-a] [--rotate SIZE|DUR]] "
	"[-c ENDPOINT | -l ENDPOINT] [-k LIST] "
	"[--exec CMD [-P N] [--rate-limit N/DUR]] [--metrics HOST:PORT] "
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
	/* --connect, --listen */
	const char *connect, *listen;
	struct core_endpoint ep;
	int64_t retry;
	uint64_t bufmax;          /* --buffer */
	int drop;                 /* --on-full drop */
	int onfull_set;
	int down;                 /* --connect: not connected (out held) */
	int64_t down_since;       /* when the link went (or the first try) */
	int64_t backoff;
	struct core_timer conn_timer;
	int full;                 /* input paused: the buffer is full */
	uint64_t dropped;         /* records dropped: the buffer was full */
	int eof;                  /* input done, waiting to send the rest */
	int reconnecting;         /* down after a connection was lost */
	uint64_t nrec;            /* records written */
	uint64_t nflushed;        /* of them, handed to the kernel */
	uint64_t lost;            /* written but not sent (a broken link) */
	int lfd;
	struct sub *subs;         /* --listen: subscribers */
	size_t nsubs;
	uint64_t nsubs_total;
	int paused;
	const char *redraw;       /* -o table: auto, always, never */
	/* --exec */
	struct core_execq_opts xo;
	struct core_ratelim rate;
	const char *rate_arg;
	struct core_execq *q;
	int exec_only;            /* records go to the commands only */
	uint64_t xseq;            /* records of the current input so far */
	int64_t limit_warned;     /* when --rate-limit was last told of */
	struct core_timer room_timer;
	int stop_waited;
	/* --metrics */
	const char *metrics;
	struct core_endpoint mep;
	struct core_metrics_opts mo;
	struct core_metrics *m;
	int metrics_only;         /* no record output asked for */
	int linger, lingering;
};

/* A subscriber of --listen: its own output and writer (so it gets the
 * stream header and every schema it needs, whenever it joins). */
struct sub {
	struct core_out out;
	struct core_writer *w;
	struct sub *next;
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
	case OPT_CONNECT:
	case OPT_LISTEN:
		{
			char msg[256];

			if (k->connect || k->listen)
				core_usage_error("one --connect or --listen");
			if (core_endpoint_parse(&k->ep, arg, msg,
			    sizeof(msg)) < 0)
				core_usage_error("%s: %s", id == OPT_CONNECT ?
				    "--connect" : "--listen", msg);
			if (id == OPT_LISTEN && k->ep.kind == CORE_EP_UDP)
				core_usage_error("--listen: tcp:// or unix:, not "
				    "udp:// (send datagrams with --connect)");
			*(id == OPT_CONNECT ? &k->connect : &k->listen) = arg;
		}
		break;
	case OPT_RETRY:
		k->retry = core_arg_dur("--retry", arg, 0);
		break;
	case OPT_BUFFER:
		if (core_size_parse(arg, &k->bufmax, &err) < 0 ||
		    k->bufmax == 0)
			core_usage_error("--buffer: '%s' is not a size (16M)",
			    arg);
		break;
	case OPT_ONFULL:
		if (strcmp(arg, "drop") == 0)
			k->drop = 1;
		else if (strcmp(arg, "block") != 0)
			core_usage_error("--on-full: 'block' or 'drop', not "
			    "'%s'", arg);
		else
			k->drop = 0;
		k->onfull_set = 1;
		break;
	case OPT_REDRAW:
		{
			static const char *const when[] = { "auto", "always",
				"never", NULL };

			k->redraw = core_arg_word("--redraw", arg, when);
		}
		break;
	case OPT_BAR:
		if (*arg == '\0')
			core_usage_error("--bar: empty field name");
		k->wo.bar = arg;
		break;
	case OPT_EXEC:
		if (arg[0] == '\0')
			core_usage_error("--exec: the command is empty");
		k->xo.cmd = arg;
		break;
	case OPT_MAXPROCS:
		k->xo.max_procs = (unsigned)core_arg_num("--max-procs", arg, 1,
		    1024);
		break;
	case OPT_RATELIMIT:
		if (core_ratelim_parse(&k->rate, arg, &err) < 0)
			core_usage_error("--rate-limit: '%s': %s (write e.g. "
			    "10/1m, 1/5s)", arg, err);
		k->rate_arg = arg;
		break;
	case OPT_EXECTIMEOUT:
		k->xo.timeout = core_arg_dur("--exec-timeout", arg, 0);
		if (k->xo.timeout <= 0)
			core_usage_error("--exec-timeout: '%s' is not more than "
			    "0", arg);
		break;
	case OPT_METRICS:
		{
			char msg[300];

			if (k->metrics)
				core_usage_error("--metrics: given twice");
			if (core_metrics_endpoint(&k->mep, arg, msg,
			    sizeof(msg)) < 0)
				core_usage_error("--metrics: %s", msg);
			k->metrics = arg;
		}
		break;
	case OPT_MPREFIX:
		if (!core_prom_prefix_ok(arg))
			core_usage_error("--metrics-prefix: '%s' is not the start "
			    "of a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", arg);
		k->mo.prefix = arg;
		break;
	case OPT_MLABELS:
		{
			size_t i, n;

			core_free_list(k->mo.labels);
			k->mo.labels = core_split_list(arg, &n);
			for (i = 0; i < n; i++)
				if (k->mo.labels[i][0] == '\0')
					core_usage_error("--metrics-labels: empty "
					    "field name in '%s'", arg);
		}
		break;
	case OPT_MTTL:
		k->mo.ttl = core_arg_dur("--metrics-ttl", arg, 0);
		if (k->mo.ttl <= 0)
			core_usage_error("--metrics-ttl: '%s': give a duration "
			    "above 0 (or leave it out to keep every series)",
			    arg);
		break;
	case OPT_LINGER:
		k->linger = 1;
		break;
	}
	return 0;
}

/* ---- --connect ----------------------------------------------------------- */

/*
 * Not connected, the output is held in memory (up to --buffer): a new
 * stream (header, schemas) for the next connection is written there, and
 * input goes on being read.  A timer tries to connect with backoff (0.1 s
 * doubling to 2 s); after --retry without success the sink gives up
 * (exit 3, the held records counted as not sent).
 */
static void sink_done(struct sink *k);
static _Noreturn void sink_exit(struct sink *k);

static void
try_connect(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;
	struct core_tool *t = &k->t;
	char err[300];
	uint64_t n;
	int fd;

	fd = core_sock_connect(&k->ep, err, sizeof(err));
	if (fd < 0) {
		if (core_now_mono() - k->down_since >= k->retry || k->sig) {
			core_warnx("%s%s", err, k->retry ? " (gave up after "
			    "--retry)" : "");
			k->lost += k->nrec - k->nflushed;
			k->nflushed = k->nrec;
			t->out.len = 0;
			t->status = CORE_EXIT_IO;
			sink_exit(k);
		}
		if (k->backoff == 100000000) {
			char d[CORE_DUR_BUFSZ];

			core_dur_format(k->retry, d);
			core_warnx("%s; trying again for up to %s", err, d);
		}
		core_loop_timer(l, &k->conn_timer, core_now_mono() +
		    k->backoff, try_connect, k);
		if (k->backoff < 2000000000)
			k->backoff *= 2;
		return;
	}
	if (k->reconnecting)
		core_warnx("reconnected to %s", k->ep.text);
	else if (k->backoff > 100000000)
		core_warnx("connected to %s", k->ep.text);
	k->reconnecting = 0;
	k->down = 0;
	t->out.fd = fd;
	t->out.hold = 0;
	n = k->nrec - k->nflushed;
	if (core_out_flush(&t->out) == 0)
		k->nflushed = k->nrec;
	if (n && !t->com.quiet)
		core_warnx("%llu held record%s sent", (unsigned long long)n,
		    n == 1 ? "" : "s");
	if (k->full) {
		k->full = 0;
		core_feed_resume(&k->feeds[k->cur]);
	}
	core_tool_flush(t);
	if (k->eof && !k->down)
		sink_done(k);
}

/* The link is down (or not up yet): hold the output, start trying. */
static void
go_down(struct sink *k)
{
	struct core_tool *t = &k->t;

	if (t->out.fd >= 0)
		close(t->out.fd);
	t->out.fd = -1;
	t->out.err = 0;
	t->out.len = 0;
	t->out.hold = 1;
	if (t->w)
		core_writer_free(t->w);
	t->w = core_writer_new(&t->out, &k->wo);
	k->down = 1;
	k->down_since = core_now_mono();
	k->backoff = 100000000;
	try_connect(t->loop, k);
}

/*
 * The link broke (the peer closed it, or reset it): what was buffered is
 * lost and counted, and the sink goes down until a new connection takes
 * a new stream.  Delivery is at most once: bytes the kernel had taken but
 * the peer never read are lost too, uncounted.
 */
static int
on_out_error(struct core_tool *t, void *ctx)
{
	struct sink *k = ctx;
	int e = t->out.err;
	uint64_t n;

	if (!k->connect)
		return 0;
	if (k->ep.kind == CORE_EP_UDP) {
		/* A datagram nobody took (nothing listening: the kernel says
		 * so on the next send), or too big: lost, counted. */
		k->lost++;
		t->out.err = 0;
		t->out.len = 0;
		return 1;
	}
	n = k->nrec - k->nflushed;
	k->lost += n;
	k->nflushed = k->nrec;
	core_warnx("connection to %s lost (%s); %llu record%s not sent, "
	    "reconnecting", k->ep.text, strerror(e), (unsigned long long)n,
	    n == 1 ? "" : "s");
	k->reconnecting = 1;
	go_down(k);
	return 1;
}

/* ---- --listen ------------------------------------------------------------ */

static void on_sub_accept(struct core_loop *l, int fd, int revents,
    void *ctx);
static int on_event(struct core_feed *f, struct core_event *ev, void *ctx);
static void on_eof(struct core_feed *f, void *ctx);

static void
sub_drop(struct sink *k, struct sub *s, const char *why)
{
	struct sub **pp;

	for (pp = &k->subs; *pp && *pp != s; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = s->next;
	k->nsubs--;
	if (why && !k->t.com.quiet)
		core_warnx("%s: subscriber gone (%s)", s->out.name, why);
	core_writer_free(s->w);
	s->out.err = 0;
	s->out.len = 0;
	close(s->out.fd);
	core_out_release(&s->out);
	free(s);
	if (k->nsubs == 0 && !k->paused) {
		/* Nobody to write to: the input waits (no record is lost). */
		k->paused = 1;
		core_feed_pause(&k->feeds[k->cur]);
	}
}

static void
subs_check(struct sink *k)
{
	struct sub *s, *next;

	for (s = k->subs; s; s = next) {
		next = s->next;
		if (s->out.err)
			sub_drop(k, s, strerror(s->out.err));
	}
}

static void
on_sub_accept(struct core_loop *l, int lfd, int revents, void *ctx)
{
	struct sink *k = ctx;
	char peer[160];
	int fd;

	(void)l;
	(void)revents;
	while ((fd = core_sock_accept(lfd, peer, sizeof(peer))) >= 0) {
		struct sub *s = core_xcalloc(1, sizeof(*s));
		int fl = fcntl(fd, F_GETFL);

		/* Blocking writes: a slow subscriber slows the stream. */
		if (fl >= 0)
			(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		core_out_init(&s->out, fd, peer);
		s->w = core_writer_new(&s->out, &k->wo);
		s->next = k->subs;
		k->subs = s;
		k->nsubs++;
		k->nsubs_total++;
	}
	if (k->paused && k->nsubs) {
		k->paused = 0;
		core_feed_resume(&k->feeds[k->cur]);
	}
}

static void
subs_flush(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;
	struct sub *s;

	(void)l;
	for (s = k->subs; s; s = s->next) {
		core_writer_idle(s->w);
		core_out_flush(&s->out);
	}
	subs_check(k);
}

/* Every event goes to every subscriber. */
static void
subs_event(struct sink *k, const struct core_event *ev)
{
	struct sub *s;

	for (s = k->subs; s; s = s->next) {
		switch (ev->kind) {
		case CORE_EV_REC:
			core_writer_rec(s->w, &ev->rec);
			break;
		case CORE_EV_WM:
			core_writer_wm(s->w, ev->wm);
			break;
		case CORE_EV_CLOSE:
			core_writer_close(s->w, &ev->win);
			break;
		case CORE_EV_BARRIER:
			core_writer_barrier(s->w, ev->barrier);
			break;
		default:
			break;
		}
	}
	subs_check(k);
}

/* At the end: each subscriber's stream ends properly. */
static void
subs_end(void *ctx)
{
	struct sink *k = ctx;

	while (k->subs) {
		struct sub *s = k->subs;

		core_writer_end(s->w);
		core_out_flush(&s->out);
		k->subs = s->next;
		core_writer_free(s->w);
		close(s->out.fd);
		s->out.err = 0;
		core_out_release(&s->out);
		free(s);
	}
	if (k->listen && k->ep.kind == CORE_EP_UNIX)
		unlink(k->ep.path);
}

/* ---- --metrics ---------------------------------------------------------- */

static void
metrics_stop(void *ctx)
{
	struct sink *k = ctx;

	core_metrics_free(k->m);
	k->m = NULL;
	core_endpoint_release(&k->mep);
	core_free_list(k->mo.labels);
	k->mo.labels = NULL;
}

static void
metrics_start(struct sink *k)
{
	char err[300], url[256];

	k->m = core_metrics_start(&k->mep, &k->mo, k->t.loop, &k->t.rep, url,
	    sizeof(url), err, sizeof(err));
	if (k->m == NULL)
		core_die(CORE_EXIT_IO, "%s", err);
	core_atexit(metrics_stop, k);
	if (!k->t.com.quiet)
		core_warnx("serving metrics on %s", url);
}

/*
 * The input ended: the last table is published.  With --linger, the
 * stream's readers get its end now and the metrics stay until a signal
 * (returns 1); else the tool ends (0).
 */
static int
metrics_end(struct sink *k)
{
	core_metrics_end(k->m);
	if (!k->linger)
		return 0;
	k->lingering = 1;
	if (!k->t.finished) {
		k->t.finished = 1;
		core_writer_end(k->t.w);
	}
	core_tool_flush(&k->t);
	if (k->listen) {
		subs_end(k);
		core_loop_fd_del(k->t.loop, k->lfd);
		close(k->lfd);
	}
	return 1;
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

static void exec_summary(struct sink *k);

/* Records a broken link cost are in the summary, as dropped ones; a bar
 * field that never held a number is most likely misspelt. */
static _Noreturn void
sink_exit(struct sink *k)
{
	uint64_t rows, nums;

	if (k->down) {
		/* Still not connected: what is held is not sent. */
		k->lost += k->nrec - k->nflushed;
		k->nflushed = k->nrec;
		k->t.out.len = 0;
		if (k->t.status == 0)
			k->t.status = CORE_EXIT_IO;
	}
	core_report_count(&k->t.rep, "not sent", k->lost);
	core_report_count(&k->t.rep, "over --buffer", k->dropped);
	core_writer_table_bar_stats(k->t.w, &rows, &nums);
	if (rows && !nums)
		core_warnx("--bar %s: no record had a number in this field",
		    k->wo.bar);
	exec_summary(k);
	core_tool_exit(&k->t, k->sig);
}

/* ---- --exec -------------------------------------------------------------- */

/* Records wait for a free slot up to this many; then input pauses. */
#define EXEC_QUEUE 64

static void
exec_done(const struct core_execq_result *r, void *ctx)
{
	struct sink *k = ctx;
	char d[CORE_DUR_BUFSZ];

	if (r->stopped)
		return;    /* interrupted: the signal says it all */
	if (r->err)
		core_report_warnx(&k->t.rep, "%s: cannot run /bin/sh: %s",
		    r->where, strerror(r->err));
	else if (r->timed_out) {
		core_dur_format(k->xo.timeout, d);
		core_report_warnx(&k->t.rep, "%s: command stopped after "
		    "--exec-timeout %s", r->where, d);
	} else if (WIFSIGNALED(r->status))
		core_report_warnx(&k->t.rep, "%s: command killed by signal %d "
		    "(%s)", r->where, WTERMSIG(r->status),
		    strsignal(WTERMSIG(r->status)));
	else if (WEXITSTATUS(r->status) != 0)
		core_report_warnx(&k->t.rep, "%s: command exited with status "
		    "%d%s", r->where, WEXITSTATUS(r->status),
		    WEXITSTATUS(r->status) == 127 ? " (command not found)" :
		    WEXITSTATUS(r->status) == 126 ? " (cannot execute)" : "");
}

static void
exec_resume(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;

	(void)l;
	if (!k->paused)
		core_feed_resume(&k->feeds[k->cur]);
}

/* The queue has room again: read on, from the loop (not from inside the
 * queue's bookkeeping). */
static void
exec_room(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;

	core_loop_timer(l, &k->room_timer, 1, exec_resume, k);
}

static void
exec_drained(struct core_loop *l, void *ctx)
{
	(void)l;
	sink_done(ctx);
}

/* A record for the commands: returns 1 when the input must wait. */
static int
exec_rec(struct sink *k, struct core_feed *f, const struct core_rec *r)
{
	char where[512];
	int64_t now;

	snprintf(where, sizeof(where), "%s: record %llu", f->in.name,
	    (unsigned long long)k->xseq + 1);
	switch (core_execq_push(k->q, r, where)) {
	case CORE_EXECQ_FULL:
		return 1;
	case CORE_EXECQ_LIMITED:
		/* Told of at the first, then at most once a DUR. */
		now = core_now_mono();
		if (core_execq_stats(k->q)->limited == 1 ||
		    now - k->limit_warned >= k->rate.per) {
			k->limit_warned = now;
			core_report_warnx(&k->t.rep, "%s: not run: over "
			    "--rate-limit %s (%llu so far)", where, k->rate_arg,
			    (unsigned long long)core_execq_stats(k->q)->limited);
		}
		break;
	default:
		break;
	}
	k->xseq++;
	return 0;
}

/* At the end: what the commands did, when anything went wrong; a failed
 * command makes the run fail (status 1). */
static void
exec_summary(struct sink *k)
{
	const struct core_execq_stats *st;
	struct core_buf b = CORE_BUF_INIT;

	if (k->q == NULL)
		return;
	if (core_execq_running(k->q))
		core_execq_kill(k->q);
	st = core_execq_stats(k->q);
	if (st->failed && k->t.status == CORE_EXIT_OK)
		k->t.status = CORE_EXIT_DATA;
	if (st->failed == 0 && st->limited == 0 && st->dropped == 0) {
		core_execq_free(k->q);
		k->q = NULL;
		return;
	}
	core_buf_addf(&b, "--exec: %llu command%s run", (unsigned long long)
	    st->started, st->started == 1 ? "" : "s");
	if (st->failed)
		core_buf_addf(&b, ", %llu failed", (unsigned long long)
		    st->failed);
	if (st->limited)
		core_buf_addf(&b, "; %llu record%s not run (rate limit)",
		    (unsigned long long)st->limited, st->limited == 1 ? "" :
		    "s");
	if (st->dropped)
		core_buf_addf(&b, "; %llu record%s not run (interrupted)",
		    (unsigned long long)st->dropped, st->dropped == 1 ? "" :
		    "s");
	core_warnx("%s", core_buf_str(&b));
	core_buf_release(&b);
	core_execq_free(k->q);
	k->q = NULL;
}

/* The end of the input: with --exec, after the last command. */
static void
sink_end(struct sink *k)
{
	if (k->q && (core_execq_running(k->q) || core_execq_waiting(k->q))) {
		core_execq_on_drained(k->q, exec_drained, k);
		return;
	}
	if (k->m && metrics_end(k))
		return;            /* --linger */
	sink_exit(k);
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct sink *k = ctx;

	/* Every reason to wait comes first: a record handed out again must
	 * not be counted or run twice. */
	if (ev->kind == CORE_EV_REC && k->connect && k->down && !k->drop &&
	    core_out_pending(&k->t.out) >= k->bufmax) {
		k->full = 1;     /* held until connected, up to --buffer */
		return 1;
	}
	if (k->q && ev->kind == CORE_EV_REC && exec_rec(k, f, &ev->rec))
		return 1;        /* handed out again: counted then */
	if (k->m)
		core_metrics_event(k->m, ev);
	if (k->exec_only && ev->kind == CORE_EV_REC)
		return 0;
	if (k->metrics_only) {
		if (ev->kind == CORE_EV_BAD)
			core_report_bad(&k->t.rep, f->in.name, ev);
		else if (ev->kind == CORE_EV_END)
			k->ended = 1;
		return 0;
	}
	if (k->listen) {
		if (ev->kind == CORE_EV_BAD)
			core_report_bad(&k->t.rep, f->in.name, ev);
		else if (ev->kind == CORE_EV_END)
			k->ended = 1;
		else
			subs_event(k, ev);
		k->nrec += ev->kind == CORE_EV_REC;
		return 0;
	}
	switch (ev->kind) {
	case CORE_EV_REC:
		if (k->rot_size && written(k) >= k->rot_size)
			rotate(k);
		if (k->connect && k->down) {
			/* Held until connected, up to --buffer (full and
			 * --on-full block: waited for above). */
			if (core_out_pending(&k->t.out) >= k->bufmax) {
				k->dropped++;
				break;
			}
			core_writer_rec(k->t.w, &ev->rec);
			k->nrec++;
			break;
		}
		if (k->connect) {
			size_t before = k->t.out.len;

			/* What has reached the kernel, for the count of
			 * records lost if the link breaks. */
			if (before == 0 && !k->t.out.err)
				k->nflushed = k->nrec;
			core_writer_rec(k->t.w, &ev->rec);
			if (k->t.out.len < before && !k->t.out.err)
				k->nflushed = k->nrec;
			k->nrec++;
			if (k->ep.kind == CORE_EP_UDP)
				core_out_flush(&k->t.out);    /* a datagram */
			if (k->t.out.err)
				core_tool_flush(&k->t);
			break;
		}
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
	k->xseq = 0;
	if (k->cur + 1 < k->nfiles) {
		k->cur++;
		core_feed_start(&k->feeds[k->cur], on_event, on_eof, k);
		return;
	}
	sink_done(k);
}

/* The input is done: exit, once what is held has been sent. */
static void
sink_done(struct sink *k)
{
	if (k->down) {
		k->eof = 1;
		return;
	}
	sink_end(k);
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

	if (!k->stop_waited && core_loop_stop_wait(l, &k->stop_timer,
	    stop_now, k))
		return;         /* upstream is still handing on its last */
	if (k->q && core_execq_running(k->q) && !k->stop_waited) {
		/* The commands got the signal too: a moment for them to
		 * end, then SIGKILL. */
		k->stop_waited = 1;
		core_execq_on_drained(k->q, exec_drained, k);
		core_loop_timer(l, &k->stop_timer, core_now_mono() +
		    CORE_EXECQ_KILL_AFTER, stop_now, k);
		return;
	}
	sink_exit(k);
}

static void
on_signal(struct core_loop *l, void *ctx)
{
	struct sink *k = ctx;

	if (k->lingering) {
		/* --linger: the input was complete; a signal is the way to
		 * stop serving, not a failure. */
		sink_exit(k);
	}
	if (k->sig) {
		if (k->q)
			sink_exit(k);    /* a second one: no more waiting */
		return;
	}
	/* Upstream got the signal too and is flushing: take what it sends
	 * for a moment, then end.  No command starts from now on. */
	k->sig = core_loop_signal_last(l);
	if (k->q)
		core_execq_stop(k->q, k->sig);
	core_loop_timer(l, &k->stop_timer, core_now_mono() + 200000000,
	    stop_now, k);
}

/* -o table on a terminal: a screen redrawn in place (--redraw), bars. */
static void
table_opts(struct sink *k)
{
	size_t i;

	if (strcmp(k->wo.format, "table") != 0) {
		if (k->redraw || k->wo.bar)
			core_usage_error("--redraw and --bar go with -o table");
		return;
	}
	for (i = 0; k->wo.bar && i < k->wo.nfields; i++)
		if (strcmp(k->wo.fields[i], k->wo.bar) == 0)
			break;
	if (k->wo.bar && k->wo.nfields && i == k->wo.nfields)
		core_usage_error("--bar %s: not among the --fields", k->wo.bar);
	if (k->redraw == NULL || strcmp(k->redraw, "auto") == 0)
		k->wo.live = !k->path && !k->connect && !k->listen &&
		    core_term_capable(1);
	else
		k->wo.live = strcmp(k->redraw, "always") == 0;
	k->wo.utf8 = core_term_utf8();
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
	if ((k->connect || k->listen) && k->path)
		core_usage_error("--output, --connect and --listen: one of them");
	if ((k->retry || k->bufmax || k->onfull_set) && (!k->connect ||
	    k->ep.kind == CORE_EP_UDP))
		core_usage_error("--retry, --buffer and --on-full go with "
		    "--connect to tcp:// or unix:");
	if ((k->xo.max_procs || k->rate_arg || k->xo.timeout) && !k->xo.cmd)
		core_usage_error("--max-procs, --rate-limit and --exec-timeout "
		    "go with --exec");
	if (k->connect && !k->retry)
		k->retry = 30 * 1000000000LL;
	if (!k->bufmax)
		k->bufmax = 16u << 20;
	if ((k->mo.prefix || k->mo.labels || k->mo.ttl || k->linger) &&
	    !k->metrics)
		core_usage_error("--metrics-prefix, --metrics-labels, "
		    "--metrics-ttl and --linger go with --metrics");
	k->metrics_only = k->metrics && !com.outfmt && !k->path &&
	    !k->connect && !k->listen;
	if (k->connect && k->ep.kind == CORE_EP_UDP && (com.outfmt == NULL ||
	    strcmp(com.outfmt, "frames") == 0 || strcmp(com.outfmt, "table") ==
	    0))
		core_usage_error("--connect udp://: a datagram a line: give a "
		    "text format (-o ndjson, logfmt, lines, csv, tsv)");
	/* Between tools, frames: types, times and watermarks survive. */
	k->wo.format = com.outfmt ? com.outfmt : k->connect || k->listen ?
	    "frames" : "ndjson";
	table_opts(k);
	core_tool_init(&k->t, &com, k->wo.format, &k->wo);
	if (k->connect) {
		free(k->t.out.name);
		k->t.out.name = core_xstrdup(k->ep.text);
		k->t.on_out_error = on_out_error;
		k->t.on_out_error_ctx = k;
		if (k->ep.kind == CORE_EP_UDP) {
			char err[300];

			k->t.out.fd = core_sock_connect(&k->ep, err,
			    sizeof(err));
			if (k->t.out.fd < 0)
				core_die(CORE_EXIT_IO, "%s", err);
		} else {
			/* Connected from the loop; input is read (and held)
			 * meanwhile. */
			k->t.out.fd = -1;
		}
	}
	if (k->path) {
		close(k->t.out.fd == 1 ? -1 : k->t.out.fd);
		k->t.out.fd = open_output(k);
		free(k->t.out.name);
		k->t.out.name = core_xstrdup(k->path);
	}
	if (k->metrics_only) {
		/* The records go to the metrics only. */
		k->t.out.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	}
	if (k->metrics)
		metrics_start(k);
	if (k->listen) {
		char err[300], bound[200];

		/* The stream goes to the subscribers only. */
		k->t.out.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		k->lfd = core_sock_listen(&k->ep, bound, sizeof(bound), err,
		    sizeof(err));
		if (k->lfd < 0)
			core_die(CORE_EXIT_IO, "%s", err);
		if (!com.quiet)
			core_warnx("listening on %s", bound);
		core_loop_fd(k->t.loop, k->lfd, POLLIN, on_sub_accept, k);
		core_loop_idle(k->t.loop, subs_flush, k);
		core_atexit(subs_end, k);
	}
	if (k->xo.cmd) {
		if (k->xo.max_procs == 0)
			k->xo.max_procs = 4;
		k->xo.max_queue = EXEC_QUEUE;
		k->xo.rate = k->rate_arg ? &k->rate : NULL;
		k->q = core_execq_new(k->t.loop, &k->xo, exec_done, k);
		core_execq_on_room(k->q, exec_room, k);
		/* The commands' standard output is the sink's: records go
		 * there only when asked for. */
		if (!com.outfmt && !k->path && !k->connect && !k->listen) {
			k->exec_only = 1;
			k->t.out.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		}
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
	if (k->connect && k->ep.kind != CORE_EP_UDP)
		go_down(k);
	if (k->listen) {
		/* Nothing is read until the first subscriber comes. */
		k->paused = 1;
		core_feed_pause(&k->feeds[0]);
	}
	core_loop_run(k->t.loop);
	sink_exit(k);
}
