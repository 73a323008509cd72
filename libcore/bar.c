/* SPDX-License-Identifier: MIT */
/* Horizontal bars of text cells for a number, in eighths or in ASCII. */
#include "libcore/bar.h"

#include <math.h>

/* U+2588 FULL BLOCK, then U+258F..U+2589: one to seven eighths. */
static const char full[] = "\xe2\x96\x88";
static const char *const eighth[8] = {
	"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
	"\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"
};

/* The bar of v in units of 1/per of a cell (see core_bar_eighths). */
static size_t
units(double v, double max, size_t width, int per)
{
	double r, u;

	v = fabs(v);
	max = fabs(max);
	if (!isfinite(v) || !isfinite(max) || v == 0 || max == 0 || width == 0)
		return 0;
	r = v / max;
	if (r > 1)
		r = 1;
	u = floor(r * (double)width * per + 0.5);
	return u < 1 ? 1 : (size_t)u;
}

size_t
core_bar_eighths(double v, double max, size_t width)
{
	return units(v, max, width, 8);
}

size_t
core_bar_add(struct core_buf *b, double v, double max, size_t width,
    int utf8)
{
	size_t n = units(v, max, width, utf8 ? 8 : 1), i;

	if (n == 0)
		return 0;
	if (v < 0)
		core_buf_addc(b, '-');
	if (!utf8) {
		for (i = 0; i < n; i++)
			core_buf_addc(b, '#');
		return (v < 0) + n;
	}
	for (i = 0; i < n / 8; i++)
		core_buf_add(b, full, sizeof(full) - 1);
	core_buf_addstr(b, eighth[n % 8]);
	return (v < 0) + (n + 7) / 8;
}

int
core_bar_value(const struct core_value *v, double *d)
{
	if (v == NULL || (v->type != CORE_INT && v->type != CORE_DOUBLE))
		return 0;
	if (core_value_number(v, d) < 0 || !isfinite(*d))
		return 0;
	return 1;
}
