/* SPDX-License-Identifier: MIT */
/* Tests that parsing with a memo of the last RFC 3339 stamp's date and
 * minute gives what parsing without one gives, whatever came before. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/timefmt.h"
#include "tests/rng.h"

/*
 * Parses s[0..len) with memo m and without one; both must agree.  The text
 * is copied to a buffer of exactly len bytes so that the sanitizers catch
 * a read past it.
 */
static void
check(const struct core_timefmt *tf, struct core_time_memo *m,
    const char *text, size_t len)
{
	char *s = malloc(len ? len : 1);
	int64_t a = 0x5a5a, b = 0x5a5a;
	int ra, rb;

	memcpy(s, text, len);
	ra = core_time_parse(tf, s, len, &a);
	rb = core_time_parse_memo(tf, m, s, len, &b);
	cr_assert_eq(ra, rb, "\"%.*s\" (format %d): %d without memo, %d "
	    "with", (int)len, text, (int)tf->kind, ra, rb);
	if (ra == 0)
		cr_assert_eq(a, b, "\"%.*s\" (format %d): %lld without memo, "
		    "%lld with", (int)len, text, (int)tf->kind, (long long)a,
		    (long long)b);
	free(s);
}

/* Checks text and every prefix of it, after each of the primers. */
static void
check_all(const struct core_timefmt *tf, const char *text)
{
	static const char *const primers[] = {
		NULL, "2024-03-01T00:00:00Z", "2024-03-01T00:00",
		"2024-03-01t00:00:00Z", "2024-03-01 00:00:00Z",
		"2024-02-29T23:59:59Z", "2023-03-01T00:00:00Z",
	};
	size_t i, n, len = strlen(text);

	for (i = 0; i < sizeof(primers) / sizeof(primers[0]); i++) {
		for (n = 0; n <= len; n++) {
			struct core_time_memo m;
			int64_t ns;

			memset(&m, 0, sizeof(m));
			if (primers[i])
				core_time_parse_memo(tf, &m, primers[i],
				    strlen(primers[i]), &ns);
			check(tf, &m, text, n);
			/* And again, now that text itself may be the memo. */
			check(tf, &m, text, n);
			check(tf, &m, text, len);
			check(tf, &m, text, n);
		}
	}
}

static const char *const stamps[] = {
	"2024-03-01T00:00:00.005Z", "2024-03-01T00:00:00Z",
	"2024-03-01T00:00Z", "2024-03-01T00:00", "2024-03-01T00:00:59.999Z",
	"2024-03-01T00:00:59.9999999999999Z", "2024-03-01t00:00:01.5z",
	"2024-03-01 00:00:02,25+01:00", "2024-03-01T00:00:03-0130",
	"2024-03-01T00:00:04+05", "2024-03-01T00:00:60Z",
	"2024-03-01T00:00:60.5Z", "2024-03-01T00:00:60", "2024-02-29T23:59:59Z",
	"2023-02-29T00:00:00Z", "2024-03-01T24:00:00Z", "2024-03-01T00:60:00Z",
	"2024-03-01T00:00:61Z", "2024-03-01T00:00:00.Z", "2024-03-01T00:00:0Z",
	"2024-03-01T00:00:00.123456789Z", "2024-03-01T00:00:00.1234567891Z",
	"2024-03-01T00:00:00.000Zjunk", "2024-03-01T00:00:00+24:00",
	"2024-03-01T00:00:00-00:00", "2024-03-01T00:00:00+23:59",
	"2024-03-01T00:00+01:00", "2024-03-01T00:00:00+1", "2024-03-01",
	"2024-03-01T", "2024-03-01T00:0", "2024-03-01X00:00:00Z",
	"+2024-03-01T00:00:00Z", "-0001-03-01T00:00:00Z",
	"+12345-03-01T00:00:00Z", "+2024-03-01T00:00", "1709251200",
	"1709251200.5", "-1.5e3", "9999-12-31T23:59:59.999999999Z",
	"0000-01-01T00:00:00Z", "0000-01-01T00:00:00+00:01",
	"2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-03-00T00:00:00Z",
	"2024-03-01T00:00:00 Z", "2024-03-01T00:00:00,0001Z",
	"2024-03-01T00:00:01:00Z", "2024-03-01T00:01:00Z",
	"2024-03-01T23:59:00-23:59", "2100-02-29T00:00:00Z",
	"2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59Z",
	"10/Oct/2000:13:55:36 -0700", "Oct 11 22:14:15",
};

Test(timefmt, memo_gives_what_parsing_without_one_gives)
{
	static const char *const kinds[] = {
		"auto", "rfc3339", "epoch", "clf", "syslog", "%Y-%m-%dT%H:%M",
	};
	struct core_timefmt tf;
	size_t k, i;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		cr_assert_eq(core_timefmt_init(&tf, kinds[k]), 0);
		tf.ref_year = 2024;
		for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++)
			check_all(&tf, stamps[i]);
		core_timefmt_release(&tf);
	}
}

Test(timefmt, memo_reads_consecutive_stamps_like_the_parser)
{
	struct core_timefmt tf;
	struct core_time_memo m;
	int64_t ns, prev = 0;
	char buf[64];
	int i, n;

	cr_assert_eq(core_timefmt_init(&tf, "auto"), 0);
	memset(&m, 0, sizeof(m));
	/* Across minutes, hours, a day, a month and a leap day. */
	for (i = 0; i < 4000; i++) {
		n = snprintf(buf, sizeof(buf), "2024-02-%02dT%02d:%02d:%02d.%03dZ",
		    28 + i / 1440 % 2, i / 60 % 24, i % 60, i * 7 % 61, i % 1000);
		check(&tf, &m, buf, (size_t)n);
		cr_assert_eq(core_time_parse_memo(&tf, &m, buf, (size_t)n, &ns),
		    0, "%s", buf);
		if (i % 60 != 0 && i * 7 % 61 != 60)
			cr_assert_gt(ns, prev, "%s", buf);
		prev = ns;
	}
	core_timefmt_release(&tf);
}

/*
 * Random stamps built from pieces, good and bad, read in one long run
 * with one memo: every answer must be the memo-less parser's.
 */
Test(timefmt, memo_matches_parser_on_random_stamps)
{
	static const char *const dates[] = {
		"2024-03-01", "2024-03-02", "2024-02-29", "2023-02-29",
		"2024-13-01", "2024-03-32", "+2024-03-01", "-0001-12-31",
		"0000-01-01", "9999-12-31", "2024-3-01", "20240301",
	};
	static const char *const seps[] = { "T", "t", " ", "X", "" };
	static const char *const hms[] = {
		"00:00", "00:01", "23:59", "24:00", "00:60", "12:3", "1:00",
		"00:00:", "",
	};
	static const char *const secs[] = {
		"", ":00", ":59", ":60", ":61", ":6", ":00.", ":00.5",
		":00.123456789", ":00.1234567891234", ",5", ":00,25", ":0a",
		/* the usual tail and its near misses */
		":07.250", ":59.999", ":60.000", ":61.000", ":5a.123",
		":05.12a", ":05.a23", ":05,123", ":05.1234", ":05.12",
	};
	static const char *const zones[] = {
		"", "Z", "z", "+01:00", "-01:30", "+0130", "-05", "+24:00",
		"+23:59", "+1", "Zjunk", " Z", "-00:00", "+01:60",
	};
	struct core_timefmt tf[2];
	struct core_time_memo m[2];
	uint64_t seed = 3;
	char buf[96];
	int iter, n, k;

	cr_assert_eq(core_timefmt_init(&tf[0], "auto"), 0);
	cr_assert_eq(core_timefmt_init(&tf[1], "rfc3339"), 0);
	memset(m, 0, sizeof(m));
#define PICK(a) (a)[rnd(&seed) % (sizeof(a) / sizeof((a)[0]))]
	for (iter = 0; iter < 200000; iter++) {
		n = snprintf(buf, sizeof(buf), "%s%s%s%s%s", PICK(dates),
		    PICK(seps), PICK(hms), PICK(secs), PICK(zones));
		if (rnd(&seed) % 8 == 0)
			n = (int)(rnd(&seed) % (uint64_t)(n + 1));
		for (k = 0; k < 2; k++)
			check(&tf[k], &m[k], buf, (size_t)n);
	}
#undef PICK
	core_timefmt_release(&tf[0]);
	core_timefmt_release(&tf[1]);
}
