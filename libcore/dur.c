/* SPDX-License-Identifier: MIT */
/* Strict parsers for numbers, durations and sizes given on command lines. */
#include "libcore/dur.h"

#include <limits.h>
#include <string.h>

/*
 * Magnitudes are accumulated as uint64_t and checked against a limit that
 * depends on the sign, so that INT64_MIN is reachable without ever
 * overflowing a signed type.
 */
#define MAG_POS ((uint64_t)INT64_MAX)
#define MAG_NEG ((uint64_t)INT64_MAX + 1)

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
fail(const char **errstr, const char *msg)
{
	if (errstr != NULL)
		*errstr = msg;
	return -1;
}

int
core_strtonum(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	unsigned long long v = 0, lim;
	int neg = 0, over = 0;
	long long r;

	if (min > max)
		return fail(errstr, "invalid");
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!is_digit(*s))
		return fail(errstr, "invalid");
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (lim - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	/* Junk is reported before range, as strtonum(3) does. */
	if (*s != '\0')
		return fail(errstr, "invalid");
	if (over)
		return fail(errstr, neg ? "too small" : "too large");
	if (!neg)
		r = (long long)v;
	else if (v == lim)
		r = LLONG_MIN;
	else
		r = -(long long)v;
	if (r < min)
		return fail(errstr, "too small");
	if (r > max)
		return fail(errstr, "too large");
	*out = r;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

/*
 * Units in increasing order; a compound duration must name them in strictly
 * decreasing order ("1h30m", never "30m1h" or "1s1s"), which keeps the
 * grammar unambiguous and catches typos.
 */
static const struct {
	const char *name;
	int rank;
	uint64_t ns;
} dur_units[] = {
	{ "ns", 0, 1 },
	{ "us", 1, 1000 },
	{ "\xc2\xb5s", 1, 1000 },	/* U+00B5 MICRO SIGN */
	{ "\xce\xbcs", 1, 1000 },	/* U+03BC GREEK SMALL LETTER MU */
	{ "ms", 2, 1000000 },
	{ "s", 3, 1000000000 },
	{ "m", 4, 60ULL * 1000000000 },
	{ "h", 5, 3600ULL * 1000000000 },
	{ "d", 6, 86400ULL * 1000000000 },
	{ "w", 7, 604800ULL * 1000000000 },
};

/*
 * Returns floor(u * 0.f1f2...fn) for the fraction digits f[0..n) exactly,
 * with Horner's rule from the last digit: if A is the floor of the tail,
 * floor((u * d + tail) / 10) equals (u * d + A) / 10 because the dropped
 * part of the tail is below one.  Never exceeds u, so it cannot overflow.
 */
static uint64_t
frac_times(const char *f, size_t n, uint64_t u)
{
	uint64_t a = 0;

	while (n-- > 0)
		a = (u * (uint64_t)(f[n] - '0') + a) / 10;
	return a;
}

int
core_dur_parse(const char *s, int allow_sign, int64_t *ns,
    const char **errstr)
{
	uint64_t total = 0, lim = MAG_POS;
	int neg = 0, last_rank = 99;

	if (*s == '+' || *s == '-') {
		if (!allow_sign)
			return fail(errstr, "sign not allowed");
		if (*s == '-') {
			neg = 1;
			lim = MAG_NEG;
		}
		s++;
	}
	if (s[0] == '0' && s[1] == '\0') {
		*ns = 0;
		if (errstr != NULL)
			*errstr = NULL;
		return 0;
	}
	if (*s == '\0')
		return fail(errstr, "invalid");
	while (*s != '\0') {
		const char *ip, *fp = NULL, *up;
		size_t ilen, flen = 0, ulen, i;
		uint64_t v = 0, part;
		int over = 0, k = -1;

		/* A number: digits, then optionally '.' and more digits. */
		ip = s;
		while (is_digit(*s))
			s++;
		ilen = (size_t)(s - ip);
		if (ilen == 0)
			return fail(errstr, "invalid");
		if (*s == '.') {
			fp = ++s;
			while (is_digit(*s))
				s++;
			flen = (size_t)(s - fp);
			if (flen == 0)
				return fail(errstr, "invalid");
		}
		/* A unit: everything up to the next digit, dot or end. */
		up = s;
		while (*s != '\0' && !is_digit(*s) && *s != '.')
			s++;
		ulen = (size_t)(s - up);
		if (ulen == 0)
			return fail(errstr, "missing unit");
		for (i = 0; i < sizeof(dur_units) / sizeof(dur_units[0]); i++) {
			if (strlen(dur_units[i].name) == ulen &&
			    memcmp(dur_units[i].name, up, ulen) == 0) {
				k = (int)i;
				break;
			}
		}
		if (k < 0)
			return fail(errstr, "unknown unit");
		if (dur_units[k].rank >= last_rank)
			return fail(errstr, "units out of order");
		last_rank = dur_units[k].rank;

		for (i = 0; i < ilen; i++) {
			if (__builtin_mul_overflow(v, 10, &v) ||
			    __builtin_add_overflow(v, (uint64_t)(ip[i] - '0'),
			    &v)) {
				over = 1;
				break;
			}
		}
		/* Fraction digits below a nanosecond are truncated. */
		if (over || __builtin_mul_overflow(v, dur_units[k].ns, &part) ||
		    __builtin_add_overflow(part,
		    fp ? frac_times(fp, flen, dur_units[k].ns) : 0, &part) ||
		    __builtin_add_overflow(total, part, &total) || total > lim)
			return fail(errstr, neg ? "too small" : "too large");
	}
	if (!neg)
		*ns = (int64_t)total;
	else if (total == MAG_NEG)
		*ns = INT64_MIN;
	else
		*ns = -(int64_t)total;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

/* Writes v in decimal, at least width digits; returns the end. */
static char *
put_u64(char *p, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 || n < width);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/*
 * Writes ip[.frac] where frac holds fdigits decimal digits, trailing zeros
 * dropped, followed by the unit name.
 */
static char *
put_dec(char *p, uint64_t ip, uint64_t frac, int fdigits, const char *unit)
{
	p = put_u64(p, ip, 1);
	if (frac != 0) {
		while (frac % 10 == 0) {
			frac /= 10;
			fdigits--;
		}
		*p++ = '.';
		p = put_u64(p, frac, fdigits);
	}
	while (*unit != '\0')
		*p++ = *unit++;
	return p;
}

/* Writes a duration below one second in the largest unit that fits. */
static char *
put_subsec(char *p, uint64_t v)
{
	if (v >= 1000000)
		return put_dec(p, v / 1000000, v % 1000000, 6, "ms");
	if (v >= 1000)
		return put_dec(p, v / 1000, v % 1000, 3, "us");
	return put_dec(p, v, 0, 0, "ns");
}

size_t
core_dur_format(int64_t ns, char *buf)
{
	const uint64_t sec = 1000000000;
	uint64_t v, d, h, m, s, sub;
	char *p = buf;

	if (ns == 0) {
		memcpy(buf, "0s", 3);
		return 2;
	}
	if (ns < 0) {
		*p++ = '-';
		v = -(uint64_t)ns;
	} else {
		v = (uint64_t)ns;
	}
	d = v / (86400 * sec);
	v %= 86400 * sec;
	h = v / (3600 * sec);
	v %= 3600 * sec;
	m = v / (60 * sec);
	v %= 60 * sec;
	s = v / sec;
	sub = v % sec;
	if (d != 0)
		p = put_dec(p, d, 0, 0, "d");
	if (h != 0)
		p = put_dec(p, h, 0, 0, "h");
	if (m != 0)
		p = put_dec(p, m, 0, 0, "m");
	if (s != 0) {
		p = put_dec(p, s, sub, 9, "s");
	} else if (sub != 0) {
		/*
		 * Below one second, "1m0.5s" and "1m500ms" both read back;
		 * take the shorter, seconds on a tie.
		 */
		char a[32], b[32];
		size_t la = (size_t)(put_dec(a, 0, sub, 9, "s") - a);
		size_t lb = (size_t)(put_subsec(b, sub) - b);

		if (p == buf || (p == buf + 1 && buf[0] == '-') || lb < la) {
			memcpy(p, b, lb);
			p += lb;
		} else {
			memcpy(p, a, la);
			p += la;
		}
	}
	*p = '\0';
	return (size_t)(p - buf);
}

int
core_size_parse(const char *s, uint64_t *bytes, const char **errstr)
{
	uint64_t v = 0, mul = 1;
	int over = 0;

	if (!is_digit(*s))
		return fail(errstr, "invalid");
	for (; is_digit(*s); s++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
			over = 1;
	}
	switch (*s) {
	case 'K': case 'k':
		mul = 1ULL << 10;
		break;
	case 'M': case 'm':
		mul = 1ULL << 20;
		break;
	case 'G': case 'g':
		mul = 1ULL << 30;
		break;
	case 'T': case 't':
		mul = 1ULL << 40;
		break;
	case 'P': case 'p':
		mul = 1ULL << 50;
		break;
	case 'E': case 'e':
		mul = 1ULL << 60;
		break;
	default:
		break;
	}
	if (mul != 1) {
		s++;
		/* "iB" only after a multiplier: "16MiB", but not "16iB". */
		if (s[0] == 'i' && s[1] == 'B')
			s++;
	}
	if (*s == 'B')
		s++;
	if (*s != '\0')
		return fail(errstr, "invalid");
	if (over || __builtin_mul_overflow(v, mul, &v))
		return fail(errstr, "too large");
	*bytes = v;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}
