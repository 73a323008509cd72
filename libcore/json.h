/* SPDX-License-Identifier: MIT */
/* A strict, allocation-free JSON scanner and the JSON string writer. */
#ifndef CORE_JSON_H
#define CORE_JSON_H

#include <stddef.h>

#include "libcore/value.h"

struct core_arena;

/*
 * Why our own scanner: the NDJSON hot path needs one pass that validates
 * RFC 8259 and hands out field slices without building a tree.  jansson's
 * json_loadb builds a tree and runs at ~0.6M records/s here; this scanner
 * keeps nested values as their validated text (DESIGN §2: nested JSON kept
 * intact) and strings zero-copy when they have no escapes.  jansson stays
 * the library for working inside nested values.
 */

/* Deepest nesting accepted; deeper input is an error, never a crash. */
#define CORE_JSON_MAX_DEPTH 1000

struct core_json_err {
	size_t pos;        /* byte offset of the error in the scanned text */
	const char *msg;   /* static phrase */
};

/* Skips JSON whitespace (space, tab, CR, LF). */
const char *core_json_ws_slow(const char *p, const char *end);

static inline const char *
core_json_ws(const char *p, const char *end)
{
	/* Compact JSON has none: one test and out. */
	if (p < end && (unsigned char)*p > ' ')
		return p;
	return core_json_ws_slow(p, end);
}

/*
 * Scans a string whose opening quote is at *pp.  On success *pp is past the
 * closing quote, *s and *len the decoded bytes: a slice of the input when there
 * was no escape, else a copy in arena a.  Strings must be valid UTF-8
 * (escaped surrogates must pair up, "\u0000" is allowed).  base is the
 * start of the text, for error positions.  Returns 0 or -1.
 */
int core_json_string(const char **pp, const char *end, const char **s,
    size_t *len, struct core_arena *a, const char *base,
    struct core_json_err *e);

/*
 * Scans one value at *pp (no leading whitespace): null, true, false,
 * numbers (core_number_scan), strings, and objects/arrays (validated and
 * returned as CORE_JSON slices of the input).  Returns 0 or -1.
 */
int core_json_value(const char **pp, const char *end, struct core_value *v,
    struct core_arena *a, const char *base, struct core_json_err *e);

/* Validates that p[0..len) is exactly one JSON value with optional
 * surrounding whitespace.  Returns 0 or -1. */
int core_json_validate(const char *p, size_t len, struct core_json_err *e);

/*
 * Writes s[0..len) as a JSON string with quotes at d, which must have room
 * for core_json_string_max(len) bytes; returns the end.  Invalid UTF-8
 * bytes become U+FFFD (JSON text must be UTF-8); control characters are
 * escaped; '/' and non-ASCII are written as they are.
 */
char *core_json_put_string(char *d, const char *s, size_t len);

static inline size_t
core_json_string_max(size_t len)
{
	return len * 6 + 2;
}

/*
 * Path access in valid JSON text p[0..len) without building a tree: the
 * value of member key of an object, or of element index of an array
 * (negative counts from the end).  Returns 0 and sets *v (strings decoded
 * into arena a when they have escapes, nested values as JSON slices of p),
 * or -1 when there is no such member or element.
 */
int core_json_member(const char *p, size_t len, const char *key,
    size_t klen, struct core_value *v, struct core_arena *a);
int core_json_element(const char *p, size_t len, int64_t index,
    struct core_value *v, struct core_arena *a);

/* Returns 1 when s[0..len) is valid UTF-8 (no surrogates, no overlongs). */
int core_utf8_valid(const char *s, size_t len);

#endif
