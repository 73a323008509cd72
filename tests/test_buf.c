/* SPDX-License-Identifier: MIT */
/* Tests for byte buffers, arenas, option lists, hashing and held output. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "libcore/arena.h"
#include "libcore/buf.h"
#include "libcore/cli.h"
#include "libcore/hash.h"
#include "libcore/out.h"

Test(buf, grows_and_stays_terminated)
{
	struct core_buf b = CORE_BUF_INIT;
	int i;

	cr_expect_str_eq(core_buf_str(&b), "");
	for (i = 0; i < 1000; i++)
		core_buf_addf(&b, "%d,", i);
	cr_expect_eq(b.p[b.len], '\0');
	cr_expect_eq(strncmp(b.p, "0,1,2,", 6), 0);
	core_buf_reset(&b);
	cr_expect_eq(b.len, 0);
	cr_expect_str_eq(core_buf_str(&b), "");
	core_buf_add(&b, "a\0b", 3);
	cr_expect_eq(b.len, 3);
	core_buf_release(&b);
}

Test(buf, detach_hands_over_ownership)
{
	struct core_buf b = CORE_BUF_INIT;
	size_t n;
	char *s;

	core_buf_addstr(&b, "hello");
	s = core_buf_detach(&b, &n);
	cr_expect_str_eq(s, "hello");
	cr_expect_eq(n, 5);
	cr_expect_null(b.p);
	free(s);
}

Test(arena, allocations_are_aligned_and_distinct)
{
	struct core_arena a;
	char *p[1000];
	int i;

	core_arena_init(&a);
	for (i = 0; i < 1000; i++) {
		p[i] = core_arena_alloc(&a, (size_t)i * 7 + 1);
		cr_assert_eq((uintptr_t)p[i] % 16, 0);
		memset(p[i], i & 0xff, (size_t)i * 7 + 1);
	}
	for (i = 0; i < 1000; i++)
		cr_assert_eq((unsigned char)p[i][i * 7], (unsigned char)i);
	core_arena_reset(&a);
	cr_expect_str_eq(core_arena_dup(&a, "abc", 3), "abc");
	/* A large block is fine too. */
	memset(core_arena_alloc(&a, 10 << 20), 1, 10 << 20);
	core_arena_release(&a);
}

/* A reset starts the arena's chunk again: a steady load reuses the same
 * memory (one chunk: the fast path; several: the biggest is kept). */
Test(arena, reset_reuses_the_memory)
{
	struct core_arena a;
	char *first, *p;
	int i;

	core_arena_init(&a);
	first = core_arena_alloc(&a, 100);
	for (i = 0; i < 3; i++) {
		core_arena_alloc(&a, 1000);
		core_arena_reset(&a);
		p = core_arena_alloc(&a, 100);
		cr_assert_eq(p, first, "round %d: the chunk was not reused", i);
	}
	/* Grow to a second, bigger chunk: after the reset, that one. */
	core_arena_alloc(&a, 1 << 20);
	core_arena_reset(&a);
	p = core_arena_alloc(&a, 100);
	cr_assert_neq(p, first);
	memset(core_arena_alloc(&a, (1 << 20) - 200), 7, (1 << 20) - 200);
	core_arena_reset(&a);
	cr_assert_eq(core_arena_alloc(&a, 100), p);
	core_arena_release(&a);
}

Test(cli, split_list)
{
	size_t n;
	char **v = core_split_list("a,,b", &n);

	cr_assert_eq(n, 3);
	cr_expect_str_eq(v[0], "a");
	cr_expect_str_eq(v[1], "");
	cr_expect_str_eq(v[2], "b");
	cr_expect_null(v[3]);
	core_free_list(v);
}

Test(hash, spreads_similar_keys)
{
	uint64_t h1 = core_hash("key1", 4, 0), h2 = core_hash("key2", 4, 0);
	int bits = __builtin_popcountll(h1 ^ h2);

	cr_expect_neq(h1, h2);
	cr_expect_gt(bits, 16);
	cr_expect_eq(core_hash("key1", 4, 0), h1);
	cr_expect_neq(core_hash("", 0, 0), core_hash("\0", 1, 0));
}

/* ---- core_out hold ------------------------------------------------------ */

Test(out, hold_keeps_everything_until_released)
{
	struct core_out o;
	char big[100000], back[300001];
	int pfd[2];
	size_t i, got = 0;
	ssize_t n;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	cr_assert_eq(pipe(pfd), 0);
	core_out_init(&o, pfd[1], "pipe");
	o.hold = 1;
	/* More than the buffer's first size: it grows, nothing is written. */
	for (i = 0; i < 3; i++)
		core_out_write(&o, big, sizeof(big));
	cr_assert_eq(core_out_flush(&o), 0);
	cr_assert_eq(core_out_pending(&o), 3 * sizeof(big));
	cr_assert_eq(o.total, 0);
	cr_assert_geq(o.cap, 3 * sizeof(big));
	/* Released: one flush writes it all, in order. */
	o.hold = 0;
	cr_assert_eq(fcntl(pfd[1], F_SETPIPE_SZ, 1 << 20) > 0, 1);
	cr_assert_eq(core_out_flush(&o), 0);
	cr_assert_eq(o.total, 3 * sizeof(big));
	close(pfd[1]);
	while ((n = read(pfd[0], back + got, sizeof(back) - got)) > 0)
		got += (size_t)n;
	cr_assert_eq(got, 3 * sizeof(big));
	for (i = 0; i < 3; i++)
		cr_assert_eq(memcmp(back + i * sizeof(big), big, sizeof(big)),
		    0);
	o.fd = -1;
	core_out_release(&o);
	close(pfd[0]);
}
