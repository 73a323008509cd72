/* SPDX-License-Identifier: MIT */
/* Tests for expressions: parsing, precedence, errors, every operator and
 * function, NULL semantics. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/expr.h"
#include "libcore/rec.h"

/* A record with a few typed fields for the expressions to read. */
static struct core_recb rb;
static struct core_rec rec;

static const char user_json[] =
    "{\"id\":42,\"tags\":[\"a\",\"b\\\"c\"],\"x\":{\"y\":null}}";

static void
setup(void)
{
	core_recb_init(&rb);
	core_recb_add(&rb, core_sym_str("i"), core_v_int(7));
	core_recb_add(&rb, core_sym_str("neg"), core_v_int(-3));
	core_recb_add(&rb, core_sym_str("d"), core_v_numtext("2.5", 3));
	core_recb_add(&rb, core_sym_str("s"), core_v_str("Hello World", 11));
	core_recb_add(&rb, core_sym_str("n"), core_v_null());
	core_recb_add(&rb, core_sym_str("b"), core_v_bool(1));
	core_recb_add(&rb, core_sym_str("t"), core_v_time(1700000000123000000LL));
	core_recb_add(&rb, core_sym_str("user"), core_v_json(user_json,
	    strlen(user_json)));
	core_recb_add(&rb, core_sym_str("a.b"), core_v_str("dotted", 6));
	core_recb_add(&rb, core_sym_str("odd name"), core_v_int(1));
	core_recb_add(&rb, core_sym_str("big"), core_v_int(INT64_MAX));
	core_recb_finish(&rb, &rec, 1700000000000000000LL);
}

static void
teardown(void)
{
	core_recb_release(&rb);
}

TestSuite(expr, .init = setup, .fini = teardown);

/* Evaluates src and renders the result as JSON, or "ERROR: msg". */
static const char *
run(const char *src)
{
	static struct core_buf out;
	struct core_expr_err err;
	struct core_expr *e = core_expr_compile(src, &err);
	struct core_value v;

	core_buf_reset(&out);
	if (e == NULL) {
		core_buf_addf(&out, "ERROR %u:%u: %s", err.line, err.col,
		    err.msg);
		return core_buf_str(&out);
	}
	core_expr_eval(e, &rec, &v);
	core_value_json(&out, &v);
	core_expr_free(e);
	return core_buf_str(&out);
}

#define EQ(src, want) cr_expect_str_eq(run(src), want, "%s", src)

Test(expr, literals)
{
	EQ("42", "42");
	EQ("-42", "-42");
	EQ("-9223372036854775808", "-9223372036854775808");
	EQ("1.5", "1.5");
	EQ("1e3", "1000.0");
	EQ("'it''s'", "\"it's\"");
	EQ("true", "true");
	EQ("NULL", "null");
	EQ("5m", "300000000000");
	EQ("250ms", "250000000");
	EQ("INTERVAL '1h30m'", "5400000000000");
	/* SQL's spellings of intervals. */
	EQ("INTERVAL '1 second'", "1000000000");
	EQ("INTERVAL '2 hours 30 minutes'", "9000000000000");
	EQ("interval '1 nanosecond'", "1");
	EQ("INTERVAL '5' MINUTE", "300000000000");
	EQ("INTERVAL '-3 Days'", "-259200000000000");
	EQ("t - INTERVAL '1 ms' < t", "true");
	EQ("TIMESTAMP '2026-01-01T00:00:00Z'", "\"2026-01-01T00:00:00Z\"");
}

Test(expr, field_references)
{
	EQ("i", "7");
	EQ("missing", "null");
	EQ("user.id", "42");
	EQ("user.tags[1]", "\"b\\\"c\"");
	EQ("user.tags[-1]", "\"b\\\"c\"");
	EQ("user.tags[5]", "null");
	EQ("user['id']", "42");
	EQ("user.x.y", "null");
	EQ("user.x", "{\"y\":null}");
	EQ("a.b", "\"dotted\"");
	EQ("\"odd name\"", "1");
	EQ("s.nope", "null");
	EQ("I", "null");    /* names are case-sensitive */
}

Test(expr, arithmetic)
{
	EQ("1 + 2 * 3", "7");
	EQ("(1 + 2) * 3", "9");
	EQ("7 - 10", "-3");
	EQ("i / 2", "3.5");
	EQ("8 / 2", "4");
	EQ("-7 // 2", "-4");
	EQ("7 % 3", "1");
	EQ("-7 % 3", "-1");
	EQ("d * 2", "5.0");
	EQ("i + d", "9.5");
	EQ("-i", "-7");
	EQ("- - i", "7");
	EQ("2 - 3 - 4", "-5");    /* left associative */
	EQ("2 * 3 % 4", "2");
}

Test(expr, overflow_becomes_double_and_division_by_zero_null)
{
	EQ("big + 1", "9.223372036854776e+18");
	EQ("big * 2", "1.8446744073709552e+19");
	EQ("-big - 2", "-9.223372036854776e+18");
	EQ("1 / 0", "null");
	EQ("1 % 0", "null");
	EQ("d / 0", "null");
	EQ("-(-9223372036854775807 - 1)", "9.223372036854776e+18");
}

Test(expr, comparison_and_logic)
{
	EQ("i > 5 AND i < 10", "true");
	EQ("i = 7", "true");
	EQ("i == 7", "true");
	EQ("i <> 7", "false");
	EQ("i != 8", "true");
	EQ("d >= 2.5", "true");
	EQ("i > d", "true");
	EQ("s = 'Hello World'", "true");
	EQ("s < 'Hi'", "true");
	EQ("NOT i = 7", "false");
	EQ("true OR false AND false", "true");   /* AND binds tighter */
	EQ("(true OR false) AND false", "false");
	EQ("t > TIMESTAMP '2023-01-01T00:00:00Z'", "true");
	EQ("t > '2023-01-01'", "true");
	EQ("t - 1h < t", "true");
}

Test(expr, three_valued_logic)
{
	EQ("n = 1", "null");
	EQ("n = n", "null");
	EQ("n AND false", "false");
	EQ("n AND true", "null");
	EQ("n OR true", "true");
	EQ("n OR false", "null");
	EQ("NOT n", "null");
	EQ("n IS NULL", "true");
	EQ("i IS NOT NULL", "true");
	EQ("missing IS NULL", "true");
	EQ("n + 1", "null");
	EQ("n || 'x'", "null");
}

Test(expr, type_mismatch_is_null)
{
	EQ("i = '7'", "null");
	EQ("s + 1", "null");
	EQ("b > 1", "null");
}

Test(expr, in_between)
{
	EQ("i IN (1, 7, 9)", "true");
	EQ("i IN (1, 2)", "false");
	EQ("i NOT IN (1, 2)", "true");
	EQ("i IN (1, NULL)", "null");
	EQ("i IN (7, NULL)", "true");
	EQ("n IN (1)", "null");
	EQ("s IN ('x', 'Hello World')", "true");
	EQ("i BETWEEN 7 AND 8", "true");
	EQ("i BETWEEN 8 AND 9", "false");
	EQ("i NOT BETWEEN 8 AND 9", "true");
	EQ("i BETWEEN 1 AND n", "null");
	EQ("i BETWEEN 8 AND n", "false");
	EQ("i BETWEEN 1 + 1 AND 3 * 3", "true");
}

Test(expr, like_and_regex)
{
	EQ("s LIKE 'Hello%'", "true");
	EQ("s LIKE 'hello%'", "false");
	EQ("s ILIKE 'hello%'", "true");
	EQ("s LIKE 'H_llo World'", "true");
	EQ("s LIKE 'Hello'", "false");
	EQ("s NOT LIKE '%x%'", "true");
	EQ("'50%' LIKE '50\\%'", "true");
	EQ("'a.c' LIKE 'a.c'", "true");
	EQ("'abc' LIKE 'a.c'", "false");
	EQ("'é' LIKE '_'", "true");
	EQ("s ~ '^Hel+o'", "true");
	EQ("s ~ 'world'", "false");
	EQ("s ~* 'WORLD$'", "true");
	EQ("s !~ 'xyz'", "true");
	EQ("n ~ 'x'", "null");
	EQ("s ~ ('W' || 'o')", "true");
	EQ("i ~ '^7$'", "true");
}

Test(expr, case_cast_coalesce)
{
	EQ("CASE WHEN i > 5 THEN 'big' ELSE 'small' END", "\"big\"");
	EQ("CASE WHEN i > 50 THEN 'big' END", "null");
	EQ("CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", "\"seven\"");
	EQ("CASE WHEN n THEN 1 ELSE 2 END", "2");
	EQ("CAST('42' AS int)", "42");
	EQ("CAST(' 42 ' AS int)", "42");
	EQ("CAST(2.5 AS int)", "3");
	EQ("CAST(-2.5 AS int)", "-3");
	EQ("CAST('x' AS int)", "null");
	EQ("CAST(i AS string)", "\"7\"");
	EQ("i::double", "7.0");
	EQ("'yes'::bool", "true");
	EQ("'1700000000'::timestamp", "\"2023-11-14T22:13:20Z\"");
	EQ("'[1,2]'::json", "[1,2]");
	EQ("'nope'::json", "null");
	EQ("CAST(1e30 AS int)", "null");
	EQ("COALESCE(n, missing, 3)", "3");
	EQ("COALESCE(n)", "null");
	EQ("NULLIF(i, 7)", "null");
	EQ("NULLIF(i, 8)", "7");
	EQ("if(i > 1, 'y', 'n')", "\"y\"");
	EQ("typeof(d)", "\"double\"");
}

Test(expr, string_functions)
{
	EQ("lower(s)", "\"hello world\"");
	EQ("upper(s)", "\"HELLO WORLD\"");
	EQ("length(s)", "11");
	EQ("length('héllo')", "5");
	EQ("substr(s, 7)", "\"World\"");
	EQ("substr(s, 1, 5)", "\"Hello\"");
	EQ("substr(s, 0, 2)", "\"H\"");
	EQ("substr(s, 20)", "\"\"");
	EQ("substr('héllo', 2, 2)", "\"él\"");
	EQ("split_part('a,b,c', ',', 2)", "\"b\"");
	EQ("split_part('a,b,c', ',', 4)", "\"\"");
	EQ("concat('a', n, 1, true)", "\"a1true\"");
	EQ("'a' || 1", "\"a1\"");
	EQ("trim('  x  ')", "\"x\"");
	EQ("ltrim('xxaxx', 'x')", "\"axx\"");
	EQ("rtrim('xxaxx', 'x')", "\"xxa\"");
	EQ("replace(s, 'o', '0')", "\"Hell0 W0rld\"");
	EQ("lower(n)", "null");
}

Test(expr, math_functions)
{
	EQ("abs(neg)", "3");
	EQ("abs(-2.5)", "2.5");
	EQ("round(2.5)", "3");
	EQ("round(3.14159, 2)", "3.14");
	EQ("floor(-2.5)", "-3");
	EQ("ceil(2.1)", "3");
	EQ("ln(1)", "0.0");
	EQ("ln(0)", "null");
	EQ("sqrt(-1)", "null");
	EQ("pow(2, 10)", "1024.0");
	EQ("power(-8, 0.5)", "null");
	EQ("exp(0)", "1.0");
	EQ("log10(1000)", "3.0");
}

Test(expr, time_functions)
{
	EQ("event_time()", "\"2023-11-14T22:13:20Z\"");
	EQ("date_trunc('minute', t)", "\"2023-11-14T22:13:00Z\"");
	EQ("date_trunc('hour', t)", "\"2023-11-14T22:00:00Z\"");
	EQ("date_trunc('day', t)", "\"2023-11-14T00:00:00Z\"");
	EQ("date_trunc('week', t)", "\"2023-11-13T00:00:00Z\"");
	EQ("date_trunc('month', t)", "\"2023-11-01T00:00:00Z\"");
	EQ("date_trunc('year', t)", "\"2023-01-01T00:00:00Z\"");
	EQ("date_trunc('fortnight', t)", "null");
	EQ("hour(t)", "22");
	EQ("minute(t)", "13");
	EQ("second(t)", "20");
	EQ("year(t)", "2023");
	EQ("month(t)", "11");
	EQ("day(t)", "14");
	EQ("dow(t)", "2");
	EQ("strftime(t, '%Y-%m-%d %H:%M')", "\"2023-11-14 22:13\"");
	EQ("parse_time('10/Oct/2000:13:55:36 -0700')",
	    "\"2000-10-10T20:55:36Z\"");
	EQ("parse_time('01.02.2026', '%d.%m.%Y')", "\"2026-02-01T00:00:00Z\"");
	EQ("parse_time('garbage')", "null");
	EQ("hour('2026-01-01T05:00:00Z')", "5");
	EQ("now() > t", "true");
}

Test(expr, parse_errors_point_at_the_column)
{
	EQ("(i > 1 AND", "ERROR 1:11: expected a value at the end");
	EQ("(i > 1", "ERROR 1:7: expected ')' at the end");
	EQ("a AND (b OR c AND", "ERROR 1:18: expected a value at the end");
	EQ("i > 1 )", "ERROR 1:7: unexpected ')'");
	EQ("1 < 2 < 3", "ERROR 1:7: comparisons do not chain (use AND) near '<'");
	EQ("'abc", "ERROR 1:1: unterminated string");
	EQ("\"abc", "ERROR 1:1: unterminated quoted name");
	EQ("i # 2", "ERROR 1:3: unexpected character '#'");
	EQ("nosuch(1)", "ERROR 1:1: unknown function 'nosuch'");
	EQ("lower()", "ERROR 1:1: lower() takes 1 argument, not 0");
	EQ("substr('a')", "ERROR 1:1: substr() takes 2 to 3 arguments, not 1");
	EQ("i IS 5", "ERROR 1:6: expected NULL after IS near '5'");
	EQ("i NOT 5", "ERROR 1:7: expected IN, BETWEEN or LIKE after NOT near '5'");
	EQ("CAST(i AS widget)", "ERROR 1:11: expected a type (int, double, "
	    "string, bool, timestamp, json) near 'widget'");
	EQ("s ~ '('", "ERROR 1:7: bad regular expression: missing closing "
	    "parenthesis");
	EQ("5x", "ERROR 1:1: bad number or duration '5x' (unknown unit)");
	EQ("i + INTERVAL '1 fortnight'", "ERROR 1:14: bad interval "
	    "'1 fortnight' (unknown unit)");
	EQ("", "ERROR 1:1: expected a value at the end");
	EQ("CASE WHEN 1 THEN 2", "ERROR 1:19: expected END at the end");
	EQ("i\n AND\n (", "ERROR 3:3: expected a value at the end");
}

Test(expr, deep_nesting_is_an_error)
{
	char src[1000];
	int i;

	for (i = 0; i < 400; i++)
		src[i] = '(';
	strcpy(src + 400, "1");
	cr_expect_str_eq(run(src), "ERROR 1:201: expression nested too "
	    "deeply");
}

Test(expr, where_semantics_and_diagnostics)
{
	struct core_expr_err err;
	struct core_expr *e = core_expr_compile("i = 's'", &err);
	struct core_expr *f = core_expr_compile("i > 1", &err);
	struct core_expr *g = core_expr_compile("n > 1", &err);

	cr_expect_eq(core_expr_test(e, &rec), 0);
	cr_expect_eq(core_expr_test(e, &rec), 0);
	cr_expect_eq(core_expr_diag(e)->n, 2);
	cr_expect_str_eq(core_expr_diag(e)->first, "expression:1:3: "
	    "comparing int with string gives NULL");
	cr_expect_eq(core_expr_test(f, &rec), 1);
	cr_expect_eq(core_expr_diag(f)->n, 0);
	cr_expect_eq(core_expr_test(g, &rec), 0);
	cr_expect_eq(core_expr_diag(g)->n, 0);   /* NULL is not a problem */
	core_expr_free(e);
	core_expr_free(f);
	core_expr_free(g);
}

Test(expr, strings_made_per_record_do_not_grow_memory)
{
	struct core_expr_err err;
	struct core_expr *e = core_expr_compile("upper(s) || lower(s)", &err);
	struct core_value v;
	int i;

	for (i = 0; i < 100000; i++)
		core_expr_eval(e, &rec, &v);
	cr_expect_eq(v.len, 22);
	core_expr_free(e);
}
