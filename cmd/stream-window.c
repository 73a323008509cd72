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
#include "libcore/feed.h"
#include "libcore/kmap.h"
#include "libcore/timefmt.h"
#include "libcore/tool.h"
#include "libcore/window.h"
#include "libcore/wm.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

enum {
	OPT_TUMBLING = CORE_OPT_TOOL, OPT_HOPPING, OPT_SESSION, OPT_COUNT,
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
	"(-T SIZE | -H SIZE/SLIDE | -S GAP | -C N) [-b FIELDS] [-l DUR] "
	"[--late drop|update|FILE] [options] [FILE ...]",
	"Adds window_start and window_end to each record and writes a "
	"window-close\npunctuation when the watermark passes a window's end.",
	options, "@file"
};

enum mode { GRID, SESSION, COUNT };

/* A session or count window being filled, with its records held back. */
struct pending {
	int64_t start, end;      /* session: [first, last + gap) */
	struct core_rec **recs;
	size_t n, cap;
	int64_t seq;             /* creation order, for stable sorting */
	int dead;                /* merged into another */
	void *key;               /* the kmap entry of its key */
};

/* Per key: the open windows, and the end of the last closed session. */
struct keystate {
	struct pending **open;
	size_t n, cap;
	int64_t frontier;
};

struct win {
	struct core_tool t;
	enum mode mode;
	struct core_winspec ws;
	int64_t size, slide, offset, gap;
	int64_t count;
	int64_t lateness, horizon;
	int late_update;
	const char *late_file;
	struct core_out *late_out;
	struct core_writer *late_w;
	uint64_t late_dropped;
	struct core_keyspec by;
	const char *by_list;
	const struct core_sym *start_sym, *end_sym;
	const char *start_name, *end_name;
	/* grid windows */
	int have_first;
	int64_t next_start;      /* earliest window not yet closed */
	int64_t max_seen;
	int64_t wm;              /* input watermark */
	int64_t wm_out;          /* last watermark written */
	/* session and count windows */
	struct core_kmap *keys;
	struct pending **heap;   /* sessions by end, lazily deleted */
	size_t nheap, capheap;
	int64_t seq;
	size_t held;             /* records held back */
	struct core_value *kv;
	/* output record with the window fields appended */
	struct core_value *vals;
	size_t capvals;
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
	int sig;
	struct core_timer stop_timer;
	int ended;
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
		if (w->mode != GRID || w->size || w->count)
			core_usage_error("give one of --tumbling, --hopping, "
			    "--session, --count");
		break;
	}
	switch (id) {
	case OPT_TUMBLING:
		w->size = w->slide = core_arg_dur("--tumbling", arg, 0);
		if (w->size <= 0)
			core_usage_error("--tumbling: the size must be more "
			    "than 0");
		break;
	case OPT_HOPPING:
		if ((slash = strchr(arg, '/')) == NULL)
			core_usage_error("--hopping: '%s' is not SIZE/SLIDE "
			    "(e.g. 1m/10s)", arg);
		sz = core_xmemdup(arg, (size_t)(slash - arg));
		w->size = core_arg_dur("--hopping", sz, 0);
		free(sz);
		w->slide = core_arg_dur("--hopping", slash + 1, 0);
		if (w->size <= 0 || w->slide <= 0 || w->slide > w->size)
			core_usage_error("--hopping: need 0 < SLIDE <= SIZE");
		if (w->size / w->slide > 10000)
			core_usage_error("--hopping: SIZE/SLIDE is more than "
			    "10000 windows per record");
		break;
	case OPT_SESSION:
		w->mode = SESSION;
		w->gap = core_arg_dur("--session", arg, 0);
		if (w->gap <= 0)
			core_usage_error("--session: the gap must be more "
			    "than 0");
		break;
	case OPT_COUNT:
		w->mode = COUNT;
		w->count = core_arg_num("--count", arg, 1, 100000000);
		break;
	case OPT_OFFSET:
		w->offset = core_arg_dur("--offset", arg, 1);
		break;
	case OPT_BY:
		w->by_list = arg;
		break;
	case OPT_LATENESS:
		w->lateness = core_arg_dur("--allowed-lateness", arg, 0);
		break;
	case OPT_LATE:
		if (strcmp(arg, "update") == 0)
			w->late_update = 1;
		else if (strcmp(arg, "drop") != 0)
			w->late_file = arg;
		break;
	case OPT_HORIZON:
		w->horizon = core_arg_dur("--late-horizon", arg, 0);
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

/* ---- output ---------------------------------------------------------------- */

/* Writes r with the window fields; appended, so raw frame bytes stay. */
static void
emit(struct win *w, const struct core_rec *r, int64_t start, int64_t end)
{
	const struct core_schema *s = r->schema;
	struct core_rec o = *r;
	int i0 = core_schema_find(s, w->start_sym);
	int i1 = core_schema_find(s, w->end_sym);

	if (i0 < 0 && i1 < 0) {
		s = core_schema_append(core_schema_append(s, w->start_sym),
		    w->end_sym);
		i0 = (int)s->n - 2;
		i1 = (int)s->n - 1;
	} else if (i0 < 0 || i1 < 0) {
		/* One of them there: rebuild rather than guess. */
		const struct core_sym *add = i0 < 0 ? w->start_sym : w->end_sym;

		s = core_schema_append(s, add);
		if (i0 < 0)
			i0 = (int)s->n - 1;
		else
			i1 = (int)s->n - 1;
		core_rec_touch(&o);
	} else {
		/* Re-windowing windowed records: the fields are replaced. */
		core_rec_touch(&o);
	}
	if (s->n > w->capvals)
		w->vals = core_xgrow(w->vals, &w->capvals, s->n,
		    sizeof(*w->vals));
	memcpy(w->vals, r->v, r->schema->n * sizeof(*w->vals));
	w->vals[i0] = core_v_time(start);
	w->vals[i1] = core_v_time(end);
	o.schema = s;
	o.v = w->vals;
	core_writer_rec(w->t.w, &o);
}

static void
close_window(struct win *w, int64_t start, int64_t end)
{
	struct core_window cw;

	cw.start = start;
	cw.end = end;
	cw.retain = w->late_update ? core_sat_add(core_sat_add(end,
	    w->lateness), w->horizon) : CORE_WM_MIN;
	core_writer_close(w->t.w, &cw);
}

static void
forward_wm(struct win *w, int64_t wm)
{
	if (wm > w->wm_out) {
		w->wm_out = wm;
		core_writer_wm(w->t.w, wm);
	}
}

/* A late record: drop and count it, write it aside, or update. */
static void
late(struct win *w, const struct core_rec *r, int64_t start, int64_t end)
{
	if (w->late_update && core_sat_add(core_sat_add(end, w->lateness),
	    w->horizon) > w->wm) {
		emit(w, r, start, end);
		close_window(w, start, end);
		return;
	}
	if (w->late_w) {
		struct core_recb b;
		struct core_rec o;
		size_t i;
		char why[160];
		char *p;

		core_recb_init(&b);
		for (i = 0; i < r->schema->n; i++)
			core_recb_add(&b, r->schema->f[i], r->v[i]);
		p = why + snprintf(why, sizeof(why), "late: window ends ");
		p += core_time_format_rfc3339(end, p);
		snprintf(p, sizeof(why) - (size_t)(p - why),
		    ", closed at watermark");
		core_recb_add(&b, core_sym_str("late_reason"),
		    core_v_str(why, strlen(why)));
		if (core_recb_finish(&b, &o, r->time) == 0)
			core_writer_rec(w->late_w, &o);
		core_recb_release(&b);
	}
	w->late_dropped++;
}

/* ---- tumbling and hopping --------------------------------------------------- */

static void
grid_rec(struct win *w, const struct core_rec *r)
{
	struct core_window win[64], *ws = win;
	size_t n, i, per = core_win_per_time(&w->ws);

	if (per > 64)
		ws = core_xcalloc(per, sizeof(*ws));
	n = core_win_assign(&w->ws, r->time, ws, per);
	if (r->time > w->max_seen)
		w->max_seen = r->time;
	for (i = 0; i < n; i++) {
		/* Closed when its end plus lateness is at or below the
		 * watermark and it is before the close frontier. */
		if (w->have_first && ws[i].start < w->next_start) {
			late(w, r, ws[i].start, ws[i].end);
			continue;
		}
		if (!w->have_first) {
			w->have_first = 1;
			w->next_start = ws[i].start;
		}
		emit(w, r, ws[i].start, ws[i].end);
	}
	if (ws != win)
		free(ws);
}

/* Closes the windows the watermark has passed, empty ones included, so
 * that "0 errors in the last minute" comes out on time. */
static void
grid_wm(struct win *w, int64_t wm)
{
	int64_t limit, end;
	uint64_t steps = 0;

	if (!w->have_first) {
		/* No record yet: the grid is still known, so windows start
		 * closing from the one the watermark is in, and a stream
		 * with nothing in it still reports its empty windows. */
		if (wm == CORE_WM_MAX)
			return;
		w->have_first = 1;
		w->next_start = core_win_floor(&w->ws, core_sat_add(wm,
		    -w->lateness));
		w->max_seen = wm;
		return;
	}
	if (wm != CORE_WM_MAX && wm > w->max_seen)
		w->max_seen = wm;
	limit = core_sat_add(wm, -w->lateness);
	if (wm == CORE_WM_MAX) {
		/* End of input: up to the last window time reached. */
		limit = core_win_end(&w->ws, core_win_floor(&w->ws,
		    w->max_seen));
	}
	for (;;) {
		end = core_win_end(&w->ws, w->next_start);
		if (end > limit)
			break;
		if (++steps > 100000) {
			/* A jump of the watermark over a huge empty span:
			 * skip to its end rather than print a million
			 * empty closes. */
			int64_t s = core_win_floor(&w->ws, core_sat_add(limit,
			    -w->ws.size));

			if (s > w->next_start)
				w->next_start = s;
			steps = 0;
			continue;
		}
		close_window(w, w->next_start, end);
		if (end == INT64_MAX)
			break;
		w->next_start = core_sat_add(w->next_start, w->ws.slide);
	}
	if (wm == CORE_WM_MAX)
		w->next_start = INT64_MAX;
}

/* The watermark written on: held back to just before the end of the
 * earliest window not closed, so that results timestamped end - 1 are
 * never late downstream. */
static int64_t
grid_hold(struct win *w, int64_t wm)
{
	int64_t end;

	if (!w->have_first || w->next_start == INT64_MAX)
		return wm;
	end = core_win_end(&w->ws, w->next_start);
	return end - 1 < wm ? end - 1 : wm;
}

/* ---- session and count windows ----------------------------------------------- */

static struct pending *
pending_new(struct win *w, void *key, int64_t start, int64_t end)
{
	struct pending *p = core_xcalloc(1, sizeof(*p));

	p->start = start;
	p->end = end;
	p->seq = w->seq++;
	p->key = key;
	return p;
}

static void
pending_add(struct win *w, struct pending *p, const struct core_rec *r)
{
	p->recs = core_xgrow(p->recs, &p->cap, p->n + 1, sizeof(*p->recs));
	p->recs[p->n++] = core_rec_copy(r);
	w->held++;
}

static void
pending_free(struct win *w, struct pending *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		core_rec_free(p->recs[i]);
	w->held -= p->n;
	free(p->recs);
	free(p);
}

/* Min-heap of sessions by end, then creation order. */
static int
heap_less(const struct pending *a, const struct pending *b)
{
	return a->end < b->end || (a->end == b->end && a->seq < b->seq);
}

static void
heap_push(struct win *w, struct pending *p)
{
	size_t i;

	w->heap = core_xgrow(w->heap, &w->capheap, w->nheap + 1,
	    sizeof(*w->heap));
	i = w->nheap++;
	while (i > 0 && heap_less(p, w->heap[(i - 1) / 2])) {
		w->heap[i] = w->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	w->heap[i] = p;
}

static struct pending *
heap_pop(struct win *w)
{
	struct pending *top = w->heap[0], *last = w->heap[--w->nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < w->nheap) {
		if (c + 1 < w->nheap && heap_less(w->heap[c + 1], w->heap[c]))
			c++;
		if (!heap_less(w->heap[c], last))
			break;
		w->heap[i] = w->heap[c];
		i = c;
	}
	if (w->nheap)
		w->heap[i] = last;
	return top;
}

static void
keystate_remove(struct keystate *k, struct pending *p)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		if (k->open[i] == p) {
			memmove(&k->open[i], &k->open[i + 1],
			    (k->n - i - 1) * sizeof(*k->open));
			k->n--;
			return;
		}
	}
}

static void
session_rec(struct win *w, const struct core_rec *r)
{
	uint64_t h = core_key_get(&w->by, r, w->kv);
	struct keystate *k;
	struct pending *p, *m;
	int64_t t = r->time, end = core_sat_add(t, w->gap);
	size_t i;
	int created;

	if (core_sat_add(end, w->lateness) <= w->wm) {
		late(w, r, t, end);
		return;
	}
	k = core_kmap_get(w->keys, h, w->kv, &created);
	if (created)
		k->frontier = CORE_WM_MIN;
	if (t < k->frontier) {
		/* It would reopen a session that was closed already. */
		late(w, r, t, end);
		return;
	}
	/* Merge every open session this record's [t, t + gap) touches. */
	m = NULL;
	for (i = 0; i < k->n;) {
		p = k->open[i];
		if (t < p->end && end > p->start) {
			if (m == NULL) {
				m = p;
				i++;
				continue;
			}
			/* Fold p into m. */
			if (p->start < m->start)
				m->start = p->start;
			if (p->end > m->end)
				m->end = p->end;
			m->recs = core_xgrow(m->recs, &m->cap, m->n + p->n,
			    sizeof(*m->recs));
			memcpy(m->recs + m->n, p->recs, p->n * sizeof(*p->recs));
			m->n += p->n;
			if (p->seq < m->seq)
				m->seq = p->seq;
			p->n = 0;
			p->dead = 1;
			keystate_remove(k, p);
			continue;
		}
		i++;
	}
	if (m == NULL) {
		m = pending_new(w, k, t, end);
		k->open = core_xgrow(k->open, &k->cap, k->n + 1,
		    sizeof(*k->open));
		k->open[k->n++] = m;
		pending_add(w, m, r);
		heap_push(w, m);
		return;
	}
	pending_add(w, m, r);
	if (t < m->start)
		m->start = t;
	if (end > m->end) {
		/* Its end moved: a new heap entry; the old one is stale. */
		struct pending *n2 = pending_new(w, k, m->start, end);

		n2->recs = m->recs;
		n2->n = m->n;
		n2->cap = m->cap;
		n2->seq = m->seq;
		m->recs = NULL;
		m->n = m->cap = 0;
		m->dead = 1;
		for (i = 0; i < k->n; i++)
			if (k->open[i] == m)
				k->open[i] = n2;
		heap_push(w, n2);
	}
}

/* Sessions that close at the same watermark come out by end, then key. */
static int
closing_cmp(const void *a, const void *b)
{
	const struct pending *x = *(struct pending *const *)a;
	const struct pending *y = *(struct pending *const *)b;
	int c;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	c = core_key_cmp(core_kmap_keys(W.keys, x->key),
	    core_kmap_keys(W.keys, y->key), W.by.n);
	if (c)
		return c;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void
session_wm(struct win *w, int64_t wm)
{
	struct pending **out = NULL, *p;
	size_t n = 0, cap = 0, i, j;

	while (w->nheap && (w->heap[0]->dead ||
	    core_sat_add(w->heap[0]->end, w->lateness) <= wm)) {
		p = heap_pop(w);
		if (p->dead) {
			pending_free(w, p);
			continue;
		}
		out = core_xgrow(out, &cap, n + 1, sizeof(*out));
		out[n++] = p;
	}
	qsort(out, n, sizeof(*out), closing_cmp);
	for (i = 0; i < n; i++) {
		struct keystate *k;

		p = out[i];
		for (j = 0; j < p->n; j++)
			emit(w, p->recs[j], p->start, p->end);
		close_window(w, p->start, p->end);
		k = p->key;
		keystate_remove(k, p);
		if (p->end > k->frontier)
			k->frontier = p->end;
		pending_free(w, p);
	}
	free(out);
	/* Forget keys with nothing open whose frontier cannot matter any
	 * more (a record before it is late by the watermark alone). */
	if (n && wm != CORE_WM_MAX) {
		size_t nk, x;
		void **all = core_kmap_all(w->keys, &nk);

		for (x = 0; x < nk; x++) {
			struct keystate *k = all[x];

			if (k->n == 0 && core_sat_add(k->frontier, w->gap) <= wm) {
				free(k->open);
				core_kmap_del(w->keys, k);
			}
		}
		free(all);
	}
}

static int64_t
session_hold(struct win *w, int64_t wm)
{
	size_t i;

	/* Earliest end among live sessions. */
	for (i = 0; i < w->nheap; i++) {
		if (!w->heap[i]->dead && w->heap[i]->end - 1 < wm)
			wm = w->heap[i]->end - 1;
	}
	return wm;
}

static void
count_flush(struct win *w, struct keystate *k)
{
	struct pending *p = k->open[0];
	size_t j;

	for (j = 0; j < p->n; j++)
		emit(w, p->recs[j], p->start, p->end);
	close_window(w, p->start, p->end);
	pending_free(w, p);
	k->n = 0;
}

static void
count_rec(struct win *w, const struct core_rec *r)
{
	uint64_t h = core_key_get(&w->by, r, w->kv);
	struct keystate *k;
	struct pending *p;
	int created;

	k = core_kmap_get(w->keys, h, w->kv, &created);
	if (k->n == 0) {
		p = pending_new(w, k, r->time, core_sat_add(r->time, 1));
		k->open = core_xgrow(k->open, &k->cap, 1, sizeof(*k->open));
		k->open[0] = p;
		k->n = 1;
	}
	p = k->open[0];
	pending_add(w, p, r);
	/* Bounds of a count window: its earliest and latest event times. */
	if (r->time < p->start)
		p->start = r->time;
	if (core_sat_add(r->time, 1) > p->end)
		p->end = core_sat_add(r->time, 1);
	if ((int64_t)p->n >= w->count)
		count_flush(w, k);
}

static int
keyed_cmp(const void *a, const void *b)
{
	struct keystate *x = *(struct keystate *const *)a;
	struct keystate *y = *(struct keystate *const *)b;

	return core_key_cmp(core_kmap_keys(W.keys, x), core_kmap_keys(W.keys,
	    y), W.by.n);
}

/* End of input for count windows: the partial ones, by key. */
static void
count_end(struct win *w)
{
	size_t n, i;
	void **all = core_kmap_all(w->keys, &n);

	qsort(all, n, sizeof(*all), keyed_cmp);
	for (i = 0; i < n; i++) {
		struct keystate *k = all[i];

		if (k->n)
			count_flush(w, k);
	}
	free(all);
}

/* ---- the event loop side ------------------------------------------------------ */

static void
on_wm(struct win *w, int64_t wm)
{
	if (wm <= w->wm && wm != CORE_WM_MAX)
		return;
	w->wm = wm;
	switch (w->mode) {
	case GRID:
		grid_wm(w, wm);
		forward_wm(w, grid_hold(w, wm));
		break;
	case SESSION:
		session_wm(w, wm);
		forward_wm(w, session_hold(w, wm));
		break;
	case COUNT:
		if (wm == CORE_WM_MAX)
			count_end(w);
		forward_wm(w, wm);
		break;
	}
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct win *w = ctx;

	switch (ev->kind) {
	case CORE_EV_REC:
		switch (w->mode) {
		case GRID:
			grid_rec(w, &ev->rec);
			break;
		case SESSION:
			session_rec(w, &ev->rec);
			break;
		case COUNT:
			count_rec(w, &ev->rec);
			break;
		}
		break;
	case CORE_EV_WM:
		on_wm(w, ev->wm);
		break;
	case CORE_EV_CLOSE:
		/* Windows of an upstream stage end with this stage's own. */
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(w->t.w, ev->barrier);
		break;
	case CORE_EV_END:
		w->ended = 1;
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
	on_wm(w, CORE_WM_MAX);
	core_report_count(&w->t.rep, "late", w->late_dropped);
	if (w->late_w) {
		core_writer_end(w->late_w);
		core_out_flush(w->late_out);
	}
	core_tool_exit(&w->t, w->sig);
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

static void
stop_now(struct core_loop *l, void *ctx)
{
	(void)l;
	finish(ctx);
}

static void
on_signal(struct core_loop *l, void *ctx)
{
	struct win *w = ctx;

	if (w->sig)
		return;
	w->sig = core_loop_signal_last(l);
	core_loop_timer(l, &w->stop_timer, core_now_mono() + 200000000,
	    stop_now, w);
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
	w->horizon = 3600LL * 1000000000;
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, w);
	if (w->mode == GRID && w->size == 0)
		core_usage_error("say which windows: --tumbling, --hopping, "
		    "--session or --count");
	if (w->mode == GRID && core_winspec_init(&w->ws, w->size, w->slide,
	    w->offset, &why) < 0)
		core_usage_error("%s", why);
	if (w->mode != GRID && w->offset)
		core_usage_error("--offset applies to --tumbling and --hopping");
	if (w->mode == GRID && w->by_list)
		core_usage_error("--by applies to --session and --count (group "
		    "tumbling windows with stream-agg -g)");
	if (w->mode != GRID && w->late_update)
		core_usage_error("--late update applies to --tumbling and "
		    "--hopping");
	if (w->by_list && core_keyspec_init(&w->by, w->by_list) < 0)
		core_usage_error("--by: empty field name in '%s'", w->by_list);
	w->start_sym = core_sym_str(w->start_name ? w->start_name :
	    "window_start");
	w->end_sym = core_sym_str(w->end_name ? w->end_name : "window_end");
	if (w->start_sym == w->end_sym)
		core_usage_error("--start-field and --end-field must differ");
	w->files = argc > first ? argv + first : stdin_only;
	w->nfiles = argc > first ? (size_t)(argc - first) : 1;
	core_tool_init(&w->t, &com, core_writer_default_format(1), NULL);
	if (w->late_file) {
		struct core_wopts lo = { .format = "ndjson" };
		int fd = open_late(w->late_file);

		w->late_out = core_xmalloc(sizeof(*w->late_out));
		core_out_init(w->late_out, fd, w->late_file);
		w->late_w = core_writer_new(w->late_out, &lo);
	}
	w->keys = core_kmap_new(w->by.n, sizeof(struct keystate));
	w->kv = core_xcalloc(w->by.n + 1, sizeof(*w->kv));
	w->wm = w->wm_out = CORE_WM_MIN;
	w->max_seen = CORE_WM_MIN;
	w->feeds = core_xcalloc(w->nfiles, sizeof(*w->feeds));
	for (i = 0; i < w->nfiles; i++)
		if (core_feed_open(&w->feeds[i], w->t.loop, w->files[i], &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    w->files[i]);
	core_loop_signals(w->t.loop, on_signal, w);
	core_feed_start(&w->feeds[0], on_event, on_eof, w);
	core_loop_run(w->t.loop);
	finish(w);
}
