/* SPDX-License-Identifier: MIT */
/* Interned field names (symbols) and field lists (schemas). */
#include "libcore/sym.h"

#include <stdlib.h>
#include <string.h>

#include "libcore/hash.h"
#include "libcore/xalloc.h"

#define SEED 0x5eed5eedULL

/* Open addressing with linear probing; the tables only grow. */
struct table {
	void **slot;
	size_t mask;
	size_t n;
};

static struct table syms, schemas;
static uint32_t nsyms, nschemas;
static const struct core_schema *empty;

/* Appending one field is the common derivation (window fields, --set). */
struct append_memo {
	const struct core_schema *from;
	const struct core_sym *sym;
	const struct core_schema *to;
};
static struct append_memo memo[256];

static void
table_grow(struct table *t, uint64_t (*hashof)(const void *))
{
	size_t ncap = t->mask ? (t->mask + 1) * 2 : 256, i, j;
	void **ns = core_xcalloc(ncap, sizeof(*ns));

	for (i = 0; t->mask && i <= t->mask; i++) {
		if (t->slot[i] == NULL)
			continue;
		j = hashof(t->slot[i]) & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = ns;
	t->mask = ncap - 1;
}

static uint64_t
sym_hashof(const void *p)
{
	return ((const struct core_sym *)p)->hash;
}

static uint64_t
schema_hashof(const void *p)
{
	return ((const struct core_schema *)p)->hash;
}

const struct core_sym *
core_sym_find(const char *p, size_t len)
{
	uint64_t h = core_hash(p, len, SEED);
	struct core_sym *s;
	size_t i;

	if (syms.mask == 0)
		return NULL;
	for (i = h & syms.mask; (s = syms.slot[i]) != NULL;
	    i = (i + 1) & syms.mask) {
		if (s->hash == h && s->len == len && memcmp(s->name, p, len) == 0)
			return s;
	}
	return NULL;
}

const struct core_sym *
core_sym_intern(const char *p, size_t len)
{
	uint64_t h = core_hash(p, len, SEED);
	struct core_sym *s;
	size_t i;

	if (len > UINT32_MAX)
		return NULL;
	if ((syms.n + 1) * 2 > syms.mask + 1)
		table_grow(&syms, sym_hashof);
	for (i = h & syms.mask; (s = syms.slot[i]) != NULL;
	    i = (i + 1) & syms.mask) {
		if (s->hash == h && s->len == len && memcmp(s->name, p, len) == 0)
			return s;
	}
	if (nsyms >= CORE_MAX_SYMS)
		return NULL;
	s = core_xmalloc(sizeof(*s) + len + 1);
	s->id = nsyms++;
	s->len = (uint32_t)len;
	s->hash = h;
	if (len)
		memcpy(s->name, p, len);
	s->name[len] = '\0';
	syms.slot[i] = s;
	syms.n++;
	return s;
}

const struct core_sym *
core_sym_str(const char *s)
{
	return core_sym_intern(s, strlen(s));
}

static uint64_t
list_hash(const struct core_sym *const *f, uint32_t n)
{
	uint64_t h = SEED ^ n;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = core_hash_mix(h ^ f[i]->id, 0x9e3779b97f4a7c15ULL);
	return h;
}

static int
distinct(const struct core_sym *const *f, uint32_t n)
{
	uint32_t i, j;

	if (n <= 32) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (f[i] == f[j])
					return 0;
		return 1;
	}
	/* Larger lists: mark symbol ids in a scratch bitmap. */
	{
		uint32_t maxid = 0;
		unsigned char *seen;
		int ok = 1;

		for (i = 0; i < n; i++)
			if (f[i]->id > maxid)
				maxid = f[i]->id;
		seen = core_xcalloc(maxid / 8 + 1, 1);
		for (i = 0; i < n && ok; i++) {
			if (seen[f[i]->id / 8] & (1u << (f[i]->id % 8)))
				ok = 0;
			seen[f[i]->id / 8] |= (unsigned char)(1u << (f[i]->id % 8));
		}
		free(seen);
		return ok;
	}
}

const struct core_schema *
core_schema_intern(const struct core_sym *const *f, uint32_t n)
{
	uint64_t h;
	struct core_schema *s;
	size_t i;

	if (n > CORE_MAX_FIELDS)
		return NULL;
	h = list_hash(f, n);
	if ((schemas.n + 1) * 2 > schemas.mask + 1)
		table_grow(&schemas, schema_hashof);
	for (i = h & schemas.mask; (s = schemas.slot[i]) != NULL;
	    i = (i + 1) & schemas.mask) {
		if (s->hash == h && s->n == n && (n == 0 ||
		    memcmp(s->f, f, n * sizeof(*f)) == 0))
			return s;
	}
	if (nschemas >= CORE_MAX_SCHEMAS || !distinct(f, n))
		return NULL;
	s = core_xcalloc(1, sizeof(*s) + n * sizeof(*f));
	s->id = nschemas++;
	s->n = n;
	s->hash = h;
	if (n)
		memcpy(s->f, f, n * sizeof(*f));
	schemas.slot[i] = s;
	schemas.n++;
	return s;
}

const struct core_schema *
core_schema_empty(void)
{
	if (empty == NULL)
		empty = core_schema_intern(NULL, 0);
	return empty;
}

int
core_schema_find(const struct core_schema *s, const struct core_sym *sym)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (s->f[i] == sym)
			return (int)i;
	return -1;
}

const struct core_schema *
core_schema_append(const struct core_schema *s, const struct core_sym *sym)
{
	struct append_memo *m = &memo[(s->id * 31u + sym->id) & 255];
	const struct core_sym **f;
	const struct core_schema *r;

	if (m->from == s && m->sym == sym)
		return m->to;
	f = core_xmalloc((s->n + 1) * sizeof(*f));
	memcpy(f, s->f, s->n * sizeof(*f));
	f[s->n] = sym;
	r = core_schema_intern(f, s->n + 1);
	free(f);
	if (r) {
		m->from = s;
		m->sym = sym;
		m->to = r;
	}
	return r;
}

uint32_t
core_schema_count(void)
{
	return nschemas;
}

void
core_fieldref_init(struct core_fieldref *r, const char *name)
{
	r->sym = core_sym_str(name);
	r->schema = NULL;
	r->idx = -1;
}
