/* SPDX-License-Identifier: MIT */
/* Tests for values: inference, comparison, hashing, formatting. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/fmt.h"
#include "libcore/value.h"

static struct core_value
inf(const char *s)
{
	return core_value_infer(s, strlen(s));
}

Test(value, inference_keeps_text_that_would_not_print_back)
{
	cr_expect_eq(inf("42").type, CORE_INT);
	cr_expect_eq(inf("-7").u.i, -7);
	cr_expect_eq(inf("08123").type, CORE_STR);
	cr_expect_eq(inf("+1").type, CORE_STR);
	cr_expect_eq(inf("1.50").type, CORE_DOUBLE);
	cr_expect(inf("1.50").flags & CORE_VF_TEXT);
	cr_expect_eq(inf("1e400").type, CORE_DOUBLE);
	cr_expect_eq(inf("true").type, CORE_BOOL);
	cr_expect_eq(inf("TRUE").type, CORE_STR);
	cr_expect_eq(inf("").type, CORE_STR);
	cr_expect_eq(inf("12abc").type, CORE_STR);
	cr_expect_eq(inf(" 1").type, CORE_STR);
	cr_expect_eq(inf("99999999999999999999").type, CORE_DOUBLE);
}

static const char *
text(struct core_value v)
{
	static struct core_buf b;

	core_buf_reset(&b);
	core_value_text(&b, &v);
	return core_buf_str(&b);
}

static const char *
json(struct core_value v)
{
	static struct core_buf b;

	core_buf_reset(&b);
	core_value_json(&b, &v);
	return core_buf_str(&b);
}

Test(value, inferred_values_print_back_unchanged)
{
	static const char *const s[] = {
		"0", "-1", "9223372036854775807", "-9223372036854775808",
		"1.50", "-0", "1e400", "0.000001", "3.0", "true", "false",
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		cr_expect_str_eq(text(inf(s[i])), s[i]);
}

Test(value, doubles_print_shortest_and_stay_doubles)
{
	cr_expect_str_eq(json(core_v_double(3.0)), "3.0");
	cr_expect_str_eq(json(core_v_double(0.1)), "0.1");
	cr_expect_str_eq(json(core_v_double(1.0 / 3)), "0.3333333333333333");
	cr_expect_str_eq(json(core_v_double(1e100)), "1e+100");
	cr_expect_str_eq(json(core_v_double(-0.0)), "-0.0");
	cr_expect_str_eq(json(core_v_double(NAN)), "null");
	cr_expect_str_eq(json(core_v_double(INFINITY)), "null");
	cr_expect_str_eq(text(core_v_double(INFINITY)), "Infinity");
}

Test(value, double_format_round_trips_random_values)
{
	char buf[CORE_DBL_BUFSZ];
	unsigned seed = 12345;
	int i;

	for (i = 0; i < 20000; i++) {
		uint64_t bits = 0;
		double d;
		int k;

		for (k = 0; k < 4; k++)
			bits = bits << 16 | (rand_r(&seed) & 0xffff);
		memcpy(&d, &bits, 8);
		if (!isfinite(d))
			continue;
		core_double_format(d, buf);
		cr_assert_eq(strtod(buf, NULL), d, "%s", buf);
	}
}

Test(value, json_and_text_forms)
{
	cr_expect_str_eq(json(core_v_null()), "null");
	cr_expect_str_eq(text(core_v_null()), "");
	cr_expect_str_eq(json(core_v_str("a\"b", 3)), "\"a\\\"b\"");
	cr_expect_str_eq(text(core_v_str("a\"b", 3)), "a\"b");
	cr_expect_str_eq(json(core_v_time(0)), "\"1970-01-01T00:00:00Z\"");
	cr_expect_str_eq(text(core_v_time(1500000000)),
	    "1970-01-01T00:00:01.500Z");
	cr_expect_str_eq(json(core_v_int(INT64_MIN)), "-9223372036854775808");
	cr_expect_str_eq(json(core_v_json("[1,\n2]", 6)), "[1,2]");
}

Test(value, order_across_types)
{
	struct core_value n = core_v_null(), b = core_v_bool(1);
	struct core_value i = core_v_int(3), d = core_v_double(2.5);
	struct core_value s = core_v_str("a", 1);

	cr_expect_lt(core_value_cmp(&n, &b), 0);
	cr_expect_lt(core_value_cmp(&b, &d), 0);
	cr_expect_lt(core_value_cmp(&d, &i), 0);
	cr_expect_lt(core_value_cmp(&i, &s), 0);
	cr_expect_gt(core_value_cmp(&s, &n), 0);
}

Test(value, int_and_double_compare_exactly)
{
	struct core_value a = core_v_int(9007199254740993LL);
	struct core_value b = core_v_double(9007199254740992.0);
	struct core_value c = core_v_int(3), d = core_value_infer("3.0", 3);

	cr_expect_gt(core_value_cmp(&a, &b), 0);
	cr_expect_lt(core_value_cmp(&b, &a), 0);
	cr_expect(core_value_eq(&c, &d));
	cr_expect_eq(core_value_hash(&c), core_value_hash(&d));
}

Test(value, nan_sorts_last_among_numbers)
{
	struct core_value x = core_v_double(NAN), y = core_v_double(1e300);

	cr_expect_gt(core_value_cmp(&x, &y), 0);
	cr_expect_lt(core_value_cmp(&y, &x), 0);
	cr_expect_eq(core_value_cmp(&x, &x), 0);
}

Test(value, strings_compare_as_bytes)
{
	struct core_value a = core_v_str("ab", 2), b = core_v_str("abc", 3);
	struct core_value c = core_v_str("b", 1);

	cr_expect_lt(core_value_cmp(&a, &b), 0);
	cr_expect_lt(core_value_cmp(&b, &c), 0);
	cr_expect(!core_value_eq(&a, &b));
	cr_expect_neq(core_value_hash(&a), core_value_hash(&b));
}

Test(value, number_reading)
{
	struct core_value v = inf("1.25"), s = core_v_str("1", 1);
	double d;

	cr_expect_eq(core_value_number(&v, &d), 0);
	cr_expect_eq(d, 1.25);
	cr_expect_eq(core_value_number(&s, &d), -1);
}

Test(value, fmt_i64_extremes)
{
	char buf[32], *e;

	e = core_fmt_i64(buf, INT64_MIN);
	*e = '\0';
	cr_expect_str_eq(buf, "-9223372036854775808");
	e = core_fmt_i64(buf, 0);
	*e = '\0';
	cr_expect_str_eq(buf, "0");
	e = core_fmt_i64(buf, 1234567890123LL);
	*e = '\0';
	cr_expect_str_eq(buf, "1234567890123");
}
