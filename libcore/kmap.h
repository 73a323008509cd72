/* SPDX-License-Identifier: MIT */
/* Group keys: reading key fields from records, and maps keyed by them. */
#ifndef CORE_KMAP_H
#define CORE_KMAP_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/hash.h"
#include "libcore/rec.h"

/* The fields a tool groups by (-g, --by, --on). */
struct core_keyspec {
	size_t n;
	struct core_fieldref *f;
	char **names;
};

/* Reads "a,b,c".  Returns 0, or -1 for an empty name. */
int core_keyspec_init(struct core_keyspec *k, const char *list);
void core_keyspec_release(struct core_keyspec *k);

/*
 * The key of r: its values of the key fields into vals[0..k->n) (NULL
 * where a field is missing), borrowed from r.  Returns their hash, which
 * is the same for equal tuples (core_value_eq).
 */
uint64_t core_key_get(struct core_keyspec *k, const struct core_rec *r,
    struct core_value *vals);
uint64_t core_key_hash(const struct core_value *vals, size_t n);
/* The values alone, not hashed (for keys hashed after core_key_text). */
void core_key_vals(struct core_keyspec *k, const struct core_rec *r,
    struct core_value *vals);
/* Key tuples equal by core_value_eq, field by field (ints, times and
 * strings of the same type compared here, without a call). */
static inline int
core_key_eq(const struct core_value *a, const struct core_value *b,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i].type != b[i].type) {
			if (!core_value_eq(&a[i], &b[i]))
				return 0;
		} else if (a[i].type == CORE_INT || a[i].type == CORE_TIME) {
			if (a[i].u.i != b[i].u.i)
				return 0;
		} else if (a[i].type == CORE_STR) {
			if (a[i].len != b[i].len || !core_hash_eq(a[i].u.s,
			    b[i].u.s, a[i].len))
				return 0;
		} else if (!core_value_eq(&a[i], &b[i])) {
			return 0;
		}
	}
	return 1;
}

/* Compares key tuples with core_value_cmp, field by field. */
int core_key_cmp(const struct core_value *a, const struct core_value *b,
    size_t n);

/*
 * Join keys compare by text: ints, integral doubles and strings of the
 * same digits are one key (5, 5.0 and "5" join; "05" does not), other
 * numbers by their shortest exact spelling, bools as true/false, times as
 * RFC 3339.  NULL never joins (SQL: NULL = NULL is not true).  Writes
 * STR values into out[0..n), their bytes in b (reset here); returns -1
 * when a key is NULL.
 */
struct core_buf;
int core_key_text(const struct core_value *in, size_t n,
    struct core_value *out, struct core_buf *b);

/*
 * A hash map from key tuples of nkeys values to entries with a user area
 * of user_size bytes (zeroed when created).  Entries own copies of their
 * keys.  Pointers to user areas stay valid until the entry is deleted.
 */
struct core_kmap;

struct core_kmap *core_kmap_new(size_t nkeys, size_t user_size);
/* Frees every entry; call fn (if not NULL) on each user area first. */
void core_kmap_free(struct core_kmap *m, void (*fn)(void *user));

/* The user area for vals, created if absent (*created set to 1). */
void *core_kmap_get(struct core_kmap *m, uint64_t hash,
    const struct core_value *vals, int *created);
/* The user area for vals, or NULL. */
void *core_kmap_find(struct core_kmap *m, uint64_t hash,
    const struct core_value *vals);
void core_kmap_del(struct core_kmap *m, void *user);
/* The key of an entry (borrowed, valid while the entry lives). */
const struct core_value *core_kmap_keys(const struct core_kmap *m,
    const void *user);
size_t core_kmap_len(const struct core_kmap *m);
/* Bytes held for entries and table, for --stats. */
size_t core_kmap_bytes(const struct core_kmap *m);
/* Every user area, in no particular order, into a new array (free it). */
void **core_kmap_all(const struct core_kmap *m, size_t *n);

#endif
