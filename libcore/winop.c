/* SPDX-License-Identifier: MIT */
/* The window operator: tumbling, hopping, session and count windows,
 * closed by the watermark, with late-record policies. */
#include "libcore/winop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/evtime.h"
#include "libcore/kmap.h"
#include "libcore/timefmt.h"
#include "libcore/wm.h"
#include "libcore/xalloc.h"

/* A session or count window being filled, with its records held back. */
static struct core_winop *sort_op;

static void held_at(struct core_winop *w, int64_t t);


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
	/* field windows: records of the key that no window holds yet */
	struct core_rec **orphan;
	size_t norphan, caporphan;
	int listed;              /* in the winop's orphan-key list */
};

struct core_winop {
	struct core_winop_opts o;
	struct core_writer *out;
	struct core_winspec ws;
	uint64_t late_dropped;
	uint64_t late_written;
	/* grid windows */
	int have_first;
	int64_t next_start;      /* earliest window not yet closed */
	int64_t max_seen;
	int64_t wm;              /* input watermark */
	int64_t wm_out;          /* last watermark written */
	struct core_winmemo memo;  /* the last record's windows */
	size_t per;              /* windows per time, at most */
	/* session and count windows */
	struct core_kmap *keys;
	struct pending **heap;   /* sessions by end, lazily deleted */
	size_t nheap, capheap;
	int64_t seq;
	size_t held;             /* records held back */
	int64_t min_held;        /* earliest time held (session, field) */
	int min_dirty;
	uint64_t closes;         /* since the last scan for idle keys */
	struct keystate **okeys; /* keys with orphans (field windows) */
	size_t nokeys, capokeys;
	uint64_t outside;        /* records no field window took */
	uint64_t badbounds;      /* field windows ending before they start */
	struct core_value *kv;
	/* output record with the window fields appended */
	struct core_value *vals;
	size_t capvals;
	const struct core_schema *memo_in, *memo_out;
	int memo_i0, memo_i1, memo_touch;
};

/* ---- output ---------------------------------------------------------------- */

/* Writes r with the window fields; appended, so raw frame bytes stay. */
static void
emit(struct core_winop *w, const struct core_rec *r, int64_t start, int64_t end)
{
	const struct core_schema *s = r->schema;
	struct core_rec o = *r;
	int i0, i1;

	/* One input shape after another is the common case: remember. */
	if (s == w->memo_in) {
		o.schema = w->memo_out;
		if (w->memo_touch)
			core_rec_touch(&o);
		if (o.schema->n > w->capvals)
			w->vals = core_xgrow(w->vals, &w->capvals,
			    o.schema->n, sizeof(*w->vals));
		memcpy(w->vals, r->v, r->schema->n * sizeof(*w->vals));
		w->vals[w->memo_i0] = core_v_time(start);
		w->vals[w->memo_i1] = core_v_time(end);
		o.v = w->vals;
		core_writer_rec(w->out, &o);
		return;
	}
	i0 = core_schema_find(s, w->o.start);
	i1 = core_schema_find(s, w->o.end);

	if (i0 < 0 && i1 < 0) {
		s = core_schema_append(core_schema_append(s, w->o.start),
		    w->o.end);
		i0 = (int)s->n - 2;
		i1 = (int)s->n - 1;
	} else if (i0 < 0 || i1 < 0) {
		/* One of them there: rebuild rather than guess. */
		const struct core_sym *add = i0 < 0 ? w->o.start : w->o.end;

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
	w->memo_in = r->schema;
	w->memo_out = s;
	w->memo_i0 = i0;
	w->memo_i1 = i1;
	w->memo_touch = o.raw == NULL;
	o.schema = s;
	o.v = w->vals;
	core_writer_rec(w->out, &o);
}

static void
close_window(struct core_winop *w, int64_t start, int64_t end)
{
	struct core_window cw;

	cw.start = start;
	cw.end = end;
	cw.retain = (w->o.late == CORE_LATE_UPDATE) ? core_sat_add(core_sat_add(end,
	    w->o.lateness), w->o.horizon) : CORE_WM_MIN;
	core_writer_close(w->out, &cw);
}

static void
forward_wm(struct core_winop *w, int64_t wm)
{
	if (wm > w->wm_out) {
		w->wm_out = wm;
		core_writer_wm(w->out, wm);
	}
}

/* A late record: drop and count it, write it aside, or update. */
static void
late(struct core_winop *w, const struct core_rec *r, int64_t start, int64_t end)
{
	if ((w->o.late == CORE_LATE_UPDATE) && core_sat_add(core_sat_add(end, w->o.lateness),
	    w->o.horizon) > w->wm) {
		emit(w, r, start, end);
		close_window(w, start, end);
		return;
	}
	if (w->o.late_w) {
		core_rec_full(r);
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
		p += snprintf(p, sizeof(why) - (size_t)(p - why),
		    ", watermark was ");
		core_time_format_rfc3339(w->wm, p);
		core_recb_add(&b, core_sym_str("late_reason"),
		    core_v_str(why, strlen(why)));
		if (core_recb_finish(&b, &o, r->time) == 0)
			core_writer_rec(w->o.late_w, &o);
		core_recb_release(&b);
		w->late_written++;
		return;
	}
	w->late_dropped++;
}

/* ---- tumbling and hopping --------------------------------------------------- */

static void
grid_rec(struct core_winop *w, const struct core_rec *r)
{
	struct core_window win[64], *ws = win;
	size_t n, i, per = w->per;

	if (per > 64)
		ws = core_xcalloc(per, sizeof(*ws));
	n = core_win_assign_memo(&w->ws, &w->memo, r->time, ws, per);
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
grid_wm(struct core_winop *w, int64_t wm)
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
		    -w->o.lateness));
		w->max_seen = wm;
		return;
	}
	if (wm != CORE_WM_MAX && wm > w->max_seen)
		w->max_seen = wm;
	limit = core_sat_add(wm, -w->o.lateness);
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
grid_hold(struct core_winop *w, int64_t wm)
{
	int64_t end;

	if (!w->have_first || w->next_start == INT64_MAX)
		return wm;
	end = core_win_end(&w->ws, w->next_start);
	return end - 1 < wm ? end - 1 : wm;
}

/* ---- session and count windows ----------------------------------------------- */

static struct pending *
pending_new(struct core_winop *w, void *key, int64_t start, int64_t end)
{
	struct pending *p = core_xcalloc(1, sizeof(*p));

	p->start = start;
	p->end = end;
	p->seq = w->seq++;
	p->key = key;
	held_at(w, start);
	return p;
}

static void
pending_add(struct core_winop *w, struct pending *p, const struct core_rec *r)
{
	p->recs = core_xgrow(p->recs, &p->cap, p->n + 1, sizeof(*p->recs));
	p->recs[p->n++] = core_rec_copy(r);
	w->held++;
}

static void
pending_free(struct core_winop *w, struct pending *p)
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
heap_push(struct core_winop *w, struct pending *p)
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
heap_pop(struct core_winop *w)
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
session_rec(struct core_winop *w, const struct core_rec *r)
{
	uint64_t h = core_key_get(w->o.by, r, w->kv);
	struct keystate *k;
	struct pending *p, *m;
	int64_t t = r->time, end = core_sat_add(t, w->o.gap), orig_end;
	size_t i;
	int created;

	if (core_sat_add(end, w->o.lateness) <= w->wm) {
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
	orig_end = 0;
	for (i = 0; i < k->n;) {
		p = k->open[i];
		if (t < p->end && end > p->start) {
			if (m == NULL) {
				m = p;
				orig_end = p->end;
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
	held_at(w, m->start);
	if (end > m->end)
		m->end = end;
	if (m->end != orig_end) {
		/* Its end moved, and the heap is ordered by end: a new entry
		 * takes the records; the old one stays behind, dead. */
		struct pending *n2 = pending_new(w, k, m->start, m->end);

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
	c = core_key_cmp(core_kmap_keys(sort_op->keys, x->key),
	    core_kmap_keys(sort_op->keys, y->key), sort_op->o.by->n);
	if (c)
		return c;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void
session_wm(struct core_winop *w, int64_t wm)
{
	struct pending **out = NULL, *p;
	size_t n = 0, cap = 0, i, j;

	while (w->nheap && (w->heap[0]->dead ||
	    core_sat_add(w->heap[0]->end, w->o.lateness) <= wm)) {
		p = heap_pop(w);
		if (p->dead) {
			pending_free(w, p);
			continue;
		}
		out = core_xgrow(out, &cap, n + 1, sizeof(*out));
		out[n++] = p;
	}
	sort_op = w;
	core_sort(out, n, sizeof(*out), closing_cmp);
	for (i = 0; i < n; i++) {
		struct keystate *k;

		p = out[i];
		for (j = 0; j < p->n; j++)
			emit(w, p->recs[j], p->start, p->end);
		close_window(w, p->start, p->end);
		if (p->start <= w->min_held)
			w->min_dirty = 1;
		k = p->key;
		keystate_remove(k, p);
		if (p->end > k->frontier)
			k->frontier = p->end;
		pending_free(w, p);
	}
	free(out);
	/* Forget keys with nothing open whose frontier cannot matter any
	 * more (a record before it is late by the watermark alone). */
	w->closes += n;
	if (n && wm != CORE_WM_MAX && w->closes > core_kmap_len(w->keys) / 2 +
	    16) {
		size_t nk, x;
		void **all = core_kmap_all(w->keys, &nk);

		w->closes = 0;
		for (x = 0; x < nk; x++) {
			struct keystate *k = all[x];

			if (k->n == 0 && k->norphan == 0 && !k->listed &&
			    core_sat_add(k->frontier, w->o.gap) <= wm) {
				free(k->open);
				core_kmap_del(w->keys, k);
			}
		}
		free(all);
	}
}

/*
 * The watermark passed on: held back to the earliest record still held
 * (the start of the earliest open window, or a waiting record), so that
 * records written when their window closes are never behind it.  The
 * minimum is kept as records come and recomputed (a scan) only after the
 * window that held it closed.
 */
static int64_t
session_hold(struct core_winop *w, int64_t wm)
{
	size_t i, x;

	if (w->min_dirty) {
		w->min_held = INT64_MAX;
		for (i = 0; i < w->nheap; i++)
			if (!w->heap[i]->dead && w->heap[i]->start < w->min_held)
				w->min_held = w->heap[i]->start;
		for (x = 0; x < w->nokeys; x++)
			for (i = 0; i < w->okeys[x]->norphan; i++)
				if (w->okeys[x]->orphan[i]->time < w->min_held)
					w->min_held = w->okeys[x]->orphan[i]->time;
		w->min_dirty = 0;
	}
	return w->min_held < wm ? w->min_held : wm;
}

static void
held_at(struct core_winop *w, int64_t t)
{
	if (t < w->min_held)
		w->min_held = t;
}

static void
count_flush(struct core_winop *w, struct keystate *k)
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
count_rec(struct core_winop *w, const struct core_rec *r)
{
	uint64_t h = core_key_get(w->o.by, r, w->kv);
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
	if ((int64_t)p->n >= w->o.count)
		count_flush(w, k);
}

static int
keyed_cmp(const void *a, const void *b)
{
	struct keystate *x = *(struct keystate *const *)a;
	struct keystate *y = *(struct keystate *const *)b;

	return core_key_cmp(core_kmap_keys(sort_op->keys, x), core_kmap_keys(sort_op->keys,
	    y), sort_op->o.by->n);
}

/* End of input for count windows: the partial ones, by key. */
static void
count_end(struct core_winop *w)
{
	size_t n, i;
	void **all = core_kmap_all(w->keys, &n);

	sort_op = w;
	core_sort(all, n, sizeof(*all), keyed_cmp);
	for (i = 0; i < n; i++) {
		struct keystate *k = all[i];

		if (k->n)
			count_flush(w, k);
	}
	free(all);
}

/* ---- windows bounded by record fields -------------------------------------- */

static void
orphan_add(struct core_winop *w, struct keystate *k, const struct core_rec *r)
{
	k->orphan = core_xgrow(k->orphan, &k->caporphan, k->norphan + 1,
	    sizeof(*k->orphan));
	k->orphan[k->norphan++] = core_rec_copy(r);
	w->held++;
	held_at(w, r->time);
	if (!k->listed) {
		k->listed = 1;
		w->okeys = core_xgrow(w->okeys, &w->capokeys, w->nokeys + 1,
		    sizeof(*w->okeys));
		w->okeys[w->nokeys++] = k;
	}
}

/* Moves the key's waiting records that fall in p into it. */
static void
orphans_adopt(struct keystate *k, struct pending *p)
{
	size_t i, j = 0;

	for (i = 0; i < k->norphan; i++) {
		struct core_rec *r = k->orphan[i];

		if (r->time >= p->start && r->time < p->end) {
			p->recs = core_xgrow(p->recs, &p->cap, p->n + 1,
			    sizeof(*p->recs));
			p->recs[p->n++] = r;
		} else {
			k->orphan[j++] = r;
		}
	}
	k->norphan = j;
}

static void
field_rec(struct core_winop *w, const struct core_rec *r)
{
	uint64_t h = core_key_get(w->o.by, r, w->kv);
	struct keystate *k;
	struct pending *p, *m = NULL;
	const char *why;
	int64_t from = r->time, until;
	size_t i;
	int created, bounded;

	bounded = core_evtime_get(w->o.until, r, &until, &why) == 0 &&
	    (w->o.from == NULL || core_evtime_get(w->o.from, r, &from,
	    &why) == 0);
	k = core_kmap_get(w->keys, h, w->kv, &created);
	if (created)
		k->frontier = CORE_WM_MIN;
	if (!bounded) {
		/* A member: the open window holding its time, if any. */
		for (i = 0; i < k->n; i++) {
			p = k->open[i];
			if (r->time >= p->start && r->time < p->end) {
				pending_add(w, p, r);
				return;
			}
		}
		if (r->time < k->frontier || core_sat_add(r->time,
		    w->o.lateness) < w->wm) {
			late(w, r, r->time, r->time);
			return;
		}
		orphan_add(w, k, r);
		return;
	}
	if (until <= from) {
		w->badbounds++;
		return;
	}
	if (core_sat_add(until, w->o.lateness) <= w->wm) {
		late(w, r, from, until);
		return;
	}
	/* Opens [from, until), merging with any open window it overlaps. */
	for (i = 0; i < k->n;) {
		p = k->open[i];
		if (from < p->end && until > p->start) {
			if (p->start < from)
				from = p->start;
			if (p->end > until)
				until = p->end;
			if (m == NULL) {
				m = p;
				i++;
				continue;
			}
			m->recs = core_xgrow(m->recs, &m->cap, m->n + p->n,
			    sizeof(*m->recs));
			memcpy(m->recs + m->n, p->recs, p->n * sizeof(*p->recs));
			m->n += p->n;
			p->n = 0;
			p->dead = 1;
			keystate_remove(k, p);
			continue;
		}
		i++;
	}
	if (m != NULL && (m->start != from || m->end != until)) {
		/* Its bounds moved: a fresh heap entry takes the records. */
		struct pending *n2 = pending_new(w, k, from, until);

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
		m = n2;
	}
	if (m == NULL) {
		m = pending_new(w, k, from, until);
		k->open = core_xgrow(k->open, &k->cap, k->n + 1,
		    sizeof(*k->open));
		k->open[k->n++] = m;
		heap_push(w, m);
	}
	pending_add(w, m, r);
	held_at(w, m->start);
	orphans_adopt(k, m);
	w->min_dirty = 1;
}

/* Waiting records whose time the watermark has passed: no window came. */
static void
orphans_expire(struct core_winop *w, int64_t wm)
{
	size_t x, y = 0, i, j;

	for (x = 0; x < w->nokeys; x++) {
		struct keystate *k = w->okeys[x];

		for (i = j = 0; i < k->norphan; i++) {
			struct core_rec *r = k->orphan[i];

			if (core_sat_add(r->time, w->o.lateness) < wm) {
				core_rec_free(r);
				w->held--;
				w->outside++;
				w->min_dirty = 1;
			} else {
				k->orphan[j++] = r;
			}
		}
		k->norphan = j;
		if (j)
			w->okeys[y++] = k;
		else
			k->listed = 0;
	}
	w->nokeys = y;
}

/* ---- the event loop side ------------------------------------------------------ */

void
core_winop_wm(struct core_winop *w, int64_t wm)
{
	if ((wm <= w->wm && wm != CORE_WM_MAX) || w->wm == CORE_WM_MAX)
		return;    /* the end comes once */
	w->wm = wm;
	switch (w->o.kind) {
	case CORE_WIN_GRID:
		grid_wm(w, wm);
		forward_wm(w, grid_hold(w, wm));
		break;
	case CORE_WIN_SESSION:
		session_wm(w, wm);
		forward_wm(w, session_hold(w, wm));
		break;
	case CORE_WIN_FIELD:
		session_wm(w, wm);
		orphans_expire(w, wm);
		forward_wm(w, session_hold(w, wm));
		break;
	case CORE_WIN_COUNT:
		if (wm == CORE_WM_MAX)
			count_end(w);
		forward_wm(w, wm);
		break;
	}
}


void
core_winop_push(struct core_winop *w, const struct core_rec *r)
{
	switch (w->o.kind) {
	case CORE_WIN_GRID:
		grid_rec(w, r);
		break;
	case CORE_WIN_SESSION:
		session_rec(w, r);
		break;
	case CORE_WIN_COUNT:
		count_rec(w, r);
		break;
	case CORE_WIN_FIELD:
		field_rec(w, r);
		break;
	}
}

struct core_winop *
core_winop_new(const struct core_winop_opts *o, struct core_writer *out,
    const char **why)
{
	struct core_winop *w = core_xcalloc(1, sizeof(*w));

	static struct core_keyspec nokey;

	w->o = *o;
	if (w->o.by == NULL)
		w->o.by = &nokey;
	w->out = out;
	if (o->kind == CORE_WIN_GRID && core_winspec_init(&w->ws, o->size,
	    o->slide, o->offset, why) < 0) {
		free(w);
		return NULL;
	}
	if (o->kind == CORE_WIN_GRID)
		w->per = core_win_per_time(&w->ws);
	w->keys = core_kmap_new(w->o.by->n, sizeof(struct keystate));
	w->kv = core_xcalloc(w->o.by->n + 1, sizeof(*w->kv));
	w->wm = w->wm_out = CORE_WM_MIN;
	w->max_seen = CORE_WM_MIN;
	w->min_held = INT64_MAX;
	return w;
}

static void
keystate_free(void *user)
{
	struct keystate *k = user;
	size_t i;

	for (i = 0; i < k->n; i++)
		pending_free(sort_op, k->open[i]);
	free(k->open);
	for (i = 0; i < k->norphan; i++)
		core_rec_free(k->orphan[i]);
	free(k->orphan);
}

void
core_winop_free(struct core_winop *w)
{
	size_t i;

	if (w == NULL)
		return;
	sort_op = w;
	for (i = 0; i < w->nheap; i++)
		if (w->heap[i]->dead)
			pending_free(w, w->heap[i]);
	core_kmap_free(w->keys, keystate_free);
	free(w->heap);
	free(w->okeys);
	free(w->kv);
	free(w->vals);
	free(w);
}

uint64_t
core_winop_late(const struct core_winop *w)
{
	return w->late_dropped;
}

size_t
core_winop_held(const struct core_winop *w)
{
	return w->held;
}

uint64_t
core_winop_outside(const struct core_winop *w)
{
	return w->outside;
}

uint64_t
core_winop_badbounds(const struct core_winop *w)
{
	return w->badbounds;
}

uint64_t
core_winop_late_written(const struct core_winop *w)
{
	return w->late_written;
}
