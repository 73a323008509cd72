/* SPDX-License-Identifier: MIT */
/* The deduplication operator: one record per key, first or last by event
 * time. */
#include "libcore/dedupop.h"

#include <stdlib.h>
#include <string.h>

#include "libcore/wm.h"
#include "libcore/xalloc.h"

/*
 * Each key has an entry.  Heap A orders entries still waiting to come
 * out by when they may (first: the candidate's time + 1; last: the end of
 * the key's scope); heap B orders entries already out (first) by when
 * their scope ends and they can be forgotten.  Both are indexed heaps, so
 * an entry moves or leaves in O(log n).
 */
struct entry {
	struct core_rec *cand;     /* waiting or, last: latest so far */
	struct core_rec *next;     /* a record past the scope, held */
	int64_t t0;                /* first event time of the scope */
	int64_t key[2];            /* A: deadline, B: expiry */
	size_t hidx[2];
	uint64_t seq;              /* arrival of the candidate */
	int out;                   /* first: the candidate went out */
	struct dwin *w;
	void *user;                /* its kmap entry (the user area) */
};

struct dwin {
	int64_t start, end;
	int windowed;
	struct core_kmap *keys;    /* on-key -> struct entry * */
};

struct heap {
	struct entry **e;
	size_t n, cap;
	int which;
};

struct core_dedupop {
	struct core_dedupop_opts o;
	struct core_writer *out;
	struct core_kmap *windows;
	struct dwin *global;
	struct heap a, b;
	struct core_fieldref fstart, fend;
	struct core_value *kv;
	size_t nkeys;
	uint64_t seq;
	uint64_t dropped;
	int64_t wm;
	int64_t wm_out;
	int64_t min_t0;            /* unwindowed last without --within */
};

#define NONE ((size_t)-1)

static void
heap_swap(struct heap *h, size_t i, size_t j)
{
	struct entry *t = h->e[i];

	h->e[i] = h->e[j];
	h->e[j] = t;
	h->e[i]->hidx[h->which] = i;
	h->e[j]->hidx[h->which] = j;
}

static int
heap_less(struct heap *h, size_t i, size_t j)
{
	struct entry *a = h->e[i], *b = h->e[j];

	if (a->key[h->which] != b->key[h->which])
		return a->key[h->which] < b->key[h->which];
	return a->seq < b->seq;
}

static void
heap_fix(struct heap *h, size_t i)
{
	size_t c;

	while (i > 0 && heap_less(h, i, (i - 1) / 2)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && heap_less(h, c + 1, c))
			c++;
		if (!heap_less(h, c, i))
			break;
		heap_swap(h, i, c);
		i = c;
	}
}

static void
heap_put(struct heap *h, struct entry *e, int64_t key)
{
	e->key[h->which] = key;
	if (e->hidx[h->which] != NONE) {
		heap_fix(h, e->hidx[h->which]);
		return;
	}
	h->e = core_xgrow(h->e, &h->cap, h->n + 1, sizeof(*h->e));
	h->e[h->n] = e;
	e->hidx[h->which] = h->n;
	h->n++;
	heap_fix(h, h->n - 1);
}

static void
heap_del(struct heap *h, struct entry *e)
{
	size_t i = e->hidx[h->which];

	if (i == NONE)
		return;
	h->n--;
	if (i != h->n) {
		h->e[i] = h->e[h->n];
		h->e[i]->hidx[h->which] = i;
		heap_fix(h, i);
	}
	e->hidx[h->which] = NONE;
}

static void
entry_free(struct core_dedupop *d, struct entry *e)
{
	heap_del(&d->a, e);
	heap_del(&d->b, e);
	core_rec_free(e->cand);
	core_rec_free(e->next);
	free(e);
}

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

/* The scope of a key's entry ends here (in event time), or INT64_MAX. */
static int64_t
scope_end(struct core_dedupop *d, struct entry *e)
{
	if (d->o.within && !e->w->windowed)
		return core_sat_add(e->t0, d->o.within);
	return INT64_MAX;    /* the window's close, or the end of input */
}

static void
emit(struct core_dedupop *d, struct entry *e, int stamp_end)
{
	struct core_rec o = *e->cand;

	if (stamp_end && e->w->windowed)
		o.time = e->w->end - 1;
	core_writer_rec(d->out, &o);
}

/* Starts the key's scope with r. */
static void
start_scope(struct core_dedupop *d, struct entry *e, struct core_rec *copy)
{
	e->cand = copy;
	e->t0 = copy->time;
	e->seq = d->seq++;
	e->out = 0;
	if (!d->o.last) {
		heap_put(&d->a, e, core_sat_add(copy->time, 1));
	} else if (scope_end(d, e) != INT64_MAX && !e->w->windowed) {
		heap_put(&d->a, e, scope_end(d, e));
	} else if (!e->w->windowed && copy->time < d->min_t0) {
		d->min_t0 = copy->time;
	}
}

void
core_dedupop_push(struct core_dedupop *d, const struct core_rec *r)
{
	const struct core_value *vs = core_rec_getref(r, &d->fstart);
	const struct core_value *ve = core_rec_getref(r, &d->fend);
	int windowed = vs && ve && vs->type == CORE_TIME &&
	    ve->type == CORE_TIME;
	struct dwin *w = dwin_get(d, windowed, windowed ? vs->u.i : 0,
	    windowed ? ve->u.i : 0);
	struct entry **slot, *e;
	uint64_t h = core_key_get(d->o.on, r, d->kv);
	int created;

	slot = core_kmap_get(w->keys, h, d->kv, &created);
	if (created) {
		e = *slot = core_xcalloc(1, sizeof(*e));
		e->hidx[0] = e->hidx[1] = NONE;
		e->w = w;
		e->user = slot;
		start_scope(d, e, core_rec_copy(r));
		return;
	}
	e = *slot;
	if (r->time >= scope_end(d, e)) {
		/* Past this scope: kept for the next one. */
		if (e->next == NULL || (d->o.last ? r->time >= e->next->time :
		    r->time < e->next->time)) {
			if (e->next)
				d->dropped++;
			core_rec_free(e->next);
			e->next = core_rec_copy(r);
		} else {
			d->dropped++;
		}
		return;
	}
	if (!d->o.last) {
		/* First by event time; an earlier arrival wins a tie. */
		if (!e->out && r->time < e->cand->time) {
			core_rec_free(e->cand);
			e->cand = core_rec_copy(r);
			e->seq = d->seq++;
			heap_put(&d->a, e, core_sat_add(r->time, 1));
		}
		d->dropped++;
		return;
	}
	/* Last by event time; the latest arrival wins a tie. */
	if (r->time >= e->cand->time) {
		core_rec_free(e->cand);
		e->cand = core_rec_copy(r);
		e->seq = d->seq++;
	}
	d->dropped++;
}

/* The scope of e ended: restart with the held record, or forget. */
static void
scope_over(struct core_dedupop *d, struct entry *e)
{
	struct core_rec *next = e->next;

	if (next) {
		e->next = NULL;
		core_rec_free(e->cand);
		heap_del(&d->a, e);
		heap_del(&d->b, e);
		start_scope(d, e, next);
		return;
	}
	core_kmap_del(e->w->keys, e->user);
	entry_free(d, e);
}

static int
seq_cmp(const void *x, const void *y)
{
	const struct entry *a = *(struct entry *const *)x;
	const struct entry *b = *(struct entry *const *)y;

	if (a->key[0] != b->key[0])
		return a->key[0] < b->key[0] ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void dwin_close(struct core_dedupop *d, struct dwin *w);
static int dwin_end_cmp(const void *x, const void *y);

static void
forward(struct core_dedupop *d)
{
	int64_t w = d->wm;

	/* Held back to the earliest record still waiting to come out. */
	if (d->a.n) {
		struct entry *e = d->a.e[0];

		if (!d->o.last && e->cand->time < w)
			w = e->cand->time;
		if (d->o.last && e->t0 < w)
			w = e->t0;
	}
	if (d->o.last && !d->o.within && d->global && d->min_t0 < w)
		w = d->min_t0;
	if (w > d->wm_out) {
		d->wm_out = w;
		core_writer_wm(d->out, w);
	}
}

void
core_dedupop_wm(struct core_dedupop *d, int64_t wm)
{
	struct entry **due = NULL, *e;
	size_t n = 0, cap = 0, i;

	if ((wm <= d->wm && wm != CORE_WM_MAX) || d->wm == CORE_WM_MAX)
		return;    /* the end comes once */
	d->wm = wm;
	/* What may come out now, in order of time then arrival. */
	while (d->a.n && d->a.e[0]->key[0] <= wm) {
		e = d->a.e[0];
		heap_del(&d->a, e);
		due = core_xgrow(due, &cap, n + 1, sizeof(*due));
		due[n++] = e;
	}
	qsort(due, n, sizeof(*due), seq_cmp);
	for (i = 0; i < n; i++) {
		e = due[i];
		emit(d, e, 0);
		if (!d->o.last) {
			e->out = 1;
			if (scope_end(d, e) != INT64_MAX && !e->w->windowed)
				heap_put(&d->b, e, scope_end(d, e));
		} else {
			scope_over(d, e);
		}
	}
	free(due);
	/* Scopes of keys already out (first) that have ended. */
	while (d->b.n && d->b.e[0]->key[1] <= wm) {
		e = d->b.e[0];
		heap_del(&d->b, e);
		scope_over(d, e);
	}
	if (wm == CORE_WM_MAX) {
		size_t k, m;
		void **all;

		/* End of input: windows never closed (no punctuation came),
		 * by end; then every waiting unwindowed record by time. */
		all = core_kmap_all(d->windows, &m);
		qsort(all, m, sizeof(*all), dwin_end_cmp);
		for (k = 0; k < m; k++)
			dwin_close(d, all[k]);
		free(all);
		if (d->global) {
			all = core_kmap_all(d->global->keys, &m);
			due = core_xcalloc(m + 1, sizeof(*due));
			for (k = 0, n = 0; k < m; k++) {
				e = *(struct entry **)all[k];
				if (d->o.last || !e->out)
					due[n++] = e;
			}
			for (k = 0; k < n; k++)
				due[k]->key[0] = due[k]->t0;
			qsort(due, n, sizeof(*due), seq_cmp);
			for (k = 0; k < n; k++)
				emit(d, due[k], 0);
			free(due);
			free(all);
		}
	}
	forward(d);
}

static void
dwin_drop(struct core_dedupop *d, struct dwin *w)
{
	size_t n, i;
	void **all = core_kmap_all(w->keys, &n);

	for (i = 0; i < n; i++)
		entry_free(d, *(struct entry **)all[i]);
	free(all);
	core_kmap_free(w->keys, NULL);
	if (w == d->global) {
		free(w);
		d->global = NULL;
	} else {
		core_kmap_del(d->windows, w);
	}
}

static const struct core_dedupop *sort_d;
static struct dwin *sort_w;

static int
key_cmp(const void *x, const void *y)
{
	return core_key_cmp(core_kmap_keys(sort_w->keys,
	    (*(struct entry *const *)x)->user), core_kmap_keys(sort_w->keys,
	    (*(struct entry *const *)y)->user), sort_d->nkeys);
}

/* A window's scope ended: last records (and first ones not yet out) by
 * key, then its state goes. */
static void
dwin_close(struct core_dedupop *d, struct dwin *w)
{
	if (w) {
		size_t n, i, m = 0;
		void **all = core_kmap_all(w->keys, &n);
		struct entry **es = core_xcalloc(n + 1, sizeof(*es));

		/* last: each key's latest, by key; first: any not yet out. */
		for (i = 0; i < n; i++) {
			struct entry *e = *(struct entry **)all[i];

			if (d->o.last || !e->out)
				es[m++] = e;
		}
		sort_d = d;
		sort_w = w;
		qsort(es, m, sizeof(*es), key_cmp);
		for (i = 0; i < m; i++)
			emit(d, es[i], d->o.last);
		free(es);
		free(all);
		dwin_drop(d, w);
	}
}

void
core_dedupop_close(struct core_dedupop *d, const struct core_window *cw)
{
	struct core_value k[2];
	struct dwin *w;

	k[0] = core_v_time(cw->start);
	k[1] = core_v_time(cw->end);
	w = core_kmap_find(d->windows, core_key_hash(k, 2), k);
	if (w)
		dwin_close(d, w);
	core_writer_close(d->out, cw);
	forward(d);
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
	d->a.which = 0;
	d->b.which = 1;
	d->kv = core_xcalloc(d->nkeys + 1, sizeof(*d->kv));
	d->fstart.sym = o->start;
	d->fstart.idx = -1;
	d->fend.sym = o->end;
	d->fend.idx = -1;
	d->wm = d->wm_out = CORE_WM_MIN;
	d->min_t0 = INT64_MAX;
	return d;
}

void
core_dedupop_free(struct core_dedupop *d)
{
	size_t n, i;
	void **all;

	if (d == NULL)
		return;
	all = core_kmap_all(d->windows, &n);
	for (i = 0; i < n; i++)
		dwin_drop(d, all[i]);
	free(all);
	if (d->global)
		dwin_drop(d, d->global);
	core_kmap_free(d->windows, NULL);
	free(d->a.e);
	free(d->b.e);
	free(d->kv);
	free(d);
}
