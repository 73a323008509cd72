/* SPDX-License-Identifier: MIT */
/* Group keys: reading key fields from records, and maps keyed by them. */
#include "libcore/kmap.h"

#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/cli.h"
#include "libcore/fmt.h"
#include "libcore/hash.h"
#include "libcore/xalloc.h"

int
core_keyspec_init(struct core_keyspec *k, const char *list)
{
	size_t i;

	k->names = core_split_list(list, &k->n);
	k->f = core_xcalloc(k->n + 1, sizeof(*k->f));
	for (i = 0; i < k->n; i++) {
		if (k->names[i][0] == '\0') {
			core_keyspec_release(k);
			return -1;
		}
		core_fieldref_init(&k->f[i], k->names[i]);
	}
	return 0;
}

void
core_keyspec_release(struct core_keyspec *k)
{
	free(k->f);
	core_free_list(k->names);
	memset(k, 0, sizeof(*k));
}

uint64_t
core_key_hash(const struct core_value *vals, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = core_hash_mix(h ^ core_value_hash(&vals[i]),
		    0xbf58476d1ce4e5b9ULL);
	return h;
}

void
core_key_vals(struct core_keyspec *k, const struct core_rec *r,
    struct core_value *vals)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		const struct core_value *v = core_rec_getref(r, &k->f[i]);

		vals[i] = v ? *v : core_v_null();
	}
}

uint64_t
core_key_get(struct core_keyspec *k, const struct core_rec *r,
    struct core_value *vals)
{
	core_key_vals(k, r, vals);
	return core_key_hash(vals, k->n);
}

int
core_key_cmp(const struct core_value *a, const struct core_value *b,
    size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++)
		if ((c = core_value_cmp(&a[i], &b[i])) != 0)
			return c;
	return 0;
}

/* An entry: header, user area, then the key values and their bytes. */
struct entry {
	uint64_t hash;
	struct entry *next;
	_Alignas(16) unsigned char user[];    /* then the key values */
};

struct core_kmap {
	struct entry **slot;
	size_t mask;
	size_t n;
	size_t nkeys;
	size_t user_size;
	size_t bytes;
};

#define ENTRY_OF(u) ((struct entry *)((unsigned char *)(u) - \
	offsetof(struct entry, user)))
/* An entry's key values, after its user area. */
#define KEYS_OF(m, e) ((struct core_value *)(void *)((e)->user + \
	(m)->user_size))

struct core_kmap *
core_kmap_new(size_t nkeys, size_t user_size)
{
	struct core_kmap *m = core_xcalloc(1, sizeof(*m));

	m->nkeys = nkeys;
	m->user_size = (user_size + 15) & ~(size_t)15;
	m->mask = 63;
	m->slot = core_xcalloc(m->mask + 1, sizeof(*m->slot));
	return m;
}

void
core_kmap_free(struct core_kmap *m, void (*fn)(void *user))
{
	struct entry *e, *next;
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i <= m->mask; i++) {
		for (e = m->slot[i]; e; e = next) {
			next = e->next;
			if (fn)
				fn(e->user);
			free(e);
		}
	}
	free(m->slot);
	free(m);
}

static int
has_bytes(const struct core_value *v)
{
	return v->type == CORE_STR || v->type == CORE_JSON ||
	    (v->type == CORE_DOUBLE && (v->flags & CORE_VF_TEXT));
}

static void
grow(struct core_kmap *m)
{
	size_t ncap = (m->mask + 1) * 2, i;
	struct entry **ns = core_xcalloc(ncap, sizeof(*ns)), *e, *next;

	for (i = 0; i <= m->mask; i++) {
		for (e = m->slot[i]; e; e = next) {
			next = e->next;
			e->next = ns[e->hash & (ncap - 1)];
			ns[e->hash & (ncap - 1)] = e;
		}
	}
	free(m->slot);
	m->slot = ns;
	m->mask = ncap - 1;
}

void *
core_kmap_find(struct core_kmap *m, uint64_t hash,
    const struct core_value *vals)
{
	struct entry *e;

	for (e = m->slot[hash & m->mask]; e; e = e->next)
		if (e->hash == hash && core_key_eq(KEYS_OF(m, e), vals,
		    m->nkeys))
			return e->user;
	return NULL;
}

/* What malloc takes for n bytes (glibc: a word of header, 16-byte
 * steps), so that --stats tells the memory used, not asked for. */
static size_t
chunk(size_t n)
{
	n = (n + 8 + 15) & ~(size_t)15;
	return n < 32 ? 32 : n;
}

/* A new entry for vals: out of line, so that finding one needs no
 * stack frame. */
static __attribute__((noinline)) void *
insert(struct core_kmap *m, uint64_t hash, const struct core_value *vals,
    int *created)
{
	struct entry *e;
	struct core_value *keys;
	size_t bytes = 0, i, size;
	char *p;

	for (i = 0; i < m->nkeys; i++)
		if (has_bytes(&vals[i]))
			bytes += vals[i].len;
	size = sizeof(*e) + m->user_size + m->nkeys *
	    sizeof(struct core_value) + bytes;
	e = core_xcalloc(1, size);
	e->hash = hash;
	keys = KEYS_OF(m, e);
	p = (char *)(keys + m->nkeys);
	for (i = 0; i < m->nkeys; i++) {
		keys[i] = vals[i];
		if (has_bytes(&vals[i])) {
			if (vals[i].len)
				memcpy(p, vals[i].u.s, vals[i].len);
			keys[i].u.s = p;
			p += vals[i].len;
		}
	}
	if (m->n + 1 > (m->mask + 1))
		grow(m);
	e->next = m->slot[hash & m->mask];
	m->slot[hash & m->mask] = e;
	m->n++;
	m->bytes += chunk(size);
	*created = 1;
	return e->user;
}

void *
core_kmap_get(struct core_kmap *m, uint64_t hash,
    const struct core_value *vals, int *created)
{
	struct entry *e;

	for (e = m->slot[hash & m->mask]; e; e = e->next) {
		if (e->hash == hash && core_key_eq(KEYS_OF(m, e), vals,
		    m->nkeys)) {
			*created = 0;
			return e->user;
		}
	}
	return insert(m, hash, vals, created);
}

/* What an entry took, as core_kmap_get counted it. */
static size_t
entry_size(const struct core_kmap *m, const struct entry *e)
{
	const struct core_value *k = KEYS_OF(m, e);
	size_t size = sizeof(*e) + m->user_size + m->nkeys *
	    sizeof(struct core_value), i;

	for (i = 0; i < m->nkeys; i++)
		if (has_bytes(&k[i]))
			size += k[i].len;
	return size;
}

void
core_kmap_del(struct core_kmap *m, void *user)
{
	struct entry *e = ENTRY_OF(user), **pp;

	for (pp = &m->slot[e->hash & m->mask]; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			m->n--;
			m->bytes -= chunk(entry_size(m, e));
			free(e);
			return;
		}
	}
}

const struct core_value *
core_kmap_keys(const struct core_kmap *m, const void *user)
{
	return KEYS_OF(m, ENTRY_OF(user));
}

size_t
core_kmap_len(const struct core_kmap *m)
{
	return m->n;
}

size_t
core_kmap_bytes(const struct core_kmap *m)
{
	return m->bytes + (m->mask + 1) * sizeof(*m->slot);
}

void **
core_kmap_all(const struct core_kmap *m, size_t *n)
{
	void **v = core_xcalloc(m->n + 1, sizeof(*v));
	struct entry *e;
	size_t i, k = 0;

	for (i = 0; i <= m->mask; i++)
		for (e = m->slot[i]; e; e = e->next)
			v[k++] = e->user;
	*n = k;
	return v;
}

int
core_key_text(const struct core_value *in, size_t n, struct core_value *out,
    struct core_buf *b)
{
	size_t i, stack[8], *off = n <= 8 ? stack : core_xcalloc(n,
	    sizeof(*off));
	double d;

	core_buf_reset(b);
	for (i = 0; i < n; i++) {
		const struct core_value *v = &in[i];

		off[i] = (size_t)-1;
		switch (v->type) {
		case CORE_NULL:
			if (off != stack)
				free(off);
			return -1;
		case CORE_STR:
			out[i] = *v;    /* its own text, borrowed */
			continue;
		case CORE_DOUBLE:
			off[i] = b->len;
			d = core_value_double(v);
			if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d) {
				char num[24];

				core_buf_add(b, num, (size_t)(core_fmt_i64(num,
				    (int64_t)d) - num));
			} else {
				char num[CORE_DBL_BUFSZ];

				core_buf_add(b, num, core_double_format(d, num));
			}
			break;
		default:
			off[i] = b->len;
			core_value_text(b, v);
			break;
		}
		out[i].len = (uint32_t)(b->len - off[i]);
	}
	for (i = 0; i < n; i++)
		if (off[i] != (size_t)-1)
			out[i] = core_v_str(b->p ? b->p + off[i] : "", out[i].len);
	if (off != stack)
		free(off);
	return 0;
}
