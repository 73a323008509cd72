/* SPDX-License-Identifier: MIT */
/* Tests for window arithmetic: alignment, offsets, negative times, hops. */
#include <criterion/criterion.h>
#include <stdint.h>

#include <string.h>

#include "libcore/window.h"
#include "tests/rng.h"

#define S 1000000000LL

static struct core_winspec
spec(int64_t size, int64_t slide, int64_t offset)
{
	struct core_winspec w;
	const char *why;

	cr_assert_eq(core_winspec_init(&w, size, slide, offset, &why), 0);
	return w;
}

Test(window, tumbling_is_half_open_and_epoch_aligned)
{
	struct core_winspec w = spec(10 * S, 10 * S, 0);
	struct core_window out[4];

	cr_assert_eq(core_win_assign(&w, 0, out, 4), 1);
	cr_expect_eq(out[0].start, 0);
	cr_expect_eq(out[0].end, 10 * S);
	cr_assert_eq(core_win_assign(&w, 10 * S - 1, out, 4), 1);
	cr_expect_eq(out[0].start, 0);
	cr_assert_eq(core_win_assign(&w, 10 * S, out, 4), 1);
	cr_expect_eq(out[0].start, 10 * S);
	cr_expect_eq(out[0].retain, CORE_WM_MIN);
}

Test(window, negative_times_floor_not_truncate)
{
	struct core_winspec w = spec(10 * S, 10 * S, 0);
	struct core_window out[1];

	core_win_assign(&w, -1, out, 1);
	cr_expect_eq(out[0].start, -10 * S);
	cr_expect_eq(out[0].end, 0);
	core_win_assign(&w, -10 * S, out, 1);
	cr_expect_eq(out[0].start, -10 * S);
	core_win_assign(&w, -10 * S - 1, out, 1);
	cr_expect_eq(out[0].start, -20 * S);
}

Test(window, offset_shifts_the_grid)
{
	struct core_winspec w = spec(3600 * S, 3600 * S, 1800 * S);
	struct core_window out[1];

	core_win_assign(&w, 0, out, 1);
	cr_expect_eq(out[0].start, -1800 * S);
	core_win_assign(&w, 1800 * S, out, 1);
	cr_expect_eq(out[0].start, 1800 * S);
	/* An offset larger than the slide is taken modulo the slide. */
	w = spec(10 * S, 10 * S, 25 * S);
	cr_expect_eq(w.offset, 5 * S);
	w = spec(10 * S, 10 * S, -3 * S);
	cr_expect_eq(w.offset, 7 * S);
}

Test(window, hopping_puts_a_time_in_every_covering_window)
{
	struct core_winspec w = spec(60 * S, 20 * S, 0);
	struct core_window out[8];
	size_t n = core_win_assign(&w, 65 * S, out, 8);

	cr_assert_eq(n, 3);
	cr_expect_eq(out[0].start, 20 * S);
	cr_expect_eq(out[1].start, 40 * S);
	cr_expect_eq(out[2].start, 60 * S);
	cr_expect_eq(out[2].end, 120 * S);
	cr_expect_eq(core_win_per_time(&w), 3);
	/* On a boundary: the window ending there is excluded. */
	n = core_win_assign(&w, 60 * S, out, 8);
	cr_assert_eq(n, 3);
	cr_expect_eq(out[0].start, 20 * S);
}

Test(window, uneven_hop_gives_one_or_two_windows)
{
	struct core_winspec w = spec(15 * S, 10 * S, 0);
	struct core_window out[4];

	cr_expect_eq(core_win_assign(&w, 12 * S, out, 4), 2);
	cr_expect_eq(core_win_assign(&w, 17 * S, out, 4), 1);
	cr_expect_eq(out[0].start, 10 * S);
}

Test(window, extremes_do_not_overflow)
{
	struct core_winspec w = spec(10 * S, 10 * S, 0);
	struct core_window out[2];

	cr_assert_eq(core_win_assign(&w, INT64_MAX, out, 2), 1);
	cr_expect_eq(out[0].end, INT64_MAX);
	cr_expect_leq(out[0].start, INT64_MAX);
	cr_assert_eq(core_win_assign(&w, INT64_MIN, out, 2), 1);
	cr_expect_leq(out[0].start, INT64_MIN + 10 * S);
	cr_expect_gt(out[0].end, INT64_MIN);
}

Test(window, bad_specs_are_refused)
{
	struct core_winspec w;
	const char *why;

	cr_expect_eq(core_winspec_init(&w, 0, 0, 0, &why), -1);
	cr_expect_eq(core_winspec_init(&w, 10, 20, 0, &why), -1);
	cr_expect_eq(core_winspec_init(&w, 10, -1, 0, &why), -1);
}

/* The memo gives what core_win_assign gives, for every kind of spec and
 * walk of times: in order, jumping back within and across windows, and
 * near both ends of the int64 range. */
Test(window, the_memo_answers_as_the_arithmetic)
{
	static const int64_t specs[][3] = {
		{ 10, 10, 0 }, { 10, 10, 3 }, { 10, 5, 0 }, { 10, 3, 1 },
		{ 7, 2, 1 }, { 1, 1, 0 }, { 100, 33, 7 }, { 64, 4, 0 },
		{ 10 * S, 10 * S, 0 }, { 60 * S, 7 * S, 5 * S },
		{ INT64_MAX / 2, INT64_MAX / 3, 5 },
	};
	uint64_t st = 42;
	size_t k;

	for (k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		struct core_winspec w = spec(specs[k][0], specs[k][1],
		    specs[k][2]);
		struct core_winmemo m;
		struct core_window a[64], b[64];
		size_t per = core_win_per_time(&w), na, nb, i, j;
		int64_t t, bases[3] = { 0, INT64_MIN, INT64_MAX - 3000 };
		int hits = 0;

		memset(&m, 0, sizeof(m));
		for (j = 0; j < 3; j++) {
			t = bases[j];
			for (i = 0; i < 3000; i++) {
				uint64_t r = rnd(&st);

				int64_t span = specs[k][0] < 1000000 ?
				    specs[k][0] : 1000000, d, t2;

				/* Mostly small steps forward, some back. */
				if (r % 8 == 0)
					d = -((int64_t)(r >> 40) % (3 * span + 1));
				else
					d = (int64_t)(r >> 40) % 3;
				if (__builtin_add_overflow(t, d, &t2))
					t2 = d < 0 ? INT64_MIN : INT64_MAX;
				t = t2;
				if (j == 0 && r % 97 == 0)
					t = (int64_t)r;
				if (t >= m.lo && t < m.hi)
					hits++;
				na = core_win_assign(&w, t, a, per);
				nb = core_win_assign_memo(&w, &m, t, b, per);
				cr_assert_eq(na, nb, "spec %zu t %lld", k,
				    (long long)t);
				cr_assert_eq(memcmp(a, b, na * sizeof(*a)), 0,
				    "spec %zu t %lld", k, (long long)t);
			}
		}
		if (per <= CORE_WINMEMO_MAX)
			cr_assert_gt(hits, 1000, "spec %zu: memo unused", k);
	}
}
