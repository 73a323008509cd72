/* SPDX-License-Identifier: MIT */
/* Records: an event time and an ordered list of named values. */
#include "libcore/rec.h"

#include <stdlib.h>
#include <string.h>

#include "libcore/arena.h"
#include "libcore/xalloc.h"

static int
has_bytes(const struct core_value *v)
{
	return v->type == CORE_STR || v->type == CORE_JSON ||
	    (v->type == CORE_DOUBLE && (v->flags & CORE_VF_TEXT));
}

struct core_rec *
core_rec_copy(const struct core_rec *r)
{
	size_t n = r->schema->n, bytes = 0, i;
	struct core_rec *c;
	char *p;

	core_rec_full(r);
	for (i = 0; i < n; i++)
		if (has_bytes(&r->v[i]))
			bytes += r->v[i].len;
	c = core_xmalloc(sizeof(*c) + n * sizeof(struct core_value) + bytes);
	c->schema = r->schema;
	c->time = r->time;
	c->raw = NULL;
	c->lazy = 0;
	c->rawlen = 0;
	c->raw_n = 0;
	c->v = (struct core_value *)(c + 1);
	p = (char *)(c->v + n);
	for (i = 0; i < n; i++) {
		c->v[i] = r->v[i];
		if (has_bytes(&r->v[i])) {
			if (r->v[i].len)
				memcpy(p, r->v[i].u.s, r->v[i].len);
			c->v[i].u.s = p;
			p += r->v[i].len;
		}
	}
	return c;
}

void
core_rec_free(struct core_rec *r)
{
	free(r);
}

void
core_rec_copy_to(struct core_rec *dst, const struct core_rec *r,
    struct core_arena *a)
{
	size_t n = r->schema->n, i;

	core_rec_full(r);
	dst->schema = r->schema;
	dst->time = r->time;
	dst->raw = NULL;
	dst->lazy = 0;
	dst->rawlen = 0;
	dst->raw_n = 0;
	dst->v = core_arena_alloc(a, n * sizeof(struct core_value));
	for (i = 0; i < n; i++) {
		dst->v[i] = r->v[i];
		if (has_bytes(&r->v[i]))
			dst->v[i].u.s = core_arena_dup(a, r->v[i].u.s,
			    r->v[i].len);
	}
}

void
core_recb_init(struct core_recb *b)
{
	memset(b, 0, sizeof(*b));
}

void
core_recb_release(struct core_recb *b)
{
	free(b->syms);
	free(b->vals);
	memset(b, 0, sizeof(*b));
}

int
core_recb_add_slow(struct core_recb *b, const struct core_sym *sym,
    struct core_value v)
{
	size_t c;

	if (b->n >= CORE_MAX_FIELDS)
		return -1;
	if (b->n == b->cap) {
		c = b->cap;
		b->syms = core_xgrow(b->syms, &c, b->n + 1, sizeof(*b->syms));
		b->vals = core_xgrow(b->vals, &b->cap, b->n + 1,
		    sizeof(*b->vals));
	}
	/* Most records match the last schema in order; then no name can be
	 * a duplicate.  Otherwise look back for one. */
	if (b->last == NULL || b->n >= b->last->n ||
	    b->last->f[b->n] != sym || b->dup) {
		size_t i;

		for (i = 0; i < b->n; i++) {
			if (b->syms[i] == sym) {
				b->vals[i] = v;
				return 0;
			}
		}
		b->dup = 1;    /* off the fast path for this record */
	}
	b->syms[b->n] = sym;
	b->vals[b->n] = v;
	b->n++;
	return 0;
}

int
core_recb_finish(struct core_recb *b, struct core_rec *r, int64_t time)
{
	const struct core_schema *s = b->last;

	if (s == NULL || s->n != b->n || (b->n &&
	    memcmp(s->f, b->syms, b->n * sizeof(*b->syms)) != 0)) {
		s = core_schema_intern(b->syms, (uint32_t)b->n);
		if (s == NULL)
			return -1;
		b->last = s;
	}
	r->schema = s;
	r->time = time;
	r->v = b->vals;
	r->raw = NULL;
	r->lazy = 0;
	r->rawlen = 0;
	r->raw_n = 0;
	return 0;
}
