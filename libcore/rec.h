/* SPDX-License-Identifier: MIT */
/* Records: an event time and an ordered list of named values. */
#ifndef CORE_REC_H
#define CORE_REC_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/sym.h"
#include "libcore/value.h"

struct core_arena;

/*
 * A record's names are its schema; its values are v[0..schema->n).  A
 * record handed out by a decoder is borrowed: it and every byte its values
 * point to stay valid until the decoder's next call.  An operator that
 * keeps a record past that copies it (core_rec_copy).
 *
 * raw, when not NULL, is the body of the data frame the record was decoded
 * from (after the schema id): the event time and the first raw_n values.
 * A frame writer copies it instead of encoding those again.  Whoever
 * changes the time or one of those values clears raw (core_rec_touch); an
 * operator that only appends fields keeps it (core_rec_append_ok).
 */
struct core_rec {
	const struct core_schema *schema;
	int64_t time;
	struct core_value *v;
	const unsigned char *raw;
	uint32_t rawlen;
	uint32_t raw_n;
	uint32_t lazy;
};

/*
 * lazy, with raw: a lazy frame decoder (core_frame_dec_want) decoded only
 * some of v[0..raw_n); the others are marked CORE_VF_LAZY.  This decodes
 * them all from raw (in place: v belongs to the decoder or to whoever
 * copied them with the record).  Every generic reader of a record's
 * values calls it: core_rec_get, core_rec_getref, core_rec_touch, the
 * copies and the text writers.
 */
void core_rec_full(const struct core_rec *r);

static inline void
core_rec_touch(struct core_rec *r)
{
	if (r->lazy)
		core_rec_full(r);
	r->raw = NULL;
	r->rawlen = 0;
	r->raw_n = 0;
	r->lazy = 0;
}

/* The value of field sym, or NULL when the record has no such field. */
static inline const struct core_value *
core_rec_get(const struct core_rec *r, const struct core_sym *sym)
{
	int i = core_schema_find(r->schema, sym);

	if (i < 0)
		return NULL;
	if (r->v[i].flags & CORE_VF_LAZY)
		core_rec_full(r);
	return &r->v[i];
}

static inline const struct core_value *
core_rec_getref(const struct core_rec *r, struct core_fieldref *f)
{
	int i = core_fieldref_index(f, r->schema);

	if (i < 0)
		return NULL;
	if (r->v[i].flags & CORE_VF_LAZY)
		core_rec_full(r);
	return &r->v[i];
}

/*
 * A deep copy of r: one heap block holding the values and their bytes.
 * New; free with core_rec_free.  raw is not kept.
 */
struct core_rec *core_rec_copy(const struct core_rec *r);
void core_rec_free(struct core_rec *r);
/* Copies r's values and bytes into arena a (borrowed until reset). */
void core_rec_copy_to(struct core_rec *dst, const struct core_rec *r,
    struct core_arena *a);

/*
 * A record builder for readers: collects (name, value) pairs, a later
 * duplicate name replacing the earlier value in its place (as JSON
 * parsers do), and interns the schema, guessing it is the same as last
 * time.  The built record borrows the builder's arrays until the next
 * core_recb_reset.
 */
struct core_recb {
	const struct core_sym **syms;
	struct core_value *vals;
	size_t n;
	size_t cap;
	const struct core_schema *last;
	int dup;
};

void core_recb_init(struct core_recb *b);
void core_recb_release(struct core_recb *b);
static inline void
core_recb_reset(struct core_recb *b)
{
	b->n = 0;
	b->dup = 0;
}
/* Adds a field; returns -1 (nothing added) past CORE_MAX_FIELDS. */
int core_recb_add_slow(struct core_recb *b, const struct core_sym *sym,
    struct core_value v);

static inline int
core_recb_add(struct core_recb *b, const struct core_sym *sym,
    struct core_value v)
{
	/* The next name of the last schema: no duplicate is possible. */
	if (b->last && !b->dup && b->n < b->last->n && b->n < b->cap &&
	    b->last->f[b->n] == sym) {
		b->syms[b->n] = sym;
		b->vals[b->n] = v;
		b->n++;
		return 0;
	}
	return core_recb_add_slow(b, sym, v);
}
/* Sets *r; returns -1 when the symbol or schema table is full. */
int core_recb_finish(struct core_recb *b, struct core_rec *r, int64_t time);

#endif
