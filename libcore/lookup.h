/* SPDX-License-Identifier: MIT */
/* Lookup tables: a file of records loaded into memory, found by key. */
#ifndef CORE_LOOKUP_H
#define CORE_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/kmap.h"
#include "libcore/rec.h"

/*
 * A table is read whole (CSV, TSV, NDJSON or frames: by the file name's
 * extension, else sniffed) and kept as copies of its records, indexed by
 * the text of its key fields (core_key_text).  Loading is strict: a bad
 * record, or a row without its key, rejects the whole file, so that a
 * half-written new version never replaces a good one.
 */
struct core_lookup;

/* New, or NULL with a message "FILE:LINE: reason" in err. */
struct core_lookup *core_lookup_load(const char *path,
    struct core_keyspec *key, int no_infer, char *err, size_t errn);
void core_lookup_free(struct core_lookup *t);

/* The rows whose key is keys[0..n) (already text, core_key_text); *n
 * rows, borrowed until the table is freed. */
struct core_rec *const *core_lookup_get(struct core_lookup *t,
    const struct core_value *keys, size_t *n);
/* The shape of the table's rows (the first row's), for null padding. */
const struct core_schema *core_lookup_schema(const struct core_lookup *t);
size_t core_lookup_rows(const struct core_lookup *t);
size_t core_lookup_bytes(const struct core_lookup *t);

#endif
