/* SPDX-License-Identifier: MIT */
/* A bump allocator for per-batch parsing, reset after the batch is emitted. */
#include "libcore/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/xalloc.h"

struct core_arena_chunk {
	struct core_arena_chunk *next;
	size_t size;
	_Alignas(16) char data[];
};

#define CHUNK_MIN (64 * 1024)

void
core_arena_init(struct core_arena *a)
{
	a->head = NULL;
	a->cur = a->end = NULL;
}

void
core_arena_release(struct core_arena *a)
{
	struct core_arena_chunk *c, *n;

	for (c = a->head; c; c = n) {
		n = c->next;
		free(c);
	}
	core_arena_init(a);
}

void
core_arena_reset(struct core_arena *a)
{
	struct core_arena_chunk *c, *n, *keep = NULL;

	/* One chunk (the steady state): start it again. */
	if (a->head && a->head->next == NULL) {
		a->cur = a->head->data;
		return;
	}
	/* Keep the biggest chunk so that a steady load stops allocating. */
	for (c = a->head; c; c = n) {
		n = c->next;
		if (keep == NULL || c->size > keep->size) {
			free(keep);
			keep = c;
		} else {
			free(c);
		}
	}
	a->head = keep;
	if (keep) {
		keep->next = NULL;
		a->cur = keep->data;
		a->end = keep->data + keep->size;
	} else {
		a->cur = a->end = NULL;
	}
}

void *
core_arena_alloc(struct core_arena *a, size_t n)
{
	struct core_arena_chunk *c;
	size_t size;
	char *p;

	n = (n + 15) & ~(size_t)15;
	if ((size_t)(a->end - a->cur) >= n && a->cur) {
		p = a->cur;
		a->cur += n;
		return p;
	}
	size = n > CHUNK_MIN ? n : CHUNK_MIN;
	if (a->head && a->head->size * 2 > size && a->head->size < 16 << 20)
		size = a->head->size * 2;
	c = core_xmalloc(sizeof(*c) + size);
	c->size = size;
	c->next = a->head;
	a->head = c;
	a->cur = c->data + n;
	a->end = c->data + size;
	return c->data;
}

char *
core_arena_dup(struct core_arena *a, const void *p, size_t n)
{
	char *q = core_arena_alloc(a, n + 1);

	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}
