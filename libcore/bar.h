/* SPDX-License-Identifier: MIT */
/* Horizontal bars of text cells for a number, in eighths or in ASCII. */
#ifndef CORE_BAR_H
#define CORE_BAR_H

#include <stddef.h>

#include "libcore/buf.h"
#include "libcore/value.h"

/*
 * The length of the bar of v, in eighths of a cell, on a scale where
 * |max| is a full bar of width cells: |v| / |max| * width * 8, rounded to
 * the nearest eighth, at most width * 8, and at least 1 for any v that is
 * not 0 (so that a small value still shows).  0 when v is 0, NaN or
 * infinite, or max is 0, NaN or infinite.
 */
size_t core_bar_eighths(double v, double max, size_t width);

/*
 * Appends to b the bar of v (see core_bar_eighths): with utf8, full
 * blocks U+2588 and one of the eighth blocks U+258F..U+2589 for the rest;
 * else '#' a cell, |v| / |max| * width rounded to the nearest cell (at
 * least one for v not 0).  A negative v gets a '-' before its bar.  Returns the cells added.
 */
size_t core_bar_add(struct core_buf *b, double v, double max, size_t width,
    int utf8);

/*
 * The number a bar is drawn for: 1 and *d for an int or a double that is
 * finite; 0 for everything else (null, strings, bools, times, NaN,
 * infinities).
 */
int core_bar_value(const struct core_value *v, double *d);

#endif
