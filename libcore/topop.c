/* SPDX-License-Identifier: MIT */
/* The top-N operator: rank rows per window and partition, keep the best N. */
#include "libcore/topop.h"

#include <stdlib.h>
#include <string.h>

#include "libcore/cli.h"
#include "libcore/xalloc.h"

/* A row kept because it can still rank. */
struct row {
	struct core_rec *r;
	uint64_t seq;
};

/* A partition in a window: rows sorted best first. */
struct part {
	struct row *rows;
	size_t n, cap;
	int dirty;
};

struct window {
	int64_t start, end;
	int windowed;
	int closed;       /* its rows are out; kept for late updates */
	int64_t retain;   /* until the watermark reaches this */
	struct core_kmap *parts;
};

struct core_topop {
	struct core_topop_opts o;
	struct core_writer *out;
	struct core_kmap *windows;
	struct window *global;
	struct core_fieldref fstart, fend;
	struct core_value *kv;
	uint64_t seq;
	struct core_value *vals;
	size_t capvals;
	int64_t wm;                /* the last watermark passed on */
	size_t nretained;          /* closed windows kept for late updates */
	int64_t min_retain;        /* the earliest of their retentions */
	int ended;
};

static struct core_topop *cur;

int
core_sortkeys_parse(const char *spec, struct core_sortkey **keys, size_t *n)
{
	char **v = core_split_list(spec, n);
	size_t i;

	*keys = core_xcalloc(*n + 1, sizeof(**keys));
	for (i = 0; i < *n; i++) {
		char *c = strrchr(v[i], ':');

		(*keys)[i].desc = 1;    /* "top": the largest first */
		if (c && (strcmp(c, ":desc") == 0 || strcmp(c, ":asc") == 0)) {
			(*keys)[i].desc = strcmp(c, ":desc") == 0;
			*c = '\0';
		}
		if (v[i][0] == '\0') {
			core_free_list(v);
			free(*keys);
			*keys = NULL;
			return -1;
		}
		core_fieldref_init(&(*keys)[i].f, v[i]);
	}
	core_free_list(v);
	return 0;
}

/* <0 when a ranks before b; 0 when tied. */
static int
rank_cmp(struct core_topop *t, const struct core_rec *a,
    const struct core_rec *b)
{
	size_t i;

	for (i = 0; i < t->o.nby; i++) {
		const struct core_value *x = core_rec_getref(a, &t->o.by[i].f);
		const struct core_value *y = core_rec_getref(b, &t->o.by[i].f);
		int xn = x == NULL || x->type == CORE_NULL;
		int yn = y == NULL || y->type == CORE_NULL;
		int c;

		if (xn || yn) {
			if (xn != yn)
				return xn ? 1 : -1;    /* nulls last */
			continue;
		}
		c = core_value_cmp(x, y);
		if (c)
			return t->o.by[i].desc ? -c : c;
	}
	return 0;
}

static void
part_free(void *user)
{
	struct part *p = user;
	size_t i;

	for (i = 0; i < p->n; i++)
		core_rec_free(p->rows[i].r);
	free(p->rows);
}

static struct window *
window_get(struct core_topop *t, int windowed, int64_t s, int64_t e)
{
	struct core_value k[2];
	struct window *w;
	size_t np = t->o.part ? t->o.part->n : 0;
	int created;

	if (!windowed) {
		if (t->global == NULL) {
			t->global = core_xcalloc(1, sizeof(*t->global));
			t->global->parts = core_kmap_new(np, sizeof(struct part));
		}
		return t->global;
	}
	k[0] = core_v_time(s);
	k[1] = core_v_time(e);
	w = core_kmap_get(t->windows, core_key_hash(k, 2), k, &created);
	if (created) {
		w->start = s;
		w->end = e;
		w->windowed = 1;
		w->parts = core_kmap_new(np, sizeof(struct part));
	}
	return w;
}

static void
emit_part(struct core_topop *t, struct window *w, struct part *p)
{
	size_t i, rank = 1;

	for (i = 0; i < p->n; i++) {
		struct core_rec o = *p->rows[i].r;
		size_t n = o.schema->n;

		/* RANK: a row tied with the one before shares its rank. */
		if (i > 0 && (!t->o.with_ties || rank_cmp(t, p->rows[i - 1].r,
		    p->rows[i].r) != 0))
			rank = i + 1;

		if (t->o.rank) {
			const struct core_schema *s = core_schema_append(o.schema,
			    t->o.rank);
			int at = core_schema_find(o.schema, t->o.rank);

			if (n + 1 > t->capvals)
				t->vals = core_xgrow(t->vals, &t->capvals, n + 1,
				    sizeof(*t->vals));
			memcpy(t->vals, o.v, n * sizeof(*t->vals));
			if (s) {
				t->vals[n] = core_v_int((int64_t)rank);
				o.schema = s;
			} else if (at >= 0) {
				t->vals[at] = core_v_int((int64_t)rank);
			}
			o.v = t->vals;
		}
		if (w->windowed)
			o.time = w->end - 1;
		else if (o.time < t->wm)
			o.time = t->wm;    /* never behind a watermark passed on */
		core_writer_rec(t->out, &o);
	}
	p->dirty = 0;
}

static struct window *sort_w;

static int
part_cmp(const void *a, const void *b)
{
	size_t np = cur->o.part ? cur->o.part->n : 0;

	return core_key_cmp(core_kmap_keys(sort_w->parts, *(void *const *)a),
	    core_kmap_keys(sort_w->parts, *(void *const *)b), np);
}

static void
emit_window(struct core_topop *t, struct window *w, int dirty_only)
{
	size_t n, i;
	void **all = core_kmap_all(w->parts, &n);

	sort_w = w;
	core_sort(all, n, sizeof(*all), part_cmp);
	for (i = 0; i < n; i++)
		if (!dirty_only || ((struct part *)all[i])->dirty)
			emit_part(t, w, all[i]);
	free(all);
}

static void
window_drop(struct core_topop *t, struct window *w)
{
	core_kmap_free(w->parts, part_free);
	if (w == t->global) {
		free(w);
		t->global = NULL;
	} else {
		core_kmap_del(t->windows, w);
	}
}

void
core_topop_push(struct core_topop *t, const struct core_rec *r)
{
	const struct core_value *vs = core_rec_getref(r, &t->fstart);
	const struct core_value *ve = core_rec_getref(r, &t->fend);
	int windowed = vs && ve && vs->type == CORE_TIME &&
	    ve->type == CORE_TIME;
	struct window *w;
	struct part *p;
	uint64_t h = t->o.part ? core_key_get(t->o.part, r, t->kv) :
	    core_key_hash(NULL, 0);
	size_t lo, hi, mid, keep;
	int created;

	cur = t;
	w = window_get(t, windowed, windowed ? vs->u.i : 0,
	    windowed ? ve->u.i : 0);
	p = core_kmap_get(w->parts, h, t->kv, &created);
	/* Insert after every row that ranks before it or ties with it (an
	 * earlier arrival wins a tie). */
	lo = 0;
	hi = p->n;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (rank_cmp(t, p->rows[mid].r, r) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Past the first n it ranks only by a tie with row n (the rows kept
	 * past n are all tied with it). */
	if (lo >= t->o.n && !(t->o.with_ties &&
	    rank_cmp(t, p->rows[t->o.n - 1].r, r) == 0))
		return;    /* cannot rank */
	p->rows = core_xgrow(p->rows, &p->cap, p->n + 1, sizeof(*p->rows));
	memmove(&p->rows[lo + 1], &p->rows[lo], (p->n - lo) *
	    sizeof(*p->rows));
	p->rows[lo].r = core_rec_copy(r);
	p->rows[lo].seq = t->seq++;
	p->n++;
	/* Drop what fell out: past n, or (with ties) ranked past n. */
	keep = p->n < t->o.n ? p->n : t->o.n;
	if (t->o.with_ties)
		/* Sorted: the rows not tied with row n are all at the end. */
		while (p->n > keep && rank_cmp(t, p->rows[t->o.n - 1].r,
		    p->rows[p->n - 1].r) != 0)
			core_rec_free(p->rows[--p->n].r);
	while (p->n > keep && !t->o.with_ties)
		core_rec_free(p->rows[--p->n].r);
	p->dirty = 1;
	if (t->o.update && !windowed)
		emit_part(t, w, p);
}

void
core_topop_close(struct core_topop *t, const struct core_window *cw)
{
	struct core_value k[2];
	struct window *w;

	cur = t;
	k[0] = core_v_time(cw->start);
	k[1] = core_v_time(cw->end);
	w = core_kmap_find(t->windows, core_key_hash(k, 2), k);
	if (w) {
		/* A re-close (late records updated it): the partitions that
		 * changed, each as its whole corrected top. */
		emit_window(t, w, w->closed);
		if (cw->retain > t->wm && cw->retain != CORE_WM_MIN) {
			/* stream-window --late update: late records may
			 * still come until the watermark reaches retain. */
			if (!w->closed)
				t->nretained++;
			w->closed = 1;
			if (cw->retain > w->retain)
				w->retain = cw->retain;
			if (w->retain < t->min_retain)
				t->min_retain = w->retain;
		} else {
			if (w->closed)
				t->nretained--;
			window_drop(t, w);
		}
	}
	core_writer_close(t->out, cw);
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

void
core_topop_wm(struct core_topop *t, int64_t wm)
{
	size_t n, i;
	void **all;

	cur = t;
	if (t->ended)
		return;    /* the end comes once */
	if (wm == CORE_WM_MAX) {
		t->ended = 1;
		all = core_kmap_all(t->windows, &n);
		core_sort(all, n, sizeof(*all), window_end_cmp);
		for (i = 0; i < n; i++) {
			struct window *w = all[i];

			emit_window(t, w, w->closed);
			window_drop(t, w);
		}
		free(all);
		t->nretained = 0;
		if (t->global) {
			if (!t->o.update)
				emit_window(t, t->global, 0);
			window_drop(t, t->global);
		}
	}
	if (wm > t->wm && wm != CORE_WM_MAX)
		t->wm = wm;
	if (t->nretained && t->min_retain <= t->wm) {
		/* Closed windows past their retention go. */
		all = core_kmap_all(t->windows, &n);
		t->min_retain = INT64_MAX;
		for (i = 0; i < n; i++) {
			struct window *w = all[i];

			if (!w->closed)
				continue;
			if (w->retain <= t->wm) {
				t->nretained--;
				window_drop(t, w);
			} else if (w->retain < t->min_retain) {
				t->min_retain = w->retain;
			}
		}
		free(all);
	}
	core_writer_wm(t->out, wm);
}

void
core_topop_every(struct core_topop *t)
{
	size_t n, i;
	void **all;

	cur = t;
	all = core_kmap_all(t->windows, &n);
	core_sort(all, n, sizeof(*all), window_end_cmp);
	for (i = 0; i < n; i++)
		emit_window(t, all[i], 1);
	free(all);
	if (t->global)
		emit_window(t, t->global, 1);
}

struct core_topop *
core_topop_new(const struct core_topop_opts *o, struct core_writer *out)
{
	struct core_topop *t = core_xcalloc(1, sizeof(*t));

	t->o = *o;
	t->out = out;
	t->windows = core_kmap_new(2, sizeof(struct window));
	t->wm = CORE_WM_MIN;
	t->min_retain = INT64_MAX;
	t->kv = core_xcalloc((o->part ? o->part->n : 0) + 1, sizeof(*t->kv));
	t->fstart.sym = o->start;
	t->fstart.idx = -1;
	t->fend.sym = o->end;
	t->fend.idx = -1;
	return t;
}

static void
window_free(void *user)
{
	core_kmap_free(((struct window *)user)->parts, part_free);
}

void
core_topop_free(struct core_topop *t)
{
	if (t == NULL)
		return;
	core_kmap_free(t->windows, window_free);
	if (t->global) {
		core_kmap_free(t->global->parts, part_free);
		free(t->global);
	}
	free(t->kv);
	free(t->vals);
	free(t);
}
