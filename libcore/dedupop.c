/* SPDX-License-Identifier: MIT */
/* The deduplication operator: one record per key, first or last by event
 * time. */
#include "libcore/dedupop.h"

#include <stdlib.h>
#include <string.h>

#include "libcore/wm.h"
#include "libcore/xalloc.h"

/*
 * Records wait in a reorder buffer until the watermark passes them; then
 * they are taken in event-time order (ties by arrival) and each key's
 * scopes are decided on that order alone.  That is what makes the answer
 * independent of how the input was shuffled within the source's
 * --max-delay: first and last by event time, not by arrival.
 */

/* A record waiting for the watermark. */
struct held {
	struct core_rec *r;
	uint64_t seq;
};

/* A key's current scope. */
struct entry {
	int64_t end;               /* the scope ends here (event time) */
	struct core_rec *cand;     /* last: the latest record so far */
	size_t hidx;               /* in the scope heap, or NONE */
	uint64_t seq;
	struct dwin *w;
	void *user;
	int dirty;                 /* last: changed since it came out */
};

struct dwin {
	int64_t start, end;
	int windowed;
	int closed;                /* out; kept for late updates */
	int64_t retain;            /* until the watermark reaches this */
	struct core_kmap *keys;    /* on-key -> struct entry * */
};

struct core_dedupop {
	struct core_dedupop_opts o;
	struct core_writer *out;
	struct held *buf;          /* min-heap by (time, seq) */
	size_t nbuf, capbuf;
	struct entry **scopes;     /* min-heap by (end, seq) */
	size_t nscopes, capscopes;
	struct core_kmap *windows;
	struct dwin *global;
	struct core_fieldref fstart, fend;
	struct core_value *kv;
	size_t nkeys;
	uint64_t seq;
	uint64_t dropped;
	int64_t wm, wm_out;
	size_t nretained;          /* closed windows kept for late updates */
	int64_t min_retain;
};

#define NONE ((size_t)-1)

/* ---- the reorder buffer ---------------------------------------------------- */

static int
held_less(const struct held *a, const struct held *b)
{
	if (a->r->time != b->r->time)
		return a->r->time < b->r->time;
	return a->seq < b->seq;
}

static void
buf_push(struct core_dedupop *d, struct core_rec *r)
{
	size_t i;

	d->buf = core_xgrow(d->buf, &d->capbuf, d->nbuf + 1, sizeof(*d->buf));
	i = d->nbuf++;
	d->buf[i].r = r;
	d->buf[i].seq = d->seq++;
	while (i > 0 && held_less(&d->buf[i], &d->buf[(i - 1) / 2])) {
		struct held t = d->buf[i];

		d->buf[i] = d->buf[(i - 1) / 2];
		d->buf[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct held
buf_pop(struct core_dedupop *d)
{
	struct held top = d->buf[0], last = d->buf[--d->nbuf];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < d->nbuf) {
		if (c + 1 < d->nbuf && held_less(&d->buf[c + 1], &d->buf[c]))
			c++;
		if (!held_less(&d->buf[c], &last))
			break;
		d->buf[i] = d->buf[c];
		i = c;
	}
	if (d->nbuf)
		d->buf[i] = last;
	return top;
}

/* ---- the scope heap (indexed, so scopes move in O(log n)) ------------------- */

static int
scope_less(const struct entry *a, const struct entry *b)
{
	if (a->end != b->end)
		return a->end < b->end;
	return a->seq < b->seq;
}

static void
scope_swap(struct core_dedupop *d, size_t i, size_t j)
{
	struct entry *t = d->scopes[i];

	d->scopes[i] = d->scopes[j];
	d->scopes[j] = t;
	d->scopes[i]->hidx = i;
	d->scopes[j]->hidx = j;
}

static void
scope_fix(struct core_dedupop *d, size_t i)
{
	size_t c;

	while (i > 0 && scope_less(d->scopes[i], d->scopes[(i - 1) / 2])) {
		scope_swap(d, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	while ((c = 2 * i + 1) < d->nscopes) {
		if (c + 1 < d->nscopes && scope_less(d->scopes[c + 1],
		    d->scopes[c]))
			c++;
		if (!scope_less(d->scopes[c], d->scopes[i]))
			break;
		scope_swap(d, i, c);
		i = c;
	}
}

static void
scope_put(struct core_dedupop *d, struct entry *e)
{
	if (e->hidx != NONE) {
		scope_fix(d, e->hidx);
		return;
	}
	d->scopes = core_xgrow(d->scopes, &d->capscopes, d->nscopes + 1,
	    sizeof(*d->scopes));
	d->scopes[d->nscopes] = e;
	e->hidx = d->nscopes++;
	scope_fix(d, e->hidx);
}

static void
scope_del(struct core_dedupop *d, struct entry *e)
{
	size_t i = e->hidx;

	if (i == NONE)
		return;
	d->nscopes--;
	if (i != d->nscopes) {
		d->scopes[i] = d->scopes[d->nscopes];
		d->scopes[i]->hidx = i;
		scope_fix(d, i);
	}
	e->hidx = NONE;
}

/* ---- keys and windows ---------------------------------------------------------- */

static struct dwin *
dwin_get(struct core_dedupop *d, int windowed, int64_t s, int64_t e)
{
	struct core_value k[2];
	struct dwin *w;
	int created;

	if (!windowed) {
		if (d->global == NULL) {
			d->global = core_xcalloc(1, sizeof(*d->global));
			d->global->keys = core_kmap_new(d->nkeys,
			    sizeof(struct entry *));
		}
		return d->global;
	}
	k[0] = core_v_time(s);
	k[1] = core_v_time(e);
	w = core_kmap_get(d->windows, core_key_hash(k, 2), k, &created);
	if (created) {
		w->start = s;
		w->end = e;
		w->windowed = 1;
		w->keys = core_kmap_new(d->nkeys, sizeof(struct entry *));
	}
	return w;
}

static void
entry_forget(struct core_dedupop *d, struct entry *e)
{
	scope_del(d, e);
	core_rec_free(e->cand);
	core_kmap_del(e->w->keys, e->user);
	free(e);
}

/* Writes a last record: stamped just before its scope's end, so it is
 * not late for the watermark this operator passes on. */
static void
emit_last(struct core_dedupop *d, struct entry *e)
{
	struct core_rec o = *e->cand;

	if (e->end != INT64_MAX)
		o.time = e->end - 1;    /* a late update's stays in its window */
	else if (o.time < d->wm_out)
		o.time = d->wm_out;    /* the whole stream's last: at the end */
	core_writer_rec(d->out, &o);
}

/* One record, in event-time order: does it open a scope of its key? */
static void
take(struct core_dedupop *d, struct core_rec *r)
{
	const struct core_value *vs = core_rec_getref(r, &d->fstart);
	const struct core_value *ve = core_rec_getref(r, &d->fend);
	int windowed = vs && ve && vs->type == CORE_TIME &&
	    ve->type == CORE_TIME;
	struct dwin *w = dwin_get(d, windowed, windowed ? vs->u.i : 0,
	    windowed ? ve->u.i : 0);
	uint64_t h = core_key_get(d->o.on, r, d->kv);
	struct entry **slot, *e;
	int created;

	slot = core_kmap_get(w->keys, h, d->kv, &created);
	e = *slot;
	if (!created && r->time < e->end) {
		/* Within the key's scope: a duplicate, or the newer last (a
		 * late record older than the last is just a duplicate). */
		d->dropped++;
		if (d->o.last && r->time >= e->cand->time) {
			core_rec_free(e->cand);
			e->cand = r;
			e->dirty = 1;
		} else {
			core_rec_free(r);
		}
		return;
	}
	if (!created && d->o.last)
		emit_last(d, e);    /* the scope ended before this record */
	if (created) {
		e = *slot = core_xcalloc(1, sizeof(*e));
		e->hidx = NONE;
		e->w = w;
		e->user = slot;
	}
	/* A new scope starts with r. */
	e->end = d->o.within ? core_sat_add(r->time, d->o.within) : INT64_MAX;
	if (windowed && w->end < e->end)
		e->end = w->end;    /* and never past its window */
	e->seq = d->seq++;
	core_rec_free(e->cand);
	e->cand = NULL;
	if (d->o.last) {
		e->cand = r;
		e->dirty = 1;
	} else {
		core_writer_rec(d->out, r);
		core_rec_free(r);
	}
	if (e->end != INT64_MAX && (!windowed || e->end < w->end))
		scope_put(d, e);
	else
		scope_del(d, e);
}

/* Takes every buffered record with time < t. */
static void
drain(struct core_dedupop *d, int64_t t)
{
	while (d->nbuf && d->buf[0].r->time < t) {
		struct held h = buf_pop(d);

		take(d, h.r);
	}
}

/* Scopes (unwindowed) that ended: a last comes out, a first is forgotten. */
static void
expire(struct core_dedupop *d, int64_t wm)
{
	while (d->nscopes && d->scopes[0]->end <= wm) {
		struct entry *e = d->scopes[0];

		if (d->o.last)
			emit_last(d, e);
		entry_forget(d, e);
	}
}

static void
forward(struct core_dedupop *d)
{
	int64_t w = d->wm;

	/* Held back to what is still waiting: buffered records, and the
	 * ends of scopes whose last has not come out. */
	if (d->nbuf && d->buf[0].r->time < w)
		w = d->buf[0].r->time;
	if (d->o.last && d->nscopes && d->scopes[0]->end - 1 < w)
		w = d->scopes[0]->end - 1;
	if (w > d->wm_out) {
		d->wm_out = w;
		core_writer_wm(d->out, w);
	}
}

void
core_dedupop_push(struct core_dedupop *d, const struct core_rec *r)
{
	buf_push(d, core_rec_copy(r));
}

static const struct dwin *sort_w;
static size_t sort_n;

static int
key_cmp(const void *x, const void *y)
{
	return core_key_cmp(core_kmap_keys(sort_w->keys,
	    (*(struct entry *const *)x)->user), core_kmap_keys(sort_w->keys,
	    (*(struct entry *const *)y)->user), sort_n);
}

/*
 * A window's scope ended: its lasts by key (only those that changed, if
 * it was closed before), then its keys go -- unless retain says late
 * records may still update it (stream-window --late update): then they
 * stay, so that a late record is a duplicate or a new last, until the
 * watermark reaches retain.
 */
static void
dwin_close(struct core_dedupop *d, struct dwin *w, int64_t retain)
{
	size_t n, i;
	void **all = core_kmap_all(w->keys, &n);
	struct entry **es = core_xcalloc(n + 1, sizeof(*es));
	int keep = retain != CORE_WM_MIN && retain > d->wm &&
	    retain != CORE_WM_MAX;

	for (i = 0; i < n; i++)
		es[i] = *(struct entry **)all[i];
	sort_w = w;
	sort_n = d->nkeys;
	core_sort(es, n, sizeof(*es), key_cmp);
	for (i = 0; i < n; i++) {
		if (d->o.last && es[i]->dirty)
			emit_last(d, es[i]);
		es[i]->dirty = 0;
		if (!keep)
			entry_forget(d, es[i]);
	}
	free(es);
	free(all);
	if (keep) {
		if (!w->closed)
			d->nretained++;
		w->closed = 1;
		if (retain > w->retain)
			w->retain = retain;
		if (w->retain < d->min_retain)
			d->min_retain = w->retain;
		return;
	}
	if (w->closed)
		d->nretained--;
	core_kmap_free(w->keys, NULL);
	if (w == d->global) {
		free(w);
		d->global = NULL;
	} else {
		core_kmap_del(d->windows, w);
	}
}

void
core_dedupop_close(struct core_dedupop *d, const struct core_window *cw)
{
	struct core_value k[2];
	struct dwin *w;

	/* Everything of the window has come: take what is buffered of it. */
	drain(d, cw->end);
	k[0] = core_v_time(cw->start);
	k[1] = core_v_time(cw->end);
	w = core_kmap_find(d->windows, core_key_hash(k, 2), k);
	if (w)
		dwin_close(d, w, cw->retain);
	core_writer_close(d->out, cw);
}

static int
dwin_end_cmp(const void *x, const void *y)
{
	const struct dwin *a = *(struct dwin *const *)x;
	const struct dwin *b = *(struct dwin *const *)y;

	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

void
core_dedupop_wm(struct core_dedupop *d, int64_t wm)
{
	if ((wm <= d->wm && wm != CORE_WM_MAX) || d->wm == CORE_WM_MAX)
		return;    /* the end comes once */
	d->wm = wm;
	drain(d, wm);
	expire(d, wm);
	if (wm == CORE_WM_MAX) {
		size_t n, i;
		void **all = core_kmap_all(d->windows, &n);

		/* End of input: windows that never saw a close, then the
		 * unwindowed keys still open. */
		core_sort(all, n, sizeof(*all), dwin_end_cmp);
		for (i = 0; i < n; i++)
			dwin_close(d, all[i], CORE_WM_MIN);
		free(all);
		if (d->global)
			dwin_close(d, d->global, CORE_WM_MIN);
	} else if (d->nretained && d->min_retain <= wm) {
		size_t n, i;
		void **all = core_kmap_all(d->windows, &n);

		/* Windows kept for late updates, past their retention. */
		d->min_retain = INT64_MAX;
		core_sort(all, n, sizeof(*all), dwin_end_cmp);
		for (i = 0; i < n; i++) {
			struct dwin *w = all[i];

			if (!w->closed)
				continue;
			if (w->retain <= wm)
				dwin_close(d, w, CORE_WM_MIN);
			else if (w->retain < d->min_retain)
				d->min_retain = w->retain;
		}
		free(all);
	}
	forward(d);
}

uint64_t
core_dedupop_dropped(const struct core_dedupop *d)
{
	return d->dropped;
}

struct core_dedupop *
core_dedupop_new(const struct core_dedupop_opts *o, struct core_writer *out)
{
	struct core_dedupop *d = core_xcalloc(1, sizeof(*d));

	d->o = *o;
	d->out = out;
	d->nkeys = o->on->n;
	d->windows = core_kmap_new(2, sizeof(struct dwin));
	d->kv = core_xcalloc(d->nkeys + 1, sizeof(*d->kv));
	d->fstart.sym = o->start;
	d->fstart.idx = -1;
	d->fend.sym = o->end;
	d->fend.idx = -1;
	d->wm = d->wm_out = CORE_WM_MIN;
	d->min_retain = INT64_MAX;
	return d;
}

static void
entry_free(void *user)
{
	struct entry *e = *(struct entry **)user;

	core_rec_free(e->cand);
	free(e);
}

static void
dwin_free(void *user)
{
	core_kmap_free(((struct dwin *)user)->keys, entry_free);
}

void
core_dedupop_free(struct core_dedupop *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nbuf; i++)
		core_rec_free(d->buf[i].r);
	core_kmap_free(d->windows, dwin_free);
	if (d->global) {
		core_kmap_free(d->global->keys, entry_free);
		free(d->global);
	}
	free(d->buf);
	free(d->scopes);
	free(d->kv);
	free(d);
}
