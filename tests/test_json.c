/* SPDX-License-Identifier: MIT */
/* Tests for the JSON scanner and string writer. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/arena.h"
#include "libcore/json.h"

static int
valid(const char *s)
{
	struct core_json_err e;

	return core_json_validate(s, strlen(s), &e) == 0;
}

Test(json, accepts_valid_documents)
{
	static const char *const ok[] = {
		"{}", "[]", "0", "-0", "1.5e-3", "\"\"", "true", "null",
		"{\"a\":[1,2,{\"b\":null}],\"c\":\"\\u00e9\\ud83d\\ude00\"}",
		" [ 1 , 2 ] ", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "[[[[]]]]",
		"\"caf\xc3\xa9\"", "\"\xf0\x9f\x98\x80\"", "1E+2",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_expect(valid(ok[i]), "should accept %s", ok[i]);
}

Test(json, rejects_invalid_documents)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", ".5",
		"+1", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"",
		"[1 2]", "{\"a\":1,}", "{1:2}", "\"\t\"", "\"\xc3\"",
		"\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"\\ud800\"",
		"\"\\udc00\"", "[1]x", "NaN", "Infinity", "'a'", "[", "]",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(!valid(bad[i]), "should reject %s", bad[i]);
}

Test(json, error_position_points_at_the_fault)
{
	struct core_json_err e;
	const char *s = "{\"a\":1,\"b\" 2}";

	cr_assert_eq(core_json_validate(s, strlen(s), &e), -1);
	cr_expect_eq(e.pos, 11);
	cr_expect_str_eq(e.msg, "expected ':'");
}

Test(json, deep_nesting_is_an_error_not_a_crash)
{
	size_t n = 200000, i;
	char *s = malloc(n);
	struct core_json_err e;

	for (i = 0; i < n; i++)
		s[i] = '[';
	cr_expect_eq(core_json_validate(s, n, &e), -1);
	cr_expect_str_eq(e.msg, "nesting too deep");
	free(s);
	/* Just under the limit is fine. */
	s = malloc(2 * CORE_JSON_MAX_DEPTH);
	for (i = 0; i < CORE_JSON_MAX_DEPTH; i++) {
		s[i] = '[';
		s[2 * CORE_JSON_MAX_DEPTH - 1 - i] = ']';
	}
	cr_expect_eq(core_json_validate(s, 2 * CORE_JSON_MAX_DEPTH, &e), 0);
	free(s);
}

Test(json, string_without_escapes_is_zero_copy)
{
	struct core_arena a;
	const char *s = "\"hello\" rest", *p = s, *out;
	size_t len;

	core_arena_init(&a);
	cr_assert_eq(core_json_string(&p, s + strlen(s), &out, &len, &a, s,
	    NULL), 0);
	cr_expect_eq(out, s + 1);
	cr_expect_eq(len, 5);
	cr_expect_eq(p, s + 7);
	core_arena_release(&a);
}

Test(json, escapes_decode_to_utf8)
{
	struct core_arena a;
	const char *s = "\"a\\n\\u00e9\\ud83d\\ude00\\u0000z\"", *p = s, *out;
	size_t len;

	core_arena_init(&a);
	cr_assert_eq(core_json_string(&p, s + strlen(s), &out, &len, &a, s,
	    NULL), 0);
	cr_assert_eq(len, 10);
	cr_expect_eq(memcmp(out, "a\n\xc3\xa9\xf0\x9f\x98\x80\0z", 10), 0);
	core_arena_release(&a);
}

Test(json, values_are_typed)
{
	struct core_arena a;
	struct core_value v;
	const char *s, *p;

	core_arena_init(&a);
	s = "9223372036854775807";
	p = s;
	cr_assert_eq(core_json_value(&p, s + strlen(s), &v, &a, s, NULL), 0);
	cr_expect_eq(v.type, CORE_INT);
	cr_expect_eq(v.u.i, INT64_MAX);
	s = "-9223372036854775808";
	p = s;
	cr_assert_eq(core_json_value(&p, s + strlen(s), &v, &a, s, NULL), 0);
	cr_expect_eq(v.type, CORE_INT);
	cr_expect_eq(v.u.i, INT64_MIN);
	/* One past the range keeps its spelling as a number. */
	s = "9223372036854775808";
	p = s;
	cr_assert_eq(core_json_value(&p, s + strlen(s), &v, &a, s, NULL), 0);
	cr_expect_eq(v.type, CORE_DOUBLE);
	cr_expect(v.flags & CORE_VF_TEXT);
	cr_expect_eq(v.len, 19);
	s = "[1, {\"a\": 2}] tail";
	p = s;
	cr_assert_eq(core_json_value(&p, s + strlen(s), &v, &a, s, NULL), 0);
	cr_expect_eq(v.type, CORE_JSON);
	cr_expect_eq(v.len, 13);
	cr_expect_eq(v.u.s, s);
	core_arena_release(&a);
}

static char *
put(const char *s, size_t n)
{
	char *d = malloc(core_json_string_max(n) + 1), *e;

	e = core_json_put_string(d, s, n);
	*e = '\0';
	return d;
}

Test(json, writer_escapes_and_jansson_reads_it_back)
{
	const char raw[] = "tab\there \"q\" back\\slash \x01 nl\n caf\xc3\xa9";
	char *out = put(raw, sizeof(raw) - 1);
	json_error_t err;
	json_t *j = json_loads(out, JSON_DECODE_ANY, &err);

	cr_assert_not_null(j, "jansson rejected %s: %s", out, err.text);
	cr_expect_eq(json_string_length(j), sizeof(raw) - 1);
	cr_expect_eq(memcmp(json_string_value(j), raw, sizeof(raw) - 1), 0);
	cr_expect_str_eq(out, "\"tab\\there \\\"q\\\" back\\\\slash \\u0001 nl"
	    "\\n caf\xc3\xa9\"");
	json_decref(j);
	free(out);
}

Test(json, writer_replaces_invalid_utf8)
{
	char *out = put("a\xff" "b\xc3", 4);

	cr_expect_str_eq(out, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"");
	cr_expect(valid(out));
	free(out);
}

Test(json, writer_keeps_nul_bytes)
{
	char *out = put("a\0b", 3);

	cr_expect_str_eq(out, "\"a\\u0000b\"");
	free(out);
}

Test(json, utf8_validation)
{
	cr_expect(core_utf8_valid("abc\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    12));
	cr_expect(!core_utf8_valid("\xed\xa0\x80", 3));  /* surrogate */
	cr_expect(!core_utf8_valid("\xe0\x80\xaf", 3));  /* overlong */
	cr_expect(!core_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	cr_expect(!core_utf8_valid("\xc3", 1));          /* truncated */
	cr_expect(!core_utf8_valid("\x80", 1));
}

Test(json, number_scan_requires_whole_text)
{
	struct core_value v;

	cr_expect(core_number_scan("12", 2, &v) && v.type == CORE_INT);
	cr_expect(!core_number_scan("12a", 3, &v));
	cr_expect(!core_number_scan("012", 3, &v));
	cr_expect(core_number_scan("-0", 2, &v) && v.type == CORE_DOUBLE);
	cr_expect(!core_number_scan("", 0, &v));
	cr_expect(!core_number_scan("-", 1, &v));
}
