/* SPDX-License-Identifier: MIT */
/* Fuzz target: the JSON scanner (core_json_validate, and the NDJSON
 * decoder on one line), differential against jansson. */
#include <jansson.h>

#include "fuzz_common.c"

/*
 * Both parsers must agree on accept/reject, and on what a
 * one-line object holds.  The documented differences are excluded here,
 * and only these:
 *
 * 1. Depth: ours refuses more than CORE_JSON_MAX_DEPTH (1000) nested
 *    containers ("nesting too deep"); jansson allows JSON_PARSER_MAX_DEPTH
 *    (2048) levels.  Skipped when ours says "nesting too deep".
 * 2. Number range: jansson refuses integers outside long long ("too big
 *    integer") and reals that overflow a double ("real number overflow"),
 *    json_error_numeric_overflow; ours keeps such numbers as their text
 *    (value.h, CORE_VF_TEXT).  Skipped when jansson says so.
 * 3. "\u0000" in an object key: jansson refuses it even with
 *    JSON_ALLOW_NUL (json_error_null_byte_in_key); ours allows it (symbols
 *    may hold NUL, sym.h).  Skipped when jansson says so.
 * 4. A raw NUL byte right after a number or a literal: jansson skips it
 *    and accepts "1\0", "[1\0]", "[true\0]" (its lexer puts the byte
 *    back with lex_unget, and stream_get takes a NUL in its buffer for the
 *    buffer's end).  A raw NUL is never valid JSON and ours refuses it.
 *    Skipped when ours refuses, jansson accepts and the input holds a NUL.
 *
 * Lone or misordered surrogate escapes are refused by both ("lone low
 * surrogate escape", "unpaired surrogate escape"; jansson "invalid
 * Unicode"): no exclusion.  Input that is not valid UTF-8 is compared
 * too: jansson checks the UTF-8 of the whole input, ours inside strings,
 * and outside strings any non-ASCII byte is a syntax error for both.
 */

#define JFLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)

static int
excluded(const uint8_t *data, size_t size, const struct core_json_err *ours,
    int ours_ok, const json_error_t *theirs, int theirs_ok)
{
	if (!ours_ok && strcmp(ours->msg, "nesting too deep") == 0)
		return 1;
	if (!ours_ok && theirs_ok && memchr(data, '\0', size) != NULL)
		return 1;
	if (!theirs_ok) {
		switch (json_error_code(theirs)) {
		case json_error_numeric_overflow:
		case json_error_null_byte_in_key:
			return 1;
		default:
			break;
		}
	}
	return 0;
}

/* Whether our value v and jansson's j hold the same. */
static int
same_value(const struct core_value *v, json_t *j)
{
	json_t *k;
	json_error_t err;
	int eq;

	switch (v->type) {
	case CORE_NULL:
		return json_is_null(j);
	case CORE_BOOL:
		return v->u.i ? json_is_true(j) : json_is_false(j);
	case CORE_INT:
		return json_is_integer(j) && json_integer_value(j) == v->u.i;
	case CORE_DOUBLE:
		if (json_is_integer(j))
			return core_value_double(v) ==
			    (double)json_integer_value(j);
		return json_is_real(j) &&
		    core_value_double(v) == json_real_value(j);
	case CORE_STR:
		return json_is_string(j) && json_string_length(j) == v->len &&
		    memcmp(json_string_value(j), v->u.s, v->len) == 0;
	case CORE_JSON:
		k = json_loadb(v->u.s, v->len, JFLAGS, &err);
		if (k == NULL)
			fuzz_fail("jansson refuses our nested JSON value: %s",
			    err.text);
		eq = json_equal(k, j);
		json_decref(k);
		return eq;
	default:
		return 0;
	}
}

/* The NDJSON decoder on a one-line object jansson read as j. */
static void
compare_object(const uint8_t *data, size_t size, json_t *j)
{
	struct core_input in;
	struct core_decopts o = { .format = "ndjson" };
	struct core_dec *d;
	struct core_event ev;
	const char *key;
	json_t *val;
	size_t i = 0;
	void *it;

	core_input_open_mem(&in, data, size, "fuzz", 0);
	d = core_dec_new(&in, &o);
	if (core_dec_next(d, &ev) != CORE_EV_REC)
		fuzz_fail("jansson reads an object, the NDJSON decoder %s",
		    ev.kind == CORE_EV_BAD ? ev.reason : "nothing");
	if (ev.rec.schema->n != json_object_size(j))
		fuzz_fail("%u fields, jansson %zu", ev.rec.schema->n,
		    json_object_size(j));
	for (it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
		const struct core_sym *s = ev.rec.schema->f[i];

		key = json_object_iter_key(it);
		val = json_object_iter_value(it);
		if (strlen(key) != s->len || memcmp(key, s->name, s->len) != 0)
			fuzz_fail("field %zu is named '%s', jansson '%s'", i,
			    s->name, key);
		if (!same_value(&ev.rec.v[i], val))
			fuzz_fail("field '%s' differs from jansson's", key);
		i++;
	}
	if (core_dec_next(d, &ev) != CORE_EV_EOF)
		fuzz_fail("more than one record in one line");
	core_dec_free(d);
	core_input_close(&in);
}

/* One JSON string: our decoded bytes and jansson's. */
static void
compare_string(const uint8_t *data, size_t size, json_t *j)
{
	const char *p = (const char *)data, *end = p + size, *s;
	struct core_arena a;
	struct core_json_err e;
	size_t len;

	p = core_json_ws(p, end);
	core_arena_init(&a);
	if (core_json_string(&p, end, &s, &len, &a, (const char *)data,
	    &e) < 0)
		fuzz_fail("core_json_string refuses a valid string: %s",
		    e.msg);
	if (len != json_string_length(j) ||
	    memcmp(s, json_string_value(j), len) != 0)
		fuzz_fail("string decodes differently from jansson");
	core_arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct core_json_err e = { 0, NULL };
	json_error_t err;
	json_t *j;
	int ours, theirs;

	ours = core_json_validate((const char *)data, size, &e) == 0;
	if (!ours) {
		if (e.msg == NULL || e.pos > size)
			fuzz_fail("error without a message or past the end");
	}
	j = json_loadb((const char *)data, size, JFLAGS, &err);
	theirs = j != NULL;
	if (ours != theirs && !excluded(data, size, &e, ours, &err, theirs)) {
		if (ours)
			fuzz_fail("we accept, jansson refuses: %s (line %d, "
			    "column %d, position %d)", err.text, err.line,
			    err.column, err.position);
		fuzz_fail("we refuse (%s at %zu), jansson accepts", e.msg,
		    e.pos);
	}
	if (ours && theirs) {
		if (json_is_object(j) && memchr(data, '\n', size) == NULL)
			compare_object(data, size, j);
		else if (json_is_string(j))
			compare_string(data, size, j);
	}
	json_decref(j);
	return 0;
}
