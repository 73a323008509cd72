/* SPDX-License-Identifier: MIT */
/* Tests for timestamp parsing and printing. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libcore/timefmt.h"

#define S_NS 1000000000LL

/* A seeded PRNG (splitmix64), so failures reproduce. */
static uint64_t
rnd(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Parses s from an exactly sized heap copy without a terminating NUL, so
 * that AddressSanitizer catches any read past the given length.
 */
static int
parse_exact(const struct core_timefmt *tf, const char *s, int64_t *ns)
{
	size_t len = strlen(s);
	char *copy = malloc(len ? len : 1);
	int r;

	cr_assert_not_null(copy);
	memcpy(copy, s, len);
	r = core_time_parse(tf, copy, len, ns);
	free(copy);
	return r;
}

static int64_t
ok_as(enum core_tfmt kind, const char *s)
{
	struct core_timefmt tf = { kind, NULL, 0 };
	int64_t ns = 0;

	cr_assert_eq(parse_exact(&tf, s, &ns), 0, "\"%s\" refused (kind %d)",
	    s, (int)kind);
	return ns;
}

static void
bad_as(enum core_tfmt kind, const char *s)
{
	struct core_timefmt tf = { kind, NULL, 0 };
	int64_t ns = 12345;

	cr_assert_eq(parse_exact(&tf, s, &ns), -1,
	    "\"%s\" accepted as %lld (kind %d)", s, (long long)ns, (int)kind);
	cr_assert_eq(ns, 12345, "\"%s\": output written on error", s);
}

#define RFC(s) ok_as(CORE_TF_RFC3339, (s))

Test(timefmt, init_knows_every_name)
{
	static const struct {
		const char *name;
		enum core_tfmt kind;
	} names[] = {
		{ "auto", CORE_TF_AUTO }, { "epoch", CORE_TF_EPOCH },
		{ "epoch_s", CORE_TF_EPOCH_S },
		{ "epoch_ms", CORE_TF_EPOCH_MS },
		{ "epoch_us", CORE_TF_EPOCH_US },
		{ "epoch_ns", CORE_TF_EPOCH_NS },
		{ "rfc3339", CORE_TF_RFC3339 }, { "iso8601", CORE_TF_RFC3339 },
		{ "clf", CORE_TF_CLF }, { "syslog", CORE_TF_SYSLOG },
	};
	struct core_timefmt tf;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert_eq(core_timefmt_init(&tf, names[i].name), 0);
		cr_assert_eq(tf.kind, names[i].kind, "%s", names[i].name);
		cr_assert_null(tf.pattern);
		cr_assert_eq(tf.ref_year, 0);
		core_timefmt_release(&tf);
	}
}

Test(timefmt, init_refuses_unknown_names_and_keeps_patterns)
{
	struct core_timefmt tf;

	cr_assert_eq(core_timefmt_init(&tf, "rfc"), -1);
	core_timefmt_release(&tf);
	cr_assert_eq(core_timefmt_init(&tf, ""), -1);
	core_timefmt_release(&tf);
	cr_assert_eq(core_timefmt_init(&tf, "Auto"), -1);
	core_timefmt_release(&tf);
	cr_assert_eq(core_timefmt_init(&tf, "%Y-%m-%d"), 0);
	cr_assert_eq(tf.kind, CORE_TF_PATTERN);
	cr_assert_str_eq(tf.pattern, "%Y-%m-%d");
	core_timefmt_release(&tf);
	cr_assert_null(tf.pattern);
	core_timefmt_release(&tf);
}

Test(timefmt, days_from_civil_matches_known_dates)
{
	static const struct {
		int64_t y;
		unsigned m, d;
		int64_t days;
	} cases[] = {
		{ 1970, 1, 1, 0 }, { 1969, 12, 31, -1 }, { 2000, 2, 29, 11016 },
		{ 2000, 3, 1, 11017 }, { 1, 1, 1, -719162 },
		{ 0, 3, 1, -719468 }, { 1600, 1, 1, -135140 },
		{ 9999, 12, 31, 2932896 }, { 2024, 2, 29, 19782 },
		{ 1900, 3, 1, -25508 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(core_days_from_civil(cases[i].y, cases[i].m,
		    cases[i].d), cases[i].days, "%lld-%u-%u",
		    (long long)cases[i].y, cases[i].m, cases[i].d);
}

Test(timefmt, civil_from_days_walks_the_calendar_day_by_day)
{
	static const unsigned char dim[13] = {
		0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int64_t y = -400, days, yy;
	unsigned m = 1, d = 1, mm, dd;

	/* Count days forward from -0400-01-01 across 1200 years. */
	days = core_days_from_civil(y, m, d);
	for (; y < 800; days++) {
		unsigned len = dim[m];

		if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
			len = 29;
		core_civil_from_days(days, &yy, &mm, &dd);
		cr_assert(yy == y && mm == m && dd == d,
		    "day %lld: %lld-%u-%u, expected %lld-%u-%u",
		    (long long)days, (long long)yy, mm, dd, (long long)y, m,
		    d);
		cr_assert_eq(core_days_from_civil(y, m, d), days);
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

Test(timefmt, civil_conversions_agree_with_gmtime)
{
	uint64_t st = 42;
	int i;

	for (i = 0; i < 5000; i++) {
		time_t t = (time_t)((int64_t)(rnd(&st) % 600000000000ULL) -
		    300000000000LL);
		int64_t days = (int64_t)t / 86400 - ((int64_t)t % 86400 < 0);
		int64_t y;
		unsigned m, d;
		struct tm tm;

		cr_assert_not_null(gmtime_r(&t, &tm));
		core_civil_from_days(days, &y, &m, &d);
		cr_assert_eq(y, (int64_t)tm.tm_year + 1900);
		cr_assert_eq(m, (unsigned)tm.tm_mon + 1);
		cr_assert_eq(d, (unsigned)tm.tm_mday);
		cr_assert_eq(core_days_from_civil((int64_t)tm.tm_year + 1900,
		    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday), days);
	}
}

Test(timefmt, civil_conversions_survive_extreme_inputs)
{
	int64_t y;
	unsigned m, d;

	core_civil_from_days(INT64_MAX, &y, &m, &d);
	cr_assert(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	cr_assert_gt(y, 0);
	core_civil_from_days(INT64_MIN, &y, &m, &d);
	cr_assert(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	cr_assert_lt(y, 0);
	cr_assert_eq(core_days_from_civil(INT64_MAX, 1, 1), INT64_MAX);
	cr_assert_eq(core_days_from_civil(INT64_MIN, 1, 1), INT64_MIN);
}

Test(timefmt, rfc3339_basic_forms)
{
	cr_assert_eq(RFC("1970-01-01T00:00:00Z"), 0);
	cr_assert_eq(RFC("2000-10-10T20:55:36Z"), 971211336 * S_NS);
	cr_assert_eq(RFC("2000-10-10t20:55:36z"), 971211336 * S_NS);
	cr_assert_eq(RFC("2000-10-10 20:55:36Z"), 971211336 * S_NS);
	cr_assert_eq(RFC("2000-10-10T20:55:36"), 971211336 * S_NS);
	cr_assert_eq(RFC("2000-10-10T20:55Z"), 971211300 * S_NS);
	cr_assert_eq(RFC("2000-10-10T20:55"), 971211300 * S_NS);
	cr_assert_eq(RFC("2000-10-10"), 971136000 * S_NS);
	cr_assert_eq(RFC("2026-11-28T08:35:17.123Z"),
	    1795854917 * S_NS + 123000000);
}

Test(timefmt, rfc3339_zone_offsets)
{
	int64_t utc = 971211336 * S_NS;

	cr_assert_eq(RFC("2000-10-10T13:55:36-07:00"), utc);
	cr_assert_eq(RFC("2000-10-10T13:55:36-0700"), utc);
	cr_assert_eq(RFC("2000-10-10T13:55:36-07"), utc);
	cr_assert_eq(RFC("2000-10-11T02:25:36+05:30"), utc);
	cr_assert_eq(RFC("2000-10-11T02:25:36+0530"), utc);
	cr_assert_eq(RFC("2000-10-10T20:55:36+00:00"), utc);
	cr_assert_eq(RFC("2000-10-10T20:55:36-00:00"), utc);
	cr_assert_eq(RFC("2000-10-11T10:40:36.5+13:45"), utc + 500000000);
	cr_assert_eq(RFC("2000-10-10T20:55-07:00"), utc - 36 * S_NS +
	    7 * 3600 * S_NS);
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36+24:00");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36+01:60");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36+1");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36+01:0");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36+010");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36+01:000");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36 +01:00");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36ZZ");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36UTC");
	bad_as(CORE_TF_RFC3339, "2000-10-10Z");
}

Test(timefmt, rfc3339_fractions_of_1_to_12_digits)
{
	static const struct {
		const char *frac;
		int64_t ns;
	} cases[] = {
		{ "1", 100000000 }, { "12", 120000000 }, { "123", 123000000 },
		{ "1234", 123400000 }, { "12345", 123450000 },
		{ "123456", 123456000 }, { "1234567", 123456700 },
		{ "12345678", 123456780 }, { "123456789", 123456789 },
		{ "1234567891", 123456789 }, { "12345678912", 123456789 },
		{ "123456789129", 123456789 }, { "000000001", 1 },
		{ "0000000009", 0 }, { "999999999999", 999999999 },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "2000-10-10T20:55:36.%sZ",
		    cases[i].frac);
		cr_assert_eq(RFC(buf), 971211336 * S_NS + cases[i].ns, "%s",
		    buf);
		snprintf(buf, sizeof(buf), "1969-12-31T23:59:59,%s",
		    cases[i].frac);
		cr_assert_eq(RFC(buf), -S_NS + cases[i].ns, "%s", buf);
	}
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36.Z");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36.");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55:36.12345678901x");
	bad_as(CORE_TF_RFC3339, "2000-10-10T20:55.5Z");
}

Test(timefmt, rfc3339_leap_years)
{
	cr_assert_eq(RFC("2000-02-29T00:00:00Z"), 11016 * 86400 * S_NS);
	cr_assert_eq(RFC("2024-02-29T12:00:00Z"), 1709208000 * S_NS);
	cr_assert_eq(RFC("2096-02-29"), core_days_from_civil(2096, 2, 29) *
	    86400 * S_NS);
	cr_assert_eq(RFC("2096-03-01") - RFC("2096-02-28"), 2 * 86400 * S_NS);
	cr_assert_eq(RFC("2100-03-01") - RFC("2100-02-28"), 86400 * S_NS);
	bad_as(CORE_TF_RFC3339, "1900-02-29T00:00:00Z");
	bad_as(CORE_TF_RFC3339, "2023-02-29T00:00:00Z");
	bad_as(CORE_TF_RFC3339, "2100-02-29");
	bad_as(CORE_TF_RFC3339, "2024-02-30");
}

Test(timefmt, rfc3339_field_ranges)
{
	cr_assert_eq(RFC("2000-01-31"), RFC("2000-02-01") - 86400 * S_NS);
	cr_assert_eq(RFC("2000-12-31T23:59:59Z"), RFC("2001-01-01") - S_NS);
	bad_as(CORE_TF_RFC3339, "2000-00-10");
	bad_as(CORE_TF_RFC3339, "2000-13-10");
	bad_as(CORE_TF_RFC3339, "2000-04-31");
	bad_as(CORE_TF_RFC3339, "2000-04-00");
	bad_as(CORE_TF_RFC3339, "2000-10-10T24:00:00Z");
	bad_as(CORE_TF_RFC3339, "2000-10-10T23:60:00Z");
	bad_as(CORE_TF_RFC3339, "2000-10-10T23:59:61Z");
}

Test(timefmt, leap_second_is_read_as_the_last_nanosecond_of_its_minute)
{
	int64_t last = RFC("2017-01-01") - 1;

	cr_assert_eq(RFC("2016-12-31T23:59:60Z"), last);
	cr_assert_eq(RFC("2016-12-31T23:59:60.5Z"), last);
	cr_assert_eq(RFC("2017-01-01T05:29:60+05:30"), last);
	cr_assert_lt(RFC("2016-12-31T23:59:59.999Z"),
	    RFC("2016-12-31T23:59:60Z"));
}

Test(timefmt, rfc3339_pre_1970_and_range_limits)
{
	cr_assert_eq(RFC("1969-12-31T23:59:59.5Z"), -500000000);
	cr_assert_eq(RFC("1900-01-01T00:00:00Z"), -2208988800LL * S_NS);
	cr_assert_eq(RFC("1677-09-21T00:12:43.145224192Z"), INT64_MIN);
	cr_assert_eq(RFC("2262-04-11T23:47:16.854775807Z"), INT64_MAX);
	bad_as(CORE_TF_RFC3339, "1677-09-21T00:12:43.145224191Z");
	bad_as(CORE_TF_RFC3339, "2262-04-11T23:47:16.854775808Z");
	bad_as(CORE_TF_RFC3339, "2262-04-11T23:47:16.854775807-00:01");
	bad_as(CORE_TF_RFC3339, "9999-12-31T23:59:59Z");
	bad_as(CORE_TF_RFC3339, "0000-01-01");
}

Test(timefmt, rfc3339_signed_extended_years)
{
	cr_assert_eq(RFC("+1970-01-01T00:00:00Z"), 0);
	cr_assert_eq(RFC("+001970-01-01T00:00:01Z"), S_NS);
	cr_assert_eq(RFC("+000002000-10-10T20:55:36Z"), 971211336 * S_NS);
	/* Representable years only lie in 1677..2262. */
	bad_as(CORE_TF_RFC3339, "+12345-01-01T00:00:00Z");
	bad_as(CORE_TF_RFC3339, "-0001-01-01T00:00:00Z");
	bad_as(CORE_TF_RFC3339, "-999999999-01-01");
	bad_as(CORE_TF_RFC3339, "+197-01-01");
	bad_as(CORE_TF_RFC3339, "+0000000001970-01-01");
}

Test(timefmt, rfc3339_garbage_is_rejected)
{
	static const char *const bad[] = {
		"", "2000", "2000-10", "2000-1-10", "2000-10-1", "200-10-10",
		"2000/10/10", "2000-10-10T", "2000-10-10T20", "2000-10-10T20:5",
		"2000-10-10T20:55:3", "2000-10-10X20:55:36Z",
		" 2000-10-10", "2000-10-10 ", "2000-10-10T20:55:36Z ",
		"2000-10-10T20:55:36 Z", "20001010T205536Z",
		"2000-10-10TT20:55",
		"2000-1a-10", "x000-10-10", "2000-10-10T2a:55:36",
		"2000-10-10T20:55:36.5.5Z", "2000-10-10\n",
		"1700000000", "10/Oct/2000:13:55:36 -0700",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_as(CORE_TF_RFC3339, bad[i]);
}

Test(timefmt, parse_stops_at_the_given_length)
{
	struct core_timefmt tf = { CORE_TF_RFC3339, NULL, 0 };
	const char *s = "2000-10-10T20:55:36Zjunk";
	int64_t ns;

	cr_assert_eq(core_time_parse(&tf, s, 20, &ns), 0);
	cr_assert_eq(ns, 971211336 * S_NS);
	cr_assert_eq(core_time_parse(&tf, s, 19, &ns), 0);
	cr_assert_eq(core_time_parse(&tf, s, 21, &ns), -1);
	cr_assert_eq(core_time_parse(&tf, s, 0, &ns), -1);
}

Test(timefmt, format_rfc3339_writes_fraction_groups_of_three)
{
	static const struct {
		int64_t ns;
		const char *text;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 971211336 * S_NS, "2000-10-10T20:55:36Z" },
		{ 971211336 * S_NS + 500000000, "2000-10-10T20:55:36.500Z" },
		{ 971211336 * S_NS + 1000, "2000-10-10T20:55:36.000001Z" },
		{ 971211336 * S_NS + 1, "2000-10-10T20:55:36.000000001Z" },
		{ 971211336 * S_NS + 123456780,
		    "2000-10-10T20:55:36.123456780Z" },
		{ -1, "1969-12-31T23:59:59.999999999Z" },
		{ -500000000, "1969-12-31T23:59:59.500Z" },
		{ INT64_MIN, "1677-09-21T00:12:43.145224192Z" },
		{ INT64_MAX, "2262-04-11T23:47:16.854775807Z" },
	};
	char buf[CORE_TIME_BUFSZ];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = core_time_format_rfc3339(cases[i].ns, buf);
		cr_assert_str_eq(buf, cases[i].text);
		cr_assert_eq(n, strlen(buf));
	}
}

static void
check_rfc_round_trip(int64_t ns)
{
	struct core_timefmt tf = { CORE_TF_RFC3339, NULL, 0 };
	char buf[CORE_TIME_BUFSZ];
	int64_t back = 0;
	size_t n;

	n = core_time_format_rfc3339(ns, buf);
	cr_assert_lt(n, sizeof(buf));
	cr_assert_eq(core_time_parse(&tf, buf, n, &back), 0, "%lld: \"%s\"",
	    (long long)ns, buf);
	cr_assert_eq(back, ns, "%lld -> \"%s\" -> %lld", (long long)ns, buf,
	    (long long)back);
}

Test(timefmt, rfc3339_round_trips_every_int64)
{
	static const int64_t fixed[] = {
		0, 1, -1, S_NS, -S_NS, INT64_MIN, INT64_MAX, INT64_MIN + 1,
		INT64_MAX - 1, -S_NS + 1, 86400 * S_NS - 1,
	};
	uint64_t st = 7;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_rfc_round_trip(fixed[i]);
	for (i = 0; i < 100000; i++) {
		int64_t v = (int64_t)rnd(&st);

		switch (i % 4) {
		case 0:
			v -= v % S_NS;
			break;
		case 1:
			v -= v % 1000000;
			break;
		case 2:
			v -= v % 1000;
			break;
		default:
			break;
		}
		check_rfc_round_trip(v);
	}
}

/*
 * Writes t (seconds) with the C library's calendar as local time in the
 * zone off (seconds east), e.g. "1999-03-04T05:06:07.123+05:30".
 */
static void
libc_stamp(char *buf, size_t size, int64_t t, int64_t frac, int off,
    int zone_form)
{
	time_t lt = (time_t)(t + off);
	struct tm tm;
	char zone[16];
	int a = off < 0 ? -off : off;
	size_t n;

	cr_assert_not_null(gmtime_r(&lt, &tm));
	switch (zone_form) {
	case 0:
		snprintf(zone, sizeof(zone), "%s", off ? "+00:00" : "Z");
		if (off)
			snprintf(zone, sizeof(zone), "%c%02d:%02d",
			    off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
		break;
	case 1:
		snprintf(zone, sizeof(zone), "%c%02d%02d",
		    off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
		break;
	default:
		snprintf(zone, sizeof(zone), "%s", off ? "" : "z");
		break;
	}
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	cr_assert_gt(n, 0);
	snprintf(buf + n, size - n, ".%09lld%s", (long long)frac, zone);
}

Test(timefmt, rfc3339_agrees_with_gmtime_for_random_times)
{
	struct core_timefmt tf = { CORE_TF_RFC3339, NULL, 0 };
	uint64_t st = 1234;
	char buf[96];
	int i;

	for (i = 0; i < 5000; i++) {
		/* Seconds in 1678..2261, so every time is representable. */
		int64_t t = (int64_t)(rnd(&st) % 18000000000ULL) -
		    9000000000LL;
		int64_t frac = (int64_t)(rnd(&st) % S_NS);
		int off = (int)(rnd(&st) % (24 * 60)) * 60 - 12 * 3600;
		int form = i % 3;
		int64_t ns;

		if (form == 2)
			off = 0;
		libc_stamp(buf, sizeof(buf), t, frac, off, form);
		cr_assert_eq(core_time_parse(&tf, buf, strlen(buf), &ns), 0,
		    "%s", buf);
		cr_assert_eq(ns, t * S_NS + frac, "%s: %lld, expected %lld",
		    buf, (long long)ns, (long long)(t * S_NS + frac));
	}
}

#define CLF(s) ok_as(CORE_TF_CLF, (s))

Test(timefmt, clf_with_negative_offset)
{
	cr_assert_eq(CLF("10/Oct/2000:13:55:36 -0700"), 971211336 * S_NS);
	cr_assert_eq(CLF("[10/Oct/2000:13:55:36 -0700]"), 971211336 * S_NS);
	cr_assert_eq(CLF("10/Oct/2000:13:55:36 -07:00"), 971211336 * S_NS);
}

Test(timefmt, clf_with_positive_utc_and_missing_offset)
{
	cr_assert_eq(CLF("11/Oct/2000:02:25:36 +0530"), 971211336 * S_NS);
	cr_assert_eq(CLF("10/Oct/2000:20:55:36 +0000"), 971211336 * S_NS);
	cr_assert_eq(CLF("10/Oct/2000:20:55:36"), 971211336 * S_NS);
	cr_assert_eq(CLF("10/Oct/2000:20:55:36.25 +0000"),
	    971211336 * S_NS + 250000000);
}

Test(timefmt, clf_month_names_in_any_case)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	char buf[64];
	int i;

	for (i = 0; i < 12; i++) {
		snprintf(buf, sizeof(buf), "01/%s/2001:00:00:00 +0000",
		    months[i]);
		cr_assert_eq(CLF(buf), core_days_from_civil(2001,
		    (unsigned)i + 1, 1) * 86400 * S_NS, "%s", buf);
	}
	cr_assert_eq(CLF("10/oct/2000:20:55:36 +0000"), 971211336 * S_NS);
	cr_assert_eq(CLF("10/OCT/2000:20:55:36 +0000"), 971211336 * S_NS);
}

Test(timefmt, clf_garbage_is_rejected)
{
	static const char *const bad[] = {
		"", "10/Foo/2000:13:55:36 -0700", "10/Oct/2000 13:55:36 -0700",
		"1/Oct/2000:13:55:36 -0700", "32/Oct/2000:13:55:36 -0700",
		"31/Sep/2000:13:55:36 -0700", "29/Feb/1900:13:55:36 +0000",
		"10/Oct/2000:13:55:36 -070", "10/Oct/2000:13:55:36  -0700",
		"10/Oct/2000:13:55:36-0700", "[10/Oct/2000:13:55:36 -0700",
		"10/Oct/2000:13:55:36 -0700]", "10/Oct/2000:13:55 -0700",
		"10/Oct/2000:24:00:00 -0700", "10/Oct/00:13:55:36 -0700",
		"10/O\xe3t/2000:13:55:36 -0700", "10/Oct/2000:13:55:36 -0700 ",
		"2000-10-10T20:55:36Z",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_as(CORE_TF_CLF, bad[i]);
	cr_assert_eq(CLF("29/Feb/2000:00:00:00 +0000"),
	    11016 * 86400 * S_NS);
}

static int64_t
syslog_in(int ref_year, const char *s)
{
	struct core_timefmt tf = { CORE_TF_SYSLOG, NULL, ref_year };
	int64_t ns = 0;

	cr_assert_eq(parse_exact(&tf, s, &ns), 0, "\"%s\" refused", s);
	return ns;
}

Test(timefmt, syslog_uses_the_reference_year)
{
	cr_assert_eq(syslog_in(2023, "Oct 11 22:14:15"), 1697062455 * S_NS);
	cr_assert_eq(syslog_in(2023, "Oct  1 22:14:15"), 1696198455 * S_NS);
	cr_assert_eq(syslog_in(2023, "Oct 01 22:14:15"), 1696198455 * S_NS);
	cr_assert_eq(syslog_in(2023, "Oct 1 22:14:15"), 1696198455 * S_NS);
	cr_assert_eq(syslog_in(2023, "oct 11 22:14:15.5"),
	    1697062455 * S_NS + 500000000);
	cr_assert_eq(syslog_in(2024, "Feb 29 12:00:00"), 1709208000 * S_NS);
	cr_assert_eq(syslog_in(2000, "Oct 10 20:55:36"), 971211336 * S_NS);
}

Test(timefmt, syslog_garbage_is_rejected)
{
	static const char *const bad[] = {
		"", "Oct 11 22:14", "Oct 11 22:14:15 ", "Oct 11 22:14:15Z",
		"Oct   1 22:14:15", "Oct 0 22:14:15", "Oct 32 22:14:15",
		"Foo 11 22:14:15", "Oct11 22:14:15", "Oct 11  22:14:15",
		"Oct 111 22:14:15", "Oct 11 24:14:15", "Oct 11T22:14:15",
		"Feb 29 12:00:00", "Apr 31 00:00:00",
	};
	struct core_timefmt tf = { CORE_TF_SYSLOG, NULL, 2023 };
	int64_t ns;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse_exact(&tf, bad[i], &ns), -1, "\"%s\"",
		    bad[i]);
}

/*
 * Without a reference year the result must carry the stamp's month, day
 * and time and lie in the year that ends 31 days from now.
 */
static void
check_syslog_now(int64_t delta)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	time_t t = time(NULL) + (time_t)delta, back;
	int64_t ns, now = (int64_t)time(NULL);
	struct tm tm, got;
	char buf[32];

	cr_assert_not_null(gmtime_r(&t, &tm));
	if (tm.tm_mon == 1 && tm.tm_mday == 29)
		return;
	snprintf(buf, sizeof(buf), "%s %2d %02d:%02d:%02d",
	    months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	ns = syslog_in(0, buf);
	back = (time_t)(ns / S_NS);
	cr_assert_not_null(gmtime_r(&back, &got));
	cr_assert(got.tm_mon == tm.tm_mon && got.tm_mday == tm.tm_mday &&
	    got.tm_hour == tm.tm_hour && got.tm_min == tm.tm_min &&
	    got.tm_sec == tm.tm_sec, "%s", buf);
	cr_assert_leq(ns / S_NS, now + 31 * 86400 + 5, "%s", buf);
	cr_assert_gt(ns / S_NS, now + 31 * 86400 - 366 * 86400 - 5, "%s",
	    buf);
	if (delta <= 0 && delta > -300 * 86400)
		cr_assert_eq(ns / S_NS, (int64_t)t, "%s", buf);
}

/*
 * The year rule written out with the C library: the stamp's fields in the
 * current UTC year, or in the year before when that lies more than 31 days
 * ahead.  Stamps are kept a day away from the 31-day edge.
 */
static void
check_syslog_year_rule(int mon, int mday, int hour)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	time_t now = time(NULL), want;
	struct tm tm;
	char buf[32];

	cr_assert_not_null(gmtime_r(&now, &tm));
	tm.tm_mon = mon;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = 2;
	tm.tm_sec = 3;
	want = timegm(&tm);
	if (want > now + 30 * 86400 && want < now + 32 * 86400)
		return;
	if (want > now + 31 * 86400) {
		tm.tm_year--;
		want = timegm(&tm);
	}
	snprintf(buf, sizeof(buf), "%s %2d %02d:02:03", months[mon], mday,
	    hour);
	cr_assert_eq(syslog_in(0, buf), (int64_t)want * S_NS, "%s", buf);
}

Test(timefmt, syslog_year_is_the_previous_one_when_far_in_the_future)
{
	time_t now = time(NULL), t;
	struct tm tm;
	int k, checked = 0;

	check_syslog_year_rule(0, 1, 0);
	check_syslog_year_rule(11, 31, 23);
	/* Dates from 20 to 80 days ahead, across the 31-day edge. */
	for (k = 20; k <= 80; k += 3) {
		t = now + (time_t)k * 86400;
		cr_assert_not_null(gmtime_r(&t, &tm));
		if (tm.tm_mon == 1 && tm.tm_mday == 29)
			continue;
		check_syslog_year_rule(tm.tm_mon, tm.tm_mday, tm.tm_hour);
		checked++;
	}
	cr_assert_gt(checked, 10);
}

Test(timefmt, syslog_without_reference_year_stays_near_now)
{
	check_syslog_now(-3600);
	check_syslog_now(0);
	check_syslog_now(-200 * 86400);
	check_syslog_now(10 * 86400);
	check_syslog_now(60 * 86400);
	check_syslog_now(200 * 86400);
}

#define EPOCH(s) ok_as(CORE_TF_EPOCH, (s))

Test(timefmt, epoch_seconds_with_fractions)
{
	cr_assert_eq(EPOCH("1700000000"), 1700000000 * S_NS);
	cr_assert_eq(EPOCH("1700000000.123"), 1700000000 * S_NS + 123000000);
	cr_assert_eq(EPOCH("1700000000.1234567891"),
	    1700000000 * S_NS + 123456789);
	cr_assert_eq(EPOCH("0"), 0);
	cr_assert_eq(EPOCH("-0"), 0);
	cr_assert_eq(EPOCH("+5"), 5 * S_NS);
	cr_assert_eq(EPOCH("0.1"), 100000000);
}

Test(timefmt, negative_epoch)
{
	cr_assert_eq(EPOCH("-5"), -5 * S_NS);
	cr_assert_eq(EPOCH("-1.5"), -1500000000);
	cr_assert_eq(EPOCH("-0.000000001"), -1);
	cr_assert_eq(EPOCH("-0.0000000019"), -1);
	cr_assert_eq(EPOCH("-9223372036.854775808"), INT64_MIN);
	cr_assert_eq(EPOCH("-315619200"), RFC("1960-01-01"));
}

/*
 * Seconds, milliseconds and microseconds near the top of their magnitude
 * band do not fit int64 nanoseconds, so a refusal there shows the unit
 * chosen: read as the next finer unit the same number would fit.
 */
Test(timefmt, epoch_unit_follows_magnitude_boundaries)
{
	cr_assert_eq(EPOCH("9223372036"), 9223372036 * S_NS);
	cr_assert_eq(EPOCH("9223372036.854775807"), INT64_MAX);
	bad_as(CORE_TF_EPOCH, "9223372036.854775808");
	bad_as(CORE_TF_EPOCH, "99999999999");
	bad_as(CORE_TF_EPOCH, "99999999999.5");
	cr_assert_eq(EPOCH("100000000000"), 100000000000 * 1000000LL);
	cr_assert_eq(EPOCH("100000000000.5"), 100000000000 * 1000000LL +
	    500000);
	cr_assert_eq(EPOCH("9223372036854"), 9223372036854 * 1000000LL);
	bad_as(CORE_TF_EPOCH, "99999999999999");
	cr_assert_eq(EPOCH("100000000000000"), 100000000000000 * 1000LL);
	cr_assert_eq(EPOCH("100000000000000.5"), 100000000000000 * 1000LL +
	    500);
	cr_assert_eq(EPOCH("9223372036854775"), 9223372036854775 * 1000LL);
	bad_as(CORE_TF_EPOCH, "99999999999999999");
	cr_assert_eq(EPOCH("100000000000000000"), 100000000000000000LL);
	cr_assert_eq(EPOCH("100000000000000000.9"), 100000000000000000LL);
	cr_assert_eq(EPOCH("9223372036854775807"), INT64_MAX);
	cr_assert_eq(EPOCH("-9223372036854775808"), INT64_MIN);
	cr_assert_eq(EPOCH("-100000000000"), -100000000000 * 1000000LL);
	bad_as(CORE_TF_EPOCH, "-99999999999");
	cr_assert_eq(EPOCH("1700000000123"), 1700000000123 * 1000000LL);
	cr_assert_eq(EPOCH("1700000000123456"), 1700000000123456 * 1000LL);
	cr_assert_eq(EPOCH("1700000000123456789"), 1700000000123456789LL);
	bad_as(CORE_TF_EPOCH, "9223372036854775808");
	bad_as(CORE_TF_EPOCH, "-9223372036854775809");
	bad_as(CORE_TF_EPOCH, "99999999999999999999999");
}

Test(timefmt, epoch_exponent_forms_are_exact)
{
	cr_assert_eq(EPOCH("1.7e9"), 1700000000 * S_NS);
	cr_assert_eq(EPOCH("1.7E+9"), 1700000000 * S_NS);
	cr_assert_eq(EPOCH("17e8"), 1700000000 * S_NS);
	cr_assert_eq(EPOCH("1e-3"), 1000000);
	cr_assert_eq(EPOCH("123456e-3"), 123 * S_NS + 456000000);
	cr_assert_eq(EPOCH("1.700000000123e12"), 1700000000123 * 1000000LL);
	cr_assert_eq(EPOCH("-1.5e0"), -1500000000);
	cr_assert_eq(EPOCH("0e99"), 0);
	cr_assert_eq(EPOCH("5e-99"), 0);
	bad_as(CORE_TF_EPOCH, "1e100");
	bad_as(CORE_TF_EPOCH, "1e19");
	bad_as(CORE_TF_EPOCH, "1e");
	bad_as(CORE_TF_EPOCH, "1e+");
	bad_as(CORE_TF_EPOCH, "e9");
	bad_as(CORE_TF_EPOCH, "1e9.5");
}

Test(timefmt, epoch_fixed_units_scale_without_magnitude_guess)
{
	cr_assert_eq(ok_as(CORE_TF_EPOCH_S, "5"), 5 * S_NS);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_S, "9000000000"), 9000000000 * S_NS);
	bad_as(CORE_TF_EPOCH_S, "100000000000");
	cr_assert_eq(ok_as(CORE_TF_EPOCH_MS, "5"), 5000000);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_MS, "1.5"), 1500000);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_MS, "-1.0000019"), -1000001);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_US, "5"), 5000);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_US, "1.5"), 1500);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_NS, "5"), 5);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_NS, "5.0"), 5);
	cr_assert_eq(ok_as(CORE_TF_EPOCH_NS, "1.7e18"), 1700000000000000000);
	bad_as(CORE_TF_EPOCH_NS, "5.5");
	bad_as(CORE_TF_EPOCH_NS, "5e-1");
	bad_as(CORE_TF_EPOCH_S, "9223372037");
	bad_as(CORE_TF_EPOCH_MS, "9223372036855");
}

Test(timefmt, epoch_garbage_is_rejected)
{
	static const char *const bad[] = {
		"", "-", "+", ".", "1.", ".5", "1x", " 1", "1 ", "0x10", "--1",
		"1.2.3", "1,5", "1_000", "inf", "nan", "+-1", "1e5x", "١",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bad_as(CORE_TF_EPOCH, bad[i]);
		bad_as(CORE_TF_EPOCH_MS, bad[i]);
		bad_as(CORE_TF_AUTO, bad[i]);
	}
}

Test(timefmt, auto_detects_each_shape)
{
	struct core_timefmt tf = { CORE_TF_AUTO, NULL, 2023 };
	int64_t ns;

	cr_assert_eq(ok_as(CORE_TF_AUTO, "1700000000.5"),
	    1700000000 * S_NS + 500000000);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "-5"), -5 * S_NS);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "1.7e9"), 1700000000 * S_NS);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "1700000000123"),
	    1700000000123 * 1000000LL);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "2000-10-10T20:55:36Z"),
	    971211336 * S_NS);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "2000-10-10"), 971136000 * S_NS);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "+2000-10-10"), 971136000 * S_NS);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "10/Oct/2000:13:55:36 -0700"),
	    971211336 * S_NS);
	cr_assert_eq(ok_as(CORE_TF_AUTO, "[10/Oct/2000:13:55:36 -0700]"),
	    971211336 * S_NS);
	cr_assert_eq(parse_exact(&tf, "Oct 11 22:14:15", &ns), 0);
	cr_assert_eq(ns, 1697062455 * S_NS);
	bad_as(CORE_TF_AUTO, "2000-13-10");
	bad_as(CORE_TF_AUTO, "Tomorrow");
	bad_as(CORE_TF_AUTO, "#1");
	bad_as(CORE_TF_AUTO, "1700000000 ");
}

Test(timefmt, from_int_by_magnitude_and_unit)
{
	struct core_timefmt tf = { CORE_TF_AUTO, NULL, 0 };
	int64_t ns;

	cr_assert_eq(core_time_from_int(&tf, 1700000000, &ns), 0);
	cr_assert_eq(ns, 1700000000 * S_NS);
	cr_assert_eq(core_time_from_int(&tf, -9223372036, &ns), 0);
	cr_assert_eq(ns, -9223372036 * S_NS);
	/* Seconds by magnitude, too large for int64 nanoseconds. */
	cr_assert_eq(core_time_from_int(&tf, 99999999999, &ns), -1);
	cr_assert_eq(core_time_from_int(&tf, -99999999999, &ns), -1);
	cr_assert_eq(core_time_from_int(&tf, 100000000000, &ns), 0);
	cr_assert_eq(ns, 100000000000 * 1000000LL);
	cr_assert_eq(core_time_from_int(&tf, -100000000000, &ns), 0);
	cr_assert_eq(ns, -100000000000 * 1000000LL);
	cr_assert_eq(core_time_from_int(&tf, 99999999999999, &ns), -1);
	cr_assert_eq(core_time_from_int(&tf, 99999999999999999, &ns), -1);
	cr_assert_eq(core_time_from_int(&tf, 100000000000000, &ns), 0);
	cr_assert_eq(ns, 100000000000000 * 1000LL);
	cr_assert_eq(core_time_from_int(&tf, 100000000000000000, &ns), 0);
	cr_assert_eq(ns, 100000000000000000);
	cr_assert_eq(core_time_from_int(&tf, INT64_MIN, &ns), 0);
	cr_assert_eq(ns, INT64_MIN);
	cr_assert_eq(core_time_from_int(&tf, INT64_MAX, &ns), 0);
	cr_assert_eq(ns, INT64_MAX);
	tf.kind = CORE_TF_EPOCH_MS;
	cr_assert_eq(core_time_from_int(&tf, -5, &ns), 0);
	cr_assert_eq(ns, -5000000);
	tf.kind = CORE_TF_EPOCH_US;
	cr_assert_eq(core_time_from_int(&tf, 5, &ns), 0);
	cr_assert_eq(ns, 5000);
	tf.kind = CORE_TF_EPOCH_NS;
	cr_assert_eq(core_time_from_int(&tf, 5, &ns), 0);
	cr_assert_eq(ns, 5);
	tf.kind = CORE_TF_EPOCH_S;
	ns = 77;
	cr_assert_eq(core_time_from_int(&tf, INT64_MAX / 1000, &ns), -1);
	cr_assert_eq(core_time_from_int(&tf, -9223372037, &ns), -1);
	cr_assert_eq(ns, 77);
	tf.kind = CORE_TF_RFC3339;
	cr_assert_eq(core_time_from_int(&tf, 5, &ns), -1);
	tf.kind = CORE_TF_CLF;
	cr_assert_eq(core_time_from_int(&tf, 5, &ns), -1);
}

Test(timefmt, from_double_recovers_the_decimal_that_was_meant)
{
	struct core_timefmt tf = { CORE_TF_EPOCH, NULL, 0 };
	int64_t ns;

	cr_assert_eq(core_time_from_double(&tf, 1700000000.123, &ns), 0);
	cr_assert_eq(ns, 1700000000 * S_NS + 123000000);
	cr_assert_eq(core_time_from_double(&tf, 1700000000.5, &ns), 0);
	cr_assert_eq(ns, 1700000000 * S_NS + 500000000);
	cr_assert_eq(core_time_from_double(&tf, 0.1, &ns), 0);
	cr_assert_eq(ns, 100000000);
	cr_assert_eq(core_time_from_double(&tf, 1.000000001, &ns), 0);
	cr_assert_eq(ns, 1000000001);
	cr_assert_eq(core_time_from_double(&tf, -1.25, &ns), 0);
	cr_assert_eq(ns, -1250000000);
	cr_assert_eq(core_time_from_double(&tf, 1700000000123.456, &ns), 0);
	cr_assert_eq(ns, 1700000000123456000);
	cr_assert_eq(core_time_from_double(&tf, 1.7e18, &ns), 0);
	cr_assert_eq(ns, 1700000000000000000);
	cr_assert_eq(core_time_from_double(&tf, 0.0, &ns), 0);
	cr_assert_eq(ns, 0);
	cr_assert_eq(core_time_from_double(&tf, -9223372036854775808.0, &ns),
	    0);
	cr_assert_eq(ns, INT64_MIN);
	tf.kind = CORE_TF_EPOCH_MS;
	cr_assert_eq(core_time_from_double(&tf, 1.5, &ns), 0);
	cr_assert_eq(ns, 1500000);
}

Test(timefmt, from_double_refuses_nan_inf_and_out_of_range)
{
	struct core_timefmt tf = { CORE_TF_AUTO, NULL, 0 };
	int64_t ns = 77;
	double zero = 0.0;

	cr_assert_eq(core_time_from_double(&tf, zero / zero, &ns), -1);
	cr_assert_eq(core_time_from_double(&tf, 1.0 / zero, &ns), -1);
	cr_assert_eq(core_time_from_double(&tf, -1.0 / zero, &ns), -1);
	cr_assert_eq(core_time_from_double(&tf, 1e300, &ns), -1);
	cr_assert_eq(core_time_from_double(&tf, 9223372036854775808.0, &ns),
	    -1);
	tf.kind = CORE_TF_EPOCH_S;
	cr_assert_eq(core_time_from_double(&tf, 1e10, &ns), -1);
	tf.kind = CORE_TF_SYSLOG;
	cr_assert_eq(core_time_from_double(&tf, 1.0, &ns), -1);
	cr_assert_eq(ns, 77);
}

Test(timefmt, from_double_agrees_with_text_for_random_millisecond_times)
{
	struct core_timefmt tf = { CORE_TF_EPOCH_S, NULL, 0 };
	uint64_t st = 99;
	int i;

	for (i = 0; i < 20000; i++) {
		int64_t ms = (int64_t)(rnd(&st) % 4000000000000ULL);
		char buf[40];
		int64_t a, b;

		snprintf(buf, sizeof(buf), "%lld.%03lld",
		    (long long)(ms / 1000), (long long)(ms % 1000));
		cr_assert_eq(core_time_parse(&tf, buf, strlen(buf), &a), 0);
		cr_assert_eq(core_time_from_double(&tf, strtod(buf, NULL), &b),
		    0);
		cr_assert_eq(a, ms * 1000000);
		cr_assert_eq(b, a, "%s: %lld vs %lld", buf, (long long)b,
		    (long long)a);
	}
}

static int64_t
pattern_parse(const char *pat, const char *s, int *rc)
{
	struct core_timefmt tf;
	int64_t ns = 12345;

	cr_assert_eq(core_timefmt_init(&tf, pat), 0);
	*rc = parse_exact(&tf, s, &ns);
	core_timefmt_release(&tf);
	return ns;
}

Test(timefmt, strptime_pattern_with_zone_offset)
{
	int rc;

	cr_assert_eq(pattern_parse("%Y-%m-%d %H:%M:%S %z",
	    "2000-10-10 13:55:36 -0700", &rc), 971211336 * S_NS);
	cr_assert_eq(rc, 0);
	cr_assert_eq(pattern_parse("%d/%b/%Y:%H:%M:%S %z",
	    "11/Oct/2000:02:25:36 +0530", &rc), 971211336 * S_NS);
	cr_assert_eq(rc, 0);
	cr_assert_eq(pattern_parse("%Y%m%d%H%M%S", "20001010205536", &rc),
	    971211336 * S_NS);
	cr_assert_eq(rc, 0);
}

Test(timefmt, strptime_pattern_defaults_and_rejections)
{
	char longtext[400];
	int rc;

	cr_assert_eq(pattern_parse("%Y-%m-%d", "2000-10-10", &rc),
	    971136000 * S_NS);
	cr_assert_eq(rc, 0);
	cr_assert_eq(pattern_parse("%H:%M", "01:02", &rc), 3720 * S_NS);
	cr_assert_eq(rc, 0);
	cr_assert_eq(pattern_parse("%Y-%m-%d %H:%M:%S",
	    "2016-12-31 23:59:60", &rc), RFC("2017-01-01") - 1);
	cr_assert_eq(rc, 0);
	pattern_parse("%Y-%m-%d", "2023-02-29", &rc);
	cr_assert_eq(rc, -1);
	pattern_parse("%Y-%m-%d", "2000-10-10 junk", &rc);
	cr_assert_eq(rc, -1);
	pattern_parse("%Y-%m-%d", "nonsense", &rc);
	cr_assert_eq(rc, -1);
	pattern_parse("%Y-%m-%d", "1500-01-01", &rc);
	cr_assert_eq(rc, -1);
	memset(longtext, '1', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	pattern_parse("%s", longtext, &rc);
	cr_assert_eq(rc, -1);
}

Test(timefmt, pattern_kind_without_pattern_fails)
{
	bad_as(CORE_TF_PATTERN, "2000-10-10");
}
