/* SPDX-License-Identifier: MIT */
/* Tests for reading number text (CORE_VF_TEXT) as a double: the same
 * bits as strtod, whichever path the conversion takes. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/value.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
bit_eq(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/*
 * s read from a buffer where more digits follow it (so that reading past
 * the value's length shows), against strtod on a terminated copy.
 * Returns 0 when they agree.
 */
static int
check(const char *s)
{
	char buf[128];
	size_t n = strlen(s);
	double want = strtod(s, NULL), got;

	cr_assert_lt(n + 8, sizeof(buf));
	memcpy(buf, s, n);
	memcpy(buf + n, "12345e7", 8);
	got = core_value_double(&(struct core_value){ .type = CORE_DOUBLE,
	    .flags = CORE_VF_TEXT, .len = (uint32_t)n, .u.s = buf });
	if (bit_eq(got, want))
		return 0;
	cr_log_error("'%s': got %a, strtod %a", s, got, want);
	return -1;
}

static void
add_digits(char **p, int n, int nonzero_first)
{
	int i;

	for (i = 0; i < n; i++)
		*(*p)++ = (char)('0' + (i == 0 && nonzero_first ?
		    1 + next() % 9 : next() % 10));
}

/* A random number in JSON syntax, or near it (".5", "5.", "+1", "1e"). */
static void
random_number(char *s)
{
	char *p = s;
	uint64_t r = next();
	int nint = (int)(next() % 21), nfrac = (int)(next() % 21);

	if (r & 1)
		*p++ = '-';
	else if ((r & 0x3e) == 0)
		*p++ = '+';
	if (r & 2)
		nint = (int)(next() % 4);        /* short: the common case */
	if ((r & 0xc0) == 0)
		*p++ = '0', nint = 0;            /* leading zero: 0.000123 */
	add_digits(&p, nint, (r & 0x100) != 0);
	if (r & 0x200) {
		*p++ = '.';
		if (r & 0x400)
			nfrac = (int)(next() % 5);
		add_digits(&p, nfrac, 0);
	}
	if ((r & 0x1800) == 0x1800) {
		*p++ = r & 0x2000 ? 'e' : 'E';
		if (r & 0x4000)
			*p++ = r & 0x8000 ? '-' : '+';
		add_digits(&p, (int)(next() % 4), 0);
	}
	*p = '\0';
}

Test(value, number_text_reads_as_strtod_for_random_numbers)
{
	char s[96];
	int bad = 0, i;

	for (i = 0; i < 2000000 && bad < 10; i++) {
		random_number(s);
		bad += check(s) != 0;
	}
	cr_expect_eq(bad, 0);
}

/* Around 2^53 and 10^22, where the exact shortcut stops being exact,
 * and decimals whose digits end exactly half-way between two doubles. */
Test(value, number_text_reads_as_strtod_at_the_edges)
{
	static const char *const cases[] = {
		"0", "-0", "0.0", "-0.0", "0e0", "-0e-5", "0e400", "5.", ".5",
		"-.5", "1e", "1e+", "e5", "-", ".", "", "+1", "1.5e", "00012",
		"9007199254740991", "9007199254740992", "9007199254740993",
		"9007199254740994", "9007199254740995", "-9007199254740993",
		"900719925474099.3", "0.9007199254740993",
		"9007199254740993e-22", "9007199254740992e22",
		"9007199254740992e-22", "9007199254740992e23", "1e22", "1e23",
		"1e-22", "1e-23", "123456789012345678", "1234567890123456789",
		"12345678901234567890", "18446744073709551615",
		"18446744073709551616", "99999999999999999999", "0.1", "0.2",
		"0.3", "119.308", "2.332", "0.18", "1.7976931348623157e308",
		"2.2250738585072014e-308", "4.9e-324", "1e-400", "1e400",
		"-1e400", "2.5e-324", "9007199254740993.0",
		"4503599627370497.5", "1e0000", "1e00001", "1e-0022", "1E22",
		"1E+22", "1e-9999", "0.000000000000000000001",
		"100000000000000000000000", "123.456e2", "123.456e-20",
		"1.00000000000000011102230246251565", "0.30000000000000004",
		"2.0000000000000004", "2.0000000000000002",
		"8.98846567431158e307", "inf", "nan", "0x10", " 1", "1 ",
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad += check(cases[i]) != 0;
	cr_expect_eq(bad, 0);
}

/* Every double written shortest (as the tools print them) reads back
 * as itself and as strtod reads it. */
Test(value, number_text_reads_back_printed_doubles)
{
	char s[CORE_DBL_BUFSZ];
	int bad = 0, i;
	double d;

	for (i = 0; i < 200000 && bad < 10; i++) {
		uint64_t u = next();

		if (i & 1)
			d = (double)(next() % 100000000) / 1000.0;
		else
			memcpy(&d, &u, sizeof(d));
		if (d != d || d - d != 0)
			continue;
		core_double_format(d, s);
		bad += check(s) != 0;
	}
	cr_expect_eq(bad, 0);
}
