/* SPDX-License-Identifier: MIT */
/* Interned field names (symbols) and field lists (schemas). */
#ifndef CORE_SYM_H
#define CORE_SYM_H

#include <stddef.h>
#include <stdint.h>

/*
 * A symbol is a field name interned for the life of the process: equal
 * names are the same pointer, so records compare names by pointer.  The
 * name is bytes (it may hold NUL) and also NUL-terminated.
 */
struct core_sym {
	uint32_t id;       /* dense, from 0 */
	uint32_t len;
	uint64_t hash;
	char name[];
};

/*
 * A schema is an interned ordered list of distinct symbols: the shape of a
 * record.  Equal lists are the same pointer.  Ids are dense from 0, so
 * writers can keep per-schema state in arrays.
 */
struct core_schema {
	uint32_t id;
	uint32_t n;
	uint64_t hash;
	void *cache[4];    /* per-writer rendered forms; see CORE_SCACHE_* */
	const struct core_sym *f[];
};

/* Slots of core_schema.cache, one per kind of writer that renders names. */
enum { CORE_SCACHE_NDJSON, CORE_SCACHE_CSV, CORE_SCACHE_LOGFMT,
	CORE_SCACHE_SPARE };

/* Limits that keep a stream of data-like keys from eating memory. */
#define CORE_MAX_FIELDS 65535
#define CORE_MAX_SYMS (1u << 22)
#define CORE_MAX_SCHEMAS (1u << 20)

/* Borrowed, valid for the process: the symbol for p[0..len), or NULL when
 * the symbol table is full (CORE_MAX_SYMS). */
const struct core_sym *core_sym_intern(const char *p, size_t len);
const struct core_sym *core_sym_str(const char *s);
/* The symbol if already known, else NULL. */
const struct core_sym *core_sym_find(const char *p, size_t len);

/*
 * Borrowed, valid for the process: the schema of f[0..n), or NULL when the
 * names are not distinct, n > CORE_MAX_FIELDS, or the table is full.
 */
const struct core_schema *core_schema_intern(const struct core_sym *const *f,
    uint32_t n);
/* The empty schema. */
const struct core_schema *core_schema_empty(void);
/* The index of sym in s, or -1. */
int core_schema_find(const struct core_schema *s, const struct core_sym *sym);
/* s with sym appended (cached), or NULL as for core_schema_intern. */
const struct core_schema *core_schema_append(const struct core_schema *s,
    const struct core_sym *sym);
/* Number of schemas interned so far (the bound for per-schema arrays). */
uint32_t core_schema_count(void);

/*
 * A field reference that remembers where the field was in the last schema
 * it saw, so that looking up a field in a stream of same-shaped records is
 * one pointer comparison.
 */
struct core_fieldref {
	const struct core_sym *sym;
	const struct core_schema *schema;
	int idx;
};

void core_fieldref_init(struct core_fieldref *r, const char *name);
static inline int
core_fieldref_index(struct core_fieldref *r, const struct core_schema *s)
{
	if (r->schema != s) {
		r->schema = s;
		r->idx = core_schema_find(s, r->sym);
	}
	return r->idx;
}

#endif
