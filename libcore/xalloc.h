/* SPDX-License-Identifier: MIT */
/* Allocation that never returns NULL: out of memory aborts the tool. */
#ifndef CORE_XALLOC_H
#define CORE_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

/*
 * Out of memory is the one error the library does not return: the tool
 * prints "PROG: out of memory" and exits with status 3.  All return new
 * memory owned by the caller.
 */
void *core_xmalloc(size_t n);
void *core_xcalloc(size_t nmemb, size_t size);
void *core_xrealloc(void *p, size_t n);
/* Grows an array of *cap elements of size sz to hold at least need. */
void *core_xgrow(void *p, size_t *cap, size_t need, size_t sz);
char *core_xstrdup(const char *s);
char *core_xmemdup(const void *p, size_t n);  /* adds a NUL */

/* qsort that takes an empty array as NULL (qsort's base must not be). */
static inline void
core_sort(void *base, size_t n, size_t sz, int (*cmp)(const void *,
    const void *))
{
	if (n > 1)
		qsort(base, n, sz, cmp);
}

#endif
