/* SPDX-License-Identifier: MIT */
/* Typed values: what a record's fields hold. */
#include "libcore/value.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/fmt.h"
#include "libcore/hash.h"
#include "libcore/xalloc.h"

const char *
core_type_name(enum core_type t)
{
	static const char *const names[] = {
		"null", "bool", "int", "double", "string", "time", "json"
	};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] :
	    "unknown";
}

/*
 * Decimals of up to 15 significant digits without an exponent convert
 * exactly as m / 10^k: both are exact doubles and IEEE division rounds
 * correctly (Clinger's fast path).  Everything else goes to strtod.
 */
static int
fast_decimal(const char *s, size_t n, double *out)
{
	static const double p10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15
	};
	const char *end = s + n;
	uint64_t m = 0;
	int digits = 0, frac = -1, neg = 0;

	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9') {
			m = m * 10 + (uint64_t)(*s - '0');
			if (m)
				digits++;
			if (frac >= 0)
				frac++;
			if (digits > 15 || frac > 15)
				return -1;
		} else if (*s == '.' && frac < 0) {
			frac = 0;
		} else {
			return -1;
		}
	}
	*out = (double)m / p10[frac < 0 ? 0 : frac];
	if (neg)
		*out = -*out;
	return 0;
}

static double
text_double(const char *s, size_t n)
{
	char small[64], *big = NULL, *p = small;
	double d;

	if (fast_decimal(s, n, &d) == 0)
		return d;
	if (n >= sizeof(small))
		p = big = core_xmemdup(s, n);
	else {
		memcpy(small, s, n);
		small[n] = '\0';
	}
	d = strtod(p, NULL);
	free(big);
	return d;
}

double
core_value_double(const struct core_value *v)
{
	if (v->flags & CORE_VF_TEXT)
		return text_double(v->u.s, v->len);
	return v->u.d;
}

int
core_value_number(const struct core_value *v, double *d)
{
	switch (v->type) {
	case CORE_INT:
	case CORE_TIME:
		*d = (double)v->u.i;
		return 0;
	case CORE_DOUBLE:
		*d = core_value_double(v);
		return 0;
	default:
		return -1;
	}
}

size_t
core_double_format(double d, char *buf)
{
	int prec, n;

	if (isnan(d))
		return (size_t)sprintf(buf, "NaN");
	if (isinf(d))
		return (size_t)sprintf(buf, d < 0 ? "-Infinity" : "Infinity");
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, CORE_DBL_BUFSZ, "%.*g", prec, d);
		if (prec == 17 || strtod(buf, NULL) == d)
			break;
	}
	if (strpbrk(buf, ".en") == NULL) {
		buf[n++] = '.';
		buf[n++] = '0';
		buf[n] = '\0';
	}
	return (size_t)n;
}

static int
type_rank(const struct core_value *v)
{
	switch (v->type) {
	case CORE_NULL: return 0;
	case CORE_BOOL: return 1;
	case CORE_INT:
	case CORE_DOUBLE:
	case CORE_TIME: return 2;
	case CORE_STR: return 3;
	default: return 4;
	}
}

static int
bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	if (c)
		return c;
	return na < nb ? -1 : na > nb;
}

static int
num_cmp(const struct core_value *a, const struct core_value *b)
{
	double x, y;

	if (a->type != CORE_DOUBLE && b->type != CORE_DOUBLE)
		return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	/* Mixed: an int and a double compare exactly where the double is
	 * integral, else by double value. */
	x = a->type == CORE_DOUBLE ? core_value_double(a) : (double)a->u.i;
	y = b->type == CORE_DOUBLE ? core_value_double(b) : (double)b->u.i;
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	if (x != y)
		return x < y ? -1 : 1;
	if (a->type != CORE_DOUBLE && b->type == CORE_DOUBLE &&
	    y >= -9223372036854775808.0 && y < 9223372036854775808.0) {
		int64_t iy = (int64_t)y;

		return a->u.i < iy ? -1 : a->u.i > iy;
	}
	if (b->type != CORE_DOUBLE && a->type == CORE_DOUBLE &&
	    x >= -9223372036854775808.0 && x < 9223372036854775808.0) {
		int64_t ix = (int64_t)x;

		return ix < b->u.i ? -1 : ix > b->u.i;
	}
	return 0;
}

int
core_value_cmp(const struct core_value *a, const struct core_value *b)
{
	int ra = type_rank(a), rb = type_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (ra) {
	case 0:
		return 0;
	case 1:
		return (int)(a->u.i - b->u.i);
	case 2:
		return num_cmp(a, b);
	default:
		return bytes_cmp(a->u.s, a->len, b->u.s, b->len);
	}
}

int
core_value_eq(const struct core_value *a, const struct core_value *b)
{
	if (a->type == b->type) {
		switch (a->type) {
		case CORE_NULL:
			return 1;
		case CORE_BOOL:
		case CORE_INT:
		case CORE_TIME:
			return a->u.i == b->u.i;
		case CORE_STR:
		case CORE_JSON:
			return a->len == b->len &&
			    memcmp(a->u.s, b->u.s, a->len) == 0;
		default:
			break;
		}
	}
	return core_value_cmp(a, b) == 0;
}

uint64_t
core_value_hash(const struct core_value *v)
{
	double d;

	switch (v->type) {
	case CORE_NULL:
		return 0x6e756c6cULL;
	case CORE_BOOL:
		return core_hash_u64((uint64_t)v->u.i, 1);
	case CORE_INT:
	case CORE_TIME:
		return core_hash_u64((uint64_t)v->u.i, 2);
	case CORE_DOUBLE:
		/* Integral doubles hash as the int they equal. */
		d = core_value_double(v);
		if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
		    d == (double)(int64_t)d)
			return core_hash_u64((uint64_t)(int64_t)d, 2);
		if (isnan(d))
			return 0x6e616eULL;
		return core_hash(&d, sizeof(d), 3);
	case CORE_STR:
		return core_hash(v->u.s, v->len, 4);
	default:
		return core_hash(v->u.s, v->len, 5);
	}
}

void
core_value_json(struct core_buf *b, const struct core_value *v)
{
	core_buf_grow(b, core_fmt_json_value_max(v));
	b->len = (size_t)(core_fmt_json_value(b->p + b->len, v) - b->p);
	b->p[b->len] = '\0';
}

void
core_value_text(struct core_buf *b, const struct core_value *v)
{
	core_buf_grow(b, core_fmt_json_value_max(v));
	b->len = (size_t)(core_fmt_text_value(b->p + b->len, v) - b->p);
	b->p[b->len] = '\0';
}
