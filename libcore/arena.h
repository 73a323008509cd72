/* SPDX-License-Identifier: MIT */
/* A bump allocator for per-batch parsing, reset after the batch is emitted. */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include <stddef.h>

struct core_arena_chunk;

/*
 * Memory handed out stays valid until core_arena_reset or
 * core_arena_release; reset keeps the largest chunk for reuse.
 */
struct core_arena {
	struct core_arena_chunk *head;
	char *cur;
	char *end;
};

void core_arena_init(struct core_arena *a);
void core_arena_release(struct core_arena *a);
void core_arena_reset(struct core_arena *a);
/* Borrowed until reset: n bytes aligned for any scalar. */
void *core_arena_alloc(struct core_arena *a, size_t n);
/* Borrowed until reset: a copy of p[0..n) with a NUL after it. */
char *core_arena_dup(struct core_arena *a, const void *p, size_t n);

#endif
