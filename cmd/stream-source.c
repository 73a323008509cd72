/* SPDX-License-Identifier: MIT */
/* stream-source: text or frames from files, stdin or a followed log -> records
 * with event time and watermarks. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/cli.h"
#include "libcore/dur.h"
#include "libcore/err.h"
#include "libcore/evtime.h"
#include "libcore/feed.h"
#include "libcore/sock.h"
#include "libcore/tool.h"
#include "libcore/wm.h"
#include "libcore/xalloc.h"
#include "libcore/xform.h"

enum {
	OPT_FORMAT = CORE_OPT_TOOL, OPT_TIME, OPT_MAXDELAY, OPT_IDLE,
	OPT_FOLLOW, OPT_FROMEND, OPT_REPLAY, OPT_NOINFER, OPT_NOHEADER,
	OPT_RAGGED, OPT_NOPROGRESS, OPT_WMSTEP, OPT_WHERE, OPT_SET,
	OPT_LISTEN, OPT_MAXCONN
};

static const struct core_opt options[] = {
	{ OPT_FORMAT, 'f', "format", "FORMAT", "input format: auto (frames or "
	  "NDJSON), frames, ndjson, csv, tsv, logfmt, lines, combined, common, "
	  "syslog, statsd",
	  "auto ndjson csv tsv logfmt lines combined common syslog statsd "
	  "frames" },
	{ OPT_TIME, 't', "time", "FIELD[:FORMAT]", "event time from FIELD "
	  "(default: arrival time); FORMAT: auto, epoch, epoch_s, epoch_ms, "
	  "epoch_us, epoch_ns, rfc3339, clf, syslog or a strptime pattern",
	  NULL },
	{ OPT_MAXDELAY, 'd', "max-delay", "DUR", "allowed out-of-orderness: "
	  "watermark = latest event time - DUR (default 0)", NULL },
	{ OPT_IDLE, 'i', "idle", "DUR", "when no input comes for DUR, advance "
	  "the watermark with the clock (default: off with --time, 100ms "
	  "without)", NULL },
	{ OPT_LISTEN, 'l', "listen", "ENDPOINT", "accept producers on "
	  "tcp://HOST:PORT or unix:PATH (each connection frames or text), or "
	  "datagrams on udp://HOST:PORT (lines)", NULL },
	{ OPT_MAXCONN, 0, "max-connections", "N", "with --listen, at most N "
	  "producers at once (default 1024); more wait", NULL },
	{ OPT_FOLLOW, 'F', "follow", NULL, "follow files like tail -F: wait "
	  "for more, survive rotation and truncation", NULL },
	{ OPT_FROMEND, 0, "from-end", NULL, "with -F, start at the end of "
	  "each file instead of its beginning", NULL },
	{ OPT_REPLAY, 0, "replay", "[=SPEED]", "pace records by their event "
	  "time, SPEED times faster than real time (default 1)", NULL },
	{ OPT_NOINFER, 'S', "no-infer", NULL, "csv, tsv, logfmt: keep every "
	  "value a string", NULL },
	{ OPT_NOHEADER, 0, "no-header", NULL, "csv, tsv: no header line; "
	  "fields are named 1, 2, ...", NULL },
	{ OPT_RAGGED, 0, "allow-ragged", NULL, "csv, tsv: pad short rows with "
	  "null, name extra fields by position", NULL },
	{ OPT_NOPROGRESS, 0, "no-progress", NULL, "no progress line on a "
	  "terminal", NULL },
	{ OPT_WHERE, 'w', "where", "EXPR", "keep only records for which EXPR "
	  "is true (as in stream-filter; after --time, so event_time() works)",
	  NULL },
	{ OPT_SET, 's', "set", "NAME=EXPR", "set field NAME to EXPR (as in "
	  "stream-filter)", NULL },
	{ OPT_WMSTEP, 0, "watermark-step", "DUR", "write a watermark when it "
	  "crosses a multiple of DUR (default 100ms; 0: after every record "
	  "that moves it)", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"[-F] [-f FORMAT] [-t FIELD[:FORMAT]] [-d DUR] [-i DUR] [-w EXPR] "
	"[-l ENDPOINT] [options] [FILE|ENDPOINT ...]",
	"Reads records from files or standard input, stamps each with its "
	"event time,\nand writes them with watermarks for the next stream-* "
	"tool.",
	options, "@file"
};

struct source {
	struct core_tool t;
	struct core_decopts dec;
	struct core_evtime et;
	int has_time;
	int64_t max_delay;
	int64_t idle;
	int follow, from_end, progress;
	int idle_set;             /* --idle given */
	double replay;            /* 0: off */
	char **files;
	size_t nfiles;
	struct core_feed *feeds;
	size_t cur;               /* sequential mode: the feed being read */
	size_t live;              /* feeds not at their end */
	struct core_wmgen *gen;   /* one per feed */
	int64_t wm_out;           /* last watermark written */
	int64_t wm_step;
	int64_t wm_next;         /* the first multiple of wm_step past wm_out */
	struct core_xform *x;
	int64_t last_input;       /* monotonic ns of the last read */
	struct core_timer idle_timer, progress_timer, stop_timer;
	int64_t idle_due;         /* monotonic ns the idle tick is due */
	int64_t replay_t0, replay_w0;
	struct core_timer replay_timer;
	uint64_t nrec;
	int64_t started;
	int progress_shown;
	int sig;
	/* --listen */
	const char *listen;
	struct core_endpoint lep;
	int lfd;
	size_t max_conn;
	struct producer *prods;   /* live connections */
	size_t nprods;
	uint64_t nconn;           /* connections so far */
	struct core_timer reap_timer;
	struct core_decopts cdec; /* per connection: auto, or --format */
	int listen_dirty;         /* the least may have moved */
	int64_t listen_min;       /* the least, as last computed */
	size_t max_rec;
};

/* A connection of --listen: its own decoder and watermark. */
struct producer {
	struct core_feed feed;    /* first: a feed is its producer */
	struct core_wmgen gen;
	int64_t up_wm;            /* frames: the producer's own watermark */
	int dead;
	struct producer *next;
};

static struct source S;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct source *s = ctx;

	switch (id) {
	case OPT_FORMAT:
		s->dec.format = core_arg_word("--format", arg,
		    core_dec_formats);
		break;
	case OPT_TIME:
		if (core_evtime_init(&s->et, arg) < 0)
			core_usage_error("--time: unknown time format '%s' (auto, "
			    "epoch, epoch_s, epoch_ms, epoch_us, epoch_ns, "
			    "rfc3339, clf, syslog, or a strptime pattern)",
			    strchr(arg, ':') + 1);
		s->has_time = 1;
		break;
	case OPT_MAXDELAY:
		s->max_delay = core_arg_dur("--max-delay", arg, 0);
		break;
	case OPT_IDLE:
		s->idle = core_arg_dur("--idle", arg, 0);
		s->idle_set = 1;
		break;
	case OPT_FOLLOW:
		s->follow = 1;
		break;
	case OPT_FROMEND:
		s->from_end = 1;
		break;
	case OPT_REPLAY:
		s->replay = 1;
		if (arg) {
			char *end;

			s->replay = strtod(arg, &end);
			if (end == arg || *end || !(s->replay > 0) ||
			    s->replay > 1e9)
				core_usage_error("--replay: '%s' is not a speed "
				    "(a number > 0, e.g. 1, 10, 0.5)", arg);
		}
		break;
	case OPT_NOINFER:
		s->dec.no_infer = 1;
		break;
	case OPT_NOHEADER:
		s->dec.no_header = 1;
		break;
	case OPT_RAGGED:
		s->dec.allow_ragged = 1;
		break;
	case OPT_NOPROGRESS:
		s->progress = 0;
		break;
	case OPT_WHERE:
	case OPT_SET:
		{
			struct core_expr_err err;

			if ((id == OPT_WHERE ? core_xform_where(s->x, arg, &err) :
			    core_xform_set(s->x, arg, &err)) < 0) {
				if (err.line)
					core_usage_error("%s: expression:%u:%u: %s",
					    id == OPT_WHERE ? "--where" : "--set",
					    err.line, err.col, err.msg);
				core_usage_error("%s: %s", id == OPT_WHERE ?
				    "--where" : "--set", err.msg);
			}
		}
		break;
	case OPT_WMSTEP:
		s->wm_step = core_arg_dur("--watermark-step", arg, 0);
		break;
	case OPT_LISTEN:
		{
			char err[256];

			if (s->listen)
				core_usage_error("--listen: one endpoint");
			if (core_endpoint_parse(&s->lep, arg, err,
			    sizeof(err)) < 0)
				core_usage_error("--listen: %s", err);
			s->listen = arg;
		}
		break;
	case OPT_MAXCONN:
		s->max_conn = (size_t)core_arg_num("--max-connections", arg, 1,
		    1000000);
		break;
	}
	return 0;
}

/* The watermark over the feeds being read: while following several files
 * it is the least of theirs (a feed with no record yet does not count). */
/* Whether feed f turned out to carry frames (known once it has data). */
static int
is_frames(struct core_feed *f)
{
	const char *fmt = core_dec_format(f->dec);

	return fmt[0] == 'f';
}

/* A producer's watermark: its own if it sends frames (and times are not
 * reassigned), else the one made from its records' times. */
static int64_t
prod_wm(const struct source *s, struct producer *p)
{
	return !s->has_time && is_frames(&p->feed) ? p->up_wm : p->gen.wm;
}

/*
 * --listen: the least watermark of the live producers.  One that has sent
 * nothing yet, has gone, or (sending frames) has been quiet for --idle,
 * if given, does not hold it back; text producers move on with the clock
 * when quiet (idle_tick).
 */
static int64_t
listen_watermark(struct source *s)
{
	int64_t wm = CORE_WM_MAX, now = s->idle_set ? core_now_mono() : 0;
	struct producer *p;
	int any = 0;

	s->listen_dirty = 0;
	for (p = s->prods; p; p = p->next) {
		int64_t w = prod_wm(s, p);

		if (p->dead || w == CORE_WM_MIN)
			continue;
		if (s->idle_set && s->idle > 0 && !s->has_time &&
		    is_frames(&p->feed) && now - p->feed.arrival_mono >= s->idle)
			continue;
		if (w < wm)
			wm = w;
		any = 1;
	}
	s->listen_min = any ? wm : CORE_WM_MIN;
	return s->listen_min;
}

static int64_t
watermark(struct source *s)
{
	int64_t wm = CORE_WM_MAX;
	size_t i;
	int any = 0;

	if (s->listen)
		return listen_watermark(s);
	if (!s->follow)
		return s->gen[0].wm;
	for (i = 0; i < s->nfiles; i++) {
		if (s->gen[i].max_seen == CORE_WM_MIN)
			continue;
		if (s->gen[i].wm < wm)
			wm = s->gen[i].wm;
		any = 1;
	}
	return any ? wm : CORE_WM_MIN;
}

static void
emit_wm(struct source *s, int64_t wm)
{
	if (wm > s->wm_out) {
		s->wm_out = wm;
		core_writer_wm(s->t.w, wm);
		/* The next multiple of the step: step_wm compares with it
		 * instead of dividing for every record. */
		if (s->wm_step > 0 && wm != CORE_WM_MAX) {
			int64_t r = wm % s->wm_step;

			if (r < 0)
				r += s->wm_step;
			s->wm_next = core_sat_add(wm, s->wm_step - r);
		}
	}
}

/*
 * After a record: the watermark goes out when it crosses a multiple of
 * the step.  Which records a watermark falls after depends on the input
 * alone, so lateness is the same in every run; and a window whose end is
 * a multiple of the step closes exactly when it would with a watermark
 * after every record.
 */
static void
step_wm(struct source *s, int64_t wm)
{
	if (wm <= s->wm_out)
		return;
	if (s->wm_step > 0 && s->wm_out != CORE_WM_MIN && wm != CORE_WM_MAX &&
	    wm < s->wm_next)
		return;
	emit_wm(s, wm);
}

static struct core_wmgen *
gen_of(struct source *s, struct core_feed *f)
{
	if (s->listen)
		return &((struct producer *)f)->gen;
	return &s->gen[s->follow ? (size_t)(f - s->feeds) : 0];
}

static void replay_due(struct core_loop *l, void *ctx);

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct source *s = ctx;
	const char *why;
	int64_t t;

	switch (ev->kind) {
	case CORE_EV_REC:
		if (s->has_time) {
			if (core_evtime_get(&s->et, &ev->rec, &t, &why) < 0) {
				core_dec_bad(f->dec, ev, NULL, 0, ev->line, 0,
				    (int64_t)ev->off, "%s '%s'", why,
				    s->et.name);
				core_report_bad(&s->t.rep, f->in.name, ev);
				return 0;
			}
			ev->rec.time = t;
			core_rec_touch(&ev->rec);
		} else if (!is_frames(f)) {
			/* Text input without --time: the arrival time.  Frames
			 * keep the event time they carry, and their watermarks
			 * pass on as they are. */
			ev->rec.time = f->arrival;
		}
		if (s->replay > 0) {
			int64_t now = core_now_mono(), due;

			if (s->replay_w0 == 0) {
				s->replay_w0 = now;
				s->replay_t0 = ev->rec.time;
			}
			due = s->replay_w0 + (int64_t)((double)(ev->rec.time -
			    s->replay_t0) / s->replay);
			if (due > now + 100000) {
				core_loop_timer(s->t.loop, &s->replay_timer,
				    due, replay_due, f);
				return 1;
			}
		}
		if (s->has_time || !is_frames(f)) {
			struct core_wmgen *g = gen_of(s, f);
			int64_t before = g->wm;

			core_wmgen_observe(g, ev->rec.time, f->arrival_mono);
			/* --listen: the least over the producers changes
			 * only when the producer that had it moves on (a
			 * watermark only grows). */
			if (s->listen && g->wm != before &&
			    before <= s->listen_min)
				s->listen_dirty = 1;
		}
		if (core_xform_len(s->x)) {
			struct core_rec out;

			if (core_xform_apply(s->x, &ev->rec, &out))
				core_writer_rec(s->t.w, &out);
		} else {
			core_writer_rec(s->t.w, &ev->rec);
		}
		s->nrec++;
		if (!s->listen || s->listen_dirty)
			step_wm(s, watermark(s));
		return 0;
	case CORE_EV_WM:
		/* Upstream watermarks pass when times are not reassigned;
		 * from producers, the least of theirs. */
		if (s->listen && !s->has_time) {
			((struct producer *)f)->up_wm = ev->wm;
			emit_wm(s, watermark(s));
		} else if (!s->has_time && ev->wm < CORE_WM_MAX) {
			emit_wm(s, ev->wm);
		}
		return 0;
	case CORE_EV_CLOSE:
		core_writer_close(s->t.w, &ev->win);
		return 0;
	case CORE_EV_BARRIER:
		core_writer_barrier(s->t.w, ev->barrier);
		return 0;
	case CORE_EV_END:
		return 0;
	case CORE_EV_BAD:
		/* A producer's broken stream ends that connection only. */
		if (s->listen)
			ev->fatal = 0;
		core_report_bad(&s->t.rep, f->in.name, ev);
		return 0;
	default:
		return 0;
	}
}

static void
replay_due(struct core_loop *l, void *ctx)
{
	(void)l;
	core_feed_resume(ctx);
}

static void
clear_progress(struct source *s)
{
	if (s->progress_shown) {
		fputs("\r\033[K", stderr);
		s->progress_shown = 0;
	}
}

static void
finish(struct source *s)
{
	if (s->listen && s->lep.kind == CORE_EP_UNIX && s->lfd >= 0)
		unlink(s->lep.path);
	core_loop_timer_cancel(s->t.loop, &s->progress_timer);
	clear_progress(s);
	core_tool_xform_warn(s->x);
	emit_wm(s, CORE_WM_MAX);
	core_tool_exit(&s->t, s->sig);
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct source *s = ctx;

	(void)f;
	s->live--;
	if (!s->follow && s->cur + 1 < s->nfiles) {
		s->cur++;
		core_feed_start(&s->feeds[s->cur], on_event, on_eof, s);
		return;
	}
	if (s->live == 0)
		finish(s);
}

/* How late an idle tick may run and still count the time as quiet. */
#define IDLE_SLACK_NS 10000000

static void
idle_tick(struct core_loop *l, void *ctx)
{
	struct source *s = ctx;
	int64_t now = core_now_mono(), next, quiet;
	size_t i, n = s->listen ? 0 : s->follow ? s->nfiles : 1;
	struct producer *p;

	/*
	 * A tick that runs late means the process was stopped (^Z) or
	 * starved: input may be waiting unread, and the time it could not
	 * look is not silence.  The loop runs timers before reading, so
	 * advancing now would push the watermark past records already
	 * written, and drop them downstream as late.  Let it read first; a
	 * tick on time decides.
	 */
	if (s->idle_due != 0 && now - s->idle_due > IDLE_SLACK_NS)
		goto again;
	for (p = s->listen ? s->prods : NULL; p; p = p->next) {
		const char *fmt = core_dec_format(p->feed.dec);

		if (p->dead)
			continue;
		if (!s->has_time && fmt[0] != 'f' && strcmp(fmt, "auto") != 0) {
			/* Arrival times: progress is the clock. */
			int64_t w = core_now_real() - s->max_delay;

			if (w > p->gen.wm)
				p->gen.wm = w;
		} else if (now - p->feed.arrival_mono >= s->idle) {
			core_wmgen_idle(&p->gen, now);
		}
	}
	for (i = 0; i < n; i++) {
		quiet = now - s->feeds[s->follow ? i : s->cur].arrival_mono;
		if (quiet >= s->idle)
			core_wmgen_idle(&s->gen[i], now);
	}
	if (!s->listen && !s->has_time &&
	    strcmp(core_dec_format(s->feeds[s->cur].dec), "frames") != 0 &&
	    strcmp(core_dec_format(s->feeds[s->cur].dec), "auto") != 0) {
		/* Arrival time is the clock: progress is the clock too. */
		struct core_wmgen *g = &s->gen[0];
		int64_t w = core_now_real() - s->max_delay;

		if (w > g->wm)
			g->wm = w;
	}
	emit_wm(s, watermark(s));
again:
	next = s->idle < 50000000 ? s->idle : 50000000;
	if (next < 1000000)
		next = 1000000;
	s->idle_due = now + next;
	core_loop_timer(l, &s->idle_timer, s->idle_due, idle_tick, s);
}

static void
human(char *buf, size_t n, double v)
{
	const char *u = "";

	if (v >= 1e9) {
		v /= 1e9;
		u = "G";
	} else if (v >= 1e6) {
		v /= 1e6;
		u = "M";
	} else if (v >= 1e3) {
		v /= 1e3;
		u = "k";
	}
	snprintf(buf, n, "%.1f%s", v, u);
}

static void
progress_tick(struct core_loop *l, void *ctx)
{
	struct source *s = ctx;
	struct core_feed *f = &s->feeds[s->cur];
	double secs = (double)(core_now_mono() - s->started) / 1e9;
	char done[32], total[32], rate[32], eta[32] = "";
	double frac;

	if (f->in.size > 0 && secs > 0.5) {
		frac = (double)f->in.nread / (double)f->in.size;
		human(done, sizeof(done), (double)f->in.nread);
		human(total, sizeof(total), (double)f->in.size);
		human(rate, sizeof(rate), (double)s->nrec / secs);
		if (frac > 0.01 && frac < 1) {
			double left = secs / frac - secs;

			snprintf(eta, sizeof(eta), ", ETA %d:%02d",
			    (int)left / 60, (int)left % 60);
		}
		fprintf(stderr, "\r\033[K%s: %s: %.0f%% (%sB of %sB), %s "
		    "records/s%s", core_progname, f->in.name, frac * 100, done,
		    total, rate, eta);
		s->progress_shown = 1;
	}
	core_loop_timer(l, &s->progress_timer, core_now_mono() + 250000000,
	    progress_tick, s);
}

static void
stop_now(struct core_loop *l, void *ctx)
{
	struct source *s = ctx;

	if (core_loop_stop_wait(l, &s->stop_timer, stop_now, s))
		return;         /* upstream is still handing on its last */
	finish(s);
}

/* SIGINT/SIGTERM/SIGHUP: read what is there now, then end as at end of
 * input (every window downstream closes). */
static void
on_signal(struct core_loop *l, void *ctx)
{
	struct source *s = ctx;
	size_t i;

	if (s->sig)
		return;
	s->sig = core_loop_signal_last(l);
	for (i = 0; i < s->nfiles; i++)
		core_feed_unfollow(&s->feeds[i]);
	if (s->listen && s->lfd >= 0 && s->lep.kind != CORE_EP_UDP)
		core_loop_fd_del(l, s->lfd);    /* no new producers */
	if (s->replay > 0)
		finish(s);
	core_loop_timer(l, &s->stop_timer, core_now_mono() + 200000000,
	    stop_now, s);
}

/* An ENDPOINT operand: connect and read what the other end sends (for
 * example a stream-sink --listen); the connection's end is this input's
 * end. */
static void
open_endpoint(struct source *s, size_t i)
{
	struct core_endpoint ep;
	char err[300];
	int fd;

	if (core_endpoint_parse(&ep, s->files[i], err, sizeof(err)) < 0)
		core_usage_error("%s", err);
	if (ep.kind == CORE_EP_UDP)
		core_usage_error("%s: to read datagrams, --listen on it",
		    s->files[i]);
	fd = core_sock_connect(&ep, err, sizeof(err));
	if (fd < 0)
		core_die(CORE_EXIT_IO, "%s", err);
	if (core_feed_open_fd(&s->feeds[i], s->t.loop, fd, s->files[i],
	    &s->dec, s->max_rec) < 0)
		core_die(CORE_EXIT_USAGE, "%s: cannot read it as %s",
		    s->files[i], s->dec.format);
	s->feeds[i].soft = 0;    /* the only input: an error is the tool's */
	core_endpoint_release(&ep);
}

/* ---- --listen -------------------------------------------------------- */

static void on_accept(struct core_loop *l, int fd, int revents, void *ctx);

/* Producers that have gone are freed here, outside their callbacks. */
static void
reap(struct core_loop *l, void *ctx)
{
	struct source *s = ctx;
	struct producer **pp = &s->prods, *p;

	while ((p = *pp) != NULL) {
		if (!p->dead) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		core_feed_close(&p->feed);
		free(p);
		s->nprods--;
	}
	if (!s->sig && s->nprods < s->max_conn)
		core_loop_fd(l, s->lfd, POLLIN, on_accept, s);
}

/* A producer's connection ended (closed, or broken: its decoder has said
 * what was wrong): it no longer holds the watermark back. */
static void
on_conn_eof(struct core_feed *f, void *ctx)
{
	struct source *s = ctx;

	((struct producer *)f)->dead = 1;
	core_loop_timer(s->t.loop, &s->reap_timer, core_now_mono(), reap, s);
	step_wm(s, watermark(s));
}

static void
on_accept(struct core_loop *l, int lfd, int revents, void *ctx)
{
	struct source *s = ctx;
	char peer[160];
	int fd;

	(void)revents;
	while (s->nprods < s->max_conn &&
	    (fd = core_sock_accept(lfd, peer, sizeof(peer))) >= 0) {
		struct producer *p = core_xcalloc(1, sizeof(*p));

		if (core_feed_open_fd(&p->feed, l, fd, peer, &s->cdec,
		    s->max_rec) < 0) {
			close(fd);
			free(p);
			continue;
		}
		core_wmgen_init(&p->gen, s->max_delay);
		p->up_wm = CORE_WM_MIN;
		p->next = s->prods;
		s->prods = p;
		s->nprods++;
		s->nconn++;
		core_feed_start(&p->feed, on_event, on_conn_eof, s);
	}
	if (s->nprods >= s->max_conn)
		core_loop_fd_del(l, lfd);    /* the rest wait in the backlog */
}

/* Opens the listening endpoint and says where it listens. */
static void
start_listen(struct source *s)
{
	char err[300], bound[200];

	s->lfd = core_sock_listen(&s->lep, bound, sizeof(bound), err,
	    sizeof(err));
	if (s->lfd < 0)
		core_die(CORE_EXIT_IO, "%s", err);
	if (!s->t.com.quiet)
		core_warnx("listening on %s", bound);
	if (s->lep.kind == CORE_EP_UDP) {
		/* Datagrams: one input, each datagram one or more lines. */
		struct producer *p = core_xcalloc(1, sizeof(*p));

		if (core_feed_open_fd(&p->feed, s->t.loop, s->lfd, bound,
		    &s->cdec, s->max_rec) < 0)
			core_die(CORE_EXIT_USAGE, "--format %s: not for datagrams",
			    s->cdec.format);
		p->feed.in.dgram = 1;
		core_wmgen_init(&p->gen, s->max_delay);
		p->up_wm = CORE_WM_MIN;
		s->prods = p;
		s->nprods = 1;
		core_feed_start(&p->feed, on_event, on_conn_eof, s);
		return;
	}
	core_loop_fd(s->t.loop, s->lfd, POLLIN, on_accept, s);
}

int
main(int argc, char **argv)
{
	struct source *s = &S;
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	size_t i;
	int first;

	core_setprogname(argv[0]);
	s->progress = 1;
	s->idle = -1;
	s->wm_step = 100 * 1000000LL;
	s->x = core_xform_new();
	s->dec.format = "auto";
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, s);
	s->files = argc > first ? argv + first : stdin_only;
	s->nfiles = argc > first ? (size_t)(argc - first) : 1;
	if (s->listen && argc > first)
		core_usage_error("--listen reads from producers, not files");
	if (s->listen && (s->follow || s->replay > 0))
		core_usage_error("--listen does not go with --follow or "
		    "--replay");
	if (s->listen)
		s->nfiles = 0;
	if (s->max_conn == 0)
		s->max_conn = 1024;
	if (s->replay > 0 && !s->has_time)
		core_usage_error("--replay needs --time: records are paced by "
		    "their event time");
	if (s->replay > 0 && s->follow)
		core_usage_error("--replay and --follow do not go together");
	if (s->from_end && !s->follow)
		core_usage_error("--from-end needs --follow");
	if (s->idle < 0)
		s->idle = s->has_time ? 0 : 100000000;

	core_tool_init(&s->t, &com, core_writer_default_format(1), NULL);
	s->feeds = core_xcalloc(s->nfiles + 1, sizeof(*s->feeds));
	s->gen = core_xcalloc(s->nfiles + 1, sizeof(*s->gen));
	s->cdec = s->dec;
	s->max_rec = com.max_rec;
	s->lfd = -1;
	s->listen_min = CORE_WM_MIN;
	for (i = 0; i < s->nfiles; i++) {
		if (s->follow && (strcmp(s->files[i], "-") == 0 ||
		    core_endpoint_is(s->files[i])))
			core_usage_error("--follow needs files, not standard "
			    "input or endpoints");
		if (core_endpoint_is(s->files[i]))
			open_endpoint(s, i);
		else if (core_feed_open(&s->feeds[i], s->t.loop, s->files[i],
		    &s->dec, com.max_rec, s->follow, s->from_end) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    s->files[i]);
		core_wmgen_init(&s->gen[i], s->max_delay);
	}
	s->wm_out = CORE_WM_MIN;
	s->live = s->nfiles;
	s->started = core_now_mono();
	core_loop_signals(s->t.loop, on_signal, s);
	if (s->listen)
		start_listen(s);
	else if (s->follow)
		for (i = 0; i < s->nfiles; i++)
			core_feed_start(&s->feeds[i], on_event, on_eof, s);
	else
		core_feed_start(&s->feeds[0], on_event, on_eof, s);
	if (s->idle > 0)
		idle_tick(s->t.loop, s);
	if (s->progress && !s->follow && !s->listen && isatty(2) &&
	    s->feeds[0].in.isreg)
		core_loop_timer(s->t.loop, &s->progress_timer,
		    core_now_mono() + 500000000, progress_tick, s);
	core_loop_run(s->t.loop);
	finish(s);
}
