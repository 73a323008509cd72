/* SPDX-License-Identifier: MIT */
/* Lookup tables: a file of records loaded into memory, found by key. */
#include "libcore/lookup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/arena.h"
#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/xalloc.h"

/* A key's rows: most keys have one, kept inline. */
struct rows {
	struct core_rec *one;
	struct core_rec **r;
	size_t n, cap;
};

struct core_lookup {
	struct core_kmap *map;
	struct core_arena rows_mem;  /* the rows, in file order */
	const struct core_schema *schema;
	size_t rows;
	size_t bytes;
	size_t nkeys;
};

static const char *
format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return "auto";
	if (strcmp(dot, ".csv") == 0)
		return "csv";
	if (strcmp(dot, ".tsv") == 0 || strcmp(dot, ".tab") == 0)
		return "tsv";
	if (strcmp(dot, ".ndjson") == 0 || strcmp(dot, ".jsonl") == 0 ||
	    strcmp(dot, ".json") == 0)
		return "ndjson";
	return "auto";
}

static void
rows_free(void *user)
{
	struct rows *rs = user;

	free(rs->r);    /* the rows themselves are in the arena */
}

struct core_lookup *
core_lookup_load(const char *path, struct core_keyspec *key, int no_infer,
    char *err, size_t errn)
{
	struct core_decopts o = { .format = format_of(path),
		.no_infer = no_infer };
	struct core_lookup *t;
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;
	struct core_value *kv, *kt;
	struct core_buf kb = CORE_BUF_INIT;
	enum core_ev k;
	int created, ok = 1;

	if (core_input_open(&in, path, 0, 0, 0) < 0) {
		snprintf(err, errn, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	d = core_dec_new(&in, &o);
	t = core_xcalloc(1, sizeof(*t));
	t->nkeys = key->n;
	t->map = core_kmap_new(key->n, sizeof(struct rows));
	core_arena_init(&t->rows_mem);
	kv = core_xcalloc(key->n + 1, sizeof(*kv));
	kt = core_xcalloc(key->n + 1, sizeof(*kt));
	for (;;) {
		k = core_dec_next(d, &ev);
		if (k == CORE_EV_NONE) {
			if (core_input_fill(&in) < 0) {
				snprintf(err, errn, "%s: read error: %s", path,
				    strerror(errno));
				ok = 0;
				break;
			}
			continue;
		}
		if (k == CORE_EV_EOF)
			break;
		if (k == CORE_EV_BAD) {
			if (ev.line)
				snprintf(err, errn, "%s:%llu: %s", path,
				    (unsigned long long)ev.line, ev.reason);
			else
				snprintf(err, errn, "%s: byte %llu: %s", path,
				    (unsigned long long)ev.off, ev.reason);
			ok = 0;
			break;
		}
		if (k != CORE_EV_REC)
			continue;
		core_key_vals(key, &ev.rec, kv);
		if (core_key_text(kv, key->n, kt, &kb) < 0) {
			snprintf(err, errn, "%s:%llu: no value for the key '%s'",
			    path, (unsigned long long)ev.line, key->names[0]);
			ok = 0;
			break;
		}
		{
			struct rows *rs = core_kmap_get(t->map,
			    core_key_hash(kt, key->n), kt, &created);
			struct core_rec *c = core_arena_alloc(&t->rows_mem,
			    sizeof(*c));

			core_rec_copy_to(c, &ev.rec, &t->rows_mem);
			if (rs->n == 0) {
				rs->one = c;
			} else {
				rs->r = core_xgrow(rs->r, &rs->cap, rs->n + 1,
				    sizeof(*rs->r));
				if (rs->n == 1)
					rs->r[0] = rs->one;
				rs->r[rs->n] = c;
			}
			rs->n++;
			if (t->schema == NULL)
				t->schema = c->schema;
			t->rows++;
			t->bytes += sizeof(*c) + c->schema->n *
			    sizeof(struct core_value);
			{
				size_t i;

				for (i = 0; i < c->schema->n; i++)
					if (c->v[i].type == CORE_STR ||
					    c->v[i].type == CORE_JSON ||
					    (c->v[i].flags & CORE_VF_TEXT))
						t->bytes += c->v[i].len;
			}
		}
	}
	free(kv);
	free(kt);
	core_buf_release(&kb);
	core_dec_free(d);
	core_input_close(&in);
	if (!ok) {
		core_lookup_free(t);
		return NULL;
	}
	return t;
}

void
core_lookup_free(struct core_lookup *t)
{
	if (t == NULL)
		return;
	core_kmap_free(t->map, rows_free);
	core_arena_release(&t->rows_mem);
	free(t);
}

struct core_rec *const *
core_lookup_get(struct core_lookup *t, const struct core_value *keys,
    size_t *n)
{
	struct rows *rs = core_kmap_find(t->map, core_key_hash(keys, t->nkeys),
	    keys);

	*n = rs ? rs->n : 0;
	if (rs == NULL)
		return NULL;
	return rs->n == 1 ? &rs->one : rs->r;
}

const struct core_schema *
core_lookup_schema(const struct core_lookup *t)
{
	return t->schema ? t->schema : core_schema_empty();
}

size_t
core_lookup_rows(const struct core_lookup *t)
{
	return t->rows;
}

size_t
core_lookup_bytes(const struct core_lookup *t)
{
	return t->bytes + core_kmap_bytes(t->map);
}
