/* SPDX-License-Identifier: MIT */
/* stream-agg: aggregate per group and window; emit when a window closes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/agg.h"
#include "libcore/arena.h"
#include "libcore/cli.h"
#include "libcore/dur.h"
#include "libcore/err.h"
#include "libcore/expr.h"
#include "libcore/feed.h"
#include "libcore/kmap.h"
#include "libcore/tool.h"
#include "libcore/wm.h"
#include "libcore/xalloc.h"

enum {
	OPT_GROUP = CORE_OPT_TOOL, OPT_EMIT, OPT_EVERY, OPT_HAVING, OPT_STATS,
	OPT_START, OPT_END
};

static const struct core_opt options[] = {
	{ OPT_GROUP, 'g', "group-by", "FIELDS", "group by these fields "
	  "(comma-separated), within each window", NULL },
	{ OPT_EMIT, 'e', "emit", "final|update", "final: each (window, group) "
	  "once when its window closes (default); update: a new row on every "
	  "change", "final update" },
	{ OPT_EVERY, 0, "every", "DUR", "also emit the current results every "
	  "DUR of wall-clock time (early results)", NULL },
	{ OPT_HAVING, 0, "having", "EXPR", "keep only result rows for which "
	  "EXPR is true (SQL HAVING)", NULL },
	{ OPT_STATS, 0, "stats", NULL, "report the state size (groups, windows, "
	  "bytes) on standard error at exit", NULL },
	{ OPT_START, 0, "start-field", "NAME", "window start field (default "
	  "window_start)", NULL },
	{ OPT_END, 0, "end-field", "NAME", "window end field (default "
	  "window_end)", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"[-g FIELDS] [-e final|update] [--every DUR] [--having EXPR] [options] "
	"ACCUMULATOR ...",
	"Aggregates records per group and window:  count  sum:FIELD  "
	"min:FIELD  max:FIELD\nmean:FIELD  var:FIELD  stddev:FIELD  first:FIELD  "
	"last:FIELD  distinct:FIELD\napprox_distinct:FIELD  pNN:FIELD  "
	"median:FIELD  topN:FIELD  rate[:FIELD]\nhist:FIELD:LOW:HIGH:N, each "
	"renamed with NAME=...; no accumulator: DISTINCT.",
	options, NULL
};

/* A window seen in the input (or the one pseudo-window of unwindowed
 * input), with its groups. */
struct window {
	int64_t start, end;
	int windowed;
	struct core_kmap *groups;   /* -g key -> struct group */
	int64_t retain;             /* keep state until the watermark passes */
	int closed;
};

/* The user area of a group: flags, then the accumulator states. */
struct group {
	int dirty;        /* changed since last emitted */
	int64_t tmax;     /* latest event time seen (unwindowed output) */
	_Alignas(16) unsigned char acc[];
};

struct agg {
	struct core_tool t;
	struct core_keyspec g;
	struct core_accspec *acc;
	size_t nacc;
	size_t *off;                /* state offset per accumulator */
	size_t gsize;
	int update;
	int64_t every;
	struct core_expr *having;
	int stats;
	struct core_fieldref fstart, fend;
	const struct core_sym *sstart, *send;
	struct core_kmap *windows;  /* (start, end) -> struct window */
	struct window *global;
	struct core_value *kv;
	struct core_arena arena;
	struct core_recb rb;
	struct core_timer every_timer;
	uint64_t ngroups, peak_groups, peak_windows;
	size_t peak_bytes;
	int64_t wm;
	int saw_window;           /* windowed input was seen */
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
	int sig;
	struct core_timer stop_timer;
};

static struct agg A;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct agg *a = ctx;
	struct core_expr_err err;

	switch (id) {
	case OPT_GROUP:
		if (core_keyspec_init(&a->g, arg) < 0)
			core_usage_error("--group-by: empty field name in '%s'",
			    arg);
		break;
	case OPT_EMIT:
		a->update = strcmp(core_arg_word("--emit", arg,
		    (const char *const[]){ "final", "update", NULL }),
		    "update") == 0;
		break;
	case OPT_EVERY:
		a->every = core_arg_dur("--every", arg, 0);
		if (a->every < 1000000)
			core_usage_error("--every: '%s' is less than 1ms", arg);
		break;
	case OPT_HAVING:
		if ((a->having = core_expr_compile(arg, &err)) == NULL)
			core_usage_error("--having: expression:%u:%u: %s",
			    err.line, err.col, err.msg);
		break;
	case OPT_STATS:
		a->stats = 1;
		break;
	case OPT_START:
		a->sstart = core_sym_str(arg);
		break;
	case OPT_END:
		a->send = core_sym_str(arg);
		break;
	}
	return 0;
}

static void *
acc_state(struct agg *a, struct group *g, size_t i)
{
	return g->acc + a->off[i];
}

static void
group_free(void *user)
{
	struct agg *a = &A;
	struct group *g = user;
	size_t i;

	for (i = 0; i < a->nacc; i++)
		core_acc_release(&a->acc[i], acc_state(a, g, i));
}

static struct window *
window_get(struct agg *a, int windowed, int64_t start, int64_t end)
{
	struct core_value k[2];
	struct window *w;
	int created;

	if (windowed)
		a->saw_window = 1;
	if (!windowed) {
		if (a->global == NULL) {
			a->global = core_xcalloc(1, sizeof(*a->global));
			a->global->groups = core_kmap_new(a->g.n,
			    a->gsize);
			a->global->retain = CORE_WM_MIN;
		}
		return a->global;
	}
	k[0] = core_v_time(start);
	k[1] = core_v_time(end);
	w = core_kmap_get(a->windows, core_key_hash(k, 2), k, &created);
	if (created) {
		w->start = start;
		w->end = end;
		w->windowed = 1;
		w->groups = core_kmap_new(a->g.n, a->gsize);
		w->retain = CORE_WM_MIN;
		if (core_kmap_len(a->windows) > a->peak_windows)
			a->peak_windows = core_kmap_len(a->windows);
	}
	return w;
}

/* The result row of group g in window w; NULL if --having drops it. */
static int
build_row(struct agg *a, struct window *w, struct group *g,
    struct core_rec *out)
{
	const struct core_value *keys = core_kmap_keys(w->groups, g);
	struct core_value v;
	size_t i;

	core_recb_reset(&a->rb);
	if (w->windowed) {
		core_recb_add(&a->rb, a->sstart, core_v_time(w->start));
		core_recb_add(&a->rb, a->send, core_v_time(w->end));
	}
	for (i = 0; i < a->g.n; i++)
		core_recb_add(&a->rb, a->g.f[i].sym, keys[i]);
	for (i = 0; i < a->nacc; i++) {
		core_acc_result(&a->acc[i], acc_state(a, g, i), w->windowed ?
		    w->start : 0, w->windowed ? w->end : 0, &v, &a->arena);
		core_recb_add(&a->rb, a->acc[i].out, v);
	}
	/* A result's event time: its window's end - 1 ns, so that cascaded
	 * windows put it in the same window; unwindowed, the latest event
	 * time of its group. */
	if (core_recb_finish(&a->rb, out, w->windowed ? w->end - 1 : g->tmax)
	    < 0)
		return 0;
	if (a->having && !core_expr_test(a->having, out))
		return 0;
	return 1;
}

static struct window *sort_window;

static int
group_cmp(const void *x, const void *y)
{
	return core_key_cmp(core_kmap_keys(sort_window->groups,
	    *(void *const *)x), core_kmap_keys(sort_window->groups,
	    *(void *const *)y), A.g.n);
}

static struct group *
group_new(struct agg *a, struct window *w, uint64_t h,
    const struct core_value *keys)
{
	struct group *g;
	size_t i;
	int created;

	g = core_kmap_get(w->groups, h, keys, &created);
	if (created) {
		for (i = 0; i < a->nacc; i++)
			core_acc_init(&a->acc[i], acc_state(a, g, i));
		g->tmax = INT64_MIN;
		a->ngroups++;
	}
	return g;
}

/* Writes the rows of w (only changed ones when dirty_only), by key. */
static void
emit_window(struct agg *a, struct window *w, int dirty_only)
{
	struct core_rec r;
	size_t n, i;
	void **all;

	/* A global aggregate over an empty window still has a row: "count"
	 * over nothing is 0 ("0 errors in the last minute"). */
	if (!dirty_only && a->g.n == 0 && a->nacc > 0 &&
	    core_kmap_len(w->groups) == 0)
		group_new(a, w, core_key_hash(NULL, 0), NULL)->dirty = 1;
	all = core_kmap_all(w->groups, &n);
	sort_window = w;
	qsort(all, n, sizeof(*all), group_cmp);
	for (i = 0; i < n; i++) {
		struct group *g = all[i];

		if (dirty_only && !g->dirty)
			continue;
		g->dirty = 0;
		core_arena_reset(&a->arena);
		if (build_row(a, w, g, &r))
			core_writer_rec(a->t.w, &r);
	}
	free(all);
}

static void
window_drop(struct agg *a, struct window *w)
{
	a->ngroups -= core_kmap_len(w->groups);
	core_kmap_free(w->groups, group_free);
	w->groups = NULL;
	if (w == a->global) {
		free(w);
		a->global = NULL;
	} else {
		core_kmap_del(a->windows, w);
	}
}

static void
track_peak(struct agg *a)
{
	if (a->ngroups > a->peak_groups)
		a->peak_groups = a->ngroups;
	if (a->stats && (a->ngroups & 0x3ff) == 0) {
		size_t bytes = core_kmap_bytes(a->windows), n, i;
		void **all = core_kmap_all(a->windows, &n);

		for (i = 0; i < n; i++)
			bytes += core_kmap_bytes(((struct window *)all[i])->
			    groups);
		free(all);
		if (a->global)
			bytes += core_kmap_bytes(a->global->groups);
		if (bytes > a->peak_bytes)
			a->peak_bytes = bytes;
	}
}

static void
on_rec(struct agg *a, const struct core_rec *r)
{
	const struct core_value *vs = core_rec_getref(r, &a->fstart);
	const struct core_value *ve = core_rec_getref(r, &a->fend);
	int windowed = vs && ve && vs->type == CORE_TIME &&
	    ve->type == CORE_TIME;
	struct window *w = window_get(a, windowed, windowed ? vs->u.i : 0,
	    windowed ? ve->u.i : 0);
	struct group *g;
	uint64_t h = core_key_get(&a->g, r, a->kv);
	size_t i;

	g = group_new(a, w, h, a->kv);
	track_peak(a);
	for (i = 0; i < a->nacc; i++)
		core_acc_add(&a->acc[i], acc_state(a, g, i), r);
	if (r->time > g->tmax)
		g->tmax = r->time;
	g->dirty = 1;
	if (a->update) {
		struct core_rec out;

		core_arena_reset(&a->arena);
		if (build_row(a, w, g, &out))
			core_writer_rec(a->t.w, &out);
		g->dirty = 0;
	}
}

/* A window-close punctuation: its results, then the punctuation. */
static void
on_close(struct agg *a, const struct core_window *cw)
{
	struct core_value k[2];
	struct window *w;

	a->saw_window = 1;
	k[0] = core_v_time(cw->start);
	k[1] = core_v_time(cw->end);
	w = core_kmap_find(a->windows, core_key_hash(k, 2), k);
	if (w == NULL) {
		/* An empty window: a global aggregate still says 0. */
		if (a->g.n == 0 && a->nacc > 0 && !a->update) {
			w = window_get(a, 1, cw->start, cw->end);
			emit_window(a, w, 0);
			window_drop(a, w);
		}
		core_writer_close(a->t.w, cw);
		return;
	}
	if (!a->update)
		emit_window(a, w, w->closed);    /* a re-close: changes only */
	w->closed = 1;
	if (cw->retain > w->retain)
		w->retain = cw->retain;
	if (w->retain <= a->wm || w->retain == CORE_WM_MIN)
		window_drop(a, w);
	core_writer_close(a->t.w, cw);
}

static int
window_end_cmp(const void *x, const void *y)
{
	const struct window *a = *(struct window *const *)x;
	const struct window *b = *(struct window *const *)y;

	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static void
on_wm(struct agg *a, int64_t wm)
{
	size_t n, i;
	void **all;

	if (wm <= a->wm)
		return;
	a->wm = wm;
	/* Windows kept for late updates are freed once past retention. */
	all = core_kmap_all(a->windows, &n);
	for (i = 0; i < n; i++) {
		struct window *w = all[i];

		if (w->closed && w->retain <= wm)
			window_drop(a, w);
	}
	free(all);
	core_writer_wm(a->t.w, wm);
}

/* Periodic early results: every open window, by end, then the global. */
static void
every_tick(struct core_loop *l, void *ctx)
{
	struct agg *a = ctx;
	size_t n, i;
	void **all = core_kmap_all(a->windows, &n);

	qsort(all, n, sizeof(*all), window_end_cmp);
	for (i = 0; i < n; i++)
		if (!((struct window *)all[i])->closed)
			emit_window(a, all[i], 1);
	free(all);
	if (a->global)
		emit_window(a, a->global, 1);
	core_loop_timer(l, &a->every_timer, core_now_mono() + a->every,
	    every_tick, a);
}

static void
report_nulls(struct agg *a)
{
	char buf[1024];
	size_t i, k = 0;
	uint64_t total = 0;

	for (i = 0; i < a->nacc; i++) {
		uint64_t n = a->acc[i].nulls + a->acc[i].nonnum;

		if (n == 0)
			continue;
		total += n;
		k += (size_t)snprintf(buf + k, k < sizeof(buf) ?
		    sizeof(buf) - k : 0, "%s%s: %llu", k ? ", " : "",
		    a->acc[i].text, (unsigned long long)n);
		if (k >= sizeof(buf))
			k = sizeof(buf) - 1;
	}
	if (total)
		core_warnx("%llu value%s skipped as null, missing or not a "
		    "number (%s)", (unsigned long long)total, total == 1 ? "" :
		    "s", buf);
}

static _Noreturn void
finish(struct agg *a)
{
	size_t n, i;
	void **all = core_kmap_all(a->windows, &n);

	/* End of input: every window closes, by end, as if punctuated. */
	qsort(all, n, sizeof(*all), window_end_cmp);
	for (i = 0; i < n; i++) {
		struct window *w = all[i];

		if (!a->update)
			emit_window(a, w, w->closed);
		window_drop(a, w);
	}
	free(all);
	if (a->global) {
		if (!a->update)
			emit_window(a, a->global, 0);
		window_drop(a, a->global);
	} else if (a->g.n == 0 && a->nacc > 0 && n == 0 && !a->update &&
	    !a->saw_window) {
		/* Nothing came at all: one row of zeros for a global total. */
		window_get(a, 0, 0, 0);
		emit_window(a, a->global, 0);
		window_drop(a, a->global);
	}
	on_wm(a, CORE_WM_MAX);
	report_nulls(a);
	if (a->stats)
		core_warnx("state: peak %llu groups in %llu windows, about "
		    "%.1f MB", (unsigned long long)a->peak_groups,
		    (unsigned long long)a->peak_windows,
		    (double)a->peak_bytes / 1e6);
	core_tool_exit(&a->t, a->sig);
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct agg *a = ctx;

	switch (ev->kind) {
	case CORE_EV_REC:
		on_rec(a, &ev->rec);
		break;
	case CORE_EV_WM:
		on_wm(a, ev->wm);
		break;
	case CORE_EV_CLOSE:
		on_close(a, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(a->t.w, ev->barrier);
		break;
	case CORE_EV_BAD:
		core_report_bad(&a->t.rep, f->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct agg *a = ctx;

	(void)f;
	if (a->cur + 1 < a->nfiles) {
		a->cur++;
		core_feed_start(&a->feeds[a->cur], on_event, on_eof, a);
		return;
	}
	finish(a);
}

static void
stop_now(struct core_loop *l, void *ctx)
{
	(void)l;
	finish(ctx);
}

static void
on_signal(struct core_loop *l, void *ctx)
{
	struct agg *a = ctx;

	if (a->sig)
		return;
	a->sig = core_loop_signal_last(l);
	core_loop_timer(l, &a->stop_timer, core_now_mono() + 200000000,
	    stop_now, a);
}

int
main(int argc, char **argv)
{
	struct agg *a = &A;
	struct core_decopts dec = { .format = "auto" };
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	char err[256];
	size_t i, off;
	int first;

	core_setprogname(argv[0]);
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, a);
	/* Operands: accumulators, then "--" and files if any. */
	a->acc = core_xcalloc((size_t)argc + 1, sizeof(*a->acc));
	a->off = core_xcalloc((size_t)argc + 1, sizeof(*a->off));
	for (i = (size_t)first; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (core_accspec_parse(&a->acc[a->nacc], argv[i], err,
		    sizeof(err)) < 0)
			core_usage_error("%s", err);
		a->nacc++;
	}
	a->files = i < (size_t)argc ? argv + i : stdin_only;
	a->nfiles = i < (size_t)argc ? (size_t)argc - i : 1;
	if (a->nacc == 0 && a->g.n == 0)
		core_usage_error("give accumulators (count, sum:FIELD, ...) or "
		    "-g FIELDS for distinct groups");
	if (a->sstart == NULL)
		a->sstart = core_sym_str("window_start");
	if (a->send == NULL)
		a->send = core_sym_str("window_end");
	a->fstart.sym = a->sstart;
	a->fstart.idx = -1;
	a->fend.sym = a->send;
	a->fend.idx = -1;
	off = 0;
	for (i = 0; i < a->nacc; i++) {
		size_t k;

		a->off[i] = off;
		off += core_acc_size(&a->acc[i]);
		for (k = 0; k < a->g.n; k++)
			if (a->acc[i].out == a->g.f[k].sym)
				core_usage_error("'%s': the result's name clashes "
				    "with a group field; rename it with NAME=",
				    a->acc[i].text);
		for (k = 0; k < i; k++)
			if (a->acc[i].out == a->acc[k].out)
				core_usage_error("'%s' and '%s' give the same "
				    "field '%s'; rename one with NAME=",
				    a->acc[k].text, a->acc[i].text,
				    a->acc[i].out->name);
	}
	a->gsize = offsetof(struct group, acc) + off;
	core_tool_init(&a->t, &com, core_writer_default_format(1), NULL);
	core_arena_init(&a->arena);
	core_recb_init(&a->rb);
	a->windows = core_kmap_new(2, sizeof(struct window));
	a->kv = core_xcalloc(a->g.n + 1, sizeof(*a->kv));
	a->wm = CORE_WM_MIN;
	a->feeds = core_xcalloc(a->nfiles, sizeof(*a->feeds));
	for (i = 0; i < a->nfiles; i++)
		if (core_feed_open(&a->feeds[i], a->t.loop, a->files[i], &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    a->files[i]);
	core_loop_signals(a->t.loop, on_signal, a);
	if (a->every)
		core_loop_timer(a->t.loop, &a->every_timer, core_now_mono() +
		    a->every, every_tick, a);
	core_feed_start(&a->feeds[0], on_event, on_eof, a);
	core_loop_run(a->t.loop);
	finish(a);
}
