/* SPDX-License-Identifier: MIT */
/* Tests for bars of text cells and the terminal helpers. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/bar.h"
#include "libcore/buf.h"
#include "libcore/term.h"

#define FULL "\xe2\x96\x88"

/* The bar of v as text; new string. */
static char *
bar(double v, double max, size_t width, int utf8, size_t *cells)
{
	struct core_buf b = CORE_BUF_INIT;

	*cells = core_bar_add(&b, v, max, width, utf8);
	core_buf_addstr(&b, "");
	return core_buf_detach(&b, NULL);
}

Test(bar, eighths_scale_to_the_largest_value)
{
	cr_expect_eq(core_bar_eighths(10, 10, 20), 160);
	cr_expect_eq(core_bar_eighths(5, 10, 20), 80);
	cr_expect_eq(core_bar_eighths(1, 10, 20), 16);
	/* 1/3 of 8 cells is 21.33 eighths; 2/3 is 42.67. */
	cr_expect_eq(core_bar_eighths(1, 3, 8), 21);
	cr_expect_eq(core_bar_eighths(2, 3, 8), 43);
	/* Half an eighth rounds up. */
	cr_expect_eq(core_bar_eighths(1, 16, 1), 1);
	cr_expect_eq(core_bar_eighths(3, 16, 1), 2);
}

Test(bar, tiny_values_show_zero_nan_and_infinity_do_not)
{
	cr_expect_eq(core_bar_eighths(1e-9, 1e9, 20), 1);
	cr_expect_eq(core_bar_eighths(-1e-9, 1e9, 20), 1);
	cr_expect_eq(core_bar_eighths(0, 10, 20), 0);
	cr_expect_eq(core_bar_eighths(NAN, 10, 20), 0);
	cr_expect_eq(core_bar_eighths(INFINITY, 10, 20), 0);
	cr_expect_eq(core_bar_eighths(5, 0, 20), 0);
	cr_expect_eq(core_bar_eighths(5, NAN, 20), 0);
	cr_expect_eq(core_bar_eighths(5, 10, 0), 0);
}

Test(bar, values_past_the_scale_are_a_full_bar)
{
	cr_expect_eq(core_bar_eighths(50, 10, 4), 32);
	cr_expect_eq(core_bar_eighths(-10, 10, 4), 32);
	cr_expect_eq(core_bar_eighths(10, -10, 4), 32);
}

Test(bar, utf8_draws_full_blocks_and_each_eighth)
{
	static const char *const part[8] = { "", "\xe2\x96\x8f",
		"\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c", "\xe2\x96\x8b",
		"\xe2\x96\x8a", "\xe2\x96\x89" };
	char want[64], *got;
	size_t cells;
	int e;

	/* 16 + e eighths of 3 cells: two full blocks and e eighths. */
	for (e = 0; e < 8; e++) {
		got = bar(16 + e, 24, 3, 1, &cells);
		snprintf(want, sizeof(want), FULL FULL "%s", part[e]);
		cr_expect_str_eq(got, want, "%d eighths", 16 + e);
		cr_expect_eq(cells, e ? 3u : 2u);
		free(got);
	}
	got = bar(24, 24, 3, 1, &cells);
	cr_expect_str_eq(got, FULL FULL FULL);
	cr_expect_eq(cells, 3);
	free(got);
}

Test(bar, ascii_rounds_to_whole_cells)
{
	char *got;
	size_t cells;

	got = bar(5, 10, 20, 0, &cells);
	cr_expect_str_eq(got, "##########");
	cr_expect_eq(cells, 10);
	free(got);
	/* 2.5 cells round to 3; 2.4 to 2; a sliver to 1. */
	got = bar(1, 8, 20, 0, &cells);
	cr_expect_str_eq(got, "###");
	free(got);
	got = bar(1.2, 10, 20, 0, &cells);
	cr_expect_str_eq(got, "##");
	free(got);
	/* 2.45 cells: 2, though 19.6 eighths would round to 3 cells. */
	got = bar(2.45, 20, 20, 0, &cells);
	cr_expect_str_eq(got, "##");
	free(got);
	got = bar(1, 1000, 20, 0, &cells);
	cr_expect_str_eq(got, "#");
	cr_expect_eq(cells, 1);
	free(got);
}

Test(bar, negative_values_get_a_minus_and_their_magnitude)
{
	char *got;
	size_t cells;

	got = bar(-5, 10, 4, 1, &cells);
	cr_expect_str_eq(got, "-" FULL FULL);
	cr_expect_eq(cells, 3);
	free(got);
	got = bar(-10, 10, 4, 0, &cells);
	cr_expect_str_eq(got, "-####");
	cr_expect_eq(cells, 5);
	free(got);
}

Test(bar, nothing_for_zero_and_nan)
{
	char *got;
	size_t cells;

	got = bar(0, 10, 20, 1, &cells);
	cr_expect_str_eq(got, "");
	cr_expect_eq(cells, 0);
	free(got);
	got = bar(NAN, 10, 20, 0, &cells);
	cr_expect_str_eq(got, "");
	cr_expect_eq(cells, 0);
	free(got);
}

Test(bar, only_finite_ints_and_doubles_are_values)
{
	struct core_value v;
	double d = -1;

	v = core_v_int(-7);
	cr_expect_eq(core_bar_value(&v, &d), 1);
	cr_expect_eq(d, -7);
	v = core_v_numtext("2.50", 4);
	cr_expect_eq(core_bar_value(&v, &d), 1);
	cr_expect_eq(d, 2.5);
	v = core_v_double(NAN);
	cr_expect_eq(core_bar_value(&v, &d), 0);
	v = core_v_numtext("1e400", 5);
	cr_expect_eq(core_bar_value(&v, &d), 0);
	v = core_v_str("12", 2);
	cr_expect_eq(core_bar_value(&v, &d), 0);
	v = core_v_bool(1);
	cr_expect_eq(core_bar_value(&v, &d), 0);
	v = core_v_time(1000);
	cr_expect_eq(core_bar_value(&v, &d), 0);
	v = core_v_null();
	cr_expect_eq(core_bar_value(&v, &d), 0);
	cr_expect_eq(core_bar_value(NULL, &d), 0);
}

/* ---- term --------------------------------------------------------------- */

Test(bar, utf8_locale_from_the_first_variable_set)
{
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	setenv("LANG", "en_US.UTF-8", 1);
	cr_expect_eq(core_term_utf8(), 1);
	setenv("LC_CTYPE", "C.utf8", 1);
	cr_expect_eq(core_term_utf8(), 1);
	setenv("LC_ALL", "C", 1);
	cr_expect_eq(core_term_utf8(), 0);
	setenv("LC_ALL", "", 1);
	setenv("LC_CTYPE", "de_DE.ISO-8859-1", 1);
	cr_expect_eq(core_term_utf8(), 0);
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	unsetenv("LANG");
	cr_expect_eq(core_term_utf8(), 0);
}

Test(bar, size_of_a_non_terminal_from_the_environment)
{
	int fd = open("/dev/null", O_WRONLY), rows = 0, cols = 0;

	cr_assert(fd >= 0);
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "132", 1);
	core_term_size(fd, &rows, &cols);
	cr_expect_eq(rows, 40);
	cr_expect_eq(cols, 132);
	setenv("LINES", "x", 1);
	unsetenv("COLUMNS");
	core_term_size(fd, &rows, &cols);
	cr_expect_eq(rows, 24);
	cr_expect_eq(cols, 80);
	setenv("TERM", "xterm", 1);
	cr_expect_eq(core_term_capable(fd), 0, "/dev/null is no terminal");
	close(fd);
}
