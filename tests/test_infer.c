/* SPDX-License-Identifier: MIT */
/* Tests that number scanning and value inference give exactly what the
 * general JSON number path gives, on edge cases and on random text. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/json.h"
#include "libcore/value.h"
#include "tests/rng.h"

/*
 * The reference: core_number_scan and core_value_infer as they were before
 * the one-pass scanner (scan_number, then number_value), kept here
 * verbatim so that any change in what the fast code accepts or returns
 * fails a test.
 */
static const char *
ref_scan_number(const char *p, const char *end, int *integral)
{
	*integral = 1;
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return NULL;
	}
	if (p < end && *p == '.') {
		*integral = 0;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*integral = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static struct core_value
ref_number_value(const char *s, size_t n, int integral)
{
	const char *p = s, *end = s + n;
	uint64_t u = 0;
	int neg = 0;

	if (!integral)
		return core_v_numtext(s, n);
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (neg && end - p == 1 && *p == '0')
		return core_v_numtext(s, n);
	if (end - p > 19)
		return core_v_numtext(s, n);
	while (p < end) {
		unsigned dgt = (unsigned)(*p++ - '0');

		if (u > (UINT64_MAX - dgt) / 10)
			return core_v_numtext(s, n);
		u = u * 10 + dgt;
	}
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return core_v_numtext(s, n);
		return core_v_int(u == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)u);
	}
	if (u > (uint64_t)INT64_MAX)
		return core_v_numtext(s, n);
	return core_v_int((int64_t)u);
}

static int
ref_number_scan(const char *s, size_t len, struct core_value *v)
{
	const char *end;
	int integral;

	end = ref_scan_number(s, s + len, &integral);
	if (end == NULL || end != s + len)
		return 0;
	*v = ref_number_value(s, len, integral);
	return 1;
}

static struct core_value
ref_infer(const char *s, size_t len)
{
	struct core_value v;

	if (len == 0)
		return core_v_str(s, 0);
	switch (s[0]) {
	case 't':
		if (len == 4 && memcmp(s, "true", 4) == 0)
			return core_v_bool(1);
		break;
	case 'f':
		if (len == 5 && memcmp(s, "false", 5) == 0)
			return core_v_bool(0);
		break;
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		if (ref_number_scan(s, len, &v))
			return v;
		break;
	default:
		break;
	}
	return core_v_str(s, len);
}

/* Same type, flags, length and payload (ints by value, text by pointer). */
static int
same(const struct core_value *a, const struct core_value *b)
{
	if (a->type != b->type || a->flags != b->flags)
		return 0;
	switch (a->type) {
	case CORE_NULL:
		return 1;
	case CORE_BOOL:
	case CORE_INT:
	case CORE_TIME:
		return a->u.i == b->u.i;
	case CORE_DOUBLE:
		if (!(a->flags & CORE_VF_TEXT))
			return a->u.d == b->u.d;
		/* fall through */
	default:
		return a->len == b->len && a->u.s == b->u.s;
	}
}

/*
 * Checks one text, copied to a buffer of exactly its length so that the
 * sanitizers catch a read past it.
 */
static void
check(const char *text, size_t len)
{
	char *s = malloc(len ? len : 1);
	struct core_value got, want, jv;
	int g, w;

	memcpy(s, text, len);
	memset(&got, 0xa5, sizeof(got));
	memset(&want, 0xa5, sizeof(want));
	g = core_number_scan(s, len, &got);
	w = ref_number_scan(s, len, &want);
	cr_assert_eq(g, w, "number_scan \"%.*s\": %d, reference %d",
	    (int)len, text, g, w);
	if (g) {
		cr_assert(same(&got, &want), "number_scan \"%.*s\": type %d "
		    "flags %d, reference type %d flags %d", (int)len, text,
		    got.type, got.flags, want.type, want.flags);
	}
	/* The library's general path, used for JSON values, agrees too. */
	if (len && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
		const char *p = s;
		struct core_json_err e;

		if (core_json_value(&p, s + len, &jv, NULL, s, &e) == 0 &&
		    p == s + len) {
			cr_assert(g, "\"%.*s\" is a JSON number", (int)len,
			    text);
			cr_assert(same(&got, &jv), "number_scan \"%.*s\" "
			    "differs from core_json_value", (int)len, text);
		} else {
			cr_assert(!g, "\"%.*s\" is no JSON number", (int)len,
			    text);
		}
	}
	got = core_value_infer(s, len);
	want = ref_infer(s, len);
	cr_assert(same(&got, &want), "infer \"%.*s\": type %d flags %d, "
	    "reference type %d flags %d", (int)len, text, got.type,
	    got.flags, want.type, want.flags);
	memset(&got, 0x5a, sizeof(got));
	core_value_infer_to(&got, s, len);
	cr_assert(same(&got, &want), "infer_to \"%.*s\"", (int)len, text);
	free(s);
}

static void
check_str(const char *text)
{
	check(text, strlen(text));
}

Test(json, number_scan_matches_reference_on_edge_cases)
{
	static const char *const cases[] = {
		"", "0", "-0", "00", "007", "-007", "0.0", "-0.0", "1.0",
		"1.", "1.e5", ".5", "-.5", "-", "--1", "1-", "+1", "+0", " 1",
		"1 ", "1\t", "NaN", "nan", "inf", "-inf", "Infinity",
		"-Infinity", "1e5", "1E5", "1e+5", "1e-5", "-1e5", "1e", "1e+",
		"1e-", "0e0", "0E-0", "1.5e3.2", "00.5", "0.5", "-0.5", "0x10",
		"1_000", "1,5", "12a", "true", "false", "True", "null", "2.332",
		"119.308", "0.18", "200", "18399", "9", "10", "-1", "-9",
		"123456789012345678", "-123456789012345678",
		"999999999999999999", "-999999999999999999",
		"1234567890123456789", "-1234567890123456789",
		"9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809",
		"9999999999999999999", "-9999999999999999999",
		"10000000000000000000", "18446744073709551615",
		"18446744073709551616", "99999999999999999999",
		"100000000000000000000000000000", "1.7976931348623157e309",
		"3.14159265358979323846264338", "2024-03-01T00:00:00.005Z",
		"2024", "2024-", "1e400", "-1e-400", "0.000", "5e05",
		"1.0e", "1.0e+", "1.0e+1", "1.0E-01", "0.", "-0.", "0e",
		"1..2", "1.2.3", "1ee5", "1e5e5", "1e+-5", "\xff", "1\xff",
		"-\xff", "1.\xff", "1e\xff", "12345678901234567890123",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_str(cases[i]);
}

/* Random text over the bytes numbers are made of, and a few others. */
Test(json, number_scan_matches_reference_on_random_text)
{
	static const char alpha[] = "0123456789000111-+..eE x\xfftf";
	uint64_t seed = 1;
	char buf[32];
	int iter, i, len;

	for (iter = 0; iter < 300000; iter++) {
		len = (int)(rnd(&seed) % 24);
		for (i = 0; i < len; i++)
			buf[i] = alpha[rnd(&seed) % (sizeof(alpha) - 1)];
		check(buf, (size_t)len);
	}
}

/*
 * Random well-formed numbers: signs, leading zeros, 1 to 25 integer
 * digits (around the int64 limits), fractions and exponents.
 */
Test(json, number_scan_matches_reference_on_random_numbers)
{
	uint64_t seed = 2;
	char buf[80];
	int iter, i, n;

	for (iter = 0; iter < 300000; iter++) {
		uint64_t r = rnd(&seed);

		n = 0;
		if (r & 1)
			buf[n++] = '-';
		if ((r >> 1) % 8 == 0)
			buf[n++] = '0';
		i = 1 + (int)((r >> 4) % 25);
		if ((r >> 9) % 4 == 0) {
			/* Near INT64_MAX / INT64_MIN. */
			n += snprintf(buf + n, sizeof(buf) - (size_t)n,
			    "92233720368547758%02d", (int)((r >> 11) % 20));
		} else {
			buf[n++] = (char)('1' + (r >> 16) % 9);
			while (--i > 0)
				buf[n++] = (char)('0' + rnd(&seed) % 10);
		}
		if ((r >> 20) % 3 == 0) {
			buf[n++] = '.';
			for (i = (int)((r >> 22) % 4); i > 0; i--)
				buf[n++] = (char)('0' + rnd(&seed) % 10);
		}
		if ((r >> 24) % 4 == 0) {
			buf[n++] = (r >> 26) & 1 ? 'e' : 'E';
			if ((r >> 27) % 3 == 1)
				buf[n++] = '+';
			else if ((r >> 27) % 3 == 2)
				buf[n++] = '-';
			for (i = (int)((r >> 29) % 4); i > 0; i--)
				buf[n++] = (char)('0' + rnd(&seed) % 10);
		}
		check(buf, (size_t)n);
	}
}

Test(value, inference_matches_reference_on_words)
{
	static const char *const cases[] = {
		"true", "false", "t", "f", "tru", "fals", "truee", "falsee",
		"TRUE", "False", "trUe", "web-04", "GET", "/", "/blog/2628",
		"", " ", "x", "-", "-x", "t1", "f0",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_str(cases[i]);
}
