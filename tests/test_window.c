/* SPDX-License-Identifier: MIT */
/* Tests for window arithmetic: alignment, offsets, negative times, hops. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "libcore/window.h"

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
