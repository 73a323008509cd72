/* SPDX-License-Identifier: MIT */
/* Tests for the strict number, duration and size parsers. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "libcore/dur.h"

#define S_NS CORE_NS_PER_S

/* A seeded PRNG (splitmix64), so failures reproduce. */
static uint64_t
rnd(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t
dur_ok(const char *s)
{
	const char *err = "unset";
	int64_t ns = 12345;

	cr_assert_eq(core_dur_parse(s, 1, &ns, &err), 0,
	    "\"%s\" refused: %s", s, err);
	cr_assert_null(err, "errstr not cleared for \"%s\"", s);
	return ns;
}

static const char *
dur_bad(const char *s, int allow_sign)
{
	const char *err = NULL;
	int64_t ns = 12345;

	cr_assert_eq(core_dur_parse(s, allow_sign, &ns, &err), -1,
	    "\"%s\" accepted as %lld", s, (long long)ns);
	cr_assert_not_null(err, "no errstr for \"%s\"", s);
	cr_assert_eq(ns, 12345, "\"%s\": output written on error", s);
	return err;
}

Test(dur, strtonum_reads_plain_and_signed_integers)
{
	long long v;
	const char *err;

	cr_assert_eq(core_strtonum("42", 0, 100, &v, &err), 0);
	cr_assert_eq(v, 42);
	cr_assert_null(err);
	cr_assert_eq(core_strtonum("-7", -10, 10, &v, &err), 0);
	cr_assert_eq(v, -7);
	cr_assert_eq(core_strtonum("+7", -10, 10, &v, &err), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(core_strtonum("007", 0, 10, &v, &err), 0);
	cr_assert_eq(v, 7);
}

Test(dur, strtonum_reaches_both_extremes)
{
	long long v;
	const char *err;

	cr_assert_eq(core_strtonum("9223372036854775807", LLONG_MIN,
	    LLONG_MAX, &v, &err), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(core_strtonum("-9223372036854775808", LLONG_MIN,
	    LLONG_MAX, &v, &err), 0);
	cr_assert_eq(v, LLONG_MIN);
}

Test(dur, strtonum_reports_range_errors)
{
	long long v = 99;
	const char *err;

	cr_assert_eq(core_strtonum("101", 0, 100, &v, &err), -1);
	cr_assert_str_eq(err, "too large");
	cr_assert_eq(core_strtonum("-1", 0, 100, &v, &err), -1);
	cr_assert_str_eq(err, "too small");
	cr_assert_eq(core_strtonum("9223372036854775808", LLONG_MIN,
	    LLONG_MAX, &v, &err), -1);
	cr_assert_str_eq(err, "too large");
	cr_assert_eq(core_strtonum("-9223372036854775809", LLONG_MIN,
	    LLONG_MAX, &v, &err), -1);
	cr_assert_str_eq(err, "too small");
	cr_assert_eq(core_strtonum("99999999999999999999999", 0, 1, &v,
	    &err), -1);
	cr_assert_str_eq(err, "too large");
	cr_assert_eq(core_strtonum("5", 10, 0, &v, &err), -1);
	cr_assert_str_eq(err, "invalid");
	cr_assert_eq(v, 99);
}

Test(dur, strtonum_rejects_junk)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "+", "-", "1x", "0x10", "1.0", "--1", "1e3",
		"\t1", "1\n"
	};
	long long v;
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		cr_assert_eq(core_strtonum(bad[i], LLONG_MIN, LLONG_MAX, &v,
		    &err), -1, "\"%s\" accepted", bad[i]);
		cr_assert_str_eq(err, "invalid", "\"%s\"", bad[i]);
	}
}

Test(dur, every_unit_has_its_value)
{
	cr_assert_eq(dur_ok("7ns"), 7);
	cr_assert_eq(dur_ok("7us"), 7000);
	cr_assert_eq(dur_ok("7\xc2\xb5s"), 7000);
	cr_assert_eq(dur_ok("7\xce\xbcs"), 7000);
	cr_assert_eq(dur_ok("7ms"), 7000000);
	cr_assert_eq(dur_ok("7s"), 7 * S_NS);
	cr_assert_eq(dur_ok("7m"), 7 * 60 * S_NS);
	cr_assert_eq(dur_ok("7h"), 7 * 3600 * S_NS);
	cr_assert_eq(dur_ok("7d"), 7 * 86400 * S_NS);
	cr_assert_eq(dur_ok("7w"), 7 * 604800 * S_NS);
}

Test(dur, compound_forms_add_up)
{
	cr_assert_eq(dur_ok("1h30m"), 5400 * S_NS);
	cr_assert_eq(dur_ok("2d12h"), 216000 * S_NS);
	cr_assert_eq(dur_ok("1m30s"), 90 * S_NS);
	cr_assert_eq(dur_ok("1s500ms"), 1500000000);
	cr_assert_eq(dur_ok("1w2d3h4m5s6ms7us8ns"),
	    ((((9 * 24 + 3) * 60 + 4) * 60 + 5) * S_NS) + 6007008);
	cr_assert_eq(dur_ok("1m0.5s"), 60500000000);
}

Test(dur, fractions_are_exact)
{
	cr_assert_eq(dur_ok("0.1s"), 100000000);
	cr_assert_eq(dur_ok("1.5s"), 1500000000);
	cr_assert_eq(dur_ok("0.3s"), 300000000);
	cr_assert_eq(dur_ok("1.5h"), 5400 * S_NS);
	cr_assert_eq(dur_ok("0.1m"), 6 * S_NS);
	cr_assert_eq(dur_ok("0.000000001s"), 1);
	cr_assert_eq(dur_ok("2.5ms"), 2500000);
	cr_assert_eq(dur_ok("1.234567ms"), 1234567);
	cr_assert_eq(dur_ok("0.5d"), 43200 * S_NS);
	cr_assert_eq(dur_ok("1.25us"), 1250);
}

Test(dur, digits_below_a_nanosecond_are_truncated)
{
	cr_assert_eq(dur_ok("1.5ns"), 1);
	cr_assert_eq(dur_ok("0.0000000019s"), 1);
	cr_assert_eq(dur_ok("0.99999999999999999999999s"), 999999999);
	cr_assert_eq(dur_ok("-1.5ns"), -1);
	/* 1/3 of a minute, written with many threes, stays just below 20s. */
	cr_assert_eq(dur_ok("0.33333333333333333333m"), 19999999999);
}

Test(dur, bare_zero_is_the_only_unitless_number)
{
	cr_assert_eq(dur_ok("0"), 0);
	cr_assert_eq(dur_ok("-0"), 0);
	cr_assert_eq(dur_ok("0s"), 0);
	cr_assert_eq(dur_ok("0.0s"), 0);
	cr_assert_str_eq(dur_bad("10", 1), "missing unit");
	cr_assert_str_eq(dur_bad("00", 1), "missing unit");
	cr_assert_str_eq(dur_bad("1h30", 1), "missing unit");
	cr_assert_str_eq(dur_bad("0.0", 1), "missing unit");
}

Test(dur, junk_is_rejected)
{
	static const char *const bad[] = {
		"", "s", "10x", "1.s", ".5s", "1..5s", " 1s", "1s ", "1 s",
		"1S", "1H", "1sec", "1e3s", "1h-30m", "1h+30m", "+", "-",
		"1s.5", "1.5.5s", "\xc2\xb5s", "1\xc2s", "0x1s", "1,5s",
		"1_000s"
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		dur_bad(bad[i], 1);
	cr_assert_str_eq(dur_bad("10x", 1), "unknown unit");
}

Test(dur, units_must_decrease_and_not_repeat)
{
	cr_assert_str_eq(dur_bad("30m1h", 1), "units out of order");
	cr_assert_str_eq(dur_bad("1s1s", 1), "units out of order");
	cr_assert_str_eq(dur_bad("1us1\xc2\xb5s", 1), "units out of order");
	cr_assert_str_eq(dur_bad("1ms1s", 1), "units out of order");
}

Test(dur, signs_only_when_allowed)
{
	const char *err;
	int64_t ns;

	cr_assert_eq(dur_ok("-1m30s"), -90 * S_NS);
	cr_assert_eq(dur_ok("+5s"), 5 * S_NS);
	cr_assert_eq(dur_ok("-0.5s"), -500000000);
	cr_assert_str_eq(dur_bad("-1s", 0), "sign not allowed");
	cr_assert_str_eq(dur_bad("+1s", 0), "sign not allowed");
	cr_assert_str_eq(dur_bad("--1s", 1), "invalid");
	cr_assert_str_eq(dur_bad("-", 1), "invalid");
	cr_assert_eq(core_dur_parse("1s", 0, &ns, &err), 0);
	cr_assert_eq(ns, S_NS);
}

Test(dur, overflow_is_an_error_at_the_exact_boundary)
{
	cr_assert_eq(dur_ok("9223372036854775807ns"), INT64_MAX);
	cr_assert_eq(dur_ok("-9223372036854775808ns"), INT64_MIN);
	cr_assert_eq(dur_ok("106751d23h47m16.854775807s"), INT64_MAX);
	cr_assert_eq(dur_ok("-106751d23h47m16.854775808s"), INT64_MIN);
	cr_assert_str_eq(dur_bad("9223372036854775808ns", 1), "too large");
	cr_assert_str_eq(dur_bad("-9223372036854775809ns", 1), "too small");
	cr_assert_str_eq(dur_bad("106751d23h47m16.854775808s", 1),
	    "too large");
	cr_assert_str_eq(dur_bad("15251w", 1), "too large");
	cr_assert_str_eq(dur_bad("99999999999999999999999s", 1),
	    "too large");
	cr_assert_str_eq(dur_bad("18446744073709551616ns", 1), "too large");
	cr_assert_str_eq(dur_bad("9223372036854775807ns1ns", 1),
	    "units out of order");
	cr_assert_str_eq(dur_bad("9223372036s855ms", 1), "too large");
}

Test(dur, format_picks_the_short_forms)
{
	static const struct {
		int64_t ns;
		const char *text;
	} cases[] = {
		{ 0, "0s" },
		{ 1, "1ns" },
		{ 999, "999ns" },
		{ 1000, "1us" },
		{ 1500, "1.5us" },
		{ 250000000, "250ms" },
		{ 1234567, "1.234567ms" },
		{ 1500000000, "1.5s" },
		{ 90 * S_NS, "1m30s" },
		{ 86400 * S_NS, "1d" },
		{ 5400 * S_NS, "1h30m" },
		{ 60500000000, "1m0.5s" },
		{ 60 * S_NS + 1, "1m1ns" },
		{ 3600 * S_NS + 1000000, "1h1ms" },
		{ -90 * S_NS, "-1m30s" },
		{ -1, "-1ns" },
		{ -250000000, "-250ms" },
		{ INT64_MAX, "106751d23h47m16.854775807s" },
		{ INT64_MIN, "-106751d23h47m16.854775808s" },
	};
	char buf[CORE_DUR_BUFSZ];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = core_dur_format(cases[i].ns, buf);
		cr_assert_str_eq(buf, cases[i].text, "%lld",
		    (long long)cases[i].ns);
		cr_assert_eq(n, strlen(buf));
	}
}

static void
check_round_trip(int64_t ns)
{
	char buf[CORE_DUR_BUFSZ];
	const char *err;
	int64_t back;
	size_t n;

	n = core_dur_format(ns, buf);
	cr_assert_lt(n, sizeof(buf));
	cr_assert_eq(n, strlen(buf));
	cr_assert_eq(core_dur_parse(buf, 1, &back, &err), 0,
	    "%lld -> \"%s\" refused: %s", (long long)ns, buf, err);
	cr_assert_eq(back, ns, "%lld -> \"%s\" -> %lld", (long long)ns, buf,
	    (long long)back);
}

Test(dur, format_round_trips_through_parse)
{
	static const int64_t fixed[] = {
		0, 1, -1, 999, 1000, 1001, 999999999, S_NS, S_NS + 1,
		60 * S_NS, 3600 * S_NS, 86400 * S_NS, 604800 * S_NS,
		INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1
	};
	uint64_t st = 20261128;
	size_t i;
	int k;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_round_trip(fixed[i]);
	/*
	 * Random values at every magnitude, some rounded to whole units so
	 * that the zero-dropping paths of the formatter are exercised.
	 */
	for (i = 0; i < 200000; i++) {
		uint64_t r = rnd(&st);
		int64_t v = (int64_t)(r >> (rnd(&st) % 64));

		if (r & 1)
			v = -v;
		switch ((r >> 1) % 4) {
		case 0:
			v -= v % S_NS;
			break;
		case 1:
			v -= v % 1000;
			break;
		case 2:
			v -= v % (60 * S_NS);
			break;
		default:
			break;
		}
		check_round_trip(v);
	}
	for (k = 0; k < 64; k++) {
		check_round_trip((int64_t)(UINT64_C(1) << k));
		check_round_trip(-(int64_t)((UINT64_C(1) << k) - 1));
	}
}

static uint64_t
size_ok(const char *s)
{
	const char *err = "unset";
	uint64_t v = 12345;

	cr_assert_eq(core_size_parse(s, &v, &err), 0, "\"%s\" refused: %s",
	    s, err);
	cr_assert_null(err);
	return v;
}

static const char *
size_bad(const char *s)
{
	const char *err = NULL;
	uint64_t v = 12345;

	cr_assert_eq(core_size_parse(s, &v, &err), -1,
	    "\"%s\" accepted as %llu", s, (unsigned long long)v);
	cr_assert_not_null(err);
	cr_assert_eq(v, 12345);
	return err;
}

Test(dur, size_multiples_are_binary)
{
	cr_assert_eq(size_ok("4096"), 4096);
	cr_assert_eq(size_ok("0"), 0);
	cr_assert_eq(size_ok("64K"), 65536);
	cr_assert_eq(size_ok("64k"), 65536);
	cr_assert_eq(size_ok("16M"), 16ULL << 20);
	cr_assert_eq(size_ok("1G"), 1ULL << 30);
	cr_assert_eq(size_ok("2T"), 2ULL << 40);
	cr_assert_eq(size_ok("3P"), 3ULL << 50);
	cr_assert_eq(size_ok("15E"), 15ULL << 60);
	cr_assert_eq(size_ok("18446744073709551615"), UINT64_MAX);
}

Test(dur, size_accepts_b_and_ib_suffixes)
{
	cr_assert_eq(size_ok("16MiB"), 16ULL << 20);
	cr_assert_eq(size_ok("16MB"), 16ULL << 20);
	cr_assert_eq(size_ok("4096B"), 4096);
	cr_assert_eq(size_ok("1KiB"), 1024);
}

Test(dur, size_rejects_junk_and_overflow)
{
	static const char *const bad[] = {
		"", " 1K", "1K ", "-1", "+1", "1X", "1KiBB", "1iB", "1Kb",
		"1.5G", "K", "B", "1KK", "1 K", "0x10"
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_str_eq(size_bad(bad[i]), "invalid", "\"%s\"",
		    bad[i]);
	cr_assert_str_eq(size_bad("16E"), "too large");
	cr_assert_str_eq(size_bad("18446744073709551616"), "too large");
	cr_assert_str_eq(size_bad("17179869184G"), "too large");
}
