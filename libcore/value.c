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
 * Number text m * 10^e with m <= 2^53 and |e| <= 22 converts exactly
 * without strtod: m and 10^|e| are exact doubles and one IEEE multiply
 * or divide rounds correctly (Clinger's fast path).  At most 19 digits
 * keep m from overflowing on the way.  Everything else, and anything
 * that is not sign, digits, '.', exponent, goes to strtod.
 */
static const double p10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static inline int
fast_number(const char *s, size_t n, double *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *d;
	uint64_t m = 0;
	unsigned c;
	int neg, nd, e = 0, x;
	double r;

	neg = p < end && *p == '-';
	p += neg;
	for (d = p; p < end && (c = (unsigned)*p - '0') < 10; p++)
		m = m * 10 + c;
	nd = (int)(p - d);
	if (p < end && *p == '.') {
		for (d = ++p; p < end && (c = (unsigned)*p - '0') < 10; p++)
			m = m * 10 + c;
		e = -(int)(p - d);
		nd += (int)(p - d);
	}
	if (nd == 0 || nd > 19)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;

		if (++p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		for (d = p, x = 0; p < end && (c = (unsigned)*p - '0') < 10 &&
		    p - d < 4; p++)
			x = x * 10 + (int)c;
		if (p == d)
			return -1;
		e += eneg ? -x : x;
	}
	if (p != end || m > (uint64_t)1 << 53 || e < -22 || e > 22)
		return -1;
	r = (double)(int64_t)m;
	r = e < 0 ? r / p10[-e] : r * p10[e];
	*out = neg ? -r : r;
	return 0;
}

/* Number text as a double: exact and inline for plain decimals of up to 19
 * digits below 2^53 with a power of ten up to 22 (fast_number), else
 * strtod. */
double
core_value_double(const struct core_value *v)
{
	char small[64], *big = NULL, *p = small;
	double d;

	if (!(v->flags & CORE_VF_TEXT))
		return v->u.d;
	if (fast_number(v->u.s, v->len, &d) == 0)
		return d;
	if (v->len >= sizeof(small))
		p = big = core_xmemdup(v->u.s, v->len);
	else {
		memcpy(small, v->u.s, v->len);
		small[v->len] = '\0';
	}
	d = strtod(p, NULL);
	free(big);
	return d;
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
			    core_hash_eq(a->u.s, b->u.s, a->len);
		case CORE_DOUBLE:
			/* Same spelling, same number; else compare values. */
			if ((a->flags & b->flags & CORE_VF_TEXT) &&
			    a->len == b->len && core_hash_eq(a->u.s, b->u.s,
			    a->len))
				return 1;
			break;
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
