/* SPDX-License-Identifier: MIT */
/* Stream-stream joins: regular, interval and windowed, inner and outer,
 * decided in event-time order. */
#include "libcore/joinop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/evtime.h"
#include "libcore/wm.h"
#include "libcore/xalloc.h"

#define NONE ((size_t)-1)

/* A record waiting for both watermarks. */
struct held {
	struct core_rec *r;
	int side;
	uint64_t seq;
};

struct kstate;

/* A record kept for matching. */
struct stored {
	struct core_rec *r;
	int side;
	int matched;
	int64_t expiry;            /* goes when processing reaches this */
	int64_t lo, hi;            /* left of an interval join: its bounds */
	uint64_t seq;
	size_t hidx;               /* in the expiry heap */
	struct kstate *k;
};

struct kstate {
	struct stored **list[2];
	size_t n[2], cap[2];
	void *user;
};

/* A match of a windowed join waiting for its window to close. */
struct pending {
	struct stored *l, *r;
	int64_t end;
	uint64_t seq;
};

struct core_joinop {
	struct core_joinop_opts o;
	struct pending *pend;      /* min-heap by (end, seq) */
	size_t npend, cappend;
	uint64_t late[2];
	uint64_t unwindowed;
	struct close {
		struct core_window w;
		int copies;
	} *closes;                 /* windowed: punctuation to pass on */
	size_t ncloses, capcloses;
	struct core_writer *out;
	struct held *buf;          /* min-heap by (time, side, seq) */
	size_t nbuf, capbuf;
	struct stored **heap;      /* min-heap by (expiry, seq) */
	size_t nheap, capheap;
	struct core_kmap *keys;
	size_t nk;                 /* key values (with window fields) */
	struct core_value *kv, *kt;
	struct core_buf kb;
	struct core_fieldref fstart, fend;
	int64_t wm[2], wm_out, now;
	uint64_t seq;
	size_t held, peak;
	const struct core_schema *last[2];
	struct core_join_shaper shaper;
	int ended;
};

/* ---- heaps ------------------------------------------------------------------ */

static int
held_less(const struct held *a, const struct held *b)
{
	if (a->r->time != b->r->time)
		return a->r->time < b->r->time;
	if (a->side != b->side)
		return a->side < b->side;
	return a->seq < b->seq;
}

static void
buf_push(struct core_joinop *j, struct core_rec *r, int side)
{
	size_t i;

	j->buf = core_xgrow(j->buf, &j->capbuf, j->nbuf + 1, sizeof(*j->buf));
	i = j->nbuf++;
	j->buf[i].r = r;
	j->buf[i].side = side;
	j->buf[i].seq = j->seq++;
	while (i > 0 && held_less(&j->buf[i], &j->buf[(i - 1) / 2])) {
		struct held t = j->buf[i];

		j->buf[i] = j->buf[(i - 1) / 2];
		j->buf[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct held
buf_pop(struct core_joinop *j)
{
	struct held top = j->buf[0], last = j->buf[--j->nbuf];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < j->nbuf) {
		if (c + 1 < j->nbuf && held_less(&j->buf[c + 1], &j->buf[c]))
			c++;
		if (!held_less(&j->buf[c], &last))
			break;
		j->buf[i] = j->buf[c];
		i = c;
	}
	if (j->nbuf)
		j->buf[i] = last;
	return top;
}

static int
exp_less(const struct stored *a, const struct stored *b)
{
	if (a->expiry != b->expiry)
		return a->expiry < b->expiry;
	return a->seq < b->seq;
}

static void
exp_swap(struct core_joinop *j, size_t a, size_t b)
{
	struct stored *t = j->heap[a];

	j->heap[a] = j->heap[b];
	j->heap[b] = t;
	j->heap[a]->hidx = a;
	j->heap[b]->hidx = b;
}

static void
exp_fix(struct core_joinop *j, size_t i)
{
	size_t c;

	while (i > 0 && exp_less(j->heap[i], j->heap[(i - 1) / 2])) {
		exp_swap(j, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	while ((c = 2 * i + 1) < j->nheap) {
		if (c + 1 < j->nheap && exp_less(j->heap[c + 1], j->heap[c]))
			c++;
		if (!exp_less(j->heap[c], j->heap[i]))
			break;
		exp_swap(j, i, c);
		i = c;
	}
}

static void
exp_push(struct core_joinop *j, struct stored *s)
{
	j->heap = core_xgrow(j->heap, &j->capheap, j->nheap + 1,
	    sizeof(*j->heap));
	j->heap[j->nheap] = s;
	s->hidx = j->nheap++;
	exp_fix(j, s->hidx);
}

static void
exp_del(struct core_joinop *j, struct stored *s)
{
	size_t i = s->hidx;

	if (i == NONE)
		return;
	j->nheap--;
	if (i != j->nheap) {
		j->heap[i] = j->heap[j->nheap];
		j->heap[i]->hidx = i;
		exp_fix(j, i);
	}
	s->hidx = NONE;
}

static int
pend_less(const struct pending *a, const struct pending *b)
{
	if (a->end != b->end)
		return a->end < b->end;
	return a->seq < b->seq;
}

static void
pend_push(struct core_joinop *j, struct stored *l, struct stored *r,
    int64_t end)
{
	size_t i;

	j->pend = core_xgrow(j->pend, &j->cappend, j->npend + 1,
	    sizeof(*j->pend));
	i = j->npend++;
	j->pend[i].l = l;
	j->pend[i].r = r;
	j->pend[i].end = end;
	j->pend[i].seq = j->seq++;
	while (i > 0 && pend_less(&j->pend[i], &j->pend[(i - 1) / 2])) {
		struct pending t = j->pend[i];

		j->pend[i] = j->pend[(i - 1) / 2];
		j->pend[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct pending
pend_pop(struct core_joinop *j)
{
	struct pending top = j->pend[0], last = j->pend[--j->npend];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < j->npend) {
		if (c + 1 < j->npend && pend_less(&j->pend[c + 1], &j->pend[c]))
			c++;
		if (!pend_less(&j->pend[c], &last))
			break;
		j->pend[i] = j->pend[c];
		i = c;
	}
	if (j->npend)
		j->pend[i] = last;
	return top;
}

/* ---- output -------------------------------------------------------------------- */

void
core_join_shaper_init(struct core_join_shaper *sh,
    const struct core_keyspec *lkey, const struct core_keyspec *rkey,
    const char *prefix)
{
	memset(sh, 0, sizeof(*sh));
	sh->lkey = lkey;
	sh->rkey = rkey;
	sh->prefix = prefix;
}

void
core_join_shaper_release(struct core_join_shaper *sh)
{
	unsigned x;

	for (x = 0; x < 16; x++) {
		free(sh->s[x].rpos);
		free(sh->s[x].shared);
	}
	free(sh->vals);
}

/* The left field that right field name shares as a key, or -1. */
static int32_t
shared_key(const struct core_join_shaper *sh, const struct core_schema *l,
    const struct core_sym *name)
{
	size_t x, i, n = sh->lkey && sh->rkey ? sh->rkey->n : 0;
	int key = name == sh->also[0] || name == sh->also[1];

	for (x = 0; !key && x < n && x < sh->lkey->n; x++) {
		const char *rn = sh->rkey->names[x];

		key = strlen(rn) == name->len && memcmp(rn, name->name,
		    name->len) == 0 && strcmp(rn, sh->lkey->names[x]) == 0;
	}
	for (i = 0; key && i < l->n; i++)
		if (l->f[i] == name)
			return (int32_t)i;
	return -1;
}

static const struct core_join_shape *
shape_of(struct core_join_shaper *sh, const struct core_schema *l,
    const struct core_schema *r)
{
	struct core_join_shape *s;
	const struct core_sym **f;
	struct core_buf b = CORE_BUF_INIT;
	size_t i, k, n = l->n;
	unsigned x;

	if (sh->hit && sh->hit->l == l && sh->hit->r == r)
		return sh->hit;
	for (x = 0; x < 16; x++)
		if (sh->s[x].l == l && sh->s[x].r == r && sh->s[x].out)
			return sh->hit = &sh->s[x];
	s = sh->hit = &sh->s[sh->next++ % 16];
	free(s->rpos);
	free(s->shared);
	s->rpos = core_xcalloc(r->n + 1, sizeof(*s->rpos));
	s->shared = core_xcalloc(r->n + 1, 1);
	f = core_xcalloc(l->n + r->n + 1, sizeof(*f));
	memcpy(f, l->f, l->n * sizeof(*f));
	for (i = 0; i < r->n; i++) {
		const struct core_sym *name = r->f[i];
		int32_t at = shared_key(sh, l, name);

		if (at >= 0) {
			s->rpos[i] = at;
			s->shared[i] = 1;
			continue;
		}
		for (;;) {
			for (k = 0; k < n; k++)
				if (f[k] == name)
					break;
			if (k == n)
				break;
			core_buf_reset(&b);
			core_buf_addstr(&b, sh->prefix);
			core_buf_add(&b, name->name, name->len);
			name = core_sym_intern(b.p, b.len);
		}
		s->rpos[i] = (int32_t)n;
		f[n++] = name;
	}
	s->l = l;
	s->r = r;
	s->out = core_schema_intern(f, (uint32_t)n);
	free(f);
	core_buf_release(&b);
	return s;
}

int
core_join_row(struct core_join_shaper *sh, const struct core_schema *ls,
    const struct core_rec *l, const struct core_schema *rs,
    const struct core_rec *r, struct core_rec *o)
{
	const struct core_join_shape *s;
	size_t i;

	if (l)
		ls = l->schema;
	if (r)
		rs = r->schema;
	if (ls == NULL)
		ls = core_schema_empty();
	if (rs == NULL)
		rs = core_schema_empty();
	s = shape_of(sh, ls, rs);
	if (s->out == NULL)
		return -1;
	if (s->out->n + 1 > sh->capvals)
		sh->vals = core_xgrow(sh->vals, &sh->capvals, s->out->n + 1,
		    sizeof(*sh->vals));
	for (i = 0; i < ls->n; i++)
		sh->vals[i] = l ? l->v[i] : core_v_null();
	for (i = 0; i < rs->n; i++)
		if (!s->shared[i] || l == NULL)
			sh->vals[s->rpos[i]] = r ? r->v[i] : core_v_null();
	memset(o, 0, sizeof(*o));
	o->schema = s->out;
	o->v = sh->vals;
	return 0;
}

/* Writes left joined with right; either may be NULL (outer rows). */
static void
emit(struct core_joinop *j, const struct core_rec *l, const struct core_rec *r,
    int64_t time)
{
	struct core_rec o;

	if (core_join_row(&j->shaper, j->last[0], l, j->last[1], r, &o) < 0)
		return;
	/* Never behind a watermark already written. */
	o.time = time < j->wm_out ? j->wm_out : time;
	core_writer_rec(j->out, &o);
}

/* ---- matching -------------------------------------------------------------------- */

static int64_t
bound(const struct core_join_bound *b, const struct core_rec *l)
{
	int64_t t = l->time;
	const char *why;

	if (b->field && core_evtime_get(b->field, l, &t, &why) < 0)
		return INT64_MIN;    /* no bound: matches nothing */
	return core_sat_add(t, b->off);
}

static void
stored_remove(struct core_joinop *j, struct stored *s)
{
	struct kstate *k = s->k;
	size_t i, n = k->n[s->side];

	for (i = 0; i < n; i++)
		if (k->list[s->side][i] == s)
			break;
	if (i < n) {
		memmove(&k->list[s->side][i], &k->list[s->side][i + 1],
		    (n - i - 1) * sizeof(*k->list[s->side]));
		k->n[s->side]--;
	}
	exp_del(j, s);
	core_rec_free(s->r);
	free(s);
	j->held--;
	if (k->n[0] == 0 && k->n[1] == 0) {
		free(k->list[0]);
		free(k->list[1]);
		core_kmap_del(j->keys, k->user);
	}
}

/* Stored records no later record can match: outer rows, then gone.
 * Matches held for their window's close come out first. */
static void
expire(struct core_joinop *j, int64_t upto)
{
	for (;;) {
		int p = j->npend && j->pend[0].end <= upto;
		int h = j->nheap && j->heap[0]->expiry <= upto;
		struct stored *s;

		if (p && (!h || j->pend[0].end <= j->heap[0]->expiry)) {
			struct pending x = pend_pop(j);

			emit(j, x.l->r, x.r->r, x.end - 1);
			continue;
		}
		if (!h)
			break;
		s = j->heap[0];
		if (!s->matched && (j->o.outer & (s->side ? CORE_JOIN_RIGHT :
		    CORE_JOIN_LEFT))) {
			/* Stamped when no match was possible any more, but
			 * never before the record itself was decided. */
			int64_t at = s->expiry - 1 > s->r->time ?
			    s->expiry - 1 : s->r->time;

			if (s->side == 0)
				emit(j, s->r, NULL, at);
			else
				emit(j, NULL, s->r, at);
		}
		stored_remove(j, s);
	}
}

static int
matches(struct core_joinop *j, const struct stored *l, int64_t tr)
{
	if (j->o.kind != CORE_JOIN_INTERVAL)
		return 1;
	return tr >= l->lo && tr <= l->hi;
}

/* One record, in (time, side, arrival) order. */
static void
take(struct core_joinop *j, struct core_rec *r, int side)
{
	struct core_keyspec *ks = side ? j->o.rkey : j->o.lkey;
	struct kstate *k;
	struct stored *s;
	size_t n = ks->n, i, off = 0;
	int64_t lo = 0, hi = 0;
	int created;

	expire(j, r->time);
	j->last[side] = r->schema;
	if (j->o.kind == CORE_JOIN_WINDOW) {
		const struct core_value *vs = core_rec_getref(r, &j->fstart);
		const struct core_value *ve = core_rec_getref(r, &j->fend);

		if (!vs || !ve || vs->type != CORE_TIME || ve->type !=
		    CORE_TIME) {
			/* Not windowed: cannot join; counted, reported. */
			j->unwindowed++;
			core_rec_free(r);
			j->held--;
			return;
		}
		j->kt[0] = *vs;
		j->kt[1] = *ve;
		off = 2;
	}
	core_key_vals(ks, r, j->kv);
	if (core_key_text(j->kv, n, j->kt + off, &j->kb) < 0) {
		/* A NULL key joins nothing; an outer side keeps it. */
		if (j->o.outer & (side ? CORE_JOIN_RIGHT : CORE_JOIN_LEFT)) {
			if (side == 0)
				emit(j, r, NULL, r->time);
			else
				emit(j, NULL, r, r->time);
		}
		core_rec_free(r);
		j->held--;
		return;
	}
	if (j->o.kind == CORE_JOIN_INTERVAL && side == 0) {
		lo = bound(&j->o.lo, r);
		hi = bound(&j->o.hi, r);
		if (lo == INT64_MIN || hi == INT64_MIN) {
			/* No time in a bound field: it matches nothing, so an
			 * outer side has its row now, as for a NULL key. */
			if (j->o.outer & CORE_JOIN_LEFT)
				emit(j, r, NULL, r->time);
			core_rec_free(r);
			j->held--;
			return;
		}
	}
	k = core_kmap_get(j->keys, core_key_hash(j->kt, j->nk), j->kt,
	    &created);
	if (created)
		k->user = k;
	s = core_xcalloc(1, sizeof(*s));
	s->r = r;
	s->side = side;
	s->seq = j->seq++;
	s->k = k;
	s->hidx = NONE;
	s->lo = lo;
	s->hi = hi;
	/* Pairs with every stored record of the other side, in arrival
	 * order; the result's time is this record's (the later one). */
	for (i = 0; i < k->n[!side]; i++) {
		struct stored *o = k->list[!side][i];

		if (side == 0 ? matches(j, s, o->r->time) :
		    matches(j, o, r->time)) {
			if (j->o.emit_close && j->o.kind == CORE_JOIN_WINDOW)
				pend_push(j, side ? o : s, side ? s : o,
				    j->kt[1].u.i);
			else if (side == 0)
				emit(j, r, o->r, r->time);
			else
				emit(j, o->r, r, r->time);
			o->matched = 1;
			s->matched = 1;
		}
	}
	/* How long it may still match. */
	switch (j->o.kind) {
	case CORE_JOIN_REGULAR:
		s->expiry = j->o.ttl ? core_sat_add(r->time, j->o.ttl) :
		    INT64_MAX;
		break;
	case CORE_JOIN_INTERVAL:
		if (side == 0)
			s->expiry = core_sat_add(s->hi, 1);
		else if (j->o.lo.field == NULL)
			s->expiry = core_sat_add(core_sat_add(r->time,
			    -j->o.lo.off), 1);
		else
			s->expiry = j->o.ttl ? core_sat_add(r->time, j->o.ttl) :
			    INT64_MAX;
		break;
	case CORE_JOIN_WINDOW:
		s->expiry = j->kt[1].u.i;
		break;
	}
	k->list[side] = core_xgrow(k->list[side], &k->cap[side],
	    k->n[side] + 1, sizeof(*k->list[side]));
	k->list[side][k->n[side]++] = s;
	if (s->expiry != INT64_MAX)
		exp_push(j, s);
}

/* Window-close punctuation, once per window, after the window's
 * results: when both inputs have closed it (a window one side never
 * closes passes at the end) and processing has passed its end. */
static void
pass_closes(struct core_joinop *j, int64_t w)
{
	int need = j->o.one_input ? 1 : 2;
	size_t i, m = 0;

	for (i = 0; i < j->ncloses; i++) {
		struct close *c = &j->closes[i];

		if (w != CORE_WM_MAX && (c->w.end > w || c->copies < need))
			j->closes[m++] = *c;
		else
			core_writer_close(j->out, &c->w);
	}
	j->ncloses = m;
}

void
core_joinop_close(struct core_joinop *j, const struct core_window *cw)
{
	size_t i;

	if (j->o.kind != CORE_JOIN_WINDOW || j->ended)
		return;
	for (i = 0; i < j->ncloses; i++)
		if (j->closes[i].w.start == cw->start &&
		    j->closes[i].w.end == cw->end) {
			j->closes[i].copies++;
			if (cw->retain > j->closes[i].w.retain)
				j->closes[i].w.retain = cw->retain;
			pass_closes(j, j->wm[0] < j->wm[1] ? j->wm[0] :
			    j->wm[1]);
			return;
		}
	/* Kept in (end, start) order; few are open at once. */
	j->closes = core_xgrow(j->closes, &j->capcloses, j->ncloses + 1,
	    sizeof(*j->closes));
	for (i = j->ncloses; i > 0 && (j->closes[i - 1].w.end > cw->end ||
	    (j->closes[i - 1].w.end == cw->end && j->closes[i - 1].w.start >
	    cw->start)); i--)
		j->closes[i] = j->closes[i - 1];
	j->closes[i].w = *cw;
	j->closes[i].copies = 1;
	j->ncloses++;
	pass_closes(j, j->wm[0] < j->wm[1] ? j->wm[0] : j->wm[1]);
}

static void
advance(struct core_joinop *j)
{
	int64_t w = j->wm[0] < j->wm[1] ? j->wm[0] : j->wm[1];
	int64_t f;

	while (j->nbuf && j->buf[0].r->time < w) {
		struct held h = buf_pop(j);

		take(j, h.r, h.side);
	}
	if (w == CORE_WM_MAX) {
		/* Both ended: everything left goes, outer rows by expiry. */
		while (j->nbuf) {
			struct held h = buf_pop(j);

			take(j, h.r, h.side);
		}
		expire(j, INT64_MAX);
		while (j->nheap == 0 && j->keys && core_kmap_len(j->keys)) {
			/* Records kept forever (no ttl): outer rows now, in
			 * arrival order. */
			size_t n, i, m = 0;
			void **all = core_kmap_all(j->keys, &n);
			struct stored **left = NULL;
			size_t cap = 0;

			for (i = 0; i < n; i++) {
				struct kstate *k = all[i];
				size_t s2, x;

				for (s2 = 0; s2 < 2; s2++)
					for (x = 0; x < k->n[s2]; x++) {
						left = core_xgrow(left, &cap,
						    m + 1, sizeof(*left));
						left[m++] = k->list[s2][x];
					}
			}
			for (i = 1; i < m; i++) {
				struct stored *t = left[i];
				size_t y = i;

				while (y > 0 && left[y - 1]->seq > t->seq) {
					left[y] = left[y - 1];
					y--;
				}
				left[y] = t;
			}
			for (i = 0; i < m; i++) {
				struct stored *s = left[i];

				if (!s->matched && (j->o.outer & (s->side ?
				    CORE_JOIN_RIGHT : CORE_JOIN_LEFT))) {
					if (s->side == 0)
						emit(j, s->r, NULL, s->r->time);
					else
						emit(j, NULL, s->r, s->r->time);
				}
				stored_remove(j, s);
			}
			free(left);
			free(all);
		}
	} else {
		expire(j, w);
	}
	pass_closes(j, w);
	/* On: held back to the earliest record still waiting, and to just
	 * before the next expiry when outer rows may come from it. */
	f = w;
	if (j->nbuf && j->buf[0].r->time < f)
		f = j->buf[0].r->time;
	if (j->o.outer && j->nheap && j->heap[0]->expiry - 1 < f)
		f = j->heap[0]->expiry - 1;
	if (j->npend && j->pend[0].end - 1 < f)
		f = j->pend[0].end - 1;
	if (f > j->wm_out) {
		j->wm_out = f;
		core_writer_wm(j->out, f);
	}
}

int
core_joinop_push(struct core_joinop *j, int side, const struct core_rec *r)
{
	if (r->time < j->wm[side]) {
		/* Behind its side's watermark: what it could match may be
		 * gone and its results would be late downstream. */
		j->late[side]++;
		return 1;
	}
	if (j->o.max_buffer && j->held >= j->o.max_buffer)
		return -1;
	buf_push(j, core_rec_copy(r), side);
	j->held++;
	if (j->held > j->peak)
		j->peak = j->held;
	return 0;
}

void
core_joinop_wm(struct core_joinop *j, int side, int64_t wm)
{
	if (j->ended || wm <= j->wm[side])
		return;
	j->wm[side] = wm;
	if (j->wm[0] == CORE_WM_MAX && j->wm[1] == CORE_WM_MAX)
		j->ended = 1;
	advance(j);
}

uint64_t
core_joinop_unwindowed(const struct core_joinop *j)
{
	return j->unwindowed;
}

uint64_t
core_joinop_late(const struct core_joinop *j, int side)
{
	return j->late[side];
}

size_t
core_joinop_held(const struct core_joinop *j)
{
	return j->held;
}

size_t
core_joinop_peak(const struct core_joinop *j)
{
	return j->peak;
}

struct core_joinop *
core_joinop_new(const struct core_joinop_opts *o, struct core_writer *out)
{
	struct core_joinop *j = core_xcalloc(1, sizeof(*j));

	j->o = *o;
	if (j->o.prefix == NULL)
		j->o.prefix = "right_";
	j->out = out;
	j->nk = o->lkey->n + (o->kind == CORE_JOIN_WINDOW ? 2 : 0);
	j->keys = core_kmap_new(j->nk, sizeof(struct kstate));
	j->kv = core_xcalloc(o->lkey->n + o->rkey->n + 1, sizeof(*j->kv));
	j->kt = core_xcalloc(j->nk + 1, sizeof(*j->kt));
	core_buf_init(&j->kb);
	j->fstart.sym = o->start;
	j->fstart.idx = -1;
	j->fend.sym = o->end;
	j->fend.idx = -1;
	j->wm[0] = j->wm[1] = j->wm_out = CORE_WM_MIN;
	core_join_shaper_init(&j->shaper, o->lkey, o->rkey, j->o.prefix);
	if (o->kind == CORE_JOIN_WINDOW) {
		j->shaper.also[0] = o->start;
		j->shaper.also[1] = o->end;
	}
	return j;
}

static void
kstate_free(void *user)
{
	struct kstate *k = user;
	size_t s, i;

	for (s = 0; s < 2; s++) {
		for (i = 0; i < k->n[s]; i++) {
			core_rec_free(k->list[s][i]->r);
			free(k->list[s][i]);
		}
		free(k->list[s]);
	}
}

void
core_joinop_free(struct core_joinop *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->nbuf; i++)
		core_rec_free(j->buf[i].r);
	core_kmap_free(j->keys, kstate_free);
	free(j->buf);
	free(j->heap);
	free(j->pend);
	free(j->closes);
	free(j->kv);
	free(j->kt);
	core_join_shaper_release(&j->shaper);
	core_buf_release(&j->kb);
	free(j);
}
