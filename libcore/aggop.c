/* SPDX-License-Identifier: MIT */
/* The aggregation operator: accumulators per window and group, results
 * when a window closes, early or as a changelog on request. */
#include "libcore/aggop.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/arena.h"
#include "libcore/kmap.h"
#include "libcore/wm.h"
#include "libcore/xalloc.h"

/* A window seen in the input (or the one pseudo-window of unwindowed
 * input), with its groups. */
struct window {
	int64_t start, end;
	int windowed;
	struct core_kmap *groups;   /* -g key -> struct group */
	int64_t retain;             /* keep state until the watermark passes */
	int closed;
	int counted;                /* in nretained */
};

/* The user area of a group: flags, then the accumulator states. */
struct group {
	int dirty;        /* changed since last emitted */
	int64_t tmax;     /* latest event time seen (unwindowed output) */
	_Alignas(16) unsigned char acc[];
};

struct core_aggop {
	struct core_aggop_opts o;
	struct core_writer *out;
	size_t *off;                /* state offset per accumulator */
	size_t gsize;
	struct core_kmap *windows;  /* (start, end) -> struct window */
	struct window *global;
	struct core_value *kv;
	struct core_arena arena;
	struct core_recb rb;
	struct core_fieldref fstart, fend;
	uint64_t ngroups;
	struct core_aggop_stats st;
	int track;
	int64_t wm;
	int saw_window;           /* windowed input was seen */
	size_t nretained;         /* closed windows kept for updates */
	int ended;
	int64_t min_retain;
	/* The window and group of the last record: consecutive records
	 * nearly always share the window, often the group, and comparing
	 * is cheaper than hashing.  Cleared when their window is dropped. */
	struct window *lastw;
	struct window *lastgw;       /* the window of lastg */
	struct group *lastg;
};

static struct core_aggop *cur_op;

static void *
acc_state(struct core_aggop *a, struct group *g, size_t i)
{
	return g->acc + a->off[i];
}

static void
group_free(void *user)
{
	struct core_aggop *a = cur_op;
	struct group *g = user;
	size_t i;

	for (i = 0; i < a->o.nacc; i++)
		core_acc_release(&a->o.acc[i], acc_state(a, g, i));
}

static struct window *
window_get(struct core_aggop *a, int windowed, int64_t start, int64_t end)
{
	struct core_value k[2];
	struct window *w;
	int created;

	if (windowed)
		a->saw_window = 1;
	if (!windowed) {
		if (a->global == NULL) {
			a->global = core_xcalloc(1, sizeof(*a->global));
			a->global->groups = core_kmap_new(a->o.g->n,
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
		w->groups = core_kmap_new(a->o.g->n, a->gsize);
		w->retain = CORE_WM_MIN;
		if (core_kmap_len(a->windows) > a->st.peak_windows)
			a->st.peak_windows = core_kmap_len(a->windows);
	}
	return w;
}

/* The result row of group g in window w; NULL if --having drops it. */
static int
build_row(struct core_aggop *a, struct window *w, struct group *g,
    struct core_rec *out)
{
	const struct core_value *keys = core_kmap_keys(w->groups, g);
	struct core_value v;
	size_t i;

	core_recb_reset(&a->rb);
	if (w->windowed) {
		core_recb_add(&a->rb, a->o.start, core_v_time(w->start));
		core_recb_add(&a->rb, a->o.end, core_v_time(w->end));
	}
	for (i = 0; i < a->o.g->n; i++)
		core_recb_add(&a->rb, a->o.g->f[i].sym, keys[i]);
	for (i = 0; i < a->o.nacc; i++) {
		core_acc_result(&a->o.acc[i], acc_state(a, g, i), w->windowed ?
		    w->start : 0, w->windowed ? w->end : 0, &v, &a->arena);
		core_recb_add(&a->rb, a->o.acc[i].out, v);
	}
	/* A result's event time: its window's end - 1 ns, so that cascaded
	 * windows put it in the same window; unwindowed, the latest event
	 * time of its group, but never less than the last watermark passed
	 * on, so that it is never late downstream. */
	if (core_recb_finish(&a->rb, out, w->windowed ? w->end - 1 :
	    g->tmax > a->wm ? g->tmax : a->wm)
	    < 0)
		return 0;
	if (a->o.having && !core_expr_test(a->o.having, out))
		return 0;
	return 1;
}

static struct window *sort_window;

static int
group_cmp(const void *x, const void *y)
{
	return core_key_cmp(core_kmap_keys(sort_window->groups,
	    *(void *const *)x), core_kmap_keys(sort_window->groups,
	    *(void *const *)y), cur_op->o.g->n);
}

static struct group *
group_new(struct core_aggop *a, struct window *w, uint64_t h,
    const struct core_value *keys)
{
	struct group *g;
	size_t i;
	int created;

	g = core_kmap_get(w->groups, h, keys, &created);
	if (created) {
		for (i = 0; i < a->o.nacc; i++)
			core_acc_init(&a->o.acc[i], acc_state(a, g, i));
		g->tmax = INT64_MIN;
		a->ngroups++;
	}
	return g;
}

/* Writes the rows of w (only changed ones when dirty_only), by key. */
static void
emit_window(struct core_aggop *a, struct window *w, int dirty_only)
{
	struct core_rec r;
	size_t n, i;
	void **all;

	/* A global aggregate over an empty window still has a row: "count"
	 * over nothing is 0 ("0 errors in the last minute"). */
	if (!dirty_only && a->o.g->n == 0 && a->o.nacc > 0 &&
	    core_kmap_len(w->groups) == 0)
		group_new(a, w, core_key_hash(NULL, 0), NULL)->dirty = 1;
	all = core_kmap_all(w->groups, &n);
	sort_window = w;
	core_sort(all, n, sizeof(*all), group_cmp);
	for (i = 0; i < n; i++) {
		struct group *g = all[i];

		if (dirty_only && !g->dirty)
			continue;
		g->dirty = 0;
		core_arena_reset(&a->arena);
		if (build_row(a, w, g, &r))
			core_writer_rec(a->out, &r);
	}
	free(all);
}

static void
window_drop(struct core_aggop *a, struct window *w)
{
	if (a->lastw == w)
		a->lastw = NULL;
	if (a->lastgw == w) {
		a->lastgw = NULL;
		a->lastg = NULL;
	}
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
track_peak(struct core_aggop *a)
{
	if (a->ngroups > a->st.peak_groups)
		a->st.peak_groups = a->ngroups;
	if (a->track && (a->ngroups & 0x3ff) == 0) {
		size_t bytes = core_kmap_bytes(a->windows), n, i;
		void **all = core_kmap_all(a->windows, &n);

		for (i = 0; i < n; i++)
			bytes += core_kmap_bytes(((struct window *)all[i])->
			    groups);
		free(all);
		if (a->global)
			bytes += core_kmap_bytes(a->global->groups);
		if (bytes > a->st.peak_bytes)
			a->st.peak_bytes = bytes;
	}
}

/* The window of a record (the last one's when it has the same bounds). */
static struct window *
window_of(struct core_aggop *a, const struct core_rec *r)
{
	const struct core_value *vs = core_rec_getref(r, &a->fstart);
	const struct core_value *ve = core_rec_getref(r, &a->fend);
	struct window *w = a->lastw;

	if (vs == NULL || ve == NULL || vs->type != CORE_TIME ||
	    ve->type != CORE_TIME)
		return window_get(a, 0, 0, 0);
	if (w && w->start == vs->u.i && w->end == ve->u.i)
		return w;
	return a->lastw = window_get(a, 1, vs->u.i, ve->u.i);
}

/* The group of a record in w (the last one's when the key is equal, as
 * the map would find it: equal keys are one group). */
static struct group *
group_of(struct core_aggop *a, struct window *w, const struct core_rec *r)
{
	size_t n = a->o.g->n;

	core_key_vals(a->o.g, r, a->kv);
	if (a->lastgw != w || !core_key_eq(a->kv, core_kmap_keys(w->groups,
	    a->lastg), n)) {
		a->lastg = group_new(a, w, core_key_hash(a->kv, n), a->kv);
		a->lastgw = w;
	}
	return a->lastg;
}

void
core_aggop_push(struct core_aggop *a, const struct core_rec *r)
{
	struct window *w = window_of(a, r);
	struct group *g;
	size_t i;

	cur_op = a;

	g = group_of(a, w, r);
	track_peak(a);
	for (i = 0; i < a->o.nacc; i++)
		core_acc_add(&a->o.acc[i], acc_state(a, g, i), r);
	if (r->time > g->tmax)
		g->tmax = r->time;
	g->dirty = 1;
	if (a->o.update) {
		struct core_rec out;

		core_arena_reset(&a->arena);
		if (build_row(a, w, g, &out))
			core_writer_rec(a->out, &out);
		g->dirty = 0;
	}
}

/* A window-close punctuation: its results, then the punctuation. */
void
core_aggop_close(struct core_aggop *a, const struct core_window *cw)
{
	struct core_value k[2];
	struct window *w;

	cur_op = a;

	a->saw_window = 1;
	k[0] = core_v_time(cw->start);
	k[1] = core_v_time(cw->end);
	w = core_kmap_find(a->windows, core_key_hash(k, 2), k);
	if (w == NULL) {
		/* An empty window: a global aggregate still says 0. */
		if (a->o.g->n == 0 && a->o.nacc > 0 && !a->o.update) {
			w = window_get(a, 1, cw->start, cw->end);
			emit_window(a, w, 0);
			window_drop(a, w);
		}
		core_writer_close(a->out, cw);
		return;
	}
	if (!a->o.update)
		emit_window(a, w, w->closed);    /* a re-close: changes only */
	w->closed = 1;
	if (cw->retain > w->retain)
		w->retain = cw->retain;
	if (w->retain <= a->wm || w->retain == CORE_WM_MIN) {
		window_drop(a, w);
	} else if (!w->counted) {
		w->counted = 1;
		a->nretained++;
		if (w->retain < a->min_retain)
			a->min_retain = w->retain;
	}
	core_writer_close(a->out, cw);
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
forward_wm(struct core_aggop *a, int64_t wm)
{
	size_t n, i;
	void **all;

	if (wm <= a->wm)
		return;
	a->wm = wm;
	/* Windows kept for late updates are freed once past retention (a
	 * scan only when there are some: watermarks come per record). */
	if (a->nretained && a->min_retain <= wm) {
		all = core_kmap_all(a->windows, &n);
		a->nretained = 0;
		a->min_retain = INT64_MAX;
		for (i = 0; i < n; i++) {
			struct window *w = all[i];

			if (!w->closed)
				continue;
			if (w->retain <= wm) {
				window_drop(a, w);
			} else {
				a->nretained++;
				if (w->retain < a->min_retain)
					a->min_retain = w->retain;
			}
		}
		free(all);
	}
	core_writer_wm(a->out, wm);
}

/* Early results: every open window's changed rows, by end, then the
 * global ones. */
void
core_aggop_every(struct core_aggop *a)
{
	size_t n, i;
	void **all = core_kmap_all(a->windows, &n);

	cur_op = a;

	core_sort(all, n, sizeof(*all), window_end_cmp);
	for (i = 0; i < n; i++)
		if (!((struct window *)all[i])->closed)
			emit_window(a, all[i], 1);
	free(all);
	if (a->global)
		emit_window(a, a->global, 1);
}


void
core_aggop_wm(struct core_aggop *a, int64_t wm)
{
	size_t n, i;
	void **all;

	cur_op = a;
	if (a->ended)
		return;
	if (wm != CORE_WM_MAX) {
		forward_wm(a, wm);
		return;
	}
	/* The end comes once: from the stream's last watermark, then from
	 * the tool at end of input. */
	a->ended = 1;
	/* End of input: every window closes, by end, as if punctuated. */
	all = core_kmap_all(a->windows, &n);
	core_sort(all, n, sizeof(*all), window_end_cmp);
	for (i = 0; i < n; i++) {
		struct window *w = all[i];

		if (!a->o.update)
			emit_window(a, w, w->closed);
		window_drop(a, w);
	}
	free(all);
	if (a->global) {
		if (!a->o.update)
			emit_window(a, a->global, 0);
		window_drop(a, a->global);
	} else if (a->o.g->n == 0 && a->o.nacc > 0 && !a->o.update &&
	    !a->saw_window) {
		/* Nothing came at all: one row of zeros for a global total. */
		window_get(a, 0, 0, 0);
		emit_window(a, a->global, 0);
		window_drop(a, a->global);
	}
	forward_wm(a, CORE_WM_MAX);
}

struct core_aggop *
core_aggop_new(const struct core_aggop_opts *o, struct core_writer *out)
{
	struct core_aggop *a = core_xcalloc(1, sizeof(*a));
	static struct core_keyspec nokey;
	size_t i, off = 0;

	a->o = *o;
	if (a->o.g == NULL)
		a->o.g = &nokey;
	a->out = out;
	a->off = core_xcalloc(o->nacc + 1, sizeof(*a->off));
	for (i = 0; i < o->nacc; i++) {
		a->off[i] = off;
		off += core_acc_size(&o->acc[i]);
	}
	a->gsize = offsetof(struct group, acc) + off;
	a->fstart.sym = o->start;
	a->fstart.idx = -1;
	a->fend.sym = o->end;
	a->fend.idx = -1;
	core_arena_init(&a->arena);
	core_recb_init(&a->rb);
	a->windows = core_kmap_new(2, sizeof(struct window));
	a->kv = core_xcalloc(a->o.g->n + 1, sizeof(*a->kv));
	a->wm = CORE_WM_MIN;
	a->min_retain = INT64_MAX;
	a->track = o->track_bytes;
	return a;
}

static void
window_free(void *user)
{
	struct window *w = user;

	core_kmap_free(w->groups, group_free);
}

void
core_aggop_free(struct core_aggop *a)
{
	if (a == NULL)
		return;
	cur_op = a;
	core_kmap_free(a->windows, window_free);
	if (a->global) {
		core_kmap_free(a->global->groups, group_free);
		free(a->global);
	}
	core_arena_release(&a->arena);
	core_recb_release(&a->rb);
	free(a->kv);
	free(a->off);
	free(a);
}

void
core_aggop_stats(const struct core_aggop *a, struct core_aggop_stats *st)
{
	*st = a->st;
}

size_t
core_aggop_nfields(const struct core_aggop_opts *o)
{
	return (o->g ? o->g->n : 0) + o->nacc + 2;
}

size_t
core_aggop_fields(const struct core_aggop_opts *o, const struct core_sym **out)
{
	size_t n = 0, i;

	for (i = 0; o->g && i < o->g->n; i++)
		out[n++] = o->g->f[i].sym;
	for (i = 0; i < o->nacc; i++)
		if (o->acc[i].field.sym)
			out[n++] = o->acc[i].field.sym;
	out[n++] = o->start;
	out[n++] = o->end;
	return n;
}
